//! `prog load OBJ PATH` and `prog loadall OBJ DIR` with bpftool's meaning: load every program of the object, pin
//! the first (load) or each as DIR/NAME (loadall). `autoattach` attaches by section name instead and pins the link
//! where the program would be pinned: with `load` the first program only, its link at PATH (bpftool 7.7); with
//! `loadall` every program, each link as DIR/NAME. `pinmaps DIR` pins the maps. Any failure rolls every pin and
//! created directory back.

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use libbpf_rs::{MapCore, Object};

use crate::cli::LoadArgs;
use crate::cmd::select::resolve;
use crate::cmd::select::words::{usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::loader::{self, globals, Device, LoadSpec, MapKey};
use crate::output::lifecycle::{LoadReport, LoadedLink, LoadedMap};
use crate::sys::bpf;
use crate::sys::pins::{check_new_pin_path, PinSet};

use super::loaded::loaded_prog_of;

/// The keyword words after OBJ PATH.
#[derive(Debug, Default)]
struct LoadOptions {
    prog_type: Option<String>,
    maps: Vec<(MapKey, Vec<String>)>,
    pinmaps: Option<PathBuf>,
    autoattach: bool,
    /// `offload_dev NAME` (or bpftool's deprecated `dev NAME`) / `xdpmeta_dev NAME`, with whether it is the latter.
    device: Option<(String, bool)>,
    /// bpftool 7.7's `kernel_btf FILE`: the same as --btf.
    kernel_btf: Option<PathBuf>,
}

fn parse_options(words: &[String]) -> Result<LoadOptions> {
    let mut opts = LoadOptions::default();
    let mut w = Words::new(words);
    while let Some(word) = w.next_word() {
        match word {
            "type" => {
                if opts.prog_type.is_some() {
                    return Err(usage("type given twice"));
                }
                opts.prog_type = Some(w.value("type")?.to_string());
            }
            "map" => {
                let key = match w.next_word() {
                    Some("idx") => MapKey::Index(w.number("map idx")?),
                    Some("name") => MapKey::Name(w.value("map name")?.to_string()),
                    _ => return Err(usage("map needs idx N or name NAME")),
                };
                opts.maps.push((key, w.take(2, "map ... MAP")?.to_vec()));
            }
            "pinmaps" => opts.pinmaps = Some(PathBuf::from(w.value("pinmaps")?)),
            "autoattach" => opts.autoattach = true,
            "offload_dev" | "dev" | "xdpmeta_dev" => {
                if opts.device.is_some() {
                    return Err(usage(
                        "one device only: offload_dev and xdpmeta_dev exclude each other",
                    ));
                }
                let name = w.value(word)?.to_string();
                opts.device = Some((name, word == "xdpmeta_dev"));
            }
            "kernel_btf" => opts.kernel_btf = Some(PathBuf::from(w.value("kernel_btf")?)),
            other => return Err(usage(format!("unknown load option {other:?}"))),
        }
    }
    Ok(opts)
}

fn spec_of(ctx: &Context, args: &LoadArgs, opts: &LoadOptions) -> Result<LoadSpec> {
    let prog_type = match &opts.prog_type {
        None => None,
        Some(t) => Some(bpf::prog_type_by_section(t).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("type {t}"),
                "unknown program type",
            )
        })?),
    };
    let mut reuse_maps = Vec::new();
    for (key, words) in &opts.maps {
        reuse_maps.push((key.clone(), resolve::map_words(words)?.fd));
    }
    let globals = args
        .set
        .iter()
        .map(|a| {
            globals::parse_assignment(a)
                .map_err(|why| Error::new(ErrorKind::InvalidInput, "--set", why))
        })
        .collect::<Result<Vec<_>>>()?;
    let device = match &opts.device {
        None => None,
        Some((name, xdp_metadata_only)) => Some(Device {
            ifindex: crate::cmd::attach::ifindex(name)?,
            xdp_metadata_only: *xdp_metadata_only,
        }),
    };
    Ok(LoadSpec {
        object: args.object.clone(),
        prog_type,
        reuse_maps,
        btf: match (&args.btf, &opts.kernel_btf) {
            (Some(_), Some(_)) => {
                return Err(usage("kernel_btf and --btf name the same thing; give one"))
            }
            (btf, kernel_btf) => btf.clone().or_else(|| kernel_btf.clone()),
        },
        globals,
        relaxed_maps: ctx.relaxed_maps,
        device,
    })
}

/// Refuses a pin target before anything is loaded, so a bad path costs nothing.
fn precheck_paths(args: &LoadArgs, opts: &LoadOptions, all: bool) -> Result<()> {
    if all {
        check_dir_target(&args.path)?;
    } else {
        check_new_pin_path(&args.path)?;
    }
    if let Some(dir) = &opts.pinmaps {
        check_dir_target(dir)?;
    }
    Ok(())
}

/// A directory for pins: an existing directory on bpffs, or a new path that would be on bpffs.
fn check_dir_target(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        crate::sys::pins::check_on_bpffs(&dir.join("x"))
    } else {
        check_new_pin_path(dir)
    }
}

pub fn run(ctx: &Context, args: &LoadArgs, all: bool) -> CmdResult {
    let opts = parse_options(&args.options)?;
    precheck_paths(args, &opts, all)?;
    let spec = spec_of(ctx, args, &opts)?;
    if args.sign || args.use_loader {
        // The loader program takes the object as it is: no map reuse, type override, globals or attaching.
        if opts.prog_type.is_some()
            || !opts.maps.is_empty()
            || opts.pinmaps.is_some()
            || opts.autoattach
            || opts.device.is_some()
            || !args.set.is_empty()
        {
            return Err(usage(
                "-S/-L load through a loader program: type, map, pinmaps, autoattach, offload_dev/xdpmeta_dev and --set do not apply",
            ));
        }
        return super::signed::run(ctx, args, all, spec.btf.as_deref());
    }
    let object = loader::load(spec).map_err(|e| explain_refusal(e, ctx, &opts))?;
    let mut pins = PinSet::new();
    let mut report = LoadReport::default();
    let label = args.object.display().to_string();
    // `loadall` of an object with only maps creates them and pins what it is told to, as bpftool does (a real
    // load: the kernel accepts it); `load` has no program to pin.
    if !all && !object.progs().any(|p| p.autoload()) {
        let reason = if object.progs().next().is_none() {
            "the object has no programs"
        } else {
            "every program of the object has autoload off (SEC(\"?...\")), so none was loaded"
        };
        return Err(Error::new(ErrorKind::InvalidInput, label, reason));
    }
    if opts.autoattach {
        attach_programs(&object, &args.path, all, &mut pins, &mut report)?;
    } else {
        pin_programs(&object, &args.path, all, &mut pins, &mut report)?;
    }
    if let Some(dir) = &opts.pinmaps {
        pins.create_dir_all(dir)?;
    }
    for map in object.maps() {
        let name = map.name().to_string_lossy().into_owned();
        let pinned = match &opts.pinmaps {
            Some(dir) => {
                // bpffs refuses '.' in names ("obj.rodata"); libbpf's pin paths use '_' instead, so does bpftool.
                let path = dir.join(name.replace('.', "_"));
                pins.pin(map.as_fd(), &path)?;
                Some(path.display().to_string())
            }
            None => None,
        };
        report.maps.push(LoadedMap {
            name,
            id: loader::map_id(&map).unwrap_or(0),
            pinned,
        });
    }
    pins.commit();
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

/// Says why the kernel or libbpf refused where the bare reason would mislead: a device without an offload driver
/// refuses with EINVAL (a map or program would look malformed), and a map attribute this libbpf does not know
/// has a flag that lets it through.
fn explain_refusal(mut err: Error, ctx: &Context, opts: &LoadOptions) -> Error {
    if let Some((dev, false)) = &opts.device {
        if err.reason.contains("EINVAL") || err.reason.contains("invalid argument") {
            err.kind = ErrorKind::Unsupported;
            err.reason = format!(
                "the kernel refused to offload to {dev}: {} ({dev} has no BPF offload driver)",
                err.reason
            );
        }
    }
    if !ctx.relaxed_maps && err.reason.contains("unknown field") {
        err.reason
            .push_str(" (-m/--mapcompat ignores map attributes libbpf does not know)");
    }
    err
}

/// A loaded program for the report, from its name, section and fd.
macro_rules! loaded_prog {
    ($prog:expr, $pinned:expr) => {
        loaded_prog_of(
            $prog.name().to_string_lossy().into_owned(),
            $prog.section().to_string_lossy().into_owned(),
            $prog.as_fd(),
            $pinned,
        )
    };
}

fn pin_programs(
    object: &Object,
    path: &Path,
    all: bool,
    pins: &mut PinSet,
    report: &mut LoadReport,
) -> Result<()> {
    // No directory for an object without programs: bpftool makes none either.
    if all && object.progs().any(|p| p.autoload()) {
        pins.create_dir_all(path)?;
    }
    // A SEC("?...") program is one of a tool's alternatives, left for its loader to turn on: libbpf did not load
    // it, so there is nothing to pin (bpftool fails the whole loadall on "can't pin program that wasn't loaded").
    for (i, prog) in object.progs().filter(|p| p.autoload()).enumerate() {
        let target = if all {
            Some(path.join(prog.name()))
        } else if i == 0 {
            Some(path.to_path_buf())
        } else {
            None
        };
        if let Some(t) = &target {
            pins.pin(prog.as_fd(), t)?;
        }
        report.programs.push(loaded_prog!(prog, target.as_deref()));
    }
    Ok(())
}

/// bpftool's `autoattach`: `loadall` attaches every program and pins each link as DIR/NAME; `load` attaches the
/// first program only and pins its link at PATH (the others stay loaded while ebpfctl runs, as with bpftool).
fn attach_programs(
    object: &Object,
    path: &Path,
    all: bool,
    pins: &mut PinSet,
    report: &mut LoadReport,
) -> Result<()> {
    if all {
        pins.create_dir_all(path)?;
    }
    for (i, prog) in object.progs_mut().filter(|p| p.autoload()).enumerate() {
        if all {
            let target = path.join(prog.name());
            attach_one(prog, &target, pins, report)?;
        } else if i == 0 {
            attach_one(prog, path, pins, report)?;
        } else {
            report.programs.push(loaded_prog!(prog, None));
        }
    }
    Ok(())
}

/// Attaches one program by its section name and pins the link at `path`; a program whose section names no
/// attach point (plain "xdp", "tc") is pinned itself instead, as bpftool falls back to.
fn attach_one(
    prog: libbpf_rs::ProgramMut<'_>,
    path: &Path,
    pins: &mut PinSet,
    report: &mut LoadReport,
) -> Result<()> {
    let name = prog.name().to_string_lossy().into_owned();
    let log_mark = crate::sys::libbpf_log::mark();
    match prog.attach() {
        // Only USDT: an older kernel's perf-event attachment is not a BPF link either, and gets the
        // explanation the pin path gives.
        Ok(mut link)
            if prog.section().to_string_lossy().starts_with("usdt") && !is_kernel_link(&link) =>
        {
            let prog_id = bpf::prog_brief(prog.as_fd()).map_or(0, |b| b.id);
            pin_kernel_links(prog_id, path, pins, &name, report)?;
            report.programs.push(loaded_prog!(prog, None));
            // The pins hold the kernel links now; libbpf must not tear down what they keep.
            link.disconnect();
        }
        Ok(link) => {
            pins.pin(link.as_fd(), path)?;
            let id = crate::sys::link_info::link_info(link.as_fd()).map_or(0, |l| l.id);
            report.programs.push(loaded_prog!(prog, None));
            report.links.push(LoadedLink {
                program: name,
                id,
                pinned: path.display().to_string(),
            });
        }
        // libbpf's EOPNOTSUPP for "this section names nothing to attach to" comes without a warning; the
        // kernel's own EOPNOTSUPP (kprobe.multi on a kernel built without fprobe) is logged as a failed
        // attach and must fail the load, not quietly pin the program.
        Err(e)
            if crate::sys::libbpf_errno(&e) == Some(libc::EOPNOTSUPP)
                && !crate::sys::libbpf_log::warned_since(log_mark, "failed to attach") =>
        {
            pins.pin(prog.as_fd(), path)?;
            report.programs.push(loaded_prog!(prog, Some(path)));
        }
        Err(e) => return Err(attach_failure(&prog, &name, &e)),
    }
    Ok(())
}

fn attach_failure(prog: &libbpf_rs::ProgramMut<'_>, name: &str, e: &libbpf_rs::Error) -> Error {
    let section = prog.section().to_string_lossy().into_owned();
    let errno = crate::sys::libbpf_errno(e);
    let mut err = Error::new(
        errno.map_or(ErrorKind::Kernel, crate::error::kind_of_errno),
        format!("program {name}"),
        format!(
            "cannot attach ({section}): {}",
            crate::sys::libbpf_reason(e)
        ),
    );
    // libbpf reads the tracepoint's id from tracefs, which is root's unless mounted otherwise.
    let tracepoint = section
        .strip_prefix("tracepoint/")
        .or_else(|| section.strip_prefix("tp/"))
        .and_then(|t| t.split_once('/'));
    let last = crate::sys::libbpf_log::take().pop();
    if let (Some(libc::EACCES), Some((category, event))) = (errno, tracepoint) {
        // The file says it all; libbpf's "failed to create tracepoint … -EACCES" adds nothing.
        let file = crate::cmd::attach::tracefs_event_id(category, event);
        err.reason = format!("{}: {file} is not readable for this user", err.reason);
    } else if let Some(last) = last {
        err = err.with_detail(vec![last]);
    }
    err
}

fn is_kernel_link(link: &libbpf_rs::Link) -> bool {
    crate::sys::libbpf_link_fd(link).is_some_and(|fd| crate::sys::link_info::link_info(fd).is_ok())
}

/// A USDT attachment is a libbpf-side wrapper without an fd of its own around the kernel links libbpf made for
/// the program: one uprobe_multi link (6.6+) or one perf-event link per probe site. Those are pinned: at PATH when
/// there is one, as PATH/0, PATH/1... when there are several. The USDT spec maps stay alive with the program.
fn pin_kernel_links(
    prog_id: u32,
    path: &Path,
    pins: &mut PinSet,
    name: &str,
    report: &mut LoadReport,
) -> Result<()> {
    use crate::sys::bpf::ObjKind;
    let mut links = Vec::new();
    for id in crate::cmd::select::list_ids(ObjKind::Link, name)? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Link, id) else {
            continue;
        };
        if crate::sys::link_info::link_info(fd.as_fd()).is_ok_and(|l| l.prog_id == prog_id) {
            links.push((id, fd));
        }
    }
    if links.is_empty() {
        return Err(Error::new(
            ErrorKind::Kernel,
            format!("program {name}"),
            "attached, but the kernel shows no link of it to pin",
        ));
    }
    let many = links.len() > 1;
    if many {
        pins.create_dir_all(path)?;
    }
    for (i, (id, fd)) in links.iter().enumerate() {
        let target = if many {
            path.join(i.to_string())
        } else {
            path.to_path_buf()
        };
        pins.pin(fd.as_fd(), &target)?;
        report.links.push(LoadedLink {
            program: name.to_string(),
            id: *id,
            pinned: target.display().to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn load_options_parse_like_bpftool() {
        let o = parse_options(&words("type xdp map idx 0 id 5 map name m pinned /sys/fs/bpf/m pinmaps /sys/fs/bpf/d autoattach")).unwrap();
        assert_eq!(o.prog_type.as_deref(), Some("xdp"));
        assert_eq!(o.maps.len(), 2);
        assert_eq!(o.maps[0].0, MapKey::Index(0));
        assert_eq!(o.maps[1].1, words("pinned /sys/fs/bpf/m"));
        assert!(o.autoattach);
        assert!(parse_options(&words("map idx x id 1")).is_err());
        assert!(parse_options(&words("bogus")).is_err());
        assert!(parse_options(&words("map idx 0 id")).is_err());
    }
}

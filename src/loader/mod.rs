//! Loading a user's BPF object file as a library: check the file, open it with libbpf (CO-RE against the running
//! kernel or a given BTF), apply a program type, reuse maps, set globals, load, and explain a failed load. It knows
//! nothing of the command line; `cmd::prog_load` turns its result into pins.

pub mod globals;
pub mod verifier;

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use libbpf_rs::{Object, ObjectBuilder, OpenObject, ProgramAttachType, ProgramType};

use crate::error::{Capability, Error, ErrorKind, Result};
use crate::sys;

/// Which map of the object a `map idx N|name NAME MAP` argument replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapKey {
    Index(usize),
    Name(String),
}

/// Everything needed to load an object, resolved from the command line.
#[derive(Debug, Default)]
pub struct LoadSpec {
    pub object: PathBuf,
    /// Program type and expected attach type for every program (bpftool's `type T`).
    pub prog_type: Option<(u32, u32)>,
    pub reuse_maps: Vec<(MapKey, OwnedFd)>,
    pub btf: Option<PathBuf>,
    /// NAME=VALUE assignments to globals, in order.
    pub globals: Vec<(String, String)>,
    /// bpftool's -m/--mapcompat: libbpf's relaxed_maps.
    pub relaxed_maps: bool,
    /// The network device the programs (and maps) are bound to: `offload_dev` / `xdpmeta_dev`.
    pub device: Option<Device>,
}

/// A device binding of bpftool's `prog load`: the whole object offloaded to a device (`offload_dev NAME`), or
/// the XDP programs bound to a device to use its metadata kfuncs (`xdpmeta_dev NAME`, BPF_F_XDP_DEV_BOUND_ONLY).
/// Whether the device can take it is the kernel's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub ifindex: u32,
    pub xdp_metadata_only: bool,
}

/// The object's bytes, read through `input` (bounded, never blocked by a FIFO or a stalled filesystem), after
/// refusing what libbpf would only explain vaguely: a file that is not ELF, an ELF file for a CPU.
pub fn read_object_file(path: &Path) -> Result<Vec<u8>> {
    let object = path.display().to_string();
    let data = crate::input::read_whole(path, &object, "cannot read")?;
    let file = object::File::parse(&*data)
        .map_err(|_| Error::new(ErrorKind::InvalidInput, &object, "not an ELF object file"))?;
    use object::Object as _;
    if file.format() != object::BinaryFormat::Elf {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &object,
            "not an ELF object file",
        ));
    }
    if file.architecture() != object::Architecture::Bpf {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &object,
            format!(
                "not a BPF object (ELF for {:?}); compile with clang -target bpf",
                file.architecture()
            ),
        ));
    }
    Ok(data)
}

/// The name libbpf gives an object opened from a file (`bpf_object__open_file`): the file name cut to 15 bytes,
/// then at its first dot. Objects are opened from memory here, so the name is passed explicitly: it prefixes
/// the internal maps (`lifecycl.rodata`) exactly as a load from the path would. Bytes libbpf would turn into
/// `_` in map names are turned into `_` here already (the builder takes UTF-8).
pub(crate) fn libbpf_object_name(path: &Path) -> String {
    let base = path.file_name().map_or(&[][..], |n| n.as_encoded_bytes());
    let cut = &base[..base.len().min(15)];
    let cut = cut.split(|&b| b == b'.').next().unwrap_or_default();
    cut.iter()
        .map(|&b| {
            if b.is_ascii() && b != 0 {
                b as char
            } else {
                '_'
            }
        })
        .collect()
}

/// A custom BTF for CO-RE (`--btf FILE`): read and vetted through `input`, then handed to libbpf (which only takes
/// a path) as an in-memory file, so libbpf reads exactly these bytes and never opens the user's path itself.
pub(crate) fn custom_btf(path: &Path) -> Result<std::fs::File> {
    let label = path.display().to_string();
    let data = crate::input::read_whole(path, &label, "cannot read BTF")?;
    // libbpf's own complaint about a file that is not BTF names the object ("failed to perform CO-RE
    // relocations"), not the file: the magic is checked here.
    if !crate::btf::is_raw_btf(&data) && !data.starts_with(b"\x7fELF") {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            label,
            "not BTF: neither raw BTF nor an ELF file with .BTF",
        ));
    }
    sys::fs::memfd_with("ebpfctl-btf", &data)
        .map_err(|e| Error::from_io(&label, &e, "cannot hand the BTF to libbpf"))
}

fn libbpf_error(object: &str, what: &str, err: &libbpf_rs::Error) -> Error {
    let kind = sys::libbpf_errno(err).map_or(ErrorKind::Kernel, crate::error::kind_of_errno);
    Error::new(kind, object, format!("{what}: {}", sys::libbpf_reason(err)))
}

/// Opens, configures and loads the object. On failure nothing stays loaded (the object is closed on drop).
pub fn load(spec: LoadSpec) -> Result<Object> {
    let object = spec.object.display().to_string();
    let data = read_object_file(&spec.object)?;
    let mut builder = ObjectBuilder::default();
    builder.relaxed_maps(spec.relaxed_maps);
    builder
        .name(libbpf_object_name(&spec.object))
        .map_err(|e| libbpf_error(&object, "bad object name", &e))?;
    // Kept open until the load is done: libbpf reads the custom BTF during load().
    let btf = spec.btf.as_deref().map(custom_btf).transpose()?;
    if let Some(file) = &btf {
        builder
            .btf_custom_path(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .map_err(|e| libbpf_error(&object, "bad --btf path", &e))?;
    }
    sys::libbpf_log::take();
    let mut open = builder.open_memory(&data).map_err(|e| {
        let mut err = libbpf_error(&object, "libbpf cannot open it", &e);
        if let Some(last) = sys::libbpf_log::take().last() {
            err.reason = format!("{}: {}", err.reason, last.trim_start_matches("libbpf: "));
        }
        err
    })?;
    if let Some((prog_type, attach_type)) = spec.prog_type {
        for mut prog in open.progs_mut() {
            prog.set_prog_type(ProgramType::from(prog_type));
            prog.set_attach_type(ProgramAttachType::from(attach_type));
        }
    }
    if let Some(device) = spec.device {
        bind_to_device(&mut open, device);
    }
    reuse_maps(&mut open, &spec.reuse_maps, &object)?;
    set_globals(&mut open, &spec.globals, &object)?;
    let need = capabilities_needed(&open);
    sys::libbpf_log::take();
    open.load()
        .map_err(|e| load_error(&object, &e).needing(&need))
}

/// What the kernel checks before it creates this object's maps and loads its programs (bpf_prog_load and
/// map_create in kernel/bpf/syscall.c): CAP_BPF for all, CAP_PERFMON for tracing programs, CAP_NET_ADMIN for
/// network programs and for maps that hold sockets or devices.
fn capabilities_needed(open: &OpenObject) -> Vec<Capability> {
    use libbpf_sys as b;
    let mut need = vec![Capability::Bpf];
    let progs: Vec<u32> = open
        .progs()
        .filter(|p| p.autoload())
        .map(|p| p.prog_type() as u32)
        .collect();
    let perfmon = [
        b::BPF_PROG_TYPE_KPROBE,
        b::BPF_PROG_TYPE_TRACEPOINT,
        b::BPF_PROG_TYPE_PERF_EVENT,
        b::BPF_PROG_TYPE_RAW_TRACEPOINT,
        b::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE,
        b::BPF_PROG_TYPE_TRACING,
        b::BPF_PROG_TYPE_LSM,
        b::BPF_PROG_TYPE_STRUCT_OPS,
        b::BPF_PROG_TYPE_EXT,
    ];
    let net_progs = [
        b::BPF_PROG_TYPE_SCHED_CLS,
        b::BPF_PROG_TYPE_SCHED_ACT,
        b::BPF_PROG_TYPE_XDP,
        b::BPF_PROG_TYPE_LWT_IN,
        b::BPF_PROG_TYPE_LWT_OUT,
        b::BPF_PROG_TYPE_LWT_XMIT,
        b::BPF_PROG_TYPE_LWT_SEG6LOCAL,
        b::BPF_PROG_TYPE_SK_SKB,
        b::BPF_PROG_TYPE_SK_MSG,
        b::BPF_PROG_TYPE_FLOW_DISSECTOR,
        b::BPF_PROG_TYPE_CGROUP_DEVICE,
        b::BPF_PROG_TYPE_CGROUP_SOCK,
        b::BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
        b::BPF_PROG_TYPE_CGROUP_SOCKOPT,
        b::BPF_PROG_TYPE_CGROUP_SYSCTL,
        b::BPF_PROG_TYPE_SOCK_OPS,
        b::BPF_PROG_TYPE_EXT,
        b::BPF_PROG_TYPE_NETFILTER,
    ];
    let net_maps = [
        b::BPF_MAP_TYPE_SOCKMAP,
        b::BPF_MAP_TYPE_SOCKHASH,
        b::BPF_MAP_TYPE_DEVMAP,
        b::BPF_MAP_TYPE_DEVMAP_HASH,
        b::BPF_MAP_TYPE_XSKMAP,
    ];
    if progs.iter().any(|t| perfmon.contains(t)) {
        need.push(Capability::Perfmon);
    }
    if progs.iter().any(|t| net_progs.contains(t))
        || open
            .maps()
            .any(|m| net_maps.contains(&u32::from(m.map_type())))
    {
        need.push(Capability::NetAdmin);
    }
    need
}

/// bpftool's binding: XDP programs with BPF_F_XDP_DEV_BOUND_ONLY for `xdpmeta_dev`; for `offload_dev` every
/// program and every map but perf event arrays (which stay on the host to carry events out).
fn bind_to_device(open: &mut OpenObject, device: Device) {
    for mut prog in open.progs_mut() {
        if device.xdp_metadata_only {
            if prog.prog_type() == ProgramType::Xdp {
                let flags = sys::object::open_program_flags(&prog);
                prog.set_flags(flags | libbpf_sys::BPF_F_XDP_DEV_BOUND_ONLY);
                prog.set_ifindex(device.ifindex);
            }
        } else {
            prog.set_ifindex(device.ifindex);
        }
    }
    if !device.xdp_metadata_only {
        for mut map in open.maps_mut() {
            if map.map_type() != libbpf_rs::MapType::PerfEventArray {
                map.set_map_ifindex(device.ifindex);
            }
        }
    }
}

fn reuse_maps(open: &mut OpenObject, reuse: &[(MapKey, OwnedFd)], object: &str) -> Result<()> {
    for (key, fd) in reuse {
        let mut found = false;
        for (idx, mut map) in open.maps_mut().enumerate() {
            let hit = match key {
                MapKey::Index(i) => *i == idx,
                MapKey::Name(n) => map.name().to_string_lossy() == n.as_str(),
            };
            if hit {
                map.reuse_fd(fd.as_fd())
                    .map_err(|e| libbpf_error(object, "cannot reuse map", &e))?;
                found = true;
                break;
            }
        }
        if !found {
            let what = match key {
                MapKey::Index(i) => format!("no map with index {i}"),
                MapKey::Name(n) => format!("no map named {n}"),
            };
            return Err(Error::new(ErrorKind::NotFound, object, what));
        }
    }
    Ok(())
}

fn set_globals(
    open: &mut OpenObject,
    assignments: &[(String, String)],
    object: &str,
) -> Result<()> {
    if assignments.is_empty() {
        return Ok(());
    }
    let writes = {
        let btf = sys::object::open_object_btf(open).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                object,
                "--set needs BTF in the object (compile with -g)",
            )
        })?;
        assignments
            .iter()
            .map(|(name, value)| globals::plan_write(&btf, name, value))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|why| Error::new(ErrorKind::InvalidInput, object, why))?
    };
    for write in writes {
        let map_name = sys::object::internal_map_name(open, &write.section).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                object,
                format!("no map for section {}", write.section),
            )
        })?;
        let mut map = open
            .maps_mut()
            .find(|m| m.name().to_string_lossy() == map_name.as_str())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    object,
                    format!("no map {map_name}"),
                )
            })?;
        let image = map.initial_value_mut().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                object,
                format!("section {} has no initial image", write.section),
            )
        })?;
        let end = write.offset + write.bytes.len();
        let slot = image.get_mut(write.offset..end).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                object,
                format!("{} lies outside {}", write.name, write.section),
            )
        })?;
        slot.copy_from_slice(&write.bytes);
    }
    Ok(())
}

fn load_error(object: &str, err: &libbpf_rs::Error) -> Error {
    let messages = sys::libbpf_log::take();
    let failure = verifier::explain(&messages);
    let base = libbpf_error(object, "load failed", err);
    let verified = failure.verified();
    // libbpf's advice on EPERM ("make sure your kernel supports BPF", "try raising 'ulimit -l'") misleads on
    // kernels that charge BPF memory to the cgroup (5.11+): it is a missing capability; `needing` names it.
    if base.kind == ErrorKind::Permission && !verified {
        // Which map or program the kernel refused, as libbpf's last message about one names it.
        let named = |what: &str| {
            messages.iter().rev().find_map(|m| {
                let rest = m.split(what).nth(1)?;
                Some(rest.split('\'').next()?.to_string())
            })
        };
        let reason = match (named("map '"), named("prog '")) {
            (Some(name), _) => {
                format!("load failed: cannot create map '{name}': operation not permitted")
            }
            (None, Some(name)) => {
                format!("load failed: program '{name}': operation not permitted (EPERM)")
            }
            (None, None) => "load failed: operation not permitted (EPERM)".to_string(),
        };
        return Error::new(ErrorKind::Permission, object, reason);
    }
    let Some(program) = failure.program.clone() else {
        let last = messages
            .iter()
            .rev()
            .find(|m| !m.contains("failed to load object"));
        return match last {
            Some(m) => Error::new(
                base.kind,
                object,
                format!("load failed: {}", m.trim_start_matches("libbpf: ")),
            ),
            None => base,
        };
    };
    let reason = match (
        verifier::verdict(&failure),
        &failure.insn,
        &failure.libbpf_reason,
    ) {
        (Some(verdict), Some(insn), _) => {
            format!("program '{program}' rejected by the verifier at insn {insn}: {verdict}")
        }
        (Some(verdict), None, _) => {
            format!("program '{program}' rejected by the verifier: {verdict}")
        }
        (None, _, Some(why)) => format!("program '{program}': {why}"),
        _ => format!("program '{program}': {}", base.reason),
    };
    let detail = if failure.tail.is_empty() {
        Vec::new()
    } else {
        let mut d = vec!["verifier log (last lines; -d prints all of it):".to_string()];
        d.extend(failure.tail.iter().map(|l| format!("  {l}")));
        d
    };
    // A verifier verdict is about the program, not about privileges, whatever errno carried it (EACCES, EINVAL).
    let kind = if !verified {
        base.kind
    } else {
        ErrorKind::InvalidInput
    };
    Error::new(kind, object, reason).with_detail(detail)
}

/// Ids of a loaded object's programs and maps, for reporting.
pub fn map_id(map: &libbpf_rs::Map<'_>) -> Option<u32> {
    sys::bpf::map_id(map.as_fd()).ok()
}

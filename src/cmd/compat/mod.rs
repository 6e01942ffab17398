//! `ebpfctl compat check OBJ... [--btf FILE...] [-B BASE] [--live] [--kconfig FILE] [--kallsyms FILE]
//! [--map-size NAME=N] [--require-attach]`: a verdict per object × kernel.

use std::path::{Path, PathBuf};

use crate::btf::Btf;
use crate::cli::{CiFormat, CompatCheckArgs, CompatVerb};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::compat;
use crate::compat::kernel::KernelView;
use crate::elf;
use crate::error::{Error, ErrorKind, Result};
use crate::input::btf_file::{load_kernel_btf, read_file, RUNNING_VMLINUX};
use crate::output::compat::CompatEntry;
use crate::output::compat::CompatReport;
use crate::output::progress::Progress;

pub fn run(ctx: &Context, verb: CompatVerb) -> CmdResult {
    match verb {
        CompatVerb::Check(args) => check(ctx, &args),
    }
}

fn check(ctx: &Context, args: &CompatCheckArgs) -> CmdResult {
    let mut kernels: Vec<PathBuf> = args.btf.clone();
    for dir in &args.btf_dir {
        kernels.extend(btf_files_under(dir)?);
    }
    // The running kernel (--live, or no --btf at all) is also probed and trial-loaded; a --btf file naming its BTF
    // is only read.
    let live = args.live || kernels.is_empty();
    if live {
        kernels.push(PathBuf::from(RUNNING_VMLINUX));
    }
    let live_index = live.then(|| kernels.len() - 1);
    let mut live_kernel = live.then(compat::live::LiveKernel::new);
    let live_facts = live.then(compat::kernel::LiveFacts::read);
    let opts = compat::Options {
        map_sizes: compat::maps::parse_sizes(&args.map_size, &args.map_value_size)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, "compat", e))?,
        require_attach: args.require_attach,
    };
    let kconfig = args.kconfig.as_deref().map(read_kconfig).transpose()?;
    let kallsyms = args.kallsyms.as_deref().map(read_kallsyms).transpose()?;
    let targets = load_targets(&kernels, args.base_btf.as_deref(), live_index)?;
    let views = kernel_views(
        &targets,
        live_index,
        kconfig.as_ref(),
        kallsyms.as_ref(),
        live_facts.as_ref(),
    );
    let mut results = Vec::new();
    let mut progress = Progress::new("compat", args.objects.len() * targets.len());
    for path in &args.objects {
        let name = path.display().to_string();
        let data = read_file(path)?;
        let obj = elf::parse(&data, &name).map_err(|e| Error::invalid(&name, e))?;
        if obj.machine != "bpf" {
            return Err(Error::invalid(&name, "not a BPF object file"));
        }
        // The checks against BTF alone are independent: all kernels at once; the live kernel's probes and trial
        // load stay on this thread, after.
        let indices: Vec<usize> = (0..targets.len()).collect();
        let mut offline = crate::sys::parallel::map_with(
            &indices,
            || (),
            |&i, _| compat::check(&obj, &views[i], &targets[i].2, &opts),
        );
        for (i, ((kname, _, core), view)) in targets.iter().zip(&views).enumerate() {
            let mut verdict = match offline[i].take() {
                Some(verdict) => verdict,
                None => compat::check(&obj, view, core, &opts),
            };
            if let (Some(prober), true) = (live_kernel.as_mut(), Some(i) == live_index) {
                prober.refine(&obj, view, &mut verdict);
                let trial = compat::trial::load(path, &opts.map_sizes)
                    .map_err(|e| Error::new(ErrorKind::Permission, &name, e.0))?;
                compat::apply_trial(&mut verdict, trial, &opts);
            }
            progress.step(&format!("{name} × {kname}"));
            results.push(CompatEntry {
                object: name.clone(),
                kernel: kname.clone(),
                verdict,
            });
        }
    }
    drop(progress);
    let compatible = results.iter().all(|r| r.verdict.compatible);
    let report = CompatReport {
        compatible,
        results,
    };
    print_report(ctx, report, args.format)?;
    Ok(if compatible {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// Each kernel's BTF read (and for .xz, decompressed: most of a matrix's time) and indexed for CO-RE, one thread
/// per CPU. `--base-btf` is the base of split --btf files, never of the running kernel's own BTF.
fn load_targets(
    kernels: &[PathBuf],
    base_btf: Option<&Path>,
    live_index: Option<usize>,
) -> Result<Vec<(String, Btf, compat::core::CoreBtf)>> {
    let indexed: Vec<(usize, &PathBuf)> = kernels.iter().enumerate().collect();
    crate::sys::parallel::map_with(
        &indexed,
        || (),
        |&(i, k), _| {
            let name = k.display().to_string();
            let base = base_btf.filter(|_| Some(i) != live_index);
            let btf = load_kernel_btf(k, base)?;
            let core = compat::core::CoreBtf::new(&btf).map_err(|e| Error::invalid(&name, e))?;
            Ok((name, btf, core))
        },
    )
    .into_iter()
    .map(|t| {
        t.unwrap_or_else(|| {
            Err(Error::new(
                ErrorKind::Kernel,
                "compat",
                "a worker thread died",
            ))
        })
    })
    .collect()
}

fn print_report(ctx: &Context, report: CompatReport, format: Option<CiFormat>) -> Result<()> {
    use crate::output::compat_ci::{CiFormat as Form, CiReport};
    let format = match format {
        None => return show(ctx, &report),
        Some(CiFormat::Junit) => Form::Junit,
        Some(CiFormat::Github) => Form::Github,
    };
    // A CI format is text whatever -j says: it is what the CI system reads.
    let text = Context {
        out: crate::output::Output::new(false, false),
        ..*ctx
    };
    show(&text, &CiReport { report, format })
}

/// The kernel BTF files under `dir` (recursively, sorted): btfhub-archive's DISTRO/RELEASE/ARCH/KERNEL.btf[.tar.xz].
fn btf_files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let label = dir.display().to_string();
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| {
            Error::from_io(d.display().to_string(), &e, "cannot read the directory")
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            // file_type does not follow symlinks: a symlink loop cannot make the walk endless.
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(path),
                Ok(_) => {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if [".btf", ".btf.xz", ".btf.tar.xz"]
                        .iter()
                        .any(|s| name.ends_with(s))
                    {
                        found.push(path);
                    }
                }
                Err(_) => {}
            }
        }
    }
    if found.is_empty() {
        return Err(Error::new(
            ErrorKind::NotFound,
            label,
            "no kernel BTF here (*.btf, *.btf.xz, *.btf.tar.xz)",
        ));
    }
    found.sort();
    Ok(found)
}

/// What each target kernel is known by besides its BTF: the given kconfig and symbols, or for the running kernel
/// (`live_index`) its own.
fn kernel_views<'a>(
    targets: &'a [(String, crate::btf::Btf, compat::core::CoreBtf)],
    live_index: Option<usize>,
    kconfig: Option<&'a compat::kernel::Kconfig>,
    kallsyms: Option<&'a compat::kernel::Symbols>,
    live_facts: Option<&'a compat::kernel::LiveFacts>,
) -> Vec<KernelView<'a>> {
    targets
        .iter()
        .enumerate()
        .map(|(i, (_, btf, _))| {
            let mut view = KernelView::new(btf);
            view.kconfig = kconfig;
            view.symbols = kallsyms;
            if let (Some(facts), true) = (live_facts, Some(i) == live_index) {
                view.live = true;
                view.symbols = facts.symbols.as_ref();
                view.version = facts.version;
                view.kconfig = kconfig.or(facts.kconfig.as_ref());
            }
            view
        })
        .collect()
}

/// A kernel config file (text or gzip, such as /proc/config.gz).
fn read_kconfig(path: &Path) -> Result<compat::kernel::Kconfig> {
    let name = path.display().to_string();
    compat::kernel::parse_kconfig(&read_file(path)?).map_err(|e| Error::invalid(&name, e))
}

/// A kernel symbol list (/proc/kallsyms or System.map).
fn read_kallsyms(path: &Path) -> Result<compat::kernel::Symbols> {
    let name = path.display().to_string();
    let text = String::from_utf8(read_file(path)?)
        .map_err(|_| Error::invalid(&name, "not a kernel symbol list (not text)"))?;
    let symbols = compat::kernel::Symbols::parse(&text);
    if symbols.names.is_empty() {
        return Err(Error::invalid(
            &name,
            "not a kernel symbol list (no \"ADDRESS TYPE NAME\" lines)",
        ));
    }
    Ok(symbols)
}

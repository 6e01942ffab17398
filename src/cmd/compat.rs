//! `ebpfctl compat check OBJ... [--btf FILE...] [--live] [--kconfig FILE] [--kallsyms FILE] [--map-size NAME=N]
//! [--require-attach]`: a verdict per object × kernel.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::inspect::{parse_raw_btf, read_file};
use super::{show, CmdResult, Context, Outcome};
use crate::btf::Btf;
use crate::cli::{CompatCheckArgs, CompatVerb};
use crate::compat::kernel::KernelView;
use crate::compat::{self, ObjectVerdict};
use crate::elf::{self, FileKind};
use crate::error::{Error, ErrorKind, Result};
use crate::output::progress::Progress;

#[derive(Serialize)]
pub struct CompatEntry {
    pub object: String,
    pub kernel: String,
    #[serde(flatten)]
    pub verdict: ObjectVerdict,
}

#[derive(Serialize)]
pub struct CompatReport {
    pub compatible: bool,
    pub results: Vec<CompatEntry>,
}

const LIVE_BTF: &str = "/sys/kernel/btf/vmlinux";

pub fn run(ctx: &Context, verb: CompatVerb) -> CmdResult {
    match verb {
        CompatVerb::Check(args) => check(ctx, &args),
    }
}

fn check(ctx: &Context, args: &CompatCheckArgs) -> CmdResult {
    let mut kernels: Vec<PathBuf> = args.btf.clone();
    // The running kernel (--live, or no --btf at all) is also probed and trial-loaded; a --btf file naming its BTF
    // is only read.
    let live = args.live || kernels.is_empty();
    if live {
        kernels.push(PathBuf::from(LIVE_BTF));
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
    let targets = kernels
        .iter()
        .map(|k| {
            let name = k.display().to_string();
            let btf = load_kernel_btf(k)?;
            let core = compat::core::CoreBtf::new(&btf).map_err(|e| invalid(&name, e))?;
            Ok((name, btf, core))
        })
        .collect::<Result<Vec<_>>>()?;
    let views: Vec<KernelView> = targets
        .iter()
        .enumerate()
        .map(|(i, (_, btf, _))| {
            let mut view = KernelView::new(btf);
            view.kconfig = kconfig.as_ref();
            view.symbols = kallsyms.as_ref();
            if let (Some(facts), true) = (&live_facts, Some(i) == live_index) {
                view.live = true;
                view.symbols = facts.symbols.as_ref();
                view.version = facts.version;
                view.kconfig = kconfig.as_ref().or(facts.kconfig.as_ref());
            }
            view
        })
        .collect();
    let mut results = Vec::new();
    let mut progress = Progress::new("compat", args.objects.len() * targets.len());
    for path in &args.objects {
        let name = path.display().to_string();
        let data = read_file(path)?;
        let obj = elf::parse(&data, &name).map_err(|e| invalid(&name, e))?;
        if obj.machine != "bpf" {
            return Err(invalid(&name, "not a BPF object file"));
        }
        for (i, ((kname, _, core), view)) in targets.iter().zip(&views).enumerate() {
            let mut verdict = compat::check(&obj, view, core, &opts);
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
    show(
        ctx,
        &CompatReport {
            compatible,
            results,
        },
    )?;
    Ok(if compatible {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

fn invalid(file: &str, reason: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidInput, file, reason.to_string())
}

/// A kernel's BTF from a raw blob or an ELF's .BTF section (vmlinux).
pub fn load_kernel_btf(path: &Path) -> Result<Btf> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    match elf::detect(&data) {
        FileKind::RawBtf => parse_raw_btf(&name, &data, None),
        FileKind::Elf => {
            let obj = elf::parse(&data, &name).map_err(|e| invalid(&name, e))?;
            obj.btf
                .ok_or_else(|| invalid(&name, "ELF file has no .BTF section"))
        }
        FileKind::Unknown => Err(invalid(
            &name,
            "not kernel BTF: neither raw BTF nor an ELF with .BTF",
        )),
    }
}

/// A kernel config file (text or gzip, such as /proc/config.gz).
fn read_kconfig(path: &Path) -> Result<compat::kernel::Kconfig> {
    let name = path.display().to_string();
    compat::kernel::parse_kconfig(&read_file(path)?).map_err(|e| invalid(&name, e))
}

/// A kernel symbol list (/proc/kallsyms or System.map).
fn read_kallsyms(path: &Path) -> Result<compat::kernel::Symbols> {
    let name = path.display().to_string();
    let text = String::from_utf8(read_file(path)?)
        .map_err(|_| invalid(&name, "not a kernel symbol list (not text)"))?;
    let symbols = compat::kernel::Symbols::parse(&text);
    if symbols.names.is_empty() {
        return Err(invalid(
            &name,
            "not a kernel symbol list (no \"ADDRESS TYPE NAME\" lines)",
        ));
    }
    Ok(symbols)
}

//! `ebpfctl compat check OBJ... [--btf FILE...] [-B BASE] [--live] [--kconfig FILE]`: a verdict per object × kernel.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::{CompatCheckArgs, CompatVerb};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::compat::{self};
use crate::elf::{self};
use crate::error::{Error, Result};
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
    // The running kernel (--live, or no --btf at all) is also probed; a --btf file naming its BTF is not.
    let live = args.live || kernels.is_empty();
    if live {
        kernels.push(PathBuf::from(RUNNING_VMLINUX));
    }
    let live_index = live.then(|| kernels.len() - 1);
    let mut live_kernel = live.then(compat::live::LiveKernel::new);
    let kconfig = args.kconfig.as_deref().map(read_kconfig).transpose()?;
    let targets = kernels
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let name = k.display().to_string();
            // --base-btf is the base of split --btf files, never of the running kernel's own BTF.
            let base = args.base_btf.as_deref().filter(|_| Some(i) != live_index);
            let btf = load_kernel_btf(k, base)?;
            let core = compat::core::CoreBtf::new(&btf).map_err(|e| Error::invalid(&name, e))?;
            Ok((name, btf, core))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut results = Vec::new();
    let mut progress = Progress::new("compat", args.objects.len() * targets.len());
    for path in &args.objects {
        let name = path.display().to_string();
        let data = read_file(path)?;
        let obj = elf::parse(&data, &name).map_err(|e| Error::invalid(&name, e))?;
        if obj.machine != "bpf" {
            return Err(Error::invalid(&name, "not a BPF object file"));
        }
        for (i, (kname, btf, core)) in targets.iter().enumerate() {
            let mut verdict = compat::check(&obj, btf, core, kconfig.as_ref());
            if let (Some(prober), true) = (live_kernel.as_mut(), Some(i) == live_index) {
                prober.refine(&obj, btf, &mut verdict);
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

/// The largest kernel config `--kconfig` unpacks (a real one is well under 1 MiB).
const MAX_KCONFIG: u64 = 64 << 20;

/// The CONFIG_* names a .config sets (`=y`, `=m`, strings, numbers), from text or gzip (/proc/config.gz).
fn read_kconfig(path: &Path) -> Result<HashSet<String>> {
    let name = path.display().to_string();
    let raw = read_file(path)?;
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        // A kernel config is a few hundred KiB; a gzip bomb must not expand into all of memory.
        let mut unpacked = flate2::read::GzDecoder::new(raw.as_slice()).take(MAX_KCONFIG + 1);
        unpacked
            .read_to_string(&mut s)
            .map_err(|e| Error::invalid(&name, format!("bad gzip kernel config: {e}")))?;
        if s.len() as u64 > MAX_KCONFIG {
            return Err(Error::invalid(
                &name,
                format!(
                    "kernel config larger than {} MiB unpacked",
                    MAX_KCONFIG >> 20
                ),
            ));
        }
        s
    } else {
        String::from_utf8(raw)
            .map_err(|_| Error::invalid(&name, "unknown kernel config format (not text or gzip)"))?
    };
    let mut set = HashSet::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // `CONFIG_X=n` still sets the extern: libbpf gives a bool, tristate or char extern the value n (false).
        // Only an absent option (or the `# CONFIG_X is not set` comment) leaves a strong extern unresolved.
        match line.split_once('=') {
            Some((k, _)) if k.starts_with("CONFIG_") => {
                set.insert(k.to_string());
            }
            _ => {
                return Err(Error::invalid(
                    &name,
                    format!("unknown kernel config format: line {line:?}"),
                ))
            }
        }
    }
    Ok(set)
}

//! `ebpfctl btf minimize --btf SRC -o OUT OBJ...`: write the smallest BTF with which the objects' CO-RE relocations
//! resolve exactly as against SRC (what bpftool calls `gen min_core_btf`), for shipping with them to kernels
//! without /sys/kernel/btf/vmlinux.

use std::path::{Path, PathBuf};

use crate::cli::BtfMinimizeArgs;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::compat::{core::CoreBtf, minimize};
use crate::elf;
use crate::error::{Error, Result};
use crate::input::btf_file::load_kernel_btf;
use crate::input::btf_file::read_file;
use crate::output::btf::MinimizeReport;

pub fn run(ctx: &Context, args: &BtfMinimizeArgs) -> CmdResult {
    let report = minimize_to(&args.btf, &args.output, &args.objects)?;
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

/// Writes to `output` the BTF of `source` that the CO-RE relocations of `objects` need.
pub fn minimize_to(source: &Path, output: &Path, objects: &[PathBuf]) -> Result<MinimizeReport> {
    let src_name = source.display().to_string();
    let src = load_kernel_btf(source, None)?;
    if src.base().is_some() {
        // The minimized blob is written standalone; a module's types would lose the vmlinux types they use.
        return Err(Error::invalid(
            &src_name,
            "split BTF (a kernel module's): minimize the vmlinux BTF instead",
        ));
    }
    let core_src = CoreBtf::new(&src).map_err(|e| Error::invalid(&src_name, e))?;
    let objects = objects
        .iter()
        .map(|p| read_object(p))
        .collect::<Result<Vec<_>>>()?;
    let out_name = output.display().to_string();
    let result = minimize::minimize(&src, &core_src, &objects)
        .map_err(|e| Error::invalid("btf minimize", e))?;
    crate::input::write::write_whole(output, &out_name, &result.data)?;
    Ok(MinimizeReport {
        source: src_name,
        output: out_name,
        source_bytes: src.raw_data().len(),
        bytes: result.data.len(),
        types: result.types,
        objects: objects.len(),
        relocations: result.relocations,
    })
}

/// A BPF object that carries CO-RE relocation records (.BTF and .BTF.ext); anything else cannot be minimized for.
fn read_object(path: &Path) -> Result<(String, elf::ObjectFile)> {
    let name = path.display().to_string();
    let obj = elf::parse(&read_file(path)?, &name).map_err(|e| Error::invalid(&name, e))?;
    if obj.machine != "bpf" {
        return Err(Error::invalid(&name, "not a BPF object file"));
    }
    if obj.btf.is_none() || obj.btf_ext.is_none() {
        return Err(Error::invalid(
            &name,
            "no .BTF/.BTF.ext: the object has no CO-RE relocations to minimize for",
        ));
    }
    Ok((name, obj))
}

//! `ebpfctl inspect FILE... [progs|maps|globals|relocs|sections|btf]`: what an object file or BTF blob contains,
//! read from the bytes alone (no kernel, no privileges).

use std::path::Path;

use crate::btf::Btf;
use crate::cli::{InspectArgs, InspectView};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::elf::{self, BtfExtSummary, FileKind};
use crate::error::{Error, Result};
use crate::input::btf_file::{load_btf_over, read_file};
use crate::output::inspect::BtfSummary;
use crate::output::inspect::InspectOutput;
use crate::output::inspect::InspectReport;

pub fn run(ctx: &Context, args: &InspectArgs) -> CmdResult {
    let (files, view) = args.files_and_view();
    let reports = files
        .iter()
        .map(|f| inspect_file(f, view, args.base_btf.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    show(ctx, &InspectOutput(reports))?;
    Ok(Outcome::Success)
}

fn inspect_file(
    path: &Path,
    view: Option<InspectView>,
    base: Option<&Path>,
) -> Result<InspectReport> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    let mut report = match elf::detect(&data) {
        FileKind::Elf => {
            let mut report = from_elf(&name, &data)?;
            if report.btf.is_none() {
                split_elf_btf(path, base, &mut report);
            }
            report
        }
        FileKind::RawBtf => InspectReport {
            kind: "raw_btf",
            btf: Some(summarize(&load_btf_over(path, base)?)),
            ..Default::default()
        },
        FileKind::Unknown => {
            return Err(Error::invalid(
                &name,
                "not an ELF file or raw BTF (bad magic)",
            ))
        }
    };
    report.file = name;
    report.size = data.len() as u64;
    if let Some(v) = view {
        apply_view(&mut report, v);
    }
    Ok(report)
}

fn from_elf(name: &str, data: &[u8]) -> Result<InspectReport> {
    let obj = elf::parse(data, name).map_err(|e| Error::invalid(name, e))?;
    let is_bpf = obj.machine == "bpf";
    let core_relos = obj.btf_ext.as_ref().map(|x| x.core_relos.clone());
    Ok(InspectReport {
        kind: if is_bpf { "bpf_object" } else { "elf" },
        machine: Some(obj.machine),
        endianness: Some(obj.endianness),
        elf_type: Some(obj.elf_type),
        license: obj.license,
        sections: Some(obj.sections),
        programs: Some(obj.programs),
        subprograms: Some(obj.subprograms),
        maps: Some(obj.maps),
        globals: Some(obj.globals),
        externs: Some(obj.externs),
        btf: obj.btf.as_ref().map(summarize),
        btf_ext: obj.btf_ext.map(|x| BtfExtSummary {
            core_relos: Vec::new(),
            ..x
        }),
        core_relos,
        warnings: Some(obj.warnings),
        ..Default::default()
    })
}

/// A .BTF that does not parse alone may be split BTF (a kernel module's .ko): parsed over its base, it is
/// summarized and the warning about it goes.
fn split_elf_btf(path: &Path, base: Option<&Path>, report: &mut InspectReport) {
    let has_btf_warning = |w: &String| w.starts_with(".BTF:");
    if !report
        .warnings
        .as_ref()
        .is_some_and(|ws| ws.iter().any(has_btf_warning))
    {
        return;
    }
    if let Ok(btf) = load_btf_over(path, base) {
        report.btf = Some(summarize(&btf));
        if let Some(ws) = report.warnings.as_mut() {
            ws.retain(|w| !has_btf_warning(w));
        }
    }
}

fn summarize(btf: &Btf) -> BtfSummary {
    let h = btf.header();
    BtfSummary {
        types: btf.type_count() - btf.start_id(),
        kinds: btf
            .kind_counts()
            .into_iter()
            .map(|(k, n)| (k.name(), n))
            .collect(),
        strings_size: btf.strings_size(),
        endianness: if btf.big_endian() { "big" } else { "little" },
        version: h.version,
        flags: h.flags,
        start_id: btf.start_id(),
    }
}

fn apply_view(r: &mut InspectReport, view: InspectView) {
    let keep = InspectReport {
        file: std::mem::take(&mut r.file),
        kind: r.kind,
        size: r.size,
        sections: if view == InspectView::Sections {
            r.sections.take().or(Some(Vec::new()))
        } else {
            None
        },
        programs: if view == InspectView::Progs {
            r.programs.take().or(Some(Vec::new()))
        } else {
            None
        },
        maps: if view == InspectView::Maps {
            r.maps.take().or(Some(Vec::new()))
        } else {
            None
        },
        globals: if view == InspectView::Globals {
            r.globals.take().or(Some(Vec::new()))
        } else {
            None
        },
        externs: if view == InspectView::Globals {
            r.externs.take().or(Some(Vec::new()))
        } else {
            None
        },
        core_relos: if view == InspectView::Relocs {
            r.core_relos.take().or(Some(Vec::new()))
        } else {
            None
        },
        btf: if view == InspectView::Btf {
            r.btf.take()
        } else {
            None
        },
        btf_ext: if view == InspectView::Btf || view == InspectView::Relocs {
            r.btf_ext.take()
        } else {
            None
        },
        ..Default::default()
    };
    *r = keep;
}

//! `ebpfctl inspect FILE... [progs|maps|globals|relocs|sections|btf]`: what an object file or BTF blob contains,
//! read from the bytes alone (no kernel, no privileges).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{show, CmdResult, Context, Outcome};
use crate::btf::Btf;
use crate::cli::{InspectArgs, InspectView};
use crate::elf::{
    self, BtfExtSummary, CoreRelo, Extern, FileKind, GlobalVar, MapDef, Program, Section,
};
use crate::error::{Error, ErrorKind, Result};

/// BTF at a glance: how many types of each kind, how big the strings are.
#[derive(Debug, Serialize)]
pub struct BtfSummary {
    pub types: u32,
    pub kinds: BTreeMap<&'static str, usize>,
    pub strings_size: usize,
    pub endianness: &'static str,
    pub version: u8,
    pub flags: u8,
    /// For split BTF: the first type id it defines (ids below belong to the base).
    pub start_id: u32,
}

/// One file's report. Sub-views keep `file` and `kind` and drop every other part.
#[derive(Serialize, Default)]
pub struct InspectReport {
    pub file: String,
    /// bpf_object (ELF for the BPF machine), elf (another ELF, e.g. vmlinux with .BTF) or raw_btf.
    pub kind: &'static str,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endianness: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elf_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<Section>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<Program>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subprograms: Option<Vec<Program>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps: Option<Vec<MapDef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub globals: Option<Vec<GlobalVar>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub externs: Option<Vec<Extern>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf: Option<BtfSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_ext: Option<BtfExtSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_relos: Option<Vec<CoreRelo>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<String>>,
}

/// The reports of all files: one file prints as an object, several as an array.
pub struct InspectOutput(pub Vec<InspectReport>);

impl Serialize for InspectOutput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

pub fn run(ctx: &Context, args: &InspectArgs) -> CmdResult {
    let (files, view) = args.files_and_view();
    let reports = files
        .iter()
        .map(|f| inspect_file(f, view))
        .collect::<Result<Vec<_>>>()?;
    show(ctx, &InspectOutput(reports))?;
    Ok(Outcome::Success)
}

fn invalid(file: &str, reason: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidInput, file, reason.to_string())
}

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    crate::input::read_whole(path, &path.display().to_string(), "cannot read")
}

/// Split BTF of a kernel module needs vmlinux as its base; elsewhere a base is only used when given.
pub fn default_base_for(path: &Path) -> Option<&'static Path> {
    let vmlinux = Path::new("/sys/kernel/btf/vmlinux");
    (path.parent() == Some(Path::new("/sys/kernel/btf")) && path != vmlinux).then_some(vmlinux)
}

/// Parses a raw BTF blob, on top of `base` when given.
pub fn parse_raw_btf(name: &str, data: &[u8], base: Option<Btf>) -> Result<Btf> {
    match base {
        Some(b) => Btf::parse_split(data, b),
        None => Btf::parse(data),
    }
    .map_err(|e| invalid(name, e))
}

fn inspect_file(path: &Path, view: Option<InspectView>) -> Result<InspectReport> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    let mut report = match elf::detect(&data) {
        FileKind::Elf => from_elf(&name, &data)?,
        FileKind::RawBtf => {
            let base = match default_base_for(path) {
                Some(b) => Some(parse_raw_btf(
                    &b.display().to_string(),
                    &read_file(b)?,
                    None,
                )?),
                None => None,
            };
            let btf = parse_raw_btf(&name, &data, base)?;
            InspectReport {
                kind: "raw_btf",
                btf: Some(summarize(&btf)),
                ..Default::default()
            }
        }
        FileKind::Unknown => return Err(invalid(&name, "not an ELF file or raw BTF (bad magic)")),
    };
    report.file = name;
    report.size = data.len() as u64;
    if let Some(v) = view {
        apply_view(&mut report, v);
    }
    Ok(report)
}

fn from_elf(name: &str, data: &[u8]) -> Result<InspectReport> {
    let obj = elf::parse(data, name).map_err(|e| invalid(name, e))?;
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

//! Global variables (.rodata, .data, .bss and their named variants) with their types and initial values, and
//! externs: Kconfig values, typed and untyped kernel symbols, kfuncs.

use object::elf;
use serde::Serialize;
use serde_json::Value;

use super::{Elf, Section};
use crate::btf::{Btf, Kind};

/// "rodata", "data" or "bss" when libbpf treats the section as global data (it becomes an array map).
pub fn is_data_section(sec: &Section) -> Option<&'static str> {
    let n = sec.name.as_str();
    let is = |base: &str| n == base || n.strip_prefix(base).is_some_and(|r| r.starts_with('.'));
    if sec.kind == "progbits" && !sec.flags.contains('X') {
        if is(".data") {
            return Some("data");
        }
        if is(".rodata") {
            return Some("rodata");
        }
    }
    if sec.kind == "nobits" && is(".bss") {
        return Some("bss");
    }
    None
}

#[derive(Debug, Clone, Serialize)]
pub struct GlobalVar {
    pub name: String,
    pub section: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub offset: u32,
    pub size: u32,
    /// static, global or extern (BTF linkage).
    pub linkage: &'static str,
    /// The initial value from .rodata/.data, formatted through BTF (absent for .bss and on errors).
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Extern {
    pub name: String,
    /// kconfig (.kconfig), ksym (typed kernel variable), kfunc (kernel function), or unknown.
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub weak: bool,
    #[serde(skip)]
    pub type_id: Option<u32>,
}

fn linkage_name(l: u32) -> &'static str {
    match l {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "unknown",
    }
}

pub fn globals(elf: &Elf, btf: Option<&Btf>) -> Vec<GlobalVar> {
    let Some(btf) = btf else { return Vec::new() };
    let mut out = Vec::new();
    for id in btf.own_ids() {
        let Some(sec) = btf.type_by_id(id).filter(|t| t.kind() == Kind::Datasec) else {
            continue;
        };
        let name = sec.name();
        let elf_sec = elf.section_named(name);
        let data_kind = elf_sec.and_then(|i| is_data_section(&elf.sections[i]));
        if data_kind.is_none() {
            continue;
        }
        for v in sec.datasec_vars() {
            let Some(var) = btf.type_by_id(v.type_id).filter(|t| t.kind() == Kind::Var) else {
                continue;
            };
            // Clang leaves DATASEC offsets at 0 in object files; libbpf takes them from the symbol table.
            let sym = elf
                .symbols
                .iter()
                .flatten()
                .find(|s| s.section == elf_sec && s.name == var.name());
            let offset = sym.map_or(v.offset, |s| s.value as u32);
            let size = if v.size != 0 {
                v.size
            } else {
                sym.map_or(0, |s| s.size as u32)
            };
            let value = match (data_kind, elf_sec) {
                (Some("rodata" | "data"), Some(i)) => elf.section_data[i]
                    .get(offset as usize..)
                    .and_then(|bytes| btf.format_value(var.type_id(), bytes).ok()),
                _ => None,
            };
            out.push(GlobalVar {
                name: var.name().to_string(),
                section: name.to_string(),
                type_name: btf.type_display(var.type_id()),
                offset,
                size,
                linkage: linkage_name(var.var_linkage()),
                value,
            });
        }
    }
    out
}

/// Where BTF places an extern's name: (kind, type id) from the .kconfig or .ksyms DATASEC.
fn classify(btf: &Btf, name: &str) -> Option<(&'static str, u32)> {
    for sec_name in [".kconfig", ".ksyms"] {
        let Some(sec) = btf
            .find_by_name(sec_name, Kind::Datasec)
            .and_then(|id| btf.type_by_id(id))
        else {
            continue;
        };
        for v in sec.datasec_vars() {
            let Some(t) = btf.type_by_id(v.type_id).filter(|t| t.name() == name) else {
                continue;
            };
            return Some(match (sec_name, t.kind()) {
                (".kconfig", _) => ("kconfig", t.type_id()),
                (_, Kind::Func) => ("kfunc", t.type_id()),
                _ => ("ksym", t.type_id()),
            });
        }
    }
    None
}

/// Undefined global symbols, as libbpf's bpf_object__collect_externs() finds them.
pub fn externs(elf: &Elf, btf: Option<&Btf>) -> Vec<Extern> {
    let mut out = Vec::new();
    for sym in elf.symbols.iter().flatten() {
        let global = sym.st_bind == elf::STB_GLOBAL || sym.st_bind == elf::STB_WEAK;
        if !sym.undefined || !global || sym.name.is_empty() {
            continue;
        }
        let found = btf.and_then(|b| classify(b, &sym.name));
        let (kind, type_id) = match found {
            Some((k, t)) => (k, Some(t)),
            None => ("unknown", None),
        };
        let type_name = match (btf, type_id) {
            (Some(b), Some(t)) if kind != "kfunc" => Some(b.type_display(t)),
            (Some(b), Some(t)) => Some(b.func_signature(t)),
            _ => None,
        };
        out.push(Extern {
            name: sym.name.clone(),
            kind,
            type_name,
            weak: sym.st_bind == elf::STB_WEAK,
            type_id,
        });
    }
    out
}

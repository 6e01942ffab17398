//! Text form of `ebpfctl inspect`: a title per file, then one table per part that has rows.

use comfy_table::Cell;

use super::{Render, Text, Tone};
use std::collections::BTreeMap;

use crate::elf::BtfExtSummary;
use crate::elf::CoreRelo;
use crate::elf::Extern;
use crate::elf::GlobalVar;
use crate::elf::MapDef;
use crate::elf::Program;
use crate::elf::Section;
use serde::Serialize;

fn opt(s: &Option<impl ToString>) -> String {
    s.as_ref()
        .map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(",")
    }
}

fn cells<const N: usize>(v: [String; N]) -> Vec<Cell> {
    v.into_iter().map(Cell::new).collect()
}

impl Render for InspectOutput {
    fn render(&self, text: &mut Text) {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                text.line("");
            }
            r.render(text);
        }
    }
}

impl Render for InspectReport {
    fn render(&self, text: &mut Text) {
        let mut title = format!("{}: {} ({} bytes", self.file, self.kind, self.size);
        if let (Some(m), Some(e)) = (&self.machine, self.endianness) {
            title.push_str(&format!(", {m}, {e}-endian"));
        }
        if let Some(l) = &self.license {
            title.push_str(&format!(", license \"{l}\""));
        }
        title.push(')');
        text.line(title);
        self.render_sections(text);
        self.render_programs(text);
        self.render_maps(text);
        self.render_globals(text);
        self.render_relocs(text);
        self.render_btf(text);
        for w in self.warnings.iter().flatten() {
            let cell = text.cell(format!("warning: {w}"), Tone::Warn);
            text.line(cell.content());
        }
    }
}

impl InspectReport {
    fn render_sections(&self, text: &mut Text) {
        let Some(sections) = self.sections.as_ref().filter(|s| !s.is_empty()) else {
            return;
        };
        text.line("\nSections");
        let rows = sections.iter().filter(|s| s.index != 0).map(|s| {
            cells([
                s.index.to_string(),
                s.name.clone(),
                s.kind.clone(),
                s.flags.clone(),
                s.size.to_string(),
            ])
        });
        text.table(&["IDX", "NAME", "TYPE", "FLAGS", "SIZE"], rows);
    }

    fn render_programs(&self, text: &mut Text) {
        let Some(progs) = self.programs.as_ref() else {
            return;
        };
        text.line(format!("\nPrograms ({})", progs.len()));
        let rows = progs
            .iter()
            .chain(self.subprograms.iter().flatten())
            .map(|p| {
                let ty = if p.section == ".text" {
                    "subprog".to_string()
                } else {
                    p.prog_type.to_string()
                };
                let mut calls = p.helpers.clone();
                calls.extend(p.kfuncs.iter().map(|k| format!("{k} (kfunc)")));
                cells([
                    p.name.clone(),
                    p.section.clone(),
                    ty,
                    opt(&p.expected_attach_type),
                    opt(&p.attach_target),
                    if p.sleepable {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                    p.insns.to_string(),
                    list(&p.maps),
                    list(&calls),
                ])
            });
        text.table(
            &[
                "NAME",
                "SECTION",
                "TYPE",
                "ATTACH TYPE",
                "TARGET",
                "SLEEPABLE",
                "INSNS",
                "MAPS",
                "HELPERS/KFUNCS",
            ],
            rows,
        );
    }

    fn render_maps(&self, text: &mut Text) {
        let Some(maps) = self.maps.as_ref() else {
            return;
        };
        text.line(format!("\nMaps ({})", maps.len()));
        let rows = maps.iter().map(|m| {
            let key = m
                .key_type
                .as_ref()
                .map_or(m.key_size.to_string(), |t| format!("{} ({t})", m.key_size));
            let value = m.value_type.as_ref().map_or(m.value_size.to_string(), |t| {
                format!("{} ({t})", m.value_size)
            });
            let inner = m.inner_map.as_ref().map(|i| i.map_type.clone());
            cells([
                m.name.clone(),
                m.map_type.clone(),
                key,
                value,
                m.max_entries.to_string(),
                format!("0x{:x}", m.flags),
                opt(&m.pinning),
                opt(&inner),
                m.definition.to_string(),
            ])
        });
        text.table(
            &[
                "NAME",
                "TYPE",
                "KEY",
                "VALUE",
                "MAX",
                "FLAGS",
                "PINNING",
                "INNER",
                "DEFINED IN",
            ],
            rows,
        );
    }

    fn render_globals(&self, text: &mut Text) {
        if let Some(globals) = self.globals.as_ref() {
            text.line(format!("\nGlobals ({})", globals.len()));
            let rows = globals.iter().map(|g| {
                let value = g
                    .value
                    .as_ref()
                    .map_or_else(|| "-".to_string(), |v| v.to_string());
                cells([
                    g.section.clone(),
                    g.name.clone(),
                    g.type_name.clone(),
                    g.offset.to_string(),
                    g.size.to_string(),
                    value,
                ])
            });
            text.table(
                &["SECTION", "NAME", "TYPE", "OFFSET", "SIZE", "INITIAL VALUE"],
                rows,
            );
        }
        if let Some(externs) = self.externs.as_ref() {
            text.line(format!("\nExterns ({})", externs.len()));
            let rows = externs.iter().map(|e| {
                cells([
                    e.name.clone(),
                    e.kind.to_string(),
                    opt(&e.type_name),
                    if e.weak { "yes".into() } else { "no".into() },
                ])
            });
            text.table(&["NAME", "KIND", "TYPE", "WEAK"], rows);
        }
    }

    fn render_relocs(&self, text: &mut Text) {
        let Some(relos) = self.core_relos.as_ref() else {
            return;
        };
        if let Some(x) = &self.btf_ext {
            text.line(format!(
                "\n.BTF.ext: {} func_info, {} line_info, {} CO-RE relocations",
                x.func_info,
                x.line_info,
                relos.len()
            ));
        }
        if relos.is_empty() {
            return;
        }
        let rows = relos.iter().map(|r| {
            cells([
                opt(&r.program),
                r.insn.to_string(),
                r.kind.clone(),
                r.type_name.clone(),
                r.access_str.clone(),
                r.spec.clone(),
            ])
        });
        text.table(&["PROGRAM", "INSN", "KIND", "TYPE", "ACCESS", "SPEC"], rows);
    }

    fn render_btf(&self, text: &mut Text) {
        let Some(b) = &self.btf else { return };
        let kinds: Vec<String> = b.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        text.line(format!(
            "\nBTF: {} types, {} bytes of strings, {}-endian",
            b.types, b.strings_size, b.endianness
        ));
        if b.start_id > 1 {
            text.line(format!("split BTF: ids from {}", b.start_id));
        }
        let rows = b
            .kinds
            .iter()
            .map(|(k, n)| cells([k.to_string(), n.to_string()]));
        if !kinds.is_empty() {
            text.table(&["KIND", "COUNT"], rows);
        }
    }
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

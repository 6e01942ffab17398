//! Table form of `map show`.

use super::prog::{bytes, pids_cell};
use super::{Render, Text, Tone};
use serde::Serialize;

use super::show::{refs_rows, Listing, OffloadDev, Pid};
use crate::sys::names::Named;

fn owner(entry: &MapEntry) -> String {
    match (entry.owner_prog_type, entry.owner_jited) {
        (Some(t), Some(true)) => format!("{t} (jited)"),
        (Some(t), _) => t.to_string(),
        _ => String::new(),
    }
}

/// `map show id N` on its own: every field bpftool prints, plus pins and holders.
fn details(e: &MapEntry, text: &mut Text) {
    let one = |s: String| vec![s];
    let title = format!(
        "map {}  {}  {}",
        e.id,
        e.map_type,
        e.name.as_deref().unwrap_or("")
    );
    let owner = owner(e);
    let rows = [
        ("flags", one(format!("{:#x}", e.flags))),
        ("key", one(bytes(e.bytes_key))),
        ("value", one(bytes(e.bytes_value))),
        ("max_entries", one(e.max_entries.to_string())),
        (
            "memlock",
            e.bytes_memlock
                .map(|b| format!("{b}B"))
                .into_iter()
                .collect(),
        ),
        (
            "frozen",
            one(if e.frozen != 0 { "yes" } else { "no" }.to_string()),
        ),
        ("btf", e.btf_id.map(|b| b.to_string()).into_iter().collect()),
        (
            "owner",
            if owner.is_empty() {
                Vec::new()
            } else {
                one(owner)
            },
        ),
    ];
    let mut rows = rows.to_vec();
    rows.extend(refs_rows(e.dev.as_ref(), &e.pinned, &e.pids));
    text.details(&title, &rows);
}

impl Render for Listing<MapEntry> {
    fn render(&self, text: &mut Text) {
        if let (true, [one]) = (self.single, self.items.as_slice()) {
            return details(one, text);
        }
        let mut header = vec![
            "ID", "TYPE", "NAME", "KEY", "VALUE", "MAX", "MEMLOCK", "PIDS",
        ];
        if self.wide {
            header.extend(["FLAGS", "FROZEN", "BTF", "OWNER", "PINNED"]);
        }
        let rows: Vec<_> = self
            .items
            .iter()
            .map(|e| {
                let mut row = vec![
                    text.cell(e.id, Tone::Plain),
                    text.cell(e.map_type, Tone::Plain),
                    text.cell(e.name.as_deref().unwrap_or(""), Tone::Plain),
                    text.cell(bytes(e.bytes_key), Tone::Plain),
                    text.cell(bytes(e.bytes_value), Tone::Plain),
                    text.cell(e.max_entries, Tone::Plain),
                    text.cell(
                        e.bytes_memlock.map(|b| format!("{b}B")).unwrap_or_default(),
                        Tone::Plain,
                    ),
                    text.cell(pids_cell(&e.pids), Tone::Plain),
                ];
                if self.wide {
                    row.extend([
                        text.cell(format!("{:#x}", e.flags), Tone::Plain),
                        text.cell(if e.frozen != 0 { "yes" } else { "no" }, Tone::Plain),
                        text.cell(
                            e.btf_id.map(|b| b.to_string()).unwrap_or_default(),
                            Tone::Plain,
                        ),
                        text.cell(owner(e), Tone::Plain),
                        text.cell(e.pinned.join(", "), Tone::Plain),
                    ]);
                }
                row
            })
            .collect();
        text.table(&header, rows);
    }
}

/// One map, in bpftool's field order.
#[derive(Debug, Serialize)]
pub struct MapEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub map_type: Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub flags: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<OffloadDev>,
    pub bytes_key: u32,
    pub bytes_value: u32,
    pub max_entries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    /// Prog arrays only: the program type and JIT state every program in it must share, once one was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_prog_type: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_jited: Option<bool>,
    /// An integer, as bpftool prints it.
    pub frozen: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
}

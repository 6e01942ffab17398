//! Table form of `map show`.

use super::prog::{bytes, pids_cell};
use super::{Render, Text, Tone};
use crate::cmd::map::MapEntry;
use crate::cmd::select::Listing;

fn owner(entry: &MapEntry) -> String {
    match (entry.owner_prog_type, entry.owner_jited) {
        (Some(t), Some(true)) => format!("{t} (jited)"),
        (Some(t), _) => t.to_string(),
        _ => String::new(),
    }
}

impl Render for Listing<MapEntry> {
    fn render(&self, text: &mut Text) {
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

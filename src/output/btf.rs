//! Table form of `btf show`; the summary line of `btf minimize`.

use super::prog::{bytes, pids_cell};
use super::{Render, Text, Tone};
use serde::Serialize;

use super::show::{Listing, Pid};

fn ids(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

impl Render for Listing<BtfEntry> {
    fn render(&self, text: &mut Text) {
        let header = ["ID", "NAME", "SIZE", "KERNEL", "PROGS", "MAPS", "PIDS"];
        let rows: Vec<_> = self
            .items
            .iter()
            .map(|e| {
                vec![
                    text.cell(e.id, Tone::Plain),
                    text.cell(e.name.as_deref().unwrap_or(""), Tone::Plain),
                    text.cell(bytes(e.size), Tone::Plain),
                    text.cell(if e.kernel { "yes" } else { "no" }, Tone::Plain),
                    text.cell(ids(&e.prog_ids), Tone::Plain),
                    text.cell(ids(&e.map_ids), Tone::Plain),
                    text.cell(pids_cell(&e.pids), Tone::Plain),
                ]
            })
            .collect();
        text.table(&header, rows);
    }
}

impl Render for MinimizeReport {
    fn render(&self, text: &mut Text) {
        text.line(format!(
            "{}: {} bytes, {} types ({:.2}% of {}, {} bytes) for {} CO-RE relocations in {} object(s)",
            self.output,
            self.bytes,
            self.types,
            100.0 * self.bytes as f64 / self.source_bytes.max(1) as f64,
            self.source,
            self.source_bytes,
            self.relocations,
            self.objects
        ));
    }
}

#[derive(Debug, Serialize)]
pub struct BtfEntry {
    pub id: u32,
    pub size: u32,
    pub prog_ids: Vec<u32>,
    pub map_ids: Vec<u32>,
    pub kernel: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub pids: Vec<Pid>,
}

#[derive(Debug, Serialize)]
pub struct MinimizeReport {
    pub source: String,
    pub output: String,
    pub source_bytes: usize,
    pub bytes: usize,
    pub types: u32,
    pub objects: usize,
    pub relocations: usize,
}

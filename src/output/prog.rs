//! Table form of `prog show`.

use super::{Render, Text, Tone};
use serde::Serialize;
use serde_json::Value;

use super::show::{refs_rows, Listing, OffloadDev, Pid};
use crate::sys::names::Named;

/// `comm(pid)`, as bpftool's text output writes holders.
pub(super) fn pids_cell(pids: &[Pid]) -> String {
    pids.iter()
        .map(|p| format!("{}({})", p.comm, p.pid))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn bytes(n: impl Into<u64>) -> String {
    format!("{}B", n.into())
}

fn loaded(entry: &ProgEntry) -> String {
    entry
        .loaded_at
        .map(crate::sys::clock::local_iso8601)
        .unwrap_or_default()
}

fn size(entry: &ProgEntry) -> String {
    match entry.bytes_jited {
        Some(jited) => format!("{} / {} jited", bytes(entry.bytes_xlated), bytes(jited)),
        None => format!("{} (not jited)", bytes(entry.bytes_xlated)),
    }
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn runs(entry: &ProgEntry) -> String {
    match (entry.run_cnt, entry.run_time_ns) {
        (Some(cnt), Some(ns)) => format!(
            "{cnt} runs in {ns} ns ({} ns each)",
            ns.checked_div(cnt).unwrap_or(0)
        ),
        _ => "not counted (sysctl kernel.bpf_stats_enabled=1 counts them)".to_string(),
    }
}

/// `prog show id N` on its own: every field bpftool prints, plus pins, holders and run-time statistics.
fn details(e: &ProgEntry, text: &mut Text) {
    let one = |s: String| vec![s];
    let title = format!(
        "prog {}  {}  {}",
        e.id,
        e.prog_type,
        e.name.as_deref().unwrap_or("")
    );
    let metadata = match &e.metadata {
        Some(Value::Object(fields)) => fields.iter().map(|(k, v)| format!("{k} = {v}")).collect(),
        _ => Vec::new(),
    };
    let rows = [
        ("tag", one(e.tag.clone())),
        (
            "gpl",
            one(if e.gpl_compatible { "yes" } else { "no" }.to_string()),
        ),
        (
            "loaded",
            one(format!("{} by uid {}", loaded(e), opt(e.uid))),
        ),
        ("size", one(size(e))),
        (
            "memlock",
            e.bytes_memlock
                .map(|b| format!("{b}B"))
                .into_iter()
                .collect(),
        ),
        (
            "verified",
            e.verified_insns
                .map(|n| format!("{n} instructions"))
                .into_iter()
                .collect(),
        ),
        (
            "maps",
            one(e
                .map_ids
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")),
        ),
        ("btf", e.btf_id.map(|b| b.to_string()).into_iter().collect()),
        ("runs", one(runs(e))),
        (
            "recursion misses",
            e.recursion_misses
                .map(|m| m.to_string())
                .into_iter()
                .collect(),
        ),
        (
            "orphaned",
            if e.orphaned {
                one("yes".to_string())
            } else {
                Vec::new()
            },
        ),
        ("metadata", metadata),
    ];
    let mut rows = rows.to_vec();
    rows.extend(refs_rows(e.dev.as_ref(), &e.pinned, &e.pids));
    text.details(&title, &rows);
}

impl Render for Listing<ProgEntry> {
    fn render(&self, text: &mut Text) {
        if let (true, [one]) = (self.single, self.items.as_slice()) {
            return details(one, text);
        }
        let mut header = vec![
            "ID", "TYPE", "NAME", "TAG", "LOADED", "SIZE", "MAPS", "PIDS",
        ];
        if self.wide {
            header.extend([
                "UID", "GPL", "MEMLOCK", "BTF", "VERIFIED", "RUNS", "RUN_NS", "PINNED", "METADATA",
            ]);
        }
        let rows: Vec<_> = self
            .items
            .iter()
            .map(|e| {
                let mut row = vec![
                    text.cell(e.id, Tone::Plain),
                    text.cell(e.prog_type, Tone::Plain),
                    text.cell(e.name.as_deref().unwrap_or(""), Tone::Plain),
                    text.cell(&e.tag, Tone::Plain),
                    text.cell(loaded(e), Tone::Plain),
                    text.cell(size(e), Tone::Plain),
                    text.cell(join(&e.map_ids), Tone::Plain),
                    text.cell(pids_cell(&e.pids), Tone::Plain),
                ];
                if self.wide {
                    let metadata = e.metadata.as_ref().map(|m| m.to_string());
                    row.extend([
                        text.cell(opt(e.uid), Tone::Plain),
                        text.cell(if e.gpl_compatible { "yes" } else { "no" }, Tone::Plain),
                        text.cell(opt(e.bytes_memlock.map(|b| format!("{b}B"))), Tone::Plain),
                        text.cell(opt(e.btf_id), Tone::Plain),
                        text.cell(opt(e.verified_insns), Tone::Plain),
                        text.cell(opt(e.run_cnt), Tone::Plain),
                        text.cell(opt(e.run_time_ns), Tone::Plain),
                        text.cell(e.pinned.join(", "), Tone::Plain),
                        text.cell(opt(metadata), Tone::Plain),
                    ]);
                }
                row
            })
            .collect();
        text.table(&header, rows);
    }
}

/// One program, in bpftool's field order.
#[derive(Debug, Serialize)]
pub struct ProgEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub tag: String,
    pub gpl_compatible: bool,
    /// Only when the kernel counts (sysctl kernel.bpf_stats_enabled=1) and the program ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursion_misses: Option<u64>,
    /// Instructions the verifier processed (Linux 5.16+), when the kernel reports them. bpftool 7.1 does not
    /// print it (its `prog show` has no such field), so this is an addition, not a rename.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_insns: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<OffloadDev>,
    /// Epoch seconds; absent only on kernels that do not record load times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    pub orphaned: bool,
    pub bytes_xlated: u32,
    pub jited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_jited: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

//! `perf show`: bpftool's per-fd objects ({"pid","fd","prog_id","fd_type",...}) plus link-based attachments,
//! which carry "link_id" and no pid/fd unless a process holds them.

use serde::Serialize;

use super::{Render, Text, Tone};

#[derive(Debug, Serialize)]
pub struct Holder {
    pub pid: i32,
    pub fd: i32,
}

#[derive(Debug, Serialize)]
pub struct PerfEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fd: Option<i32>,
    pub prog_id: u32,
    pub fd_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracepoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub func: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<u64>,
    /// perf_event links on a hardware/software event: the perf type and config.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_id: Option<u32>,
    /// Processes holding the link open (links only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_by: Option<Vec<Holder>>,
}

impl PerfEntry {
    pub fn new(fd_type: &'static str) -> Self {
        PerfEntry {
            pid: None,
            fd: None,
            prog_id: 0,
            fd_type,
            tracepoint: None,
            func: None,
            filename: None,
            offset: None,
            addr: None,
            event_type: None,
            config: None,
            link_id: None,
            held_by: None,
        }
    }

    fn target(&self) -> String {
        if let Some(tp) = &self.tracepoint {
            return tp.clone();
        }
        if let Some(f) = self.func.as_ref().or(self.filename.as_ref()) {
            return match self.offset {
                Some(o) if o > 0 => format!("{f}+{o:#x}"),
                _ => f.clone(),
            };
        }
        if let (Some(t), Some(c)) = (self.event_type, self.config) {
            return format!("type {t} config {c}");
        }
        self.addr.map(|a| format!("{a:#x}")).unwrap_or_default()
    }
}

#[derive(Debug, Serialize)]
pub struct PerfShow(pub Vec<PerfEntry>);

impl Render for PerfShow {
    fn render(&self, text: &mut Text) {
        let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        let rows: Vec<_> = self
            .0
            .iter()
            .map(|e| {
                vec![
                    text.cell(dash(e.pid.map(|p| p.to_string())), Tone::Plain),
                    text.cell(dash(e.fd.map(|p| p.to_string())), Tone::Plain),
                    text.cell(dash(e.link_id.map(|p| p.to_string())), Tone::Plain),
                    text.cell(e.prog_id, Tone::Plain),
                    text.cell(e.fd_type, Tone::Plain),
                    text.cell(e.target(), Tone::Plain),
                ]
            })
            .collect();
        text.table(&["PID", "FD", "LINK", "PROG", "TYPE", "TARGET"], rows);
    }
}

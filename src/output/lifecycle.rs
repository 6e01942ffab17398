//! Results of the lifecycle commands (load, pin, attach, detach, run) and their tables.

use serde::Serialize;

use super::{Render, Text, Tone};

#[derive(Debug, Default, Serialize)]
pub struct LoadReport {
    pub programs: Vec<LoadedProg>,
    pub maps: Vec<LoadedMap>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LoadedLink>,
}

#[derive(Debug, Serialize)]
pub struct LoadedProg {
    pub name: String,
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: String,
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LoadedMap {
    pub name: String,
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LoadedLink {
    pub program: String,
    pub id: u32,
    pub pinned: String,
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

impl Render for LoadReport {
    fn render(&self, text: &mut Text) {
        let rows: Vec<_> = self
            .programs
            .iter()
            .map(|p| {
                let tone = if p.pinned.is_some() {
                    Tone::Good
                } else {
                    Tone::Warn
                };
                let pinned = p.pinned.clone().unwrap_or_else(|| {
                    if self.links.iter().any(|l| l.program == p.name) {
                        "(link pinned)".to_string()
                    } else {
                        "not pinned: unloaded when ebpfctl exits".to_string()
                    }
                });
                vec![
                    text.cell(p.id, Tone::Plain),
                    text.cell(&p.name, Tone::Plain),
                    text.cell(&p.prog_type, Tone::Plain),
                    text.cell(&p.section, Tone::Plain),
                    text.cell(pinned, tone),
                ]
            })
            .collect();
        text.table(&["ID", "PROGRAM", "TYPE", "SECTION", "PINNED"], rows);
        if !self.links.is_empty() {
            let rows: Vec<_> = self
                .links
                .iter()
                .map(|l| {
                    vec![
                        text.cell(l.id, Tone::Plain),
                        text.cell(&l.program, Tone::Plain),
                        text.cell(&l.pinned, Tone::Good),
                    ]
                })
                .collect();
            text.table(&["LINK", "PROGRAM", "PINNED"], rows);
        }
        if self.maps.iter().any(|m| m.pinned.is_some()) {
            let rows: Vec<_> = self
                .maps
                .iter()
                .map(|m| {
                    vec![
                        text.cell(m.id, Tone::Plain),
                        text.cell(&m.name, Tone::Plain),
                        text.cell(or_dash(&m.pinned), Tone::Plain),
                    ]
                })
                .collect();
            text.table(&["MAP", "NAME", "PINNED"], rows);
        }
    }
}

/// What `prog pin`, `map pin`, `link pin` and `iter pin` did.
#[derive(Debug, Serialize)]
pub struct Pinned {
    pub id: u32,
    pub pinned: String,
}

impl Render for Pinned {
    fn render(&self, text: &mut Text) {
        text.line(format!("pinned id {} at {}", self.id, self.pinned));
    }
}

/// What `prog attach` made.
#[derive(Debug, Serialize)]
pub struct AttachReport {
    pub prog_id: u32,
    pub attach_type: String,
    pub target: String,
    pub links: Vec<AttachedLink>,
    /// For attachments that are not links: what stays in place until detached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent: Option<String>,
    /// --wait: the links live until ebpfctl gets Ctrl-C or SIGTERM.
    pub held: bool,
}

#[derive(Debug, Serialize)]
pub struct AttachedLink {
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

impl Render for AttachReport {
    fn render(&self, text: &mut Text) {
        let head = format!(
            "prog {} attached as {} to {}",
            self.prog_id, self.attach_type, self.target
        );
        text.line(head);
        if let Some(what) = &self.persistent {
            text.line(format!("  {what}"));
        }
        for link in &self.links {
            let where_ = match &link.pinned {
                Some(p) => format!("pinned at {p}"),
                None => "held until Ctrl-C".to_string(),
            };
            text.line(format!("  link {} {where_}", link.id));
        }
    }
}

/// What `prog detach` / `link detach` removed.
#[derive(Debug, Serialize)]
pub struct DetachReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prog_id: Option<u32>,
    pub links: Vec<DetachedLink>,
    /// Attachments that were not links (tc filters, PROG_ATTACH, netlink XDP).
    pub other: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DetachedLink {
    pub id: u32,
    #[serde(rename = "type")]
    pub link_type: String,
    /// BPF_LINK_DETACH succeeded (the kernel has it for this link type).
    pub detached: bool,
    /// The pin the user named (`link detach pinned PATH`), removed; no other pin ever is.
    pub pins_removed: Vec<String>,
    /// The link's other pins, left in place: another tool may own them (a detached link stays pinned, inert).
    pub pins_kept: Vec<String>,
    /// The link lives on because a process still holds an fd to it.
    pub still_held: bool,
}

impl Render for DetachReport {
    fn render(&self, text: &mut Text) {
        for l in &self.links {
            let mut line = format!("link {} ({}) ", l.id, l.link_type);
            line.push_str(if l.detached { "detached" } else { "released" });
            if !l.pins_removed.is_empty() {
                line.push_str(&format!("; unpinned {}", l.pins_removed.join(", ")));
            }
            if !l.pins_kept.is_empty() {
                line.push_str(&format!("; still pinned at {}", l.pins_kept.join(", ")));
            }
            if l.still_held {
                line.push_str("; still held open by a process, ends when it closes it");
            }
            text.line(line);
        }
        for o in &self.other {
            text.line(o.clone());
        }
    }
}

/// `prog run`: bpftool's {"retval","duration"} plus "data_out"/"ctx_out" byte arrays when written to stdout.
#[derive(Debug, Serialize)]
pub struct RunReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_out: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx_out: Option<Vec<u8>>,
    pub retval: u32,
    /// Average run time in nanoseconds.
    pub duration: u32,
}

fn hex_dump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:04x}  {}", i * 16, hex.join(" "))
        })
        .collect()
}

impl Render for RunReport {
    fn render(&self, text: &mut Text) {
        for (what, data) in [("data_out", &self.data_out), ("ctx_out", &self.ctx_out)] {
            if let Some(d) = data {
                text.line(format!("{what}:"));
                for l in hex_dump(d) {
                    text.line(l);
                }
            }
        }
        text.line(format!("retval: {}", self.retval));
        text.line(format!("duration (average): {}ns", self.duration));
    }
}

/// One line of the trace pipe (JSON: one object per line, streamed).
#[derive(Debug, Serialize)]
pub struct TraceLine {
    pub line: String,
}

impl Render for TraceLine {
    fn render(&self, text: &mut Text) {
        text.line(self.line.clone());
    }
}

/// What `prog tracelog stdout|stderr PROG` drained from a program's stream: the text verbatim, or under `-j` one
/// JSON array of its lines (without their newlines).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct StreamDump {
    lines: Vec<String>,
    #[serde(skip)]
    text: String,
}

impl StreamDump {
    pub fn new(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes).into_owned();
        StreamDump {
            lines: text.lines().map(str::to_string).collect(),
            text,
        }
    }
}

impl Render for StreamDump {
    fn render(&self, text: &mut Text) {
        if !self.text.is_empty() {
            text.raw(&self.text);
        }
    }
}

/// `struct_ops register`.
#[derive(Debug, Default, Serialize)]
pub struct StructOpsReport {
    pub registered: Vec<Registered>,
}

#[derive(Debug, Serialize)]
pub struct Registered {
    pub name: String,
    pub map_id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

impl Render for StructOpsReport {
    fn render(&self, text: &mut Text) {
        for r in &self.registered {
            let pinned = r
                .pinned
                .as_ref()
                .map(|p| format!(", link pinned at {p}"))
                .unwrap_or_default();
            text.line(format!(
                "registered {} (map id {}){pinned}",
                r.name, r.map_id
            ));
        }
    }
}

/// One row of `struct_ops show`, bpftool's fields.
#[derive(Debug, Serialize)]
pub struct StructOpsMap {
    pub id: u32,
    pub name: String,
    pub kernel_struct_ops: Option<String>,
}

impl Render for StructOpsMap {
    fn render(&self, text: &mut Text) {
        struct_ops_table(std::slice::from_ref(self), text);
    }
}

impl Render for Vec<StructOpsMap> {
    fn render(&self, text: &mut Text) {
        struct_ops_table(self, text);
    }
}

fn struct_ops_table(maps: &[StructOpsMap], text: &mut Text) {
    let rows: Vec<_> = maps
        .iter()
        .map(|m| {
            vec![
                text.cell(m.id, Tone::Plain),
                text.cell(&m.name, Tone::Plain),
                text.cell(or_dash(&m.kernel_struct_ops), Tone::Plain),
            ]
        })
        .collect();
    text.table(&["ID", "NAME", "KERNEL STRUCT"], rows);
}

/// `struct_ops dump`: bpftool's array of {"bpf_map_info": {...}} and {"bpf_struct_ops_X": {...}} objects. The
/// terminal gets the same, indented: the value is a tree of the kernel's own struct.
#[derive(Debug, Serialize)]
pub struct StructOpsDump(pub Vec<serde_json::Value>);

impl Render for StructOpsDump {
    fn render(&self, text: &mut Text) {
        text.line(serde_json::to_string_pretty(&self.0).unwrap_or_default());
    }
}

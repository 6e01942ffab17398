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

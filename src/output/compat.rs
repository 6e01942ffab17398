//! Text form of `compat check`: one row per object × kernel with the first reason for a failure.

use super::{Render, Text, Tone};
use crate::compat::ObjectVerdict;
use serde::Serialize;

impl Render for CompatReport {
    fn render(&self, text: &mut Text) {
        let rows: Vec<Vec<comfy_table::Cell>> = self
            .results
            .iter()
            .map(|r| {
                let v = &r.verdict;
                // A compatible result shows only notes (no .BTF); an incompatible one its first reason.
                let first = if v.compatible {
                    v.reasons.first().cloned().unwrap_or_default()
                } else {
                    v.reasons
                        .iter()
                        .filter(|s| !s.starts_with("no .BTF"))
                        .cloned()
                        // The running kernel's own refusal (a trial load) comes before the static reasons.
                        .chain(v.programs.iter().filter(|p| p.autoload).flat_map(|p| {
                            p.load_error
                                .iter()
                                .chain(&p.reasons)
                                .chain(p.attach_reason.iter().filter(|_| !p.compatible))
                                .map(move |s| format!("{}: {s}", p.name))
                        }))
                        .next()
                        .or_else(|| v.reasons.first().cloned())
                        .unwrap_or_default()
                };
                vec![
                    text.cell(&r.object, Tone::Plain),
                    text.cell(&r.kernel, Tone::Plain),
                    if v.compatible {
                        text.cell("compatible", Tone::Good)
                    } else {
                        text.cell("incompatible", Tone::Bad)
                    },
                    text.cell(first, Tone::Plain),
                ]
            })
            .collect();
        text.table(&["OBJECT", "KERNEL", "VERDICT", "REASON"], rows);
    }
}

#[derive(Serialize)]
pub struct CompatReport {
    pub compatible: bool,
    pub results: Vec<CompatEntry>,
}

#[derive(Serialize)]
pub struct CompatEntry {
    pub object: String,
    pub kernel: String,
    #[serde(flatten)]
    pub verdict: ObjectVerdict,
}

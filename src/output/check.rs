//! Text form of `ebpfctl check`.

use super::{Render, Text, Tone};
use crate::check::{CheckReport, Status, Verdict};

impl Render for CheckReport {
    fn render(&self, text: &mut Text) {
        let k = &self.kernel;
        let btf = match &k.btf {
            Some(b) => format!("BTF sha256 {}", &b.sha256),
            None => "no BTF".to_string(),
        };
        text.line(format!("kernel {} {} — {}", k.release, k.arch, btf));
        let rows: Vec<_> = self
            .probes
            .iter()
            .map(|p| {
                let tone = match p.status {
                    Status::Pass => Tone::Good,
                    Status::Fail => Tone::Bad,
                    Status::Unsupported | Status::Permission => Tone::Warn,
                };
                let status = serde_json::to_value(p.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned));
                vec![
                    text.cell(p.name, Tone::Plain),
                    text.cell(status.unwrap_or_default(), tone),
                    text.cell(&p.detail, Tone::Plain),
                ]
            })
            .collect();
        text.table(&["PROBE", "STATUS", "DETAIL"], rows);
        let verdict = match self.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
        };
        let s = &self.summary;
        text.line(format!(
            "verdict: {verdict} ({} passed, {} failed, {} unsupported, {} without permission)",
            s.pass, s.fail, s.unsupported, s.permission
        ));
    }
}

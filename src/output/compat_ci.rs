//! `compat check --format junit|github`: the verdicts in the forms CI systems read without glue. JUnit: one
//! testsuite per object, one testcase per kernel, a failure carrying the first reason (all reasons in its body).
//! GitHub Actions: one `::error` workflow command per incompatible object × kernel.

use serde::Serialize;

use super::compat::{CompatEntry, CompatReport};
use super::{Render, Text};

/// The CI forms (the command line's `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiFormat {
    Junit,
    Github,
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct CiReport {
    pub report: CompatReport,
    #[serde(skip)]
    pub format: CiFormat,
}

impl Render for CiReport {
    fn render(&self, text: &mut Text) {
        match self.format {
            CiFormat::Junit => junit(&self.report, text),
            CiFormat::Github => github(&self.report, text),
        }
    }
}

/// Every reason of an entry, the object's own first, then each program's (`program NAME: …`).
fn reasons(entry: &CompatEntry) -> Vec<String> {
    let v = &entry.verdict;
    let programs = v.programs.iter().filter(|p| !p.compatible).flat_map(|p| {
        p.reasons
            .iter()
            .map(move |r| format!("program {}: {r}", p.name))
    });
    let mut all: Vec<String> = v.reasons.iter().cloned().chain(programs).collect();
    if all.is_empty() && !v.compatible {
        all.push("incompatible".to_string());
    }
    all
}

fn junit(report: &CompatReport, text: &mut Text) {
    let mut objects: Vec<&str> = Vec::new();
    for e in &report.results {
        if !objects.contains(&e.object.as_str()) {
            objects.push(&e.object);
        }
    }
    let failures = report
        .results
        .iter()
        .filter(|e| !e.verdict.compatible)
        .count();
    text.line(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    text.line(format!(
        r#"<testsuites name="ebpfctl compat check" tests="{}" failures="{failures}">"#,
        report.results.len()
    ));
    for object in objects {
        let cases: Vec<&CompatEntry> = report
            .results
            .iter()
            .filter(|e| e.object == object)
            .collect();
        let failed = cases.iter().filter(|e| !e.verdict.compatible).count();
        text.line(format!(
            r#"  <testsuite name="{}" tests="{}" failures="{failed}">"#,
            xml(object),
            cases.len()
        ));
        for case in cases {
            let head = format!(
                r#"    <testcase classname="{}" name="{}""#,
                xml(object),
                xml(&case.kernel)
            );
            if case.verdict.compatible {
                text.line(format!("{head}/>"));
                continue;
            }
            let all = reasons(case);
            text.line(format!("{head}>"));
            text.line(format!(
                r#"      <failure message="{}" type="incompatible">{}</failure>"#,
                xml(&all[0]),
                xml(&all.join("\n"))
            ));
            text.line("    </testcase>");
        }
        text.line("  </testsuite>");
    }
    text.line("</testsuites>");
}

fn github(report: &CompatReport, text: &mut Text) {
    for e in report.results.iter().filter(|e| !e.verdict.compatible) {
        text.line(format!(
            "::error file={},title=incompatible with {}::{}",
            gh_property(&e.object),
            gh_property(&e.kernel),
            gh_data(&reasons(e).join("\n"))
        ));
    }
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// GitHub's workflow-command escaping: data escapes %, CR and LF; properties also ',' and ':'.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

//! Text forms of `ebpfctl feature probe` (a readable report, or C macros like bpftool's) and `list_builtins`.

use super::{Render, Text, Tone};
use crate::probe::{FeatureReport, Probed, SystemConfig};
use crate::sys::probe::Verdict;
use serde::Serialize;

impl Render for BuiltinList {
    fn render(&self, text: &mut Text) {
        for name in &self.names {
            text.line(name.clone());
        }
    }
}

impl Render for FeatureView {
    fn render(&self, text: &mut Text) {
        match &self.macros_prefix {
            Some(prefix) => render_macros(&self.report, prefix, text),
            None => render_report(&self.report, text),
        }
    }
}

fn verdict_cell(text: &Text, verdict: &Verdict) -> comfy_table::Cell {
    match verdict {
        Verdict::Yes => text.cell("yes", Tone::Good),
        Verdict::No => text.cell("no", Tone::Bad),
        Verdict::Unknown(why) => text.cell(format!("unknown ({why})"), Tone::Warn),
    }
}

/// What bpftool says about each sysctl value.
fn sysctl_meaning(name: &str, value: i64) -> String {
    let text = match (name, value) {
        (_, -1) => "unreadable",
        ("unprivileged_bpf_disabled", 0) => "bpf() allowed for unprivileged users",
        ("unprivileged_bpf_disabled", 1) => {
            "bpf() restricted to privileged users (without recovery)"
        }
        ("unprivileged_bpf_disabled", 2) => {
            "bpf() restricted to privileged users (admin can change)"
        }
        ("bpf_jit_enable", 0) => "JIT compiler disabled",
        ("bpf_jit_enable", 1) => "JIT compiler enabled",
        ("bpf_jit_enable", 2) => "JIT compiler enabled, debug traces in kernel logs",
        ("bpf_jit_harden", 0) => "JIT hardening disabled",
        ("bpf_jit_harden", 1) => "JIT hardening for unprivileged users",
        ("bpf_jit_harden", 2) => "JIT hardening for all users",
        ("bpf_jit_kallsyms", 0) => "JIT kallsyms exports disabled",
        ("bpf_jit_kallsyms", 1) => "JIT kallsyms exports enabled for root",
        ("bpf_jit_limit", _) => "bytes of JIT memory for unprivileged users",
        _ => "",
    };
    text.to_string()
}

fn render_system_config(config: &SystemConfig, text: &mut Text) {
    text.line("System configuration");
    let rows = config.sysctls.iter().map(|s| {
        vec![
            text.cell(s.name, Tone::Plain),
            text.cell(s.value, if s.value < 0 { Tone::Warn } else { Tone::Plain }),
            text.cell(sysctl_meaning(s.name, s.value), Tone::Plain),
        ]
    });
    let rows: Vec<_> = rows.collect();
    text.table(&["SYSCTL", "VALUE", "MEANING"], rows);
    let source = match &config.kconfig_source {
        Ok(path) => format!("Kernel configuration ({path})"),
        Err(why) => format!("Kernel configuration: {why}"),
    };
    text.line("");
    text.line(source);
    let rows: Vec<_> = config
        .kconfig
        .iter()
        .map(|o| {
            let value = match &o.value {
                Some(v) => text.cell(v, Tone::Plain),
                None => text.cell("not set", Tone::Plain),
            };
            vec![text.cell(o.name, Tone::Plain), value]
        })
        .collect();
    text.table(&["OPTION", "VALUE"], rows);
    text.line("");
}

fn render_report(report: &FeatureReport, text: &mut Text) {
    if let Some(config) = &report.system_config {
        render_system_config(config, text);
    }
    if !report.bpf_syscall {
        text.line("bpf() syscall is NOT available");
        return;
    }
    text.line("bpf() syscall is available");
    text.line("");
    let rows: Vec<_> = report
        .prog_types
        .iter()
        .zip(&report.helpers)
        .map(|(p, h)| {
            let helpers = match &h.skipped {
                Some(_) => "-".to_string(),
                None => h.available(&report.helper_names).count().to_string(),
            };
            vec![
                text.cell(&p.name, Tone::Plain),
                verdict_cell(text, &p.verdict),
                text.cell(helpers, Tone::Plain),
            ]
        })
        .collect();
    text.table(&["PROGRAM TYPE", "AVAILABLE", "HELPERS"], rows);
    text.line("");
    text.table(
        &["MAP TYPE", "AVAILABLE"],
        type_rows(text, &report.map_types),
    );
    text.line("");
    let rows: Vec<_> = report
        .misc
        .iter()
        .map(|(k, v)| {
            vec![
                text.cell(k.trim_start_matches("have_"), Tone::Plain),
                verdict_cell(text, v),
            ]
        })
        .collect();
    text.table(&["FEATURE", "AVAILABLE"], rows);
    for h in &report.helpers {
        text.line("");
        match &h.skipped {
            Some(why) => text.line(format!("Helpers for {}: {why}", h.prog_type)),
            None => {
                let available: Vec<&str> = h.available(&report.helper_names).collect();
                text.line(format!(
                    "Helpers for {} ({}):",
                    h.prog_type,
                    available.len()
                ));
                for name in available {
                    text.line(format!("  {name}"));
                }
            }
        }
    }
    render_extended(report, text);
}

fn type_rows(text: &Text, list: &[Probed]) -> Vec<Vec<comfy_table::Cell>> {
    list.iter()
        .map(|p| {
            vec![
                text.cell(&p.name, Tone::Plain),
                verdict_cell(text, &p.verdict),
            ]
        })
        .collect()
}

fn render_extended(report: &FeatureReport, text: &mut Text) {
    let Some(ext) = &report.extended else { return };
    text.line("");
    text.line(format!(
        "Kernel {} ({}), BTF sha256 {}",
        ext.kernel.release,
        ext.kernel.arch,
        ext.kernel.btf_sha256.as_deref().unwrap_or("unavailable")
    ));
    text.line(format!("kfuncs declared: {}", ext.kfuncs.declared.len()));
    let rows: Vec<_> = ext
        .kfuncs
        .available
        .iter()
        .map(|(t, l)| vec![text.cell(t, Tone::Plain), text.cell(l.len(), Tone::Plain)])
        .collect();
    text.table(&["PROGRAM TYPE", "KFUNCS"], rows);
    for (title, list) in [
        ("Attach types", &ext.attach_types),
        ("Link types", &ext.link_types),
    ] {
        let known: Vec<&str> = list
            .iter()
            .filter(|(_, v)| *v == Verdict::Yes)
            .map(|(n, _)| n.as_str())
            .collect();
        let missing: Vec<&str> = list
            .iter()
            .filter(|(_, v)| *v != Verdict::Yes)
            .map(|(n, _)| n.as_str())
            .collect();
        text.line(format!(
            "{title} known to the kernel ({}): {}",
            known.len(),
            known.join(" ")
        ));
        if !missing.is_empty() {
            text.line(format!(
                "{title} not known or unknown ({}): {}",
                missing.len(),
                missing.join(" ")
            ));
        }
    }
    if !ext.errors.is_empty() {
        let rows: Vec<_> = ext
            .errors
            .iter()
            .map(|(k, v)| vec![text.cell(k, Tone::Plain), text.cell(v, Tone::Warn)])
            .collect();
        text.table(&["PROBE", "WHY NOT CONCLUSIVE OR SKIPPED"], rows);
    }
}

/// C macros as bpftool prints them: `#define [PREFIX]HAVE_X_PROG_TYPE` or `[PREFIX]NO_HAVE_...`, helper
/// availability as `[PREFIX]BPF__PROG_TYPE_<type>__HELPER_<helper> 0|1`. An inconclusive probe counts as absent.
fn render_macros(report: &FeatureReport, prefix: &str, text: &mut Text) {
    let mut lines: Vec<String> = Vec::new();
    let have = |yes: bool, name: &str| {
        format!(
            "#define {prefix}{}HAVE_{}",
            if yes { "" } else { "NO_" },
            name.to_uppercase()
        )
    };
    if let Some(config) = &report.system_config {
        lines.push("/*** Misc kernel config items ***/".into());
        for o in config.kconfig.iter().filter(|o| o.macro_worthy) {
            if let Some(v) = &o.value {
                lines.push(format!("#define {prefix}{} {v}", o.name));
            }
        }
        lines.push(String::new());
    }
    lines.push("/*** System call availability ***/".into());
    lines.push(have(report.bpf_syscall, "bpf_syscall"));
    lines.push(String::new());
    if report.bpf_syscall {
        for (title, list, suffix) in [
            ("eBPF program types", &report.prog_types, "prog_type"),
            ("eBPF map types", &report.map_types, "map_type"),
        ] {
            lines.push(format!("/*** {title} ***/"));
            for p in list {
                lines.push(have(
                    p.verdict == Verdict::Yes,
                    &format!("{}_{suffix}", p.name),
                ));
            }
            lines.push(String::new());
        }
        lines.extend(helper_macros(report, prefix));
        lines.push("/*** eBPF misc features ***/".into());
        for (key, v) in &report.misc {
            lines.push(have(*v == Verdict::Yes, key.trim_start_matches("have_")));
        }
    }
    text.line(lines.join("\n"));
}

fn helper_macros(report: &FeatureReport, prefix: &str) -> Vec<String> {
    let mut lines: Vec<String> = [
        "/*** eBPF helper functions ***/",
        "/*",
        &format!(" * Use {prefix}HAVE_PROG_TYPE_HELPER(prog_type_name, helper_name)"),
        " * to determine if <helper_name> is available for <prog_type_name>,",
        " * e.g.",
        &format!(" *\t#if {prefix}HAVE_PROG_TYPE_HELPER(xdp, bpf_redirect)"),
        " *\t\t// do stuff with this helper",
        " *\t#elif",
        " *\t\t// use a workaround",
        " *\t#endif",
        " */",
        &format!("#define {prefix}HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\"),
        &format!("\t{prefix}BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for h in &report.helpers {
        for (i, name) in report.helper_names.iter().enumerate() {
            let yes = h.verdicts.get(i) == Some(&Verdict::Yes);
            lines.push(format!(
                "#define {prefix}BPF__PROG_TYPE_{}__HELPER_{name} {}",
                h.prog_type,
                u8::from(yes)
            ));
        }
    }
    lines.push(String::new());
    lines
}

/// The report, and whether to print it as C macros (text output only: under -j the JSON report wins, as in
/// bpftool).
pub struct FeatureView {
    pub report: FeatureReport,
    pub macros_prefix: Option<String>,
}

impl Serialize for FeatureView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.report.serialize(s)
    }
}

/// The names of one builtin group; JSON is a plain array of strings, as bpftool prints it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct BuiltinList {
    pub names: Vec<String>,
}

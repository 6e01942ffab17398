//! What `--extended` adds to bpftool's report: the kernel's identity, its kfuncs and which program types may call
//! them, the attach and link types its BTF declares (multi-attach links probed, as they depend on build options),
//! and the reason behind every inconclusive or skipped probe.

use sha2::{Digest, Sha256};

use super::kernel_btf::{KernelBtf, Named, VMLINUX_BTF};
use super::report::{Extended, FeatureReport, KernelIdentity, KfuncReport, Probed};
use super::{helper_skip_reason, kinds, parallel};
use crate::sys::kernel;
use crate::sys::names;
use crate::sys::probe::{self, ProbeEnv, Verdict};

pub fn kernel_identity() -> KernelIdentity {
    let uname = kernel::uname();
    let btf_sha256 = std::fs::read(VMLINUX_BTF).ok().map(|raw| {
        Sha256::digest(&raw)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    });
    let kallsyms_data = std::fs::read_to_string("/proc/kallsyms")
        .ok()
        .map(|t| crate::sys::kallsyms::lists_data_symbols(&t));
    KernelIdentity {
        version_code: kernel::libbpf_version_code(&uname),
        release: uname.release,
        arch: uname.machine,
        btf_sha256,
        kallsyms_data,
    }
}

pub fn build(
    kernel: KernelIdentity,
    btf: &Result<KernelBtf, String>,
    prog_types: &[Probed],
    helper_ids: &[(u32, String)],
    env: ProbeEnv,
) -> Extended {
    let (kfuncs, attach_types, link_types, kinds, kind_helpers) = match btf {
        Ok(btf) => {
            let mut attach_types = declared(names::table(names::attach_type), &btf.attach_types);
            let mut link_types = declared(names::table(names::link_type), &btf.link_types);
            refine_multi_links(&mut attach_types, &mut link_types, env);
            let kinds = kinds::probe_kinds(btf, env);
            let (kind_helpers, kind_kfuncs) = kinds::probe_kind_calls(&kinds, helper_ids, btf, env);
            let mut kfuncs = probe_kfuncs(&btf.kfuncs, prog_types, env);
            kfuncs.available.extend(kind_kfuncs.available);
            (
                kfuncs,
                attach_types,
                link_types,
                kinds
                    .into_iter()
                    .map(|(name, _, v)| (name.to_string(), v))
                    .collect(),
                kind_helpers,
            )
        }
        Err(why) => {
            let unknown = |table: Vec<(u32, &str)>| {
                table
                    .into_iter()
                    .map(|(_, n)| (n.to_string(), Verdict::Unknown(why.clone())))
                    .collect()
            };
            (
                KfuncReport::default(),
                unknown(names::table(names::attach_type)),
                unknown(names::table(names::link_type)),
                Vec::new(),
                Vec::new(),
            )
        }
    };
    Extended {
        kernel,
        kfuncs,
        attach_types,
        link_types,
        kinds,
        kind_helpers,
        errors: Vec::new(),
    }
}

/// libbpf's names, each true when the kernel's enum has that value; then values only the kernel knows, named
/// from its enum.
fn declared(libbpf: Vec<(u32, &'static str)>, kernel: &Named) -> Vec<(String, Verdict)> {
    let known = |v: u32| kernel.iter().any(|(k, _)| *k == v);
    let mut out: Vec<(String, Verdict)> = libbpf
        .iter()
        .map(|&(v, n)| {
            (
                n.to_string(),
                if known(v) { Verdict::Yes } else { Verdict::No },
            )
        })
        .collect();
    for (v, name) in kernel {
        if !libbpf.iter().any(|(l, _)| l == v) {
            out.push((name.clone(), Verdict::Yes));
        }
    }
    out
}

/// The enum declares kprobe_multi and uprobe_multi (and their session attach types) whether or not the kernel was
/// built to create them: where declared, the answer is a link-create probe's.
fn refine_multi_links(
    attach_types: &mut [(String, Verdict)],
    link_types: &mut [(String, Verdict)],
    env: ProbeEnv,
) {
    let declared = |list: &[(String, Verdict)], name: &str| {
        list.iter().any(|(n, v)| n == name && *v == Verdict::Yes)
    };
    for (kind, link, attaches) in [
        (
            probe::MultiLink::Kprobe,
            "kprobe_multi",
            ["trace_kprobe_multi", "trace_kprobe_session"],
        ),
        (
            probe::MultiLink::Uprobe,
            "uprobe_multi",
            ["trace_uprobe_multi", "trace_uprobe_session"],
        ),
    ] {
        if !declared(link_types, link) {
            continue;
        }
        let verdict = probe::probe_multi_link(kind, env);
        for (name, v) in attach_types.iter_mut().chain(link_types.iter_mut()) {
            if (name == link || attaches.contains(&name.as_str())) && *v == Verdict::Yes {
                *v = verdict.clone();
            }
        }
    }
}

/// Every declared kfunc, probed in every program type whose helpers are probed (the same context-only program:
/// `call kfunc; exit`, read the same way as a helper probe).
fn probe_kfuncs(kfuncs: &Named, prog_types: &[Probed], env: ProbeEnv) -> KfuncReport {
    let types: Vec<&Probed> = prog_types
        .iter()
        .filter(|p| helper_skip_reason(p).is_none())
        .collect();
    let jobs: Vec<(u32, u32)> = types
        .iter()
        .flat_map(|p| kfuncs.iter().map(move |(btf_id, _)| (p.id, *btf_id)))
        .collect();
    let verdicts = parallel::run(&jobs, |&(prog, btf_id), log| {
        probe::probe_kfunc(prog, btf_id, env, log)
    });
    let available = types
        .iter()
        .enumerate()
        .map(|(t, p)| {
            let row = &verdicts[t * kfuncs.len()..(t + 1) * kfuncs.len()];
            let names = kfuncs
                .iter()
                .zip(row)
                .filter(|(_, v)| matches!(v, Some(Verdict::Yes)))
                .map(|((_, n), _)| n.clone())
                .collect();
            (p.name.clone(), names)
        })
        .collect();
    KfuncReport {
        declared: kfuncs.iter().map(|(_, n)| n.clone()).collect(),
        available,
    }
}

/// "section.key" -> reason, for every inconclusive probe and every skipped group.
pub fn errors(
    report: &FeatureReport,
    btf: &Result<KernelBtf, String>,
    ext: &Extended,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Err(why)) = report.system_config.as_ref().map(|c| &c.kconfig_source) {
        out.push(("system_config.kconfig".to_string(), why.clone()));
    }
    if let Err(why) = btf {
        out.push(("kernel_btf".to_string(), why.clone()));
    }
    let types = |list: &[Probed], suffix: &str, section: &str, out: &mut Vec<(String, String)>| {
        for p in list {
            if let Some(why) = p.verdict.reason() {
                out.push((
                    format!("{section}.have_{}_{suffix}", p.name),
                    why.to_string(),
                ));
            }
        }
    };
    types(&report.prog_types, "prog_type", "program_types", &mut out);
    types(&report.map_types, "map_type", "map_types", &mut out);
    for h in &report.helpers {
        let key = format!("helpers.{}_available_helpers", h.prog_type);
        if let Some(why) = &h.skipped {
            out.push((key.clone(), why.clone()));
        }
        for (name, v) in report.helper_names.iter().zip(&h.verdicts) {
            if let Some(why) = v.reason() {
                out.push((format!("{key}.{name}"), why.to_string()));
            }
        }
    }
    for (key, v) in &report.misc {
        if let Some(why) = v.reason() {
            out.push((format!("misc.{key}"), why.to_string()));
        }
    }
    for (name, v) in &ext.kinds {
        if let Some(why) = v.reason() {
            out.push((format!("program_kinds.{name}"), why.to_string()));
        }
    }
    for (section, list) in [
        ("attach_types", &ext.attach_types),
        ("link_types", &ext.link_types),
    ] {
        if let Some((name, v)) = list.iter().find(|(_, v)| v.reason().is_some()) {
            out.push((
                section.to_string(),
                format!("{name} and others: {}", v.reason().unwrap_or("")),
            ));
        }
    }
    out
}

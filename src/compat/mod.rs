//! Will this BPF object load on that kernel? Decided from the object and the kernel's BTF alone: CO-RE relocations
//! (see [`core`]), attach targets, program types, helpers, kfuncs and kconfig externs. No CLI knowledge.

pub mod core;
pub mod live;
pub mod minimize;
mod reach;

use serde::Serialize;

use crate::btf::{Btf, Kind};
use crate::elf::ObjectFile;

#[derive(Debug, Serialize)]
pub struct ReloVerdict {
    #[serde(skip)]
    pub key: (u32, String),
    pub program: Option<String>,
    pub insn: u64,
    pub kind: String,
    pub spec: String,
    #[serde(flatten)]
    pub resolution: core::Resolution,
}

#[derive(Debug, Serialize)]
pub struct ProgramVerdict {
    pub name: String,
    pub prog_type: String,
    pub compatible: bool,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ObjectVerdict {
    pub compatible: bool,
    /// False when the object has no .BTF/.BTF.ext: its CO-RE relocations could not be checked.
    pub core_checked: bool,
    pub reasons: Vec<String>,
    pub programs: Vec<ProgramVerdict>,
    pub relocations: Vec<ReloVerdict>,
}

/// Names of an enum's values in the target, e.g. every `BPF_FUNC_*`.
fn enum_has(target: &Btf, enum_name: &str, value: &str) -> Option<bool> {
    let id = target
        .find_by_name(enum_name, Kind::Enum)
        .or_else(|| target.find_by_name(enum_name, Kind::Enum64))?;
    let t = target.get(id).ok()?;
    Some(t.enum_values().any(|v| v.name == value))
}

fn prog_type_known(target: &Btf, prog_type: &str) -> Option<bool> {
    let v = format!("BPF_PROG_TYPE_{}", prog_type.to_uppercase());
    enum_has(target, "bpf_prog_type", &v)
}

fn helper_known(target: &Btf, helper: &str) -> Option<bool> {
    let v = format!("BPF_FUNC_{}", helper.strip_prefix("bpf_").unwrap_or(helper));
    enum_has(target, "bpf_func_id", &v)
}

/// Attach targets that must be in the target BTF: tracing functions, LSM hooks, BTF tracepoints.
fn attach_missing(
    target: &Btf,
    prog_type: &str,
    attach_target: Option<&str>,
    section: &str,
) -> Option<String> {
    let name = attach_target?;
    let name = name.rsplit(':').next().unwrap_or(name);
    let needed = match prog_type {
        "tracing" if section.starts_with("tp_btf") => format!("btf_trace_{name}"),
        "tracing" | "lsm" => name.to_string(),
        "kprobe" if section.starts_with("kprobe") || section.starts_with("kretprobe") => {
            name.to_string()
        }
        _ => return None,
    };
    let kind = if needed.starts_with("btf_trace_") {
        Kind::Typedef
    } else {
        Kind::Func
    };
    let needed = if prog_type == "lsm" {
        format!("bpf_lsm_{name}")
    } else {
        needed
    };
    target
        .find_by_name(&needed, kind)
        .is_none()
        .then(|| format!("attach target {needed} not in kernel BTF"))
}

/// Checks one object against one kernel BTF (`core_target` is the same BTF in libbpf's hands); `kconfig` is the
/// set of CONFIG_* names the kernel sets, when known.
pub fn check(
    obj: &ObjectFile,
    target: &Btf,
    core_target: &core::CoreBtf,
    kconfig: Option<&std::collections::HashSet<String>>,
) -> ObjectVerdict {
    let mut reasons = Vec::new();
    let relocations = match relocate(obj, core_target) {
        Ok(r) => r,
        Err(why) => {
            reasons.push(why);
            Vec::new()
        }
    };
    let core_checked = obj.btf.is_some() && obj.btf_ext.is_some();
    if !core_checked {
        reasons.push("no .BTF/.BTF.ext: CO-RE relocations cannot be checked".to_string());
    }
    for m in &obj.maps {
        if let Some(false) = enum_has(
            target,
            "bpf_map_type",
            &format!("BPF_MAP_TYPE_{}", m.map_type.to_uppercase()),
        ) {
            reasons.push(format!(
                "map {}: map type {} unknown to kernel",
                m.name, m.map_type
            ));
        }
    }
    if let Some(config) = kconfig {
        for e in obj
            .externs
            .iter()
            .filter(|e| e.kind == "kconfig" && !e.weak)
        {
            if !config.contains(&e.name) {
                reasons.push(format!("kconfig {} not set", e.name));
            }
        }
    }
    let programs: Vec<ProgramVerdict> = obj
        .programs
        .iter()
        .map(|p| program_verdict(p, target, &relocations))
        .collect();
    let compatible =
        reasons.iter().all(|r| r.starts_with("no .BTF")) && programs.iter().all(|p| p.compatible);
    ObjectVerdict {
        compatible,
        core_checked,
        reasons,
        programs,
        relocations,
    }
}

/// Every CO-RE relocation of the object as libbpf resolves it against `target`, guards applied.
pub fn relocate(obj: &ObjectFile, target: &core::CoreBtf) -> Result<Vec<ReloVerdict>, String> {
    let (Some(local), Some(ext)) = (obj.btf.as_ref(), obj.btf_ext.as_ref()) else {
        return Ok(Vec::new());
    };
    let local_core = core::CoreBtf::new(local).map_err(|e| format!("object .BTF: {e}"))?;
    let resolved = core::resolve_all(&local_core, &ext.core_relos, target);
    let mut relocations: Vec<ReloVerdict> = ext
        .core_relos
        .iter()
        .zip(resolved)
        .filter_map(|(r, resolution)| {
            Some(ReloVerdict {
                program: r.program.clone(),
                insn: r.insn,
                kind: r.kind.clone(),
                spec: r.spec.clone(),
                key: (r.type_id, r.access_str.clone()),
                resolution: resolution?,
            })
        })
        .collect();
    mark_guarded(&mut relocations);
    for f in obj.programs.iter().chain(&obj.subprograms) {
        mark_unreachable(f, &mut relocations);
    }
    Ok(relocations)
}

fn program_verdict(p: &crate::elf::Program, target: &Btf, relos: &[ReloVerdict]) -> ProgramVerdict {
    let mut reasons = Vec::new();
    if let Some(false) = prog_type_known(target, p.prog_type) {
        reasons.push(format!("program type {} unknown to kernel", p.prog_type));
    }
    if let Some(r) = attach_missing(target, p.prog_type, p.attach_target.as_deref(), &p.section) {
        reasons.push(r);
    }
    for h in &p.helpers {
        if let Some(false) = helper_known(target, h) {
            reasons.push(format!("helper {h} unknown to kernel"));
        }
    }
    for k in &p.kfuncs {
        if target.find_by_name(k, Kind::Func).is_none() {
            reasons.push(format!("kfunc {k} not in kernel BTF"));
        }
    }
    // Relocations of subprograms called by this program count too.
    let owns = |r: &ReloVerdict| {
        r.program
            .as_deref()
            .is_some_and(|n| n == p.name || p.subprograms.iter().any(|s| s == n))
    };
    for r in relos.iter().filter(|r| owns(r)) {
        match r.resolution.outcome {
            core::Outcome::Poisoned => {
                reasons.push(format!("CO-RE {} {} cannot be resolved", r.kind, r.spec))
            }
            core::Outcome::Ambiguous => {
                reasons.push(format!("CO-RE {} {} is ambiguous", r.kind, r.spec))
            }
            core::Outcome::Failed => reasons.push(format!(
                "CO-RE {} {} refused by libbpf: {}",
                r.kind,
                r.spec,
                r.resolution.error.as_deref().unwrap_or("?")
            )),
            _ => {}
        }
    }
    ProgramVerdict {
        name: p.name.clone(),
        prog_type: p.prog_type.to_string(),
        compatible: reasons.is_empty(),
        reasons,
    }
}

/// A poisoned access whose same field (same local type and access) is tested by a false existence check in the same
/// program sits behind that guard: clang folds the check to a constant and the verifier drops the dead branch, so
/// libbpf's poison is never reached (the `if (bpf_core_field_exists(x)) read(x)` idiom).
fn mark_guarded(relos: &mut [ReloVerdict]) {
    let guards: Vec<(Option<String>, (u32, String))> = relos
        .iter()
        .filter(|r| r.kind == "field_exists" && r.resolution.outcome == core::Outcome::Guarded)
        .map(|r| (r.program.clone(), r.key.clone()))
        .collect();
    for r in relos
        .iter_mut()
        .filter(|r| r.resolution.outcome == core::Outcome::Poisoned)
    {
        if guards.iter().any(|(p, k)| *p == r.program && *k == r.key) {
            r.resolution.outcome = core::Outcome::Guarded;
        }
    }
}

/// A poisoned access the verifier never reaches in function `f`, with every relocation of `f` patched in as libbpf
/// patches it, is guarded too: the other side of a true existence check (`if (exists(new)) read(new) else
/// read(old)`, where `old` is poisoned on new kernels), or any branch a relocated constant rules out.
fn mark_unreachable(f: &crate::elf::Program, relos: &mut [ReloVerdict]) {
    let mine = |r: &ReloVerdict| r.program.as_deref() == Some(f.name.as_str());
    if f.code.is_empty()
        || !relos
            .iter()
            .any(|r| mine(r) && r.resolution.outcome == core::Outcome::Poisoned)
    {
        return;
    }
    let mut code = f.code.clone();
    for r in relos.iter().filter(|r| mine(r)) {
        let (Some(insns), Ok(at)) = (r.resolution.insns, usize::try_from(r.insn)) else {
            continue;
        };
        for (slot, word) in code.iter_mut().skip(at).zip(insns) {
            *slot = word;
        }
    }
    let Some(reached) = reach::reachable(&code) else {
        return;
    };
    for r in relos.iter_mut().filter(|r| mine(r)) {
        let reachable = usize::try_from(r.insn).is_ok_and(|i| reached.contains(&i));
        if r.resolution.outcome == core::Outcome::Poisoned && !reachable {
            r.resolution.outcome = core::Outcome::Guarded;
        }
    }
}

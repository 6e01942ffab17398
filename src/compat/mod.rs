//! Will this BPF object load on that kernel, as `prog loadall` loads it? Decided from the object and the kernel's
//! BTF (CO-RE relocations, see [`core`]; program, attach and map types; helpers, kfuncs and externs; attach
//! targets), the feature table probed on the nearest kernel ([`kernel`]) and, on the running kernel, probes and a
//! trial load ([`live`], [`trial`]). Attaching is reported per program and only counts with `require_attach`.
//! No CLI knowledge.

pub mod attach;
mod code;
pub mod core;
mod externs;
pub mod kernel;
mod license;
pub mod live;
pub mod maps;
pub mod minimize;
mod program;
mod reach;
mod table;
#[rustfmt::skip]
mod tables;
pub mod trial;

use serde::Serialize;

use self::attach::Attach;
use self::kernel::{KernelView, TableChoice};
use self::maps::MapSize;
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
    /// libbpf loads it: false for SEC("?...") programs, which `prog loadall` skips and no verdict counts.
    pub autoload: bool,
    /// It loads (and with `require_attach`, can attach).
    pub compatible: bool,
    pub reasons: Vec<String>,
    /// ok, missing target, unsupported or unknown.
    pub attach: Attach,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_reason: Option<String>,
    /// The running kernel's refusal in a trial load (`--live`): the verifier's first error line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_error: Option<String>,
    /// The helper and kfunc calls the verifier may reach (for the live probes).
    #[serde(skip)]
    pub reached_calls: Vec<crate::elf::InsnRef>,
}

#[derive(Debug, Serialize)]
pub struct ObjectVerdict {
    pub compatible: bool,
    /// False when the object has no .BTF/.BTF.ext: its CO-RE relocations could not be checked.
    pub core_checked: bool,
    pub reasons: Vec<String>,
    /// The feature table used for what BTF cannot tell (helpers per program type, program kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature_table: Option<TableChoice>,
    /// The running kernel's answer to a trial load (`--live`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_load: Option<trial::TrialLoad>,
    pub programs: Vec<ProgramVerdict>,
    pub relocations: Vec<ReloVerdict>,
}

/// How the user's loader prepares the object, and what the verdict covers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub map_sizes: Vec<MapSize>,
    /// `compatible` also requires every loaded program to be able to attach (not a missing target or an
    /// unsupported kind of attachment; "unknown" does not count against it).
    pub require_attach: bool,
}

const NO_BTF: &str = "no .BTF/.BTF.ext: CO-RE relocations cannot be checked";

/// Checks one object against one kernel (`core_target` is the same BTF in libbpf's hands).
pub fn check(
    obj: &ObjectFile,
    view: &KernelView,
    core_target: &core::CoreBtf,
    opts: &Options,
) -> ObjectVerdict {
    let mut reasons = Vec::new();
    let mut relocations = match relocate_unguarded(obj, core_target) {
        Ok(r) => r,
        Err(why) => {
            reasons.push(why);
            Vec::new()
        }
    };
    let core_checked = obj.btf.is_some() && obj.btf_ext.is_some();
    if !core_checked {
        reasons.push(NO_BTF.to_string());
    }
    let mut special_maps = Vec::new();
    for m in &obj.maps {
        reasons.extend(maps::creation_refusal(m, &opts.map_sizes, view));
        reasons.extend(maps::struct_ops_refusal(m, obj.btf.as_ref(), view));
        if let Some(field) = maps::special_field(m, obj.btf.as_ref()) {
            special_maps.push((m.name.clone(), field));
        }
    }
    let (extern_values, extern_reasons) = externs::evaluate(obj, view);
    reasons.extend(extern_reasons);
    let lazy = view.version.is_some_and(|v| v >= code::LAZY_GLOBALS);
    let reach = code::Reach::new(obj, &relocations, &extern_values, lazy);
    mark_unreachable(&reach, &mut relocations);
    mark_guarded(&reach, &mut relocations);
    let programs: Vec<ProgramVerdict> = obj
        .programs
        .iter()
        .map(|p| {
            let mut why = program::load_refusals(p, view, &reach, &extern_values, &special_maps);
            let target_missing = why.iter().any(|r| r.starts_with("attach target "));
            why.extend(core_refusals(p, &relocations));
            let (attach, attach_reason) = attach::status(p, view, target_missing);
            let reached_calls = reach
                .reached_refs(p)
                .into_iter()
                .filter(|(_, r)| {
                    matches!(
                        r,
                        crate::elf::InsnRef::Helper(_) | crate::elf::InsnRef::Kfunc(_)
                    )
                })
                .map(|(_, r)| r.clone())
                .collect();
            ProgramVerdict {
                name: p.name.clone(),
                prog_type: p.prog_type.to_string(),
                autoload: p.autoload,
                compatible: why.is_empty(),
                reasons: why,
                attach,
                attach_reason,
                load_error: None,
                reached_calls,
            }
        })
        .collect();
    let mut verdict = ObjectVerdict {
        compatible: false,
        core_checked,
        reasons,
        feature_table: view.choice.clone(),
        trial_load: None,
        programs,
        relocations,
    };
    settle(&mut verdict, opts);
    verdict
}

/// Whether a program's attachment counts against it under `require_attach`.
fn attach_fails(p: &ProgramVerdict) -> bool {
    matches!(p.attach, Attach::MissingTarget | Attach::Unsupported)
}

/// Sets the verdicts from the reasons (and the trial load, when there was one): a program is compatible when it
/// loads (and can attach, with `require_attach`); the object when it loads as a whole and its loaded programs are.
pub fn settle(v: &mut ObjectVerdict, opts: &Options) {
    for p in &mut v.programs {
        let loads = match &v.trial_load {
            Some(_) => p.load_error.is_none(),
            None => p.reasons.is_empty(),
        };
        p.compatible = loads && !(opts.require_attach && attach_fails(p));
    }
    let object_loads = match &v.trial_load {
        Some(t) => t.loaded,
        None => v.reasons.iter().all(|r| r == NO_BTF),
    };
    v.compatible = object_loads
        && v.programs
            .iter()
            .filter(|p| p.autoload)
            .all(|p| p.compatible);
}

/// Adds a trial load's answers to a verdict reached statically: the kernel's refusals per program, and its
/// object-level error.
pub fn apply_trial(v: &mut ObjectVerdict, trial: trial::TrialLoad, opts: &Options) {
    for (name, why) in &trial.refused {
        if let Some(p) = v.programs.iter_mut().find(|p| &p.name == name) {
            p.load_error = Some(why.clone());
        }
    }
    if let Some(e) = &trial.error {
        v.reasons.push(format!("trial load: {e}"));
    }
    v.trial_load = Some(trial);
    settle(v, opts);
}

/// Every CO-RE relocation of the object as libbpf resolves it against `target`, guards applied (with what the
/// object alone says about its constants).
pub fn relocate(obj: &ObjectFile, target: &core::CoreBtf) -> Result<Vec<ReloVerdict>, String> {
    let mut relocations = relocate_unguarded(obj, target)?;
    let reach = code::Reach::new(obj, &relocations, &Default::default(), false);
    mark_unreachable(&reach, &mut relocations);
    mark_guarded(&reach, &mut relocations);
    Ok(relocations)
}

/// The relocations as libbpf resolves them; reachability comes later, once externs are known.
fn relocate_unguarded(
    obj: &ObjectFile,
    target: &core::CoreBtf,
) -> Result<Vec<ReloVerdict>, String> {
    let (Some(local), Some(ext)) = (obj.btf.as_ref(), obj.btf_ext.as_ref()) else {
        return Ok(Vec::new());
    };
    let local_core = core::CoreBtf::new(local).map_err(|e| format!("object .BTF: {e}"))?;
    let resolved = core::resolve_all(&local_core, &ext.core_relos, target);
    let relocations: Vec<ReloVerdict> = ext
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
    Ok(relocations)
}

/// The CO-RE relocations of `p` (and the subprograms it calls) that make the kernel refuse it.
fn core_refusals(p: &crate::elf::Program, relos: &[ReloVerdict]) -> Vec<String> {
    let owns = |r: &ReloVerdict| {
        r.program
            .as_deref()
            .is_some_and(|n| n == p.name || p.subprograms.iter().any(|s| s == n))
    };
    relos
        .iter()
        .filter(|r| owns(r))
        .filter_map(|r| match r.resolution.outcome {
            core::Outcome::Poisoned => {
                Some(format!("CO-RE {} {} cannot be resolved", r.kind, r.spec))
            }
            core::Outcome::Ambiguous => Some(format!("CO-RE {} {} is ambiguous", r.kind, r.spec)),
            core::Outcome::Failed => Some(format!(
                "CO-RE {} {} refused by libbpf: {}",
                r.kind,
                r.spec,
                r.resolution.error.as_deref().unwrap_or("?")
            )),
            _ => None,
        })
        .collect()
}

/// Where the walk could not follow a function (its code in the other byte order, too many states), a poisoned
/// access whose same field (same local type and access) is tested by a false existence check in that function is
/// taken to sit behind that guard (the `if (bpf_core_field_exists(x)) read(x)` idiom). Only there: the walk knows
/// better, since the same field is often read on the other side too (`if (exists(x)) read(x) else read(x) + 1`
/// reaches the poison).
fn mark_guarded(reach: &code::Reach, relos: &mut [ReloVerdict]) {
    let guards: Vec<(Option<String>, (u32, String))> = relos
        .iter()
        .filter(|r| r.kind == "field_exists" && r.resolution.outcome == core::Outcome::Guarded)
        .map(|r| (r.program.clone(), r.key.clone()))
        .collect();
    for r in relos.iter_mut().filter(|r| {
        r.resolution.outcome == core::Outcome::Poisoned
            && !r.program.as_deref().is_some_and(|f| reach.walked(f))
    }) {
        if guards.iter().any(|(p, k)| *p == r.program && *k == r.key) {
            r.resolution.outcome = core::Outcome::Guarded;
        }
    }
}

/// A poisoned access the verifier never reaches, with every relocation of its function patched in as libbpf
/// patches it and the object's constants known, is guarded too: the other side of a true existence check (`if
/// (exists(new)) read(new) else read(old)`, where `old` is poisoned on new kernels), or any branch a relocated
/// constant, a .rodata default or a kconfig value rules out.
fn mark_unreachable(reach: &code::Reach, relos: &mut [ReloVerdict]) {
    for r in relos
        .iter_mut()
        .filter(|r| r.resolution.outcome == core::Outcome::Poisoned)
    {
        let (Some(f), Ok(at)) = (r.program.as_deref(), usize::try_from(r.insn)) else {
            continue;
        };
        if !reach.reached(f, at) {
            r.resolution.outcome = core::Outcome::Guarded;
        }
    }
}

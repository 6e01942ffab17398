//! Program kinds (`--extended`): the answer to "does this kernel load a program of type T" depends on more than T.
//! A tracing program attached to a BTF tracepoint may load where one attached to a function does not (this 6.18
//! build refuses fentry, fexit and fmod_ret but takes tp_btf), sleepable uprobes and multi-buffer XDP are flags
//! older kernels refuse. Each kind libbpf's section names produce is probed with `r0 = 0; exit` and the attributes
//! libbpf would load it with, a real BTF target included; for the kinds that need a target, helpers and kfuncs
//! are probed in that kind too (the default report cannot: it has no target). `compat check` uses these answers,
//! harvested from the kernels of the qemu matrix, for kernels it cannot ask.

use libbpf_sys as sys;

use super::helpers::{HelperJob, HelperPlan};
use super::kernel_btf::KernelBtf;
use super::parallel;
use super::report::{HelperProbes, KfuncReport};
use crate::sys::probe::{self, ProbeEnv, ProgSpec, Verdict};

/// A kind: its libbpf section name, program type, expected attach type, flags and BTF targets to try (the first
/// one the kernel's BTF has).
struct KindDef {
    name: &'static str,
    prog_type: u32,
    attach: u32,
    flags: u32,
    targets: &'static [&'static str],
}

const fn kind(
    name: &'static str,
    prog_type: u32,
    attach: u32,
    flags: u32,
    targets: &'static [&'static str],
) -> KindDef {
    KindDef {
        name,
        prog_type,
        attach,
        flags,
        targets,
    }
}

const SLEEPABLE: u32 = sys::BPF_F_SLEEPABLE;
/// A function every kernel since 5.5 has for BPF's own tests, or a common one.
const FENTRY_TARGETS: &[&str] = &["bpf_fentry_test1", "vfs_read"];
/// fmod_ret may change LSM hooks (security_*) on every kernel, other functions only where they are error-injection
/// points, which needs CONFIG_FUNCTION_ERROR_INJECTION: bpf_modify_return_test is one (5.7), and sleepable fentry
/// and fexit programs need one too.
const LSM_HOOK_TARGETS: &[&str] = &["security_file_open"];
const ERROR_INJECTION_TARGETS: &[&str] = &["bpf_modify_return_test"];

const KINDS: &[KindDef] = &[
    kind(
        "fentry",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_FENTRY,
        0,
        FENTRY_TARGETS,
    ),
    kind(
        "fexit",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_FEXIT,
        0,
        FENTRY_TARGETS,
    ),
    kind(
        "fmod_ret",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_MODIFY_RETURN,
        0,
        LSM_HOOK_TARGETS,
    ),
    kind(
        "fmod_ret@error_injection",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_MODIFY_RETURN,
        0,
        ERROR_INJECTION_TARGETS,
    ),
    kind(
        "fentry.s",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_FENTRY,
        SLEEPABLE,
        ERROR_INJECTION_TARGETS,
    ),
    kind(
        "fexit.s",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_FEXIT,
        SLEEPABLE,
        ERROR_INJECTION_TARGETS,
    ),
    kind(
        "tp_btf",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_RAW_TP,
        0,
        &["btf_trace_sched_switch"],
    ),
    kind(
        "iter",
        sys::BPF_PROG_TYPE_TRACING,
        sys::BPF_TRACE_ITER,
        0,
        &["bpf_iter_task"],
    ),
    kind(
        "lsm",
        sys::BPF_PROG_TYPE_LSM,
        sys::BPF_LSM_MAC,
        0,
        &["bpf_lsm_file_open"],
    ),
    kind(
        "lsm.s",
        sys::BPF_PROG_TYPE_LSM,
        sys::BPF_LSM_MAC,
        SLEEPABLE,
        &["bpf_lsm_bprm_committed_creds"],
    ),
    kind(
        "lsm_cgroup",
        sys::BPF_PROG_TYPE_LSM,
        sys::BPF_LSM_CGROUP,
        0,
        &["bpf_lsm_socket_bind"],
    ),
    kind("uprobe.s", sys::BPF_PROG_TYPE_KPROBE, 0, SLEEPABLE, &[]),
    kind(
        "kprobe.multi",
        sys::BPF_PROG_TYPE_KPROBE,
        sys::BPF_TRACE_KPROBE_MULTI,
        0,
        &[],
    ),
    kind(
        "xdp.frags",
        sys::BPF_PROG_TYPE_XDP,
        sys::BPF_XDP,
        sys::BPF_F_XDP_HAS_FRAGS,
        &[],
    ),
];

/// Kinds whose helpers and kfuncs are probed (their program types need a target, so the default report has none).
const CALL_KINDS: &[&str] = &["fentry", "tp_btf", "iter", "lsm"];

/// The BTF names the kinds attach to, for `kernel_btf::read` to look up.
pub fn target_names() -> impl Iterator<Item = &'static str> {
    KINDS.iter().flat_map(|k| k.targets.iter().copied())
}

/// Every kind with the spec it was probed with (None: its target is not in this kernel's BTF) and the verdict.
pub fn probe_kinds(
    btf: &KernelBtf,
    env: ProbeEnv,
) -> Vec<(&'static str, Option<ProgSpec>, Verdict)> {
    let specs: Vec<Option<ProgSpec>> = KINDS
        .iter()
        .map(|k| {
            let attach_btf_id = if k.targets.is_empty() {
                0
            } else {
                *k.targets.iter().find_map(|t| btf.targets.get(*t))?
            };
            Some(ProgSpec {
                prog_type: k.prog_type,
                expected_attach_type: k.attach,
                attach_btf_id,
                prog_flags: k.flags,
                ifindex: env.ifindex,
            })
        })
        .collect();
    let verdicts = parallel::run(&specs, |spec, log| match spec {
        Some(spec) => probe::probe_prog_spec(spec, env, log),
        None => Verdict::Unknown("no attach target in the kernel's BTF".into()),
    });
    KINDS
        .iter()
        .zip(specs)
        .zip(verdicts)
        .map(|((k, spec), v)| {
            (
                k.name,
                spec,
                v.unwrap_or_else(|| Verdict::Unknown("probe thread failed".into())),
            )
        })
        .collect()
}

/// Helpers (ids and names as the default report lists them) and kfuncs probed in each kind of CALL_KINDS the
/// kernel accepts.
pub fn probe_kind_calls(
    kinds: &[(&'static str, Option<ProgSpec>, Verdict)],
    helpers: &[(u32, String)],
    btf: &KernelBtf,
    env: ProbeEnv,
) -> (Vec<HelperProbes>, KfuncReport) {
    let accepted: Vec<(&str, ProgSpec)> = kinds
        .iter()
        .filter(|(name, _, v)| CALL_KINDS.contains(name) && *v == Verdict::Yes)
        .filter_map(|(name, spec, _)| Some((*name, (*spec)?)))
        .collect();
    let specs: Vec<ProgSpec> = accepted.iter().map(|(_, spec)| *spec).collect();
    let maps = match specs.is_empty() {
        true => None,
        false => HelperPlan::chain_maps(env),
    };
    let plan = HelperPlan::new(helpers.iter().map(|(id, _)| *id).collect(), maps);
    let helper_jobs: Vec<HelperJob> = plan.jobs(&specs).collect();
    let kfunc_jobs: Vec<(ProgSpec, u32)> = accepted
        .iter()
        .flat_map(|(_, spec)| btf.kfuncs.iter().map(move |(id, _)| (*spec, *id)))
        .collect();
    let helper_answers = parallel::run(&helper_jobs, |job, log| plan.run(job, env, log));
    let kfunc_verdicts = parallel::run(&kfunc_jobs, |(spec, id), log| {
        probe::probe_kfunc_in(spec, *id, env, log)
    });
    let mut helper_rows = plan
        .rows(specs.len(), &mut helper_answers.into_iter())
        .into_iter();
    let mut kfunc_rows = kfunc_verdicts.into_iter();
    let mut kfuncs = KfuncReport::default();
    let mut out = Vec::new();
    for (name, _) in &accepted {
        out.push(HelperProbes {
            prog_type: name.to_string(),
            skipped: None,
            verdicts: helper_rows.next().unwrap_or_default(),
        });
        let available = btf
            .kfuncs
            .iter()
            .zip(kfunc_rows.by_ref().take(btf.kfuncs.len()))
            .filter(|(_, v)| matches!(v, Some(Verdict::Yes)))
            .map(|((_, n), _)| n.clone())
            .collect();
        kfuncs.available.push((name.to_string(), available));
    }
    (out, kfuncs)
}

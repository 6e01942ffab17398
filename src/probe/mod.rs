//! `feature probe` as a library: which program types, map types, helpers, kfuncs and ISA features this kernel
//! (or an offload device) supports, plus the system configuration bpftool reports. Probes run in parallel; probes
//! whose answer cannot matter are skipped (helpers of an unsupported program type, the three helpers the default
//! report hides). No CLI knowledge: the command hands in a `ProbeRequest` and gets a `FeatureReport`.

mod config;
mod extended;
mod helpers;
mod kernel_btf;
mod kinds;
mod parallel;
mod report;

use helpers::{HelperAnswer, HelperJob, HelperPlan};

pub use config::SystemConfig;
pub use report::{FeatureReport, HelperProbes, Probed};

use libbpf_sys as sys;

use crate::sys::caps::{self, Capability};
use crate::sys::names;
use crate::sys::probe::{self, MiscFeature, ProbeEnv, Verdict};

/// Helpers bpftool leaves out unless asked for `full`: they write to the trace pipe or to user memory, and
/// bpftool's maintainers chose not to advertise them in generated headers.
pub const NOISY_HELPERS: [&str; 3] = [
    "bpf_probe_write_user",
    "bpf_trace_printk",
    "bpf_trace_vprintk",
];

#[derive(Debug, Clone)]
pub enum Target {
    Kernel,
    /// Offload to a network device (bpftool `dev NAME`): only the offloadable types are probed.
    Device {
        ifindex: u32,
    },
}

#[derive(Debug, Clone)]
pub struct ProbeRequest {
    pub target: Target,
    /// Include NOISY_HELPERS.
    pub full: bool,
    /// Probe as a user without CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON.
    pub unprivileged: bool,
    /// Add kernel identity, kfuncs, attach/link types and the reasons for inconclusive probes.
    pub extended: bool,
}

/// One probe of the second phase.
enum Job {
    Misc(MiscFeature),
    Map(u32),
    Helpers(HelperJob),
}

enum Answer {
    One(Verdict),
    Helpers(HelperAnswer),
}

impl Answer {
    fn one(self) -> Option<Verdict> {
        match self {
            Answer::One(v) => Some(v),
            Answer::Helpers(_) => None,
        }
    }

    fn helpers(self) -> Option<HelperAnswer> {
        match self {
            Answer::One(_) => None,
            Answer::Helpers(a) => Some(a),
        }
    }
}

/// Runs every probe the request asks for. Fails only when the capabilities for `unprivileged` cannot be dropped.
pub fn probe(req: &ProbeRequest) -> Result<FeatureReport, String> {
    if req.unprivileged {
        caps::drop_effective(&Capability::BPF_RELATED)
            .map_err(|e| format!("cannot drop capabilities to probe as unprivileged: {e}"))?;
    }
    let env = ProbeEnv {
        ifindex: match req.target {
            Target::Kernel => 0,
            Target::Device { ifindex } => ifindex,
        },
        unprivileged: req.unprivileged,
        privileged: !req.unprivileged
            && caps::CapSet::effective().is_some_and(|c| c.has(Capability::SysAdmin)),
    };
    let on_kernel = matches!(req.target, Target::Kernel);
    std::thread::scope(|scope| {
        // Reading the kernel's config (and for --extended its BTF) overlaps with the type probes. The default
        // report does not parse BTF at all: libbpf parsing 5 MB of vmlinux BTF took 45 ms on this machine, a
        // third of bpftool's whole run.
        let config = scope.spawn(move || on_kernel.then(config::read));
        let btf = req
            .extended
            .then(|| scope.spawn(|| kernel_btf::read(true, kinds::target_names())));
        let identity = req.extended.then(|| scope.spawn(extended::kernel_identity));
        if !probe::bpf_syscall_exists() {
            return Ok(FeatureReport {
                system_config: config.join().ok().flatten(),
                bpf_syscall: false,
                prog_types: Vec::new(),
                map_types: Vec::new(),
                helper_names: Vec::new(),
                helpers: Vec::new(),
                misc: Vec::new(),
                extended: None,
            });
        }
        // The maps of chained helper probes are made beside phase 1, which decides what phase 2 asks: helpers
        // are only probed for program types the kernel accepts.
        let chain_maps = scope.spawn(move || HelperPlan::chain_maps(env));
        let (prog_ids, map_ids) = types_to_probe(on_kernel);
        let prog_types = named(
            &prog_ids,
            names::prog_type,
            parallel::run(&prog_ids, |&id, log| probe::probe_prog_type(id, env, log)),
        );
        let helper_ids = helpers_to_probe(req.full);
        let helper_names = helper_ids.iter().map(|(_, n)| n.clone()).collect();
        let plan = HelperPlan::new(
            helper_ids.iter().map(|(id, _)| *id).collect(),
            chain_maps.join().ok().flatten(),
        );
        let (map_types, misc, helpers) = probe_phase2(&prog_types, &map_ids, &plan, env);
        let btf = btf
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| Err("kernel BTF was not read".into()));
        let extended = identity
            .and_then(|h| h.join().ok())
            .map(|kernel| extended::build(kernel, &btf, &prog_types, &helper_ids, env));
        let mut report = FeatureReport {
            system_config: config.join().ok().flatten(),
            bpf_syscall: true,
            prog_types,
            map_types,
            helper_names,
            helpers,
            misc,
            extended,
        };
        if let Some(ext) = &report.extended {
            let errors = extended::errors(&report, &btf, ext);
            if let Some(ext) = report.extended.as_mut() {
                ext.errors = errors;
            }
        }
        Ok(report)
    })
}

/// Phase 2: maps, misc features and helpers in one pool, the slowest probes (a 4097-instruction program, map
/// allocations, chains of helper calls) first so that no thread is left with them at the end.
fn probe_phase2(
    prog_types: &[Probed],
    map_ids: &[u32],
    plan: &HelperPlan,
    env: ProbeEnv,
) -> (Vec<Probed>, Vec<(&'static str, Verdict)>, Vec<HelperProbes>) {
    let specs: Vec<_> = prog_types
        .iter()
        .filter(|p| helper_skip_reason(p).is_none())
        .map(|p| probe::spec_for(p.id, env))
        .collect();
    let jobs: Vec<Job> = MiscFeature::ALL
        .iter()
        .map(|&f| Job::Misc(f))
        .chain(map_ids.iter().map(|&id| Job::Map(id)))
        .chain(plan.jobs(&specs).map(Job::Helpers))
        .collect();
    let mut answers = parallel::run(&jobs, |job, log| match job {
        Job::Misc(f) => Answer::One(probe::probe_misc(*f, env)),
        Job::Map(id) => Answer::One(probe::probe_map_type(*id, env)),
        Job::Helpers(job) => Answer::Helpers(plan.run(job, env, log)),
    })
    .into_iter();
    let misc = MiscFeature::ALL
        .iter()
        .zip(answers.by_ref())
        .map(|(&f, a)| {
            (
                misc_key(f),
                a.and_then(Answer::one).unwrap_or_else(not_probed),
            )
        })
        .collect();
    let map_types = named(
        map_ids,
        names::map_type,
        answers
            .by_ref()
            .take(map_ids.len())
            .map(|a| a.and_then(Answer::one))
            .collect(),
    );
    let rows = plan.rows(
        specs.len(),
        &mut answers.map(|a| a.and_then(Answer::helpers)),
    );
    (map_types, misc, helper_results(prog_types, rows))
}

/// Program and map types to probe: libbpf's tables for the kernel, the offloadable ones for a device.
fn types_to_probe(on_kernel: bool) -> (Vec<u32>, Vec<u32>) {
    if !on_kernel {
        // bpftool's choice for devices: the types offload drivers (nfp) implement.
        return (
            vec![sys::BPF_PROG_TYPE_SCHED_CLS, sys::BPF_PROG_TYPE_XDP],
            vec![sys::BPF_MAP_TYPE_HASH, sys::BPF_MAP_TYPE_ARRAY],
        );
    }
    let ids = |table: Vec<(u32, &str)>| -> Vec<u32> {
        table
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| *id != 0)
            .collect()
    };
    (
        ids(names::table(names::prog_type)),
        ids(names::table(names::map_type)),
    )
}

fn not_probed() -> Verdict {
    Verdict::Unknown("not probed (probe thread failed)".into())
}

fn named(
    ids: &[u32],
    name: fn(u32) -> Option<&'static str>,
    verdicts: Vec<Option<Verdict>>,
) -> Vec<Probed> {
    let mut verdicts = verdicts.into_iter();
    ids.iter()
        .map(|&id| Probed {
            id,
            name: name(id).map_or_else(|| id.to_string(), str::to_string),
            verdict: verdicts.next().flatten().unwrap_or_else(not_probed),
        })
        .collect()
}

fn misc_key(feature: MiscFeature) -> &'static str {
    match feature {
        MiscFeature::LargeInsnLimit => "have_large_insn_limit",
        MiscFeature::BoundedLoops => "have_bounded_loops",
        MiscFeature::V2Isa => "have_v2_isa_extension",
        MiscFeature::V3Isa => "have_v3_isa_extension",
        MiscFeature::V4Isa => "have_v4_isa_extension",
    }
}

/// The helpers to probe, in id order, the noisy three only with `full`. Helper ids are UAPI and append-only, so
/// libbpf's names are right for every id a kernel shares with libbpf; the kernel itself says (in a few probes)
/// how many ids it knows, so an older kernel is not asked about helpers it cannot have. Only a kernel newer than
/// libbpf's table needs its BTF enum bpf_func_id read for the names of the extra ids.
fn helpers_to_probe(full: bool) -> Vec<(u32, String)> {
    let builtin: Vec<(u32, String)> = names::builtin_helpers()
        .into_iter()
        .filter(|(id, _)| *id != 0)
        .collect();
    let upper = builtin.last().map_or(1, |(id, _)| id + 1);
    let all = match probe::kernel_helper_count(upper, &mut probe::LogBuf::new()) {
        Some(count) => builtin.into_iter().filter(|(id, _)| *id < count).collect(),
        None => match kernel_btf::read(false, std::iter::empty()) {
            Ok(btf) if !btf.helpers.is_empty() => btf.helpers,
            _ => builtin,
        },
    };
    all.into_iter()
        .filter(|(_, name)| full || !NOISY_HELPERS.contains(&name.as_str()))
        .collect()
}

/// Why helpers of this program type are not probed, if they are not.
fn helper_skip_reason(prog: &Probed) -> Option<String> {
    match &prog.verdict {
        Verdict::No => Some("program type not supported".into()),
        Verdict::Unknown(why) => Some(format!("program type probe inconclusive: {why}")),
        Verdict::Yes if !probe::helpers_probeable(prog.id) => Some(
            "needs a BTF attach target (kernel function, hook or struct_ops member); not probed"
                .into(),
        ),
        Verdict::Yes => None,
    }
}

/// One list of helper verdicts per program type: the rows of the probed types, in order, and none for the others.
fn helper_results(prog_types: &[Probed], rows: Vec<Vec<Verdict>>) -> Vec<HelperProbes> {
    let mut rows = rows.into_iter();
    prog_types
        .iter()
        .map(|p| {
            let skipped = helper_skip_reason(p);
            let verdicts = match skipped {
                Some(_) => Vec::new(),
                None => rows.next().unwrap_or_default(),
            };
            HelperProbes {
                prog_type: p.name.clone(),
                skipped,
                verdicts,
            }
        })
        .collect()
}

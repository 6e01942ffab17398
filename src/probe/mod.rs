//! `feature probe` as a library: which program types, map types, helpers, kfuncs and ISA features this kernel
//! (or an offload device) supports, plus the system configuration bpftool reports. Probes run in parallel; probes
//! whose answer cannot matter are skipped (helpers of an unsupported program type, the three helpers the default
//! report hides). No CLI knowledge: the command hands in a `ProbeRequest` and gets a `FeatureReport`.

mod config;
mod extended;
mod kernel_btf;
mod parallel;
mod report;

pub use config::SystemConfig;
pub use report::{FeatureReport, HelperProbes, Probed};

use libbpf_sys as sys;

use crate::sys::caps::{self, Capability};
use crate::sys::libbpf_names;
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

/// A probe of the first phase (types and features), which decides what the second phase (helpers) asks.
enum TypeJob {
    Prog(u32),
    Map(u32),
    Misc(MiscFeature),
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
        // Reading and parsing the kernel's BTF and config overlaps with the type probes.
        let config = scope.spawn(move || on_kernel.then(config::read));
        let btf = scope.spawn(|| kernel_btf::read(req.extended));
        let identity = scope.spawn(|| req.extended.then(extended::kernel_identity));
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
        let (prog_types, map_types, misc) = probe_types(on_kernel, env);
        let btf = btf
            .join()
            .unwrap_or_else(|_| Err("reading kernel BTF failed".into()));
        let helper_ids = helpers_to_probe(btf.as_ref().ok(), req.full);
        let helper_names = helper_ids.iter().map(|(_, n)| n.clone()).collect();
        let helpers = probe_helpers(&prog_types, &helper_ids, env);
        let extended = match identity.join().ok().flatten() {
            Some(kernel) => Some(extended::build(kernel, &btf, &prog_types, env)),
            None => None,
        };
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

fn probe_types(
    on_kernel: bool,
    env: ProbeEnv,
) -> (Vec<Probed>, Vec<Probed>, Vec<(&'static str, Verdict)>) {
    let (prog_ids, map_ids): (Vec<u32>, Vec<u32>) = if on_kernel {
        let ids = |table: Vec<(u32, &str)>| {
            table
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| *id != 0)
                .collect()
        };
        (
            ids(libbpf_names::table(libbpf_names::prog_type)),
            ids(libbpf_names::table(libbpf_names::map_type)),
        )
    } else {
        // bpftool's choice for devices: the types offload drivers (nfp) implement.
        (
            vec![sys::BPF_PROG_TYPE_SCHED_CLS, sys::BPF_PROG_TYPE_XDP],
            vec![sys::BPF_MAP_TYPE_HASH, sys::BPF_MAP_TYPE_ARRAY],
        )
    };
    let jobs: Vec<TypeJob> = prog_ids
        .iter()
        .map(|&id| TypeJob::Prog(id))
        .chain(map_ids.iter().map(|&id| TypeJob::Map(id)))
        .chain(MiscFeature::ALL.iter().map(|&f| TypeJob::Misc(f)))
        .collect();
    let verdicts = parallel::run(&jobs, |job, log| match *job {
        TypeJob::Prog(id) => probe::probe_prog_type(id, env, log),
        TypeJob::Map(id) => probe::probe_map_type(id, env),
        TypeJob::Misc(f) => probe::probe_misc(f, env),
    });
    let mut verdicts = verdicts
        .into_iter()
        .map(|v| v.unwrap_or_else(|| Verdict::Unknown("not probed".into())));
    let named = |ids: &[u32],
                 name: fn(u32) -> Option<&'static str>,
                 verdicts: &mut dyn Iterator<Item = Verdict>| {
        ids.iter()
            .map(|&id| Probed {
                id,
                name: name(id).map_or_else(|| id.to_string(), str::to_string),
                verdict: verdicts
                    .next()
                    .unwrap_or(Verdict::Unknown("not probed".into())),
            })
            .collect::<Vec<_>>()
    };
    let prog_types = named(&prog_ids, libbpf_names::prog_type, &mut verdicts);
    let map_types = named(&map_ids, libbpf_names::map_type, &mut verdicts);
    let misc = MiscFeature::ALL
        .iter()
        .map(|&f| (misc_key(f), verdicts.next().unwrap_or(Verdict::No)))
        .collect();
    (prog_types, map_types, misc)
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

/// The helpers to probe, in id order: the kernel's own enum when it has BTF (it is the authority on which ids
/// exist here), otherwise libbpf's table; the noisy three only with `full`.
fn helpers_to_probe(btf: Option<&kernel_btf::KernelBtf>, full: bool) -> Vec<(u32, String)> {
    let all = match btf {
        Some(btf) if !btf.helpers.is_empty() => btf.helpers.clone(),
        _ => libbpf_names::builtin_helpers()
            .into_iter()
            .filter(|(id, _)| *id != 0)
            .collect(),
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

fn probe_helpers(
    prog_types: &[Probed],
    helpers: &[(u32, String)],
    env: ProbeEnv,
) -> Vec<HelperProbes> {
    let probed: Vec<&Probed> = prog_types
        .iter()
        .filter(|p| helper_skip_reason(p).is_none())
        .collect();
    let jobs: Vec<(u32, u32)> = probed
        .iter()
        .flat_map(|p| helpers.iter().map(move |(id, _)| (p.id, *id)))
        .collect();
    let mut verdicts = parallel::run(&jobs, |&(prog, helper), log| {
        probe::probe_helper(prog, helper, env, log)
    })
    .into_iter()
    .map(|v| v.unwrap_or_else(|| Verdict::Unknown("not probed".into())));
    prog_types
        .iter()
        .map(|p| {
            let skipped = helper_skip_reason(p);
            let verdicts = match skipped {
                Some(_) => Vec::new(),
                None => verdicts.by_ref().take(helpers.len()).collect(),
            };
            HelperProbes {
                prog_type: p.name.clone(),
                skipped,
                verdicts,
            }
        })
        .collect()
}

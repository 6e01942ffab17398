//! `compat check --live`: what a kernel's BTF cannot say, the running kernel answers. BTF lists the helpers and
//! types a kernel knows, not which program types may use them (socket filters cannot call bpf_xdp_adjust_head on
//! any kernel, yet every kernel's `enum bpf_func_id` has it), nor which kinds of program it takes (this 6.18 build
//! takes tracing programs attached to BTF tracepoints and refuses those attached to functions). Against the running
//! kernel, each program kind (type, expected attach type, BTF target, flags), map type, and each helper and kfunc a
//! program reaches is probed with the same tiny loads as `feature probe`; answers are cached, so fifty objects
//! calling the same helpers cost one probe each. These are the static reasons; the trial load ([`super::trial`])
//! is the verdict.

use std::collections::HashMap;

use super::kernel::KernelView;
use super::program::{call_key, kind_of, kind_refused};
use super::ObjectVerdict;
use crate::btf::Kind;
use crate::elf::{InsnRef, ObjectFile, Program};
use crate::sys::caps::{self, Capability};
use crate::sys::names;
use crate::sys::probe::{self, LogBuf, ProbeEnv, ProgSpec, Verdict};

/// The load attributes of a program kind: (type, expected attach type, BTF target id, flags).
type SpecKey = (u32, u32, u32, u32);

/// The running kernel, asked lazily.
pub struct LiveKernel {
    env: ProbeEnv,
    log: LogBuf,
    kinds: HashMap<SpecKey, Verdict>,
    map_types: HashMap<u32, Verdict>,
    helpers: HashMap<(SpecKey, u32), Verdict>,
    kfuncs: HashMap<(SpecKey, u32), Verdict>,
}

impl Default for LiveKernel {
    fn default() -> Self {
        Self::new()
    }
}

fn spec_of(key: SpecKey) -> ProgSpec {
    ProgSpec {
        prog_type: key.0,
        expected_attach_type: key.1,
        attach_btf_id: key.2,
        prog_flags: key.3,
        ifindex: 0,
    }
}

impl LiveKernel {
    pub fn new() -> Self {
        LiveKernel {
            env: ProbeEnv {
                privileged: caps::CapSet::effective().is_some_and(|c| c.has(Capability::SysAdmin)),
                ..ProbeEnv::default()
            },
            log: LogBuf::new(),
            kinds: HashMap::new(),
            map_types: HashMap::new(),
            helpers: HashMap::new(),
            kfuncs: HashMap::new(),
        }
    }

    fn kind(&mut self, key: SpecKey) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .kinds
            .entry(key)
            .or_insert_with(|| probe::probe_prog_spec(&spec_of(key), env, log));
        *verdict != Verdict::No
    }

    fn map_type(&mut self, map_type: u32) -> bool {
        let env = self.env;
        let verdict = self
            .map_types
            .entry(map_type)
            .or_insert_with(|| probe::probe_map_type(map_type, env));
        *verdict != Verdict::No
    }

    fn helper(&mut self, key: SpecKey, helper: u32) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .helpers
            .entry((key, helper))
            .or_insert_with(|| probe::probe_helper_in(&spec_of(key), helper, env, log));
        *verdict != Verdict::No
    }

    fn kfunc(&mut self, key: SpecKey, btf_id: u32) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .kfuncs
            .entry((key, btf_id))
            .or_insert_with(|| probe::probe_kfunc_in(&spec_of(key), btf_id, env, log));
        *verdict != Verdict::No
    }

    /// Adds the running kernel's refusals to a verdict reached from its BTF. Only a definite "no" counts: an
    /// inconclusive probe leaves the BTF verdict as it was.
    pub fn refine(&mut self, obj: &ObjectFile, view: &KernelView, verdict: &mut ObjectVerdict) {
        for m in &obj.maps {
            let Some(map_type) = names::value_of(names::map_type, &m.map_type) else {
                continue;
            };
            let flagged = verdict
                .reasons
                .iter()
                .any(|r| r.starts_with(&format!("map {}:", m.name)));
            if !flagged && !self.map_type(map_type) {
                verdict.reasons.push(format!(
                    "map {}: map type {} refused by the running kernel (probed)",
                    m.name, m.map_type
                ));
            }
        }
        for (p, pv) in obj.programs.iter().zip(verdict.programs.iter_mut()) {
            if !p.autoload {
                continue;
            }
            let Some(key) = spec_key(p, view) else {
                continue;
            };
            let mut refused = Vec::new();
            if !self.kind(key) {
                // The table of this very kernel may have said it already: one line per fact.
                let said = kind_refused(p);
                if !pv.reasons.iter().any(|r| r.starts_with(&said)) {
                    refused.push(format!("{said} running kernel (probed)"));
                }
            } else if key.2 != 0 || probe::helpers_probeable(key.0) {
                refused.extend(self.call_refusals(p, key, view, &pv.reached_calls));
            }
            refused.retain(|r| !pv.reasons.contains(r));
            pv.reasons.extend(refused);
        }
    }

    fn call_refusals(
        &mut self,
        p: &Program,
        key: SpecKey,
        view: &KernelView,
        calls: &[InsnRef],
    ) -> Vec<String> {
        let mut refused = Vec::new();
        for call in calls {
            match call {
                InsnRef::Helper(id) if !self.helper(key, *id) => {
                    let name = crate::elf::helpers::HELPER_NAMES
                        .get(*id as usize)
                        .copied()
                        .unwrap_or("?");
                    refused.push(format!(
                        "helper {name} not available to {} programs on the running kernel (probed)",
                        call_key(p)
                    ));
                }
                InsnRef::Kfunc(k) => {
                    let Some(btf_id) = view.find(k, Kind::Func) else {
                        continue;
                    };
                    if !self.kfunc(key, btf_id) {
                        refused.push(format!(
                            "kfunc {k} not callable from {} programs on the running kernel (probed)",
                            call_key(p)
                        ));
                    }
                }
                _ => {}
            }
        }
        refused
    }
}

/// The attributes libbpf loads `p` with, its BTF target looked up in the running kernel's BTF; None for kinds
/// not probed this way (struct_ops and freplace need more than a target id, a missing target is already a reason).
fn spec_key(p: &Program, view: &KernelView) -> Option<SpecKey> {
    let prog_type = names::value_of(names::prog_type, p.prog_type)?;
    let attach = p
        .expected_attach_type
        .and_then(|a| names::value_of(names::attach_type, a))
        .unwrap_or(0);
    let kind = kind_of(p);
    let target = p.attach_target.as_deref().unwrap_or("");
    let btf_id = match p.prog_type {
        "tracing" | "lsm" => {
            let (btf_kind, name) = match kind {
                "tp_btf" => (Kind::Typedef, format!("btf_trace_{target}")),
                "iter" | "iter.s" => (Kind::Func, format!("bpf_iter_{target}")),
                _ if p.prog_type == "lsm" => (Kind::Func, format!("bpf_lsm_{target}")),
                _ => (Kind::Func, target.to_string()),
            };
            view.find(&name, btf_kind)?
        }
        "ext" | "struct_ops" => return None,
        _ => 0,
    };
    let mut flags = 0;
    if p.sleepable {
        flags |= libbpf_sys::BPF_F_SLEEPABLE;
    }
    if kind.starts_with("xdp.frags") {
        flags |= libbpf_sys::BPF_F_XDP_HAS_FRAGS;
    }
    Some((prog_type, attach, btf_id, flags))
}

//! `compat check --live`: what a kernel's BTF cannot say, the running kernel answers. BTF lists the helpers and
//! types a kernel knows, not which program types may use them (socket filters cannot call bpf_xdp_adjust_head on
//! any kernel, yet every kernel's `enum bpf_func_id` has it). Against the running kernel, each program type, map
//! type, helper and kfunc an object uses is probed with the same tiny loads as `feature probe`; answers are cached,
//! so fifty objects calling the same helpers cost one probe each.

use std::collections::HashMap;

use super::ObjectVerdict;
use crate::btf::{Btf, Kind};
use crate::elf::ObjectFile;
use crate::sys::caps::{self, Capability};
use crate::sys::names;
use crate::sys::probe::{self, LogBuf, ProbeEnv, Verdict};

/// The running kernel, asked lazily.
pub struct LiveKernel {
    env: ProbeEnv,
    log: LogBuf,
    helper_ids: HashMap<String, u32>,
    prog_types: HashMap<u32, Verdict>,
    map_types: HashMap<u32, Verdict>,
    /// (program type, helper id)
    helpers: HashMap<(u32, u32), Verdict>,
    /// (program type, kfunc BTF id)
    kfuncs: HashMap<(u32, u32), Verdict>,
}

impl Default for LiveKernel {
    fn default() -> Self {
        Self::new()
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
            helper_ids: names::builtin_helpers()
                .into_iter()
                .map(|(id, name)| (name, id))
                .collect(),
            prog_types: HashMap::new(),
            map_types: HashMap::new(),
            helpers: HashMap::new(),
            kfuncs: HashMap::new(),
        }
    }

    fn prog_type(&mut self, prog_type: u32) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .prog_types
            .entry(prog_type)
            .or_insert_with(|| probe::probe_prog_type(prog_type, env, log));
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

    fn helper(&mut self, prog_type: u32, helper: u32) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .helpers
            .entry((prog_type, helper))
            .or_insert_with(|| probe::probe_helper(prog_type, helper, env, log));
        *verdict != Verdict::No
    }

    fn kfunc(&mut self, prog_type: u32, btf_id: u32) -> bool {
        let (env, log) = (self.env, &mut self.log);
        let verdict = self
            .kfuncs
            .entry((prog_type, btf_id))
            .or_insert_with(|| probe::probe_kfunc(prog_type, btf_id, env, log));
        *verdict != Verdict::No
    }

    /// Adds the running kernel's refusals to a verdict reached from its BTF (`btf`). Only a definite "no" counts:
    /// an inconclusive probe leaves the BTF verdict as it was.
    pub fn refine(&mut self, obj: &ObjectFile, btf: &Btf, verdict: &mut ObjectVerdict) {
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
                verdict.compatible = false;
            }
        }
        for (p, pv) in obj.programs.iter().zip(verdict.programs.iter_mut()) {
            let Some(prog_type) = names::value_of(names::prog_type, p.prog_type) else {
                continue;
            };
            let mut refused = Vec::new();
            if !self.prog_type(prog_type) {
                refused.push(format!(
                    "program type {} refused by the running kernel (probed)",
                    p.prog_type
                ));
            } else if probe::helpers_probeable(prog_type) {
                for h in &p.helpers {
                    let Some(&id) = self.helper_ids.get(h) else {
                        continue;
                    };
                    if !self.helper(prog_type, id) {
                        refused.push(format!(
                            "helper {h} not available to {} programs on the running kernel (probed)",
                            p.prog_type
                        ));
                    }
                }
                for k in &p.kfuncs {
                    let Some(btf_id) = btf.find_by_name(k, Kind::Func) else {
                        continue;
                    };
                    if !self.kfunc(prog_type, btf_id) {
                        refused.push(format!(
                            "kfunc {k} not callable from {} programs on the running kernel (probed)",
                            p.prog_type
                        ));
                    }
                }
            }
            refused.retain(|r| !pv.reasons.contains(r));
            if !refused.is_empty() {
                pv.reasons.extend(refused);
                pv.compatible = false;
                verdict.compatible = false;
            }
        }
    }
}

//! CO-RE relocations of one object against one target BTF, decided by libbpf's own relocation code
//! ([`crate::sys::relo_core`]): candidate search, spec matching, value calculation and instruction patching are
//! exactly what `bpf_object__load` runs. On top of libbpf's answer this module only names the outcome; whether a
//! poisoned instruction is reachable is decided by the caller (see `mark_guarded` in the parent module).

use std::ffi::CString;

use serde::Serialize;

use crate::btf::Btf;
use crate::elf::CoreRelo;
use crate::sys::libbpf_log;
use crate::sys::relo_core::{self, LibbpfBtf, Patched, Relocator};

pub use relo_core::TargetSpec;

/// What a relocation becomes on the target kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Resolved to `value`.
    Resolved,
    /// An existence check that is false on the target: fine, the program's guard takes the other branch.
    Guarded,
    /// Cannot be satisfied: libbpf poisons the instruction and the verifier rejects it if reachable.
    Poisoned,
    /// Several candidates give different values: libbpf refuses to load.
    Ambiguous,
    /// libbpf refuses the relocation for another reason (bad record, anonymous type, instruction it cannot patch).
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    pub candidates: usize,
    /// libbpf's own words for an ambiguous or failed relocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The matched target type and access path (for `btf minimize`).
    #[serde(skip)]
    pub target: Option<TargetSpec>,
    /// The relocated instruction(s), as libbpf hands them to the kernel.
    #[serde(skip)]
    pub insns: Option<[u64; 2]>,
}

/// A BTF in libbpf's hands: built once per kernel, and once per object for its local BTF.
pub struct CoreBtf(LibbpfBtf);

impl CoreBtf {
    pub fn new(btf: &Btf) -> Result<CoreBtf, String> {
        let base = btf.base().map(CoreBtf::new).transpose()?.map(|b| b.0);
        LibbpfBtf::new(btf.raw_data(), base)
            .map(CoreBtf)
            .map_err(|e| format!("libbpf rejects the BTF: {}", crate::error::errno_text(e)))
    }
}

const FIELD_EXISTS: u32 = 2;
const TYPE_ID_LOCAL: u32 = 6;
const TYPE_EXISTS: u32 = 8;
const ENUMVAL_EXISTS: u32 = 10;
const TYPE_MATCHES: u32 = 12;

/// Resolves every record of one object in .BTF.ext order, as libbpf does (its candidate cache carries over from one
/// record to the next). None for records libbpf skips: those of no program (an eliminated weak subprogram).
pub fn resolve_all(
    local: &CoreBtf,
    relos: &[CoreRelo],
    target: &CoreBtf,
) -> Vec<Option<Resolution>> {
    let mut relocator = Relocator::new(&local.0, &target.0);
    relos
        .iter()
        .enumerate()
        .map(|(idx, r)| {
            let prog = r.program.as_deref()?;
            let prog = CString::new(prog).unwrap_or_default();
            Some(resolve_one(&mut relocator, &prog, r, idx))
        })
        .collect()
}

fn resolve_one(relocator: &mut Relocator, prog: &CString, r: &CoreRelo, idx: usize) -> Resolution {
    let relo = relo_core::CoreRelo {
        insn_off: r.raw.insn_off,
        type_id: r.type_id,
        access_str_off: r.raw.access_str_off,
        kind: r.raw.kind,
    };
    let failed = |errno: i32, candidates: usize| {
        // libbpf explains itself through its print callback; its last warning is the reason.
        let why = libbpf_log::take()
            .pop()
            .unwrap_or_else(|| crate::error::errno_text(errno));
        Resolution {
            outcome: if why.contains("ambiguity") {
                Outcome::Ambiguous
            } else {
                Outcome::Failed
            },
            value: None,
            candidates,
            error: Some(why),
            target: None,
            insns: None,
        }
    };
    libbpf_log::take();
    let calc = match relocator.calculate(prog, &relo, idx) {
        Ok(c) => c,
        Err(e) => return failed(e, 0),
    };
    let patched = match relocator.patch(prog, r.raw.insns, &relo, idx, &calc) {
        Ok(p) => p,
        Err(e) => return failed(e, calc.candidates),
    };
    let exists_kind = matches!(
        relo.kind,
        FIELD_EXISTS | TYPE_EXISTS | ENUMVAL_EXISTS | TYPE_MATCHES
    );
    let (outcome, value, insns) = match patched {
        Patched::Poisoned => (Outcome::Poisoned, None, None),
        Patched::Insn(i) if exists_kind && calc.new_val == 0 => {
            (Outcome::Guarded, Some(0), Some(i))
        }
        Patched::Insn(i) => (Outcome::Resolved, Some(calc.new_val), Some(i)),
    };
    Resolution {
        outcome,
        value,
        candidates: if relo.kind == TYPE_ID_LOCAL {
            0
        } else {
            calc.candidates
        },
        error: None,
        target: calc.target,
        insns,
    }
}

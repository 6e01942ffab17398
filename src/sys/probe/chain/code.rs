//! Instructions being built for a chain, counted as the verifier counts them.

use libbpf_sys::bpf_insn;

use crate::sys::probe::insn;

/// The frame pointer: stack addresses are offsets from it.
pub(super) const FP: u8 = 10;

/// Instructions being built, with the verifier's count of them (a 16-byte load is one) and the jumps whose
/// target is the end of the chain.
#[derive(Default)]
pub(super) struct Code {
    pub(super) insns: Vec<bpf_insn>,
    pub(super) count: u32,
    pub(super) to_end: Vec<usize>,
}

impl Code {
    pub(super) fn push(&mut self, insn: bpf_insn) {
        if !insn::is_wide_second_half(&insn) {
            self.count += 1;
        }
        self.insns.push(insn);
    }

    pub(super) fn extend(&mut self, insns: impl IntoIterator<Item = bpf_insn>) {
        for insn in insns {
            self.push(insn);
        }
    }

    /// `reg = fp + at`.
    pub(super) fn stack(&mut self, reg: u8, at: i16) {
        self.extend([insn::mov64_reg(reg, FP), insn::add64_imm(reg, at.into())]);
    }

    /// `if reg == 0 goto end`, the offset set when the end is known.
    pub(super) fn if_null_to_end(&mut self, reg: u8) {
        self.to_end.push(self.insns.len());
        self.push(insn::jeq_imm(reg, 0, 0));
    }
}

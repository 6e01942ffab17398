//! A BPF instruction disassembler printing the kernel verifier's notation (the one bpftool's `prog dump
//! xlated` shows): `(b7) r0 = 0`, `if r1 > r2 goto pc+3`, `lock *(u64 *)(r1 +0) += r2`. Calls and 64-bit
//! immediates are named by the caller, who knows kallsyms and the program's maps. `cfg` cuts a program into
//! basic blocks for `visual`; `jit` disassembles the machine code of JIT images.

pub mod cfg;
pub mod jit;
mod ops;

pub use ops::Insn;

/// What the instruction stream alone cannot say: names for call targets and 64-bit immediates.
pub trait Namer {
    /// The text after `call ` for a call instruction.
    fn call(&self, insn: &Insn) -> String;
    /// The right-hand side of `rN = ...` for an ld_imm64 pair.
    fn imm64(&self, insn: &Insn, next: &Insn) -> String;
}

/// Decodes little-endian 8-byte instructions; a trailing partial instruction is dropped.
pub fn decode(bytes: &[u8]) -> Vec<Insn> {
    bytes.chunks_exact(8).map(Insn::from_bytes).collect()
}

/// Whether this instruction takes two slots (ld_imm64).
pub fn is_double(insn: &Insn) -> bool {
    insn.code == 0x18
}

/// One instruction (with `next` for ld_imm64) as `(code) text`.
pub fn format(insn: &Insn, next: Option<&Insn>, namer: &dyn Namer) -> String {
    format!("({:02x}) {}", insn.code, ops::text(insn, next, namer))
}

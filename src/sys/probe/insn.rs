//! Encoding of the few eBPF instructions the probes need (linux/bpf.h, linux/bpf_common.h).

use libbpf_sys::bpf_insn;

const BPF_LD: u8 = 0x00;
const BPF_ST: u8 = 0x02;
const BPF_JMP: u8 = 0x05;
const BPF_JMP32: u8 = 0x06;
const BPF_ALU64: u8 = 0x07;
const BPF_K: u8 = 0x00;
const BPF_X: u8 = 0x08;
const BPF_MOV: u8 = 0xb0;
const BPF_ADD: u8 = 0x00;
const BPF_IMM: u8 = 0x00;
const BPF_MEM: u8 = 0x60;
const BPF_DW: u8 = 0x18;
const BPF_SUB: u8 = 0x10;
const BPF_JA: u8 = 0x00;
const BPF_JEQ: u8 = 0x10;
const BPF_JNE: u8 = 0x50;
const BPF_JLT: u8 = 0xa0;
const BPF_CALL: u8 = 0x80;
const BPF_EXIT: u8 = 0x90;
/// src_reg of a 16-byte immediate load whose imm is a map fd.
const BPF_PSEUDO_MAP_FD: u8 = 1;
/// src_reg of a 16-byte load of the address of a map's value (fd in the first imm, offset in the second).
const BPF_PSEUDO_MAP_VALUE: u8 = 2;
/// src_reg of a call instruction whose imm is a kernel BTF id (a kfunc) rather than a helper id.
const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

pub const R0: u8 = 0;
/// Callee-saved, and never written before the probes read it: reading it is a verifier error.
pub const R6: u8 = 6;

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> bpf_insn {
    let mut insn = bpf_insn {
        code,
        off,
        imm,
        ..Default::default()
    };
    insn.set_dst_reg(dst);
    insn.set_src_reg(src);
    insn
}

pub fn mov64_imm(dst: u8, imm: i32) -> bpf_insn {
    insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
}

pub fn mov64_reg(dst: u8, src: u8) -> bpf_insn {
    insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
}

pub fn add64_imm(dst: u8, imm: i32) -> bpf_insn {
    insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
}

/// `*(u64 *)(dst + off) = imm`.
pub fn st_dw_imm(dst: u8, off: i16, imm: i32) -> bpf_insn {
    insn(BPF_ST | BPF_MEM | BPF_DW, dst, 0, off, imm)
}

/// `dst = map` by fd: the 16-byte immediate load, two instruction slots.
pub fn ld_map_fd(dst: u8, fd: i32) -> [bpf_insn; 2] {
    [
        insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd),
        insn(0, 0, 0, 0, 0),
    ]
}

/// `dst = &value[off]` of the array map with this fd (its only element).
pub fn ld_map_value(dst: u8, fd: i32, off: i32) -> [bpf_insn; 2] {
    [
        insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_VALUE, 0, fd),
        insn(0, 0, 0, 0, off),
    ]
}

/// The second slot of a 16-byte load (opcode 0, which no instruction has): the verifier counts the pair as one.
pub fn is_wide_second_half(insn: &bpf_insn) -> bool {
    insn.code == 0
}

pub fn sub64_imm(dst: u8, imm: i32) -> bpf_insn {
    insn(BPF_ALU64 | BPF_SUB | BPF_K, dst, 0, 0, imm)
}

pub fn jne_imm(dst: u8, imm: i32, off: i16) -> bpf_insn {
    insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
}

/// `if dst < imm goto +off` (unsigned): the v2 ISA extension.
pub fn jlt_imm(dst: u8, imm: i32, off: i16) -> bpf_insn {
    insn(BPF_JMP | BPF_JLT | BPF_K, dst, 0, off, imm)
}

/// The 32-bit `if w(dst) < imm goto +off`: the v3 ISA extension.
pub fn jlt32_imm(dst: u8, imm: i32, off: i16) -> bpf_insn {
    insn(BPF_JMP32 | BPF_JLT | BPF_K, dst, 0, off, imm)
}

pub fn jeq_imm(dst: u8, imm: i32, off: i16) -> bpf_insn {
    insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
}

pub fn jeq32_imm(dst: u8, imm: i32, off: i16) -> bpf_insn {
    insn(BPF_JMP32 | BPF_JEQ | BPF_K, dst, 0, off, imm)
}

/// `gotol +imm`, the jump with a 32-bit offset in imm: the v4 ISA extension.
pub fn gotol(imm: i32) -> bpf_insn {
    insn(BPF_JMP32 | BPF_JA, 0, 0, 0, imm)
}

pub fn call_helper(id: u32) -> bpf_insn {
    insn(BPF_JMP | BPF_CALL, 0, 0, 0, id as i32)
}

/// A call of the vmlinux kfunc with BTF id `btf_id` (off 0: vmlinux, not a module).
pub fn call_kfunc(btf_id: u32) -> bpf_insn {
    insn(
        BPF_JMP | BPF_CALL,
        0,
        BPF_PSEUDO_KFUNC_CALL,
        0,
        btf_id as i32,
    )
}

pub fn exit() -> bpf_insn {
    insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_uapi_macros() {
        let call = call_kfunc(77);
        assert_eq!(
            (call.code, call.src_reg(), call.dst_reg(), call.imm),
            (0x85, 2, 0, 77)
        );
        let mov = mov64_imm(R0, 10);
        assert_eq!((mov.code, mov.dst_reg(), mov.imm), (0xb7, 0, 10));
        assert_eq!(exit().code, 0x95);
        assert_eq!(gotol(1).code, 0x06);
        let [ld, second] = ld_map_fd(1, 9);
        assert_eq!(
            (ld.code, ld.dst_reg(), ld.src_reg(), ld.imm),
            (0x18, 1, 1, 9)
        );
        assert!(is_wide_second_half(&second) && !is_wide_second_half(&ld));
        let st = st_dw_imm(10, -8, 0);
        assert_eq!((st.code, st.dst_reg(), st.off), (0x7a, 10, -8));
        assert_eq!(add64_imm(3, -64).code, 0x07);
    }
}

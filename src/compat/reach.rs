//! Which instructions of one BPF function the verifier can reach once libbpf has patched its CO-RE relocations.
//!
//! An existence check (`bpf_core_field_exists` and friends) becomes a constant load that a conditional jump tests;
//! the verifier tracks that constant and never walks the branch it rules out, so a poisoned instruction there is
//! harmless (the `if (exists(new)) read(new) else read(old)` idiom poisons one side on every kernel). This is the
//! same pruning on a small scale: registers hold known constants (immediate moves and loads, including the
//! relocated ones, simple arithmetic on them, and loads from read-only global data and kconfig values, which libbpf
//! freezes so the verifier sees them as constants too) until something else writes them; a jump whose outcome they
//! decide follows one side only. Anything not understood follows every side, so the answer errs towards
//! "reachable".

use std::collections::HashSet;

const MAX_STATES: usize = 1 << 16;

/// What the walk knows about a register: nothing, a constant, or a pointer into read-only memory whose bytes are
/// known (global data libbpf freezes, a kconfig value libbpf fills in), as (memory index, byte offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Val {
    Unknown,
    Const(u64),
    Ptr(usize, i64),
    /// The program's context (r1 at entry) plus an offset.
    Ctx(i64),
}

type Regs = [Val; 11];

/// What a relocated `ld_imm64` loads, as far as the walk can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imm64 {
    /// A pointer into `KnownMemory::mem[index]` at a byte offset.
    Ptr(usize, i64),
    /// A value libbpf writes (0 for an unresolved weak extern).
    Const(u64),
    /// A map, writable data, a resolved kernel symbol: not a constant the walk can use.
    Unknown,
}

/// Read-only memory the program can load constants from (`None`: bytes unknown), and what each relocated
/// `ld_imm64` (by instruction index) loads. An `ld_imm64` without an entry is a plain constant.
#[derive(Default)]
pub struct KnownMemory {
    pub mem: Vec<Option<Vec<u8>>>,
    pub imm64: std::collections::HashMap<usize, Imm64>,
}

struct Insn {
    code: u8,
    dst: usize,
    src: usize,
    off: i16,
    imm: i32,
}

fn decode(word: u64) -> Insn {
    let b = word.to_le_bytes();
    Insn {
        code: b[0],
        dst: (b[1] & 0x0f) as usize,
        src: (b[1] >> 4) as usize,
        off: i16::from_le_bytes([b[2], b[3]]),
        imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
    }
}

/// What a walk found: the reachable instructions, and the context loads among them as (byte offset, size).
#[derive(Debug, Default)]
pub struct Walk {
    pub reached: HashSet<usize>,
    pub ctx_loads: HashSet<(i64, usize)>,
    /// BPF-to-BPF calls that pass the context (plus an offset) as the callee's r1: (call index, offset).
    pub ctx_calls: HashSet<(usize, i64)>,
}

/// Instruction indexes reachable from index 0 of `code` (little-endian instruction words, relocations applied),
/// with loads from `known` read-only memory as constants, or None when the walk is too large to finish.
pub fn reachable_with(code: &[u64], known: &KnownMemory) -> Option<Walk> {
    let mut seen: HashSet<(usize, Regs)> = HashSet::new();
    let mut walk = Walk::default();
    let mut entry = [Val::Unknown; 11];
    entry[1] = Val::Ctx(0);
    let mut work: Vec<(usize, Regs)> = vec![(0, entry)];
    while let Some((pc, regs)) = work.pop() {
        if pc >= code.len() || !seen.insert((pc, regs)) {
            continue;
        }
        if seen.len() > MAX_STATES {
            return None;
        }
        walk.reached.insert(pc);
        if let Some(load) = ctx_load(code[pc], &regs) {
            walk.ctx_loads.insert(load);
        }
        // BPF_CALL with src BPF_PSEUDO_CALL (1): a subprogram, handed the context.
        let i = decode(code[pc]);
        if let (0x85, 1, Val::Ctx(base)) = (i.code, i.src, get(&regs, 1)) {
            walk.ctx_calls.insert((pc, base));
        }
        for next in step(code, pc, regs, known) {
            work.push(next);
        }
    }
    Some(walk)
}

/// LDX size in bytes from the opcode's size bits (W, H, B, DW).
fn ldx_size(code: u8) -> usize {
    match code & 0x18 {
        0x00 => 4,
        0x08 => 2,
        0x10 => 1,
        _ => 8,
    }
}

/// A load from the context: (offset, size).
fn ctx_load(word: u64, regs: &Regs) -> Option<(i64, usize)> {
    let i = decode(word);
    if i.code & 0x07 != 0x01 || i.code & 0xe0 != 0x60 {
        return None;
    }
    match get(regs, i.src) {
        Val::Ctx(base) => Some((base + i.off as i64, ldx_size(i.code))),
        _ => None,
    }
}

fn set(mut regs: Regs, r: usize, v: Val) -> Regs {
    if let Some(slot) = regs.get_mut(r) {
        *slot = v;
    }
    regs
}

fn get(regs: &Regs, r: usize) -> Val {
    regs.get(r).copied().unwrap_or(Val::Unknown)
}

fn konst(regs: &Regs, r: usize) -> Option<u64> {
    match get(regs, r) {
        Val::Const(v) => Some(v),
        _ => None,
    }
}

/// A `size`-byte little-endian load at `off` of known memory `m`.
fn load(known: &KnownMemory, m: usize, off: i64, size: usize) -> Val {
    let bytes = known.mem.get(m).and_then(|b| b.as_deref());
    let Some(slice) = usize::try_from(off)
        .ok()
        .and_then(|o| bytes?.get(o..o.checked_add(size)?))
    else {
        return Val::Unknown;
    };
    let mut word = [0u8; 8];
    word[..size].copy_from_slice(slice);
    Val::Const(u64::from_le_bytes(word))
}

/// The successors of instruction `pc` with the registers after it.
fn step(code: &[u64], pc: usize, regs: Regs, known: &KnownMemory) -> Vec<(usize, Regs)> {
    let i = decode(code[pc]);
    let class = i.code & 0x07;
    let jump = |off: i64| -> Option<usize> { usize::try_from(pc as i64 + 1 + off).ok() };
    match class {
        // BPF_LD: the 16-byte immediate load is a known pointer (global data, an extern) or, plain, a constant.
        0x00 if i.code == 0x18 => {
            let hi = code.get(pc + 1).map_or(0, |w| decode(*w).imm as u32 as u64);
            let v = match known.imm64.get(&pc) {
                Some(&Imm64::Ptr(m, off)) => Val::Ptr(m, off),
                Some(&Imm64::Const(c)) => Val::Const(c),
                Some(Imm64::Unknown) => Val::Unknown,
                None if i.src == 0 => Val::Const((i.imm as u32 as u64) | (hi << 32)),
                None => Val::Unknown,
            };
            vec![(pc + 2, set(regs, i.dst, v))]
        }
        // The legacy packet loads write r0.
        0x00 => vec![(pc + 1, set(regs, 0, Val::Unknown))],
        // LDX from known memory (BPF_MEM, sizes 4, 2, 1, 8) is a constant.
        0x01 => {
            let size = ldx_size(i.code);
            let v = match (i.code & 0xe0, get(&regs, i.src)) {
                (0x60, Val::Ptr(m, off)) => load(known, m, off + i.off as i64, size),
                _ => Val::Unknown,
            };
            vec![(pc + 1, set(regs, i.dst, v))]
        }
        0x02 => vec![(pc + 1, regs)],
        // STX: atomics with a fetch write the source register or r0.
        0x03 => vec![(pc + 1, set(set(regs, i.src, Val::Unknown), 0, Val::Unknown))],
        0x04 | 0x07 => vec![(pc + 1, set(regs, i.dst, alu(&i, &regs, class == 0x07)))],
        _ => jump_step(&i, class == 0x06, &regs, pc, jump),
    }
}

/// The destination register after an ALU instruction, where its operands are known.
fn alu(i: &Insn, regs: &Regs, wide: bool) -> Val {
    let op = i.code & 0xf0;
    let rhs = if i.code & 0x08 == 0 {
        Val::Const(if wide {
            i.imm as i64 as u64
        } else {
            i.imm as u32 as u64
        })
    } else {
        get(regs, i.src)
    };
    let dst = get(regs, i.dst);
    // Only plain ALU (off 0): sign-extending moves and signed division use the offset field.
    if i.off != 0 {
        return Val::Unknown;
    }
    let v = match (op, dst, rhs) {
        (0xb0, _, v) => return if wide { v } else { truncate(v) },
        (0x00, Val::Ptr(m, off), Val::Const(b)) if wide => return Val::Ptr(m, off + b as i64),
        (0x10, Val::Ptr(m, off), Val::Const(b)) if wide => return Val::Ptr(m, off - b as i64),
        (0x00, Val::Ctx(off), Val::Const(b)) if wide => return Val::Ctx(off + b as i64),
        (_, Val::Const(a), Val::Const(b)) => match op {
            0x00 => a.wrapping_add(b),
            0x10 => a.wrapping_sub(b),
            0x20 => a.wrapping_mul(b),
            // BPF: division by zero gives 0, modulo by zero leaves the dividend.
            0x30 => a.checked_div(b).unwrap_or(0),
            0x90 => a.checked_rem(b).unwrap_or(a),
            0x40 => a | b,
            0x50 => a & b,
            0x60 => a.checked_shl(b as u32).unwrap_or(0),
            0x70 => a.checked_shr(b as u32).unwrap_or(0),
            0x80 => a.wrapping_neg(),
            0xa0 => a ^ b,
            0xc0 if wide => ((a as i64) >> (b & 63)) as u64,
            0xc0 => ((a as u32 as i32) >> (b & 31)) as u32 as u64,
            _ => return Val::Unknown,
        },
        _ => return Val::Unknown,
    };
    if wide {
        Val::Const(v)
    } else {
        Val::Const(v as u32 as u64)
    }
}

fn truncate(v: Val) -> Val {
    match v {
        Val::Const(c) => Val::Const(c as u32 as u64),
        _ => Val::Unknown,
    }
}

fn jump_step(
    i: &Insn,
    jmp32: bool,
    regs: &Regs,
    pc: usize,
    jump: impl Fn(i64) -> Option<usize>,
) -> Vec<(usize, Regs)> {
    let op = i.code & 0xf0;
    let fall = (pc + 1, *regs);
    match op {
        0x00 => {
            let off = if jmp32 { i.imm as i64 } else { i.off as i64 };
            jump(off).map(|t| vec![(t, *regs)]).unwrap_or_default()
        }
        0x80 => {
            let mut r = *regs;
            for slot in r.iter_mut().take(6) {
                *slot = Val::Unknown;
            }
            vec![(pc + 1, r)]
        }
        0x90 => Vec::new(),
        _ => {
            let taken = jump(i.off as i64).map(|t| (t, *regs));
            let rhs = if i.code & 0x08 == 0 {
                Some(i.imm as i64 as u64)
            } else {
                konst(regs, i.src)
            };
            let decided = match (konst(regs, i.dst), rhs) {
                (Some(a), Some(b)) => compare(op, a, b, jmp32),
                _ => None,
            };
            match decided {
                Some(true) => taken.into_iter().collect(),
                Some(false) => vec![fall],
                None => taken.into_iter().chain([fall]).collect(),
            }
        }
    }
}

/// The outcome of conditional jump `op` on known operands; None for an operation this does not model.
fn compare(op: u8, a: u64, b: u64, jmp32: bool) -> Option<bool> {
    let (a, b) = if jmp32 {
        (a as u32 as u64, b as u32 as u64)
    } else {
        (a, b)
    };
    let (sa, sb) = if jmp32 {
        (a as u32 as i32 as i64, b as u32 as i32 as i64)
    } else {
        (a as i64, b as i64)
    };
    Some(match op {
        0x10 => a == b,
        0x20 => a > b,
        0x30 => a >= b,
        0x40 => a & b != 0,
        0x50 => a != b,
        0x60 => sa > sb,
        0x70 => sa >= sb,
        0xa0 => a < b,
        0xb0 => a <= b,
        0xc0 => sa < sb,
        0xd0 => sa <= sb,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{reachable_with, KnownMemory};

    fn reachable(code: &[u64]) -> Option<std::collections::HashSet<usize>> {
        reachable_with(code, &KnownMemory::default()).map(|w| w.reached)
    }

    fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> u64 {
        let mut b = [0u8; 8];
        b[0] = code;
        b[1] = dst | (src << 4);
        b[2..4].copy_from_slice(&off.to_le_bytes());
        b[4..8].copy_from_slice(&imm.to_le_bytes());
        u64::from_le_bytes(b)
    }

    #[test]
    fn a_known_constant_prunes_the_branch_it_rules_out() {
        // r1 = 1; if r1 == 0 goto +2; r0 = 0; exit; r0 = 1 (dead); exit (dead)
        let code = [
            insn(0xb7, 1, 0, 0, 1),
            insn(0x15, 1, 0, 2, 0),
            insn(0xb7, 0, 0, 0, 0),
            insn(0x95, 0, 0, 0, 0),
            insn(0xb7, 0, 0, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let r = reachable(&code).unwrap();
        assert!(r.contains(&2) && !r.contains(&4) && !r.contains(&5));
    }

    #[test]
    fn sign_extension_keeps_a_constant() {
        // r2 = 0x50b00; r2 <<= 32; r2 s>>= 32; if r2 s> 0x50aff goto +1; r0 = 1 (dead); exit
        let code = [
            insn(0xb7, 2, 0, 0, 0x50b00),
            insn(0x67, 2, 0, 0, 32),
            insn(0xc7, 2, 0, 0, 32),
            insn(0x65, 2, 0, 1, 0x50aff),
            insn(0xb7, 0, 0, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let r = reachable(&code).unwrap();
        assert!(!r.contains(&4) && r.contains(&5));
    }

    #[test]
    fn an_unknown_register_follows_both_sides() {
        // r1 = *(r1 + 0); if r1 == 0 goto +1; r0 = 0; exit
        let code = [
            insn(0x79, 1, 1, 0, 0),
            insn(0x15, 1, 0, 1, 0),
            insn(0xb7, 0, 0, 0, 0),
            insn(0x95, 0, 0, 0, 0),
        ];
        assert_eq!(reachable(&code).unwrap().len(), 4);
    }
}

//! Which instructions of one BPF function the verifier can reach once libbpf has patched its CO-RE relocations.
//!
//! An existence check (`bpf_core_field_exists` and friends) becomes a constant load that a conditional jump tests;
//! the verifier tracks that constant and never walks the branch it rules out, so a poisoned instruction there is
//! harmless (the `if (exists(new)) read(new) else read(old)` idiom poisons one side on every kernel). This is the
//! same pruning on a small scale: registers hold known constants (immediate moves and loads, including the
//! relocated ones) until something else writes them; a jump whose outcome they decide follows one side only.
//! Anything not understood follows every side, so the answer errs towards "reachable".

use std::collections::HashSet;

const MAX_STATES: usize = 1 << 16;

type Regs = [Option<u64>; 11];

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

/// Instruction indexes reachable from index 0 of `code` (little-endian instruction words, relocations applied), or
/// None when the walk is too large to finish.
pub fn reachable(code: &[u64]) -> Option<HashSet<usize>> {
    let mut seen: HashSet<(usize, Regs)> = HashSet::new();
    let mut reached = HashSet::new();
    let mut work: Vec<(usize, Regs)> = vec![(0, [None; 11])];
    while let Some((pc, regs)) = work.pop() {
        if pc >= code.len() || !seen.insert((pc, regs)) {
            continue;
        }
        if seen.len() > MAX_STATES {
            return None;
        }
        reached.insert(pc);
        for next in step(code, pc, regs) {
            work.push(next);
        }
    }
    Some(reached)
}

fn set(mut regs: Regs, r: usize, v: Option<u64>) -> Regs {
    if let Some(slot) = regs.get_mut(r) {
        *slot = v;
    }
    regs
}

fn get(regs: &Regs, r: usize) -> Option<u64> {
    regs.get(r).copied().flatten()
}

/// The successors of instruction `pc` with the registers after it.
fn step(code: &[u64], pc: usize, regs: Regs) -> Vec<(usize, Regs)> {
    let i = decode(code[pc]);
    let class = i.code & 0x07;
    let op = i.code & 0xf0;
    let is_k = i.code & 0x08 == 0;
    let jump = |off: i64| -> Option<usize> { usize::try_from(pc as i64 + 1 + off).ok() };
    match class {
        // BPF_LD: only the 16-byte immediate load matters; a plain one (src 0) is a known constant.
        0x00 if i.code == 0x18 => {
            let hi = code.get(pc + 1).map_or(0, |w| decode(*w).imm as u32 as u64);
            let v = (i.src == 0).then_some((i.imm as u32 as u64) | (hi << 32));
            vec![(pc + 2, set(regs, i.dst, v))]
        }
        // LDX and the legacy packet loads write a register (the latter r0).
        0x00 => vec![(pc + 1, set(regs, 0, None))],
        0x01 => vec![(pc + 1, set(regs, i.dst, None))],
        0x02 => vec![(pc + 1, regs)],
        // STX: atomics with a fetch write the source register or r0.
        0x03 => vec![(pc + 1, set(set(regs, i.src, None), 0, None))],
        0x04 | 0x07 => {
            let v = if op == 0xb0 && is_k && i.off == 0 {
                Some(if class == 0x07 {
                    i.imm as i64 as u64
                } else {
                    i.imm as u32 as u64
                })
            } else {
                None
            };
            vec![(pc + 1, set(regs, i.dst, v))]
        }
        _ => jump_step(&i, class == 0x06, &regs, pc, jump),
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
                *slot = None;
            }
            vec![(pc + 1, r)]
        }
        0x90 => Vec::new(),
        _ => {
            let taken = jump(i.off as i64).map(|t| (t, *regs));
            let rhs = if i.code & 0x08 == 0 {
                Some(i.imm as i64 as u64)
            } else {
                get(regs, i.src)
            };
            let decided = match (get(regs, i.dst), rhs) {
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
    use super::reachable;

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

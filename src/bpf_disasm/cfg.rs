//! The control-flow graph of a translated program, as bpftool's `visual` draws it: per function an ENTRY block
//! (id 0) and an EXIT block (id 1), basic blocks (ids from 2, in instruction order) cut at every jump target and
//! after every conditional jump, and edges for fall-through and jumps.
//!
//! Where bpftool 7.1 draws something the program cannot do, this graph follows the program:
//! - functions start where the kernel's func_info says (or, without BTF, at bpf-to-bpf call targets, which the
//!   xlated image encodes in `off`: bpftool reads `imm`, the subprogram's index there, and cuts functions at the
//!   wrong instructions);
//! - a block ending in `exit` flows to EXIT, not into the next block;
//! - `gotol` (JMP32|JA) jumps by its `imm`, not its `off`.

use super::{is_double, Insn};

const CLASS_JMP: u8 = 0x05;
const CLASS_JMP32: u8 = 0x06;
const OP_JA: u8 = 0x00;
const OP_CALL: u8 = 0x80;
const OP_EXIT: u8 = 0x90;
const PSEUDO_CALL: u8 = 1;

pub const ENTRY: usize = 0;
pub const EXIT: usize = 1;

/// A basic block: instructions `first..=last` (indices into the program).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: usize,
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub start: usize,
    pub blocks: Vec<Block>,
    /// (from, to) block ids: ENTRY's edge first, then each block's, fall-through before jump.
    pub edges: Vec<(usize, usize)>,
}

fn is_jump(insn: &Insn) -> bool {
    matches!(insn.code & 0x07, CLASS_JMP | CLASS_JMP32)
}

fn op(insn: &Insn) -> u8 {
    insn.code & 0xf0
}

/// Where a jump at `at` lands.
fn target(insn: &Insn, at: usize) -> i64 {
    let by = if insn.code == (CLASS_JMP32 | OP_JA) {
        insn.imm as i64
    } else {
        insn.off as i64
    };
    at as i64 + by + 1
}

/// The graph of `insns`; `func_starts` are the kernel's function starts (func_info), or empty to find them from the
/// bpf-to-bpf calls.
pub fn build(insns: &[Insn], func_starts: &[usize]) -> Vec<Function> {
    let mut starts: Vec<usize> = if func_starts.is_empty() {
        call_targets(insns)
    } else {
        func_starts.to_vec()
    };
    starts.push(0);
    starts.retain(|&s| s < insns.len());
    starts.sort_unstable();
    starts.dedup();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).map_or(insns.len(), |&next| next) - 1;
            function(insns, start, end)
        })
        .collect()
}

fn call_targets(insns: &[Insn]) -> Vec<usize> {
    let mut out = Vec::new();
    for (at, insn) in insns.iter().enumerate() {
        if insn.code == (CLASS_JMP | OP_CALL) && insn.src == PSEUDO_CALL {
            if let Ok(t) = usize::try_from(target(insn, at)) {
                out.push(t);
            }
        }
    }
    out
}

/// The instruction indices that hold an instruction (not the second half of an ld_imm64) in `start..=end`.
fn slots(insns: &[Insn], start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = start;
    while at <= end {
        out.push(at);
        at += if is_double(&insns[at]) { 2 } else { 1 };
    }
    out
}

fn function(insns: &[Insn], start: usize, end: usize) -> Function {
    let slots = slots(insns, start, end);
    let mut heads = vec![start];
    for &at in &slots {
        let insn = &insns[at];
        if !is_jump(insn) || matches!(op(insn), OP_CALL | OP_EXIT) {
            continue;
        }
        let t = target(insn, at);
        if t >= start as i64 && t <= end as i64 {
            heads.push(t as usize);
        }
        if op(insn) != OP_JA && at < end {
            heads.push(at + 1);
        }
    }
    heads.sort_unstable();
    heads.dedup();
    let blocks: Vec<Block> = heads
        .iter()
        .enumerate()
        .map(|(i, &first)| {
            let next = heads.get(i + 1).map_or(end + 1, |&n| n);
            let last = slots
                .iter()
                .rev()
                .find(|&&s| s < next)
                .copied()
                .unwrap_or(first);
            Block {
                id: i + 2,
                first,
                last,
            }
        })
        .collect();
    let edges = edges(insns, &blocks);
    Function {
        start,
        blocks,
        edges,
    }
}

fn edges(insns: &[Insn], blocks: &[Block]) -> Vec<(usize, usize)> {
    let block_at = |at: i64| blocks.iter().find(|b| b.first as i64 == at).map(|b| b.id);
    let mut out = vec![(ENTRY, blocks.first().map_or(EXIT, |b| b.id))];
    for (i, b) in blocks.iter().enumerate() {
        let next = blocks.get(i + 1).map_or(EXIT, |n| n.id);
        let tail = &insns[b.last];
        if !is_jump(tail) || op(tail) == OP_CALL {
            out.push((b.id, next));
        } else if op(tail) == OP_EXIT {
            out.push((b.id, EXIT));
        } else if op(tail) == OP_JA {
            out.extend(block_at(target(tail, b.last)).map(|t| (b.id, t)));
        } else {
            out.push((b.id, next));
            out.extend(block_at(target(tail, b.last)).map(|t| (b.id, t)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insn(code: u8, off: i16, imm: i32, src: u8) -> Insn {
        Insn {
            code,
            dst: 0,
            src,
            off,
            imm,
        }
    }

    const MOV: u8 = 0xb7;
    const JEQ_K: u8 = 0x15;
    const EXIT_INSN: u8 = 0x95;
    const CALL: u8 = 0x85;

    #[test]
    fn blocks_split_at_targets_and_after_conditional_jumps() {
        // 0: if r0 == 0 goto +2; 1: r0 = 1; 2: exit; 3: r0 = 2; 4: exit
        let p = [
            insn(JEQ_K, 2, 0, 0),
            insn(MOV, 0, 1, 0),
            insn(EXIT_INSN, 0, 0, 0),
            insn(MOV, 0, 2, 0),
            insn(EXIT_INSN, 0, 0, 0),
        ];
        let f = &build(&p, &[])[0];
        let spans: Vec<(usize, usize)> = f.blocks.iter().map(|b| (b.first, b.last)).collect();
        assert_eq!(spans, [(0, 0), (1, 2), (3, 4)]);
        // The middle block ends in exit: it goes to EXIT, not into block 4.
        assert_eq!(f.edges, [(0, 2), (2, 3), (2, 4), (3, 1), (4, 1)]);
    }

    #[test]
    fn functions_start_at_call_targets_read_from_off() {
        // 0: call pc+2 (imm is the subprogram index after the JIT); 1: exit; 2: (pad) 3: r0 = 0; 4: exit
        let p = [
            insn(CALL, 2, 1, PSEUDO_CALL),
            insn(EXIT_INSN, 0, 0, 0),
            insn(MOV, 0, 0, 0),
            insn(MOV, 0, 0, 0),
            insn(EXIT_INSN, 0, 0, 0),
        ];
        let starts: Vec<usize> = build(&p, &[]).iter().map(|f| f.start).collect();
        assert_eq!(starts, [0, 3]);
        let starts: Vec<usize> = build(&p, &[0, 2]).iter().map(|f| f.start).collect();
        assert_eq!(starts, [0, 2]);
    }

    #[test]
    fn ld_imm64_second_halves_are_not_instructions() {
        // 0-1: r1 = imm64; 2: exit
        let p = [
            insn(0x18, 0, 1, 0),
            insn(0, 0, 0, 0),
            insn(EXIT_INSN, 0, 0, 0),
        ];
        let f = &build(&p, &[])[0];
        assert_eq!(
            f.blocks,
            [Block {
                id: 2,
                first: 0,
                last: 2
            }]
        );
        assert_eq!(f.edges, [(0, 2), (2, 1)]);
    }

    #[test]
    fn jumps_out_of_range_do_not_panic() {
        let p = [
            insn(JEQ_K, 100, 0, 0),
            insn(0x05, -100, 0, 0),
            insn(0x06, 0, 7, 0),
        ];
        let f = &build(&p, &[])[0];
        // Targets outside the function start no block: the conditional jump's fall-through is the only cut.
        assert_eq!(f.blocks.len(), 2);
        assert!(build(&[], &[]).is_empty());
    }
}

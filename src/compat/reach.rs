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

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

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
    /// Some other pointer the verifier knows is not NULL (a kfunc's or kernel variable's address).
    NonNull,
    /// A scalar known not to be 0 (an untyped kernel symbol's address).
    Nonzero,
    /// The frame pointer (r10) plus a known offset: a stack slot's address.
    Fp(i64),
    /// The frame pointer plus an offset not known here: a store through it may hit any slot.
    FpAny,
}

/// Stack slots remembered at once: a spilled constant the verifier tracks (a flag the compiler keeps on the stack
/// under register pressure, a `volatile` local) is tracked here too.
const STACK_SLOTS: usize = 8;

/// A value stored on the stack: `size` bytes at `off` from the frame pointer (size 0: a free entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Slot {
    off: i64,
    size: usize,
    val: Val,
}

const FREE: Slot = Slot {
    off: 0,
    size: 0,
    val: Val::Unknown,
};

/// The registers and the remembered stack slots at one instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Regs {
    r: [Val; 11],
    stack: [Slot; STACK_SLOTS],
}

impl Regs {
    /// Forgets every slot that `[off, off + size)` overlaps.
    fn clobber(&mut self, off: i64, size: usize) {
        for slot in &mut self.stack {
            if slot.size > 0 && slot.off < off + size as i64 && off < slot.off + slot.size as i64 {
                *slot = FREE;
            }
        }
    }

    /// Forgets every slot that `[off, off + size)` overlaps, then remembers `val` there when it is known.
    fn store(&mut self, off: i64, size: usize, val: Val) {
        self.clobber(off, size);
        let keep = match val {
            Val::Const(_) => true,
            Val::Unknown => false,
            // A pointer (or an address) is only whole in an 8-byte slot.
            _ => size == 8,
        };
        if keep {
            if let Some(free) = self.stack.iter_mut().find(|s| s.size == 0) {
                *free = Slot { off, size, val };
            }
        }
    }

    /// What a `size`-byte load at `off` from the frame pointer reads: a remembered value stored exactly there.
    fn load(&self, off: i64, size: usize) -> Val {
        self.stack
            .iter()
            .find(|s| s.size == size && s.off == off)
            .map_or(Val::Unknown, |s| s.val)
    }
}

/// What a relocated `ld_imm64` loads, as far as the walk can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imm64 {
    /// A pointer into `KnownMemory::mem[index]` at a byte offset.
    Ptr(usize, i64),
    /// A value libbpf writes (0 for an unresolved weak extern).
    Const(u64),
    /// A kernel symbol libbpf resolved: never NULL, so `bpf_ksym_exists()` decides its branches.
    NonNull,
    /// An untyped kernel symbol's address: a scalar, never 0.
    Nonzero,
    /// A map, writable data, a resolved kernel symbol: not a constant the walk can use.
    Unknown,
}

/// Read-only memory the program can load constants from (`None`: bytes unknown), and what each relocated
/// `ld_imm64` (by instruction index) loads. An `ld_imm64` without an entry is a plain constant.
#[derive(Default)]
pub struct KnownMemory {
    pub mem: Vec<Option<Vec<u8>>>,
    pub imm64: HashMap<usize, Imm64>,
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

/// What a caller hands a subprogram in one argument register, as far as the walk knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arg {
    Unknown,
    Const(u64),
    /// The caller's context (at any offset: the callee's context loads are counted from its own r1).
    Ctx,
}

/// r1-r5 at a function's entry.
pub type Args = [Arg; 5];

/// A program's entry, and any function the verifier checks on its own: r1 the context, nothing else known.
pub const ENTRY: Args = [
    Arg::Ctx,
    Arg::Unknown,
    Arg::Unknown,
    Arg::Unknown,
    Arg::Unknown,
];

/// What a walk found: the reachable instructions, and the context loads among them as (byte offset, size).
#[derive(Debug, Default)]
pub struct Walk {
    pub reached: HashSet<usize>,
    pub ctx_loads: HashSet<(i64, usize)>,
    /// BPF-to-BPF calls that pass the context (plus an offset) as the callee's r1: (call index, offset).
    pub ctx_calls: HashSet<(usize, i64)>,
    /// Each reached BPF-to-BPF call (by index) with the arguments it may pass.
    pub calls: HashMap<usize, HashSet<Args>>,
    /// Reached ALU instructions that the verifier refuses because their destination is a pointer (a bitwise
    /// operator, 32-bit arithmetic: `bpf_ksym_exists(a) || x` can compile to `r2 = &a; r2 |= r1`).
    pub pointer_alu: HashSet<usize>,
    /// Reached loads and stores through the context plus a non-zero offset held in the register (`r2 = r1; r2 +=
    /// 44; r1 = *(u32 *)(r2 + 0)`), as (instruction, offset): every verifier refuses them ("dereference of modified
    /// ctx ptr"); the offset must be the instruction's own.
    pub modified_ctx: HashSet<(usize, i64)>,
}

impl Walk {
    /// Adds what another walk of the same function (other arguments) reached.
    pub fn merge(&mut self, other: Walk) {
        self.reached.extend(other.reached);
        self.ctx_loads.extend(other.ctx_loads);
        self.ctx_calls.extend(other.ctx_calls);
        self.pointer_alu.extend(other.pointer_alu);
        self.modified_ctx.extend(other.modified_ctx);
        for (at, args) in other.calls {
            self.calls.entry(at).or_default().extend(args);
        }
    }
}

/// Instruction indexes reachable from index 0 of `code` (little-endian instruction words, relocations applied)
/// entered with `args`, with loads from `known` read-only memory as constants, or None when the walk is too large
/// to finish.
pub fn reachable_with(code: &[u64], known: &KnownMemory, args: &Args) -> Option<Walk> {
    // States met, by fingerprint: a state is ~800 bytes, and keeping and SipHashing whole ones was most of the
    // check of a large program (mimic's XDP program: five walks of 65,536 states, 1 s). Two states sharing a
    // 64-bit fingerprint among at most MAX_STATES are as unlikely as anything here.
    let mut seen: HashSet<u64> = HashSet::new();
    let mut walk = Walk::default();
    let mut entry = Regs {
        r: [Val::Unknown; 11],
        stack: [FREE; STACK_SLOTS],
    };
    entry.r[10] = Val::Fp(0);
    for (slot, arg) in entry.r[1..6].iter_mut().zip(args) {
        *slot = match *arg {
            Arg::Unknown => Val::Unknown,
            Arg::Const(c) => Val::Const(c),
            Arg::Ctx => Val::Ctx(0),
        };
    }
    let mut work: Vec<(usize, Regs)> = vec![(0, entry)];
    while let Some((pc, regs)) = work.pop() {
        if pc >= code.len() || !seen.insert(fingerprint(pc, &regs)) {
            continue;
        }
        if seen.len() > MAX_STATES {
            return None;
        }
        walk.reached.insert(pc);
        if let Some(load) = ctx_load(code[pc], &regs) {
            walk.ctx_loads.insert(load);
        }
        // BPF_CALL with src BPF_PSEUDO_CALL (1): a subprogram, handed the context or constants.
        let i = decode(code[pc]);
        if pointer_alu_refused(&i, &regs) {
            walk.pointer_alu.insert(pc);
        }
        if let Some(off) = modified_ctx_access(&i, &regs) {
            walk.modified_ctx.insert((pc, off));
        }
        if (i.code, i.src) == (0x85, 1) {
            if let Val::Ctx(base) = get(&regs, 1) {
                walk.ctx_calls.insert((pc, base));
            }
            walk.calls.entry(pc).or_default().insert(call_args(&regs));
        }
        for next in step(code, pc, regs, known) {
            work.push(next);
        }
    }
    Some(walk)
}

/// A 64-bit digest of the walk's state at `pc`.
fn fingerprint(pc: usize, regs: &Regs) -> u64 {
    let mut h = StateHasher(0x9e37_79b9_7f4a_7c15);
    pc.hash(&mut h);
    regs.hash(&mut h);
    h.finish()
}

/// A multiply-xorshift mix per word: far cheaper than SipHash on a state's many small fields, and with a finishing
/// avalanche (splitmix64's) good enough for fingerprints of states that differ in a field or two.
struct StateHasher(u64);

impl Hasher for StateHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(i.into());
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(23) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
}

/// An ALU instruction on a pointer that the verifier refuses even for root: with a pointer destination, 64-bit
/// operators other than add, subtract and move, 32-bit ones other than move and subtract; with a pointer source
/// and a scalar destination, anything but add and move (`scalar |= pointer`).
fn pointer_alu_refused(i: &Insn, regs: &Regs) -> bool {
    let class = i.code & 0x07;
    if !matches!(class, 0x04 | 0x07) {
        return false;
    }
    // Not the context: a subprogram walked on its own gets r1 as the context whatever its first parameter is.
    let pointer = |v: Val| matches!(v, Val::Ptr(..) | Val::NonNull | Val::Fp(_) | Val::FpAny);
    let op = i.code & 0xf0;
    if pointer(get(regs, i.dst)) {
        let allowed: &[u8] = if class == 0x07 {
            &[0x00, 0x10, 0xb0]
        } else {
            &[0x10, 0xb0]
        };
        return !allowed.contains(&op);
    }
    let from_register = i.code & 0x08 != 0;
    from_register
        && pointer(get(regs, i.src))
        && get(regs, i.dst) != Val::Unknown
        && !matches!(op, 0x00 | 0xb0)
}

/// The offset held in the base register of a load or store through the context, when it is not 0: LDX (base in
/// src), ST and STX (base in dst), plain or sign-extending or atomic.
fn modified_ctx_access(i: &Insn, regs: &Regs) -> Option<i64> {
    let mode = i.code & 0xe0;
    let base = match i.code & 0x07 {
        0x01 if matches!(mode, 0x60 | 0x80) => i.src,
        0x02 if mode == 0x60 => i.dst,
        0x03 if matches!(mode, 0x60 | 0xc0) => i.dst,
        _ => return None,
    };
    match get(regs, base) {
        Val::Ctx(off) if off != 0 => Some(off),
        _ => None,
    }
}

/// r1-r5 at a call, as the callee sees them (a pointer into the caller's known memory is not the callee's).
fn call_args(regs: &Regs) -> Args {
    let mut args = [Arg::Unknown; 5];
    for (arg, r) in args.iter_mut().zip(1..) {
        *arg = match get(regs, r) {
            Val::Const(c) => Arg::Const(c),
            Val::Ctx(_) => Arg::Ctx,
            _ => Arg::Unknown,
        };
    }
    args
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
    if let Some(slot) = regs.r.get_mut(r) {
        *slot = v;
    }
    regs
}

fn get(regs: &Regs, r: usize) -> Val {
    regs.r.get(r).copied().unwrap_or(Val::Unknown)
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
                Some(Imm64::NonNull) => Val::NonNull,
                Some(Imm64::Nonzero) => Val::Nonzero,
                Some(Imm64::Unknown) => Val::Unknown,
                None if i.src == 0 => Val::Const((i.imm as u32 as u64) | (hi << 32)),
                None => Val::Unknown,
            };
            vec![(pc + 2, set(regs, i.dst, v))]
        }
        // The legacy packet loads write r0.
        0x00 => vec![(pc + 1, set(regs, 0, Val::Unknown))],
        // LDX from known memory (BPF_MEM, sizes 4, 2, 1, 8) is a constant, from a remembered stack slot its value.
        0x01 => {
            let size = ldx_size(i.code);
            let v = match (i.code & 0xe0, get(&regs, i.src)) {
                (0x60, Val::Ptr(m, off)) => load(known, m, off + i.off as i64, size),
                (0x60, Val::Fp(off)) => match regs.load(off + i.off as i64, size) {
                    Val::Const(c) if size < 8 => Val::Const(c & ((1u64 << (size * 8)) - 1)),
                    v => v,
                },
                _ => Val::Unknown,
            };
            vec![(pc + 1, set(regs, i.dst, v))]
        }
        // ST (an immediate) and STX (a register); atomics with a fetch also write the source register or r0.
        0x02 | 0x03 => {
            let size = ldx_size(i.code);
            let mut regs = regs;
            let val = match (class, i.code & 0xe0) {
                (0x02, 0x60) => Val::Const(i.imm as i64 as u64),
                (0x03, 0x60) => get(&regs, i.src),
                _ => {
                    regs = set(set(regs, i.src, Val::Unknown), 0, Val::Unknown);
                    Val::Unknown
                }
            };
            match get(&regs, i.dst) {
                Val::Fp(base) => regs.store(base + i.off as i64, size, val),
                Val::FpAny => regs.stack = [FREE; STACK_SLOTS],
                _ => {}
            }
            vec![(pc + 1, regs)]
        }
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
        (0x00, Val::Fp(off), Val::Const(b)) if wide => return Val::Fp(off + b as i64),
        (0x10, Val::Fp(off), Val::Const(b)) if wide => return Val::Fp(off - b as i64),
        (0x00 | 0x10, Val::Fp(_) | Val::FpAny, _) if wide => return Val::FpAny,
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
            // What a helper, kfunc or subprogram is handed a stack pointer to, it may write: a helper's buffer
            // is followed by its size (probe_read, get_current_comm, ringbuf_output, snprintf), anything else
            // may reach to the top of the frame.
            for k in 1..6 {
                match (regs.r[k], regs.r.get(k + 1)) {
                    (Val::Fp(off), Some(&Val::Const(size))) if i.src == 0 && size > 0 => {
                        r.clobber(off, size.min(512) as usize)
                    }
                    (Val::Fp(off), _) => r.clobber(off, off.unsigned_abs().max(1) as usize),
                    (Val::FpAny, _) => r.stack = [FREE; STACK_SLOTS],
                    _ => {}
                }
            }
            for slot in r.r.iter_mut().take(6) {
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
                // A pointer the verifier knows is not NULL against 0: only (in)equality is decided.
                (None, Some(0)) if !jmp32 && get(regs, i.dst) != Val::Unknown => match op {
                    0x10 => Some(false),
                    0x50 => Some(true),
                    _ => None,
                },
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
    use super::{reachable_with, Arg, Imm64, KnownMemory, ENTRY};

    fn reachable(code: &[u64]) -> Option<std::collections::HashSet<usize>> {
        reachable_with(code, &KnownMemory::default(), &ENTRY).map(|w| w.reached)
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
    fn a_load_through_a_moved_context_pointer_is_found() {
        // bpftune's no-BTF sockops program as clang 19 compiled it: r2 = r1; r2 += 44; r1 = *(u32 *)(r2 + 0), then
        // the same field read the way the verifier takes it: r1 = *(u32 *)(r6 + 44).
        let code = [
            insn(0xbf, 6, 1, 0, 0),
            insn(0xbf, 2, 6, 0, 0),
            insn(0x07, 2, 0, 0, 44),
            insn(0x61, 1, 2, 0, 0),
            insn(0x61, 1, 6, 44, 0),
            insn(0x63, 2, 1, 0, 0),
            insn(0x95, 0, 0, 0, 0),
        ];
        let w = reachable_with(&code, &KnownMemory::default(), &ENTRY).unwrap();
        let mut found: Vec<_> = w.modified_ctx.into_iter().collect();
        found.sort_unstable();
        assert_eq!(found, [(3, 44), (5, 44)]);
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
    fn a_constant_kept_on_the_stack_still_prunes() {
        // r1 = 0; *(u32 *)(r10 - 4) = r1; r1 = r10; r1 += -16; r2 = 8; call 113 (writes fp-16..-8);
        // r1 = *(u32 *)(r10 - 4); if r1 == 0 goto +1; r0 = 1 (dead); exit
        let code = [
            insn(0xb7, 1, 0, 0, 0),
            insn(0x63, 10, 1, -4, 0),
            insn(0xbf, 1, 10, 0, 0),
            insn(0x07, 1, 0, 0, -16),
            insn(0xb7, 2, 0, 0, 8),
            insn(0x85, 0, 0, 0, 113),
            insn(0x61, 1, 10, -4, 0),
            insn(0x15, 1, 0, 1, 0),
            insn(0xb7, 0, 0, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let r = reachable(&code).unwrap();
        assert!(!r.contains(&8) && r.contains(&9), "{r:?}");
        // The helper's buffer covering the flag (size 16 from fp-16) makes it unknown again.
        let mut wide = code;
        wide[4] = insn(0xb7, 2, 0, 0, 16);
        assert!(reachable(&wide).unwrap().contains(&8));
    }

    #[test]
    fn a_resolved_kernel_symbol_is_not_null_and_no_bitwise_operand() {
        // r1 = &kfunc (ld_imm64, resolved); if r1 == 0 goto +1; r0 = 0; r1 |= 1; exit
        let code = [
            insn(0x18, 1, 0, 0, 0),
            0,
            insn(0x15, 1, 0, 1, 0),
            insn(0xb7, 0, 0, 0, 0),
            insn(0x47, 1, 0, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let mut known = KnownMemory::default();
        known.imm64.insert(0, Imm64::NonNull);
        let w = reachable_with(&code, &known, &ENTRY).unwrap();
        assert!(w.reached.contains(&3), "the not-NULL side is taken");
        assert_eq!(w.pointer_alu, [4].into_iter().collect());
        // A known scalar ORed with the pointer is refused too (`exists(missing) || exists(found)`).
        let mut or_into_scalar = code;
        or_into_scalar[4] = insn(0x4f, 2, 1, 0, 0);
        let mut with_zero = vec![insn(0xb7, 2, 0, 0, 0)];
        with_zero.extend(or_into_scalar);
        let mut shifted = KnownMemory::default();
        shifted.imm64.insert(1, Imm64::NonNull);
        let w = reachable_with(&with_zero, &shifted, &ENTRY).unwrap();
        assert_eq!(w.pointer_alu, [5].into_iter().collect());
        // An untyped symbol's address is a scalar: the same test decides, the OR is allowed.
        known.imm64.insert(0, Imm64::Nonzero);
        let w = reachable_with(&code, &known, &ENTRY).unwrap();
        assert!(w.reached.contains(&3) && w.pointer_alu.is_empty());
    }

    #[test]
    fn calls_record_the_constants_they_pass() {
        // r1 = 7; r2 = r10; call pc+1; exit; (callee) r0 = 0; exit
        let code = [
            insn(0xb7, 1, 0, 0, 7),
            insn(0xbf, 2, 10, 0, 0),
            insn(0x85, 0, 1, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let w = reachable_with(&code, &KnownMemory::default(), &ENTRY).unwrap();
        let args: Vec<_> = w.calls[&2].iter().copied().collect();
        assert_eq!(
            args,
            [[
                Arg::Const(7),
                Arg::Unknown,
                Arg::Unknown,
                Arg::Unknown,
                Arg::Unknown
            ]]
        );
        // Entered with r1 = 0, `if r1 == 0` takes its jump.
        let callee = [
            insn(0x15, 1, 0, 1, 0),
            insn(0xb7, 0, 0, 0, 1),
            insn(0x95, 0, 0, 0, 0),
        ];
        let zero = [
            Arg::Const(0),
            Arg::Unknown,
            Arg::Unknown,
            Arg::Unknown,
            Arg::Unknown,
        ];
        let r = reachable_with(&callee, &KnownMemory::default(), &zero).unwrap();
        assert!(!r.reached.contains(&1));
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

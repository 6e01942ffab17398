//! Instruction classes and their text, by the BPF ISA (Documentation/bpf/standardization/instruction-set.rst).

use super::Namer;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    pub fn from_bytes(b: &[u8]) -> Insn {
        Insn {
            code: b[0],
            dst: b[1] & 0x0f,
            src: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }
}

const LDX: u8 = 1;
const ST: u8 = 2;
const STX: u8 = 3;
const ALU: u8 = 4;
const JMP: u8 = 5;
const JMP32: u8 = 6;
const ALU64: u8 = 7;

const SIZES: [&str; 4] = ["u32", "u16", "u8", "u64"];

fn size(code: u8) -> &'static str {
    SIZES[((code >> 3) & 3) as usize]
}

pub fn text(insn: &Insn, next: Option<&Insn>, namer: &dyn Namer) -> String {
    match insn.code & 7 {
        ALU | ALU64 => alu(insn),
        JMP | JMP32 => jump(insn, namer),
        LDX => ldx(insn),
        ST | STX => store(insn),
        _ => ld(insn, next, namer),
    }
}

fn alu(i: &Insn) -> String {
    let wide = i.code & 7 == ALU64;
    let r = if wide { 'r' } else { 'w' };
    let op = i.code >> 4;
    let from_reg = i.code & 8 != 0;
    let (d, s) = (i.dst, i.src);
    match op {
        // BPF_END: byte swaps; ALU64 is the unconditional bswap, ALU to/from big or little endian.
        0xd => {
            let kind = if wide {
                "bswap"
            } else if from_reg {
                "be"
            } else {
                "le"
            };
            format!("r{d} = {kind}{} r{d}", i.imm)
        }
        0x8 => format!("{r}{d} = -{r}{d}"),
        // MOV's offset names variants: sign extension (8/16/32, ISA v4), and two the kernel uses in xlated code,
        // spelled as its verifier log spells them: BPF_MOV64_PERCPU_REG (-1, 6.9) and addr_space_cast (1, arenas).
        0xb if from_reg && matches!(i.off, 8 | 16 | 32) => format!("{r}{d} = (s{}){r}{s}", i.off),
        0xb if from_reg && wide && i.off == -1 => format!("r{d} = &(void __percpu *)(r{s})"),
        0xb if from_reg && wide && i.off == 1 => format!(
            "r{d} = addr_space_cast(r{s}, {}, {})",
            (i.imm as u32) >> 16,
            i.imm as u16
        ),
        _ => {
            let name = match (op, i.off) {
                (0x3, 1) => "s/=",
                (0x9, 1) => "s%=",
                _ => ALU_OPS[op as usize],
            };
            if from_reg {
                format!("{r}{d} {name} {r}{s}")
            } else {
                format!("{r}{d} {name} {}", i.imm)
            }
        }
    }
}

const ALU_OPS: [&str; 16] = [
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian",
    "?", "?",
];

const JMP_OPS: [&str; 16] = [
    "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "?",
    "?",
];

fn jump(i: &Insn, namer: &dyn Namer) -> String {
    let op = i.code >> 4;
    let r = if i.code & 7 == JMP32 { 'w' } else { 'r' };
    match op {
        0x8 => format!("call {}", namer.call(i)),
        0x9 => "exit".to_string(),
        0x0 if i.code & 7 == JMP32 => format!("gotol pc{:+}", i.imm),
        0x0 => format!("goto pc{:+}", i.off),
        0xe => format!("may_goto pc{:+}", i.off),
        _ if i.code & 8 != 0 => format!(
            "if {r}{} {} {r}{} goto pc{:+}",
            i.dst, JMP_OPS[op as usize], i.src, i.off
        ),
        _ => format!(
            "if {r}{} {} 0x{:x} goto pc{:+}",
            i.dst, JMP_OPS[op as usize], i.imm as u32, i.off
        ),
    }
}

fn ldx(i: &Insn) -> String {
    let signed = i.code & 0xe0 == 0x80;
    let sz = size(i.code);
    let sz = if signed {
        sz.replacen('u', "s", 1)
    } else {
        sz.to_string()
    };
    format!("r{} = *({sz} *)(r{} {:+})", i.dst, i.src, i.off)
}

fn store(i: &Insn) -> String {
    let sz = size(i.code);
    let at = format!("({sz} *)(r{} {:+})", i.dst, i.off);
    if i.code & 7 == ST {
        return format!("*{at} = {}", i.imm);
    }
    if i.code & 0xe0 != 0xc0 {
        return format!("*{at} = r{}", i.src);
    }
    atomic(i, &at)
}

/// BPF_ATOMIC: imm holds the operation and the FETCH flag.
fn atomic(i: &Insn, at: &str) -> String {
    let s = i.src;
    let op = match i.imm & !1 {
        0x00 => "add",
        0x50 => "and",
        0x40 => "or",
        0xa0 => "xor",
        0xe0 => return format!("r{s} = atomic{}_xchg({at}, r{s})", bits(i)),
        0xf0 => return format!("r0 = atomic{}_cmpxchg({at}, r0, r{s})", bits(i)),
        _ => return format!("BUG_{:02x}", i.imm),
    };
    if i.imm & 1 != 0 {
        format!("r{s} = atomic{}_fetch_{op}({at}, r{s})", bits(i))
    } else {
        let sym = match op {
            "add" => "+=",
            "and" => "&=",
            "or" => "|=",
            _ => "^=",
        };
        format!("lock *{at} {sym} r{s}")
    }
}

fn bits(i: &Insn) -> &'static str {
    if size(i.code) == "u64" {
        "64"
    } else {
        ""
    }
}

fn ld(i: &Insn, next: Option<&Insn>, namer: &dyn Namer) -> String {
    match (i.code & 0xe0, next) {
        (0x00, Some(n)) if i.code == 0x18 => format!("r{} = {}", i.dst, namer.imm64(i, n)),
        (0x20, _) => format!("r0 = *({} *)skb[{}]", size(i.code), i.imm),
        (0x40, _) => format!("r0 = *({} *)skb[r{} + {}]", size(i.code), i.src, i.imm),
        _ => format!("BUG_ld_{:02x}", i.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    impl Namer for Plain {
        fn call(&self, i: &Insn) -> String {
            format!("#{}", i.imm)
        }
        fn imm64(&self, i: &Insn, n: &Insn) -> String {
            format!("0x{:x}", (n.imm as u32 as u64) << 32 | i.imm as u32 as u64)
        }
    }

    fn show(bytes: [u8; 8]) -> String {
        super::super::format(&Insn::from_bytes(&bytes), None, &Plain)
    }

    #[test]
    fn formats_like_the_verifier_log() {
        assert_eq!(show([0xb7, 0x00, 0, 0, 0, 0, 0, 0]), "(b7) r0 = 0");
        assert_eq!(
            show([0x07, 0x02, 0, 0, 0xf4, 0xff, 0xff, 0xff]),
            "(07) r2 += -12"
        );
        assert_eq!(
            show([0x35, 0x00, 3, 0, 4, 0, 0, 0]),
            "(35) if r0 >= 0x4 goto pc+3"
        );
        assert_eq!(
            show([0x6d, 0x12, 11, 0, 0, 0, 0, 0]),
            "(6d) if r2 s> r1 goto pc+11"
        );
        assert_eq!(
            show([0x7b, 0x3a, 0xf8, 0xff, 0, 0, 0, 0]),
            "(7b) *(u64 *)(r10 -8) = r3"
        );
        assert_eq!(
            show([0x79, 0x12, 8, 0, 0, 0, 0, 0]),
            "(79) r2 = *(u64 *)(r1 +8)"
        );
        assert_eq!(
            show([0xdb, 0x61, 0, 0, 0, 0, 0, 0]),
            "(db) lock *(u64 *)(r1 +0) += r6"
        );
        assert_eq!(show([0xbc, 0x10, 0, 0, 0, 0, 0, 0]), "(bc) w0 = w1");
        assert_eq!(show([0xbf, 0x10, 16, 0, 0, 0, 0, 0]), "(bf) r0 = (s16)r1");
        assert_eq!(
            show([0xbf, 0x00, 0xff, 0xff, 0, 0, 0, 0]),
            "(bf) r0 = &(void __percpu *)(r0)"
        );
        assert_eq!(
            show([0xbf, 0x21, 1, 0, 1, 0, 0, 0]),
            "(bf) r1 = addr_space_cast(r2, 0, 1)"
        );
        assert_eq!(show([0x95, 0, 0, 0, 0, 0, 0, 0]), "(95) exit");
    }

    #[test]
    fn moves_marked_by_off() {
        // What the kernel's verifier prints for the per-CPU address move (map_typed's typed_touch has one).
        assert_eq!(
            show([0xbf, 0x00, 0xff, 0xff, 0, 0, 0, 0]),
            "(bf) r0 = &(void __percpu *)(r0)"
        );
        assert_eq!(
            show([0xbf, 0x21, 1, 0, 1, 0, 0, 0]),
            "(bf) r1 = addr_space_cast(r2, 0, 1)"
        );
        assert_eq!(show([0xbf, 0x21, 8, 0, 0, 0, 0, 0]), "(bf) r1 = (s8)r2");
    }
}

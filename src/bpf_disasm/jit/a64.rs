//! arm64 JIT images through yaxpeax-arm's A64 decoder, with its text brought to what binutils'
//! `objdump -d -maarch64` prints: the mnemonic and a tab, branch and literal targets as absolute addresses,
//! `bti c` for its hint, the system registers the BPF JIT reads by name, and decimal where objdump writes decimal
//! (memory offsets, shift amounts, bit positions). yaxpeax decodes the LSE atomics the arm64 JIT emits (ldadd[al],
//! swp[al], cas[al], st{add,clr,set,eor}) and the pointer-authentication hints of its prologue.

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::InstDecoder;

use super::MachineInsn;

/// Mnemonics whose every immediate objdump prints in decimal (bit positions, widths, shift amounts).
const DECIMAL_IMMEDIATES: &[&str] = &[
    "asr", "bfc", "bfi", "bfm", "bfxil", "extr", "lsl", "lsr", "ror", "sbfiz", "sbfm", "sbfx",
    "tbnz", "tbz", "ubfiz", "ubfm", "ubfx", "udf",
];

/// System registers the arm64 BPF JIT reads (current task, per-CPU offset), by their encoded names.
const SYSTEM_REGISTERS: &[(&str, &str)] = &[
    ("s3_0_c4_c1_0", "sp_el0"),
    ("s3_0_c13_c0_4", "tpidr_el1"),
    ("s3_4_c13_c0_2", "tpidr_el2"),
];

/// Condition codes yaxpeax spells by their unsigned-compare alias; objdump by the carry flag.
const CONDITIONS: &[(&str, &str)] = &[("hs", "cs"), ("lo", "cc")];

/// Decodes `code`, a function loaded at `address` (branch targets are absolute kernel addresses).
pub fn disassemble(code: &[u8], address: u64) -> Vec<MachineInsn> {
    let decoder = InstDecoder::default();
    let mut out = Vec::with_capacity(code.len() / 4);
    for (i, word) in code.chunks(4).enumerate() {
        let offset = i * 4;
        if word.len() < 4 {
            let text = ".inst".to_string();
            out.push(MachineInsn::new(
                offset,
                word.len(),
                text.clone(),
                Vec::new(),
                text,
            ));
            continue;
        }
        let mut reader = U8Reader::new(word);
        let (operation, operands) = match decoder.decode(&mut reader) {
            Ok(insn) => objdump_style(&insn.to_string(), address.wrapping_add(offset as u64)),
            Err(_) => {
                let raw = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
                (".inst".to_string(), vec![format!("0x{raw:08x}")])
            }
        };
        let text = if operands.is_empty() {
            operation.clone()
        } else {
            format!("{operation}\t{}", operands.join(", "))
        };
        out.push(MachineInsn::new(offset, 4, operation, operands, text));
    }
    out
}

/// yaxpeax's `mnemonic op, op, ...` as objdump's mnemonic and operands, for an instruction at `pc`.
fn objdump_style(text: &str, pc: u64) -> (String, Vec<String>) {
    let (mnemonic, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mnemonic = match mnemonic.split_once('.') {
        Some(("b", cond)) => match CONDITIONS.iter().find(|(y, _)| *y == cond) {
            Some((_, objdump)) => format!("b.{objdump}"),
            None => mnemonic.to_string(),
        },
        _ => mnemonic.to_string(),
    };
    let mnemonic = mnemonic.as_str();
    if mnemonic == "hint" {
        if let Some(bti) = bti_name(rest) {
            return (
                bti.0.to_string(),
                bti.1.iter().map(|s| s.to_string()).collect(),
            );
        }
    }
    let mut operands = split_operands(rest);
    let decimal_all = DECIMAL_IMMEDIATES.contains(&mnemonic);
    let mut after_bracket = false;
    for op in operands.iter_mut() {
        if let Some(rel) = op.strip_prefix('$') {
            *op = absolute_target(rel, pc).unwrap_or_else(|| op.clone());
        }
        if let Some((_, name)) = SYSTEM_REGISTERS.iter().find(|(raw, _)| op == raw) {
            *op = name.to_string();
        }
        if let Some((_, cond)) = CONDITIONS.iter().find(|(y, _)| op == y) {
            *op = cond.to_string();
        }
        if decimal_all || op.starts_with('[') || after_bracket {
            *op = decimal_immediates(op);
        }
        after_bracket = op.ends_with(']') || op.ends_with("]!");
    }
    // An extended-register add/sub of a W register into an X register: yaxpeax leaves the (default) extend out.
    if matches!(mnemonic, "add" | "adds" | "sub" | "subs" | "cmp" | "cmn")
        && operands.len() >= 2
        && operands[0].starts_with('x')
        && operands.last().is_some_and(|r| is_w_register(r))
    {
        operands.push("uxtw".to_string());
    }
    (mnemonic.to_string(), operands)
}

/// `hint #0x22` and friends: the BTI landing pads, which objdump names.
fn bti_name(imm: &str) -> Option<(&'static str, &'static [&'static str])> {
    match imm {
        "#0x20" => Some(("bti", &[])),
        "#0x22" => Some(("bti", &["c"])),
        "#0x24" => Some(("bti", &["j"])),
        "#0x26" => Some(("bti", &["jc"])),
        _ => None,
    }
}

fn is_w_register(op: &str) -> bool {
    op == "wzr"
        || op
            .strip_prefix('w')
            .is_some_and(|n| n.parse::<u8>().is_ok())
}

/// Operands split at the commas outside brackets and braces (`[x1, x2, lsl #3]` is one operand).
fn split_operands(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in rest.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(rest[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = rest[start..].trim();
    if !last.is_empty() {
        out.push(last.to_string());
    }
    out
}

/// `+0x28` relative to `pc` as objdump's absolute `0x...`.
fn absolute_target(rel: &str, pc: u64) -> Option<String> {
    let (negative, hex) = match rel.as_bytes().first()? {
        b'+' => (false, &rel[1..]),
        b'-' => (true, &rel[1..]),
        _ => return None,
    };
    let delta = u64::from_str_radix(hex.strip_prefix("0x")?, 16).ok()?;
    let target = if negative {
        pc.wrapping_sub(delta)
    } else {
        pc.wrapping_add(delta)
    };
    Some(format!("0x{target:x}"))
}

/// Every `#0x..` / `#-0x..` in `op` as a decimal `#..`.
fn decimal_immediates(op: &str) -> String {
    let mut out = String::with_capacity(op.len());
    let mut rest = op;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let (sign, body) = match rest.strip_prefix('-') {
            Some(b) => ("-", b),
            None => ("", rest),
        };
        let Some(hex) = body.strip_prefix("0x") else {
            continue;
        };
        let digits = hex.len()
            - hex
                .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                .len();
        match u64::from_str_radix(&hex[..digits], 16) {
            Ok(v) => {
                out.push_str(sign);
                out.push_str(&v.to_string());
                rest = &hex[digits..];
            }
            Err(_) => continue,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn the_jit_prologue_reads_like_objdump() {
        // paciasp; bti c; stp x29, x30, [sp, #-16]!; mov x29, sp; ldadd x1, x2, [x3]; b.eq +0x8; autiasp; ret
        let code = words(&[
            0xd503233f, 0xd503245f, 0xa9bf7bfd, 0x910003fd, 0xf8210062, 0x54000040, 0xd50323bf,
            0xd65f03c0,
        ]);
        let text: Vec<String> = disassemble(&code, 0x1000)
            .into_iter()
            .map(|i| i.text)
            .collect();
        assert_eq!(
            text,
            [
                "paciasp",
                "bti\tc",
                "stp\tx29, x30, [sp, #-16]!",
                "mov\tx29, sp",
                "ldadd\tx1, x2, [x3]",
                "b.eq\t0x101c",
                "autiasp",
                "ret"
            ]
        );
    }

    #[test]
    fn operands_split_outside_brackets() {
        assert_eq!(
            split_operands("x0, [x1, x2, lsl #3]"),
            ["x0", "[x1, x2, lsl #3]"]
        );
        assert_eq!(decimal_immediates("[x2, #-0x100]!"), "[x2, #-256]!");
        assert_eq!(decimal_immediates("#0x3"), "#3");
    }

    #[test]
    fn a_trailing_partial_word_and_garbage_do_not_panic() {
        let insns = disassemble(&[0xff, 0xff, 0xff, 0xff, 0x01], 0);
        assert_eq!(insns[0].text, ".inst\t0xffffffff");
        assert_eq!(insns[1].len, 1);
    }
}

//! x86-64 JIT images through iced-x86's AT&T (GAS) formatter, set up to print what `objdump -d` prints for the
//! same bytes: hex numbers everywhere, explicit `0x0(` displacements and `,1` scales where the encoding has them,
//! branch targets as plain addresses, the mnemonic padded to column 7.

use iced_x86::{Code, Decoder, DecoderOptions, Formatter, GasFormatter, Instruction, Register};

use super::MachineInsn;

/// Two formatters differing in one option: objdump prints the scale of an indexed operand (`(%rax,%rax,1)`) but
/// nothing for a base-only one, while iced's `always_show_scale` would print `(%rax,)` for the latter.
struct Formatters {
    plain: GasFormatter,
    indexed: GasFormatter,
}

impl Formatters {
    fn new() -> Self {
        let mut plain = GasFormatter::new();
        let o = plain.options_mut();
        o.set_uppercase_hex(false);
        o.set_small_hex_numbers_in_decimal(false);
        o.set_show_zero_displacements(true);
        o.set_branch_leading_zeros(false);
        o.set_space_after_operand_separator(false);
        o.set_gas_show_mnemonic_size_suffix(false);
        o.set_first_operand_char_index(7);
        // objdump writes `imul $0x7,%rdi,%rdi` in full where iced would shorten it to `imul $0x7,%rdi`.
        o.set_use_pseudo_ops(false);
        let mut indexed = GasFormatter::new();
        *indexed.options_mut() = plain.options().clone();
        indexed.options_mut().set_always_show_scale(true);
        Formatters { plain, indexed }
    }

    fn pick(&mut self, insn: &Instruction) -> &mut GasFormatter {
        if insn.memory_index() != Register::None {
            &mut self.indexed
        } else {
            &mut self.plain
        }
    }
}

/// Decodes `code`, a function loaded at `address` (branch targets are absolute kernel addresses).
pub fn disassemble(code: &[u8], address: u64) -> Vec<MachineInsn> {
    let mut decoder = Decoder::with_ip(64, code, address, DecoderOptions::NONE);
    let mut formatters = Formatters::new();
    let mut insn = Instruction::default();
    let mut out = Vec::new();
    while decoder.can_decode() {
        let offset = decoder.position();
        decoder.decode_out(&mut insn);
        let len = insn.len().max(1);
        if insn.is_invalid() {
            let bad = || "(bad)".to_string();
            out.push(MachineInsn::new(offset, len, bad(), Vec::new(), bad()));
            if decoder.position() == offset {
                // Never stall on a byte iced refused without consuming it.
                let _ = decoder.set_position(offset + 1);
            }
            continue;
        }
        let bytes = &code[offset..offset + len];
        let (names, stripped) = named_prefixes(bytes);
        let (operation, operands, text) = if names.is_empty() {
            format_insn(formatters.pick(&insn), &insn, &[])
        } else {
            // Decode the instruction again without the prefixes objdump names, so that iced does not fold them
            // into an operand (`%ds:`); at the same end address, so that branch targets stay put.
            let ip = address + (offset + len - stripped.len()) as u64;
            let again = Decoder::with_ip(64, &stripped, ip, DecoderOptions::NONE).decode();
            format_insn(formatters.pick(&again), &again, &names)
        };
        out.push(MachineInsn::new(offset, len, operation, operands, text));
    }
    out
}

/// objdump names the prefixes that do nothing in 64-bit mode before the mnemonic (`ds nopl 0x0(%rax)`,
/// `data16 xchg %ax,%ax` for the kernel's K8 nops): the cs/ds/es/ss overrides and every operand-size prefix but
/// the last. Returns their names, in byte order, and the instruction's bytes without them.
fn named_prefixes(bytes: &[u8]) -> (Vec<&'static str>, Vec<u8>) {
    let legacy = bytes
        .iter()
        .take_while(|b| {
            matches!(
                b,
                0x26 | 0x2e | 0x36 | 0x3e | 0x64 | 0x65 | 0x66 | 0x67 | 0xf0 | 0xf2 | 0xf3
            )
        })
        .count();
    let last_66 = bytes[..legacy].iter().rposition(|&b| b == 0x66);
    let mut names = Vec::new();
    let mut stripped = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        let name = match b {
            _ if i >= legacy => None,
            0x26 => Some("es"),
            0x2e => Some("cs"),
            0x36 => Some("ss"),
            0x3e => Some("ds"),
            0x66 if Some(i) != last_66 => Some("data16"),
            _ => None,
        };
        match name {
            Some(n) => names.push(n),
            None => stripped.push(b),
        }
    }
    (names, stripped)
}

/// objdump's operation (named prefixes first), operands and text for one decoded instruction.
fn format_insn(
    f: &mut GasFormatter,
    insn: &Instruction,
    names: &[&str],
) -> (String, Vec<String>, String) {
    let mut operation: String = names.iter().map(|n| format!("{n} ")).collect();
    f.format_mnemonic(insn, &mut operation);
    let mut operands: Vec<String> = (0..f.operand_count(insn))
        .map(|i| {
            let mut s = String::new();
            // The index is always below operand_count, the only failure format_operand reports.
            let _ = f.format_operand(insn, &mut s, i);
            s
        })
        .collect();
    if is_shift_by_one(insn, &operands) {
        // The D0/D1 shifts have an implicit count that objdump leaves out (`shl %rdi`); iced prints `$0x1`.
        operands.remove(0);
    }
    let text = if names.is_empty()
        && !operands.is_empty()
        && operands.len() == f.operand_count(insn) as usize
    {
        let mut text = String::new();
        f.format(insn, &mut text);
        text
    } else if operands.is_empty() {
        operation.clone()
    } else {
        // objdump pads the mnemonic to six columns and a space, as iced's first_operand_char_index does.
        format!("{operation:<6} {}", operands.join(","))
    };
    (operation, operands, text)
}

/// A rotate or shift by the implicit count 1 (`Shl_rm64_1`, opcode D0/D1), not by an explicit `$0x1` (C0/C1).
/// iced numbers these 32 forms consecutively, `Rol_rm8_1` to `Sar_rm64_1`. Not told by the name (`{:?}` ending in
/// `_1`): that linked iced's table of 4,936 code names, a third of the binary's start-up relocations.
fn is_shift_by_one(insn: &Instruction, operands: &[String]) -> bool {
    let implicit_one = Code::Rol_rm8_1 as u16..=Code::Sar_rm64_1 as u16;
    operands.len() == 2 && operands[0] == "$0x1" && implicit_one.contains(&(insn.code() as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &[u8], address: u64) -> Vec<String> {
        disassemble(code, address)
            .into_iter()
            .map(|i| i.text)
            .collect()
    }

    #[test]
    fn implicit_one_shifts_are_one_range_of_codes() {
        let names = |range: std::ops::RangeInclusive<u16>| -> Vec<String> {
            iced_x86::Code::values()
                .filter(|c| range.contains(&(*c as u16)))
                .map(|c| format!("{c:?}"))
                .collect()
        };
        let implicit_one = names(Code::Rol_rm8_1 as u16..=Code::Sar_rm64_1 as u16);
        assert_eq!(implicit_one.len(), 32);
        assert!(implicit_one.iter().all(|n| n.ends_with("_1")));
        let all_ones = iced_x86::Code::values().filter(|c| {
            let n = format!("{c:?}");
            n.ends_with("_1") && ["Ro", "Rc", "Sh", "Sa"].iter().any(|p| n.starts_with(p))
        });
        assert_eq!(all_ones.count(), 32);
    }

    #[test]
    fn prints_what_objdump_prints() {
        // The x86 JIT's prologue: a patchable 5-byte nop, a 2-byte nop, push/mov of the frame pointer.
        let code = [
            0x0f, 0x1f, 0x44, 0x00, 0x00, 0x66, 0x90, 0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec,
            0x08, 0xc9, 0xc3,
        ];
        assert_eq!(
            texts(&code, 0),
            [
                "nopl   0x0(%rax,%rax,1)",
                "xchg   %ax,%ax",
                "push   %rbp",
                "mov    %rsp,%rbp",
                "sub    $0x8,%rsp",
                "leave",
                "ret"
            ]
        );
    }

    #[test]
    fn prefixes_that_do_nothing_are_named_as_objdump_names_them() {
        // 5.10's JIT under a K8-like CPU starts with K8_NOP5_ATOMIC; newer kernels pad with `ds nopl`.
        let t = texts(&[0x66, 0x66, 0x66, 0x66, 0x90, 0x3e, 0x48, 0x8b, 0x07], 0);
        assert_eq!(
            t,
            ["data16 data16 data16 xchg %ax,%ax", "ds mov (%rdi),%rax"]
        );
        let insn = &disassemble(&[0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0], 0)[0];
        assert_eq!(insn.operation, "cs nopw");
        assert_eq!(insn.operands, ["0x0(%rax,%rax,1)"]);
        assert_eq!(insn.len, 10);
        // A relative branch keeps its target when a prefix is set aside: 3e e8 rel32 at 0x1000 ends at 0x1006.
        assert_eq!(texts(&[0x3e, 0xe8, 0, 0, 0, 0], 0x1000), ["ds call 0x1006"]);
    }

    #[test]
    fn splits_operands_and_keeps_prefixes_in_the_operation() {
        // lock add %rdi,0x0(%rsi)
        let insn = &disassemble(&[0xf0, 0x48, 0x01, 0x7e, 0x00], 0)[0];
        assert_eq!(insn.operation, "lock add");
        assert_eq!(insn.operands, ["%rdi", "0x0(%rsi)"]);
        assert_eq!(insn.len, 5);
    }

    #[test]
    fn branch_targets_are_absolute_addresses() {
        // call rel32 0 at 0xffffffffc0001000: the target is the next instruction.
        let t = texts(&[0xe8, 0, 0, 0, 0], 0xffff_ffff_c000_1000);
        assert_eq!(t, ["call   0xffffffffc0001005"]);
    }

    #[test]
    fn undecodable_bytes_advance_and_print_bad() {
        let insns = disassemble(&[0x0f, 0x0b, 0x06], 0);
        assert_eq!(insns[0].text, "ud2");
        assert_eq!(insns.last().map(|i| i.text.as_str()), Some("(bad)"));
        assert!(insns.iter().map(|i| i.len).sum::<usize>() >= 3);
    }
}

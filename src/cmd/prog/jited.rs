//! `prog dump jited PROG [file FILE | opcodes | linum]`: the JIT image, function by function (jited_func_lens),
//! each under its BTF prototype and kernel symbol, every machine instruction disassembled (bpf_disasm::jit) and
//! preceded by the source line whose code starts there (jited_line_info), in bpftool's layout.

use std::ops::Range;

use super::listing::{func_proto, program_btf, read_insns, source_line, write_file, Extra};
use crate::btf::Btf;
use crate::cmd::select::resolve::Resolved;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::prog_dump::{hex_bytes, JitedDump, JitedFunction, JitedInsn, SourceLine};
use crate::sys::prog_insns::{Image, LineInfo, ProgInsns};

pub(super) fn run(ctx: &Context, prog: &Resolved, extra: &Extra) -> CmdResult {
    let insns = read_insns(prog, Image::Jited)?;
    jit_image(&prog.label, &insns)?;
    if let Extra::File(path) = extra {
        return write_file(ctx, path, &insns.jited);
    }
    let btf = program_btf(&insns);
    let names = FunctionNames::new(&insns, btf.as_ref());
    let mut functions = Vec::new();
    for (i, f) in layout(&insns).into_iter().enumerate() {
        let code = &insns.jited[f.bytes.clone()];
        let machine = crate::bpf_disasm::jit::disassemble(code, f.address).map_err(|arch| {
            Error::new(
                ErrorKind::Unsupported,
                &prog.label,
                format!("this build has no disassembler for {arch} JIT images"),
            )
        })?;
        let mut lines = btf
            .as_ref()
            .map(|btf| Lines::of_function(&insns, btf, i, matches!(extra, Extra::Linum)));
        let insns_out = machine
            .into_iter()
            .map(|m| JitedInsn {
                source: lines
                    .as_mut()
                    .and_then(|l| l.at(f.address.wrapping_add(m.offset as u64))),
                pc: format!("0x{:x}", m.offset),
                operands: if m.operands.is_empty() {
                    vec![None]
                } else {
                    m.operands.into_iter().map(Some).collect()
                },
                operation: m.operation,
                opcodes: matches!(extra, Extra::Opcodes)
                    .then(|| hex_bytes(&code[m.offset..m.offset + m.len])),
                text: m.text,
                raw: code[m.offset..m.offset + m.len].to_vec(),
                offset: m.offset,
            })
            .collect();
        functions.push(JitedFunction {
            proto: btf.as_ref().and_then(|btf| {
                let f = insns.func_info.get(i)?;
                func_proto(btf, f.type_id)
            }),
            name: names.name(i),
            insns: insns_out,
        });
    }
    show(ctx, &JitedDump(functions))?;
    Ok(Outcome::Success)
}

/// Why a program has no image to show, if it has none.
fn jit_image(label: &str, insns: &ProgInsns) -> Result<()> {
    if insns.offloaded {
        return Err(Error::new(
            ErrorKind::Unsupported,
            label,
            "offloaded to a device: its image is in the device's instruction set, not the host's",
        ));
    }
    if insns.jited_len == 0 {
        return Err(Error::new(
            ErrorKind::Unsupported,
            label,
            "no JIT image: the kernel runs this program in its interpreter (it was loaded with \
             net.core.bpf_jit_enable=0)",
        ));
    }
    if insns.jited.is_empty() {
        return Err(Error::new(
            ErrorKind::Permission,
            label,
            "the kernel withholds the JIT image from this process: reading it needs CAP_SYSLOG \
             (kernel.kptr_restrict=2 withholds it from everyone)",
        ));
    }
    Ok(())
}

/// Where one function's code is in the image and where the kernel put it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FunctionSpan {
    bytes: Range<usize>,
    address: u64,
}

/// The image cut by jited_func_lens; one function for the whole image when the lengths are missing or do not
/// add up to it (kernels before 4.18 report none).
fn layout(insns: &ProgInsns) -> Vec<FunctionSpan> {
    let total: u64 = insns.jited_func_lens.iter().map(|&l| l as u64).sum();
    let address = |i: usize| insns.jited_ksyms.get(i).copied().unwrap_or(0);
    if insns.jited_func_lens.is_empty() || total != insns.jited.len() as u64 {
        return vec![FunctionSpan {
            bytes: 0..insns.jited.len(),
            address: address(0),
        }];
    }
    let mut start = 0;
    insns
        .jited_func_lens
        .iter()
        .enumerate()
        .map(|(i, &len)| {
            let span = FunctionSpan {
                bytes: start..start + len as usize,
                address: address(i),
            };
            start += len as usize;
            span
        })
        .collect()
}

/// The kernel symbol of each function, as /proc/kallsyms lists it, built the way the kernel builds it
/// (bpf_get_prog_name): `bpf_prog_<tag>_<BTF function name>`, the main function with the program's tag, each
/// subprogram with its own (prog_tags), `_<name>` or `_F` without BTF. Reading /proc/kallsyms instead would cost
/// ~30 ms of kernel time per dump; tests/prog_jited.rs checks every name against it.
struct FunctionNames {
    names: Vec<String>,
}

impl FunctionNames {
    fn new(insns: &ProgInsns, btf: Option<&Btf>) -> Self {
        // net.core.bpf_jit_kallsyms=0: the kernel publishes no symbol, and bpftool prints the addresses.
        let hidden = std::fs::read_to_string("/proc/sys/net/core/bpf_jit_kallsyms")
            .is_ok_and(|v| v.trim() == "0");
        let names = insns
            .jited_ksyms
            .iter()
            .enumerate()
            .map(|(i, &address)| {
                let tag = if i == 0 {
                    Some(insns.tag)
                } else {
                    insns.prog_tags.get(i).copied()
                };
                let func = btf.and_then(|btf| {
                    let f = insns.func_info.get(i)?;
                    Some(btf.type_by_id(f.type_id)?.name().to_string())
                });
                let func = func.unwrap_or_else(|| match i {
                    0 => insns.name.clone(),
                    _ => "F".to_string(),
                });
                match tag {
                    Some(tag) if !hidden && func.is_empty() => {
                        format!("bpf_prog_{}", crate::fastfmt::hex_string(&tag))
                    }
                    Some(tag) if !hidden => {
                        format!("bpf_prog_{}_{func}", crate::fastfmt::hex_string(&tag))
                    }
                    _ => format!("0x{address:016x}"),
                }
            })
            .collect();
        FunctionNames { names }
    }

    fn name(&self, i: usize) -> String {
        self.names
            .get(i)
            .cloned()
            .unwrap_or_else(|| "unknown".to_string())
    }
}

/// The line_info records of one function with the machine address of each, walked in address order.
struct Lines<'a> {
    btf: &'a Btf,
    records: Vec<(u64, &'a LineInfo)>,
    next: usize,
    linum: bool,
}

impl<'a> Lines<'a> {
    /// Function `i`'s records: those whose instruction lies between its func_info start and the next one's.
    fn of_function(insns: &'a ProgInsns, btf: &'a Btf, i: usize, linum: bool) -> Self {
        let start = insns.func_info.get(i).map_or(0, |f| f.insn_off);
        let end = insns.func_info.get(i + 1).map_or(u32::MAX, |f| f.insn_off);
        let records = if insns.jited_line_info.len() == insns.line_info.len() {
            insns
                .jited_line_info
                .iter()
                .zip(&insns.line_info)
                .filter(|(_, l)| l.insn_off >= start && l.insn_off < end)
                .map(|(&a, l)| (a, l))
                .collect()
        } else {
            Vec::new()
        };
        Lines {
            btf,
            records,
            next: 0,
            linum,
        }
    }

    /// The source line to print before the instruction at `address`: of the records whose code starts at or
    /// before it and that were not printed yet, the last with text. (bpftool takes the last one too, but moves
    /// on by a single record each time, so a line whose code is empty is printed again at the next instruction.)
    fn at(&mut self, address: u64) -> Option<SourceLine> {
        let mut found = None;
        while let Some(&(a, l)) = self.records.get(self.next) {
            if a > address {
                break;
            }
            self.next += 1;
            found = source_line(self.btf, l, self.linum)
                .filter(|s| !s.src.is_empty())
                .or(found);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insns_with(lens: &[u32], ksyms: &[u64], image: usize) -> ProgInsns {
        ProgInsns {
            jited: vec![0x90; image],
            jited_len: image as u32,
            jited_func_lens: lens.to_vec(),
            jited_ksyms: ksyms.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn functions_are_cut_by_their_lengths() {
        let spans = layout(&insns_with(&[3, 5], &[0x1000, 0x2000], 8));
        assert_eq!(
            spans,
            [
                FunctionSpan {
                    bytes: 0..3,
                    address: 0x1000
                },
                FunctionSpan {
                    bytes: 3..8,
                    address: 0x2000
                }
            ]
        );
        // Lengths that do not add up to the image: one function, never an out-of-range slice.
        let spans = layout(&insns_with(&[3, 50], &[0x1000], 8));
        assert_eq!(
            spans,
            [FunctionSpan {
                bytes: 0..8,
                address: 0x1000
            }]
        );
    }

    #[test]
    fn programs_without_an_image_say_why() {
        let mut p = insns_with(&[], &[], 0);
        assert_eq!(jit_image("p", &p).unwrap_err().kind, ErrorKind::Unsupported);
        p.jited_len = 10;
        assert_eq!(jit_image("p", &p).unwrap_err().kind, ErrorKind::Permission);
        p.offloaded = true;
        let e = jit_image("p", &p).unwrap_err();
        assert!(e.reason.contains("offloaded"), "{e}");
        assert!(jit_image("p", &insns_with(&[1], &[1], 1)).is_ok());
    }

    #[test]
    fn the_main_function_is_named_as_the_kernel_names_it() {
        let mut p = insns_with(&[1], &[0xffff_ffff_c000_0000], 1);
        p.tag = [0x20, 0x2d, 0x7d, 0xee, 0x01, 0x1b, 0x04, 0xca];
        p.name = "p".into();
        let names = FunctionNames::new(&p, None);
        if !names.name(0).starts_with("0x") {
            assert_eq!(names.name(0), "bpf_prog_202d7dee011b04ca_p");
        }
        assert_eq!(names.name(1), "unknown");
        p.jited_ksyms.push(0xffff_ffff_c000_1000);
        p.prog_tags = vec![[0; 8], [0xab; 8]];
        let names = FunctionNames::new(&p, None);
        if !names.name(1).starts_with("0x") {
            assert_eq!(names.name(1), "bpf_prog_abababababababab_F");
        }
    }
}

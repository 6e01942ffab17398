//! `prog dump xlated PROG [file FILE | opcodes | linum | visual]`: the kernel's translated instructions in
//! bpftool's layout (function prototypes from func_info, `; source` lines from line_info, calls named by kallsyms),
//! or their control-flow graph in DOT (visual.rs); `prog dump jited` is jited.rs; what they share is listing.rs.

use std::os::fd::AsFd;

use super::listing::{
    func_proto, parse, program_btf, read_insns, source_line, write_file, Extra, KernelNamer,
};
use crate::bpf_disasm;
use crate::btf::Btf;
use crate::cli::{DumpKind, ProgRef};
use crate::cmd::select::resolve::{self, Resolved};
use crate::cmd::select::words::usage;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind};
use crate::output::prog_dump::{hex_bytes, XlatedDump, XlatedLine, XlatedOpcodes};
use crate::sys::prog_insns::{Image, ProgInsns};

pub fn run(ctx: &Context, kind: DumpKind, prog: &ProgRef, words: &[String]) -> CmdResult {
    let extra = parse(words)?;
    if matches!(extra, Extra::Visual) {
        if kind == DumpKind::Jited {
            return Err(usage(
                "visual draws the translated program: prog dump xlated PROG visual",
            ));
        }
        if ctx.out.is_json() {
            return Err(usage("visual prints DOT, not JSON: drop -j/-p"));
        }
    }
    let prog = resolve::prog_ref(prog)?;
    match kind {
        DumpKind::Xlated => xlated(ctx, &prog, &extra),
        DumpKind::Jited => super::jited::run(ctx, &prog, &extra),
    }
}

fn xlated(ctx: &Context, prog: &Resolved, extra: &Extra) -> CmdResult {
    if matches!(extra, Extra::Visual) {
        super::visual::refuse_large(&prog.label, prog.fd.as_fd())?;
    }
    let insns = read_insns(prog, Image::Xlated)?;
    if insns.xlated.is_empty() {
        return Err(Error::new(
            ErrorKind::Permission,
            &prog.label,
            "no xlated instructions (not permitted to dump them, or offloaded)",
        ));
    }
    match extra {
        Extra::File(path) => write_file(ctx, path, &insns.xlated),
        Extra::Visual => super::visual::run(ctx, &insns),
        _ => {
            show(ctx, &XlatedDump(xlated_lines(&insns, extra)))?;
            Ok(Outcome::Success)
        }
    }
}

fn xlated_lines(insns: &ProgInsns, extra: &Extra) -> Vec<XlatedLine> {
    let btf = program_btf(insns);
    let namer = KernelNamer::new(insns);
    let code = bpf_disasm::decode(&insns.xlated);
    let mut lines = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let double = bpf_disasm::is_double(&code[i]) && i + 1 < code.len();
        let width = if double { 2 } else { 1 };
        let raw = insns.xlated[i * 8..(i + width) * 8].to_vec();
        let mut line = XlatedLine {
            index: i,
            proto: None,
            source: None,
            disasm: bpf_disasm::format(&code[i], code.get(i + 1).filter(|_| double), &namer),
            opcodes: matches!(extra, Extra::Opcodes).then(|| XlatedOpcodes {
                code: format!("0x{:02x}", raw[0]),
                src_reg: format!("0x{:x}", raw[1] >> 4),
                dst_reg: format!("0x{:x}", raw[1] & 0xf),
                off: hex_bytes(&raw[2..4]),
                imm: hex_bytes(&raw[4..]),
            }),
            raw,
        };
        if let Some(btf) = &btf {
            annotate(
                &mut line,
                btf,
                insns,
                i as u32,
                matches!(extra, Extra::Linum),
            );
        }
        lines.push(line);
        i += width;
    }
    lines
}

/// The function prototype starting here and the source line of this instruction, as bpftool prints them.
fn annotate(line: &mut XlatedLine, btf: &Btf, insns: &ProgInsns, off: u32, linum: bool) {
    if let Some(f) = insns.func_info.iter().find(|f| f.insn_off == off) {
        line.proto = func_proto(btf, f.type_id);
    }
    if let Some(l) = insns.line_info.iter().find(|l| l.insn_off == off) {
        line.source = source_line(btf, l, linum);
    }
}

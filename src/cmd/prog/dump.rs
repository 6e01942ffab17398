//! `prog dump xlated PROG [file FILE | opcodes | linum]`: the kernel's translated instructions in bpftool's
//! layout (function prototypes from func_info, `; source` lines from line_info, calls named by kallsyms).

use std::collections::HashMap;
use std::os::fd::AsFd;

use serde::Serialize;

use crate::bpf_disasm::{self, Insn, Namer};
use crate::btf::Btf;
use crate::cli::{DumpKind, ProgRef};
use crate::cmd::select::resolve;
use crate::cmd::select::words::usage;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::{Render, Text};
use crate::sys::prog_insns::{prog_insns, ProgInsns};

/// bpftool takes at most one of its option words.
enum Extra {
    None,
    File(String),
    Opcodes,
    Linum,
}

fn parse(words: &[String]) -> Result<Extra> {
    match words {
        [] => Ok(Extra::None),
        [w] if w == "opcodes" => Ok(Extra::Opcodes),
        [w] if w == "linum" => Ok(Extra::Linum),
        [w, file] if w == "file" => Ok(Extra::File(file.clone())),
        [w] if w == "file" => Err(usage("file needs a FILE")),
        _ => Err(usage(format!(
            "expected at most one of file FILE | opcodes | linum, got {words:?}"
        ))),
    }
}

pub fn run(ctx: &Context, kind: DumpKind, prog: &ProgRef, words: &[String]) -> CmdResult {
    let extra = parse(words)?;
    let DumpKind::Xlated = kind;
    let prog = resolve::prog_ref(prog)?;
    let insns = prog_insns(prog.fd.as_fd())
        .map_err(|e| Error::from_io(&prog.label, &e, "cannot read program info"))?;
    if insns.xlated.is_empty() {
        return Err(Error::new(
            ErrorKind::Permission,
            &prog.label,
            "no xlated instructions (not permitted to dump them, or offloaded)",
        ));
    }
    if let Extra::File(path) = &extra {
        crate::input::write::write_whole(std::path::Path::new(path), path, &insns.xlated)?;
        if ctx.out.is_json() {
            show(ctx, &Dump(Vec::new(), true))?;
        }
        return Ok(Outcome::Success);
    }
    let lines = xlated_lines(&insns, &extra);
    show(ctx, &Dump(lines, false))?;
    Ok(Outcome::Success)
}

/// One instruction with what bpftool prints before it; JSON keys and order are bpftool's.
#[derive(Debug, Serialize)]
struct Line {
    #[serde(skip)]
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    proto: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    src: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_num: Option<u32>,
    /// bpftool's JSON leaves out a zero column; its text prints it.
    #[serde(skip_serializing_if = "no_column")]
    line_col: Option<u32>,
    disasm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    opcodes: Option<Opcodes>,
    #[serde(skip)]
    raw: Vec<u8>,
}

fn no_column(col: &Option<u32>) -> bool {
    matches!(col, None | Some(0))
}

#[derive(Debug, Serialize)]
struct Opcodes {
    code: String,
    src_reg: String,
    dst_reg: String,
    off: Vec<String>,
    imm: Vec<String>,
}

/// The lines, and whether this was a `file` dump (JSON `null`, no text).
struct Dump(Vec<Line>, bool);

impl Serialize for Dump {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.1 {
            s.serialize_none()
        } else {
            self.0.serialize(s)
        }
    }
}

fn hex_bytes(b: &[u8]) -> Vec<String> {
    b.iter().map(|b| format!("0x{b:02x}")).collect()
}

impl Render for Dump {
    fn render(&self, text: &mut Text) {
        for l in &self.0 {
            if let Some(p) = &l.proto {
                text.line(format!("{p}:"));
            }
            if let Some(src) = &l.src {
                match (&l.file, l.line_num, l.line_col) {
                    (Some(f), Some(n), Some(c)) => {
                        text.line(format!("; {src} [file:{f} line_num:{n} line_col:{c}]"))
                    }
                    _ => text.line(format!("; {src}")),
                }
            }
            text.line(format!("{:4}: {}", l.index, l.disasm));
            if l.opcodes.is_some() {
                let hex: Vec<String> = l.raw.iter().map(|b| format!("{b:02x}")).collect();
                text.line(format!("       {}", hex.join(" ")));
            }
        }
    }
}

fn xlated_lines(insns: &ProgInsns, extra: &Extra) -> Vec<Line> {
    let btf = crate::sys::btf_data::btf_by_id(insns.btf_id)
        .ok()
        .and_then(|k| Btf::parse(&k.data).ok())
        .filter(|_| insns.btf_id != 0);
    let namer = KernelNamer::new(insns);
    let code = bpf_disasm::decode(&insns.xlated);
    let mut lines = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let double = bpf_disasm::is_double(&code[i]) && i + 1 < code.len();
        let width = if double { 2 } else { 1 };
        let raw = insns.xlated[i * 8..(i + width) * 8].to_vec();
        let mut line = Line {
            index: i,
            proto: None,
            src: None,
            file: None,
            line_num: None,
            line_col: None,
            disasm: bpf_disasm::format(&code[i], code.get(i + 1).filter(|_| double), &namer),
            opcodes: matches!(extra, Extra::Opcodes).then(|| Opcodes {
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
fn annotate(line: &mut Line, btf: &Btf, insns: &ProgInsns, off: u32, linum: bool) {
    if let Some(f) = insns.func_info.iter().find(|f| f.insn_off == off) {
        line.proto = func_proto(btf, f.type_id);
    }
    let Some(l) = insns.line_info.iter().find(|l| l.insn_off == off) else {
        return;
    };
    let src = btf.str_at(l.line_off).trim_start();
    if src.is_empty() {
        return;
    }
    line.src = Some(src.to_string());
    if linum {
        line.file = Some(btf.str_at(l.file_name_off).to_string());
        line.line_num = Some(l.line_col >> 10);
        line.line_col = Some(l.line_col & 0x3ff);
    }
}

/// `int name(struct xdp_md * ctx)`: bpftool's spelling, a space on each side of `*`.
fn func_proto(btf: &Btf, func: u32) -> Option<String> {
    let f = btf.type_by_id(func)?;
    let proto = btf.type_by_id(f.type_id())?;
    let params: Vec<String> = proto
        .params()
        .map(|p| {
            let ty = btf.type_display(p.type_id);
            let name = p.name;
            format!("{ty} {name}").trim_end().to_string()
        })
        .collect();
    let params = if params.is_empty() {
        "void".to_string()
    } else {
        params.join(", ")
    };
    Some(format!(
        "{} {}({params})",
        btf.type_display(proto.type_id()),
        f.name()
    ))
}

/// Names calls and ld_imm64 operands from kallsyms and the pseudo-register conventions of the xlated dump.
struct KernelNamer<'a> {
    syms: HashMap<u64, crate::sys::kallsyms::KernelSym>,
    call_base: Option<u64>,
    ksyms: &'a [u64],
}

impl<'a> KernelNamer<'a> {
    fn new(insns: &'a ProgInsns) -> Self {
        let syms = crate::sys::kallsyms::text_symbols().unwrap_or_default();
        let call_base = syms
            .iter()
            .find(|(_, s)| s.name == "__bpf_call_base")
            .map(|(a, _)| *a);
        KernelNamer {
            syms,
            call_base,
            ksyms: &insns.jited_ksyms,
        }
    }

    fn name_at(&self, addr: u64) -> Option<&str> {
        self.syms.get(&addr).map(|s| s.name.as_str())
    }
}

impl Namer for KernelNamer<'_> {
    fn call(&self, insn: &Insn) -> String {
        match insn.src {
            // bpf-to-bpf: the kernel rewrote imm to the subprogram's index in jited_ksyms.
            1 => {
                let name = self
                    .ksyms
                    .get(insn.imm as u32 as usize)
                    .and_then(|a| self.name_at(*a));
                match name {
                    Some(n) => format!("pc{:+}#{n}", insn.off),
                    None => format!("pc{:+}", insn.off),
                }
            }
            _ => {
                let addr = self
                    .call_base
                    .map(|b| b.wrapping_add(insn.imm as i64 as u64));
                match addr.and_then(|a| self.name_at(a)) {
                    Some(n) => format!("{n}#{}", insn.imm),
                    None => format!("unknown#{}", insn.imm),
                }
            }
        }
    }

    fn imm64(&self, insn: &Insn, next: &Insn) -> String {
        match insn.src {
            1 => format!("map[id:{}]", insn.imm as u32),
            2 => format!("map[id:{}][0]+{}", insn.imm as u32, next.imm as u32),
            _ => format!(
                "0x{:x}",
                (next.imm as u32 as u64) << 32 | insn.imm as u32 as u64
            ),
        }
    }
}

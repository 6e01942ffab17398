//! What every `prog dump` shares: bpftool's option words, the program's own BTF with its function prototypes and
//! source lines, kallsyms names for calls and map references, and `file FILE`.

use std::os::fd::AsFd;

use crate::bpf_disasm::{Insn, Namer};
use crate::btf::Btf;
use crate::cmd::select::resolve::Resolved;
use crate::cmd::select::words::usage;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::prog_dump::{FileWritten, SourceLine};
use crate::sys::prog_insns::{prog_insns, Image, LineInfo, ProgInsns};

/// bpftool takes at most one of its option words.
pub(super) enum Extra {
    None,
    File(String),
    Opcodes,
    Linum,
    Visual,
}

pub(super) fn parse(words: &[String]) -> Result<Extra> {
    match words {
        [] => Ok(Extra::None),
        [w] if w == "opcodes" => Ok(Extra::Opcodes),
        [w] if w == "linum" => Ok(Extra::Linum),
        [w] if w == "visual" => Ok(Extra::Visual),
        [w, file] if w == "file" => Ok(Extra::File(file.clone())),
        [w] if w == "file" => Err(usage("file needs a FILE")),
        _ => Err(usage(format!(
            "expected at most one of file FILE | opcodes | linum | visual, got {words:?}"
        ))),
    }
}

/// The program's instructions (or JIT image) and what names them, from the kernel.
pub(super) fn read_insns(prog: &Resolved, image: Image) -> Result<ProgInsns> {
    prog_insns(prog.fd.as_fd(), image).map_err(|e| match e.raw_os_error() {
        // The kernel copies the image out of one kmalloc'ed buffer, which a program of several hundred thousand
        // instructions overflows (a 1,000,000-instruction program's 8 MB xlated image does).
        Some(libc::ENOMEM) => Error::new(
            ErrorKind::Kernel,
            &prog.label,
            "the kernel cannot copy out an image this large (ENOMEM: it copies it in one allocation)",
        ),
        _ => Error::from_io(&prog.label, &e, "cannot read program info"),
    })
}

/// `file FILE`: the raw image, and under --json the `null` bpftool prints.
pub(super) fn write_file(ctx: &Context, path: &str, bytes: &[u8]) -> CmdResult {
    crate::input::write::write_whole(std::path::Path::new(path), path, bytes)?;
    if ctx.out.is_json() {
        show(ctx, &FileWritten)?;
    }
    Ok(Outcome::Success)
}

/// The program's own BTF (prototypes, source lines), when it was loaded with one. Read without asking for the
/// object's name, which kernels before 5.11 refuse (E2BIG).
pub(super) fn program_btf(insns: &ProgInsns) -> Option<Btf> {
    if insns.btf_id == 0 {
        return None;
    }
    let data = crate::sys::btf_info::btf_data_by_id(insns.btf_id).ok()?;
    Btf::parse(&data).ok()
}

/// The source line a line_info record names (its text may be empty), with its file and position under `linum`.
pub(super) fn source_line(btf: &Btf, l: &LineInfo, linum: bool) -> Option<SourceLine> {
    let src = btf.str_at(l.line_off).trim_start();
    Some(SourceLine {
        src: src.to_string(),
        file: linum.then(|| btf.str_at(l.file_name_off).to_string()),
        line_num: linum.then_some(l.line_col >> 10),
        line_col: linum.then_some(l.line_col & 0x3ff),
    })
}

/// `int name(struct xdp_md * ctx)`: bpftool's spelling, a space on each side of `*`.
pub(super) fn func_proto(btf: &Btf, func: u32) -> Option<String> {
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
pub(super) struct KernelNamer<'a> {
    syms: crate::sys::kallsyms::TextSymbols,
    call_base: Option<u64>,
    ksyms: &'a [u64],
}

impl<'a> KernelNamer<'a> {
    pub(super) fn new(insns: &'a ProgInsns) -> Self {
        let syms = crate::sys::kallsyms::text_symbols().unwrap_or_default();
        let call_base = syms.addr_of("__bpf_call_base");
        KernelNamer {
            syms,
            call_base,
            ksyms: &insns.jited_ksyms,
        }
    }

    fn name_at(&self, addr: u64) -> Option<&str> {
        self.syms.at(addr).map(|s| s.name)
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
            // A callback's address (bpf_loop, bpf_user_ringbuf_drain, timers): the imm is its offset in
            // instructions, as bpftool prints it.
            4 => format!("subprog[{:+}]", insn.imm),
            6 => format!("map[idx:{}]+{}", insn.imm, next.imm),
            _ => format!(
                "0x{:x}",
                (next.imm as u32 as u64) << 32 | insn.imm as u32 as u64
            ),
        }
    }
}

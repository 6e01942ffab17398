//! A program's translated instructions or JIT image and what names them (func_info, line_info, subprogram
//! addresses and lengths, BTF id): the second BPF_OBJ_GET_INFO_BY_FD call, with buffers sized by the first.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{c_chars, get_info, zeroed};

/// `struct bpf_func_info`: where a function starts and its BTF FUNC type.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct FuncInfo {
    pub insn_off: u32,
    pub type_id: u32,
}

/// `struct bpf_line_info`: the source line of an instruction, as offsets into the BTF string section.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct LineInfo {
    pub insn_off: u32,
    pub file_name_off: u32,
    pub line_off: u32,
    /// Line number << 10 | column.
    pub line_col: u32,
}

/// Which instructions to fetch: the verifier's translation or the JIT's machine code (with its per-function
/// lengths and the machine address of each line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Xlated,
    Jited,
}

#[derive(Debug, Default)]
pub struct ProgInsns {
    pub xlated: Vec<u8>,
    pub jited: Vec<u8>,
    /// The kernel's JIT image size, even when it withholds the bytes (no CAP_SYSLOG-equivalent): 0 means the
    /// program has no JIT image (interpreted).
    pub jited_len: u32,
    /// Bytes of each function of `jited`, in subprogram order.
    pub jited_func_lens: Vec<u32>,
    /// The machine address where each `line_info` entry's code starts.
    pub jited_line_info: Vec<u64>,
    pub func_info: Vec<FuncInfo>,
    pub line_info: Vec<LineInfo>,
    /// Kernel addresses of the JITed main program and subprograms, in subprogram order.
    pub jited_ksyms: Vec<u64>,
    pub btf_id: u32,
    pub tag: [u8; 8],
    /// Each function's own tag (the main one's covers only its own instructions), which the kernel puts in the
    /// subprograms' symbol names.
    pub prog_tags: Vec<[u8; 8]>,
    /// The kernel's 15-byte copy of the name.
    pub name: String,
    /// Offloaded to a device (non-zero ifindex): its image is the device's, not the host's.
    pub offloaded: bool,
}

pub fn prog_insns(fd: BorrowedFd<'_>, image: Image) -> io::Result<ProgInsns> {
    let mut first: libbpf_sys::bpf_prog_info = zeroed();
    // SAFETY: every pointer field is zero, so the kernel only fills in lengths and counts.
    unsafe { get_info(fd, &mut first)? };
    let jited = image == Image::Jited;
    let sized = |n: u32, wanted: bool| if wanted { n as usize } else { 0 };
    let mut out = ProgInsns {
        xlated: vec![0; sized(first.xlated_prog_len, !jited)],
        jited: vec![0; sized(first.jited_prog_len, jited)],
        jited_len: first.jited_prog_len,
        jited_func_lens: vec![0; sized(first.nr_jited_func_lens, jited)],
        jited_line_info: vec![0; sized(first.nr_jited_line_info, jited)],
        func_info: vec![FuncInfo::default(); first.nr_func_info as usize],
        line_info: vec![LineInfo::default(); first.nr_line_info as usize],
        jited_ksyms: vec![0; first.nr_jited_ksyms as usize],
        btf_id: first.btf_id,
        tag: first.tag,
        prog_tags: vec![[0; 8]; sized(first.nr_prog_tags, jited)],
        name: c_chars(&first.name),
        offloaded: first.ifindex != 0,
    };
    let mut raw: libbpf_sys::bpf_prog_info = zeroed();
    raw.xlated_prog_len = out.xlated.len() as u32;
    raw.xlated_prog_insns = out.xlated.as_mut_ptr() as u64;
    raw.jited_prog_len = out.jited.len() as u32;
    raw.jited_prog_insns = out.jited.as_mut_ptr() as u64;
    raw.nr_jited_func_lens = out.jited_func_lens.len() as u32;
    raw.jited_func_lens = out.jited_func_lens.as_mut_ptr() as u64;
    raw.nr_jited_line_info = out.jited_line_info.len() as u32;
    raw.jited_line_info_rec_size = std::mem::size_of::<u64>() as u32;
    raw.jited_line_info = out.jited_line_info.as_mut_ptr() as u64;
    raw.nr_prog_tags = out.prog_tags.len() as u32;
    raw.prog_tags = out.prog_tags.as_mut_ptr() as u64;
    raw.nr_func_info = out.func_info.len() as u32;
    raw.func_info_rec_size = std::mem::size_of::<FuncInfo>() as u32;
    raw.func_info = out.func_info.as_mut_ptr() as u64;
    raw.nr_line_info = out.line_info.len() as u32;
    raw.line_info_rec_size = std::mem::size_of::<LineInfo>() as u32;
    raw.line_info = out.line_info.as_mut_ptr() as u64;
    raw.nr_jited_ksyms = out.jited_ksyms.len() as u32;
    raw.jited_ksyms = out.jited_ksyms.as_mut_ptr() as u64;
    // SAFETY: each buffer holds exactly the count (and record size) declared beside it and lives past the call.
    unsafe { get_info(fd, &mut raw)? };
    // The kernel zeroes the pointers and lengths it may not show (bpf_dump_raw_ok: no CAP_SYSLOG-equivalent).
    shown(&mut out.xlated, raw.xlated_prog_len, raw.xlated_prog_insns);
    shown(&mut out.jited, raw.jited_prog_len, raw.jited_prog_insns);
    shown(
        &mut out.jited_func_lens,
        raw.nr_jited_func_lens,
        raw.jited_func_lens,
    );
    shown(&mut out.prog_tags, raw.nr_prog_tags, raw.prog_tags);
    shown(
        &mut out.jited_line_info,
        raw.nr_jited_line_info,
        raw.jited_line_info,
    );
    shown(&mut out.func_info, raw.nr_func_info, raw.func_info);
    shown(&mut out.line_info, raw.nr_line_info, raw.line_info);
    shown(&mut out.jited_ksyms, raw.nr_jited_ksyms, raw.jited_ksyms);
    Ok(out)
}

/// What the kernel filled in of `buf`: its reported count, or nothing when it zeroed the pointer.
fn shown<T>(buf: &mut Vec<T>, count: u32, pointer: u64) {
    buf.truncate(count as usize);
    if pointer == 0 {
        buf.clear();
    }
}

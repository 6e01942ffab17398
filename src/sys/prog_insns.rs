//! A program's translated instructions and what names them (func_info, line_info, subprogram addresses, BTF
//! id): the second BPF_OBJ_GET_INFO_BY_FD call, with buffers sized by the first.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{get_info, zeroed};

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

#[derive(Debug, Default)]
pub struct ProgInsns {
    pub xlated: Vec<u8>,
    pub func_info: Vec<FuncInfo>,
    pub line_info: Vec<LineInfo>,
    /// Kernel addresses of the JITed main program and subprograms, in subprogram order.
    pub jited_ksyms: Vec<u64>,
    pub btf_id: u32,
}

pub fn prog_insns(fd: BorrowedFd<'_>) -> io::Result<ProgInsns> {
    let mut first: libbpf_sys::bpf_prog_info = zeroed();
    // SAFETY: every pointer field is zero, so the kernel only fills in lengths and counts.
    unsafe { get_info(fd, &mut first)? };
    let mut out = ProgInsns {
        xlated: vec![0; first.xlated_prog_len as usize],
        func_info: vec![FuncInfo::default(); first.nr_func_info as usize],
        line_info: vec![LineInfo::default(); first.nr_line_info as usize],
        jited_ksyms: vec![0; first.nr_jited_ksyms as usize],
        btf_id: first.btf_id,
    };
    let mut raw: libbpf_sys::bpf_prog_info = zeroed();
    raw.xlated_prog_len = out.xlated.len() as u32;
    raw.xlated_prog_insns = out.xlated.as_mut_ptr() as u64;
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
    out.xlated.truncate(raw.xlated_prog_len as usize);
    if raw.xlated_prog_insns == 0 {
        out.xlated.clear();
    }
    out.func_info.truncate(raw.nr_func_info as usize);
    out.line_info.truncate(raw.nr_line_info as usize);
    if raw.line_info == 0 {
        out.line_info.clear();
    }
    out.jited_ksyms.truncate(raw.nr_jited_ksyms as usize);
    if raw.jited_ksyms == 0 {
        out.jited_ksyms.clear();
    }
    Ok(out)
}

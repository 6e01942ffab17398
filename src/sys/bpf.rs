//! bpf(2) objects by fd: open by id or pin, pin, identify (the few info fields attach/detach decisions need), walk
//! ids, name enum values the way libbpf does, and test-run a program. Everything returns errno as `io::Error` so the
//! command layer can say which object it was about.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// libbpf 1.x returns `-errno` from its bpf() wrappers; turns that into an owned fd or an error.
pub(crate) fn fd_result(rc: i32) -> io::Result<OwnedFd> {
    if rc < 0 {
        return Err(io::Error::from_raw_os_error(-rc));
    }
    // SAFETY: a non-negative return from a libbpf fd-returning call is a new fd that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(rc) })
}

pub(crate) fn rc_result(rc: i32) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        Ok(())
    }
}

pub(crate) fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

// Object kinds, ids and fds by id or pin come from the one implementation in bpf_obj.
use super::bpf_obj::c_chars;
pub use super::bpf_obj::{fd_by_id, kind_of_fd as obj_kind_of_fd, obj_get, ObjKind};

pub fn obj_pin(fd: BorrowedFd<'_>, path: &Path) -> io::Result<()> {
    let c = c_path(path)?;
    // SAFETY: fd is open for the call's duration; c is NUL-terminated.
    rc_result(unsafe { libbpf_sys::bpf_obj_pin(fd.as_raw_fd(), c.as_ptr()) })
}

/// The fields of `bpf_prog_info` that attaching and listing need; the full info belongs to `prog show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgBrief {
    pub id: u32,
    pub prog_type: u32,
    pub name: String,
    pub tag: String,
    pub attach_btf_obj_id: u32,
    pub attach_btf_id: u32,
}

pub fn prog_brief(fd: BorrowedFd<'_>) -> io::Result<ProgBrief> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of::<libbpf_sys::bpf_prog_info>() as u32;
    // SAFETY: info is a zeroed bpf_prog_info and len its size; all pointer fields are zero (not requested).
    rc_result(unsafe { libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    Ok(ProgBrief {
        id: info.id,
        prog_type: info.type_,
        name: c_chars(&info.name),
        tag: crate::fastfmt::hex_string(&info.tag),
        attach_btf_obj_id: info.attach_btf_obj_id,
        attach_btf_id: info.attach_btf_id,
    })
}

pub fn map_id(fd: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(map_brief(fd)?.id)
}

/// The fields of `bpf_map_info` lifecycle commands need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapBrief {
    pub id: u32,
    pub map_type: u32,
    pub name: String,
    pub flags: u32,
}

pub fn map_brief(fd: BorrowedFd<'_>) -> io::Result<MapBrief> {
    let mut info = libbpf_sys::bpf_map_info::default();
    let mut len = std::mem::size_of::<libbpf_sys::bpf_map_info>() as u32;
    // SAFETY: zeroed info of the given size, no pointer fields requested.
    rc_result(unsafe { libbpf_sys::bpf_map_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    Ok(MapBrief {
        id: info.id,
        map_type: info.type_,
        name: c_chars(&info.name),
        flags: info.map_flags,
    })
}

/// Deletes `key` from a map (struct_ops: unregisters a map registered without a link).
pub fn map_delete(fd: BorrowedFd<'_>, key: &[u8]) -> io::Result<()> {
    // SAFETY: key points at key.len() readable bytes; the kernel reads key_size bytes, which callers match.
    rc_result(unsafe { libbpf_sys::bpf_map_delete_elem(fd.as_raw_fd(), key.as_ptr().cast()) })
}

/// Program type and expected attach type for a section-style name ("xdp", "tracepoint", "cgroup_skb/ingress"),
/// with libbpf's own table, the way bpftool reads `prog load ... type T`.
pub fn prog_type_by_section(name: &str) -> Option<(u32, u32)> {
    let c = CString::new(name).ok()?;
    let (mut prog_type, mut attach_type) = (0u32, 0u32);
    // SAFETY: c is NUL-terminated; out pointers are valid.
    let rc = unsafe {
        libbpf_sys::libbpf_prog_type_by_name(c.as_ptr(), &mut prog_type, &mut attach_type)
    };
    (rc == 0).then_some((prog_type, attach_type))
}

/// Input and output of one BPF_PROG_TEST_RUN.
#[derive(Debug, Default)]
pub struct TestRun {
    pub data_in: Vec<u8>,
    pub data_out_size: usize,
    pub ctx_in: Option<Vec<u8>>,
    pub ctx_out_size: usize,
    pub repeat: u32,
}

#[derive(Debug)]
pub struct TestRunResult {
    pub retval: u32,
    pub duration_ns: u32,
    pub data_out: Vec<u8>,
    pub ctx_out: Vec<u8>,
}

pub fn prog_test_run(fd: BorrowedFd<'_>, run: &TestRun) -> io::Result<TestRunResult> {
    let mut data_out = vec![0u8; run.data_out_size];
    let mut ctx_out = vec![0u8; run.ctx_out_size];
    let mut opts = libbpf_sys::bpf_test_run_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_test_run_opts>() as _,
        repeat: run.repeat as i32,
        ..Default::default()
    };
    if !run.data_in.is_empty() {
        opts.data_in = run.data_in.as_ptr().cast();
        opts.data_size_in = run.data_in.len() as u32;
    }
    if !data_out.is_empty() {
        opts.data_out = data_out.as_mut_ptr().cast();
        opts.data_size_out = data_out.len() as u32;
    }
    if let Some(ctx) = run.ctx_in.as_ref().filter(|c| !c.is_empty()) {
        opts.ctx_in = ctx.as_ptr().cast();
        opts.ctx_size_in = ctx.len() as u32;
    }
    if !ctx_out.is_empty() {
        opts.ctx_out = ctx_out.as_mut_ptr().cast();
        opts.ctx_size_out = ctx_out.len() as u32;
    }
    // SAFETY: every buffer pointer is paired with its true length and outlives the call.
    rc_result(unsafe { libbpf_sys::bpf_prog_test_run_opts(fd.as_raw_fd(), &mut opts) })?;
    data_out.truncate(opts.data_size_out as usize);
    ctx_out.truncate(opts.ctx_size_out as usize);
    Ok(TestRunResult {
        retval: opts.retval,
        duration_ns: opts.duration,
        data_out,
        ctx_out,
    })
}

/// uapi's BPF_STREAM_STDOUT and BPF_STREAM_STDERR: a program's two BPF streams (Linux 6.17).
pub const STREAM_STDOUT: u32 = 1;
pub const STREAM_STDERR: u32 = 2;

/// Takes up to `buf.len()` bytes of a program's stream (BPF_PROG_STREAM_READ_BY_FD; reading consumes them) and
/// returns how many; 0 once it is empty. A kernel without streams answers EINVAL (an unknown bpf() command).
pub fn prog_stream_read(fd: BorrowedFd<'_>, stream_id: u32, buf: &mut [u8]) -> io::Result<usize> {
    let mut opts = libbpf_sys::bpf_prog_stream_read_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_stream_read_opts>() as _,
    };
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    // SAFETY: buf is valid for len bytes and opts for its declared size during the call.
    let rc = unsafe {
        libbpf_sys::bpf_prog_stream_read(
            fd.as_raw_fd(),
            stream_id,
            buf.as_mut_ptr().cast(),
            len,
            &mut opts,
        )
    };
    if rc < 0 {
        return Err(io::Error::from_raw_os_error(-rc));
    }
    Ok(rc as usize)
}

/// What a process's fd is attached to, as BPF_TASK_FD_QUERY reports it (perf events and raw tracepoints).
#[derive(Debug, Clone)]
pub struct TaskFdAttachment {
    pub prog_id: u32,
    pub fd_type: u32,
    pub name: String,
    pub probe_offset: u64,
    pub probe_addr: u64,
}

pub fn task_fd_query(pid: i32, fd: RawFd) -> io::Result<TaskFdAttachment> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut len = buf.len() as u32;
    let (mut prog_id, mut fd_type, mut offset, mut addr) = (0u32, 0u32, 0u64, 0u64);
    // SAFETY: buf has len bytes; all out pointers are valid.
    let rc = unsafe {
        libbpf_sys::bpf_task_fd_query(
            pid,
            fd,
            0,
            buf.as_mut_ptr(),
            &mut len,
            &mut prog_id,
            &mut fd_type,
            &mut offset,
            &mut addr,
        )
    };
    rc_result(rc)?;
    // SAFETY: on success the kernel wrote a NUL-terminated string into buf (or left it zeroed).
    let name = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    Ok(TaskFdAttachment {
        prog_id,
        fd_type,
        name,
        probe_offset: offset,
        probe_addr: addr,
    })
}

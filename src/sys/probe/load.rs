//! The raw kernel calls behind every probe: load a program, create a map, load BTF. Each object is closed as soon
//! as the call returns; a probe only wants the kernel's answer (fd or errno, and the verifier log).

use std::ffi::c_void;
use std::os::fd::{FromRawFd, OwnedFd};

use libbpf_sys::bpf_insn;

/// Verifier log level for probes: BPF_LOG_STATS only. The error message and the "processed N insns" line are
/// printed at every non-zero level, but level 1 also formats the register state of every instruction, which
/// measurably slows thousands of helper probes (vsnprintf showed up at ~5% of a probe run in `perf`).
const LOG_LEVEL_STATS: u32 = 4;

/// A verifier log a thread reuses for all its probes. 4 KiB holds any message a two-instruction program yields;
/// a truncated rotating log would turn the load into ENOSPC.
pub struct LogBuf(Vec<u8>);

impl LogBuf {
    pub fn new() -> Self {
        LogBuf(vec![0; 4096])
    }

    /// The log up to its terminating NUL, as text: the verifier writes ASCII, so an invalid byte (which would come
    /// from a name) only shortens what is searched. Borrowed, not copied: thousands of probes read their log.
    fn text(&self) -> &str {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        match std::str::from_utf8(&self.0[..end]) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&self.0[..e.valid_up_to()]).unwrap_or_default(),
        }
    }
}

/// What a program load needs besides its instructions.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProgSpec {
    pub prog_type: u32,
    pub expected_attach_type: u32,
    pub attach_btf_id: u32,
    pub prog_flags: u32,
    pub ifindex: u32,
}

/// The kernel refused: errno and, when a log was asked for, the verifier's words.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'log> {
    pub errno: i32,
    pub log: &'log str,
}

impl Refusal<'_> {
    /// Whether the log contains `words`. A plain scan: logs are a few hundred bytes, where building a
    /// substring searcher (`str::contains`) cost more than the search, a tenth of a probe run's user time.
    pub fn says(&self, words: &str) -> bool {
        position(self.log, words).is_some()
    }

    /// Whether the log contains any of `phrases`.
    pub fn says_any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|words| self.says(words))
    }

    /// The text after the first occurrence of `words`.
    pub fn after(&self, words: &str) -> Option<&str> {
        position(self.log, words).map(|at| &self.log[at + words.len()..])
    }
}

fn position(text: &str, words: &str) -> Option<usize> {
    let (text, words) = (text.as_bytes(), words.as_bytes());
    let Some((&first, _)) = words.split_first() else {
        return Some(0);
    };
    (0..(text.len() + 1).saturating_sub(words.len()))
        .find(|&at| text[at] == first && text[at..].starts_with(words))
}

/// Loads and immediately closes a GPL program. GPL because a non-GPL program calling a GPL-only helper fails with
/// "cannot call GPL-restricted function from non-GPL compatible program", which would hide whether the helper
/// exists for the program type.
pub fn load_prog<'log>(
    spec: &ProgSpec,
    insns: &[bpf_insn],
    log: Option<&'log mut LogBuf>,
) -> Result<(), Refusal<'log>> {
    load_prog_fd(spec, insns, log).map(drop)
}

/// `load_prog`, keeping the program: for probes that go on to attach it.
pub fn load_prog_fd<'log>(
    spec: &ProgSpec,
    insns: &[bpf_insn],
    log: Option<&'log mut LogBuf>,
) -> Result<OwnedFd, Refusal<'log>> {
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: spec.expected_attach_type,
        attach_btf_id: spec.attach_btf_id,
        prog_flags: spec.prog_flags,
        prog_ifindex: spec.ifindex,
        ..Default::default()
    };
    let has_log = log.is_some();
    let mut log = log;
    if let Some(buf) = log.as_deref_mut() {
        buf.0[0] = 0;
        opts.log_buf = buf.0.as_mut_ptr().cast();
        opts.log_size = buf.0.len() as u32;
        opts.log_level = LOG_LEVEL_STATS;
    }
    // SAFETY: insns outlives the call, the license is a NUL-terminated literal, opts is a valid, sized options
    // struct whose log_buf (when set) points to log_size writable bytes that outlive the call.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            spec.prog_type,
            std::ptr::null(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    };
    if fd >= 0 {
        // SAFETY: a non-negative return is a new fd this process owns.
        return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    Err(Refusal {
        errno: -fd,
        log: match (has_log, log) {
            (true, Some(buf)) => buf.text(),
            _ => "",
        },
    })
}

/// What a map creation needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapSpec {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub map_extra: u64,
    pub ifindex: u32,
    /// BTF fd with key and value type ids (local-storage maps require BTF).
    pub btf: Option<(i32, u32, u32)>,
    pub inner_map_fd: Option<i32>,
    pub btf_vmlinux_value_type_id: u32,
    pub value_type_btf_obj_fd: i32,
}

/// Creates a map and returns its fd (kept open only when the caller needs it, as an inner map); Err is the errno.
pub fn create_map(spec: &MapSpec) -> Result<OwnedFd, i32> {
    let mut opts = libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
        map_flags: spec.flags,
        map_extra: spec.map_extra,
        map_ifindex: spec.ifindex,
        btf_vmlinux_value_type_id: spec.btf_vmlinux_value_type_id,
        value_type_btf_obj_fd: spec.value_type_btf_obj_fd,
        ..Default::default()
    };
    if let Some((fd, key, value)) = spec.btf {
        opts.btf_fd = fd as u32;
        opts.btf_key_type_id = key;
        opts.btf_value_type_id = value;
    }
    if let Some(inner) = spec.inner_map_fd {
        opts.inner_map_fd = inner as u32;
    }
    // SAFETY: opts is a valid, sized options struct; a NULL name is allowed.
    let fd = unsafe {
        libbpf_sys::bpf_map_create(
            spec.map_type,
            std::ptr::null(),
            spec.key_size,
            spec.value_size,
            spec.max_entries,
            &opts,
        )
    };
    if fd >= 0 {
        // SAFETY: a non-negative return is a new fd this process owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    } else {
        Err(-fd)
    }
}

/// Loads raw BTF (header, types, strings) into the kernel.
pub fn load_btf(raw: &[u8]) -> Result<OwnedFd, i32> {
    // SAFETY: raw is valid for raw.len() bytes; NULL opts means defaults.
    let fd = unsafe {
        libbpf_sys::bpf_btf_load(
            raw.as_ptr() as *const c_void,
            raw.len() as _,
            std::ptr::null_mut(),
        )
    };
    if fd >= 0 {
        // SAFETY: a non-negative return is a new fd this process owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    } else {
        Err(-fd)
    }
}

/// Whether the bpf() system call exists at all: an empty BPF_PROG_LOAD fails with anything but ENOSYS when it does.
pub fn bpf_syscall_exists() -> bool {
    const BPF_PROG_LOAD: libc::c_long = 5;
    // SAFETY: a NULL attribute pointer with size 0 is rejected by the kernel without being dereferenced.
    let rc = unsafe { libc::syscall(libc::SYS_bpf, BPF_PROG_LOAD, std::ptr::null::<u8>(), 0) };
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    rc >= 0 || errno != libc::ENOSYS
}

/// The interface index of a network device, for offload probes.
pub fn ifindex(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: name is a valid NUL-terminated string.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

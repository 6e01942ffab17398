//! The kernel's per-program run statistics (`run_cnt`, `run_time_ns`, `recursion_misses`): switching them on for
//! exactly as long as ebpfctl runs, and reading them cheaply for every program on the box.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use super::bpf_obj::{get_info, zeroed};

/// BPF_ENABLE_STATS with BPF_STATS_RUN_TIME (Linux 5.8, CAP_SYS_ADMIN): the kernel counts every program's runs and
/// run time while the returned fd is open. The kernel makes the fd O_CLOEXEC, so no child inherits it, and closes
/// it when the process ends however it ends (SIGKILL included), so a killed ebpfctl never leaves stats on. The
/// kernel counts enablers: other holders and the sysctl keep their own effect when this fd closes.
pub fn enable_run_time_stats() -> io::Result<OwnedFd> {
    // SAFETY: a plain bpf() command with an enum argument; the result is checked before it is owned.
    let rc = unsafe { libbpf_sys::bpf_enable_stats(libbpf_sys::BPF_STATS_RUN_TIME) };
    super::bpf::fd_result(rc)
}

/// The setting of `kernel.bpf_stats_enabled` (None when the kernel has no such sysctl, before 5.1). It is the
/// sysctl's own value only: it reads 0 while a BPF_ENABLE_STATS fd keeps stats on (measured on 6.18), because
/// the kernel remembers what was written to it, not whether anybody counts.
pub fn stats_sysctl() -> Option<bool> {
    let text = std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled").ok()?;
    Some(text.trim() != "0")
}

/// One program's counters, as BPF_OBJ_GET_INFO_BY_FD reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub id: u32,
    pub run_cnt: u64,
    pub run_time_ns: u64,
    pub recursion_misses: u64,
}

/// The counters alone: no map ids, no func info, no names (the full `prog_info` asks for those), so a sample of
/// a thousand programs costs one info call each.
pub fn prog_run_stats(fd: BorrowedFd<'_>) -> io::Result<RunStats> {
    let mut raw: libbpf_sys::bpf_prog_info = zeroed();
    // SAFETY: every pointer field of `raw` is zero, so the kernel writes into nothing but `raw` itself.
    match unsafe { get_info(fd, &mut raw) } {
        Ok(_) => {}
        // A device-bound program whose device is gone: the common fields are filled (see prog_info).
        Err(e) if e.raw_os_error() == Some(libc::ENODEV) => {}
        Err(e) => return Err(e),
    }
    Ok(RunStats {
        id: raw.id,
        run_cnt: raw.run_cnt,
        run_time_ns: raw.run_time_ns,
        recursion_misses: raw.recursion_misses,
    })
}

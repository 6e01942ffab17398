//! perf_event_open(2) for the events BPF programs attach to: tracepoints, uprobes/kprobes (through their dynamic
//! PMUs) and software sampling events (the fd is handed to BPF_LINK_CREATE, which keeps the event alive), and the
//! per-CPU counting events `prog profile` reads from BPF.

use std::ffi::CString;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;

use super::fs::TRACEFS_PATH;

const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_TYPE_TRACEPOINT: u32 = 2;
const PERF_COUNT_SW_CPU_CLOCK: u64 = 0;
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 8;
const PERF_SAMPLE_RAW: u64 = 1 << 10;

/// perf_event_attr's `freq` bit: sample_period_or_freq is a frequency.
const ATTR_FREQ: u64 = 1 << 10;
/// perf_event_attr's `exclude_user` bit.
const ATTR_EXCLUDE_USER: u64 = 1 << 4;

/// A countable event: perf_event_attr's type and config (PERF_TYPE_HARDWARE = 0, PERF_TYPE_SOFTWARE = 1,
/// PERF_TYPE_HW_CACHE = 3, with their PERF_COUNT_* configs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterKind {
    pub type_: u32,
    pub config: u64,
}

/// perf_event_attr, PERF_ATTR_SIZE_VER5 (112 bytes) prefix: every field this module sets.
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    type_: u32,
    size: u32,
    config: u64,
    sample_period_or_freq: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
    config2: u64,
    branch_sample_type: u64,
    sample_regs_user: u64,
    sample_stack_user: u32,
    clockid: i32,
    sample_regs_intr: u64,
    aux_watermark: u32,
    sample_max_stack: u16,
    reserved: u16,
}

fn perf_event_open(attr: &PerfEventAttr, pid: i32, cpu: i32) -> io::Result<OwnedFd> {
    // SAFETY: attr is a valid perf_event_attr whose `size` field says how much of it the kernel may read.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            attr as *const PerfEventAttr,
            pid,
            cpu,
            -1i32,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd returned by the kernel, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn attr(type_: u32, config: u64) -> PerfEventAttr {
    PerfEventAttr {
        type_,
        size: std::mem::size_of::<PerfEventAttr>() as u32,
        config,
        ..Default::default()
    }
}

/// The numeric id of tracefs event `category/name`; ENOENT when the kernel has no such tracepoint, EACCES when
/// tracefs does not let this user read it (it is root's unless mounted with gid=/mode=).
pub fn tracepoint_id(category: &str, name: &str) -> io::Result<u64> {
    let mut refused = None;
    for root in [TRACEFS_PATH, "/sys/kernel/debug/tracing"] {
        let path = Path::new(root)
            .join("events")
            .join(category)
            .join(name)
            .join("id");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return text
                    .trim()
                    .parse()
                    .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
            }
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => refused = refused.or(Some(e)),
            Err(_) => {}
        }
    }
    Err(refused.unwrap_or_else(|| io::Error::from_raw_os_error(libc::ENOENT)))
}

/// A tracepoint event on all processes, CPU 0 (tracepoint events fire on every CPU once a BPF program is on them).
pub fn open_tracepoint(category: &str, name: &str) -> io::Result<OwnedFd> {
    let mut a = attr(PERF_TYPE_TRACEPOINT, tracepoint_id(category, name)?);
    a.sample_type = PERF_SAMPLE_RAW;
    a.sample_period_or_freq = 1;
    a.wakeup_events = 1;
    perf_event_open(&a, -1, 0)
}

/// The dynamic PMU for `kind` ("uprobe" or "kprobe"): its type number and the config bit that makes a retprobe.
fn probe_pmu(kind: &str) -> io::Result<(u32, u32)> {
    let dir = Path::new("/sys/bus/event_source/devices").join(kind);
    let type_ = std::fs::read_to_string(dir.join("type"))
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "this kernel has no {kind} PMU ({} is missing)",
                    dir.display()
                ),
            )
        })?
        .trim()
        .parse()
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // "config:0" — the bit number after the colon.
    let bit = std::fs::read_to_string(dir.join("format/retprobe"))
        .ok()
        .and_then(|t| t.trim().strip_prefix("config:")?.parse().ok())
        .unwrap_or(0);
    Ok((type_, bit))
}

/// A uprobe (or uretprobe) at `offset` in `binary`, for process `pid` (-1: every process).
pub fn open_uprobe(binary: &Path, offset: u64, retprobe: bool, pid: i32) -> io::Result<OwnedFd> {
    let (type_, bit) = probe_pmu("uprobe")?;
    let path = CString::new(binary.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut a = attr(type_, if retprobe { 1 << bit } else { 0 });
    a.config1 = path.as_ptr() as u64;
    a.config2 = offset;
    a.sample_period_or_freq = 1;
    a.wakeup_events = 1;
    // A uprobe for every process needs cpu 0 with pid -1; for one process, any cpu.
    let cpu = if pid < 0 { 0 } else { -1 };
    perf_event_open(&a, pid, cpu)
}

/// A kprobe (or kretprobe) on kernel function `func` + `offset`.
pub fn open_kprobe(func: &str, offset: u64, retprobe: bool) -> io::Result<OwnedFd> {
    let (type_, bit) = probe_pmu("kprobe")?;
    let name = CString::new(func).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut a = attr(type_, if retprobe { 1 << bit } else { 0 });
    a.config1 = name.as_ptr() as u64;
    a.config2 = offset;
    a.sample_period_or_freq = 1;
    a.wakeup_events = 1;
    perf_event_open(&a, -1, 0)
}

/// A software cpu-clock sampling event on `cpu` at `freq` Hz, for every process (pid -1) or one.
pub fn open_cpu_clock(cpu: i32, pid: i32, freq: u64) -> io::Result<OwnedFd> {
    let mut a = attr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
    a.sample_period_or_freq = freq;
    a.flags = ATTR_FREQ;
    perf_event_open(&a, pid, cpu)
}

/// A counting event on `cpu` for every process, kernel mode only (BPF programs run there), counting from now on.
pub fn open_counter(kind: CounterKind, cpu: i32) -> io::Result<OwnedFd> {
    let mut a = attr(kind.type_, kind.config);
    a.flags = ATTR_EXCLUDE_USER;
    perf_event_open(&a, -1, cpu)
}

/// The CPUs that are online, from /sys/devices/system/cpu/online ("0-3,5").
pub fn online_cpus() -> io::Result<Vec<i32>> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online")?;
    parse_cpu_list(text.trim()).ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))
}

fn parse_cpu_list(text: &str) -> Option<Vec<i32>> {
    let mut cpus = Vec::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => cpus.extend(a.parse::<i32>().ok()?..=b.parse::<i32>().ok()?),
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-3,5"), Some(vec![0, 1, 2, 3, 5]));
        assert_eq!(parse_cpu_list("0"), Some(vec![0]));
        assert_eq!(parse_cpu_list("x"), None);
    }

    #[test]
    fn attr_is_ver5_sized() {
        assert_eq!(std::mem::size_of::<PerfEventAttr>(), 112);
    }
}

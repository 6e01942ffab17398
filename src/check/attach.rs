//! Probes that load an embedded program, attach it, make the kernel run it and read back what it saw.

use std::mem::MaybeUninit;
use std::path::Path;
use std::time::Duration;

use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::{MapCore, MapFlags, OpenObject, ProgramType};

use super::{failure_text, Failure, ProbeResult, TRACING_CAPS};
use crate::sys::caps::Capability;
use crate::sys::process::{getpid, gettid};
use crate::sys::skel::{
    check_core, check_fentry, check_kprobe, check_rawtp, check_ringbuf, check_uprobe,
};

/// Size of `struct task_ident` in bpf/check_common.h: four u32 and a 16-byte comm.
const IDENT_LEN: usize = 32;

/// What a program recorded about the task that triggered it, decoded from `struct task_ident`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskIdent {
    pid: u32,
    tgid: u32,
    helper_pid: u32,
    helper_tgid: u32,
    comm: String,
}

impl TaskIdent {
    fn decode(bytes: &[u8]) -> Option<TaskIdent> {
        let bytes = bytes.get(..IDENT_LEN)?;
        let word =
            |i: usize| u32::from_ne_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
        let comm = &bytes[16..32];
        let comm = &comm[..comm.iter().position(|&b| b == 0).unwrap_or(comm.len())];
        Some(TaskIdent {
            pid: word(0),
            tgid: word(1),
            helper_pid: word(2),
            helper_tgid: word(3),
            comm: String::from_utf8_lossy(comm).into_owned(),
        })
    }
}

/// Opens an embedded skeleton, lets `configure` set read-only globals, and loads it.
fn open_and_load<'obj, B>(
    builder: B,
    storage: &'obj mut MaybeUninit<OpenObject>,
    configure: impl FnOnce(&mut B::Output),
) -> Result<<B::Output as OpenSkel<'obj>>::Output, Failure>
where
    B: SkelBuilder<'obj>,
{
    crate::sys::libbpf_log::take();
    let mut open = builder
        .open(storage)
        .map_err(|e| Failure::libbpf("open", &e))?;
    configure(&mut open);
    open.load().map_err(|e| Failure::libbpf("load", &e))
}

/// Opens and loads a skeleton whose programs record only the process with tgid `target_tgid`: this one.
macro_rules! load_for_this_process {
    ($builder:expr, $storage:expr) => {
        open_and_load($builder, $storage, |open| {
            if let Some(ro) = open.maps.rodata_data.as_deref_mut() {
                ro.target_tgid = getpid();
            }
        })
    };
}

/// Makes the calling thread enter getppid(2), which the tracepoint programs watch.
fn trigger_getppid(times: usize) {
    for _ in 0..times {
        std::hint::black_box(std::os::unix::process::parent_id());
    }
}

/// Reads a u64 global of an object's .bss at `offset` (with a map lookup, i.e. a copy made by the kernel).
fn bss_u64(map: &dyn MapCore, offset: usize) -> Option<u64> {
    let value = map.lookup(&0u32.to_ne_bytes(), MapFlags::ANY).ok()??;
    Some(u64::from_ne_bytes(
        value.get(offset..offset + 8)?.try_into().ok()?,
    ))
}

/// Why a tracefs file cannot tell whether the kernel has something: tracefs is not mounted and this process may
/// not mount it, or may not read it. None when tracefs can be read (its answer counts).
fn tracefs_unreadable() -> Option<String> {
    let root = Path::new(crate::sys::fs::TRACEFS_PATH);
    let mounted = crate::sys::fs::is_mounted(crate::sys::fs::PseudoFs::Trace, root);
    if !mounted && crate::sys::caps::missing(&[Capability::SysAdmin]).is_some() {
        return Some(format!(
            "tracefs is not mounted at {} and mounting it needs CAP_SYS_ADMIN",
            root.display()
        ));
    }
    match std::fs::read_dir(root) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Some(format!(
            "{} is not readable by this process",
            root.display()
        )),
        _ => None,
    }
}

fn tracepoint_event_exists() -> bool {
    Path::new(crate::sys::fs::TRACEFS_PATH)
        .join("events/syscalls/sys_enter_getppid")
        .exists()
}

/// A syscall tracepoint attach that failed: permission when the kernel said EPERM/EACCES to a process lacking a
/// capability or when tracefs is out of reach (libbpf finds the tracepoint's id there); unsupported only when a
/// readable tracefs lacks the event; else a failure.
fn tracepoint_attach_failure(name: &'static str, why: Failure) -> ProbeResult {
    match (
        super::permission_problem(why.errno, &TRACING_CAPS),
        tracefs_unreadable(),
    ) {
        (Some(missing), _) => {
            ProbeResult::permission(name, format!("{} (missing {missing})", why.text))
        }
        (None, Some(tracefs)) => ProbeResult::permission(name, format!("{}; {tracefs}", why.text)),
        (None, None) if !tracepoint_event_exists() => ProbeResult::unsupported(
            name,
            format!("{}; the kernel has no syscall tracepoints", why.text),
        ),
        (None, None) => ProbeResult::fail(name, why.text),
    }
}

/// core_task_struct, tracepoint and perf_buffer: one tracepoint program, three things proven.
pub fn tracepoint_data_path() -> Vec<ProbeResult> {
    const NAMES: [&str; 3] = ["core_task_struct", "tracepoint", "perf_buffer"];
    let mut storage = MaybeUninit::uninit();
    let skel =
        match load_for_this_process!(check_core::CheckCoreSkelBuilder::default(), &mut storage) {
            Ok(skel) => skel,
            Err(why) => {
                return NAMES
                    .iter()
                    .map(|n| why.clone().result(n, &TRACING_CAPS))
                    .collect()
            }
        };
    let _link = match skel.progs.on_getppid.attach() {
        Ok(link) => link,
        Err(e) => {
            let why = Failure::libbpf("attach syscalls/sys_enter_getppid", &e);
            let result = tracepoint_attach_failure(NAMES[0], why);
            return NAMES
                .iter()
                .map(|n| ProbeResult {
                    name: n,
                    ..result.clone()
                })
                .collect();
        }
    };

    let events = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = events.clone();
    let perf = libbpf_rs::PerfBufferBuilder::new(&skel.maps.events)
        .sample_cb(move |_cpu, data: &[u8]| sink.borrow_mut().extend(TaskIdent::decode(data)))
        .build();

    trigger_getppid(3);
    let expected = expected_ident();
    let recorded = skel
        .maps
        .idents
        .lookup(&gettid().to_ne_bytes(), MapFlags::ANY)
        .ok()
        .flatten()
        .and_then(|v| TaskIdent::decode(&v));

    let (core, tracepoint) = match &recorded {
        None => (
            ProbeResult::fail(
                NAMES[0],
                "no record: the tracepoint program did not store this thread",
            ),
            ProbeResult::fail(
                NAMES[1],
                "attached, but getppid() left no entry in the hash map",
            ),
        ),
        Some(seen) => (
            compare_core(seen, &expected),
            ProbeResult::pass(
                NAMES[1],
                "syscalls/sys_enter_getppid attached; hash map entry written and read",
            ),
        ),
    };
    let perf_result = perf_buffer_result(perf, &events, &expected);
    vec![core, tracepoint, perf_result]
}

/// The perf_buffer probe: this thread's event arrived within 200 ms and says what user space knows.
fn perf_buffer_result(
    perf: libbpf_rs::Result<libbpf_rs::PerfBuffer<'_>>,
    events: &std::cell::RefCell<Vec<TaskIdent>>,
    expected: &TaskIdent,
) -> ProbeResult {
    const NAME: &str = "perf_buffer";
    let perf = match perf {
        Err(e) => return ProbeResult::fail(NAME, failure_text("perf buffer", &e)),
        Ok(perf) => perf,
    };
    let _ = perf.poll(Duration::from_millis(200));
    let got = events.borrow();
    match got.iter().find(|e| e.helper_pid == expected.pid) {
        Some(e) if e == expected => {
            ProbeResult::pass(NAME, format!("{} event(s) received", got.len()))
        }
        Some(e) => ProbeResult::fail(
            NAME,
            format!("event differs: got {e:?}, expected {expected:?}"),
        ),
        None => ProbeResult::fail(NAME, "no event arrived within 200 ms"),
    }
}

/// What user space knows about the calling thread, to compare with what the programs read.
fn expected_ident() -> TaskIdent {
    let comm =
        std::fs::read_to_string(format!("/proc/self/task/{}/comm", gettid())).unwrap_or_default();
    TaskIdent {
        pid: gettid(),
        tgid: getpid(),
        helper_pid: gettid(),
        helper_tgid: getpid(),
        comm: comm.trim_end_matches('\n').to_string(),
    }
}

fn compare_core(seen: &TaskIdent, expected: &TaskIdent) -> ProbeResult {
    let name = "core_task_struct";
    if seen == expected {
        ProbeResult::pass(
            name,
            format!(
                "task_struct pid={} tgid={} comm={:?} match user space",
                seen.pid, seen.tgid, seen.comm
            ),
        )
    } else {
        ProbeResult::fail(
            name,
            format!("CO-RE reads {seen:?} differ from user space {expected:?}"),
        )
    }
}

pub fn ringbuf() -> ProbeResult {
    let name = "ringbuf";
    if !libbpf_rs::MapType::RingBuf.is_supported().unwrap_or(true) {
        return ProbeResult::unsupported(
            name,
            "the kernel has no BPF_MAP_TYPE_RINGBUF (added in 5.8)",
        );
    }
    let mut storage = MaybeUninit::uninit();
    let skel = match load_for_this_process!(
        check_ringbuf::CheckRingbufSkelBuilder::default(),
        &mut storage
    ) {
        Ok(skel) => skel,
        Err(why) => return why.result(name, &TRACING_CAPS),
    };
    let _link = match skel.progs.on_getppid.attach() {
        Ok(link) => link,
        Err(e) => return tracepoint_attach_failure(name, Failure::libbpf("attach", &e)),
    };
    let events = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = events.clone();
    let mut builder = libbpf_rs::RingBufferBuilder::new();
    if let Err(e) = builder.add(&skel.maps.ring, move |data: &[u8]| {
        sink.borrow_mut().extend(TaskIdent::decode(data));
        0
    }) {
        return ProbeResult::fail(name, failure_text("ring buffer", &e));
    }
    let ring = match builder.build() {
        Ok(ring) => ring,
        Err(e) => return ProbeResult::fail(name, failure_text("ring buffer", &e)),
    };
    trigger_getppid(2);
    let _ = ring.poll(Duration::from_millis(200));
    let got = events.borrow();
    let expected = expected_ident();
    match got.iter().find(|e| e.helper_pid == expected.pid) {
        Some(e) if e.helper_tgid == expected.tgid && e.comm == expected.comm => {
            ProbeResult::pass(name, format!("{} event(s) received", got.len()))
        }
        Some(e) => ProbeResult::fail(
            name,
            format!("event differs: got {e:?}, expected {expected:?}"),
        ),
        None => ProbeResult::fail(name, "no event arrived within 200 ms"),
    }
}

pub fn raw_tracepoint() -> ProbeResult {
    let name = "raw_tracepoint";
    let mut storage = MaybeUninit::uninit();
    let loaded = open_and_load(
        check_rawtp::CheckRawtpSkelBuilder::default(),
        &mut storage,
        |open| {
            if let Some(ro) = open.maps.rodata_data.as_deref_mut() {
                ro.target_tgid = getpid();
                // sys_enter reports the syscall number of the architecture this binary was built for.
                ro.nr_getppid = libc::SYS_getppid as u64;
            }
        },
    );
    let skel = match loaded {
        Ok(skel) => skel,
        Err(why) => return why.result(name, &TRACING_CAPS),
    };
    let _link = match skel.progs.on_sys_enter.attach() {
        Ok(link) => link,
        Err(e) => return Failure::libbpf("attach sys_enter", &e).result(name, &TRACING_CAPS),
    };
    trigger_getppid(5);
    let offset = std::mem::offset_of!(check_rawtp::types::bss, hits);
    match bss_u64(&skel.maps.bss, offset) {
        Some(n) if n >= 5 => {
            ProbeResult::pass(name, format!("sys_enter counted {n} getppid() calls of 5"))
        }
        Some(n) => ProbeResult::fail(
            name,
            format!("sys_enter counted {n} getppid() calls, expected at least 5"),
        ),
        None => ProbeResult::fail(name, "could not read the program's counter"),
    }
}

/// The function the uprobe probe attaches to: a real, never-inlined function of this binary.
#[no_mangle]
#[inline(never)]
pub extern "C" fn ebpfctl_uprobe_target(magic: u64) -> u64 {
    std::hint::black_box(magic).rotate_left(1)
}

const UPROBE_MAGIC: u64 = 0x00eb_0fc7_1000_0042;

pub fn uprobe() -> ProbeResult {
    let name = "uprobe";
    let target: extern "C" fn(u64) -> u64 = ebpfctl_uprobe_target;
    let addr = target as usize;
    let Some(mapping) = crate::sys::process::mapping_of(addr) else {
        return ProbeResult::fail(name, "cannot find this binary's code in /proc/self/maps");
    };
    let offset = addr - mapping.start + mapping.file_offset;
    let mut storage = MaybeUninit::uninit();
    let skel = match open_and_load(
        check_uprobe::CheckUprobeSkelBuilder::default(),
        &mut storage,
        |_| {},
    ) {
        Ok(skel) => skel,
        Err(why) => return why.result(name, &TRACING_CAPS),
    };
    let _link = match skel.progs.on_probe_target.attach_uprobe(
        false,
        getpid() as i32,
        &mapping.path,
        offset,
    ) {
        Ok(link) => link,
        Err(e) => {
            return probe_attach_failure(
                name,
                Failure::libbpf("attach", &e),
                "uprobe",
                "no uprobe support",
            )
        }
    };
    let call = std::hint::black_box(target);
    call(UPROBE_MAGIC);
    let seen = bss_u64(
        &skel.maps.bss,
        std::mem::offset_of!(check_uprobe::types::bss, seen_arg),
    );
    match seen {
        Some(UPROBE_MAGIC) => ProbeResult::pass(
            name,
            format!(
                "{}+{offset:#x}: argument {UPROBE_MAGIC:#x} seen",
                mapping.path
            ),
        ),
        Some(other) => ProbeResult::fail(
            name,
            format!("program saw argument {other:#x}, expected {UPROBE_MAGIC:#x}"),
        ),
        None => ProbeResult::fail(name, "could not read the program's globals"),
    }
}

/// Whether the kernel offers kprobes/uprobes at all: a perf PMU (4.17+) or the legacy tracefs interface.
fn facility_present(kind: &str) -> bool {
    Path::new(&format!("/sys/bus/event_source/devices/{kind}")).exists()
        || Path::new(crate::sys::fs::TRACEFS_PATH)
            .join(format!("{kind}_events"))
            .exists()
}

/// A kprobe or uprobe attach that failed: permission when the kernel said EPERM/EACCES to a process lacking a
/// capability, or when the facility cannot be looked for (no PMU, tracefs out of reach); unsupported only when
/// neither the PMU nor tracefs's `<kind>_events` exists; else a failure.
fn probe_attach_failure(name: &'static str, why: Failure, kind: &str, absent: &str) -> ProbeResult {
    if let Some(missing) = super::permission_problem(why.errno, &TRACING_CAPS) {
        return ProbeResult::permission(name, format!("{} (missing {missing})", why.text));
    }
    if facility_present(kind) {
        return ProbeResult::fail(name, why.text);
    }
    match tracefs_unreadable() {
        Some(tracefs) => ProbeResult::permission(
            name,
            format!(
                "{}; no {kind} PMU, and {tracefs} (it would list {kind}_events)",
                why.text
            ),
        ),
        None => ProbeResult::unsupported(name, format!("{}; {absent}", why.text)),
    }
}

/// Reads a small /proc file: each read(2) passes through vfs_read.
fn trigger_vfs_read() {
    for _ in 0..3 {
        let _ = std::hint::black_box(std::fs::read("/proc/self/stat"));
    }
}

pub fn kprobe() -> ProbeResult {
    let name = "kprobe";
    let mut storage = MaybeUninit::uninit();
    let skel = match load_for_this_process!(
        check_kprobe::CheckKprobeSkelBuilder::default(),
        &mut storage
    ) {
        Ok(skel) => skel,
        Err(why) => return why.result(name, &TRACING_CAPS),
    };
    let _link = match skel.progs.on_vfs_read.attach() {
        Ok(link) => link,
        Err(e) => {
            return probe_attach_failure(
                name,
                Failure::libbpf("attach vfs_read", &e),
                "kprobe",
                "the kernel has no kprobe PMU and no kprobe_events (CONFIG_KPROBES off)",
            )
        }
    };
    trigger_vfs_read();
    count_result(
        name,
        "kprobe/vfs_read",
        bss_u64(
            &skel.maps.bss,
            std::mem::offset_of!(check_kprobe::types::bss, hits),
        ),
    )
}

pub fn fentry() -> ProbeResult {
    let name = "fentry";
    let mut storage = MaybeUninit::uninit();
    let loaded = load_for_this_process!(
        check_fentry::CheckFentrySkelBuilder::default(),
        &mut storage
    );
    let skel = match loaded {
        Ok(skel) => skel,
        // Without the capabilities, EPERM says nothing about the kernel.
        Err(why) if super::permission_problem(why.errno, &TRACING_CAPS).is_some() => {
            return why.result(name, &TRACING_CAPS)
        }
        Err(why) if !ProgramType::Tracing.is_supported().unwrap_or(true) => {
            return ProbeResult::unsupported(
                name,
                format!("the kernel refuses tracing programs; {}", why.text),
            )
        }
        Err(why) => return ProbeResult::fail(name, why.text),
    };
    let _link = match skel.progs.on_vfs_read.attach() {
        Ok(link) => link,
        Err(e) if no_trampolines(crate::sys::libbpf_errno(&e)) => {
            return ProbeResult::unsupported(
                name,
                format!(
                    "{}; {NO_TRAMPOLINES}",
                    failure_text("attach fentry/vfs_read", &e)
                ),
            )
        }
        Err(e) => return Failure::libbpf("attach fentry/vfs_read", &e).result(name, &TRACING_CAPS),
    };
    trigger_vfs_read();
    count_result(
        name,
        "fentry/vfs_read",
        bss_u64(
            &skel.maps.bss,
            std::mem::offset_of!(check_fentry::types::bss, hits),
        ),
    )
}

/// Whether the kernel answered a trampoline attach (of a program its verifier accepted) with "not supported":
/// ENOTSUPP from register_fentry() or the architecture's trampoline builder, EOPNOTSUPP alike. The kernel then
/// cannot hook kernel functions with BPF trampolines at all: arm64 needs ftrace direct calls for them (6.4+;
/// Debian's arm64 6.1 lacks them) and 5.10's arm64 JIT builds no trampolines. Any other errno (EINVAL, EBUSY,
/// EPERM, ...) stays a failure, on every architecture.
fn no_trampolines(errno: Option<i32>) -> bool {
    matches!(errno, Some(libc::EOPNOTSUPP | crate::error::ENOTSUPP))
}

const NO_TRAMPOLINES: &str = "this kernel cannot attach BPF trampolines to kernel functions (on arm64 they need \
     ftrace direct calls, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, which arm64 kernels have since 6.4)";

fn count_result(name: &'static str, what: &str, hits: Option<u64>) -> ProbeResult {
    match hits {
        Some(n) if n > 0 => ProbeResult::pass(
            name,
            format!("{what} attached; {n} hit(s) from this process"),
        ),
        Some(_) => ProbeResult::fail(
            name,
            format!("{what} attached but never ran for this process"),
        ),
        None => ProbeResult::fail(name, "could not read the program's counter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_task_ident() {
        let mut raw = [0u8; IDENT_LEN];
        raw[0..4].copy_from_slice(&7u32.to_ne_bytes());
        raw[4..8].copy_from_slice(&5u32.to_ne_bytes());
        raw[16..19].copy_from_slice(b"abc");
        let ident = TaskIdent::decode(&raw).unwrap();
        assert_eq!((ident.pid, ident.tgid, ident.comm.as_str()), (7, 5, "abc"));
        assert!(TaskIdent::decode(&raw[..10]).is_none());
    }

    /// Only the kernel's "not supported" makes a refused trampoline attach `unsupported`; real failures stay.
    #[test]
    fn only_not_supported_means_no_trampolines() {
        assert!(no_trampolines(Some(crate::error::ENOTSUPP)));
        assert!(no_trampolines(Some(libc::EOPNOTSUPP)));
        for errno in [
            libc::EINVAL,
            libc::EBUSY,
            libc::EPERM,
            libc::ENOENT,
            libc::ESRCH,
        ] {
            assert!(!no_trampolines(Some(errno)), "errno {errno}");
        }
        assert!(!no_trampolines(None));
    }
}

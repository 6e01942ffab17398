//! Set-up shared by the `prog top` tests: the rate fixture loaded and attached with libbpf-rs (independently of
//! ebpfctl), a paced trigger that logs how many calls it made when, the kernel's counters read directly, who
//! holds a BPF_ENABLE_STATS fd, and `prog top` run as a child whose JSON lines arrive on a channel.
#![allow(dead_code)]

use std::io::BufRead;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use libbpf_rs::{Link, MapCore, Object, ObjectBuilder};
use serde_json::Value;

use crate::common::{bin, fixture};

/// The tests of one binary run on threads of one process, and run-time statistics are one switch for the whole
/// kernel: every test that starts `prog top` or looks at whether statistics are on holds this.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const TRACEPOINT: &str = "/sys/kernel/tracing/events/syscalls/sys_enter_sched_get_priority_min";

/// The rate fixture, loaded and attached: it runs once per sched_get_priority_min(2) call on the box.
pub struct RateProg {
    /// Declared first, so dropped first: detached before the object closes.
    pub link: Link,
    pub obj: Object,
    pub id: u32,
    /// A second fd of the program, for info reads and fdinfo.
    fd: OwnedFd,
}

/// Loads tests/bpf/top_rate.bpf.c the way a tool would: the syscall tracepoint alternative where tracefs has it,
/// `target_tgid` set to this process, the per-thread map sized for the threads the test runs.
pub fn load_rate() -> RateProg {
    assert!(
        std::path::Path::new(TRACEPOINT).exists(),
        "this kernel has no {TRACEPOINT}: the rate test needs the syscall tracepoint alternative"
    );
    let path = fixture("top_rate");
    let mut open = ObjectBuilder::default().open_file(&path).expect("open");
    for mut prog in open.progs_mut() {
        let keep = prog.name() == "top_rate_tp";
        prog.set_autoload(keep);
    }
    for mut map in open.maps_mut() {
        let name = map.name().to_string_lossy().into_owned();
        if name == "per_thread" {
            map.set_max_entries(16).expect("size per_thread");
        } else if name.ends_with(".rodata") {
            let data = map.initial_value_mut().expect(".rodata has data");
            // .rodata holds target_tgid alone (the fixture keeps it so): its 4 bytes at offset 0.
            assert_eq!(data.len(), 4, ".rodata layout changed");
            data.copy_from_slice(&std::process::id().to_ne_bytes());
        }
    }
    let obj = open.load().expect("load top_rate");
    let link = obj
        .progs_mut()
        .find(|p| p.name() == "top_rate_tp")
        .expect("top_rate_tp")
        .attach_tracepoint(
            libbpf_rs::TracepointCategory::Syscalls,
            "sys_enter_sched_get_priority_min",
        )
        .expect("attach tracepoint");
    let fd = {
        let prog = obj.progs().find(|p| p.name() == "top_rate_tp").unwrap();
        prog.as_fd().try_clone_to_owned().expect("dup program fd")
    };
    let id = prog_info(fd.as_fd()).id;
    RateProg { link, obj, id, fd }
}

impl RateProg {
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The kernel's counters of the program: (run_cnt, run_time_ns).
    pub fn counters(&self) -> (u64, u64) {
        let info = prog_info(self.fd());
        (info.run_cnt, info.run_time_ns)
    }

    /// Calls of this process the program counted (its `hits` in .bss).
    pub fn hits(&self) -> u64 {
        let bss = self
            .obj
            .maps()
            .find(|m| m.name().to_string_lossy().ends_with(".bss"))
            .expect(".bss");
        let value = bss
            .lookup(&0u32.to_ne_bytes(), libbpf_rs::MapFlags::ANY)
            .unwrap()
            .unwrap();
        u64::from_ne_bytes(value[..8].try_into().unwrap())
    }
}

pub fn prog_info(fd: BorrowedFd<'_>) -> libbpf_sys::bpf_prog_info {
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: a zeroed info of the declared length, no pointer fields set.
    let rc = unsafe { libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) };
    assert_eq!(rc, 0, "bpf_prog_get_info_by_fd");
    info
}

/// One call of the syscall the fixture counts.
pub fn trigger_once() {
    // SAFETY: sched_get_priority_min takes one integer and touches no memory.
    unsafe {
        libc::syscall(libc::SYS_sched_get_priority_min, libc::SCHED_OTHER);
    }
}

pub fn trigger(n: u64) {
    for _ in 0..n {
        trigger_once();
    }
}

pub fn boottime_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Calls at a steady rate on a thread of their own, logging (CLOCK_BOOTTIME ns, calls so far) every millisecond.
/// A late wake-up is caught up at once, so the count follows rate × time however busy the machine is.
pub struct Pacer {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<(u64, u64)>>,
}

impl Pacer {
    pub fn start(rate: u64) -> Pacer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            let mut log = vec![(boottime_ns(), 0)];
            let mut done = 0u64;
            while !flag.load(Ordering::SeqCst) {
                let due = (start.elapsed().as_secs_f64() * rate as f64) as u64;
                while done < due {
                    trigger_once();
                    done += 1;
                }
                log.push((boottime_ns(), done));
                std::thread::sleep(Duration::from_millis(1));
            }
            log
        });
        Pacer { stop, thread }
    }

    pub fn finish(self) -> PacerLog {
        self.stop.store(true, Ordering::SeqCst);
        PacerLog(self.thread.join().expect("pacer"))
    }
}

pub struct PacerLog(pub Vec<(u64, u64)>);

impl PacerLog {
    /// Calls made by CLOCK_BOOTTIME `t` (the last log entry at or before it).
    pub fn calls_at(&self, t: u64) -> u64 {
        let i = self.0.partition_point(|(at, _)| *at <= t);
        if i == 0 {
            0
        } else {
            self.0[i - 1].1
        }
    }

    pub fn total(&self) -> u64 {
        self.0.last().map_or(0, |e| e.1)
    }
}

/// The processes holding a BPF_ENABLE_STATS fd, with that fd's fdinfo flags (octal, as the kernel prints them).
pub fn stats_holders() -> Vec<(u32, String)> {
    let mut found = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return found;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let target = std::fs::read_link(fd.path()).unwrap_or_default();
            if target.to_string_lossy() == "anon_inode:bpf-stats" {
                let info = std::fs::read_to_string(format!(
                    "/proc/{pid}/fdinfo/{}",
                    fd.file_name().to_string_lossy()
                ))
                .unwrap_or_default();
                let flags = info
                    .lines()
                    .find_map(|l| l.strip_prefix("flags:"))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                found.push((pid, flags));
            }
        }
    }
    found
}

/// kernel.bpf_stats_enabled as written by an operator (it does not count BPF_ENABLE_STATS holders).
pub fn sysctl() -> String {
    std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled")
        .expect("bpf_stats_enabled")
        .trim()
        .to_string()
}

pub fn set_sysctl(value: &str) {
    std::fs::write("/proc/sys/kernel/bpf_stats_enabled", value).expect("write bpf_stats_enabled");
}

/// Whether the kernel counts runs right now, asked the only way that cannot be wrong: run the program and see
/// whether its run_cnt moves.
pub fn counting(prog: &RateProg) -> bool {
    let before = prog.counters().0;
    trigger(200);
    prog.counters().0 > before
}

/// `ebpfctl args…` as a child, its stdout lines (JSON under -j) arriving on a channel.
pub struct TopChild {
    pub child: Child,
    pub lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl TopChild {
    pub fn spawn(args: &[&str]) -> TopChild {
        let mut child = Command::new(bin())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ebpfctl");
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        TopChild {
            child,
            lines,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next JSON line, within `timeout`.
    pub fn next_json(&self, timeout: Duration) -> Value {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}; stderr: {}", self.stderr())),
            Err(RecvTimeoutError::Timeout) => {
                panic!("no line within {timeout:?}; stderr: {}", self.stderr())
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("ebpfctl closed stdout; stderr: {}", self.stderr())
            }
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits for the exit (at most `timeout`) and returns the exit code, or the signal as 128 + N.
    pub fn wait(&mut self, timeout: Duration) -> i32 {
        use std::os::unix::process::ExitStatusExt;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status
                    .code()
                    .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("ebpfctl did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill with a pid of our own child.
        let rc = unsafe { libc::kill(self.pid() as i32, signal) };
        assert_eq!(rc, 0, "kill");
    }
}

impl Drop for TopChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The program `id` in one JSON line of `prog top`.
pub fn program(line: &Value, id: u32) -> Option<&Value> {
    line["programs"]
        .as_array()
        .expect("programs array")
        .iter()
        .find(|p| p["id"] == id)
}

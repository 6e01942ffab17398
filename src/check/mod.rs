//! `ebpfctl check`: an end-to-end self-test of the running kernel with the embedded CO-RE objects. Each probe
//! reports pass, fail, unsupported or permission; "unsupported" is kept for what the kernel itself does not offer (a
//! program type it refuses, a facility compiled out), never for a failure of something it claims to support, and
//! never when the kernel only said EPERM/EACCES to a process that lacks a capability or cannot read a file: that is
//! "permission", naming what is missing.

mod attach;
mod system;
mod testrun;

use serde::Serialize;

use crate::sys::caps::Capability;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unsupported,
    Permission,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

impl ProbeResult {
    fn pass(name: &'static str, detail: impl Into<String>) -> Self {
        ProbeResult {
            name,
            status: Status::Pass,
            detail: detail.into(),
        }
    }
    fn fail(name: &'static str, detail: impl Into<String>) -> Self {
        ProbeResult {
            name,
            status: Status::Fail,
            detail: detail.into(),
        }
    }
    fn unsupported(name: &'static str, detail: impl Into<String>) -> Self {
        ProbeResult {
            name,
            status: Status::Unsupported,
            detail: detail.into(),
        }
    }
    fn permission(name: &'static str, detail: impl Into<String>) -> Self {
        ProbeResult {
            name,
            status: Status::Permission,
            detail: detail.into(),
        }
    }
}

/// A failed step: what failed, in words, and the errno the kernel or libbpf gave.
#[derive(Debug, Clone)]
struct Failure {
    text: String,
    errno: Option<i32>,
}

impl Failure {
    fn libbpf(what: &str, err: &libbpf_rs::Error) -> Failure {
        Failure {
            text: failure_text(what, err),
            errno: crate::sys::libbpf_errno(err),
        }
    }

    /// `fail`, or `permission` when the kernel said EPERM/EACCES and this process lacks one of `needed`.
    fn result(self, name: &'static str, needed: &[Capability]) -> ProbeResult {
        match permission_problem(self.errno, needed) {
            Some(missing) => {
                ProbeResult::permission(name, format!("{} (missing {missing})", self.text))
            }
            None => ProbeResult::fail(name, self.text),
        }
    }
}

/// Loading and tracing: CAP_BPF and CAP_PERFMON (5.8), or CAP_SYS_ADMIN.
const TRACING_CAPS: [Capability; 2] = [Capability::Bpf, Capability::Perfmon];
/// Network program types: CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN.
const NET_CAPS: [Capability; 2] = [Capability::Bpf, Capability::NetAdmin];

/// For EPERM/EACCES: what this process lacks to be sure the refusal is the kernel's (see `caps::missing`); None
/// for other errors and when it holds everything.
fn permission_problem(errno: Option<i32>, needed: &[Capability]) -> Option<String> {
    if !matches!(errno, Some(libc::EPERM) | Some(libc::EACCES)) {
        return None;
    }
    crate::sys::caps::missing(needed)
}

#[derive(Debug, Clone, Serialize)]
pub struct BtfIdentity {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KernelIdentity {
    pub release: String,
    pub arch: String,
    pub btf: Option<BtfIdentity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub unsupported: usize,
    pub permission: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub kernel: KernelIdentity,
    /// `pass` when every probe the kernel supports passed (and none lacked a permission).
    pub verdict: Verdict,
    pub summary: Summary,
    pub probes: Vec<ProbeResult>,
}

/// Runs every probe in a fixed order. System probes come first: when bpf() itself is unusable the program probes
/// are reported as not run, with the reason, instead of as a cascade of permission errors.
pub fn run() -> CheckReport {
    crate::sys::kernel::raise_memlock_limit();
    let uname = crate::sys::kernel::uname();
    let (btf_probe, btf) = system::btf();
    let bpf_probe = system::bpf_syscall();
    let bpf_usable = bpf_probe.status == Status::Pass;
    let bpf_denied = bpf_probe.status == Status::Permission;
    let tracefs_probe = system::tracefs();

    let mut probes = vec![
        system::privileges(),
        bpf_probe,
        btf_probe,
        system::bpffs(),
        tracefs_probe,
    ];
    if bpf_usable {
        probes.extend(attach::tracepoint_data_path());
        probes.push(attach::ringbuf());
        probes.push(attach::raw_tracepoint());
        probes.push(attach::uprobe());
        probes.push(attach::kprobe());
        probes.push(attach::fentry());
        probes.extend(testrun::run());
    } else {
        // Not run because this process may not use bpf(): a permission matter, like bpf_syscall's own.
        let not_run = if bpf_denied {
            ProbeResult::permission
        } else {
            ProbeResult::fail
        };
        for name in PROGRAM_PROBES {
            probes.push(not_run(
                name,
                "not run: bpf() is not usable by this process (see bpf_syscall)",
            ));
        }
    }
    probes.extend(system::sysctls());

    let mut summary = Summary::default();
    for p in &probes {
        match p.status {
            Status::Pass => summary.pass += 1,
            Status::Fail => summary.fail += 1,
            Status::Unsupported => summary.unsupported += 1,
            Status::Permission => summary.permission += 1,
        }
    }
    // A probe that could not run for lack of privilege proves nothing: the self-test did not pass.
    let verdict = if summary.fail == 0 && summary.permission == 0 {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    CheckReport {
        kernel: KernelIdentity {
            release: uname.release,
            arch: uname.machine,
            btf,
        },
        verdict,
        summary,
        probes,
    }
}

/// Probes that need bpf(); listed so that an unprivileged run still names every one of them.
const PROGRAM_PROBES: [&str; 10] = [
    "core_task_struct",
    "tracepoint",
    "perf_buffer",
    "ringbuf",
    "raw_tracepoint",
    "uprobe",
    "kprobe",
    "fentry",
    "test_run_xdp",
    "test_run_socket_filter",
];

/// Text for a libbpf failure: its message plus the last thing libbpf itself complained about, which is where the
/// verifier's or the kernel's real reason usually is.
fn failure_text(what: &str, err: &libbpf_rs::Error) -> String {
    let mut text = format!("{what}: {}", crate::sys::libbpf_reason(err));
    if let Some(last) = crate::sys::libbpf_log::take()
        .into_iter()
        .rev()
        .find(|m| !m.trim().is_empty())
    {
        let last = last.trim();
        text.push_str(&format!(
            " (libbpf: {})",
            last.strip_prefix("libbpf: ").unwrap_or(last)
        ));
    }
    text
}

//! Kernel feature probes: does this kernel accept a program type, a map type, a helper or kfunc in a program type,
//! an ISA extension? Each probe asks the kernel directly and answers with a tri-state `Verdict`; the reason for an
//! inconclusive answer is kept for the caller. No CLI knowledge here: `crate::probe` assembles the report.

mod chain;
mod insn;
mod link;
mod load;
mod map;
mod prog;

pub use chain::{chainable, chains_apply, probe_helper_chain, ChainMaps, Link};
pub use link::{probe_multi_link, MultiLink};
pub use load::{bpf_syscall_exists, ifindex, LogBuf, ProgSpec};
pub use map::probe_map_type;
pub use prog::{
    helpers_probeable, kernel_helper_count, probe_helper_in, probe_kfunc, probe_kfunc_in,
    probe_misc, probe_prog_spec, probe_prog_type, spec_for, MiscFeature,
};

use crate::error::errno_text;

/// A probe's answer: the kernel said yes, the kernel said no, or its answer did not tell (with why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Yes,
    No,
    Unknown(String),
}

impl Verdict {
    /// true / false / None, the JSON form.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Verdict::Yes => Some(true),
            Verdict::No => Some(false),
            Verdict::Unknown(_) => None,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Unknown(reason) => Some(reason),
            _ => None,
        }
    }
}

/// Where and as whom probes run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeEnv {
    /// Non-zero: probe offload to this network device (prog_ifindex / map_ifindex).
    pub ifindex: u32,
    /// The caller dropped its BPF capabilities: a permission error then means "not available to unprivileged
    /// users", a definite no, rather than an inconclusive probe.
    pub unprivileged: bool,
    /// The caller has CAP_SYS_ADMIN (which implies what CAP_BPF grants): a permission error is then kernel
    /// policy refusing the feature to everyone (this 6.18 build answers EPERM for tracing, lsm and ext
    /// programs even to root), so a definite no. Without it, EPERM only says the caller lacks privileges.
    pub privileged: bool,
}

impl ProbeEnv {
    /// Whether EPERM/EACCES from the kernel is a definite answer rather than a missing privilege.
    fn permission_is_final(self) -> bool {
        self.unprivileged || self.privileged
    }
}

/// The verdict for an errno from a load or create whose only expected failure is "the kernel does not know this".
fn refusal_verdict(errno: i32, env: ProbeEnv) -> Verdict {
    match errno {
        // Unknown program/map types and attributes a kernel does not support come back as EINVAL; E2BIG is an
        // attribute struct larger than the kernel knows; (E)NOTSUPP is what struct_ops and offload say.
        libc::EINVAL | libc::E2BIG | libc::EOPNOTSUPP | crate::error::ENOTSUPP => Verdict::No,
        libc::EPERM | libc::EACCES if env.permission_is_final() => Verdict::No,
        libc::EPERM | libc::EACCES => Verdict::Unknown(format!(
            "{}: run as root, or probe with `unprivileged`",
            errno_text(errno)
        )),
        errno => Verdict::Unknown(errno_text(errno)),
    }
}

//! Link types a kernel declares but may not be able to create: kprobe_multi links need CONFIG_FPROBE and
//! uprobe_multi links CONFIG_UPROBES; without them the kernel keeps the enum values and refuses every such link
//! with EOPNOTSUPP (Debian's 6.1, this VM's 6.18). The enum alone would say yes.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use libbpf_sys as sys;

use super::insn::{self, R0};
use super::load::{load_prog_fd, ProgSpec};
use super::{refusal_verdict, ProbeEnv, Verdict};
use crate::error::errno_text;

/// The multi-attach link kinds whose support is a kernel build option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultiLink {
    Kprobe,
    Uprobe,
}

impl MultiLink {
    fn attach_type(self) -> u32 {
        match self {
            MultiLink::Kprobe => sys::BPF_TRACE_KPROBE_MULTI,
            MultiLink::Uprobe => sys::BPF_TRACE_UPROBE_MULTI,
        }
    }
}

/// Can this kernel create `kind` links? A kprobe program made for the link is asked to link to nothing (no
/// symbols, no path, count 0): a kernel built with the option refuses the empty request (EINVAL), one without it
/// refuses the link kind (EOPNOTSUPP) before reading the request. Only meaningful where the kernel's enum has the
/// attach type (an older kernel says EINVAL for an attach type it does not know); the caller checks that first.
pub fn probe_multi_link(kind: MultiLink, env: ProbeEnv) -> Verdict {
    let spec = ProgSpec {
        prog_type: sys::BPF_PROG_TYPE_KPROBE,
        expected_attach_type: kind.attach_type(),
        ..Default::default()
    };
    let prog = match load_prog_fd(&spec, &[insn::mov64_imm(R0, 0), insn::exit()], None) {
        Ok(fd) => fd,
        Err(r) => return refusal_verdict(r.errno, env),
    };
    let opts = sys::bpf_link_create_opts {
        sz: std::mem::size_of::<sys::bpf_link_create_opts>() as _,
        ..Default::default()
    };
    // SAFETY: prog is an open program fd for the duration of the call; opts is a valid, sized options struct whose
    // union is all zero (no symbol, address or path pointers).
    let fd = unsafe { sys::bpf_link_create(prog.as_raw_fd(), 0, kind.attach_type(), &opts) };
    if fd >= 0 {
        // An empty link should not exist; if a kernel made one, it can make them.
        // SAFETY: a non-negative return is a new fd this process owns.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
        return Verdict::Yes;
    }
    match -fd {
        libc::EINVAL => Verdict::Yes,
        libc::EOPNOTSUPP | crate::error::ENOTSUPP => Verdict::No,
        errno => Verdict::Unknown(errno_text(errno)),
    }
}

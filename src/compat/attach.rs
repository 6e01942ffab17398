//! Can a loaded program attach where its section says? Separate from loading: a kprobe program loads without its
//! function (the kernel learns the target when the program is attached), so a kprobe on a function this kernel
//! lacks, a tracepoint it does not have, or a tcx link it cannot make fail at attach time, and tools that ship two
//! alternatives for one hook rely on exactly that. `compatible` does not depend on it unless `--require-attach`.

use std::path::Path;

use serde::Serialize;

use super::kernel::KernelView;
use super::program::kind_of;
use crate::btf::Kind;
use crate::elf::Program;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Attach {
    #[serde(rename = "ok")]
    Ok,
    /// The hook it names is not in this kernel (function, tracepoint, iterator).
    #[serde(rename = "missing target")]
    MissingTarget,
    /// The kernel cannot make this kind of attachment at all (no kprobes, no kprobe_multi or tcx links).
    #[serde(rename = "unsupported")]
    Unsupported,
    /// Not decidable here: the target is given at run time, or only kallsyms could tell (`--kallsyms FILE`).
    #[serde(rename = "unknown")]
    Unknown,
}

/// The attach status of `p` and why when it is not ok. `load_target_missing`: the load check already found the
/// BTF target (fentry function, tracepoint, LSM hook, iterator) missing.
pub fn status(
    p: &Program,
    view: &KernelView,
    load_target_missing: bool,
) -> (Attach, Option<String>) {
    if load_target_missing {
        return (
            Attach::MissingTarget,
            Some("its BTF attach target is missing".into()),
        );
    }
    let kind = kind_of(p);
    let target = p.attach_target.as_deref();
    match kind {
        "kprobe" | "kretprobe" => kprobe(target.map(|t| t.split('+').next().unwrap_or(t)), view),
        "ksyscall" | "kretsyscall" => {
            kprobe(target.map(|t| syscall_entry(t, view)).as_deref(), view)
        }
        "kprobe.multi" | "kretprobe.multi" | "kprobe.session" => kprobe_multi(target, view),
        "tracepoint" | "tp" => tracepoint(target, view),
        "raw_tp" | "raw_tracepoint" | "raw_tp.w" | "raw_tracepoint.w" => match target {
            None => unknown_target(),
            Some(t)
                if view
                    .find(&format!("btf_trace_{t}"), Kind::Typedef)
                    .is_some() =>
            {
                (Attach::Ok, None)
            }
            Some(t) => missing(format!("raw tracepoint {t} not in kernel BTF")),
        },
        "tcx/ingress" | "tcx/egress" | "tc/ingress" | "tc/egress" => {
            link_type(view, "TCX", "tcx links (6.6)")
        }
        "netkit/primary" | "netkit/peer" => link_type(view, "NETKIT", "netkit links (6.7)"),
        "lsm" | "lsm.s" if view.live => lsm_active(),
        _ => (Attach::Ok, None),
    }
}

fn missing(why: String) -> (Attach, Option<String>) {
    (Attach::MissingTarget, Some(why))
}

fn unknown_target() -> (Attach, Option<String>) {
    (
        Attach::Unknown,
        Some("the section names no target: its loader gives one at run time".into()),
    )
}

/// libbpf's syscall kprobe target: the arch wrapper (`__x64_sys_openat`) where the kernel has wrappers.
fn syscall_entry(name: &str, view: &KernelView) -> String {
    ["__x64_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_"]
        .iter()
        .map(|p| format!("{p}{name}"))
        .find(|f| view.has_func(f))
        .unwrap_or_else(|| format!("sys_{name}"))
}

fn kprobes_available(view: &KernelView) -> bool {
    !view.live
        || Path::new("/sys/bus/event_source/devices/kprobe").exists()
        || Path::new(crate::sys::fs::TRACEFS_PATH)
            .join("kprobe_events")
            .exists()
}

fn kprobe(func: Option<&str>, view: &KernelView) -> (Attach, Option<String>) {
    let Some(func) = func else {
        return unknown_target();
    };
    if !kprobes_available(view) {
        return (
            Attach::Unsupported,
            Some("the kernel has no kprobes (no kprobe PMU, no kprobe_events)".into()),
        );
    }
    if let Some(symbols) = view.symbols {
        let found = symbols.names.contains(func)
            || symbols.traceable.as_ref().is_some_and(|t| t.contains(func));
        return if found {
            (Attach::Ok, None)
        } else {
            missing(format!("{func} not in kernel symbols"))
        };
    }
    if view.has_func(func) {
        return (Attach::Ok, None);
    }
    (
        Attach::Unknown,
        Some(format!(
            "{func} not in kernel BTF; kallsyms (static, renamed and .isra functions) not known here: --kallsyms FILE"
        )),
    )
}

/// A multi-kprobe pattern needs a link type some builds lack, and at least one matching function.
fn kprobe_multi(pattern: Option<&str>, view: &KernelView) -> (Attach, Option<String>) {
    let declared = view.enum_has("bpf_link_type", "BPF_LINK_TYPE_KPROBE_MULTI");
    let probed = view.table.and_then(|t| t.link("kprobe_multi"));
    if declared == Some(false) || probed == Some(false) {
        return (
            Attach::Unsupported,
            Some("the kernel cannot create kprobe_multi links".into()),
        );
    }
    let Some(pattern) = pattern else {
        return unknown_target();
    };
    let matches = |name: &str| glob(pattern, name);
    let found = match view.symbols {
        Some(s) => match &s.traceable {
            Some(t) => t.iter().any(|n| matches(n)),
            None => s.names.iter().any(|n| matches(n)),
        },
        None => {
            let btf = view.btf;
            (1..btf.type_count()).any(|id| {
                btf.type_by_id(id)
                    .is_some_and(|t| t.kind() == Kind::Func && matches(t.name()))
            })
        }
    };
    if found {
        (Attach::Ok, None)
    } else {
        missing(format!("no kernel function matches {pattern}"))
    }
}

/// `*` and `?` as libbpf's glob_match uses them for kprobe.multi patterns.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A tracepoint "category/name": in tracefs on the running kernel; offline, every TRACE_EVENT has a btf_trace_
/// typedef, and the syscall events exist where the syscall's entry function does.
fn tracepoint(target: Option<&str>, view: &KernelView) -> (Attach, Option<String>) {
    let Some((category, name)) = target.and_then(|t| t.split_once('/')) else {
        return unknown_target();
    };
    if view.live {
        for root in [crate::sys::fs::TRACEFS_PATH, "/sys/kernel/debug/tracing"] {
            let events = Path::new(root).join("events");
            if events.is_dir() {
                return if events.join(category).join(name).exists() {
                    (Attach::Ok, None)
                } else {
                    missing(format!("tracepoint {category}/{name} not in tracefs"))
                };
            }
        }
    }
    if category == "syscalls" {
        let Some(call) = name
            .strip_prefix("sys_enter_")
            .or_else(|| name.strip_prefix("sys_exit_"))
        else {
            return missing(format!("{name} is not a syscall event"));
        };
        let entry = syscall_entry(call, view);
        return if view.has_func(&entry) {
            (Attach::Ok, None)
        } else {
            (
                Attach::Unknown,
                Some(format!("syscall {call}: no {entry} in kernel BTF")),
            )
        };
    }
    if view
        .find(&format!("btf_trace_{name}"), Kind::Typedef)
        .is_some()
    {
        (Attach::Ok, None)
    } else {
        missing(format!("tracepoint {category}/{name} not in kernel BTF"))
    }
}

fn link_type(view: &KernelView, link: &str, what: &str) -> (Attach, Option<String>) {
    match view.enum_has("bpf_link_type", &format!("BPF_LINK_TYPE_{link}")) {
        Some(false) => (
            Attach::Unsupported,
            Some(format!("the kernel has no {what}")),
        ),
        _ => (Attach::Ok, None),
    }
}

/// LSM programs only run where "bpf" is among the active LSMs (the lsm= boot parameter).
fn lsm_active() -> (Attach, Option<String>) {
    match std::fs::read_to_string("/sys/kernel/security/lsm") {
        Ok(list) if !list.split(',').any(|l| l.trim() == "bpf") => (
            Attach::Unsupported,
            Some(format!(
                "the BPF LSM is not active (active: {})",
                list.trim()
            )),
        ),
        _ => (Attach::Ok, None),
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_like_libbpf() {
        assert!(glob("vfs_*", "vfs_read"));
        assert!(glob("*_read", "vfs_read"));
        assert!(glob("v?s_read", "vfs_read"));
        assert!(!glob("vfs_*", "do_vfs_read"));
        assert!(glob("*", "x"));
    }
}

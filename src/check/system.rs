//! Probes of the system around BPF: privileges, the bpf() syscall, BTF, pseudo file systems and sysctls.

use sha2::{Digest, Sha256};

use super::{BtfIdentity, ProbeResult, Status};
use crate::sys::caps::{CapSet, Capability};
use crate::sys::fs::{ensure_mounted, MountState, PseudoFs};
use crate::sys::kernel::sysctl_int;

pub const VMLINUX_BTF: &str = "/sys/kernel/btf/vmlinux";

pub fn privileges() -> ProbeResult {
    let name = "privileges";
    let Some(caps) = CapSet::effective() else {
        return ProbeResult::fail(name, "cannot read /proc/self/status (is /proc mounted?)");
    };
    let held: Vec<&str> = Capability::BPF_RELATED
        .iter()
        .filter(|c| caps.has(**c))
        .map(|c| c.name())
        .collect();
    let held_text = if held.is_empty() {
        "none".to_string()
    } else {
        held.join(",")
    };
    // CAP_SYS_ADMIN covers everything; since 5.8 CAP_BPF + CAP_PERFMON cover loading and tracing.
    if caps.has(Capability::SysAdmin)
        || (caps.has(Capability::Bpf) && caps.has(Capability::Perfmon))
    {
        ProbeResult::pass(name, format!("effective capabilities: {held_text}"))
    } else {
        ProbeResult::fail(
            name,
            format!(
                "missing capability CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN); effective BPF-related capabilities: \
                 {held_text}; run as root"
            ),
        )
    }
}

/// Creates (and drops) a one-entry array map: the smallest proof that bpf() works for this process.
pub fn bpf_syscall() -> ProbeResult {
    let name = "bpf_syscall";
    let opts = libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as libbpf_sys::size_t,
        ..Default::default()
    };
    match libbpf_rs::MapHandle::create(
        libbpf_rs::MapType::Array,
        Some("ebpfctl_probe"),
        4,
        8,
        1,
        &opts,
    ) {
        Ok(_) => ProbeResult::pass(name, "BPF_MAP_CREATE works"),
        Err(e) => {
            let errno = crate::sys::libbpf_errno(&e).unwrap_or(0);
            let mut why = format!("BPF_MAP_CREATE: {}", crate::error::errno_text(errno));
            if errno == libc::EPERM {
                why.push_str(" (missing capability CAP_BPF or CAP_SYS_ADMIN");
                if let Some(v @ 1..) = sysctl_int("kernel/unprivileged_bpf_disabled") {
                    why.push_str(&format!("; kernel.unprivileged_bpf_disabled={v}"));
                }
                why.push(')');
            }
            match errno {
                libc::ENOSYS => {
                    ProbeResult::unsupported(name, "no bpf() syscall (CONFIG_BPF_SYSCALL off)")
                }
                libc::EPERM | libc::EACCES => ProbeResult::permission(name, why),
                _ => ProbeResult::fail(name, why),
            }
        }
    }
}

/// The kernel's own BTF, which CO-RE relocates against; its sha256 identifies the exact kernel build.
pub fn btf() -> (ProbeResult, Option<BtfIdentity>) {
    let name = "btf";
    match std::fs::read(VMLINUX_BTF) {
        Ok(bytes) => {
            let identity = BtfIdentity {
                path: VMLINUX_BTF.to_string(),
                size: bytes.len() as u64,
                sha256: crate::fastfmt::hex_string(&Sha256::digest(&bytes)),
            };
            let detail = format!("{} ({} bytes)", VMLINUX_BTF, identity.size);
            (ProbeResult::pass(name, detail), Some(identity))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            ProbeResult::unsupported(
                name,
                format!("{VMLINUX_BTF} missing (CONFIG_DEBUG_INFO_BTF off): no CO-RE"),
            ),
            None,
        ),
        Err(e) => (
            ProbeResult::fail(
                name,
                format!(
                    "{VMLINUX_BTF}: {}",
                    crate::error::errno_text(e.raw_os_error().unwrap_or(0))
                ),
            ),
            None,
        ),
    }
}

fn mount_probe(name: &'static str, fs: PseudoFs) -> ProbeResult {
    match ensure_mounted(fs) {
        Ok(MountState::AlreadyMounted) => {
            ProbeResult::pass(name, format!("mounted at {}", fs.default_path()))
        }
        Ok(MountState::MountedNow) => ProbeResult::pass(
            name,
            format!("was missing; mounted at {}", fs.default_path()),
        ),
        // Mounting needs CAP_SYS_ADMIN: a refusal says nothing about the kernel.
        Err(e) if e.kind == crate::error::ErrorKind::Permission => ProbeResult::permission(
            name,
            format!("{e} (mounting {} needs CAP_SYS_ADMIN)", fs.default_path()),
        ),
        Err(e) => ProbeResult::fail(name, e.to_string()),
    }
}

pub fn bpffs() -> ProbeResult {
    mount_probe("bpffs", PseudoFs::Bpf)
}

pub fn tracefs() -> ProbeResult {
    mount_probe("tracefs", PseudoFs::Trace)
}

/// Settings an operator wants to see beside the verdict. Any value is a pass; an absent sysctl means the kernel
/// lacks the feature.
pub fn sysctls() -> Vec<ProbeResult> {
    let setting =
        |name: &'static str, sysctl: &str, explain: fn(i64) -> &'static str, missing: &str| {
            match sysctl_int(sysctl) {
                Some(v) => ProbeResult::pass(
                    name,
                    format!("{}={v} ({})", sysctl.replace('/', "."), explain(v)),
                ),
                None => ProbeResult::unsupported(
                    name,
                    format!("/proc/sys/{sysctl} not present: {missing}"),
                ),
            }
        };
    let jit = setting(
        "jit",
        "net/core/bpf_jit_enable",
        |v| match v {
            0 => "interpreter",
            1 => "JIT on",
            _ => "JIT on, debug output",
        },
        "no BPF JIT in this kernel",
    );
    vec![
        if jit.status == Status::Unsupported && outside_initial_netns() {
            ProbeResult::pass(
                "jit",
                "net.core.bpf_jit_enable not visible: this process is not in the initial network namespace \
                 (a container's own), and the kernel registers the BPF JIT sysctls only there",
            )
        } else {
            jit
        },
        setting(
            "bpf_stats",
            "kernel/bpf_stats_enabled",
            |v| {
                if v == 0 {
                    "run_time_ns/run_cnt not collected"
                } else {
                    "run_time_ns/run_cnt collected"
                }
            },
            "kernel older than 5.1",
        ),
        setting(
            "unprivileged_bpf",
            "kernel/unprivileged_bpf_disabled",
            |v| match v {
                0 => "unprivileged bpf() allowed",
                1 => "unprivileged bpf() off, locked until reboot",
                _ => "unprivileged bpf() off, root may re-enable",
            },
            "sysctl absent",
        ),
    ]
}

/// The kernel registers some net.core sysctls (bpf_jit_*, netdev_max_backlog, …) for the initial network namespace
/// alone; netdev_max_backlog is there on every kernel with networking, so its absence beside a present
/// /proc/sys/net/core means this process sees another network namespace, not a kernel without the feature.
fn outside_initial_netns() -> bool {
    std::path::Path::new("/proc/sys/net/core").is_dir()
        && sysctl_int("net/core/netdev_max_backlog").is_none()
}

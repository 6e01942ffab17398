//! `prog attach PROG TYPE TARGET [--pin PATH | --wait]`: attach a loaded program as a BPF link wherever the kernel
//! has links, and pin the link so it outlives ebpfctl. The few attachments that are not links (classic tc filters,
//! sockmap programs) live on their target until detached and need no pin.

pub mod detach;
pub mod target;

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::cli::{AttachArgs, AttachKind};
use crate::cmd::attach::target::{kind_name, Target};
use crate::cmd::select::resolve;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Capability, Error, ErrorKind, Result};
use crate::output::lifecycle::{AttachReport, AttachedLink};
use crate::sys::bpf::{self, ProgBrief};
use crate::sys::link::{self as syslink, LinkOpts, TcDirection};
use crate::sys::names;
use crate::sys::{link_info, netlink, perf_event, pins};

/// What an attach produced.
pub enum Made {
    /// BPF links, each with a name suffix when there are several (perf_event: "cpu0", "cpu1"...).
    Links(Vec<(Option<String>, OwnedFd)>),
    /// An attachment that is not a link and stays until detached; the text says what it is.
    Persistent(String),
}

/// What the kernel checks before attaching `kind`: perf events and tracing links want CAP_PERFMON, network
/// hooks (netlink, tc, cgroups, sockets) CAP_NET_ADMIN, on top of CAP_BPF.
pub fn capabilities_for(kind: AttachKind) -> &'static [Capability] {
    use AttachKind::*;
    match kind {
        Tracepoint | RawTracepoint | TpBtf | Kprobe | Kretprobe | KprobeMulti | KretprobeMulti
        | Uprobe | Uretprobe | Usdt | Fentry | Fexit | FmodRet | Lsm | PerfEvent => {
            &[Capability::Bpf, Capability::Perfmon]
        }
        _ => &[Capability::Bpf, Capability::NetAdmin],
    }
}

/// Attach types whose attachment is not a BPF link.
pub fn is_persistent(kind: AttachKind) -> bool {
    use AttachKind::*;
    matches!(
        kind,
        TcIngress | TcEgress | SkMsgVerdict | SkSkbStreamParser | SkSkbStreamVerdict | SkSkbVerdict
    )
}

pub fn run(ctx: &Context, args: &AttachArgs) -> CmdResult {
    let kind = args.attach_type;
    let target = target::parse(kind, &args.target, true)?;
    let prog = resolve::prog_ref(&args.prog)?;
    let brief = bpf::prog_brief(prog.fd.as_fd())
        .map_err(|e| Error::from_io(&prog.label, &e, "cannot read program info"))?;
    check_prog_type(kind, &brief, &prog.label)?;
    let name = kind_name(kind);
    if is_persistent(kind) && args.pin.is_some() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &name,
            "this attachment is not a link and stays until `prog detach`; there is nothing to pin",
        ));
    }
    if !is_persistent(kind) && args.pin.is_none() && !args.wait {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &name,
            "this attachment is a BPF link that would end when ebpfctl exits; give --pin PATH to keep it, \
             or --wait to hold it until Ctrl-C",
        ));
    }
    if let Some(pin) = &args.pin {
        pins::check_new_pin_path(pin)?;
    }
    let made = make(kind, &target, prog.fd.as_fd(), args.cookie.unwrap_or(0))
        .map_err(|e| e.needing(capabilities_for(kind)))?;
    let mut report = AttachReport {
        prog_id: brief.id,
        attach_type: name,
        target: describe(&target),
        links: Vec::new(),
        persistent: None,
        held: args.wait && args.pin.is_none(),
    };
    let links = match made {
        Made::Persistent(what) => {
            report.persistent = Some(what);
            show(ctx, &report)?;
            return Ok(Outcome::Success);
        }
        Made::Links(links) => links,
    };
    let mut pinset = pins::PinSet::new();
    for (suffix, fd) in &links {
        let pinned = match (&args.pin, suffix) {
            (Some(p), None) => Some(p.clone()),
            (Some(p), Some(s)) => Some(p.join(s)),
            (None, _) => None,
        };
        if let Some(path) = &pinned {
            pinset.pin(fd.as_fd(), path)?;
        }
        let id = link_info::link_info(fd.as_fd()).map_or(0, |l| l.id);
        report.links.push(AttachedLink {
            id,
            pinned: pinned.map(|p| p.display().to_string()),
        });
    }
    pinset.commit();
    show(ctx, &report)?;
    if report.held {
        crate::sys::process::wait_for_termination()
            .map_err(|e| Error::from_io("--wait", &e, "cannot wait for signals"))?;
    }
    drop(links);
    Ok(Outcome::Success)
}

fn check_prog_type(kind: AttachKind, brief: &ProgBrief, label: &str) -> Result<()> {
    let allowed = target::prog_types_for(kind);
    let actual = names::prog_type(brief.prog_type)
        .map(str::to_string)
        .unwrap_or_else(|| brief.prog_type.to_string());
    if allowed.contains(&actual.as_str()) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        label,
        format!(
            "is a {actual} program; {} attaches {} programs",
            kind_name(kind),
            allowed.join(" or ")
        ),
    ))
}

fn describe(target: &Target) -> String {
    match target {
        Target::Tracepoint { category, name } => format!("{category}/{name}"),
        Target::RawTracepoint { name } => name.clone(),
        Target::LoadTime | Target::Any => "(chosen at load)".to_string(),
        Target::Kprobe { func, offset } if *offset > 0 => format!("{func}+{offset:#x}"),
        Target::Kprobe { func, .. } => func.clone(),
        Target::KprobeMulti { symbols } => symbols.join(","),
        Target::Uprobe {
            binary,
            location,
            pid,
        } if *pid >= 0 => format!("{}:{location} pid {pid}", binary.display()),
        Target::Uprobe {
            binary, location, ..
        } => format!("{}:{location}", binary.display()),
        Target::PerfEvent { cpu, freq, .. } => match cpu {
            Some(c) => format!("cpu-clock {freq} Hz on cpu {c}"),
            None => format!("cpu-clock {freq} Hz on every cpu"),
        },
        Target::Device { name } => format!("dev {name}"),
        Target::Cgroup { path } | Target::Netns { path } => path.display().to_string(),
        Target::Map { words } => words.join(" "),
        Target::Netfilter {
            pf, hook, priority, ..
        } => format!("pf {pf} hook {hook} prio {priority}"),
    }
}

/// Converts an attach failure into an error about `object`; perf PMU errors carry their own text.
pub fn attach_error(object: &str, e: &io::Error) -> Error {
    match e.raw_os_error() {
        None => Error::new(ErrorKind::Unsupported, object, e.to_string()),
        Some(errno) => Error::from_errno(object, errno, "attach failed"),
    }
}

fn link(
    prog: BorrowedFd<'_>,
    target: i32,
    attach_type: u32,
    opts: &LinkOpts,
    object: &str,
) -> Result<Made> {
    let fd = syslink::link_create(prog, target, attach_type, opts)
        .map_err(|e| attach_error(object, &e))?;
    Ok(Made::Links(vec![(None, fd)]))
}

fn perf_link(prog: BorrowedFd<'_>, pfd: OwnedFd, cookie: u64, object: &str) -> Result<OwnedFd> {
    // The link holds the perf event; our fd to it can close afterwards.
    syslink::link_create(
        prog,
        pfd.as_raw_fd(),
        libbpf_sys::BPF_PERF_EVENT,
        &LinkOpts::PerfEvent { cookie },
    )
    .map_err(|e| attach_error(object, &e))
}

pub fn make(kind: AttachKind, target: &Target, prog: BorrowedFd<'_>, cookie: u64) -> Result<Made> {
    use AttachKind::*;
    let object = describe(target);
    match target {
        Target::Tracepoint { .. }
        | Target::RawTracepoint { .. }
        | Target::LoadTime
        | Target::Kprobe { .. }
        | Target::Uprobe { .. } => tracing_link(kind, target, prog, cookie),
        Target::KprobeMulti { symbols } => link(
            prog,
            0,
            libbpf_sys::BPF_TRACE_KPROBE_MULTI,
            &LinkOpts::KprobeMulti {
                symbols: symbols.clone(),
                retprobe: kind == KretprobeMulti,
            },
            &object,
        ),
        Target::PerfEvent { cpu, freq, pid } => perf_event_links(prog, *cpu, *freq, *pid, &object),
        Target::Device { name } => device(kind, name, prog),
        Target::Cgroup { path } => {
            let cg = open_cgroup(path)?;
            let attach_type = attach_type_of(kind)?;
            link(prog, cg.as_raw_fd(), attach_type, &LinkOpts::None, &object)
        }
        Target::Map { words } => {
            let map = resolve::map_words(words)?;
            check_sock_map(&map)?;
            syslink::prog_attach(prog, map.fd.as_raw_fd(), attach_type_of(kind)?, 0)
                .map_err(|e| attach_error(&map.label, &e))?;
            Ok(Made::Persistent(format!(
                "attached to {} until `prog detach`",
                map.label
            )))
        }
        Target::Netns { path } => {
            // O_NONBLOCK: a FIFO given as the namespace must not block the open.
            let ns = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
                .open(path)
                .map_err(|e| Error::from_io(&object, &e, "cannot open network namespace"))?;
            link(
                prog,
                ns.as_raw_fd(),
                attach_type_of(kind)?,
                &LinkOpts::None,
                &object,
            )
        }
        Target::Netfilter {
            pf,
            hook,
            priority,
            defrag,
        } => link(
            prog,
            0,
            libbpf_sys::BPF_NETFILTER,
            &LinkOpts::Netfilter {
                pf: *pf,
                hooknum: *hook,
                priority: *priority,
                flags: u32::from(*defrag),
            },
            &object,
        ),
        Target::Any => Err(Error::new(
            ErrorKind::InvalidInput,
            "usage",
            "a target is required",
        )),
    }
}

/// sk_msg/sk_skb programs attach to socket maps; the kernel's answer for any other map is a bare EOPNOTSUPP.
pub fn check_sock_map(map: &resolve::Resolved) -> Result<()> {
    let brief = bpf::map_brief(map.fd.as_fd())
        .map_err(|e| Error::from_io(&map.label, &e, "cannot read map info"))?;
    if matches!(
        brief.map_type,
        libbpf_sys::BPF_MAP_TYPE_SOCKMAP | libbpf_sys::BPF_MAP_TYPE_SOCKHASH
    ) {
        return Ok(());
    }
    let actual = names::map_type(brief.map_type)
        .map(str::to_string)
        .unwrap_or_else(|| brief.map_type.to_string());
    Err(Error::new(
        ErrorKind::InvalidInput,
        &map.label,
        format!("is a {actual} map; sk_msg and sk_skb programs attach to sockmap or sockhash maps"),
    ))
}

/// The tracefs file a tracepoint attachment reads its event id from: what to fix when it is refused.
pub fn tracefs_event_id(category: &str, name: &str) -> String {
    format!(
        "{}/events/{category}/{name}/id",
        crate::sys::fs::TRACEFS_PATH
    )
}

fn tracepoint_error(object: &str, category: &str, name: &str, e: &io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::ENOENT) => Error::new(ErrorKind::NotFound, object, "no such tracepoint"),
        Some(libc::EACCES) => Error::new(
            ErrorKind::Permission,
            object,
            format!(
                "{}: not readable for this user",
                tracefs_event_id(category, name)
            ),
        ),
        _ => attach_error(object, e),
    }
}

/// Attachments to kernel or user code: tracepoints, probes and BTF-targeted tracing programs.
fn tracing_link(
    kind: AttachKind,
    target: &Target,
    prog: BorrowedFd<'_>,
    cookie: u64,
) -> Result<Made> {
    use AttachKind::*;
    let object = describe(target);
    match target {
        Target::Tracepoint { category, name } => {
            let pfd = perf_event::open_tracepoint(category, name)
                .map_err(|e| tracepoint_error(&object, category, name, &e))?;
            Ok(Made::Links(vec![(
                None,
                perf_link(prog, pfd, cookie, &object)?,
            )]))
        }
        Target::RawTracepoint { name } => {
            let fd = syslink::raw_tracepoint_open(Some(name), prog).map_err(|e| {
                match e.raw_os_error() {
                    Some(libc::ENOENT) => {
                        Error::new(ErrorKind::NotFound, &object, "no such raw tracepoint")
                    }
                    _ => attach_error(&object, &e),
                }
            })?;
            Ok(Made::Links(vec![(None, fd)]))
        }
        Target::LoadTime => {
            let fd = syslink::raw_tracepoint_open(None, prog)
                .map_err(|e| attach_error(&kind_name(kind), &e))?;
            Ok(Made::Links(vec![(None, fd)]))
        }
        Target::Kprobe { func, offset } => {
            let pfd = perf_event::open_kprobe(func, *offset, kind == Kretprobe)
                .map_err(|e| attach_error(&object, &e))?;
            Ok(Made::Links(vec![(
                None,
                perf_link(prog, pfd, cookie, &object)?,
            )]))
        }
        Target::Uprobe { .. } if kind == Usdt => Err(Error::new(
            ErrorKind::Unsupported,
            "usdt",
            "USDT probes need libbpf's spec maps, which are set up when the object is loaded: use \
             `prog load OBJ DIR autoattach` with SEC(\"usdt/BINARY:PROVIDER:NAME\")",
        )),
        Target::Uprobe {
            binary,
            location,
            pid,
        } => {
            let (path, offset) = uprobe_location(binary, location)?;
            let pfd = perf_event::open_uprobe(&path, offset, kind == Uretprobe, *pid)
                .map_err(|e| attach_error(&object, &e))?;
            Ok(Made::Links(vec![(
                None,
                perf_link(prog, pfd, cookie, &object)?,
            )]))
        }
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            "usage",
            "not a tracing target",
        )),
    }
}

pub fn attach_type_of(kind: AttachKind) -> Result<u32> {
    let name = kind_name(kind);
    names::value_of(names::attach_type, &name).ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            &name,
            "this libbpf does not know the attach type",
        )
    })
}

/// The absolute binary path and file offset for a uprobe.
fn uprobe_location(binary: &Path, location: &str) -> Result<(PathBuf, u64)> {
    let label = binary.display().to_string();
    let path = std::fs::canonicalize(binary)
        .map_err(|e| Error::from_io(&label, &e, "cannot open binary"))?;
    let data = crate::input::read_whole(&path, &label, "cannot read binary")?;
    let offset = crate::userspace::symbols::resolve_location(&data, location)
        .map_err(|why| Error::new(ErrorKind::NotFound, &label, why))?;
    Ok((path, offset))
}

fn perf_event_links(
    prog: BorrowedFd<'_>,
    cpu: Option<i32>,
    freq: u64,
    pid: i32,
    object: &str,
) -> Result<Made> {
    let cpus = match cpu {
        Some(c) => vec![c],
        // One event for the process wherever it runs.
        None if pid >= 0 => vec![-1],
        None => perf_event::online_cpus()
            .map_err(|e| Error::from_io("cpus", &e, "cannot read online cpus"))?,
    };
    let many = cpus.len() > 1;
    let mut links = Vec::new();
    for c in cpus {
        let pfd = perf_event::open_cpu_clock(c, pid, freq).map_err(|e| attach_error(object, &e))?;
        let fd = perf_link(prog, pfd, 0, object)?;
        links.push((many.then(|| format!("cpu{c}")), fd));
    }
    Ok(Made::Links(links))
}

pub fn ifindex(name: &str) -> Result<u32> {
    netlink::ifindex_of(name).map_err(|e| match e.raw_os_error() {
        Some(libc::ENODEV) | Some(libc::ENXIO) => Error::new(
            ErrorKind::NotFound,
            format!("dev {name}"),
            "no such network device",
        ),
        _ => Error::from_io(format!("dev {name}"), &e, "cannot look up device"),
    })
}

fn device(kind: AttachKind, name: &str, prog: BorrowedFd<'_>) -> Result<Made> {
    use AttachKind::*;
    let idx = ifindex(name)?;
    let object = format!("dev {name}");
    let (attach_type, opts) = match kind {
        Xdp => (libbpf_sys::BPF_XDP, LinkOpts::None),
        Xdpgeneric => (
            libbpf_sys::BPF_XDP,
            LinkOpts::Flags(syslink::XDP_FLAGS_SKB_MODE),
        ),
        Xdpdrv => (
            libbpf_sys::BPF_XDP,
            LinkOpts::Flags(syslink::XDP_FLAGS_DRV_MODE),
        ),
        Xdpoffload => (
            libbpf_sys::BPF_XDP,
            LinkOpts::Flags(syslink::XDP_FLAGS_HW_MODE),
        ),
        TcIngress | TcEgress => {
            let dir = if kind == TcIngress {
                TcDirection::Ingress
            } else {
                TcDirection::Egress
            };
            let id =
                syslink::tc_attach(idx as i32, dir, prog).map_err(|e| attach_error(&object, &e))?;
            return Ok(Made::Persistent(format!(
                "clsact filter handle {:#x} prio {} on {name}, until `prog detach`",
                id.handle, id.priority
            )));
        }
        NetkitPrimary | NetkitPeer => {
            let fd = syslink::link_create(prog, idx as i32, attach_type_of(kind)?, &LinkOpts::None)
                .map_err(|e| match e.raw_os_error() {
                    // A kernel without CONFIG_NETKIT answers EINVAL, one with it ENXIO for another device.
                    Some(libc::EINVAL | libc::ENXIO | libc::EOPNOTSUPP) => Error::new(
                        ErrorKind::InvalidInput,
                        &object,
                        "not a netkit device, or this kernel has no netkit (CONFIG_NETKIT, 6.7+)",
                    ),
                    _ => attach_error(&object, &e),
                })?;
            return Ok(Made::Links(vec![(None, fd)]));
        }
        _ => (attach_type_of(kind)?, LinkOpts::None),
    };
    link(prog, idx as i32, attach_type, &opts, &object)
}

const CGROUP2_SUPER_MAGIC: i64 = 0x63677270;

pub fn open_cgroup(path: &Path) -> Result<File> {
    let label = path.display().to_string();
    // O_DIRECTORY: anything but a directory (a FIFO that would block the open, a file) fails at once.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT) => Error::new(ErrorKind::NotFound, &label, "no such cgroup"),
            Some(libc::ENOTDIR) => {
                Error::new(ErrorKind::InvalidInput, &label, "not a cgroup v2 directory")
            }
            _ => Error::from_io(&label, &e, "cannot open cgroup"),
        })?;
    match crate::sys::fs::fs_magic(path) {
        Ok(CGROUP2_SUPER_MAGIC) => Ok(file),
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            &label,
            "not a cgroup v2 directory",
        )),
    }
}

//! `prog detach PROG TYPE [TARGET]` and `link detach LINK`: end attachments, removing only what the user named.
//! - `link detach` names a link: it is detached with BPF_LINK_DETACH and, of its bpffs pins, only the one given
//!   (`link detach pinned PATH`) is removed; the others are reported and left alone, as bpftool leaves every pin
//!   (another tool may own them). Link types the kernel cannot detach (perf_event, raw_tracepoint) end when their
//!   last pin and fd are gone: such a link is refused while pins the user did not name keep it.
//! - `prog detach` names an attachment (program, type, target): it ends the whole attachment, the link's pins
//!   included, since for the link types the kernel cannot detach the pins are what keep the program running.
//!
//! The older attachments are removed where they live (tc filter, PROG_DETACH, XDP).

use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::MetadataExt;

use crate::cli::{AttachKind, ProgRef};
use crate::cmd::attach::target::{self, kind_name, Target};
use crate::cmd::attach::{attach_error, attach_type_of, ifindex, is_persistent, open_cgroup};
use crate::cmd::select::resolve;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::lifecycle::{DetachReport, DetachedLink};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::bpffs::{self, PinIndex};
use crate::sys::link::{self as syslink, TcDirection};
use crate::sys::link_info::{self, LinkDetail, LinkInfo, PerfEventDetail};
use crate::sys::names;
use crate::sys::netlink;
use crate::sys::netlink::XdpMode;

pub fn run(ctx: &Context, prog: &ProgRef, kind: AttachKind, words: &[String]) -> CmdResult {
    let target = target::parse(kind, words, false)?;
    let prog = resolve::prog_ref(prog)?;
    let brief = bpf::prog_brief(prog.fd.as_fd())
        .map_err(|e| Error::from_io(&prog.label, &e, "cannot read program info"))?;
    let mut report = DetachReport {
        prog_id: Some(brief.id),
        links: Vec::new(),
        other: Vec::new(),
    };
    if !is_persistent(kind) {
        let matcher = LinkMatcher::new(kind, &target)?;
        let links: Vec<LinkInfo> = links_of_prog(brief.id)?
            .into_iter()
            .filter(|l| matcher.matches(l))
            .collect();
        if !links.is_empty() {
            let pins = bpffs::pinned_objects(ObjKind::Link);
            report.links = links
                .iter()
                .map(|l| detach_link(l, &pins, Unpin::All))
                .collect::<Result<_>>()?;
        }
    }
    if report.links.is_empty() {
        if let Some(what) = detach_without_link(kind, &target, prog.fd.as_fd(), brief.id)? {
            report.other.push(what);
        }
    }
    if report.links.is_empty() && report.other.is_empty() {
        let to = match &target {
            Target::Any => String::new(),
            _ => format!(" to {}", words.join(" ")),
        };
        return Err(Error::new(
            ErrorKind::NotFound,
            &prog.label,
            format!("not attached as {}{to}", kind_name(kind)),
        ));
    }
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

/// `link detach LINK`.
pub fn run_link(ctx: &Context, link: &crate::cli::LinkSelector) -> CmdResult {
    let resolved = resolve::link(link)?;
    let brief = link_info::link_info(resolved.fd.as_fd())
        .map_err(|e| Error::from_io(&resolved.label, &e, "cannot read link info"))?;
    drop(resolved);
    let unpin = match link {
        crate::cli::LinkSelector::Pinned { path } => Unpin::Only(path.as_path()),
        crate::cli::LinkSelector::Id { .. } => Unpin::Nothing,
    };
    let pins = bpffs::pinned_objects(ObjKind::Link);
    let report = DetachReport {
        prog_id: None,
        links: vec![detach_link(&brief, &pins, unpin)?],
        other: Vec::new(),
    };
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

fn links_of_prog(prog_id: u32) -> Result<Vec<LinkInfo>> {
    Ok(crate::cmd::select::list_ids(ObjKind::Link, "link")?
        .into_iter()
        .filter_map(|id| {
            let fd = bpf::fd_by_id(ObjKind::Link, id).ok()?;
            link_info::link_info(fd.as_fd()).ok()
        })
        .filter(|l| l.prog_id == prog_id)
        .collect())
}

/// Which pins of a detached link go.
#[derive(Clone, Copy)]
enum Unpin<'a> {
    /// `prog detach`: the attachment ends whole.
    All,
    /// `link detach pinned PATH`: that path only.
    Only(&'a std::path::Path),
    /// `link detach id N`: none.
    Nothing,
}

/// Detaches one link and removes the pins `unpin` says. perf_event and raw_tracepoint links have no
/// BPF_LINK_DETACH: they end when the last fd and pin are gone, so pins that must stay make it a refusal, and a
/// process still holding one is reported as `still_held`.
fn detach_link(link: &LinkInfo, pins: &PinIndex, unpin: Unpin<'_>) -> Result<DetachedLink> {
    let label = format!("link id {}", link.id);
    let link_type = names::link_type(link.link_type)
        .map(str::to_string)
        .unwrap_or_else(|| link.link_type.to_string());
    let (mut remove, keep): (Vec<String>, Vec<String>) =
        pins.of(link.id).iter().cloned().partition(|p| match unpin {
            Unpin::All => true,
            Unpin::Only(path) => std::path::Path::new(p) == path,
            Unpin::Nothing => false,
        });
    if let Unpin::Only(path) = unpin {
        // The path opened as this link is removed even where the bpffs walk did not list it (another mount).
        if remove.is_empty() {
            remove.push(path.display().to_string());
        }
    }
    let fd = bpf::fd_by_id(ObjKind::Link, link.id)
        .map_err(|e| Error::from_io(&label, &e, "cannot open"))?;
    let detached = match syslink::link_detach(fd.as_fd()) {
        Ok(()) => true,
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP) | Some(libc::EINVAL)
            ) =>
        {
            if !keep.is_empty() {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    label,
                    format!(
                        "the kernel cannot detach {link_type} links: this one ends when its pins and holders are \
                         gone, and it is also pinned at {} (left alone: not named; `link detach pinned PATH` \
                         removes the one given)",
                        keep.join(", ")
                    ),
                ));
            }
            false
        }
        Err(e) => return Err(Error::from_io(label, &e, "BPF_LINK_DETACH failed")),
    };
    drop(fd);
    let mut pins_removed = Vec::new();
    for path in remove {
        std::fs::remove_file(&path).map_err(|e| Error::from_io(&path, &e, "cannot unpin"))?;
        remove_dir_if_emptied(std::path::Path::new(&path));
        pins_removed.push(path);
    }
    Ok(DetachedLink {
        id: link.id,
        link_type,
        detached,
        pins_removed,
        pins_kept: keep,
        still_held: !detached && link_alive(link.id),
    })
}

/// `prog attach --pin DIR` of several links (perf_event on every cpu) made DIR; once its last pin is gone the
/// directory goes too, unless it is a bpffs mount point.
fn remove_dir_if_emptied(pin: &std::path::Path) {
    let Some(dir) = pin.parent() else { return };
    if bpffs::bpffs_mounts()
        .unwrap_or_default()
        .iter()
        .any(|m| m == dir)
    {
        return;
    }
    let _ = std::fs::remove_dir(dir); // fails harmlessly unless empty
}

/// Whether a link still exists shortly after its pins are gone (the kernel frees links after an RCU grace period).
fn link_alive(id: u32) -> bool {
    for _ in 0..20 {
        if bpf::fd_by_id(ObjKind::Link, id).is_err() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    true
}

/// Which of a program's links a `prog detach TYPE TARGET` means.
struct LinkMatcher {
    kind: AttachKind,
    target: Target,
    ifindex: Option<u32>,
    inode: Option<u64>,
    attach_type: Option<u32>,
}

impl LinkMatcher {
    fn new(kind: AttachKind, target: &Target) -> Result<Self> {
        let ifindex = match target {
            Target::Device { name } => Some(ifindex(name)?),
            _ => None,
        };
        let inode = match target {
            Target::Cgroup { path } | Target::Netns { path } => Some(
                std::fs::metadata(path)
                    .map_err(|e| Error::from_io(path.display().to_string(), &e, "cannot open"))?
                    .ino(),
            ),
            _ => None,
        };
        Ok(LinkMatcher {
            kind,
            target: target.clone(),
            ifindex,
            inode,
            attach_type: attach_type_of(kind).ok(),
        })
    }

    fn kprobe_matches(&self, retprobe: bool, func: &str) -> bool {
        retprobe == (self.kind == AttachKind::Kretprobe)
            && match &self.target {
                Target::Kprobe { func: want, .. } => func == want,
                other => *other == Target::Any,
            }
    }

    fn uprobe_matches(&self, retprobe: bool, file: &str) -> bool {
        retprobe == (self.kind == AttachKind::Uretprobe)
            && match &self.target {
                Target::Uprobe { binary, .. } => {
                    std::fs::canonicalize(binary).is_ok_and(|b| b.as_os_str() == file)
                }
                other => *other == Target::Any,
            }
    }

    fn netfilter_matches(&self, pf: u32, hooknum: u32, priority: i32) -> bool {
        match &self.target {
            Target::Netfilter {
                pf: p,
                hook,
                priority: prio,
                ..
            } => pf == *p && hooknum == *hook && priority == *prio,
            other => *other == Target::Any,
        }
    }

    fn matches(&self, link: &LinkInfo) -> bool {
        use AttachKind::*;
        let any = self.target == Target::Any;
        let same_if = |i: u32| any || self.ifindex == Some(i);
        let same_type = |t: u32| self.attach_type == Some(t);
        match (&link.detail, self.kind) {
            (LinkDetail::PerfEvent(PerfEventDetail::Tracepoint { name, .. }), Tracepoint) => {
                match &self.target {
                    Target::Tracepoint { name: want, .. } => name == want,
                    _ => any,
                }
            }
            (LinkDetail::RawTracepoint { tp_name, .. }, RawTracepoint) => match &self.target {
                Target::RawTracepoint { name } => tp_name == name,
                _ => any,
            },
            (
                LinkDetail::RawTracepoint { .. } | LinkDetail::Tracing { .. },
                TpBtf | Fentry | Fexit | FmodRet | Lsm,
            ) => true,
            (
                LinkDetail::PerfEvent(PerfEventDetail::Kprobe { retprobe, func, .. }),
                Kprobe | Kretprobe,
            ) => self.kprobe_matches(*retprobe, func),
            (
                LinkDetail::PerfEvent(PerfEventDetail::Uprobe { retprobe, file, .. }),
                Uprobe | Uretprobe,
            ) => self.uprobe_matches(*retprobe, file),
            (LinkDetail::PerfEvent(PerfEventDetail::Event { .. }), PerfEvent) => true,
            (LinkDetail::Xdp { ifindex }, Xdp | Xdpgeneric | Xdpdrv | Xdpoffload) => {
                same_if(*ifindex)
            }
            (
                LinkDetail::Tcx {
                    ifindex,
                    attach_type,
                },
                TcxIngress | TcxEgress,
            )
            | (
                LinkDetail::Netkit {
                    ifindex,
                    attach_type,
                },
                NetkitPrimary | NetkitPeer,
            ) => same_type(*attach_type) && same_if(*ifindex),
            (
                LinkDetail::Cgroup {
                    cgroup_id,
                    attach_type,
                },
                _,
            ) if target::is_cgroup(self.kind) => {
                same_type(*attach_type) && (any || self.inode == Some(*cgroup_id))
            }
            (
                LinkDetail::Netns {
                    netns_ino,
                    attach_type,
                },
                FlowDissector | SkLookup,
            ) => same_type(*attach_type) && (any || self.inode == Some(u64::from(*netns_ino))),
            (
                LinkDetail::Netfilter {
                    pf,
                    hooknum,
                    priority,
                    ..
                },
                Netfilter,
            ) => self.netfilter_matches(*pf, *hooknum, *priority),
            _ => {
                link.link_type == libbpf_sys::BPF_LINK_TYPE_KPROBE_MULTI
                    && matches!(self.kind, KprobeMulti | KretprobeMulti)
            }
        }
    }
}

/// Attachments that are not links: classic tc filters, sockmap programs, and what `cgroup attach` / `net attach`
/// made with PROG_ATTACH or netlink. Returns what was removed, or None when nothing matched.
fn detach_without_link(
    kind: AttachKind,
    target: &Target,
    prog: std::os::fd::BorrowedFd<'_>,
    prog_id: u32,
) -> Result<Option<String>> {
    use AttachKind::*;
    let label = kind_name(kind);
    let gone =
        |e: &std::io::Error| matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::EINVAL));
    match (kind, target) {
        (TcIngress | TcEgress, Target::Device { name }) => {
            let idx = ifindex(name)?;
            let (dir, parent) = if kind == TcIngress {
                (TcDirection::Ingress, netlink::CLSACT_INGRESS)
            } else {
                (TcDirection::Egress, netlink::CLSACT_EGRESS)
            };
            let filters = netlink::tc_filters(idx, parent)
                .map_err(|e| Error::from_io(name, &e, "cannot list tc filters"))?;
            let mut removed = 0;
            for f in filters.iter().filter(|f| f.prog_id == Some(prog_id)) {
                let id = syslink::TcFilterId {
                    handle: f.handle,
                    priority: u32::from(f.priority),
                };
                syslink::tc_detach(idx as i32, dir, id).map_err(|e| attach_error(name, &e))?;
                removed += 1;
            }
            Ok((removed > 0).then(|| format!("{removed} clsact filter(s) removed from {name}")))
        }
        (
            SkMsgVerdict | SkSkbStreamParser | SkSkbStreamVerdict | SkSkbVerdict,
            Target::Map { words },
        ) => {
            let map = resolve::map_words(words)?;
            crate::cmd::attach::check_sock_map(&map)?;
            match syslink::prog_detach(Some(prog), map.fd.as_raw_fd(), attach_type_of(kind)?) {
                Ok(()) => Ok(Some(format!("detached from {}", map.label))),
                Err(e) if gone(&e) => Ok(None),
                Err(e) => Err(attach_error(&map.label, &e)),
            }
        }
        (_, Target::Cgroup { path }) => {
            let cg = open_cgroup(path)?;
            match syslink::prog_detach(Some(prog), cg.as_raw_fd(), attach_type_of(kind)?) {
                Ok(()) => Ok(Some(format!("detached from {}", path.display()))),
                Err(e) if gone(&e) => Ok(None),
                Err(e) => Err(attach_error(&label, &e)),
            }
        }
        (Xdp | Xdpgeneric | Xdpdrv | Xdpoffload, Target::Device { name }) => {
            detach_xdp_if_prog(kind, name, Some(prog_id))
        }
        (FlowDissector, Target::Netns { path }) => detach_flow_dissector(prog, path),
        (FlowDissector, Target::Any) => {
            detach_flow_dissector(prog, std::path::Path::new("/proc/self/ns/net"))
        }
        (TcxIngress | TcxEgress, Target::Device { name }) => {
            let idx = ifindex(name)?;
            match syslink::prog_detach(Some(prog), idx as i32, attach_type_of(kind)?) {
                Ok(()) => Ok(Some(format!("detached from {name}"))),
                Err(e) if gone(&e) => Ok(None),
                Err(e) => Err(attach_error(name, &e)),
            }
        }
        _ => Ok(None),
    }
}

/// A flow dissector attached without a link (bpftool's `prog attach PROG flow_dissector`). BPF_PROG_DETACH acts
/// on the caller's own network namespace (target fd 0), so another namespace's is refused, not missed.
fn detach_flow_dissector(
    prog: std::os::fd::BorrowedFd<'_>,
    path: &std::path::Path,
) -> Result<Option<String>> {
    let object = path.display().to_string();
    let ns_id = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| (m.dev(), m.ino()))
            .map_err(|e| Error::from_io(&object, &e, "cannot open network namespace"))
    };
    if ns_id(path)? != ns_id(std::path::Path::new("/proc/self/ns/net"))? {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "a flow dissector attached without a link can only be detached from inside its network namespace \
             (ip netns exec NS ebpfctl prog detach ...)",
        ));
    }
    // The kernel wants target fd 0 here (it refuses any other with EINVAL): the namespace is the caller's.
    match syslink::prog_detach(Some(prog), 0, libbpf_sys::BPF_FLOW_DISSECTOR) {
        Ok(()) => Ok(Some(format!("flow dissector detached from {object}"))),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::EINVAL)) => Ok(None),
        Err(e) => Err(attach_error(&object, &e)),
    }
}

/// Detaches the netlink XDP program of `dev` in the mode `kind` names (any mode for plain `xdp`), when it is
/// `prog_id` (or any program, for None). XDP links are detached as links, not here.
pub fn detach_xdp_if_prog(
    kind: AttachKind,
    dev: &str,
    prog_id: Option<u32>,
) -> Result<Option<String>> {
    let idx = ifindex(dev)?;
    let devices =
        netlink::devices().map_err(|e| Error::from_io("net", &e, "cannot list network devices"))?;
    let Some(d) = devices.iter().find(|d| d.ifindex == idx) else {
        return Ok(None);
    };
    let wanted = match kind {
        AttachKind::Xdpgeneric => Some(XdpMode::Generic),
        AttachKind::Xdpdrv => Some(XdpMode::Driver),
        AttachKind::Xdpoffload => Some(XdpMode::Offload),
        _ => None,
    };
    let (mut done, mut linked) = (Vec::new(), Vec::new());
    for &(mode, id) in &d.xdp {
        if wanted.is_some_and(|w| w != mode) || prog_id.is_some_and(|p| p != id) {
            continue;
        }
        let flags = match mode {
            XdpMode::Generic => syslink::XDP_FLAGS_SKB_MODE,
            XdpMode::Driver => syslink::XDP_FLAGS_DRV_MODE,
            XdpMode::Offload => syslink::XDP_FLAGS_HW_MODE,
        };
        match syslink::xdp_detach(idx as i32, flags) {
            Ok(()) => done.push(format!(
                "{} XDP program {id} detached from {dev}",
                mode.name()
            )),
            // An XDP link holds the device: it is detached through the link.
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => linked.push(id.to_string()),
            Err(e) => return Err(attach_error(dev, &e)),
        }
    }
    if done.is_empty() && !linked.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("dev {dev}"),
            format!(
                "its XDP program ({}) is attached by a link; use `link detach`",
                linked.join(", ")
            ),
        ));
    }
    Ok((!done.is_empty()).then(|| done.join("; ")))
}

//! `net show|list [dev NAME]`, `net attach TYPE PROG dev NAME [overwrite|prepend]`, `net detach TYPE [PROG] dev
//! NAME`, with bpftool's meaning: XDP through netlink (IFLA_XDP), tcx through BPF_PROG_ATTACH. These attachments
//! are not links; they stay until detached. Detaching what is not there succeeds, as in bpftool (scripts rely on
//! it to be idempotent), unless a PROG was named.

use std::os::fd::{AsFd, AsRawFd};

use crate::cli::{AttachKind, NetAttachKind, NetCommand};
use crate::cmd::attach::{attach_error, ifindex};
use crate::cmd::select::resolve;
use crate::cmd::select::words::{dev_name, usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::net::{FlowDissectorEntry, NetShow, NetfilterEntry, TcEntry, XdpEntry};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::link::{self as syslink, ProgQuery};
use crate::sys::link_info::{self, LinkDetail};
use crate::sys::netlink::{self, NetDevice};

const NET_CAPS: &[crate::error::Capability] = &[
    crate::error::Capability::Bpf,
    crate::error::Capability::NetAdmin,
];

pub fn run(ctx: &Context, command: NetCommand) -> CmdResult {
    match command {
        NetCommand::Show { words } => {
            let mut w = Words::new(&words);
            let dev = if w.is_empty() {
                None
            } else {
                Some(dev_name(&mut w)?)
            };
            w.finish()?;
            let view = net_show(dev.as_deref())?;
            show(ctx, &vec![view])?;
            Ok(Outcome::Success)
        }
        // Both talk netlink or tc on a device: CAP_NET_ADMIN.
        NetCommand::Attach { attach_type, words } => {
            attach(ctx, attach_type, &words).map_err(|e| e.needing(NET_CAPS))
        }
        NetCommand::Detach { attach_type, words } => {
            let mut w = Words::new(&words);
            let prog = match w.peek() {
                Some("dev") | None => None,
                Some(_) => Some(resolve::prog_words(w.take(2, "PROG")?)?),
            };
            let dev = dev_name(&mut w)?;
            w.finish()?;
            detach(ctx, attach_type, prog.as_ref(), &dev).map_err(|e| e.needing(NET_CAPS))
        }
    }
}

fn net_show(dev: Option<&str>) -> Result<NetShow> {
    let mut devices =
        netlink::devices().map_err(|e| Error::from_io("net", &e, "cannot list network devices"))?;
    if let Some(name) = dev {
        let idx = ifindex(name)?;
        devices.retain(|d| d.ifindex == idx);
    }
    devices.sort_by_key(|d| d.ifindex);
    let mut view = NetShow::default();
    for d in &devices {
        for &(mode, id) in &d.xdp {
            view.xdp.push(XdpEntry {
                devname: d.name.clone(),
                ifindex: d.ifindex,
                mode: mode.name(),
                id,
            });
        }
        view.tc.extend(tcx_entries(d));
        view.tc.extend(clsact_entries(d)?);
    }
    view.flow_dissector = flow_dissector_entries();
    view.netfilter = netfilter_entries()?;
    Ok(view)
}

fn prog_name(id: u32) -> Option<String> {
    let fd = bpf::fd_by_id(ObjKind::Prog, id).ok()?;
    bpf::prog_brief(fd.as_fd()).ok().map(|b| b.name)
}

/// The bits set in `flags`, as bpftool lists them.
fn flag_bits(flags: u32) -> Vec<u32> {
    (0..32)
        .map(|b| 1u32 << b)
        .filter(|bit| flags & bit != 0)
        .collect()
}

fn tcx_entries(dev: &NetDevice) -> Vec<TcEntry> {
    let mut entries = Vec::new();
    // netkit devices (6.7+) keep their programs like tcx does and bpftool ≥ 7.4 lists them the same way.
    for (attach_type, kind) in [
        (libbpf_sys::BPF_TCX_INGRESS, "tcx/ingress"),
        (libbpf_sys::BPF_TCX_EGRESS, "tcx/egress"),
        (libbpf_sys::BPF_NETKIT_PRIMARY, "netkit/primary"),
        (libbpf_sys::BPF_NETKIT_PEER, "netkit/peer"),
    ] {
        // Kernels without tcx answer EINVAL, devices that are not netkit too; a device without programs answers
        // with none.
        let Ok(q) = syslink::prog_query(dev.ifindex as i32, attach_type, 0) else {
            continue;
        };
        for (i, &prog_id) in q.prog_ids.iter().enumerate() {
            entries.push(TcEntry {
                devname: dev.name.clone(),
                ifindex: dev.ifindex,
                kind: kind.to_string(),
                name: prog_name(prog_id),
                id: None,
                prog_id: Some(prog_id),
                prog_flags: Some(flag_bits(q.prog_attach_flags.get(i).copied().unwrap_or(0))),
                link_id: Some(q.link_ids.get(i).copied().unwrap_or(0)),
                link_flags: Some(Vec::new()),
            });
        }
    }
    entries
}

fn clsact_entries(dev: &NetDevice) -> Result<Vec<TcEntry>> {
    let mut entries = Vec::new();
    for (parent, kind) in [
        (netlink::CLSACT_INGRESS, "clsact/ingress"),
        (netlink::CLSACT_EGRESS, "clsact/egress"),
    ] {
        let filters = netlink::tc_filters(dev.ifindex, parent).map_err(|e| {
            Error::from_io(format!("dev {}", dev.name), &e, "cannot list tc filters")
        })?;
        for f in filters.into_iter().filter(|f| f.kind == "bpf") {
            entries.push(TcEntry {
                devname: dev.name.clone(),
                ifindex: dev.ifindex,
                kind: kind.to_string(),
                name: f.prog_name,
                id: f.prog_id,
                prog_id: None,
                prog_flags: None,
                link_id: None,
                link_flags: None,
            });
        }
    }
    Ok(entries)
}

fn flow_dissector_entries() -> Vec<FlowDissectorEntry> {
    let Ok(ns) = std::fs::File::open("/proc/self/ns/net") else {
        return Vec::new();
    };
    let q: ProgQuery =
        syslink::prog_query(ns.as_raw_fd(), libbpf_sys::BPF_FLOW_DISSECTOR, 0).unwrap_or_default();
    q.prog_ids
        .into_iter()
        .map(|id| FlowDissectorEntry { id })
        .collect()
}

/// Netfilter programs are only reachable as links (there is no per-hook query).
fn netfilter_entries() -> Result<Vec<NetfilterEntry>> {
    let ids = crate::cmd::select::list_ids(ObjKind::Link, "net")?;
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let fd = bpf::fd_by_id(ObjKind::Link, id).ok()?;
            let l = link_info::link_info(fd.as_fd()).ok()?;
            match l.detail {
                LinkDetail::Netfilter {
                    pf,
                    hooknum,
                    priority,
                    flags,
                } => Some(NetfilterEntry {
                    id: l.id,
                    prog_id: l.prog_id,
                    pf,
                    hook: hooknum,
                    prio: priority,
                    flags,
                }),
                _ => None,
            }
        })
        .collect())
}

fn xdp_flags(kind: NetAttachKind) -> u32 {
    match kind {
        NetAttachKind::Xdpgeneric => syslink::XDP_FLAGS_SKB_MODE,
        NetAttachKind::Xdpdrv => syslink::XDP_FLAGS_DRV_MODE,
        NetAttachKind::Xdpoffload => syslink::XDP_FLAGS_HW_MODE,
        _ => 0,
    }
}

fn attach(ctx: &Context, kind: NetAttachKind, words: &[String]) -> CmdResult {
    let mut w = Words::new(words);
    let prog = resolve::prog_words(w.take(2, "PROG")?)?;
    let dev = dev_name(&mut w)?;
    let (mut overwrite, mut prepend) = (false, false);
    while let Some(word) = w.next_word() {
        match word {
            "overwrite" => overwrite = true,
            "prepend" => prepend = true,
            other => {
                return Err(usage(format!(
                    "unexpected argument {other:?} (overwrite, prepend)"
                )))
            }
        }
    }
    let idx = ifindex(&dev)?;
    let object = format!("dev {dev}");
    let is_tcx = matches!(kind, NetAttachKind::TcxIngress | NetAttachKind::TcxEgress);
    // The kernel's EINVAL for a program of another type reads as a problem with the device.
    let (want, want_name) = if is_tcx {
        (libbpf_sys::BPF_PROG_TYPE_SCHED_CLS, "sched_cls")
    } else {
        (libbpf_sys::BPF_PROG_TYPE_XDP, "xdp")
    };
    if let Ok(brief) = bpf::prog_brief(prog.fd.as_fd()) {
        if brief.prog_type != want {
            let actual = crate::sys::names::prog_type(brief.prog_type)
                .map_or_else(|| brief.prog_type.to_string(), str::to_string);
            return Err(Error::new(
                ErrorKind::InvalidInput,
                &prog.label,
                format!("is a {actual} program; this attach takes {want_name} programs"),
            ));
        }
    }
    if is_tcx {
        if overwrite {
            return Err(usage(
                "overwrite is for XDP; tcx keeps several programs in order (use prepend)",
            ));
        }
        let attach_type = tcx_type(kind);
        let flags = if prepend { libbpf_sys::BPF_F_BEFORE } else { 0 };
        syslink::prog_attach(prog.fd.as_fd(), idx as i32, attach_type, flags)
            .map_err(|e| attach_error(&object, &e))?;
    } else {
        if prepend {
            return Err(usage(
                "prepend is for tcx; XDP has one program per mode (use overwrite)",
            ));
        }
        let mut flags = xdp_flags(kind);
        if !overwrite {
            flags |= syslink::XDP_FLAGS_UPDATE_IF_NOEXIST;
        }
        syslink::xdp_attach(idx as i32, prog.fd.as_fd(), flags).map_err(|e| {
            match e.raw_os_error() {
                Some(libc::EBUSY) | Some(libc::EEXIST) => Error::new(
                    ErrorKind::InvalidInput,
                    &object,
                    "already has an XDP program; add `overwrite` to replace it",
                ),
                _ => attach_error(&object, &e),
            }
        })?;
    }
    let view = net_show(Some(&dev))?;
    show(ctx, &vec![view])?;
    Ok(Outcome::Success)
}

fn tcx_type(kind: NetAttachKind) -> u32 {
    if kind == NetAttachKind::TcxEgress {
        libbpf_sys::BPF_TCX_EGRESS
    } else {
        libbpf_sys::BPF_TCX_INGRESS
    }
}

fn detach(
    ctx: &Context,
    kind: NetAttachKind,
    prog: Option<&resolve::Resolved>,
    dev: &str,
) -> CmdResult {
    let prog_id = prog
        .map(|p| {
            bpf::prog_brief(p.fd.as_fd())
                .map(|b| b.id)
                .map_err(|e| Error::from_io(&p.label, &e, "cannot read program info"))
        })
        .transpose()?;
    let done = match kind {
        NetAttachKind::TcxIngress | NetAttachKind::TcxEgress => detach_tcx(kind, prog, dev)?,
        _ => {
            let as_attach = match kind {
                NetAttachKind::Xdpgeneric => AttachKind::Xdpgeneric,
                NetAttachKind::Xdpdrv => AttachKind::Xdpdrv,
                NetAttachKind::Xdpoffload => AttachKind::Xdpoffload,
                _ => AttachKind::Xdp,
            };
            crate::cmd::attach::detach::detach_xdp_if_prog(as_attach, dev, prog_id)?
        }
    };
    if let (None, Some(p)) = (&done, prog) {
        return Err(Error::new(
            ErrorKind::NotFound,
            &p.label,
            format!("not attached to {dev} as {}", net_kind_name(kind)),
        ));
    }
    let view = net_show(Some(dev))?;
    show(ctx, &vec![view])?;
    Ok(Outcome::Success)
}

fn net_kind_name(kind: NetAttachKind) -> &'static str {
    match kind {
        NetAttachKind::Xdp => "xdp",
        NetAttachKind::Xdpgeneric => "xdpgeneric",
        NetAttachKind::Xdpdrv => "xdpdrv",
        NetAttachKind::Xdpoffload => "xdpoffload",
        NetAttachKind::TcxIngress => "tcx_ingress",
        NetAttachKind::TcxEgress => "tcx_egress",
    }
}

/// One tcx program detached, as bpftool detaches it: the one named, or without PROG the last one of the hook
/// (the kernel's choice for a detach without a program). A program attached by a link belongs to its link.
fn detach_tcx(
    kind: NetAttachKind,
    prog: Option<&resolve::Resolved>,
    dev: &str,
) -> Result<Option<String>> {
    let idx = ifindex(dev)?;
    let attach_type = tcx_type(kind);
    let before = syslink::prog_query(idx as i32, attach_type, 0).unwrap_or_default();
    let object = format!("dev {dev}");
    match syslink::prog_detach(prog.map(|p| p.fd.as_fd()), idx as i32, attach_type) {
        Ok(()) => {}
        // Nothing there (ENOENT), or no tcx on this kernel and nothing attached: nothing to do.
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
            let last = before.prog_ids.last().copied().unwrap_or(0);
            let link = before.link_ids.last().copied().unwrap_or(0);
            let why = match prog {
                Some(p) => format!("{} is attached by a link; use `link detach`", p.label),
                None => format!(
                    "its last {} program ({last}) is attached by link {link}: `link detach id {link}`, or name \
                     the program: `net detach {} PROG dev {dev}`",
                    net_kind_name(kind),
                    net_kind_name(kind)
                ),
            };
            return Err(Error::new(ErrorKind::InvalidInput, object, why));
        }
        Err(e) => return Err(attach_error(&object, &e)),
    }
    let after = syslink::prog_query(idx as i32, attach_type, 0).unwrap_or_default();
    let gone: Vec<String> = before
        .prog_ids
        .iter()
        .filter(|id| !after.prog_ids.contains(id))
        .map(u32::to_string)
        .collect();
    Ok(Some(format!(
        "tcx program {} detached from {dev}",
        gone.join(", ")
    )))
}

//! What detach and `perf show` need to know about each link: `link_info`'s answer, reduced to a target.

use std::io;
use std::os::fd::BorrowedFd;

use super::link_info::{LinkDetail, PerfEventDetail};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    RawTracepoint {
        tp_name: String,
    },
    Tracing {
        attach_type: u32,
        target_obj_id: u32,
        target_btf_id: u32,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: u32,
    },
    Netns {
        netns_ino: u32,
        attach_type: u32,
    },
    Xdp {
        ifindex: u32,
    },
    Tcx {
        ifindex: u32,
        attach_type: u32,
    },
    Netkit {
        ifindex: u32,
        attach_type: u32,
    },
    Netfilter {
        pf: u32,
        hooknum: u32,
        priority: i32,
        flags: u32,
    },
    StructOps {
        map_id: u32,
    },
    Sockmap {
        map_id: u32,
        attach_type: u32,
    },
    /// uprobe/uretprobe through a perf event.
    Uprobe {
        retprobe: bool,
        file: String,
        offset: u32,
        cookie: u64,
        ref_ctr_offset: u64,
    },
    Kprobe {
        retprobe: bool,
        func: String,
        offset: u32,
        addr: u64,
        missed: u64,
        cookie: u64,
    },
    Tracepoint {
        name: String,
        cookie: u64,
    },
    PerfEvent {
        event_type: u32,
        config: u64,
        cookie: u64,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkBrief {
    pub id: u32,
    pub link_type: u32,
    pub prog_id: u32,
    pub target: LinkTarget,
}

/// The link's header and target, read through the one link-info decoder `show` uses.
pub fn link_brief(fd: BorrowedFd<'_>) -> io::Result<LinkBrief> {
    let info = super::link_info::link_info(fd)?;
    Ok(LinkBrief {
        id: info.id,
        link_type: info.link_type,
        prog_id: info.prog_id,
        target: target_of(info.detail),
    })
}

fn target_of(detail: LinkDetail) -> LinkTarget {
    match detail {
        LinkDetail::RawTracepoint { tp_name, .. } => LinkTarget::RawTracepoint { tp_name },
        LinkDetail::Tracing {
            attach_type,
            target_obj_id,
            target_btf_id,
            ..
        } => LinkTarget::Tracing {
            attach_type,
            target_obj_id,
            target_btf_id,
        },
        LinkDetail::Cgroup {
            cgroup_id,
            attach_type,
        } => LinkTarget::Cgroup {
            cgroup_id,
            attach_type,
        },
        LinkDetail::Netns {
            netns_ino,
            attach_type,
        } => LinkTarget::Netns {
            netns_ino,
            attach_type,
        },
        LinkDetail::Xdp { ifindex } => LinkTarget::Xdp { ifindex },
        LinkDetail::Tcx {
            ifindex,
            attach_type,
        } => LinkTarget::Tcx {
            ifindex,
            attach_type,
        },
        LinkDetail::Netkit {
            ifindex,
            attach_type,
        } => LinkTarget::Netkit {
            ifindex,
            attach_type,
        },
        LinkDetail::Netfilter {
            pf,
            hooknum,
            priority,
            flags,
        } => LinkTarget::Netfilter {
            pf,
            hooknum,
            priority,
            flags,
        },
        LinkDetail::StructOps { map_id } => LinkTarget::StructOps { map_id },
        LinkDetail::Sockmap {
            map_id,
            attach_type,
        } => LinkTarget::Sockmap {
            map_id,
            attach_type,
        },
        LinkDetail::PerfEvent(PerfEventDetail::Uprobe {
            retprobe,
            file,
            offset,
            cookie,
            ref_ctr_offset,
        }) => LinkTarget::Uprobe {
            retprobe,
            file,
            offset,
            cookie,
            ref_ctr_offset,
        },
        LinkDetail::PerfEvent(PerfEventDetail::Kprobe {
            retprobe,
            func,
            offset,
            addr,
            missed,
            cookie,
        }) => LinkTarget::Kprobe {
            retprobe,
            func,
            offset,
            addr,
            missed,
            cookie,
        },
        LinkDetail::PerfEvent(PerfEventDetail::Tracepoint { name, cookie }) => {
            LinkTarget::Tracepoint { name, cookie }
        }
        LinkDetail::PerfEvent(PerfEventDetail::Event {
            event_type,
            config,
            cookie,
        }) => LinkTarget::PerfEvent {
            event_type,
            config,
            cookie,
        },
        _ => LinkTarget::Other,
    }
}

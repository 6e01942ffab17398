//! BPF_OBJ_GET_INFO_BY_FD for links, decoded into what detach and `perf show` need to know about each link.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::bpf::rc_result;

/// bpf_perf_event_type values (uapi): what a perf_event link is attached to.
pub const PERF_EVENT_UPROBE: u32 = 1;
pub const PERF_EVENT_URETPROBE: u32 = 2;
pub const PERF_EVENT_KPROBE: u32 = 3;
pub const PERF_EVENT_KRETPROBE: u32 = 4;
pub const PERF_EVENT_TRACEPOINT: u32 = 5;
pub const PERF_EVENT_EVENT: u32 = 6;

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

fn link_info_raw(fd: BorrowedFd<'_>, info: &mut libbpf_sys::bpf_link_info) -> io::Result<()> {
    let mut len = std::mem::size_of::<libbpf_sys::bpf_link_info>() as u32;
    // SAFETY: info is a bpf_link_info of `len` bytes; any name pointer in it was set up by the caller with its
    // length and points at a live buffer.
    rc_result(unsafe { libbpf_sys::bpf_link_get_info_by_fd(fd.as_raw_fd(), info, &mut len) })
}

fn c_text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

pub fn link_brief(fd: BorrowedFd<'_>) -> io::Result<LinkBrief> {
    let mut info = libbpf_sys::bpf_link_info::default();
    link_info_raw(fd, &mut info)?;
    let (id, link_type, prog_id) = (info.id, info.type_, info.prog_id);
    let target = decode_target(fd, &info)?;
    Ok(LinkBrief {
        id,
        link_type,
        prog_id,
        target,
    })
}

fn decode_target(fd: BorrowedFd<'_>, info: &libbpf_sys::bpf_link_info) -> io::Result<LinkTarget> {
    // SAFETY (all union reads below): the kernel filled the member that matches `type_`, which is what we read.
    let u = &info.__bindgen_anon_1;
    Ok(match info.type_ {
        libbpf_sys::BPF_LINK_TYPE_RAW_TRACEPOINT => {
            let mut name = vec![0u8; 256];
            let mut again = libbpf_sys::bpf_link_info::default();
            again.__bindgen_anon_1.raw_tracepoint.tp_name = name.as_mut_ptr() as u64;
            again.__bindgen_anon_1.raw_tracepoint.tp_name_len = name.len() as u32;
            link_info_raw(fd, &mut again)?;
            LinkTarget::RawTracepoint {
                tp_name: c_text(&name),
            }
        }
        libbpf_sys::BPF_LINK_TYPE_TRACING => unsafe {
            LinkTarget::Tracing {
                attach_type: u.tracing.attach_type,
                target_obj_id: u.tracing.target_obj_id,
                target_btf_id: u.tracing.target_btf_id,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_CGROUP => unsafe {
            LinkTarget::Cgroup {
                cgroup_id: u.cgroup.cgroup_id,
                attach_type: u.cgroup.attach_type,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_NETNS => unsafe {
            LinkTarget::Netns {
                netns_ino: u.netns.netns_ino,
                attach_type: u.netns.attach_type,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_XDP => unsafe {
            LinkTarget::Xdp {
                ifindex: u.xdp.ifindex,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_TCX => unsafe {
            LinkTarget::Tcx {
                ifindex: u.tcx.ifindex,
                attach_type: u.tcx.attach_type,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_NETKIT => unsafe {
            LinkTarget::Netkit {
                ifindex: u.netkit.ifindex,
                attach_type: u.netkit.attach_type,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_NETFILTER => unsafe {
            LinkTarget::Netfilter {
                pf: u.netfilter.pf,
                hooknum: u.netfilter.hooknum,
                priority: u.netfilter.priority,
                flags: u.netfilter.flags,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_STRUCT_OPS => unsafe {
            LinkTarget::StructOps {
                map_id: u.struct_ops.map_id,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_SOCKMAP => unsafe {
            LinkTarget::Sockmap {
                map_id: u.sockmap.map_id,
                attach_type: u.sockmap.attach_type,
            }
        },
        libbpf_sys::BPF_LINK_TYPE_PERF_EVENT => {
            perf_event_target(fd, unsafe { u.perf_event.type_ })?
        }
        _ => LinkTarget::Other,
    })
}

/// A perf_event link's target. Its name (file, function or tracepoint) comes back only into a buffer we pass, at
/// the same place in each union member, so a second query with the buffer set reads it.
fn perf_event_target(fd: BorrowedFd<'_>, event_type: u32) -> io::Result<LinkTarget> {
    let mut name = vec![0u8; 4096];
    let mut info = libbpf_sys::bpf_link_info::default();
    // SAFETY: writing plain integers into a zeroed union.
    unsafe {
        let pe = &mut info.__bindgen_anon_1.perf_event.__bindgen_anon_1;
        if event_type != PERF_EVENT_EVENT {
            pe.uprobe.file_name = name.as_mut_ptr() as u64;
            pe.uprobe.name_len = name.len() as u32;
        }
    }
    link_info_raw(fd, &mut info)?;
    // SAFETY: the kernel filled the member matching event_type.
    let pe = unsafe { info.__bindgen_anon_1.perf_event.__bindgen_anon_1 };
    let text = c_text(&name);
    // SAFETY: as above, one member per event type.
    Ok(unsafe {
        match event_type {
            PERF_EVENT_UPROBE | PERF_EVENT_URETPROBE => LinkTarget::Uprobe {
                retprobe: event_type == PERF_EVENT_URETPROBE,
                file: text,
                offset: pe.uprobe.offset,
                cookie: pe.uprobe.cookie,
                ref_ctr_offset: pe.uprobe.ref_ctr_offset,
            },
            PERF_EVENT_KPROBE | PERF_EVENT_KRETPROBE => LinkTarget::Kprobe {
                retprobe: event_type == PERF_EVENT_KRETPROBE,
                func: text,
                offset: pe.kprobe.offset,
                addr: pe.kprobe.addr,
                missed: pe.kprobe.missed,
                cookie: pe.kprobe.cookie,
            },
            PERF_EVENT_TRACEPOINT => LinkTarget::Tracepoint {
                name: text,
                cookie: pe.tracepoint.cookie,
            },
            _ => LinkTarget::PerfEvent {
                event_type: pe.event.type_,
                config: pe.event.config,
                cookie: pe.event.cookie,
            },
        }
    })
}

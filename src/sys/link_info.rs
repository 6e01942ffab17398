//! What the kernel says about one link: the common header and the whole per-type union of `struct bpf_link_info`
//! (kernel 6.18 uapi), decoded into an owned enum.
//!
//! The first query learns the link's type and the sizes of its variable parts; types that carry strings or arrays
//! (names, paths, address lists) are then asked again with buffers aimed at that type's union member. Each query
//! starts from a zeroed struct.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{c_bytes, get_info, zeroed};

/// Longest tracepoint, iterator target and kernel function name we read; the kernel refuses (ENOSPC) rather
/// than truncate, so this is generous.
const NAME_CAPACITY: usize = 512;
/// Uprobe paths: PATH_MAX.
const PATH_CAPACITY: usize = 4096;

pub const LINK_TYPE_RAW_TRACEPOINT: u32 = libbpf_sys::BPF_LINK_TYPE_RAW_TRACEPOINT;
pub const LINK_TYPE_TRACING: u32 = libbpf_sys::BPF_LINK_TYPE_TRACING;
pub const LINK_TYPE_CGROUP: u32 = libbpf_sys::BPF_LINK_TYPE_CGROUP;
pub const LINK_TYPE_ITER: u32 = libbpf_sys::BPF_LINK_TYPE_ITER;
pub const LINK_TYPE_NETNS: u32 = libbpf_sys::BPF_LINK_TYPE_NETNS;
pub const LINK_TYPE_XDP: u32 = libbpf_sys::BPF_LINK_TYPE_XDP;
pub const LINK_TYPE_PERF_EVENT: u32 = libbpf_sys::BPF_LINK_TYPE_PERF_EVENT;
pub const LINK_TYPE_KPROBE_MULTI: u32 = libbpf_sys::BPF_LINK_TYPE_KPROBE_MULTI;
pub const LINK_TYPE_STRUCT_OPS: u32 = libbpf_sys::BPF_LINK_TYPE_STRUCT_OPS;
pub const LINK_TYPE_NETFILTER: u32 = libbpf_sys::BPF_LINK_TYPE_NETFILTER;
pub const LINK_TYPE_TCX: u32 = libbpf_sys::BPF_LINK_TYPE_TCX;
pub const LINK_TYPE_UPROBE_MULTI: u32 = libbpf_sys::BPF_LINK_TYPE_UPROBE_MULTI;
pub const LINK_TYPE_NETKIT: u32 = libbpf_sys::BPF_LINK_TYPE_NETKIT;
pub const LINK_TYPE_SOCKMAP: u32 = libbpf_sys::BPF_LINK_TYPE_SOCKMAP;

#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub id: u32,
    pub link_type: u32,
    pub prog_id: u32,
    pub detail: LinkDetail,
}

/// The per-type part of a link. `Other` is a type this build does not know; its header is still shown.
#[derive(Debug, Clone)]
pub enum LinkDetail {
    RawTracepoint {
        tp_name: String,
        cookie: u64,
    },
    Tracing {
        attach_type: u32,
        target_obj_id: u32,
        target_btf_id: u32,
        cookie: u64,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: u32,
    },
    Iter {
        target_name: String,
        map_id: u32,
        cgroup_id: u64,
        cgroup_order: u32,
        tid: u32,
        pid: u32,
    },
    Netns {
        netns_ino: u32,
        attach_type: u32,
    },
    Xdp {
        ifindex: u32,
    },
    StructOps {
        map_id: u32,
    },
    Netfilter {
        pf: u32,
        hooknum: u32,
        priority: i32,
        flags: u32,
    },
    KprobeMulti {
        retprobe: bool,
        addrs: Vec<u64>,
        cookies: Vec<u64>,
        missed: u64,
    },
    UprobeMulti {
        retprobe: bool,
        path: String,
        offsets: Vec<u64>,
        ref_ctr_offsets: Vec<u64>,
        cookies: Vec<u64>,
        pid: u32,
    },
    PerfEvent(PerfEventDetail),
    Tcx {
        ifindex: u32,
        attach_type: u32,
    },
    Netkit {
        ifindex: u32,
        attach_type: u32,
    },
    Sockmap {
        map_id: u32,
        attach_type: u32,
    },
    Other,
}

#[derive(Debug, Clone)]
pub enum PerfEventDetail {
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
    /// A hardware/software perf event: perf_event_attr.type and .config.
    Event {
        event_type: u32,
        config: u64,
        cookie: u64,
    },
    Unknown,
}

pub fn link_info(fd: BorrowedFd<'_>) -> io::Result<LinkInfo> {
    let mut first: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: no pointer fields are set.
    unsafe { get_info(fd, &mut first)? };
    let detail = match first.type_ {
        LINK_TYPE_RAW_TRACEPOINT => raw_tracepoint(fd)?,
        LINK_TYPE_ITER => iter(fd)?,
        LINK_TYPE_PERF_EVENT => perf_event(fd, &first)?,
        LINK_TYPE_KPROBE_MULTI => kprobe_multi(fd, &first)?,
        LINK_TYPE_UPROBE_MULTI => uprobe_multi(fd, &first)?,
        _ => fixed_detail(&first),
    };
    Ok(LinkInfo {
        id: first.id,
        link_type: first.type_,
        prog_id: first.prog_id,
        detail,
    })
}

/// The link types whose union member is plain integers: everything is in the first answer.
fn fixed_detail(info: &libbpf_sys::bpf_link_info) -> LinkDetail {
    // SAFETY: reading the union member that matches `type_`; every member is plain integers, so any bit pattern
    // is a valid value even if the kernel and this build disagreed.
    unsafe {
        let u = &info.__bindgen_anon_1;
        match info.type_ {
            LINK_TYPE_TRACING => LinkDetail::Tracing {
                attach_type: u.tracing.attach_type,
                target_obj_id: u.tracing.target_obj_id,
                target_btf_id: u.tracing.target_btf_id,
                cookie: u.tracing.cookie,
            },
            LINK_TYPE_CGROUP => LinkDetail::Cgroup {
                cgroup_id: u.cgroup.cgroup_id,
                attach_type: u.cgroup.attach_type,
            },
            LINK_TYPE_NETNS => LinkDetail::Netns {
                netns_ino: u.netns.netns_ino,
                attach_type: u.netns.attach_type,
            },
            LINK_TYPE_XDP => LinkDetail::Xdp {
                ifindex: u.xdp.ifindex,
            },
            LINK_TYPE_STRUCT_OPS => LinkDetail::StructOps {
                map_id: u.struct_ops.map_id,
            },
            LINK_TYPE_NETFILTER => LinkDetail::Netfilter {
                pf: u.netfilter.pf,
                hooknum: u.netfilter.hooknum,
                priority: u.netfilter.priority,
                flags: u.netfilter.flags,
            },
            LINK_TYPE_TCX => LinkDetail::Tcx {
                ifindex: u.tcx.ifindex,
                attach_type: u.tcx.attach_type,
            },
            LINK_TYPE_NETKIT => LinkDetail::Netkit {
                ifindex: u.netkit.ifindex,
                attach_type: u.netkit.attach_type,
            },
            LINK_TYPE_SOCKMAP => LinkDetail::Sockmap {
                map_id: u.sockmap.map_id,
                attach_type: u.sockmap.attach_type,
            },
            _ => LinkDetail::Other,
        }
    }
}

fn raw_tracepoint(fd: BorrowedFd<'_>) -> io::Result<LinkDetail> {
    let mut name = vec![0u8; NAME_CAPACITY];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: writing plain integers into the raw_tracepoint member; reading it back after the kernel filled it.
    unsafe {
        let rt = &mut info.__bindgen_anon_1.raw_tracepoint;
        rt.tp_name = name.as_mut_ptr() as u64;
        rt.tp_name_len = NAME_CAPACITY as u32;
        get_info(fd, &mut info)?;
        Ok(LinkDetail::RawTracepoint {
            tp_name: c_bytes(&name),
            cookie: info.__bindgen_anon_1.raw_tracepoint.cookie,
        })
    }
}

fn iter(fd: BorrowedFd<'_>) -> io::Result<LinkDetail> {
    let mut name = vec![0u8; NAME_CAPACITY];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: as in raw_tracepoint, for the iter member; its inner unions are plain integers.
    unsafe {
        let it = &mut info.__bindgen_anon_1.iter;
        it.target_name = name.as_mut_ptr() as u64;
        it.target_name_len = NAME_CAPACITY as u32;
        get_info(fd, &mut info)?;
        let it = &info.__bindgen_anon_1.iter;
        Ok(LinkDetail::Iter {
            target_name: c_bytes(&name),
            map_id: it.__bindgen_anon_1.map.map_id,
            cgroup_id: it.__bindgen_anon_2.cgroup.cgroup_id,
            cgroup_order: it.__bindgen_anon_2.cgroup.order,
            tid: it.__bindgen_anon_2.task.tid,
            pid: it.__bindgen_anon_2.task.pid,
        })
    }
}

fn perf_event(fd: BorrowedFd<'_>, first: &libbpf_sys::bpf_link_info) -> io::Result<LinkDetail> {
    // SAFETY: `perf_event.type_` is a plain integer of the member the kernel filled for this link type.
    let kind = unsafe { first.__bindgen_anon_1.perf_event.type_ };
    let detail = match kind {
        libbpf_sys::BPF_PERF_EVENT_UPROBE | libbpf_sys::BPF_PERF_EVENT_URETPROBE => {
            perf_uprobe(fd, kind == libbpf_sys::BPF_PERF_EVENT_URETPROBE)?
        }
        libbpf_sys::BPF_PERF_EVENT_KPROBE | libbpf_sys::BPF_PERF_EVENT_KRETPROBE => {
            perf_kprobe(fd, kind == libbpf_sys::BPF_PERF_EVENT_KRETPROBE)?
        }
        libbpf_sys::BPF_PERF_EVENT_TRACEPOINT => perf_tracepoint(fd)?,
        libbpf_sys::BPF_PERF_EVENT_EVENT => {
            // SAFETY: the event member is plain integers, filled by the first query.
            let ev = unsafe { first.__bindgen_anon_1.perf_event.__bindgen_anon_1.event };
            PerfEventDetail::Event {
                event_type: ev.type_,
                config: ev.config,
                cookie: ev.cookie,
            }
        }
        _ => PerfEventDetail::Unknown,
    };
    Ok(LinkDetail::PerfEvent(detail))
}

fn perf_uprobe(fd: BorrowedFd<'_>, retprobe: bool) -> io::Result<PerfEventDetail> {
    let mut file = vec![0u8; PATH_CAPACITY];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: the uprobe member's name pointer/length describe `file`, alive for the call.
    unsafe {
        let up = &mut info.__bindgen_anon_1.perf_event.__bindgen_anon_1.uprobe;
        up.file_name = file.as_mut_ptr() as u64;
        up.name_len = PATH_CAPACITY as u32;
        get_info(fd, &mut info)?;
        let up = &info.__bindgen_anon_1.perf_event.__bindgen_anon_1.uprobe;
        Ok(PerfEventDetail::Uprobe {
            retprobe,
            file: c_bytes(&file),
            offset: up.offset,
            cookie: up.cookie,
            ref_ctr_offset: up.ref_ctr_offset,
        })
    }
}

fn perf_kprobe(fd: BorrowedFd<'_>, retprobe: bool) -> io::Result<PerfEventDetail> {
    let mut func = vec![0u8; NAME_CAPACITY];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: the kprobe member's name pointer/length describe `func`, alive for the call.
    unsafe {
        let kp = &mut info.__bindgen_anon_1.perf_event.__bindgen_anon_1.kprobe;
        kp.func_name = func.as_mut_ptr() as u64;
        kp.name_len = NAME_CAPACITY as u32;
        get_info(fd, &mut info)?;
        let kp = &info.__bindgen_anon_1.perf_event.__bindgen_anon_1.kprobe;
        Ok(PerfEventDetail::Kprobe {
            retprobe,
            func: c_bytes(&func),
            offset: kp.offset,
            addr: kp.addr,
            missed: kp.missed,
            cookie: kp.cookie,
        })
    }
}

fn perf_tracepoint(fd: BorrowedFd<'_>) -> io::Result<PerfEventDetail> {
    let mut name = vec![0u8; NAME_CAPACITY];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: the tracepoint member's name pointer/length describe `name`, alive for the call.
    unsafe {
        let tp = &mut info.__bindgen_anon_1.perf_event.__bindgen_anon_1.tracepoint;
        tp.tp_name = name.as_mut_ptr() as u64;
        tp.name_len = NAME_CAPACITY as u32;
        get_info(fd, &mut info)?;
        Ok(PerfEventDetail::Tracepoint {
            name: c_bytes(&name),
            cookie: info
                .__bindgen_anon_1
                .perf_event
                .__bindgen_anon_1
                .tracepoint
                .cookie,
        })
    }
}

fn kprobe_multi(fd: BorrowedFd<'_>, first: &libbpf_sys::bpf_link_info) -> io::Result<LinkDetail> {
    // SAFETY: plain integers of the member the kernel filled for this link type.
    let (count, flags) = unsafe {
        let km = &first.__bindgen_anon_1.kprobe_multi;
        (km.count as usize, km.flags)
    };
    let mut addrs = vec![0u64; count];
    let mut cookies = vec![0u64; count];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: both arrays hold `count` u64, alive for the call; the kernel writes at most `count` of each.
    let missed = unsafe {
        let km = &mut info.__bindgen_anon_1.kprobe_multi;
        if count > 0 {
            km.addrs = addrs.as_mut_ptr() as u64;
            km.cookies = cookies.as_mut_ptr() as u64;
            km.count = count as u32;
        }
        get_info(fd, &mut info)?;
        info.__bindgen_anon_1.kprobe_multi.missed
    };
    Ok(LinkDetail::KprobeMulti {
        retprobe: flags & libbpf_sys::BPF_F_KPROBE_MULTI_RETURN != 0,
        addrs,
        cookies,
        missed,
    })
}

fn uprobe_multi(fd: BorrowedFd<'_>, first: &libbpf_sys::bpf_link_info) -> io::Result<LinkDetail> {
    // SAFETY: plain integers of the member the kernel filled for this link type.
    let (count, flags) = unsafe {
        let um = &first.__bindgen_anon_1.uprobe_multi;
        (um.count as usize, um.flags)
    };
    let mut path = vec![0u8; PATH_CAPACITY];
    let mut offsets = vec![0u64; count];
    let mut ref_ctr_offsets = vec![0u64; count];
    let mut cookies = vec![0u64; count];
    let mut info: libbpf_sys::bpf_link_info = zeroed();
    // SAFETY: every pointer set below describes a live buffer of the declared length.
    let pid = unsafe {
        let um = &mut info.__bindgen_anon_1.uprobe_multi;
        um.path = path.as_mut_ptr() as u64;
        um.path_size = PATH_CAPACITY as u32;
        if count > 0 {
            um.offsets = offsets.as_mut_ptr() as u64;
            um.ref_ctr_offsets = ref_ctr_offsets.as_mut_ptr() as u64;
            um.cookies = cookies.as_mut_ptr() as u64;
            um.count = count as u32;
        }
        get_info(fd, &mut info)?;
        info.__bindgen_anon_1.uprobe_multi.pid
    };
    Ok(LinkDetail::UprobeMulti {
        retprobe: flags & libbpf_sys::BPF_F_UPROBE_MULTI_RETURN != 0,
        path: c_bytes(&path),
        offsets,
        ref_ctr_offsets,
        cookies,
        pid,
    })
}

//! Attachments at the syscall level: BPF links (create, detach, describe) and the older fd-less attachments
//! (BPF_PROG_ATTACH/DETACH/QUERY, netlink XDP, clsact tc filters) that live until someone removes them.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use super::bpf::{fd_result, rc_result};

/// Attach-type-specific parameters of BPF_LINK_CREATE.
#[derive(Debug, Clone, Default)]
pub enum LinkOpts {
    #[default]
    None,
    /// XDP mode flags, cgroup/tcx ordering flags.
    Flags(u32),
    PerfEvent {
        cookie: u64,
    },
    Netfilter {
        pf: u32,
        hooknum: u32,
        priority: i32,
        flags: u32,
    },
    KprobeMulti {
        symbols: Vec<String>,
        retprobe: bool,
    },
    /// A map iterator's map (bpf_iter_link_info.map.map_fd).
    IterMap {
        map_fd: u32,
    },
}

const BPF_F_KPROBE_MULTI_RETURN: u32 = 1;

pub fn link_create(
    prog: BorrowedFd<'_>,
    target: i32,
    attach_type: u32,
    opts: &LinkOpts,
) -> io::Result<OwnedFd> {
    let mut raw = libbpf_sys::bpf_link_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_link_create_opts>() as _,
        ..Default::default()
    };
    // Kept alive until the call returns: kprobe_multi passes pointers to these.
    let symbols: Vec<CString>;
    let mut symbol_ptrs: Vec<*const libc::c_char> = Vec::new();
    // Zeroed whole (bindgen's Default for the union): initialising only `map` would leave the rest of the union
    // undefined, and a kernel whose union is smaller (5.10's is the map fd alone) refuses non-zero tail bytes
    // with E2BIG, as the qemu matrix found.
    let mut iter_info = libbpf_sys::bpf_iter_link_info::default();
    match opts {
        LinkOpts::None => {}
        LinkOpts::IterMap { map_fd } => {
            iter_info.map.map_fd = *map_fd;
            raw.iter_info = &mut iter_info;
            raw.iter_info_len = std::mem::size_of::<libbpf_sys::bpf_iter_link_info>() as u32;
        }
        LinkOpts::Flags(flags) => raw.flags = *flags,
        LinkOpts::PerfEvent { cookie } => raw.__bindgen_anon_1.perf_event.bpf_cookie = *cookie,
        LinkOpts::Netfilter {
            pf,
            hooknum,
            priority,
            flags,
        } => {
            raw.__bindgen_anon_1.netfilter.pf = *pf;
            raw.__bindgen_anon_1.netfilter.hooknum = *hooknum;
            raw.__bindgen_anon_1.netfilter.priority = *priority;
            raw.__bindgen_anon_1.netfilter.flags = *flags;
        }
        LinkOpts::KprobeMulti {
            symbols: syms,
            retprobe,
        } => {
            symbols = syms
                .iter()
                .map(|s| CString::new(s.as_str()))
                .collect::<Result<_, _>>()
                .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
            symbol_ptrs = symbols.iter().map(|s| s.as_ptr()).collect();
            raw.__bindgen_anon_1.kprobe_multi.cnt = symbol_ptrs.len() as u32;
            raw.__bindgen_anon_1.kprobe_multi.syms = symbol_ptrs.as_mut_ptr();
            raw.__bindgen_anon_1.kprobe_multi.flags = if *retprobe {
                BPF_F_KPROBE_MULTI_RETURN
            } else {
                0
            };
        }
    }
    // SAFETY: raw is a sized, initialised opts struct; pointers in it (symbols, iter_info) outlive the call.
    let rc = unsafe { libbpf_sys::bpf_link_create(prog.as_raw_fd(), target, attach_type, &raw) };
    drop(symbol_ptrs);
    fd_result(rc)
}

/// BPF_RAW_TRACEPOINT_OPEN: a raw tracepoint by name, or (name None) a tracing/lsm program's load-time BTF target.
/// The fd is a BPF link.
pub fn raw_tracepoint_open(name: Option<&str>, prog: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let c = name
        .map(CString::new)
        .transpose()
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let ptr = c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: ptr is NULL or a valid C string alive for the call.
    fd_result(unsafe { libbpf_sys::bpf_raw_tracepoint_open(ptr, prog.as_raw_fd()) })
}

pub fn link_detach(link: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: plain syscall on an open fd.
    rc_result(unsafe { libbpf_sys::bpf_link_detach(link.as_raw_fd()) })
}

/// BPF_PROG_ATTACH: cgroup, sk_msg/sk_skb (target is a sockmap), flow_dissector and sk_lookup (target a netns),
/// tcx (target an ifindex). Lives until detached.
pub fn prog_attach(
    prog: BorrowedFd<'_>,
    target: i32,
    attach_type: u32,
    flags: u32,
) -> io::Result<()> {
    // SAFETY: plain syscall wrapper.
    rc_result(unsafe { libbpf_sys::bpf_prog_attach(prog.as_raw_fd(), target, attach_type, flags) })
}

/// BPF_PROG_DETACH of one program (or, with `prog` None, the only one: flow_dissector and single-program cgroups).
pub fn prog_detach(prog: Option<BorrowedFd<'_>>, target: i32, attach_type: u32) -> io::Result<()> {
    let prog_fd = prog.map_or(0, |p| p.as_raw_fd());
    // SAFETY: plain syscall wrapper.
    rc_result(unsafe { libbpf_sys::bpf_prog_detach2(prog_fd, target, attach_type) })
}

/// What BPF_PROG_QUERY says is attached at one hook.
#[derive(Debug, Clone, Default)]
pub struct ProgQuery {
    pub attach_flags: u32,
    pub prog_ids: Vec<u32>,
    /// Per-program attach flags (cgroups, without `effective`), same order as prog_ids.
    pub prog_attach_flags: Vec<u32>,
    /// Link ids per program (tcx, netkit, cgroup links since 6.6), 0 where attached without a link.
    pub link_ids: Vec<u32>,
}

pub const BPF_F_QUERY_EFFECTIVE: u32 = libbpf_sys::BPF_F_QUERY_EFFECTIVE;

pub fn prog_query(target: i32, attach_type: u32, query_flags: u32) -> io::Result<ProgQuery> {
    let mut cap = 64usize;
    loop {
        let mut prog_ids = vec![0u32; cap];
        let mut prog_flags = vec![0u32; cap];
        let mut link_ids = vec![0u32; cap];
        let mut opts = libbpf_sys::bpf_prog_query_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_prog_query_opts>() as _,
            query_flags,
            prog_ids: prog_ids.as_mut_ptr(),
            ..Default::default()
        };
        opts.__bindgen_anon_1.prog_cnt = cap as u32;
        // prog_attach_flags is refused together with BPF_F_QUERY_EFFECTIVE (the kernel returns EINVAL).
        if query_flags & BPF_F_QUERY_EFFECTIVE == 0 {
            opts.prog_attach_flags = prog_flags.as_mut_ptr();
        }
        opts.link_ids = link_ids.as_mut_ptr();
        // SAFETY: the three arrays have `cap` entries, as prog_cnt says.
        let rc = unsafe { libbpf_sys::bpf_prog_query_opts(target, attach_type, &mut opts) };
        match rc_result(rc) {
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => {
                cap *= 4;
                continue;
            }
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        // SAFETY: prog_cnt is the union member this call uses (count in, count out).
        let n = (unsafe { opts.__bindgen_anon_1.prog_cnt } as usize).min(cap);
        prog_ids.truncate(n);
        prog_flags.truncate(n);
        link_ids.truncate(n);
        return Ok(ProgQuery {
            attach_flags: opts.attach_flags,
            prog_ids,
            prog_attach_flags: prog_flags,
            link_ids,
        });
    }
}

pub const XDP_FLAGS_UPDATE_IF_NOEXIST: u32 = libbpf_sys::XDP_FLAGS_UPDATE_IF_NOEXIST;
pub const XDP_FLAGS_SKB_MODE: u32 = libbpf_sys::XDP_FLAGS_SKB_MODE;
pub const XDP_FLAGS_DRV_MODE: u32 = libbpf_sys::XDP_FLAGS_DRV_MODE;
pub const XDP_FLAGS_HW_MODE: u32 = libbpf_sys::XDP_FLAGS_HW_MODE;

/// Netlink XDP attach (IFLA_XDP), the way `bpftool net attach xdp` does it: lives until detached.
pub fn xdp_attach(ifindex: i32, prog: BorrowedFd<'_>, flags: u32) -> io::Result<()> {
    // SAFETY: NULL opts is allowed.
    rc_result(unsafe {
        libbpf_sys::bpf_xdp_attach(ifindex, prog.as_raw_fd(), flags, std::ptr::null())
    })
}

pub fn xdp_detach(ifindex: i32, flags: u32) -> io::Result<()> {
    // SAFETY: NULL opts is allowed.
    rc_result(unsafe { libbpf_sys::bpf_xdp_detach(ifindex, flags, std::ptr::null()) })
}

/// Ingress or egress of the clsact qdisc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcDirection {
    Ingress,
    Egress,
}

fn tc_hook(ifindex: i32, dir: TcDirection) -> libbpf_sys::bpf_tc_hook {
    libbpf_sys::bpf_tc_hook {
        sz: std::mem::size_of::<libbpf_sys::bpf_tc_hook>() as _,
        ifindex,
        attach_point: match dir {
            TcDirection::Ingress => libbpf_sys::BPF_TC_INGRESS,
            TcDirection::Egress => libbpf_sys::BPF_TC_EGRESS,
        },
        ..Default::default()
    }
}

/// A classic tc filter's identity on its clsact hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcFilterId {
    pub handle: u32,
    pub priority: u32,
}

/// Adds the clsact qdisc when missing and a direct-action bpf filter running `prog`.
pub fn tc_attach(ifindex: i32, dir: TcDirection, prog: BorrowedFd<'_>) -> io::Result<TcFilterId> {
    let mut hook = tc_hook(ifindex, dir);
    // SAFETY: hook is sized and initialised.
    match rc_result(unsafe { libbpf_sys::bpf_tc_hook_create(&mut hook) }) {
        Err(e) if e.raw_os_error() != Some(libc::EEXIST) => return Err(e),
        _ => {}
    }
    let mut opts = libbpf_sys::bpf_tc_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_tc_opts>() as _,
        prog_fd: prog.as_raw_fd(),
        ..Default::default()
    };
    // SAFETY: hook and opts are sized and initialised.
    rc_result(unsafe { libbpf_sys::bpf_tc_attach(&hook, &mut opts) })?;
    Ok(TcFilterId {
        handle: opts.handle,
        priority: opts.priority,
    })
}

pub fn tc_detach(ifindex: i32, dir: TcDirection, id: TcFilterId) -> io::Result<()> {
    let hook = tc_hook(ifindex, dir);
    let opts = libbpf_sys::bpf_tc_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_tc_opts>() as _,
        handle: id.handle,
        priority: id.priority,
        ..Default::default()
    };
    // SAFETY: hook and opts are sized and initialised.
    rc_result(unsafe { libbpf_sys::bpf_tc_detach(&hook, &opts) })
}

//! The per-type fields of a link, named and typed as bpftool (7.7) prints them, flattened into the link's object.

use std::os::fd::AsFd;

use crate::sys::bpf_obj::{fd_by_id, ObjKind};
use crate::sys::kallsyms::{text_symbols, KernelSym, TextSymbols};
use crate::sys::link_info::{LinkDetail, PerfEventDetail};
use crate::sys::netdev::if_name;
use crate::sys::prog_info::prog_info;

use crate::output::link::KprobeFunc;
use crate::output::link::LinkFields;
use crate::output::link::UprobeFunc;
use crate::sys::names::Named;

/// Kernel symbols, read once and only if some link needs them.
#[derive(Default)]
pub struct SymbolCache {
    symbols: Option<TextSymbols>,
}

impl SymbolCache {
    fn lookup(&mut self, addr: u64) -> Option<KernelSym<'_>> {
        let symbols = self
            .symbols
            .get_or_insert_with(|| text_symbols().unwrap_or_default());
        // With x86 IBT the probe sits after the 4-byte endbr at the symbol's address (bpftool does the same).
        symbols
            .at(addr)
            .or_else(|| addr.checked_sub(4).and_then(|a| symbols.at(a)))
    }
}

/// bpftool's name for an iterator over cgroups' walk order.
fn cgroup_order(order: u32) -> &'static str {
    match order {
        0 => "order_unspec",
        1 => "self_only",
        2 => "descendants_pre",
        3 => "descendants_post",
        4 => "ancestors_up",
        _ => "unknown",
    }
}

fn device(ifindex: u32, attach_type: Option<Named>) -> LinkFields {
    let devname = if ifindex == 0 {
        "(detached)".to_string()
    } else {
        if_name(ifindex).unwrap_or_else(|| "(unknown)".to_string())
    };
    LinkFields::Device {
        devname,
        ifindex,
        attach_type,
    }
}

fn linked_prog_type(prog_id: u32) -> Option<Named> {
    let fd = fd_by_id(ObjKind::Prog, prog_id).ok()?;
    let info = prog_info(fd.as_fd()).ok()?;
    Some(Named::prog_type(info.prog_type))
}

pub fn link_fields(detail: &LinkDetail, prog_id: u32, symbols: &mut SymbolCache) -> LinkFields {
    match detail {
        LinkDetail::RawTracepoint { tp_name, cookie } => LinkFields::RawTracepoint {
            tp_name: tp_name.clone(),
            cookie: *cookie,
        },
        LinkDetail::Tracing {
            attach_type,
            target_obj_id,
            target_btf_id,
            cookie,
        } => tracing_fields(
            prog_id,
            *attach_type,
            *target_obj_id,
            *target_btf_id,
            *cookie,
        ),
        LinkDetail::Iter {
            target_name,
            map_id,
            cgroup_id,
            cgroup_order: order,
            tid,
            pid,
        } => iter_fields(target_name, *map_id, *cgroup_id, *order, *tid, *pid),
        LinkDetail::KprobeMulti {
            retprobe,
            addrs,
            cookies,
            missed,
        } => kprobe_multi(*retprobe, addrs, cookies, *missed, symbols),
        LinkDetail::UprobeMulti {
            retprobe,
            path,
            offsets,
            ref_ctr_offsets,
            cookies,
            pid,
        } => LinkFields::UprobeMulti {
            retprobe: *retprobe,
            path: path.clone(),
            func_cnt: offsets.len(),
            pid: *pid as i32,
            funcs: uprobe_funcs(offsets, ref_ctr_offsets, cookies),
        },
        LinkDetail::PerfEvent(perf) => perf_fields(perf),
        other => attachment_fields(other),
    }
}

/// Links that attach a program to an object: a cgroup, a netns, a device, a map, a netfilter hook.
fn attachment_fields(detail: &LinkDetail) -> LinkFields {
    match detail {
        LinkDetail::Cgroup {
            cgroup_id,
            attach_type,
        } => LinkFields::Cgroup {
            cgroup_id: *cgroup_id,
            attach_type: Named::attach_type(*attach_type),
        },
        LinkDetail::Netns {
            netns_ino,
            attach_type,
        } => LinkFields::Netns {
            netns_ino: *netns_ino,
            attach_type: Named::attach_type(*attach_type),
        },
        LinkDetail::Xdp { ifindex } => device(*ifindex, None),
        LinkDetail::Tcx {
            ifindex,
            attach_type,
        }
        | LinkDetail::Netkit {
            ifindex,
            attach_type,
        } => device(*ifindex, Some(Named::attach_type(*attach_type))),
        LinkDetail::StructOps { map_id } => map_ref(*map_id, None),
        LinkDetail::Sockmap {
            map_id,
            attach_type,
        } => map_ref(*map_id, Some(*attach_type)),
        LinkDetail::Netfilter {
            pf,
            hooknum,
            priority,
            flags,
        } => netfilter_fields(*pf, *hooknum, *priority, *flags),
        _ => LinkFields::Nothing {},
    }
}

fn netfilter_fields(pf: u32, hook: u32, prio: i32, flags: u32) -> LinkFields {
    LinkFields::Netfilter {
        pf,
        hook,
        prio,
        flags,
    }
}

/// struct_ops links name no attach type; sockmap links do.
fn map_ref(map_id: u32, attach_type: Option<u32>) -> LinkFields {
    LinkFields::MapRef {
        map_id,
        attach_type: attach_type.map(Named::attach_type),
    }
}

fn tracing_fields(
    prog_id: u32,
    attach_type: u32,
    target_obj_id: u32,
    target_btf_id: u32,
    cookie: u64,
) -> LinkFields {
    LinkFields::Tracing {
        prog_type: linked_prog_type(prog_id),
        attach_type: Named::attach_type(attach_type),
        target_obj_id,
        target_btf_id,
        cookie,
    }
}

/// One entry per probed offset; the kernel reports ref_ctr offsets and cookies only when some were set.
fn uprobe_funcs(offsets: &[u64], ref_ctr_offsets: &[u64], cookies: &[u64]) -> Vec<UprobeFunc> {
    offsets
        .iter()
        .enumerate()
        .map(|(i, &offset)| UprobeFunc {
            offset,
            ref_ctr_offset: ref_ctr_offsets.get(i).copied().unwrap_or(0),
            cookie: cookies.get(i).copied().unwrap_or(0),
        })
        .collect()
}

fn iter_fields(
    target_name: &str,
    map_id: u32,
    cgroup_id: u64,
    order: u32,
    tid: u32,
    pid: u32,
) -> LinkFields {
    let is_map = matches!(target_name, "bpf_map_elem" | "bpf_sk_storage_map");
    let is_task = matches!(target_name, "task" | "task_file" | "task_vma");
    let is_cgroup = target_name == "cgroup";
    LinkFields::Iter {
        target_name: target_name.to_string(),
        map_id: is_map.then_some(map_id),
        tid: (is_task && tid != 0).then_some(tid),
        pid: (is_task && tid == 0 && pid != 0).then_some(pid),
        cgroup_id: is_cgroup.then_some(cgroup_id),
        order: is_cgroup.then(|| cgroup_order(order)),
    }
}

fn kprobe_multi(
    retprobe: bool,
    addrs: &[u64],
    cookies: &[u64],
    missed: u64,
    symbols: &mut SymbolCache,
) -> LinkFields {
    let mut pairs: Vec<(u64, u64)> = addrs
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, cookies.get(i).copied().unwrap_or(0)))
        .collect();
    pairs.sort_unstable();
    let funcs = pairs
        .into_iter()
        .map(|(addr, cookie)| {
            let sym = symbols.lookup(addr);
            KprobeFunc {
                addr,
                func: sym.map(|s| s.name.to_string()),
                module: sym.and_then(|s| s.module.map(str::to_string)),
                cookie,
            }
        })
        .collect();
    LinkFields::KprobeMulti {
        retprobe,
        func_cnt: addrs.len(),
        missed,
        funcs,
    }
}

fn perf_fields(perf: &PerfEventDetail) -> LinkFields {
    match perf {
        PerfEventDetail::Uprobe {
            retprobe,
            file,
            offset,
            cookie,
            ref_ctr_offset,
        } => LinkFields::PerfUprobe {
            retprobe: *retprobe,
            file: file.clone(),
            offset: *offset,
            cookie: *cookie,
            ref_ctr_offset: *ref_ctr_offset,
        },
        PerfEventDetail::Kprobe {
            retprobe,
            func,
            offset,
            addr,
            missed,
            cookie,
        } => LinkFields::PerfKprobe {
            retprobe: *retprobe,
            addr: *addr,
            func: func.clone(),
            offset: *offset,
            missed: *missed,
            cookie: *cookie,
        },
        PerfEventDetail::Tracepoint { name, cookie } => LinkFields::PerfTracepoint {
            tracepoint: name.clone(),
            cookie: *cookie,
        },
        PerfEventDetail::Event {
            event_type,
            config,
            cookie,
        } => LinkFields::PerfEvent {
            event_type: crate::cmd::link::perf_names::event_type(*event_type),
            event_config: crate::cmd::link::perf_names::event_config(*event_type, *config),
            cookie: *cookie,
        },
        PerfEventDetail::Unknown => LinkFields::Nothing {},
    }
}

//! `perf show|list`: programs on perf events. Like bpftool it asks the kernel (BPF_TASK_FD_QUERY) about every
//! perf-event and raw-tracepoint fd of every process; unlike bpftool (which misses them) it also lists the
//! perf_event and raw_tracepoint links that live on bpffs pins without any process holding them.

use std::collections::BTreeMap;
use std::os::fd::AsFd;

use crate::cli::PerfCommand;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::Result;
use crate::output::perf::{PerfEntry, PerfShow};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::link_info::{self, LinkDetail, PerfEventDetail};
use crate::sys::{fdinfo, procfd};

/// bpf_task_fd_type, in uapi order.
const FD_TYPES: [&str; 6] = [
    "raw_tracepoint",
    "tracepoint",
    "kprobe",
    "kretprobe",
    "uprobe",
    "uretprobe",
];

pub fn run(ctx: &Context, command: PerfCommand) -> CmdResult {
    match command {
        PerfCommand::Show => {
            let (mut entries, held_links) = fd_entries();
            entries.extend(link_entries(&held_links)?);
            show(ctx, &PerfShow(entries))?;
            Ok(Outcome::Success)
        }
    }
}

/// One process fd that is a perf event or a BPF link, as /proc shows it.
struct CandidateFd {
    pid: i32,
    fd: i32,
    link_id: Option<u32>,
}

/// Perf-event and link fds of every process but this one. A process whose fds cannot be read is skipped, as
/// bpftool does (`perf show` has no per-process error to report).
fn candidate_fds() -> Vec<CandidateFd> {
    let mut out = Vec::new();
    let mut text = Vec::new();
    procfd::for_each_fd(|process, name, target| {
        let Some(fd) = std::str::from_utf8(name).ok().and_then(|s| s.parse().ok()) else {
            return;
        };
        let link_id = match target {
            b"anon_inode:[perf_event]" => None,
            b"anon_inode:bpf-link" | b"anon_inode:bpf_link" => process
                .read_fdinfo(name, &mut text)
                .ok()
                .and_then(|()| fdinfo::field_u64(&text, "link_id"))
                .map(|id| id as u32),
            _ => return,
        };
        out.push(CandidateFd {
            pid: process.pid as i32,
            fd,
            link_id,
        });
    });
    out
}

/// Link id → the (pid, fd) pairs of processes holding it open.
type HeldLinks = BTreeMap<u32, Vec<(i32, i32)>>;

/// bpftool's entries (fds the kernel can describe), and the link ids that some process holds.
fn fd_entries() -> (Vec<PerfEntry>, HeldLinks) {
    let mut entries = Vec::new();
    let mut held = HeldLinks::new();
    for c in candidate_fds() {
        if let Some(link) = c.link_id {
            held.entry(link).or_default().push((c.pid, c.fd));
        }
        let Ok(q) = bpf::task_fd_query(c.pid, c.fd) else {
            continue;
        };
        let mut e = PerfEntry::new(FD_TYPES.get(q.fd_type as usize).map_or("unknown", |t| t));
        e.pid = Some(c.pid);
        e.fd = Some(c.fd);
        e.prog_id = q.prog_id;
        e.link_id = c.link_id;
        match q.fd_type {
            0 | 1 => e.tracepoint = Some(q.name),
            2 | 3 if q.name.is_empty() => e.addr = Some(q.probe_addr),
            2 | 3 => {
                e.func = Some(q.name);
                e.offset = Some(q.probe_offset);
            }
            _ => {
                e.filename = Some(q.name);
                e.offset = Some(q.probe_offset);
            }
        }
        entries.push(e);
    }
    (entries, held)
}

/// Links on perf events and raw tracepoints that no process fd already listed (pinned ones, typically).
fn link_entries(held: &HeldLinks) -> Result<Vec<PerfEntry>> {
    let mut out = Vec::new();
    for id in crate::cmd::select::list_ids(ObjKind::Link, "perf")? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Link, id) else {
            continue;
        };
        let Ok(l) = link_info::link_info(fd.as_fd()) else {
            continue;
        };
        // A raw_tracepoint link held by a process was listed from its fd already (bpftool lists those too).
        if matches!(l.detail, LinkDetail::RawTracepoint { .. }) && held.contains_key(&id) {
            continue;
        }
        let mut e = match l.detail {
            LinkDetail::PerfEvent(PerfEventDetail::Tracepoint { name, .. }) => PerfEntry {
                tracepoint: Some(name),
                ..PerfEntry::new("tracepoint")
            },
            LinkDetail::RawTracepoint { tp_name, .. } => PerfEntry {
                tracepoint: Some(tp_name),
                ..PerfEntry::new("raw_tracepoint")
            },
            LinkDetail::PerfEvent(PerfEventDetail::Kprobe {
                retprobe,
                func,
                offset,
                addr,
                ..
            }) => PerfEntry {
                func: (!func.is_empty()).then_some(func),
                offset: Some(u64::from(offset)),
                addr: Some(addr),
                ..PerfEntry::new(if retprobe { "kretprobe" } else { "kprobe" })
            },
            LinkDetail::PerfEvent(PerfEventDetail::Uprobe {
                retprobe,
                file,
                offset,
                ..
            }) => PerfEntry {
                filename: Some(file),
                offset: Some(u64::from(offset)),
                ..PerfEntry::new(if retprobe { "uretprobe" } else { "uprobe" })
            },
            LinkDetail::PerfEvent(PerfEventDetail::Event {
                event_type, config, ..
            }) => PerfEntry {
                event_type: Some(event_type),
                config: Some(config),
                ..PerfEntry::new("perf_event")
            },
            _ => continue,
        };
        e.prog_id = l.prog_id;
        e.link_id = Some(id);
        e.held_by = held.get(&id).map(|v| {
            v.iter()
                .map(|&(pid, fd)| crate::output::perf::Holder { pid, fd })
                .collect()
        });
        out.push(e);
    }
    Ok(out)
}

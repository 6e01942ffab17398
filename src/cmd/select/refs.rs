//! Who refers to an object from outside the kernel: the bpffs paths that pin it and the processes that hold an fd
//! to it. Both are gathered once per command, on their own threads while the command reads the objects
//! themselves: on a box with thousands of objects the two walks cost about as much as the reading. With a few
//! objects there is little reading to overlap, and the walks run on the calling thread once it is done.

use std::thread::JoinHandle;

use crate::sys::bpf_obj::ObjKind;
use crate::sys::bpffs::{pinned_objects, PinIndex};
use crate::sys::holders::{scan_holders, Holders};

use crate::cli::ShowView;
use crate::cmd::select::Selection;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::output::show::Listing;
use crate::output::show::Pid;
use crate::output::Render;

pub struct Refs {
    kind: ObjKind,
    pins: PinIndex,
    holders: Holders,
}

/// Below this many objects of the kind the walks are not worth two threads (spawning, joining, a heap each):
/// hyperfine, 2-core VM, 110 processes: `-j prog show` with 9 programs 3.3 -> 2.7 ms, `-j map show` with 38 maps
/// 3.0 -> 2.7 ms; callgrind: 160k fewer instructions, strace: 75 fewer syscalls.
const THREADS_FROM: usize = 64;

/// The two walks: running, still to run, or not needed.
pub struct PendingRefs {
    kind: ObjKind,
    /// Whether the output shows pinned paths (see `Refs::start`).
    pins_shown: bool,
    walks: Walks,
}

enum Walks {
    /// No object of the kind: nothing to find references to.
    None,
    /// Few objects: walked by `finish`, on the calling thread.
    Later,
    Running(Option<JoinHandle<PinIndex>>, JoinHandle<Holders>),
}

/// Every pin of an object of `kind` (BTF objects cannot be pinned: no walk), when the output shows pins.
fn pins_of(kind: ObjKind, shown: bool) -> PinIndex {
    match kind {
        ObjKind::Btf => PinIndex::default(),
        _ if !shown => PinIndex::default(),
        _ => pinned_objects(kind),
    }
}

/// How many objects of `kind` the kernel has, counted up to `limit`.
fn count_up_to(kind: ObjKind, limit: usize) -> usize {
    let (mut count, mut id) = (0, 0);
    while count < limit {
        match crate::sys::bpf_obj::next_id(kind, id) {
            Ok(Some(next)) => (count, id) = (count + 1, next),
            _ => break,
        }
    }
    count
}

impl Refs {
    /// Starts walking bpffs and /proc for objects of `kind`, unless the kernel has none: on an idle box the two
    /// walks (every pin, every fd of every process) would be most of a listing's time, for nothing.
    /// Few objects: the walks wait for `finish` (see THREADS_FROM). Without `pins_shown` (the plain table, which
    /// has a PIDS column and no PINNED one) bpffs is not walked: a third of a small listing's time.
    pub fn start(kind: ObjKind, pins_shown: bool) -> PendingRefs {
        let walks = match crate::sys::bpf_obj::next_id(kind, 0) {
            Ok(None) => Walks::None,
            _ if count_up_to(kind, THREADS_FROM) < THREADS_FROM => Walks::Later,
            _ => Walks::Running(
                pins_shown.then(|| std::thread::spawn(move || pins_of(kind, true))),
                std::thread::spawn(move || scan_holders(kind)),
            ),
        };
        PendingRefs {
            kind,
            pins_shown,
            walks,
        }
    }

    /// `start` for a `show` in `view`: bpffs is walked only where the output prints pinned paths, which JSON and
    /// the wide table always do, the plain table only as the details of a single (selected) object.
    pub fn start_for_show(
        ctx: &Context,
        kind: ObjKind,
        view: ShowView,
        selected: bool,
    ) -> PendingRefs {
        Refs::start(kind, ctx.out.is_json() || view.wide || selected)
    }

    pub fn pinned(&self, id: u32) -> Vec<String> {
        self.pins.of(id).to_vec()
    }

    pub fn pids(&self, id: u32) -> Vec<Pid> {
        self.holders
            .of(self.kind, id)
            .iter()
            .map(|h| Pid {
                pid: h.pid,
                comm: h.comm.clone(),
            })
            .collect()
    }
}

impl PendingRefs {
    /// Waits for both walks; under --debug, says which pins and processes could not be read, so an empty
    /// `pinned` or `pids` is never silently incomplete.
    pub fn finish(self, ctx: &Context) -> Refs {
        let (pins, holders) = match self.walks {
            Walks::None => Default::default(),
            Walks::Later => (pins_of(self.kind, self.pins_shown), scan_holders(self.kind)),
            Walks::Running(pins, holders) => (
                pins.and_then(|p| p.join().ok()).unwrap_or_default(),
                holders.join().unwrap_or_default(),
            ),
        };
        for pin in &pins.unreadable {
            ctx.note(&format!("pinned: cannot read {}: {}", pin.path, pin.reason));
        }
        for proc in &holders.unreadable {
            match proc.pid {
                0 => ctx.note(&format!("pids: {}", proc.reason)),
                pid => ctx.note(&format!(
                    "pids: cannot read the fds of process {pid}: {}",
                    proc.reason
                )),
            }
        }
        Refs {
            kind: self.kind,
            pins,
            holders,
        }
    }
}

/// A `show` entry that carries pins and holders, filled in once the background walks are done.
pub trait Referenced {
    fn set_refs(&mut self, refs: &Refs);
}

/// The end of every `show`: wait for the pin and holder walks, attach their answers, print the listing.
pub fn show_with_refs<T>(
    ctx: &Context,
    pending: PendingRefs,
    selection: Selection<T>,
    view: ShowView,
) -> CmdResult
where
    T: Referenced,
    Listing<T>: Render,
{
    let refs = pending.finish(ctx);
    let items = selection
        .items
        .into_iter()
        .map(|mut e| {
            e.set_refs(&refs);
            e
        })
        .collect();
    show(
        ctx,
        &Listing {
            items,
            single: selection.single,
            wide: view.wide,
        },
    )?;
    Ok(Outcome::Success)
}

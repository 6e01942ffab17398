//! Who refers to an object from outside the kernel: the bpffs paths that pin it and the processes that hold an fd
//! to it, gathered once per command. The /proc walk also reads the fdinfo of every held object, and the listing
//! takes memlock and frozen from it rather than reading its own fd's again (an fdinfo read is most of a map's
//! listing time). With a few objects everything runs on the calling thread: holders, then the listing, then
//! bpffs. With many, the /proc walk runs on a second thread while this one lists the objects and walks bpffs,
//! and the fdinfo fields are filled in once both are done.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::os::fd::BorrowedFd;
use std::thread::JoinHandle;

use crate::sys::bpf_obj::{fd_by_id, ObjKind};
use crate::sys::bpffs::{pinned_objects, PinIndex};
use crate::sys::fdinfo::{own_fdinfo, FdInfo};
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
    /// The listing left the fdinfo fields to `show_with_refs` (the /proc walk ran beside it).
    fdinfo_deferred: bool,
}

/// From this many objects of the kind (listing them all) the /proc walk gets a thread of its own: below, the
/// thread's set-up (a stack, a heap of its own) costs more than the overlap saves. hyperfine, 2-core VM, 110
/// processes: `-j prog show` with 9 programs 3.3 -> 2.7 ms, `-j map show` with 38 maps 3.0 -> 2.7 ms without
/// threads. 1,000 maps, each pinned and held (`scripts/bench-show.sh`): 13.4 ms median this way, 17.0 ms with
/// the listing reading every map's own fdinfo beside two walking threads.
const THREADS_FROM: usize = 64;

/// The walks, started on first use: a listing of everything starts them before it lists (the big walk then
/// runs beside it), a selected object only once it is found (a missing one costs no walk).
pub struct PendingRefs {
    kind: ObjKind,
    /// Whether bpffs is to be walked: the output shows pinned paths.
    pins_shown: bool,
    everything: bool,
    holders: OnceCell<HolderWalk>,
}

enum HolderWalk {
    /// The kernel has no object of the kind: neither walk is made.
    NoObjects,
    Done(Holders),
    Running(JoinHandle<Holders>),
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
    /// The walks for a listing of objects of `kind`: of `everything` (started now, so that with many objects the
    /// /proc walk runs beside the listing) or of one selected object (started once it is found). bpffs is walked
    /// only when `pins_shown`: the plain table has a PIDS column and no PINNED one, and bpffs is a third of a
    /// small listing's time.
    pub fn start(kind: ObjKind, pins_shown: bool, everything: bool) -> PendingRefs {
        let pending = PendingRefs {
            kind,
            pins_shown,
            everything,
            holders: OnceCell::new(),
        };
        if everything {
            pending.holders();
        }
        pending
    }

    /// `start` for a `show` in `view`: bpffs is walked only where the output prints pinned paths, which JSON and
    /// the wide table always do, the plain table only as the details of a single (selected) object.
    pub fn start_for_show(
        ctx: &Context,
        kind: ObjKind,
        view: ShowView,
        selected: bool,
    ) -> PendingRefs {
        Refs::start(kind, ctx.out.is_json() || view.wide || selected, !selected)
    }

    pub fn pinned(&self, id: u32) -> Vec<String> {
        self.pins.of(id).to_vec()
    }

    /// The fdinfo of object `id` for a listing that left it for later: a holder's copy, or read from a new fd to
    /// the object (empty if unreadable, as in the listing); None when the object is gone since it was listed.
    fn late_fdinfo(&self, id: u32) -> Option<Cow<'_, FdInfo>> {
        if let Some(held) = self.holders.fdinfo(id) {
            return Some(Cow::Borrowed(held));
        }
        let fdinfo = match fd_by_id(self.kind, id) {
            Ok(fd) => own_fdinfo(std::os::fd::AsFd::as_fd(&fd)).unwrap_or_default(),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return None,
            Err(_) => FdInfo::default(),
        };
        Some(Cow::Owned(fdinfo))
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
    /// The /proc walk, started now if it was not yet; none when the kernel has no object of the kind (on an idle
    /// box the two walks would be most of a listing's time, for nothing). With many objects in a listing of
    /// everything it gets a thread of its own.
    fn holders(&self) -> &HolderWalk {
        self.holders.get_or_init(|| {
            let kind = self.kind;
            match crate::sys::bpf_obj::next_id(kind, 0) {
                Ok(None) => HolderWalk::NoObjects,
                _ if self.everything && count_up_to(kind, THREADS_FROM) == THREADS_FROM => {
                    let listing_cpu = crate::sys::process::current_cpu();
                    HolderWalk::Running(std::thread::spawn(move || {
                        // Off the listing's CPU: left to the scheduler, the two shared one CPU for milliseconds
                        // in most runs (1,000 maps: 12.2-19.9 ms, median 16.1; apart: 12.2-13.1 ms, median
                        // 12.7). Its fds never leave the thread: sharing one fd table with the listing, every
                        // open, close and fd lookup of both contends. If the kernel refuses either, the walk is
                        // as right, only slower.
                        if let Some(cpu) = listing_cpu {
                            let _ = crate::sys::process::leave_cpu(cpu);
                        }
                        let _ = crate::sys::process::unshare_fd_table();
                        scan_holders(kind)
                    }))
                }
                _ => HolderWalk::Done(scan_holders(kind)),
            }
        })
    }

    /// The fdinfo of object `id`, open as `fd`: a holder's copy when the /proc walk read one (the same text for
    /// every fd to the object), else our own fd's (empty if unreadable). None while the walk is still running:
    /// `show_with_refs` fills the fields in afterwards.
    pub fn fdinfo(&self, id: u32, fd: BorrowedFd<'_>) -> Option<Cow<'_, FdInfo>> {
        let held = match self.holders() {
            HolderWalk::Running(_) => return None,
            HolderWalk::Done(holders) => holders.fdinfo(id),
            HolderWalk::NoObjects => None,
        };
        Some(match held {
            Some(held) => Cow::Borrowed(held),
            None => Cow::Owned(own_fdinfo(fd).unwrap_or_default()),
        })
    }

    /// Walks bpffs (BTF objects cannot be pinned) and waits for the /proc walk; under --debug, says which pins
    /// and processes could not be read, so an empty `pinned` or `pids` is never silently incomplete.
    pub fn finish(self, ctx: &Context) -> Refs {
        let kind = self.kind;
        let walk_pins = || match self.pins_shown && kind != ObjKind::Btf {
            true => pinned_objects(kind),
            false => PinIndex::default(),
        };
        // Started here when the listing asked for no fdinfo.
        self.holders();
        let walk = self.holders.into_inner().unwrap_or(HolderWalk::NoObjects);
        let (holders, pins, fdinfo_deferred) = match walk {
            HolderWalk::NoObjects => (Holders::default(), PinIndex::default(), false),
            HolderWalk::Done(holders) => (holders, walk_pins(), false),
            HolderWalk::Running(walk) => {
                let pins = walk_pins();
                (walk.join().unwrap_or_default(), pins, true)
            }
        };
        for pin in &pins.unreadable {
            ctx.note(&format!("pinned: cannot read {}: {}", pin.path, pin.reason));
        }
        // The reasons are texts made only when they are printed (see procfd::Unreadable).
        for proc in holders.unreadable.iter().filter(|_| ctx.debug) {
            match proc.pid {
                0 => ctx.note(&format!("pids: {}", proc.reason())),
                pid => ctx.note(&format!(
                    "pids: cannot read the fds of process {pid}: {}",
                    proc.reason()
                )),
            }
        }
        Refs {
            kind,
            pins,
            holders,
            fdinfo_deferred,
        }
    }
}

/// A `show` entry that carries pins and holders, filled in once the walks are done.
pub trait Referenced {
    fn set_refs(&mut self, refs: &Refs);

    /// Entries that show fields of their object's fdinfo: the object's id, to fetch it by when the listing
    /// left it for later.
    fn fdinfo_id(&self) -> Option<u32> {
        None
    }

    /// Takes the fields the entry shows from its object's fdinfo.
    fn set_fdinfo(&mut self, _fdinfo: &FdInfo) {}
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
        .filter_map(|mut e| {
            if let Some(id) = e.fdinfo_id().filter(|_| refs.fdinfo_deferred) {
                // Gone since it was listed: as if it had gone a moment earlier.
                e.set_fdinfo(refs.late_fdinfo(id)?.as_ref());
            }
            e.set_refs(&refs);
            Some(e)
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

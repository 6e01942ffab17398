//! Who refers to an object from outside the kernel: the bpffs paths that pin it and the processes that hold an fd
//! to it. Both are gathered once per command, on their own threads while the command reads the objects
//! themselves: on a box with thousands of objects the two walks cost about as much as the reading.

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

/// The two walks, running (None: not started, as there was no object to find references to).
pub struct PendingRefs {
    kind: ObjKind,
    pins: Option<JoinHandle<PinIndex>>,
    holders: Option<JoinHandle<Holders>>,
}

impl Refs {
    /// Starts walking bpffs and /proc for objects of `kind`, unless the kernel has none: on an idle box the two
    /// walks (every pin, every fd of every process) would be most of a listing's time, for nothing.
    pub fn start(kind: ObjKind) -> PendingRefs {
        if let Ok(None) = crate::sys::bpf_obj::next_id(kind, 0) {
            return PendingRefs {
                kind,
                pins: None,
                holders: None,
            };
        }
        PendingRefs {
            kind,
            // BTF objects cannot be pinned: no walk.
            pins: Some(std::thread::spawn(move || match kind {
                ObjKind::Btf => PinIndex::default(),
                _ => pinned_objects(kind),
            })),
            holders: Some(std::thread::spawn(move || scan_holders(kind))),
        }
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
        let pins = self
            .pins
            .map(|t| t.join().unwrap_or_default())
            .unwrap_or_default();
        let holders = self
            .holders
            .map(|t| t.join().unwrap_or_default())
            .unwrap_or_default();
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

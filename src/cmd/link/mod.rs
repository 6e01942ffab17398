//! `ebpfctl link show|list [id N | pinned PATH]`: links with the header bpftool prints (id, type, prog_id), every
//! per-type field of the kernel's link info, and `pinned` and `pids` always.

pub mod fields;
pub mod lifecycle;
pub mod perf_names;

use crate::cli::{LinkSelector, LinkVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;

use crate::cmd::link::fields::{link_fields, SymbolCache};
use crate::cmd::select;
use crate::cmd::select::refs::Refs;
use crate::cmd::{CmdResult, Context};
use crate::output::link::LinkEntry;
use crate::sys::names::Named;

pub fn run(ctx: &Context, verb: LinkVerb) -> CmdResult {
    match verb {
        LinkVerb::Show { select, view } => show_links(ctx, select.as_ref(), view),
        LinkVerb::Lifecycle(command) => crate::cmd::link::lifecycle::run(ctx, command),
    }
}

fn show_links(ctx: &Context, selector: Option<&LinkSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start_for_show(ctx, ObjKind::Link, view, selector.is_some());
    let mut symbols = SymbolCache::default();
    let selection = select::links(selector, |live| {
        let info = &live.info;
        LinkEntry {
            id: info.id,
            link_type: Named::link_type(info.link_type),
            prog_id: info.prog_id,
            fields: link_fields(&info.detail, info.prog_id, &mut symbols),
            pinned: Vec::new(),
            pids: Vec::new(),
        }
    })?;
    crate::cmd::select::refs::show_with_refs(ctx, pending, selection, view)
}

impl crate::cmd::select::refs::Referenced for LinkEntry {
    fn set_refs(&mut self, refs: &crate::cmd::select::refs::Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }
}

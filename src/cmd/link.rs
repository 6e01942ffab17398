//! `ebpfctl link show|list [id N | pinned PATH]`: links with the header bpftool prints (id, type, prog_id), every
//! per-type field of the kernel's link info, and `pinned` and `pids` always.

use serde::Serialize;

use crate::cli::{LinkSelector, LinkVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;

use super::link_fields::{link_fields, LinkFields, SymbolCache};
use super::names::Named;
use super::refs::{Pid, Refs};
use super::select;
use super::{CmdResult, Context};

#[derive(Debug, Serialize)]
pub struct LinkEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub link_type: Named,
    pub prog_id: u32,
    #[serde(flatten)]
    pub fields: LinkFields,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
}

pub fn run(ctx: &Context, verb: LinkVerb) -> CmdResult {
    match verb {
        LinkVerb::Show { select, view } => show_links(ctx, select.as_ref(), view),
        LinkVerb::Lifecycle(command) => super::link_lifecycle::run(ctx, command),
    }
}

fn show_links(ctx: &Context, selector: Option<&LinkSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start(ObjKind::Link);
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
    super::refs::show_with_refs(ctx, pending, selection, view)
}

impl super::refs::Referenced for LinkEntry {
    fn set_refs(&mut self, refs: &super::refs::Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }
}

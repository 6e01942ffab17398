//! `ebpfctl btf show|list [id N]`: BTF objects with the programs and maps that use each, as bpftool prints them,
//! plus `pids`. BTF cannot be pinned, so there is no `pinned`.

pub mod dump;
pub mod minimize;

use std::collections::BTreeMap;

use crate::cli::{BtfSelector, BtfVerb, ShowView};
use crate::error::{Error, Result};
use crate::sys::bpf_obj::ObjKind;

use crate::cmd::select;
use crate::cmd::select::refs::Refs;
use crate::cmd::{CmdResult, Context};
use crate::output::btf::BtfEntry;

pub fn run(ctx: &Context, verb: &BtfVerb) -> CmdResult {
    match verb {
        BtfVerb::Show { select, view } => show_btfs(ctx, select.as_ref(), *view),
        BtfVerb::Dump(args) => crate::cmd::btf::dump::run(ctx, args),
        BtfVerb::Minimize(args) => crate::cmd::btf::minimize::run(ctx, args),
    }
}

/// Object ids by the BTF id they use.
type UsersByBtf = BTreeMap<u32, Vec<u32>>;

/// Which programs and maps use which BTF id, from one pass over all of them (in id order).
fn users() -> Result<(UsersByBtf, UsersByBtf)> {
    let mut progs = UsersByBtf::new();
    let mut maps = UsersByBtf::new();
    let mut names = crate::cmd::select::names::NameResolver::default();
    let prog_btfs = select::progs(None, &mut names, |live, _| (live.info.id, live.info.btf_id))?;
    for (id, btf_id) in prog_btfs.items {
        if btf_id != 0 {
            progs.entry(btf_id).or_default().push(id);
        }
    }
    let map_btfs = select::maps(None, &mut names, |live| (live.info.id, live.info.btf_id))?;
    for (id, btf_id) in map_btfs.items {
        if btf_id != 0 {
            maps.entry(btf_id).or_default().push(id);
        }
    }
    Ok((progs, maps))
}

fn show_btfs(ctx: &Context, selector: Option<&BtfSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start_for_show(ctx, ObjKind::Btf, view, selector.is_some());
    let (progs, maps) = users().map_err(|e| Error::new(e.kind, "btf", e.reason))?;
    let selection = select::btfs(selector, |live| {
        let info = &live.info;
        BtfEntry {
            id: info.id,
            size: info.size,
            prog_ids: progs.get(&info.id).cloned().unwrap_or_default(),
            map_ids: maps.get(&info.id).cloned().unwrap_or_default(),
            kernel: info.kernel,
            name: (!info.name.is_empty()).then(|| info.name.clone()),
            pids: Vec::new(),
        }
    })?;
    crate::cmd::select::refs::show_with_refs(ctx, pending, selection, view)
}

impl crate::cmd::select::refs::Referenced for BtfEntry {
    fn set_refs(&mut self, refs: &crate::cmd::select::refs::Refs) {
        self.pids = refs.pids(self.id);
    }
}

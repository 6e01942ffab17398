//! `ebpfctl prog show|list [id N | pinned PATH | tag HEX | name NAME]`: loaded programs with every field
//! `bpftool -j prog show` prints (same names, types and values), plus `pinned` and `pids` always.

pub mod dump;
mod jited;
pub mod lifecycle;
mod listing;
pub mod load;
mod loaded;
pub mod metadata;
pub mod profile;
pub(crate) mod signed;
pub mod test_run;
pub mod top;
mod tracelog;
mod visual;

use std::os::fd::AsFd;

use crate::cli::{ProgSelector, ProgVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;
use crate::sys::clock::boottime_to_epoch;
use crate::sys::fdinfo::FdInfo;
use crate::sys::prog_info::ProgInfo;

use crate::cmd::prog::metadata::MetadataReader;
use crate::cmd::select::names::NameResolver;
use crate::cmd::select::refs::{PendingRefs, Referenced, Refs};
use crate::cmd::select::{self, Live};
use crate::cmd::{CmdResult, Context};
use crate::output::prog::ProgEntry;
use crate::sys::names::Named;

pub fn run(ctx: &Context, verb: ProgVerb) -> CmdResult {
    match verb {
        ProgVerb::Show { select, view } => show_progs(ctx, select.as_ref(), view),
        ProgVerb::Top(args) => crate::cmd::prog::top::run(ctx, args),
        ProgVerb::Lifecycle(command) => crate::cmd::prog::lifecycle::run(ctx, command),
    }
}

fn show_progs(ctx: &Context, selector: Option<&ProgSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start_for_show(ctx, ObjKind::Prog, view, selector.is_some());
    let mut names = NameResolver::default();
    let mut metadata = MetadataReader::default();
    let selection = select::progs(selector, &mut names, |live, names| {
        describe(live, names, &mut metadata, &pending)
    })?;
    crate::cmd::select::refs::show_with_refs(ctx, pending, selection, view)
}

fn describe(
    live: &Live<ProgInfo>,
    names: &mut NameResolver,
    metadata: &mut MetadataReader,
    refs: &PendingRefs,
) -> ProgEntry {
    let info = &live.info;
    let loaded = info.load_time_ns != 0;
    let nonzero = |v: u64| (v != 0).then_some(v);
    let mut entry = ProgEntry {
        id: info.id,
        prog_type: Named::prog_type(info.prog_type),
        name: (!info.name.is_empty()).then(|| names.prog_full_name(info)),
        tag: crate::fastfmt::hex_string(&info.tag),
        gpl_compatible: info.gpl_compatible,
        // bpftool prints run_cnt whenever run_time_ns is non-zero, and only then.
        run_time_ns: nonzero(info.run_time_ns),
        run_cnt: (info.run_time_ns != 0).then_some(info.run_cnt),
        recursion_misses: nonzero(info.recursion_misses),
        verified_insns: (info.verified_insns != 0).then_some(info.verified_insns),
        dev: select::offload_dev(info.ifindex, info.netns_dev, info.netns_ino),
        loaded_at: loaded.then(|| boottime_to_epoch(info.load_time_ns)),
        uid: loaded.then_some(info.created_by_uid),
        orphaned: info.orphaned,
        bytes_xlated: info.xlated_len,
        jited: info.jited_len != 0,
        bytes_jited: (info.jited_len != 0).then_some(info.jited_len),
        bytes_memlock: None,
        map_ids: info.map_ids.clone(),
        btf_id: (info.btf_id != 0).then_some(info.btf_id),
        pinned: Vec::new(),
        pids: Vec::new(),
        metadata: metadata.of_prog(info, &mut names.btfs),
    };
    if let Some(fdinfo) = refs.fdinfo(info.id, live.fd.as_fd()) {
        entry.set_fdinfo(&fdinfo);
    }
    entry
}

impl Referenced for ProgEntry {
    fn set_refs(&mut self, refs: &Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }

    fn fdinfo_id(&self) -> Option<u32> {
        Some(self.id)
    }

    fn set_fdinfo(&mut self, fdinfo: &FdInfo) {
        self.bytes_memlock = fdinfo.get("memlock").and_then(|v| v.parse().ok());
    }
}

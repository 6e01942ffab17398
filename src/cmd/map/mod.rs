//! `ebpfctl map show|list [id N | pinned PATH | name NAME]`: maps with every field `bpftool -j map show` prints,
//! plus `pinned` and `pids` always. Each map's info is read into a fresh struct, so a map without BTF never
//! shows the previous map's btf_id (bpftool 7.1's list-all bug).

pub mod admin;
pub mod bulk;
pub mod data;
pub mod open;
pub mod stream;
pub mod words;

use std::os::fd::AsFd;

use crate::cli::{MapSelector, MapVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;
use crate::sys::fdinfo::FdInfo;
use crate::sys::map_info::MapInfo;

use crate::cmd::select::names::NameResolver;
use crate::cmd::select::refs::{PendingRefs, Referenced, Refs};
use crate::cmd::select::{self, Live};
use crate::cmd::{CmdResult, Context};
use crate::output::map::MapEntry;
use crate::sys::names::Named;

pub fn run(ctx: &Context, verb: &MapVerb) -> CmdResult {
    match verb {
        MapVerb::Show { select, view } => show_maps(ctx, select.as_ref(), *view),
        MapVerb::Dump(w) => data::dump(ctx, &w.words),
        MapVerb::Lookup(w) => data::lookup(ctx, &w.words),
        MapVerb::Getnext(w) => data::getnext(ctx, &w.words),
        MapVerb::Update(w) => data::update(ctx, &w.words),
        MapVerb::Delete(w) => data::delete(ctx, &w.words),
        MapVerb::Freeze(w) => data::freeze(ctx, &w.words),
        MapVerb::Peek(w) => data::take_head(ctx, &w.words, false),
        MapVerb::Pop(w) => data::take_head(ctx, &w.words, true),
        MapVerb::Push(w) => data::push(ctx, &w.words),
        MapVerb::Watch(w) => stream::watch(ctx, &w.words),
        MapVerb::Create(w) => admin::create(ctx, &w.words),
        MapVerb::Pin(w) => admin::pin(ctx, &w.words),
    }
}

fn show_maps(ctx: &Context, selector: Option<&MapSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start_for_show(ctx, ObjKind::Map, view, selector.is_some());
    let mut names = NameResolver::default();
    let selection = select::maps(selector, &mut names, |live| describe(live, &pending))?;
    crate::cmd::select::refs::show_with_refs(ctx, pending, selection, view)
}

fn describe(live: &Live<MapInfo>, refs: &PendingRefs) -> MapEntry {
    let info = &live.info;
    let mut entry = MapEntry {
        id: info.id,
        map_type: Named::map_type(info.map_type),
        name: (!info.name.is_empty()).then(|| info.name.clone()),
        flags: info.flags,
        dev: select::offload_dev(info.ifindex, info.netns_dev, info.netns_ino),
        bytes_key: info.key_size,
        bytes_value: info.value_size,
        max_entries: info.max_entries,
        bytes_memlock: None,
        owner_prog_type: None,
        owner_jited: None,
        frozen: 0,
        btf_id: (info.btf_id != 0).then_some(info.btf_id),
        pinned: Vec::new(),
        pids: Vec::new(),
    };
    if let Some(fdinfo) = refs.fdinfo(info.id, live.fd.as_fd()) {
        entry.set_fdinfo(&fdinfo);
    }
    entry
}

impl Referenced for MapEntry {
    fn set_refs(&mut self, refs: &Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }

    fn fdinfo_id(&self) -> Option<u32> {
        Some(self.id)
    }

    fn set_fdinfo(&mut self, fdinfo: &FdInfo) {
        let is_prog_array = self.map_type == Named::map_type(libbpf_sys::BPF_MAP_TYPE_PROG_ARRAY);
        let owner = |key: &str| is_prog_array.then(|| fdinfo.get_u64(key)).flatten();
        self.bytes_memlock = fdinfo.get("memlock").and_then(|v| v.parse().ok());
        self.owner_prog_type = owner("owner_prog_type").map(|t| Named::prog_type(t as u32));
        self.owner_jited = owner("owner_jited").map(|j| j != 0);
        self.frozen = fdinfo
            .get("frozen")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
    }
}

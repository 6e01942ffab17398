//! `ebpfctl map show|list [id N | pinned PATH | name NAME]`: maps with every field `bpftool -j map show` prints,
//! plus `pinned` and `pids` always. Each map's info is read into a fresh struct, so a map without BTF never
//! shows the previous map's btf_id (bpftool 7.1's list-all bug).

use std::os::fd::AsFd;

use serde::Serialize;

use crate::cli::{MapSelector, MapVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;
use crate::sys::fdinfo::own_fdinfo;
use crate::sys::map_info::MapInfo;

use super::names::{NameResolver, Named};
use super::prog::OffloadDev;
use super::refs::{Pid, Refs};
use super::select::{self, Live};
use super::{map_admin, map_data, map_stream, CmdResult, Context};

/// One map, in bpftool's field order.
#[derive(Debug, Serialize)]
pub struct MapEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub map_type: Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub flags: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<OffloadDev>,
    pub bytes_key: u32,
    pub bytes_value: u32,
    pub max_entries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    /// Prog arrays only: the program type and JIT state every program in it must share, once one was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_prog_type: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_jited: Option<bool>,
    /// An integer, as bpftool prints it.
    pub frozen: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
}

pub fn run(ctx: &Context, verb: &MapVerb) -> CmdResult {
    match verb {
        MapVerb::Show { select, view } => show_maps(ctx, select.as_ref(), *view),
        MapVerb::Dump(w) => map_data::dump(ctx, &w.words),
        MapVerb::Lookup(w) => map_data::lookup(ctx, &w.words),
        MapVerb::Getnext(w) => map_data::getnext(ctx, &w.words),
        MapVerb::Update(w) => map_data::update(ctx, &w.words),
        MapVerb::Delete(w) => map_data::delete(ctx, &w.words),
        MapVerb::Freeze(w) => map_data::freeze(ctx, &w.words),
        MapVerb::Peek(w) => map_data::take_head(ctx, &w.words, false),
        MapVerb::Pop(w) => map_data::take_head(ctx, &w.words, true),
        MapVerb::Push(w) => map_data::push(ctx, &w.words),
        MapVerb::Watch(w) => map_stream::watch(ctx, &w.words),
        MapVerb::Create(w) => map_admin::create(ctx, &w.words),
        MapVerb::Pin(w) => map_admin::pin(ctx, &w.words),
    }
}

fn show_maps(ctx: &Context, selector: Option<&MapSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start(ObjKind::Map);
    let mut names = NameResolver::default();
    let selection = select::maps(selector, &mut names, describe)?;
    super::refs::show_with_refs(ctx, pending, selection, view)
}

fn describe(live: &Live<MapInfo>) -> MapEntry {
    let info = &live.info;
    let fdinfo = own_fdinfo(live.fd.as_fd()).unwrap_or_default();
    let is_prog_array = info.map_type == libbpf_sys::BPF_MAP_TYPE_PROG_ARRAY;
    let owner = |key: &str| is_prog_array.then(|| fdinfo.get_u64(key)).flatten();
    MapEntry {
        id: info.id,
        map_type: Named::map_type(info.map_type),
        name: (!info.name.is_empty()).then(|| info.name.clone()),
        flags: info.flags,
        dev: OffloadDev::new(info.ifindex, info.netns_dev, info.netns_ino),
        bytes_key: info.key_size,
        bytes_value: info.value_size,
        max_entries: info.max_entries,
        bytes_memlock: fdinfo.get("memlock").and_then(|v| v.parse().ok()),
        owner_prog_type: owner("owner_prog_type").map(|t| Named::prog_type(t as u32)),
        owner_jited: owner("owner_jited").map(|j| j != 0),
        frozen: fdinfo
            .get("frozen")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        btf_id: (info.btf_id != 0).then_some(info.btf_id),
        pinned: Vec::new(),
        pids: Vec::new(),
    }
}

impl super::refs::Referenced for MapEntry {
    fn set_refs(&mut self, refs: &super::refs::Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }
}

//! `ebpfctl prog show|list [id N | pinned PATH | tag HEX | name NAME]`: loaded programs with every field
//! `bpftool -j prog show` prints (same names, types and values), plus `pinned` and `pids` always.

use std::os::fd::AsFd;

use serde::Serialize;
use serde_json::Value;

use crate::cli::{ProgSelector, ProgVerb, ShowView};
use crate::sys::bpf_obj::ObjKind;
use crate::sys::clock::boottime_to_epoch;
use crate::sys::fdinfo::own_fdinfo;
use crate::sys::prog_info::ProgInfo;

use super::metadata::MetadataReader;
use super::names::{NameResolver, Named};
use super::refs::{Pid, Refs};
use super::select::{self, Live};
use super::{CmdResult, Context};

/// One program, in bpftool's field order.
#[derive(Debug, Serialize)]
pub struct ProgEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub tag: String,
    pub gpl_compatible: bool,
    /// Only when the kernel counts (sysctl kernel.bpf_stats_enabled=1) and the program ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursion_misses: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<OffloadDev>,
    /// Epoch seconds; absent only on kernels that do not record load times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    pub orphaned: bool,
    pub bytes_xlated: u32,
    pub jited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_jited: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Verifier-processed instructions: not in bpftool's show, shown in --wide tables.
    #[serde(skip)]
    pub verified_insns: u32,
}

/// The device an offloaded program or map lives on.
#[derive(Debug, Clone, Serialize)]
pub struct OffloadDev {
    pub ifindex: u32,
    pub ns_dev: u64,
    pub ns_inode: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifname: Option<String>,
}

impl OffloadDev {
    /// bpftool resolves the name only when the device is in our own network namespace.
    pub fn new(ifindex: u32, ns_dev: u64, ns_inode: u64) -> Option<OffloadDev> {
        if ifindex == 0 {
            return None;
        }
        let own_ns = std::fs::metadata("/proc/self/ns/net").ok().map(|m| {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino())
        });
        let ifname = (own_ns == Some((ns_dev, ns_inode)))
            .then(|| crate::sys::netdev::if_name(ifindex))
            .flatten();
        Some(OffloadDev {
            ifindex,
            ns_dev,
            ns_inode,
            ifname,
        })
    }
}

pub fn run(ctx: &Context, verb: ProgVerb) -> CmdResult {
    match verb {
        ProgVerb::Show { select, view } => show_progs(ctx, select.as_ref(), view),
        ProgVerb::Lifecycle(command) => super::prog_lifecycle::run(ctx, command),
    }
}

fn show_progs(ctx: &Context, selector: Option<&ProgSelector>, view: ShowView) -> CmdResult {
    let pending = Refs::start(ObjKind::Prog);
    let mut names = NameResolver::default();
    let mut metadata = MetadataReader::default();
    let selection = select::progs(selector, &mut names, |live, names| {
        describe(live, names, &mut metadata)
    })?;
    super::refs::show_with_refs(ctx, pending, selection, view)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn describe(
    live: &Live<ProgInfo>,
    names: &mut NameResolver,
    metadata: &mut MetadataReader,
) -> ProgEntry {
    let info = &live.info;
    let fdinfo = own_fdinfo(live.fd.as_fd()).unwrap_or_default();
    let loaded = info.load_time_ns != 0;
    let nonzero = |v: u64| (v != 0).then_some(v);
    ProgEntry {
        id: info.id,
        prog_type: Named::prog_type(info.prog_type),
        name: (!info.name.is_empty()).then(|| names.prog_full_name(info)),
        tag: hex(&info.tag),
        gpl_compatible: info.gpl_compatible,
        // bpftool prints run_cnt whenever run_time_ns is non-zero, and only then.
        run_time_ns: nonzero(info.run_time_ns),
        run_cnt: (info.run_time_ns != 0).then_some(info.run_cnt),
        recursion_misses: nonzero(info.recursion_misses),
        dev: OffloadDev::new(info.ifindex, info.netns_dev, info.netns_ino),
        loaded_at: loaded.then(|| boottime_to_epoch(info.load_time_ns)),
        uid: loaded.then_some(info.created_by_uid),
        orphaned: info.orphaned,
        bytes_xlated: info.xlated_len,
        jited: info.jited_len != 0,
        bytes_jited: (info.jited_len != 0).then_some(info.jited_len),
        bytes_memlock: fdinfo.get("memlock").and_then(|v| v.parse().ok()),
        map_ids: info.map_ids.clone(),
        btf_id: (info.btf_id != 0).then_some(info.btf_id),
        pinned: Vec::new(),
        pids: Vec::new(),
        metadata: metadata.of_prog(info, &mut names.btfs),
        verified_insns: info.verified_insns,
    }
}

impl super::refs::Referenced for ProgEntry {
    fn set_refs(&mut self, refs: &super::refs::Refs) {
        self.pinned = refs.pinned(self.id);
        self.pids = refs.pids(self.id);
    }
}

//! Set-up shared by the `show` tests: load fixtures with libbpf-rs (independently of ebpfctl), pin under a
//! per-test bpffs directory that is removed afterwards, and compare ebpfctl's JSON with bpftool's field by field.
#![allow(dead_code)]

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

use libbpf_rs::{MapCore, Object, ObjectBuilder};
use serde_json::Value;

use crate::common::fixture;

/// A directory on bpffs for one test's pins; removed (with its pins) when dropped.
pub struct PinDir(pub PathBuf);

impl PinDir {
    pub fn new(test: &str) -> PinDir {
        let dir = PathBuf::from(format!("/sys/fs/bpf/ebpfctl-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a directory on bpffs");
        PinDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn path_str(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

impl Drop for PinDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens and loads tests/bpf/NAME.bpf.c with libbpf-rs.
pub fn load(name: &str) -> Object {
    let path = fixture(name);
    ObjectBuilder::default()
        .open_file(&path)
        .unwrap_or_else(|e| panic!("open {}: {e:#}", path.display()))
        .load()
        .unwrap_or_else(|e| panic!("load {}: {e:#}", path.display()))
}

pub fn prog_id(obj: &Object, name: &str) -> u32 {
    let prog = obj
        .progs()
        .find(|p| p.name() == name)
        .unwrap_or_else(|| panic!("no program {name}"));
    id_from_fdinfo(prog.as_fd(), "prog_id")
}

/// The kernel's id for one of our fds, from /proc/self/fdinfo (independent of ebpfctl's code).
pub fn id_from_fdinfo(fd: BorrowedFd<'_>, key: &str) -> u32 {
    let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.as_raw_fd())).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} not in fdinfo: {text}"))
}

pub fn map_id(obj: &Object, name: &str) -> u32 {
    let map = obj
        .maps()
        // Internal maps are named after the object by libbpf ("show_obj.rodata"); match them by suffix.
        .find(|m| m.name() == name || m.name().to_string_lossy().ends_with(name))
        .unwrap_or_else(|| panic!("no map {name}"));
    map.info().expect("map info").info.id
}

pub fn pin_prog(obj: &mut Object, name: &str, path: &Path) {
    let mut prog = obj.progs_mut().find(|p| p.name() == name).expect("program");
    prog.pin(path).expect("pin program");
}

pub fn pin_map(obj: &mut Object, name: &str, path: &Path) {
    let mut map = obj.maps_mut().find(|m| m.name() == name).expect("map");
    map.pin(path).expect("pin map");
}

fn sorted_strings(v: &Value) -> Vec<String> {
    let mut items: Vec<String> = v
        .as_array()
        .map(|a| a.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default();
    items.sort();
    items
}

/// Every field bpftool prints must be in ebpfctl's object with the same value. Lists whose order bpftool does
/// not define (pinned, pids, BTF users) compare as sets; `loaded_at` may differ by one second because each tool
/// reads the boot-to-wall-clock offset at its own instant and rounds down.
pub fn assert_superset_of_bpftool(what: &str, bpftool: &Value, ours: &Value) {
    let bpftool = bpftool
        .as_object()
        .unwrap_or_else(|| panic!("{what}: bpftool: {bpftool}"));
    for (key, want) in bpftool {
        let got = ours.get(key).unwrap_or_else(|| {
            panic!("{what}: ebpfctl lacks {key:?} (bpftool: {want}); ebpfctl: {ours}")
        });
        let is_btf = bpftool.contains_key("kernel");
        match key.as_str() {
            "loaded_at" => {
                let (w, g) = (want.as_i64().unwrap(), got.as_i64().unwrap());
                assert!((w - g).abs() <= 1, "{what}: loaded_at {g} vs bpftool {w}");
            }
            "pinned" | "pids" => {
                assert_eq!(sorted_strings(got), sorted_strings(want), "{what}: {key}")
            }
            "prog_ids" | "map_ids" if is_btf => {
                assert_eq!(sorted_strings(got), sorted_strings(want), "{what}: {key}")
            }
            _ if newer_name(want, got) => {}
            _ => assert_eq!(got, want, "{what}: field {key}; ebpfctl: {ours}"),
        }
    }
}

/// Enum values added after bpftool 7.1's libbpf (1.1): bpftool prints their number, ebpfctl (libbpf 1.7, as
/// bpftool 7.7 does) their name. Only these exact pairs are accepted in place of equality.
const NAMED_AFTER_LIBBPF_1_1: &[(&str, u64)] = &[
    ("netfilter", 10),
    ("tcx", 11),
    ("uprobe_multi", 12),
    ("netkit", 13),
    ("sockmap", 14),
    ("tcx_ingress", 46),
    ("tcx_egress", 47),
    ("trace_uprobe_multi", 48),
];

fn newer_name(bpftool: &Value, ours: &Value) -> bool {
    match (bpftool.as_u64(), ours.as_str()) {
        (Some(n), Some(name)) => NAMED_AFTER_LIBBPF_1_1.contains(&(name, n)),
        _ => false,
    }
}

/// `bpftool -j -f OBJ show id ID` (one object).
pub fn bpftool_show(object: &str, id: u32) -> Value {
    crate::common::bpftool_json(&["-f", object, "show", "id", &id.to_string()])
}

pub fn ebpfctl_show(object: &str, id: u32) -> Value {
    crate::common::ebpfctl_json(&[object, "show", "id", &id.to_string()])
}

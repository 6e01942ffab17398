//! `map show` against the live kernel: every field bpftool prints equals ebpfctl's for hash, array, per-CPU,
//! ring buffer, prog array, map-in-map and BTF-less maps; btf_id never leaks from one map to the next.

use crate::common;
use crate::show_support;

use common::ebpfctl_json;
use std::os::fd::{AsFd, AsRawFd};

use libbpf_rs::{MapHandle, MapType};
use serde_json::{json, Value};
use show_support::*;

const MAPS: &[&str] = &[
    "show_hash",
    "show_array",
    "show_percpu",
    "show_ring",
    "show_jmp",
    "show_inner_map",
    "show_outer",
    ".rodata",
];

/// A map created without BTF, as older loaders and `bpftool map create` make them.
fn map_without_btf(name: &str) -> (MapHandle, u32) {
    let opts = libbpf_rs::libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_rs::libbpf_sys::bpf_map_create_opts>() as _,
        ..Default::default()
    };
    let map = MapHandle::create(MapType::Hash, Some(name), 4, 8, 16, &opts).expect("create map");
    let id = id_from_fdinfo(std::os::fd::AsFd::as_fd(&map), "map_id");
    (map, id)
}

/// The entry of map `id` in a `map show -j` listing.
fn listed(list: &Value, id: u32) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("map {id} not listed"))
}

#[test]
fn every_map_matches_bpftool_field_by_field() {
    let obj = load("show_objects");
    let (_plain, plain_id) = map_without_btf("show_plain");
    let mut ids: Vec<(String, u32)> = MAPS
        .iter()
        .map(|m| (m.to_string(), map_id(&obj, m)))
        .collect();
    ids.push(("show_plain".into(), plain_id));
    for (name, id) in ids {
        let ours = ebpfctl_show("map", id);
        // bpftool is right about a single map (its btf_id leak needs list-all mode, see below).
        assert_superset_of_bpftool(&format!("map {name}"), &bpftool_show("map", id), &ours);
    }
    let jmp = ebpfctl_show("map", map_id(&obj, "show_jmp"));
    // The prog array's owner is set when the XDP program that tail-calls through it was loaded.
    assert_eq!(
        (jmp["owner_prog_type"].clone(), jmp["owner_jited"].clone()),
        (json!("xdp"), json!(true))
    );
    let rodata = ebpfctl_show("map", map_id(&obj, ".rodata"));
    assert_eq!(rodata["frozen"], 1);
    assert!(ebpfctl_show("map", plain_id).get("btf_id").is_none());
}

/// bpftool 7.1 reuses one info struct across `map show` and so prints the previous map's btf_id for a map that
/// has none. ebpfctl zeroes the struct for every map: in the full list, a BTF-less map listed right after maps
/// with BTF has no btf_id, exactly as when it is asked for alone.
#[test]
fn btf_id_does_not_leak_into_maps_without_btf() {
    let obj = load("show_objects");
    // libbpf creates the object's maps in order: the ring buffer (no BTF) comes right after the per-CPU array.
    let percpu = map_id(&obj, "show_percpu");
    let ring = map_id(&obj, "show_ring");
    let (_plain, plain) = map_without_btf("show_leakcheck");
    let all = ebpfctl_json(&["map", "show"]);
    assert!(
        listed(&all, percpu)["btf_id"].is_u64(),
        "the neighbour has BTF"
    );
    for id in [ring, plain] {
        let entry = listed(&all, id);
        assert!(entry.get("btf_id").is_none(), "leaked btf_id: {entry}");
        assert!(bpftool_show("map", id).get("btf_id").is_none());
    }
}

#[test]
fn map_selectors_and_pins() {
    let pins = PinDir::new("map-select");
    let mut obj = load("show_select");
    let id = map_id(&obj, "show_selector_map_long");
    pin_map(&mut obj, "show_selector_map_long", &pins.path("m"));
    let by_pin = ebpfctl_json(&["map", "show", "pinned", &pins.path_str("m")]);
    assert!(by_pin.is_object());
    assert_eq!(by_pin["id"], id);
    assert_eq!(by_pin["pinned"], json!([pins.path_str("m")]));
    // The kernel's 15-character name, or the full name the object's BTF declares: one object either way.
    for name in ["show_selector_m", "show_selector_map_long"] {
        let found = ebpfctl_json(&["map", "show", "name", name]);
        assert!(found.is_object(), "{name}: {found}");
        assert_eq!(found["id"], id);
    }
    // A long name the BTF does not declare is no match, even with the right first 15 characters.
    let run = common::ebpfctl(&["map", "show", "name", "show_selector_map_wrong"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    // Holders: this test process.
    let pids = by_pin["pids"].as_array().unwrap();
    assert!(
        pids.iter().any(|p| p["pid"] == std::process::id()),
        "{pids:?}"
    );
}

/// With many maps the /proc walk runs beside the listing, and memlock, frozen and a prog array's owner come from
/// a holder's fdinfo, or, for a map nobody holds, from a new fd once both are done (`cmd/select/refs.rs`). 80
/// maps of our own put the listing past that threshold (64) whatever else the box has, and their 80 pins put the
/// bpffs walk past the number of pins (64) after which it tells a pin's kind by its info struct's size
/// (`sys/bpffs.rs`). Every map of ours, held or only pinned, frozen or not, must show what bpftool shows, and the
/// pins and holders it has.
#[test]
fn a_long_listing_takes_memlock_and_frozen_from_holders_and_pins_alike() {
    let pins = PinDir::new("map-many");
    let obj = load("show_objects");
    let jmp = map_id(&obj, "show_jmp");
    // (id, pin, frozen, the map's handle if this process holds it)
    let mut maps = Vec::new();
    for i in 0..80 {
        let (mut map, id) = map_without_btf(&format!("many_{i}"));
        let frozen = i % 3 == 0;
        if frozen {
            // SAFETY: the fd is a live map fd of ours.
            let rc = unsafe { libbpf_rs::libbpf_sys::bpf_map_freeze(map.as_fd().as_raw_fd()) };
            assert_eq!(rc, 0, "freeze map {id}");
        }
        map.pin(pins.path(&format!("m{i}"))).expect("pin");
        // Every other map is held by its pin alone.
        let held = (i % 2 == 1).then_some(map);
        maps.push((id, pins.path_str(&format!("m{i}")), frozen, held));
    }
    // A program's pin among the maps', for the walk to tell apart.
    let mut progs = load("show_objects");
    pin_prog(&mut progs, "show_xdp_pass_long_name", &pins.path("prog"));
    let ours = ebpfctl_json(&["map", "show"]);
    let theirs = common::bpftool_json(&["-f", "map", "show"]);
    let me = std::process::id();
    for (id, path, frozen, held) in &maps {
        let (o, t) = (listed(&ours, *id), listed(&theirs, *id));
        for field in ["type", "bytes_memlock", "frozen", "max_entries", "pinned"] {
            assert_eq!(o[field], t[field], "map {id} {field}: {o}");
        }
        assert_eq!(o["frozen"], i64::from(*frozen), "map {id}");
        assert_eq!(o["pinned"], json!([path]), "map {id}");
        let held_by_me = o["pids"].as_array().unwrap().iter().any(|p| p["pid"] == me);
        assert_eq!(held_by_me, held.is_some(), "map {id}: {o}");
    }
    let listed_jmp = listed(&ours, jmp);
    assert_eq!(
        (
            listed_jmp["owner_prog_type"].clone(),
            listed_jmp["owner_jited"].clone()
        ),
        (json!("xdp"), json!(true))
    );
    assert_eq!(
        listed_jmp["bytes_memlock"],
        listed(&theirs, jmp)["bytes_memlock"]
    );
    // Every map's pins, not only ours, as bpftool finds them (it tells a pin's kind from /proc): a program's pin
    // taken for a map's would show up under whichever map has the program's id.
    let sorted = |v: &Value| {
        let mut paths: Vec<String> = v.as_array().map_or(Vec::new(), |a| {
            a.iter().map(|p| p.as_str().unwrap().to_string()).collect()
        });
        paths.sort();
        paths
    };
    for t in theirs.as_array().unwrap() {
        let o = listed(&ours, t["id"].as_u64().unwrap() as u32);
        assert_eq!(
            sorted(&o["pinned"]),
            sorted(&t["pinned"]),
            "map {}",
            t["id"]
        );
    }
    let prog_pin = pins.path_str("prog");
    assert!(
        !ours.to_string().contains(&prog_pin),
        "{prog_pin} listed as a map's pin"
    );
}

//! `btf dump map MAP [key|value|kv|all]` and `btf dump prog PROG` against bpftool on live objects.

use crate::common;

use common::{bpftool_json, ebpfctl, fixture, host_command, PinDir};
use libbpf_rs::{MapCore, ObjectBuilder};

fn bpftool_text(args: &[&str]) -> String {
    let out = host_command("bpftool").args(args).output().unwrap();
    assert!(out.status.success(), "bpftool {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn map_and_prog_btf_dumps_equal_bpftool() {
    let dir = PinDir::new("btf-dump-live");
    let mut obj = ObjectBuilder::default()
        .open_file(fixture("map_typed"))
        .unwrap()
        .load()
        .unwrap();
    for mut map in obj.maps_mut() {
        if map.name() == "typed_stats" {
            map.pin(dir.pin("typed_stats")).unwrap();
        }
    }
    let prog_pin = dir.pin("prog");
    obj.progs_mut().next().unwrap().pin(&prog_pin).unwrap();
    let map = dir.pin("typed_stats");

    for part in ["key", "value", "kv", "all"] {
        let ours = common::ebpfctl_json(&["btf", "dump", "map", "pinned", &map, part]);
        assert_eq!(
            ours,
            bpftool_json(&["btf", "dump", "map", "pinned", &map, part]),
            "map {part}"
        );
    }
    let default = ebpfctl(&["btf", "dump", "map", "pinned", &map]);
    assert_eq!(default.code, 0);
    assert_eq!(
        default.stdout,
        bpftool_text(&["btf", "dump", "map", "pinned", &map]),
        "default is kv"
    );
    let c = ebpfctl(&["btf", "dump", "map", "pinned", &map, "value", "format", "c"]);
    assert_eq!(
        c.stdout,
        bpftool_text(&["btf", "dump", "map", "pinned", &map, "value", "format", "c"])
    );

    let prog = ebpfctl(&["btf", "dump", "prog", "pinned", &prog_pin]);
    assert_eq!(prog.code, 0, "{}", prog.stderr);
    assert_eq!(
        prog.stdout,
        bpftool_text(&["btf", "dump", "prog", "pinned", &prog_pin])
    );

    let missing = ebpfctl(&["-j", "btf", "dump", "map", "id", "4294967295"]);
    assert_eq!(missing.code, 2);
    assert_eq!(missing.json()["kind"], "not_found");
}

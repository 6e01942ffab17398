//! Detach removes only what the user named (issue #23): `link detach` removes at most the pin it was given and
//! reports the others; `net detach` detaches one program as bpftool does, the named one with PROG, and succeeds
//! when nothing is attached; `prog load ... autoattach` attaches the first program and pins its link at PATH
//! (bpftool 7.7), `loadall` every program under DIR.

use crate::common;
use crate::lifecycle_util;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture, PinDir};
use lifecycle_util::{exists, VethPair};
use serde_json::Value;

fn tcx_progs(pair: &VethPair) -> Vec<(u64, u64)> {
    let view = pair.b.ebpfctl_json(&["net", "show", "dev", "vb"]);
    view[0]["tc"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "tcx/ingress")
        .map(|e| {
            (
                e["prog_id"].as_u64().unwrap(),
                e["link_id"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn id_of(path: &str) -> u64 {
    bpftool_json(&["prog", "show", "pinned", path])["id"]
        .as_u64()
        .unwrap()
}

#[test]
fn link_detach_removes_only_the_pin_it_was_given() {
    let pair = VethPair::new("ld");
    let dir = PinDir::new("linkdetach");
    pair.b.ebpfctl_json(&[
        "prog",
        "loadall",
        fixture("habits").to_str().unwrap(),
        &dir.pin("p"),
    ]);
    let (ours, theirs) = (dir.pin("ours"), dir.pin("theirs"));
    pair.b.ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &dir.pin("p/hb_tc_a"),
        "tcx_ingress",
        "dev",
        "vb",
        "--pin",
        &ours,
    ]);
    let link = bpftool_json(&["link", "show", "pinned", &ours]);
    let link_id = link["id"].to_string();
    // Another tool pins the same link under its own name.
    common::bpftool(&["link", "pin", "id", &link_id, &theirs]);
    let out = pair.b.ebpfctl_json(&["link", "detach", "pinned", &ours]);
    let detached = &out["links"][0];
    assert_eq!(detached["detached"], true, "{out}");
    assert_eq!(detached["pins_removed"], serde_json::json!([ours]));
    assert_eq!(detached["pins_kept"], serde_json::json!([theirs]));
    assert!(
        !exists(&ours) && exists(&theirs),
        "the other tool's pin stays"
    );
    // The program no longer runs on the device; the remaining pin holds an inert, detached link.
    assert!(tcx_progs(&pair).is_empty(), "{:?}", tcx_progs(&pair));
    let after = bpftool_json(&["link", "show", "pinned", &theirs]);
    assert_eq!(after["id"].to_string(), link_id);
    // By id: nothing is unpinned at all, and the pins are reported.
    let by_id = pair.b.ebpfctl_json(&["link", "detach", "id", &link_id]);
    assert_eq!(by_id["links"][0]["pins_removed"], serde_json::json!([]));
    assert_eq!(by_id["links"][0]["pins_kept"], serde_json::json!([theirs]));
    assert!(exists(&theirs));
}

#[test]
fn net_detach_takes_one_program_as_bpftool_and_the_named_one_with_prog() {
    let pair = VethPair::new("nd");
    let dir = PinDir::new("netdetach");
    pair.b.ebpfctl_json(&[
        "prog",
        "loadall",
        fixture("habits").to_str().unwrap(),
        &dir.pin("p"),
    ]);
    let (a, b) = (dir.pin("p/hb_tc_a"), dir.pin("p/hb_tc_b"));
    let (id_a, id_b) = (id_of(&a), id_of(&b));
    for prog in [&a, &b] {
        pair.b
            .ebpfctl_json(&["net", "attach", "tcx_ingress", "pinned", prog, "dev", "vb"]);
    }
    assert_eq!(tcx_progs(&pair), vec![(id_a, 0), (id_b, 0)]);
    // Without PROG, one program goes: the kernel's choice for a detach without a program, the last one.
    pair.b
        .ebpfctl_json(&["net", "detach", "tcx_ingress", "dev", "vb"]);
    assert_eq!(tcx_progs(&pair), vec![(id_a, 0)]);
    // With PROG, exactly that one.
    pair.b
        .ebpfctl_json(&["net", "attach", "tcx_ingress", "pinned", &b, "dev", "vb"]);
    pair.b
        .ebpfctl_json(&["net", "detach", "tcx_ingress", "pinned", &a, "dev", "vb"]);
    assert_eq!(tcx_progs(&pair), vec![(id_b, 0)]);
    // A named program that is not attached is an error; nothing attached at all is not (scripts retry).
    let named = pair
        .b
        .ebpfctl(&["net", "detach", "tcx_ingress", "pinned", &a, "dev", "vb"]);
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert!(named.stderr.contains("not attached"), "{}", named.stderr);
    pair.b
        .ebpfctl_json(&["net", "detach", "tcx_ingress", "dev", "vb"]);
    assert!(tcx_progs(&pair).is_empty());
    for kind in ["tcx_ingress", "tcx_egress", "xdp", "xdpgeneric"] {
        let again = pair.b.ebpfctl(&["-j", "net", "detach", kind, "dev", "vb"]);
        assert_eq!(again.code, 0, "{kind}: {}", again.stderr);
        assert!(again.json().is_array());
    }
    // bpftool's own XDP detach of nothing succeeds too.
    let out = pair
        .b
        .command("bpftool")
        .args(["net", "detach", "xdp", "dev", "vb"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // A program attached by a link is its link's: detaching it by net detach is refused, saying so.
    pair.b.ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &a,
        "tcx_ingress",
        "dev",
        "vb",
        "--pin",
        &dir.pin("link"),
    ]);
    let linked = pair
        .b
        .ebpfctl(&["net", "detach", "tcx_ingress", "dev", "vb"]);
    assert_eq!(linked.code, 2);
    assert!(linked.stderr.contains("link detach"), "{}", linked.stderr);
    assert_eq!(tcx_progs(&pair).len(), 1);
}

#[test]
fn load_autoattach_attaches_the_first_program_and_pins_its_link_at_path() {
    let dir = PinDir::new("autoattach");
    let obj = fixture("habits");
    let tgid = format!("target_tgid={}", std::process::id());
    let path = dir.pin("first");
    let report = ebpfctl_json(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &path,
        "autoattach",
        "--set",
        &tgid,
    ]);
    // The first program, hb_tp (a tracepoint), is attached; its link is pinned at PATH itself.
    let link = bpftool_json(&["link", "show", "pinned", &path]);
    let first = report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hb_tp")
        .unwrap();
    assert_eq!(link["prog_id"], first["id"], "{report}");
    assert_eq!(report["links"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["links"][0]["pinned"], path.as_str());
    // Nothing else is pinned: PATH is a pin, not a directory of pins.
    assert!(std::fs::metadata(&path).unwrap().is_file());
    let others: Vec<&Value> = report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] != "hb_tp")
        .collect();
    assert!(others.iter().all(|p| p["pinned"].is_null()), "{report}");
    // The link counts this process's getppid() calls.
    let counts = || -> u64 {
        let id = first["id"].to_string();
        let maps = bpftool_json(&["prog", "show", "id", &id])["map_ids"].clone();
        let counts_map = maps
            .as_array()
            .unwrap()
            .iter()
            .find(|m| bpftool_json(&["map", "show", "id", &m.to_string()])["name"] == "hb_counts")
            .unwrap()
            .to_string();
        let v = bpftool_json(&[
            "map",
            "lookup",
            "id",
            &counts_map,
            "key",
            "0",
            "0",
            "0",
            "0",
        ]);
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .fold(0, |acc, b| {
                acc << 8 | u64::from_str_radix(&b.as_str().unwrap()[2..], 16).unwrap()
            })
    };
    let before = counts();
    for _ in 0..3 {
        std::hint::black_box(std::os::unix::process::parent_id());
    }
    assert!(counts() >= before + 3, "the attached link runs");
    ebpfctl_json(&["link", "detach", "pinned", &path]);
    assert!(!exists(&path));
    // loadall keeps its meaning: every program, each link as DIR/NAME.
    let all = ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.pin("all"),
        "autoattach",
        "--set",
        &tgid,
    ]);
    assert!(
        exists(&dir.pin("all/hb_tp")) && exists(&dir.pin("all/hb_xdp")),
        "{all}"
    );
    let run = ebpfctl(&["link", "detach", "pinned", &dir.pin("all/hb_tp")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

//! `prog show` against the live kernel: every field bpftool prints, for every program type the fixture loads,
//! equals ebpfctl's; metadata and full names come from BTF; pins and holders are right.

use crate::common;
use crate::show_support;

use common::{ebpfctl, ebpfctl_json};
use serde_json::{json, Value};
use show_support::*;

const PROGS: &[&str] = &[
    "show_xdp_pass_long_name",
    "show_sock",
    "show_tp",
    "show_rawtp",
    "show_cg_egress",
    "show_tcx",
    "show_sk_lookup",
    "show_uprobe",
    "show_umulti",
];

#[test]
fn every_program_matches_bpftool_field_by_field() {
    let pins = PinDir::new("prog-fields");
    let mut obj = load("show_objects");
    pin_prog(&mut obj, "show_xdp_pass_long_name", &pins.path("xdp"));
    let all = ebpfctl_json(&["prog", "show"]);
    for name in PROGS {
        let id = prog_id(&obj, name);
        let ours = ebpfctl_show("prog", id);
        let theirs = bpftool_show("prog", id);
        assert_superset_of_bpftool(&format!("prog {name}"), &theirs, &ours);
        // The same object, whether asked for by id or listed with all the others.
        let listed = all
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("prog {id} missing from the full list"));
        assert_superset_of_bpftool(&format!("listed prog {name}"), &theirs, listed);
        // Always present, even where bpftool leaves them out.
        assert!(
            ours["pinned"].is_array() && ours["pids"].is_array(),
            "{ours}"
        );
        assert_eq!(ours["orphaned"], false);
    }
}

#[test]
fn metadata_and_full_names_come_from_btf() {
    let obj = load("show_objects");
    let id = prog_id(&obj, "show_xdp_pass_long_name");
    let ours = ebpfctl_show("prog", id);
    // The kernel keeps 15 characters; the full name is the BTF function's.
    assert_eq!(ours["name"], "show_xdp_pass_long_name");
    assert_eq!(
        ours["metadata"],
        json!({"label": "show-fixture", "answer": 42})
    );
    assert_eq!(ours["metadata"], bpftool_show("prog", id)["metadata"]);
    // A program sharing the object's .rodata shows the same metadata; the kernel binds it to every program.
    let sock = ebpfctl_show("prog", prog_id(&obj, "show_sock"));
    assert_eq!(sock["metadata"], ours["metadata"]);
}

#[test]
fn pinned_lists_every_path_and_pids_the_holders() {
    let pins = PinDir::new("prog-pins");
    let mut obj = load("show_objects");
    let id = prog_id(&obj, "show_tp");
    pin_prog(&mut obj, "show_tp", &pins.path("b"));
    std::fs::create_dir_all(pins.path("sub")).unwrap();
    pin_prog(&mut obj, "show_tp", &pins.path("sub/a"));
    let ours = ebpfctl_show("prog", id);
    assert_eq!(
        ours["pinned"],
        json!([pins.path_str("b"), pins.path_str("sub/a")])
    );
    // This test process holds the program's fd (libbpf-rs); ebpfctl itself is never listed.
    let pids = ours["pids"].as_array().unwrap();
    assert!(
        pids.iter().any(|p| p["pid"] == std::process::id()),
        "{pids:?}"
    );
    let comm = std::fs::read_to_string("/proc/self/comm").unwrap();
    let me = pids
        .iter()
        .find(|p| p["pid"] == std::process::id())
        .unwrap();
    assert_eq!(me["comm"], comm.trim_end());
    // Debian's bpftool 7.1 is built without its pid iterator and never prints pids; where it does, they agree.
    let theirs = bpftool_show("prog", id);
    if !theirs["pids"].is_null() {
        assert_eq!(ours["pids"], theirs["pids"]);
    }
    // And by pin: the same object.
    let by_pin = ebpfctl_json(&["prog", "show", "pinned", &pins.path_str("sub/a")]);
    assert_eq!(by_pin["id"], id);
}

#[test]
fn table_shows_the_columns_an_operator_scans_and_wide_adds_pins() {
    let pins = PinDir::new("prog-table");
    let mut obj = load("show_objects");
    let id = prog_id(&obj, "show_sock");
    pin_prog(&mut obj, "show_sock", &pins.path("sock"));
    // A listing is a table (one object alone is shown field by field, tests/habits_cli.rs).
    let run = ebpfctl(&["prog", "show"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap();
    for column in ["ID", "TYPE", "NAME", "TAG", "LOADED", "MAPS", "PIDS"] {
        assert!(header.contains(column), "{header}");
    }
    let row_of = |text: &str| -> String {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(&id.to_string()))
            .unwrap_or_else(|| panic!("no row for {id}: {text}"))
            .to_string()
    };
    let row = row_of(&run.stdout);
    assert!(row.contains("socket_filter") && row.contains("show_sock"));
    assert!(!row.contains(&pins.path_str("sock")));
    let wide = ebpfctl(&["prog", "show", "--wide"]);
    assert!(wide.stdout.lines().next().unwrap().contains("PINNED"));
    assert!(row_of(&wide.stdout).contains(&pins.path_str("sock")));
    // The plain table has no PINNED column, so it does not walk bpffs (BPF_OBJ_GET of every pin: a third of a
    // small listing's time); the wide table and JSON do.
    assert_eq!(obj_gets(&["prog", "show"]), 0);
    assert!(obj_gets(&["prog", "show", "--wide"]) > 0);
    assert!(obj_gets(&["-j", "prog", "show"]) > 0);
    // Local ISO 8601 time, as bpftool's text output.
    assert!(
        row.split_whitespace()
            .any(|w| w.len() == 24 && w.as_bytes()[10] == b'T'),
        "{row}"
    );
}

/// How many BPF_OBJ_GET calls (pins opened) `ebpfctl ARGS` makes, counted by strace.
fn obj_gets(args: &[&str]) -> usize {
    let trace = std::env::temp_dir().join(format!("ebpfctl-obj-get-{}", std::process::id()));
    let run = std::process::Command::new("strace")
        .args(["-f", "-e", "trace=bpf", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_ebpfctl"))
        .args(args)
        .output()
        .expect("strace (scripts/setup.sh installs it)");
    assert!(run.status.success(), "{args:?}: {run:?}");
    let text = std::fs::read_to_string(&trace).unwrap();
    let _ = std::fs::remove_file(&trace);
    // "BPF_OBJ_GET," and not BPF_OBJ_GET_INFO_BY_FD.
    text.matches("BPF_OBJ_GET,").count()
}

fn ids_of(v: &Value) -> Vec<u64> {
    match v {
        Value::Array(items) => items.iter().map(|p| p["id"].as_u64().unwrap()).collect(),
        one => vec![one["id"].as_u64().unwrap()],
    }
}

#[test]
fn selectors_give_one_object_or_an_array() {
    let pins = PinDir::new("prog-select");
    let mut obj = load("show_select");
    let id = prog_id(&obj, "show_selector_only_once");
    pin_prog(&mut obj, "show_selector_only_once", &pins.path("p"));
    // id and pinned: one object.
    assert_eq!(ebpfctl_show("prog", id)["id"], id);
    let by_pin = ebpfctl_json(&["prog", "show", "pinned", &pins.path_str("p")]);
    assert!(by_pin.is_object() && by_pin["id"] == id);
    // name with one match: one object, by its full name or by the kernel's 15-character copy.
    for name in ["show_selector_only_once", "show_selector_o"] {
        let by_name = ebpfctl_json(&["prog", "show", "name", name]);
        assert!(by_name.is_object(), "{name}: {by_name}");
        assert_eq!(by_name["id"], id);
    }
    // No selector: an array.
    assert!(ebpfctl_json(&["prog", "show"]).is_array());
    // tag and name with several matches: an array. A second copy has the same tag (map addresses are not
    // hashed) and the same name.
    let twin = load("show_select");
    let twin_id = prog_id(&twin, "show_selector_only_once");
    let tag = ebpfctl_show("prog", id)["tag"]
        .as_str()
        .unwrap()
        .to_string();
    for args in [["tag", tag.as_str()], ["name", "show_selector_only_once"]] {
        let found = ebpfctl_json(&["prog", "show", args[0], args[1]]);
        assert!(found.is_array(), "{args:?}: {found}");
        let ids = ids_of(&found);
        assert!(
            ids.contains(&(id as u64)) && ids.contains(&(twin_id as u64)),
            "{ids:?}"
        );
    }
}

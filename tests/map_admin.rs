//! `map create`, `map pin` and bulk `map update --from`, checked with bpftool.

use crate::common;

use common::{bpftool_json, ebpfctl, ebpfctl_json, ebpfctl_stdin, PinDir};
use serde_json::{json, Value};

#[test]
fn created_maps_are_what_was_asked_for() {
    let dir = PinDir::new("create");
    let pin = dir.pin("made");
    let made = ebpfctl_json(&[
        "map",
        "create",
        &pin,
        "type",
        "lru_hash",
        "key",
        "8",
        "value",
        "16",
        "entries",
        "128",
        "name",
        "made_by_test",
    ]);
    let shown = bpftool_json(&["map", "show", "pinned", &pin]);
    assert_eq!(made["id"], shown["id"]);
    for (field, want) in [
        ("type", json!("lru_hash")),
        ("bytes_key", json!(8)),
        ("bytes_value", json!(16)),
        ("max_entries", json!(128)),
        ("name", json!("made_by_test")),
    ] {
        assert_eq!(shown[field], want, "{field}: {shown}");
    }

    let inner = dir.pin("inner");
    ebpfctl_json(&[
        "map", "create", &inner, "type", "array", "key", "4", "value", "4", "entries", "1", "name",
        "inner",
    ]);
    let outer = dir.pin("outer");
    ebpfctl_json(&[
        "map",
        "create",
        &outer,
        "type",
        "hash_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "4",
        "name",
        "outer",
        "inner_map",
        "pinned",
        &inner,
    ]);
    assert_eq!(
        bpftool_json(&["map", "show", "pinned", &outer])["type"],
        "hash_of_maps"
    );

    let again = dir.pin("pinned_again");
    assert_eq!(ebpfctl(&["map", "pin", "pinned", &pin, &again]).code, 0);
    assert_eq!(
        bpftool_json(&["map", "show", "pinned", &again])["id"],
        made["id"]
    );
}

#[test]
fn create_refuses_bad_input_and_leaves_nothing() {
    let dir = PinDir::new("create-bad");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "/tmp/not-bpffs-map".into(),
                "type".into(),
                "hash".into(),
                "key".into(),
                "4".into(),
                "value".into(),
                "4".into(),
                "entries".into(),
                "1".into(),
                "name".into(),
                "x".into(),
            ],
            "not on a bpf file system",
        ),
        (
            vec![dir.pin("t"), "type".into(), "nosuch".into()],
            "unknown map type 'nosuch'",
        ),
        (
            vec![
                dir.pin("t"),
                "type".into(),
                "hash".into(),
                "key".into(),
                "4".into(),
            ],
            "'value' is required",
        ),
    ];
    for (words, reason) in cases {
        let mut args = vec!["-j", "map", "create"];
        args.extend(words.iter().map(String::as_str));
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{words:?}");
        assert!(
            run.json()["error"].as_str().unwrap().contains(reason),
            "{words:?}: {}",
            run.stdout
        );
    }
    assert!(!std::path::Path::new("/tmp/not-bpffs-map").exists());
    assert_eq!(
        std::fs::read_dir(&dir.path).unwrap().count(),
        0,
        "no pin left behind"
    );
}

fn bulk(pin: &str, lines: &str) -> common::Run {
    ebpfctl_stdin(
        &["-j", "map", "update", "pinned", pin, "--from", "-"],
        lines.as_bytes(),
    )
}

fn line(k: u32, v: u32) -> String {
    let kb: Vec<Value> = k
        .to_le_bytes()
        .iter()
        .map(|b| json!(format!("0x{b:02x}")))
        .collect();
    let vb: Vec<Value> = v.to_le_bytes().iter().map(|b| json!(*b)).collect();
    json!({"key": kb, "value": vb}).to_string() + "\n"
}

#[test]
fn endless_from_sources_end_in_errors() {
    let dir = PinDir::new("bulk-endless");
    let pin = dir.pin("m");
    ebpfctl_json(&[
        "map", "create", &pin, "type", "hash", "key", "4", "value", "4", "entries", "8", "name",
        "m",
    ]);
    // A device never ends: refused before reading.
    let run = ebpfctl(&["map", "update", "pinned", &pin, "--from", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("/dev/zero: cannot read: a device"),
        "{}",
        run.stderr
    );
    // A pipe without newlines: the first line stops at 64 MiB (ebpfctl stops reading; the writer may see EPIPE).
    let run = ebpfctl_stdin(
        &["map", "update", "pinned", &pin, "--from", "-"],
        &vec![b'0'; 80 << 20],
    );
    let stderr = run.stderr;
    assert_eq!(run.code, 2, "{stderr}");
    assert!(
        stderr.contains("--from line 1: longer than 64 MiB"),
        "{stderr}"
    );
    assert_eq!(
        bpftool_json(&["map", "dump", "pinned", &pin]),
        json!([]),
        "nothing written"
    );
}

#[test]
fn bulk_update_writes_everything_or_nothing() {
    let dir = PinDir::new("bulk");
    let pin = dir.pin("bulk");
    ebpfctl_json(&[
        "map", "create", &pin, "type", "hash", "key", "4", "value", "4", "entries", "1000", "name",
        "bulk",
    ]);

    // Line 900 is bad: nothing may be written.
    let mut input: String = (0..1000).map(|k| line(k, k * 2)).collect();
    let mut lines: Vec<String> = input.lines().map(String::from).collect();
    lines[899] = r#"{"key": ["0x01", "0x02"], "value": [1, 2, 3, 4]}"#.to_string();
    let bad = bulk(&pin, &(lines.join("\n") + "\n"));
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("line 900") && bad.stderr.contains("key"),
        "{}",
        bad.stderr
    );
    assert_eq!(
        bpftool_json(&["map", "dump", "pinned", &pin]),
        json!([]),
        "nothing half-written"
    );

    let ok = bulk(&pin, &input);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.json()["updated"], 1000);
    let dump = bpftool_json(&["map", "dump", "pinned", &pin]);
    assert_eq!(dump.as_array().unwrap().len(), 1000);
    let k7 = bpftool_json(&["map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0"]);
    assert_eq!(k7["value"], json!(["0x0e", "0x00", "0x00", "0x00"]));

    // The map is full: one more new key must be refused before anything is written.
    input = line(5000, 1) + &line(7, 99);
    let full = bulk(&pin, &input);
    assert_eq!(full.code, 2);
    assert!(full.stderr.contains("would not fit"), "{}", full.stderr);
    let k7 = bpftool_json(&["map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0"]);
    assert_eq!(
        k7["value"],
        json!(["0x0e", "0x00", "0x00", "0x00"]),
        "key 7 untouched"
    );
}

#[test]
fn a_dump_feeds_back_into_update_from() {
    let dir = PinDir::new("roundtrip");
    let (src, dst) = (dir.pin("src"), dir.pin("dst"));
    for pin in [&src, &dst] {
        ebpfctl_json(&[
            "map", "create", pin, "type", "hash", "key", "4", "value", "8", "entries", "64",
            "name", "rt",
        ]);
    }
    let lines: String = (0..50)
        .map(|k| line(k, k + 1).replace("]}", ",0,0,0,0]}"))
        .collect();
    assert_eq!(bulk(&src, &lines).code, 0);
    let dump = ebpfctl_json(&["map", "dump", "pinned", &src]);
    let jsonl: String = dump
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string() + "\n")
        .collect();
    assert_eq!(bulk(&dst, &jsonl).code, 0);
    assert_eq!(
        bpftool_json(&["map", "dump", "pinned", &dst])
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

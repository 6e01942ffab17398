//! Hostile words (issue #17): ids, names, tags, pinned paths, data bytes and `map update --from` JSON that are out
//! of range, malformed, enormous, not UTF-8, loops or on the wrong file system. Each is one error line of the
//! right kind and exit 2, never a panic; bad JSON writes nothing. The table of cases is docs/reliability.md.

use crate::common;
use crate::hostile_support;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use common::{ebpfctl, ebpfctl_json, PinDir, Run};
use hostile_support::{assert_error, mkfifo, run_bounded, scratch};

fn fails(args: &[&str], kind: &str, reason: &str) -> String {
    let mut full = vec!["-j"];
    full.extend_from_slice(args);
    let b = run_bounded(&full, &[], Duration::from_secs(10));
    assert_error(&b.run, kind, reason)
}

#[test]
fn ids_names_and_tags_out_of_range_or_malformed() {
    for verb in ["prog", "map", "link", "btf"] {
        fails(
            &[verb, "show", "id", "4294967296"],
            "invalid_input",
            "not an id",
        );
        fails(&[verb, "show", "id", "abc"], "invalid_input", "not an id");
        fails(&[verb, "show", "id", ""], "invalid_input", "not an id");
        fails(&[verb, "show", "id", "4294967295"], "not_found", "no such");
    }
    // A leading dash is an option to the grammar: a usage error, in JSON under -j.
    fails(
        &["prog", "show", "id", "-1"],
        "invalid_input",
        "usage: unexpected argument '-1'",
    );
    fails(
        &["prog", "show", "tag", "zz"],
        "invalid_input",
        "a tag is 16 hex digits",
    );
    fails(
        &["prog", "show", "tag", "0123456789abcdef00"],
        "invalid_input",
        "a tag is 16 hex digits",
    );
    fails(
        &["prog", "show", "tag", "0123456789abcdef"],
        "not_found",
        "no such program",
    );
    // A 100 000-character name: not found, and the error line stays readable.
    let long = "n".repeat(100_000);
    let line = fails(
        &["prog", "show", "name", &long],
        "not_found",
        "no such program",
    );
    assert!(line.len() < 1200, "{} bytes", line.len());
    assert!(line.contains("bytes …]"), "{line}");
    fails(&["map", "show", "name", ""], "not_found", "no such map");
}

#[test]
fn words_that_are_not_utf8_are_usage_errors_not_panics() {
    for json in [true, false] {
        let mut cmd = std::process::Command::new(common::bin());
        if json {
            cmd.arg("-j");
        }
        let out = cmd
            .args(["prog", "show", "name"])
            .arg(OsStr::from_bytes(b"a\xffb"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("invalid UTF-8"), "{stderr}");
        if json {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["kind"], "invalid_input");
        }
    }
}

#[test]
fn pinned_paths_that_cannot_be_pins() {
    let pins = PinDir::new("hostile-pinned");
    let dir = scratch("pinned");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let loop_a = pins.pin("loop-a");
    std::os::unix::fs::symlink(pins.pin("loop-b"), &loop_a).unwrap();
    std::os::unix::fs::symlink(&loop_a, pins.pin("loop-b")).unwrap();
    let long = format!("{}/{}", pins.path.display(), "b".repeat(300));
    for verb in ["prog", "map", "link"] {
        // On another file system (a FIFO there is only looked at, never opened).
        fails(
            &[verb, "show", "pinned", fifo.to_str().unwrap()],
            "invalid_input",
            "not on a bpf file system",
        );
        fails(
            &[verb, "show", "pinned", "/etc/passwd"],
            "invalid_input",
            "not on a bpf file system",
        );
        fails(
            &[verb, "show", "pinned", &loop_a],
            "invalid_input",
            "symbolic link loop",
        );
        fails(
            &[verb, "show", "pinned", &format!("{loop_a}/x")],
            "invalid_input",
            "symbolic link loop",
        );
        fails(
            &[verb, "show", "pinned", &long],
            "invalid_input",
            "too long",
        );
        fails(
            &[verb, "show", "pinned", "/etc/passwd/x"],
            "invalid_input",
            "not a directory",
        );
        fails(
            &[verb, "show", "pinned", &pins.path.display().to_string()],
            "invalid_input",
            "a directory",
        );
        fails(
            &[verb, "show", "pinned", &pins.pin("missing")],
            "not_found",
            "no such file",
        );
    }
    // New pins: outside bpffs, through a loop, too long.
    let outside = dir.join("m");
    let through_loop = format!("{loop_a}/m");
    for (path, reason) in [
        (outside.to_str().unwrap(), "not on a bpf file system"),
        (&through_loop, "symbolic link loop"),
        (&long, "too long"),
    ] {
        let create = hostile_support::map_create(path, "hash", 4, 4);
        fails(&hostile_support::words(&create), "invalid_input", reason);
    }
    assert!(!outside.exists());
}

#[test]
fn data_words_and_map_names() {
    let pins = PinDir::new("hostile-data");
    let map = pins.pin("m");
    hostile_support::new_hash_map(&map, 8, 4);
    let bad_key = |key: &[&str], reason: &str| {
        let mut args = vec!["map", "lookup", "pinned", map.as_str(), "key"];
        args.extend_from_slice(key);
        fails(&args, "invalid_input", reason);
    };
    bad_key(&["0x100", "0", "0", "0"], "'0x100' is not a byte");
    bad_key(&["-1", "0", "0", "0"], "'-1' is not a byte");
    bad_key(&["08", "0", "0", "0"], "'08' is not a byte");
    bad_key(&["hex", "zz"], "not hexadecimal");
    bad_key(&["1", "0", "0"], "got 3 byte(s), the map needs 4");
    bad_key(&vec!["1"; 100_000], "got 100000 byte(s)");
    let create = |name: &str, entries: &str| -> Run {
        let path = pins.pin("n");
        let mut args = vec![
            "-j", "map", "create", &path, "type", "hash", "key", "4", "value", "4",
        ];
        args.extend(["entries", entries, "name", name]);
        ebpfctl(&args)
    };
    assert_error(
        &create("bad name!", "4"),
        "invalid_input",
        "only letters, digits, '_' and '.'",
    );
    assert_error(
        &create("n", "4294967296"),
        "invalid_input",
        "is not a number",
    );
    assert_error(&create("n", "0"), "invalid_input", "invalid argument");
    // The tracepoint words become directories under tracefs' events/: they cannot leave it.
    let prog = pins.pin("none");
    fails(
        &[
            "prog",
            "attach",
            "pinned",
            &prog,
            "tracepoint",
            "../../x/y",
            "--pin",
            &pins.pin("l"),
        ],
        "invalid_input",
        "expected CATEGORY/NAME",
    );
}

#[test]
fn bad_json_lines_write_nothing() {
    let pins = PinDir::new("hostile-json");
    let map = pins.pin("m");
    hostile_support::new_hash_map(&map, 8, 4);
    let good = r#"{"key":[1,0,0,0],"value":[1,2,3,4,5,6,7,8]}"#;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let wide = format!(
        r#"{{"key":[1,0,0,0],"value":[{}1]}}"#,
        "1,".repeat(1_000_000)
    );
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            format!("{good}\n{good} trailing\n").into_bytes(),
            "line 2: not JSON: trailing characters",
        ),
        (
            br#"{"key":[1,0,0,0],"key":[2,0,0,0],"value":[1,2,3,4,5,6,7,8]}"#.to_vec(),
            "duplicate field `key`",
        ),
        (
            br#"{"value":[1,2,3,4,5,6,7,8]}"#.to_vec(),
            "no \"key\" (only a one-entry array, as global data, may leave it out)",
        ),
        (br#"{"key":[1,0,0,0]}"#.to_vec(), "expected \"value\""),
        (
            br#"{"key":[1,0,0,0],"values":[{"cpu":0,"value":[1,2,3,4,5,6,7,8]}]}"#.to_vec(),
            "\"values\" is for per-CPU maps",
        ),
        (br#"{"key":[1,0,0,0],"value":NaN}"#.to_vec(), "not JSON"),
        (
            br#"{"key":[1e2,0,0,0],"value":[1,2,3,4,5,6,7,8]}"#.to_vec(),
            "100.0 is not a byte",
        ),
        (
            br#"{"key":[18446744073709551616,0,0,0],"value":[1,2,3,4,5,6,7,8]}"#.to_vec(),
            "is not a byte",
        ),
        (
            br#"{"key":["0x1ff",0,0,0],"value":[1,2,3,4,5,6,7,8]}"#.to_vec(),
            "'0x1ff' is not a byte",
        ),
        (nested.into_bytes(), "recursion limit exceeded"),
        (wide.into_bytes(), "got 1000001 byte(s), the map needs 8"),
        (
            [good.as_bytes(), b"\n\xff\xfe\n"].concat(),
            "line 2: not valid UTF-8",
        ),
    ];
    let dir = scratch("json");
    for (i, (text, reason)) in cases.iter().enumerate() {
        let file = dir.join(format!("case{i}.jsonl"));
        std::fs::write(&file, text).unwrap();
        fails(
            &[
                "map",
                "update",
                "pinned",
                &map,
                "--from",
                file.to_str().unwrap(),
            ],
            "invalid_input",
            reason,
        );
        // The same through a pipe.
        let run = common::ebpfctl_stdin(
            &["-j", "map", "update", "pinned", &map, "--from", "-"],
            text,
        );
        assert_error(&run, "invalid_input", reason);
        assert_eq!(
            ebpfctl_json(&["map", "dump", "pinned", &map]),
            serde_json::json!([]),
            "case {i}"
        );
    }
    // A byte-order mark and CRLF line ends are what editors write: accepted.
    let file = dir.join("bom.jsonl");
    std::fs::write(&file, format!("\u{feff}{good}\r\n")).unwrap();
    let v = ebpfctl_json(&[
        "map",
        "update",
        "pinned",
        &map,
        "--from",
        file.to_str().unwrap(),
    ]);
    assert_eq!(v["updated"], 1);
}

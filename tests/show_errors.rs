//! Bad selectors: a missing object, a path off bpffs, a pin of the wrong kind, a malformed id or tag. Each is one
//! line on stderr, exit status 2, and under --json an error object on stdout.

use crate::common;
use crate::show_support;

use common::ebpfctl;
use show_support::*;

fn assert_one_line_error(args: &[&str], kind: &str, needle: &str) {
    let run = ebpfctl(args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    assert!(run.stderr.starts_with("ebpfctl: "), "{}", run.stderr);
    assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    let mut json_args = vec!["-j"];
    json_args.extend_from_slice(args);
    let run = ebpfctl(&json_args);
    assert_eq!(run.code, 2);
    let body = run.json();
    assert_eq!(body["kind"], kind, "{body}");
    assert!(body["error"].as_str().unwrap().contains(needle), "{body}");
}

#[test]
fn bad_selectors_are_one_line_errors_with_exit_2() {
    let pins = PinDir::new("errors");
    let mut obj = load("show_select");
    pin_map(&mut obj, "show_selector_map_long", &pins.path("map"));
    let not_bpffs = std::env::temp_dir().join(format!("ebpfctl-show-{}", std::process::id()));
    std::fs::write(&not_bpffs, b"x").unwrap();
    let not_bpffs = not_bpffs.display().to_string();
    let map_pin = pins.path_str("map");
    let missing_pin = pins.path_str("nothing-here");
    let dir_pin = pins.path_str("");
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["prog", "show", "id", "4000000000"],
            "not_found",
            "no such program",
        ),
        (
            &["map", "show", "id", "4000000000"],
            "not_found",
            "no such map",
        ),
        (
            &["link", "show", "id", "4000000000"],
            "not_found",
            "no such link",
        ),
        (
            &["btf", "show", "id", "4000000000"],
            "not_found",
            "no such BTF object",
        ),
        (&["prog", "show", "id", "abc"], "invalid_input", "not an id"),
        (
            &["prog", "show", "tag", "xyz"],
            "invalid_input",
            "16 hex digits",
        ),
        (
            &["prog", "show", "name", "no_such_prog_anywhere"],
            "not_found",
            "no such program",
        ),
        (
            &["map", "show", "pinned", &not_bpffs],
            "invalid_input",
            "not on a bpf file system",
        ),
        (
            &["map", "show", "pinned", &missing_pin],
            "not_found",
            "no such file",
        ),
        (
            &["prog", "show", "pinned", &map_pin],
            "invalid_input",
            "is a map, not a program",
        ),
        (
            &["link", "show", "pinned", &map_pin],
            "invalid_input",
            "is a map, not a link",
        ),
        // BPF_OBJ_GET on a bpffs directory is EACCES, which must not read as a permission problem.
        (
            &["prog", "show", "pinned", &dir_pin],
            "invalid_input",
            "a directory, not a pinned object",
        ),
    ];
    for (args, kind, needle) in cases {
        assert_one_line_error(args, kind, needle);
    }
    let _ = std::fs::remove_file(&not_bpffs);
}

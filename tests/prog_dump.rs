//! `prog dump xlated` against the live kernel, with bpftool 7.1 as the oracle: programs with maps (ld_imm64 map
//! references), helper calls, a bpf-to-bpf call, a 64-bit constant, atomics and BTF line info.

use crate::common;

use common::{bpftool, ebpfctl, fixture, host_command, PinDir};
use serde_json::Value;

fn bpftool_out(args: &[&str]) -> String {
    let out = host_command("bpftool")
        .args(args)
        .output()
        .expect("bpftool");
    assert!(out.status.success(), "bpftool {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ours(args: &[&str]) -> String {
    let run = ebpfctl(args);
    assert_eq!(run.code, 0, "ebpfctl {args:?}: {}", run.stderr);
    run.stdout
}

/// Every dump form of one program equals bpftool's: text and JSON, plain, opcodes and linum.
fn assert_same_as_bpftool(by: &str, value: &str) {
    for extra in [&[][..], &["opcodes"][..], &["linum"][..]] {
        let mut args = vec!["prog", "dump", "xlated", by, value];
        args.extend_from_slice(extra);
        assert_eq!(ours(&args), bpftool_out(&args), "text of {args:?}");
        let mut json = vec!["-j"];
        json.extend_from_slice(&args);
        let mine: Value = serde_json::from_str(&ours(&json)).expect("our JSON");
        let theirs: Value = serde_json::from_str(&bpftool_out(&json)).expect("bpftool JSON");
        assert_eq!(mine, theirs, "JSON of {args:?}");
    }
}

fn prog_id(pin: &str) -> String {
    let v: Value =
        serde_json::from_str(&bpftool_out(&["-j", "prog", "show", "pinned", pin])).unwrap();
    v["id"].as_u64().expect("prog id").to_string()
}

fn load(test: &str, fixture_name: &str) -> PinDir {
    let dir = PinDir::new(test);
    let obj = fixture(fixture_name);
    // ebpfctl loads: bpftool 7.1's libbpf does not know every section name the fixtures use (tcx/ingress).
    ours(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        dir.path.to_str().unwrap(),
    ]);
    dir
}

#[test]
fn xlated_of_maps_helpers_subprograms_equals_bpftool() {
    let dir = load("pd-main", "prog_dump");
    let main = dir.pin("pd_main");
    // The case must cover what it claims: a map reference, a helper call, a bpf-to-bpf call and line info.
    let text = ours(&["prog", "dump", "xlated", "pinned", &main]);
    for needle in [
        "map[id:",
        "call pc+",
        "#bpf_prog_",
        "int pd_bump(",
        "; __u32 k = 1;",
        "= 0x1122334455667788",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert_same_as_bpftool("pinned", &main);
    assert_same_as_bpftool("id", &prog_id(&main));
    assert_same_as_bpftool("pinned", &dir.pin("pd_plain"));
}

#[test]
fn xlated_of_lifecycle_programs_equals_bpftool() {
    let dir = load("pd-life", "lifecycle_progs");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir.path).unwrap() {
        let pin = entry.unwrap().path().display().to_string();
        assert_same_as_bpftool("pinned", &pin);
        seen += 1;
    }
    assert!(seen > 0, "lifecycle_progs pinned no program");
}

#[test]
fn file_writes_the_raw_instructions_as_bpftool_does() {
    let dir = load("pd-file", "prog_dump");
    let main = dir.pin("pd_main");
    let out = std::env::temp_dir().join(format!("ebpfctl-pd-{}.ours", std::process::id()));
    let theirs = std::env::temp_dir().join(format!("ebpfctl-pd-{}.theirs", std::process::id()));
    let (o, t) = (out.to_str().unwrap(), theirs.to_str().unwrap());
    assert_eq!(
        ours(&["prog", "dump", "xlated", "pinned", &main, "file", o]),
        ""
    );
    bpftool(&["prog", "dump", "xlated", "pinned", &main, "file", t]);
    let (a, b) = (std::fs::read(&out), std::fs::read(&theirs));
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&theirs);
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(!a.is_empty() && a.len() % 8 == 0);
    assert_eq!(a, b);
    let json = ours(&["-j", "prog", "dump", "xlated", "pinned", &main, "file", o]);
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        json.trim(),
        "null",
        "bpftool -j prints null after writing the file"
    );
}

#[test]
fn bad_input_is_one_error_line_and_exit_2() {
    let dir = load("pd-bad", "prog_dump");
    let main = dir.pin("pd_main");
    let cases: Vec<Vec<&str>> = vec![
        vec!["prog", "dump", "xlated", "id", "4294967295"],
        vec!["prog", "dump", "xlated", "id", "nope"],
        vec![
            "prog",
            "dump",
            "xlated",
            "pinned",
            "/sys/fs/bpf/ebpfctl-no-such-pin",
        ],
        vec![
            "prog", "dump", "xlated", "pinned", &main, "opcodes", "linum",
        ],
        vec!["prog", "dump", "xlated", "pinned", &main, "file"],
        vec!["prog", "dump", "xlated", "pinned", &main, "bogus"],
        vec![
            "prog",
            "dump",
            "xlated",
            "pinned",
            &main,
            "file",
            "/nonexistent-dir/x",
        ],
    ];
    for args in cases {
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("ebpfctl: "),
            "{args:?}: {}",
            run.stderr
        );
        let mut json = vec!["-j"];
        json.extend_from_slice(&args);
        let run = ebpfctl(&json);
        assert_eq!(run.code, 2);
        let v: Value = serde_json::from_str(&run.stdout).expect("error object");
        assert!(v["error"].is_string() && v["kind"].is_string(), "{v}");
    }
}

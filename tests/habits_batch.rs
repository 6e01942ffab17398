//! `batch file FILE|-`: bpftool's way to run many commands in one process. Lines are split, commented and
//! continued as bpftool reads them, run through the same grammar as a command line, and under -j printed as
//! bpftool's array of {"command", "output"}; the first failure stops the batch and names its line. bpftool runs the
//! same files as the oracle.

use crate::common;

use common::{bpftool, bpftool_json, ebpfctl, ebpfctl_stdin, host_command, PinDir};
use serde_json::Value;

fn hash_map(path: &str, name: &str) {
    bpftool(&[
        "map", "create", path, "type", "hash", "key", "4", "value", "4", "entries", "8", "name",
        name,
    ]);
}

/// bpftool -j batch file FILE, whatever its exit status; its stdout parsed.
fn bpftool_batch(file: &str) -> (bool, Value) {
    let out = host_command("bpftool")
        .args(["-j", "batch", "file", file])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    (out.status.success(), serde_json::from_str(&text).unwrap())
}

/// A batch file with `text` (bpffs holds no regular files: they live in the target's temporary directory).
fn batch_file(name: &str, text: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("habits-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn value_of(map: &str, key: u8) -> Value {
    let k = key.to_string();
    bpftool_json(&["map", "lookup", "pinned", map, "key", &k, "0", "0", "0"])["value"].clone()
}

#[test]
fn a_batch_reads_and_prints_as_bpftools_batch() {
    let dir = PinDir::new("batch-same");
    let map = dir.pin("m");
    hash_map(&map, "hb_batch");
    // Comments, a blank line, a continued line, quoted words and bpftool's prefixes.
    let script = format!(
        "# set two keys, then read them back\n\
         map update pinned {map} key 1 0 0 0 value 0x11 0 0 0   # first\n\
         \n\
         map update pinned '{map}' key 2 0 0 0 \\\n    value 0x22 0 0 0\n\
         m lookup pinned \"{map}\" key 1 0 0 0\n\
         map lookup pinned {map} key hex 02 00 00 00\n\
         map dump pinned {map}\n"
    );
    let file = batch_file("same", &script);
    let file = file.as_str();
    let ours = ebpfctl(&["-j", "batch", "file", file]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let ours = ours.json();
    let (ok, theirs) = bpftool_batch(file);
    assert!(ok);
    assert_eq!(ours.as_array().unwrap().len(), 5, "{ours}");
    // bpftool echoes its words as typed (its `m`), ebpfctl the same words: commands equal, outputs equal.
    assert_eq!(ours, theirs);
    assert_eq!(ours[0]["output"], Value::Null, "update prints null");
    assert_eq!(ours[2]["output"]["value"][0], "0x11");
    assert_eq!(value_of(&map, 2)[0], "0x22");
    // In text mode both end with the count of commands run.
    let text = ebpfctl(&["batch", "f", file]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_eq!(text.stdout.lines().last(), Some("processed 5 commands"));
    let bpftool_text = host_command("bpftool")
        .args(["batch", "file", file])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&bpftool_text.stdout).lines().last(),
        Some("processed 5 commands")
    );
}

#[test]
fn the_first_failure_stops_the_batch_and_names_its_line() {
    let dir = PinDir::new("batch-fail");
    let map = dir.pin("m");
    hash_map(&map, "hb_batch_fail");
    let file = batch_file(
        "fail",
        &format!(
            "map update pinned {map} key 1 0 0 0 value 1 0 0 0\n\
             # line 2 is a comment\n\
             map update pinned {map} key 1 0 0 value 2 0 0 0\n\
             map update pinned {map} key 3 0 0 0 value 3 0 0 0\n"
        ),
    );
    let file = file.as_str();
    let run = ebpfctl(&["-j", "batch", "file", file]);
    assert_eq!(run.code, 2);
    let out = run.json();
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 2, "stopped at the failing command: {out:?}");
    let error = out[1]["output"]["error"].as_str().unwrap();
    assert!(error.contains(&format!("{file} line 3")), "{error}");
    assert_eq!(out[1]["output"]["kind"], "invalid_input");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    // Line 4 never ran; line 1 did.
    assert_eq!(value_of(&map, 1)[0], "0x01");
    let missing = host_command("bpftool")
        .args([
            "-j", "map", "lookup", "pinned", &map, "key", "3", "0", "0", "0",
        ])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    // bpftool stops at the same command: two elements, the second its error.
    let (ok, theirs) = bpftool_batch(file);
    assert!(!ok);
    assert_eq!(theirs.as_array().unwrap().len(), 2);
    assert!(theirs[1]["output"]["error"].is_string());
    // Text mode: the same one line on stderr, no "processed" line.
    let text = ebpfctl(&["batch", "file", file]);
    assert_eq!(text.code, 2);
    assert!(!text.stdout.contains("processed"), "{}", text.stdout);
    // A file that cannot be split (an open quote) fails before running anything.
    let bad_file = batch_file("bad", &format!("map update pinned '{map} key\n"));
    let bad = ebpfctl(&["-j", "batch", "file", &bad_file]);
    assert_eq!(bad.code, 2);
    assert!(bad.json()[0]["error"]
        .as_str()
        .unwrap()
        .contains("unterminated"));
}

#[test]
fn standard_input_negative_answers_and_refusals() {
    let dir = PinDir::new("batch-stdin");
    let map = dir.pin("m");
    hash_map(&map, "hb_batch_in");
    // A missing key is a negative answer, not a failure: the batch goes on, and exits 1 at the end.
    let input = format!(
        "map lookup pinned {map} key 9 0 0 0\n\
         map update pinned {map} key 4 0 0 0 value 4 0 0 0\n"
    );
    let run = ebpfctl_stdin(&["-j", "batch", "file", "-"], input.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.json();
    assert_eq!(out[0]["output"], Value::Null);
    assert_eq!(out[1]["output"], Value::Null);
    assert_eq!(value_of(&map, 4)[0], "0x04");
    // Options belong to the batch, not to its lines; a batch does not run batches.
    for (line, says) in [
        ("-j map show", "before `batch`"),
        ("batch file /dev/null", "another batch"),
    ] {
        let run = ebpfctl_stdin(&["batch", "file", "-"], line.as_bytes());
        assert_eq!(run.code, 2, "{line}");
        assert!(run.stderr.contains(says), "{line}: {}", run.stderr);
        assert!(run.stderr.contains("line 1"), "{}", run.stderr);
    }
    // `help` on a line prints null under -j, like bpftool, and the batch goes on.
    let run = ebpfctl_stdin(&["-j", "batch", "file", "-"], b"map help\nversion\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()[0]["output"], Value::Null);
    assert!(run.json()[1]["output"]["version"].is_string());
}

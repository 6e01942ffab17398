//! `gen object` (libbpf's static linker) and `gen min_core_btf` (bpftool's spelling of `btf minimize`), against
//! bpftool 7.1's own `gen object` and the live kernel.

use crate::common;

use common::{bpftool, ebpfctl, ebpfctl_json, fixture, PinDir};
use serde_json::Value;

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ebpfctl_gen_{}_{name}", std::process::id()))
}

/// Program names and sections of an object file, as `inspect` reads them.
fn programs(path: &std::path::Path) -> Vec<(String, String)> {
    let report = ebpfctl_json(&["inspect", path.to_str().unwrap(), "progs"]);
    let progs = report
        .pointer("/0/programs")
        .or_else(|| report.get("programs"))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no programs in {report}"));
    let mut out: Vec<(String, String)> = progs
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["section"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn gen_object_links_as_bpftool_and_the_result_loads() {
    let input = fixture("inspect_core");
    let (ours, theirs) = (temp("ours.o"), temp("theirs.o"));
    let run = ebpfctl(&[
        "-j",
        "gen",
        "object",
        ours.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "null",
        "bpftool prints nothing: null under -j"
    );
    bpftool(&[
        "gen",
        "object",
        theirs.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let linked = programs(&ours);
    assert!(!linked.is_empty());
    assert_eq!(
        linked,
        programs(&theirs),
        "the same programs as bpftool's linked object"
    );
    assert_eq!(
        linked,
        programs(&input),
        "linking one object keeps its programs"
    );
    // The kernel takes the linked object as it takes the input.
    let dir = PinDir::new("gen_object");
    let loaded = ebpfctl_json(&[
        "prog",
        "loadall",
        ours.to_str().unwrap(),
        &dir.path.display().to_string(),
    ]);
    assert_eq!(
        loaded["programs"].as_array().map(Vec::len),
        Some(linked.len()),
        "{loaded}"
    );
    for f in [&ours, &theirs] {
        let _ = std::fs::remove_file(f);
    }
}

#[test]
fn gen_object_refuses_bad_input_in_one_line_and_leaves_no_output() {
    let out = temp("bad.o");
    let truncated = temp("truncated.o");
    let data = std::fs::read(fixture("inspect_core")).unwrap();
    std::fs::write(&truncated, &data[..data.len() / 3]).unwrap();
    // The same object twice: its programs are strong symbols defined twice, which the linker refuses.
    let same = fixture("inspect_core");
    for inputs in [
        vec![truncated.to_str().unwrap().to_string()],
        vec!["/nonexistent.o".to_string()],
        vec![same.display().to_string(), same.display().to_string()],
    ] {
        let mut args = vec!["-j", "gen", "object", out.to_str().unwrap()];
        args.extend(inputs.iter().map(String::as_str));
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{inputs:?}: {}", run.stdout);
        assert!(run.stderr.starts_with("ebpfctl: "), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.json()["kind"].is_string(), "{}", run.stdout);
        assert!(!out.exists(), "{inputs:?}: no half-written output");
    }
    let _ = std::fs::remove_file(&truncated);
}

#[test]
fn gen_min_core_btf_is_btf_minimize_in_bpftools_order() {
    let obj = fixture("inspect_core");
    let (ours, minimized) = (temp("min.btf"), temp("minimize.btf"));
    let run = ebpfctl(&[
        "-j",
        "gen",
        "min_core_btf",
        "/sys/kernel/btf/vmlinux",
        ours.to_str().unwrap(),
        obj.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "null");
    ebpfctl_json(&[
        "btf",
        "minimize",
        "--btf",
        "/sys/kernel/btf/vmlinux",
        "-o",
        minimized.to_str().unwrap(),
        obj.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&ours).unwrap();
    assert!(
        bytes.len() > 24 && bytes.len() < 1 << 20,
        "{} bytes",
        bytes.len()
    );
    assert_eq!(bytes, std::fs::read(&minimized).unwrap());
    for f in [&ours, &minimized] {
        let _ = std::fs::remove_file(f);
    }
}

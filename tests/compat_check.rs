//! `compat check` against the live kernel's BTF file, compared with the ground truth: whether libbpf actually loads
//! the object on this kernel.

use crate::common;

use common::{ebpfctl, fixture};

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Ok when libbpf opens, relocates and the kernel accepts every program of the object.
fn loads(obj: &std::path::Path) -> bool {
    // Some of these loads fail on purpose; libbpf would print each failure to the test's stderr.
    libbpf_rs::set_print(None);
    match libbpf_rs::ObjectBuilder::default().open_file(obj) {
        Ok(open) => open.load().is_ok(),
        Err(_) => false,
    }
}

fn verdict(obj: &std::path::Path) -> (i32, serde_json::Value) {
    let p = obj.display().to_string();
    let run = ebpfctl(&["-j", "compat", "check", &p, "--btf", VMLINUX]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("compat check prints JSON");
    (run.code, v)
}

fn assert_verdict_matches_load(name: &str) -> serde_json::Value {
    let obj = fixture(name);
    let (code, v) = verdict(&obj);
    let compatible = v["compatible"].as_bool().expect("compatible is a bool");
    assert_eq!(
        code,
        if compatible { 0 } else { 1 },
        "{name}: exit code follows the verdict"
    );
    assert_eq!(
        compatible,
        loads(&obj),
        "{name}: offline verdict must equal the real load: {v:#}"
    );
    v
}

fn outcomes(v: &serde_json::Value) -> Vec<(String, String)> {
    v["results"][0]["relocations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or("").to_string(),
                r["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn unguarded_missing_field_is_incompatible_and_does_not_load() {
    let v = assert_verdict_matches_load("compat_unguarded");
    assert!(
        outcomes(&v)
            .iter()
            .any(|(k, o)| k == "byte_off" && o == "poisoned"),
        "{v:#}"
    );
}

#[test]
fn guarded_missing_field_is_compatible_and_loads() {
    let v = assert_verdict_matches_load("compat_guarded");
    let o = outcomes(&v);
    assert!(
        o.iter().any(|(k, o)| k == "field_exists" && o == "guarded"),
        "{v:#}"
    );
}

#[test]
fn flavored_renamed_field_resolves_to_the_kernels_offset() {
    let v = assert_verdict_matches_load("compat_flavor");
    // The resolved tgid offset must equal what bpftool's own BTF dump says of task_struct.tgid.
    let dump = std::process::Command::new("bpftool")
        .args(["-j", "btf", "dump", "file", VMLINUX])
        .output()
        .expect("bpftool runs");
    let all: serde_json::Value = serde_json::from_slice(&dump.stdout).expect("bpftool JSON");
    let task = all["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "STRUCT" && t["name"] == "task_struct")
        .expect("task_struct in vmlinux");
    let bits = task["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "tgid")
        .expect("tgid member")["bits_offset"]
        .as_u64()
        .unwrap();
    let relos = v["results"][0]["relocations"].as_array().unwrap();
    assert!(
        relos.iter().any(|r| r["kind"] == "byte_off"
            && r["outcome"] == "resolved"
            && r["value"].as_u64() == Some(bits / 8)),
        "{v:#}"
    );
}

#[test]
fn a_btf_file_that_is_not_btf_is_an_error() {
    let obj = fixture("compat_guarded").display().to_string();
    let bogus = std::env::temp_dir().join(format!("compat_not_btf_{}", std::process::id()));
    std::fs::write(&bogus, b"this is not BTF at all").unwrap();
    let run = ebpfctl(&[
        "compat",
        "check",
        &obj,
        "--btf",
        &bogus.display().to_string(),
    ]);
    let _ = std::fs::remove_file(&bogus);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not kernel BTF"), "{}", run.stderr);
}

#[test]
fn an_object_that_is_not_elf_is_named_as_such() {
    // A text file, an empty file and a two-byte ELF prefix: each gets its own reason, exit 2, and -j an error object.
    let dir = std::env::temp_dir().join(format!("compat_not_elf_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes, reason) in [
        (
            "text.o",
            &b"root:x:0:0:root:/root:/bin/sh\n"[..],
            "not an ELF file (bad magic)",
        ),
        ("empty.o", &b""[..], "empty file, not an ELF object"),
        ("short.o", &b"\x7fE"[..], "ELF header truncated"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.display().to_string();
        let run = ebpfctl(&["compat", "check", &path, "--btf", VMLINUX]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(
            run.stderr.trim(),
            format!("ebpfctl: {path}: {reason}"),
            "{name}"
        );
        let json = ebpfctl(&["-j", "compat", "check", &path, "--btf", VMLINUX]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("error object");
        assert_eq!(v["error"], format!("{path}: {reason}"), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_kconfig_format_is_an_error() {
    let obj = fixture("compat_guarded").display().to_string();
    let bogus = std::env::temp_dir().join(format!("compat_bad_kconfig_{}", std::process::id()));
    std::fs::write(&bogus, b"[section]\nkey: value\n").unwrap();
    let run = ebpfctl(&[
        "compat",
        "check",
        &obj,
        "--btf",
        VMLINUX,
        "--kconfig",
        &bogus.display().to_string(),
    ]);
    let _ = std::fs::remove_file(&bogus);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn every_relocation_kind_takes_the_value_libbpf_patches_in() {
    // inspect_core has one relocation of every kind libbpf knows, all against real task_struct/pid_type: each value
    // compat check predicts must be what libbpf wrote into that instruction when it loaded the object here.
    let v = assert_verdict_matches_load("inspect_core");
    let relos = v["results"][0]["relocations"].as_array().unwrap();
    assert!(relos.len() >= 13, "{v:#}");
    let loaded =
        common::libbpf_relocated(&fixture("inspect_core"), None).expect("inspect_core loads");
    for r in relos {
        let outcome = r["outcome"].as_str().unwrap();
        assert!(outcome == "resolved" || outcome == "guarded", "{r:#}");
        let insns = &loaded[r["program"].as_str().unwrap()];
        let slot = r["insn"].as_u64().unwrap() as usize;
        let got = common::relocated_value(insns[slot], insns.get(slot + 1).copied().unwrap_or(0));
        assert_eq!(Some(got), r["value"].as_u64(), "{r:#}");
    }
}

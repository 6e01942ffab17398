//! Split BTF, as a kernel module's BTF is: `btf dump file MOD` (over the running vmlinux, as bpftool does for
//! module BTF), `-B/--base-btf`, bpftool 7.7's `file BASE file SPLIT...` (multi-split), and the same module BTF
//! given to `inspect` and `compat check --btf`. This kernel has no module BTF (/sys/kernel/btf holds only
//! vmlinux), so the module BTF is built here: a raw blob and a relocatable ELF (.ko-like) carrying it as .BTF.

use crate::common;
use crate::inspect_support;

use std::path::PathBuf;
use std::process::Command;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture};
use inspect_support::{temp_file, BtfBuilder, KIND_PTR, KIND_STRUCT, KIND_TYPEDEF};
use serde_json::Value;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// The module's BTF: `struct ebpfctl_mod_state { int depth; }` (id `next`) and a pointer to it, over vmlinux.
struct Module {
    next: u32,
    raw: PathBuf,
    ko: PathBuf,
    /// Multi-split BTF over vmlinux + module: `typedef struct ebpfctl_mod_state ebpfctl_mod_state_t`.
    second: PathBuf,
}

fn vmlinux_ids(names: &[(&str, &str)]) -> Vec<u32> {
    let dump = ebpfctl_json(&["btf", "dump", "file", VMLINUX]);
    let types = dump["types"].as_array().unwrap();
    names
        .iter()
        .map(|(kind, name)| {
            types
                .iter()
                .find(|t| t["kind"] == *kind && t["name"] == *name)
                .map(|t| t["id"].as_u64().unwrap() as u32)
                .unwrap_or_else(|| panic!("vmlinux has no {kind} {name}"))
        })
        .collect()
}

fn str_len(blob: &[u8]) -> u32 {
    u32::from_le_bytes(blob[20..24].try_into().unwrap())
}

fn module() -> Module {
    let base = std::fs::read(VMLINUX).unwrap();
    let next = ebpfctl_json(&["inspect", VMLINUX, "btf"])["btf"]["types"]
        .as_u64()
        .unwrap() as u32
        + 1;
    let int = vmlinux_ids(&[("INT", "int")])[0];
    let mut m = BtfBuilder::split(str_len(&base));
    let (name, depth) = (m.str("ebpfctl_mod_state"), m.str("depth"));
    m.raw(name, KIND_STRUCT, 1, 4, &[depth, int, 0]);
    m.raw(0, KIND_PTR, 0, next, &[]);
    let blob = m.build();
    let raw = temp_file("ebpfctl_mod.btf", &blob);
    let ko = raw.with_extension("ko");
    // A module's .BTF sits in a relocatable ELF; llvm-objcopy wraps the blob the same way.
    let status = Command::new("llvm-objcopy")
        .args([
            "-I",
            "binary",
            "-O",
            "elf64-x86-64",
            "--rename-section",
            ".data=.BTF",
        ])
        .arg(&raw)
        .arg(&ko)
        .status()
        .expect("llvm-objcopy");
    assert!(status.success());
    let mut s = BtfBuilder::split(str_len(&base) + str_len(&blob));
    let t = s.str("ebpfctl_mod_state_t");
    s.raw(t, KIND_TYPEDEF, 0, next, &[]);
    let second = temp_file("ebpfctl_mod2.btf", &s.build());
    Module {
        next,
        raw,
        ko,
        second,
    }
}

fn p(path: &std::path::Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn module_btf_dumps_over_vmlinux_like_bpftool() {
    let m = module();
    let theirs = bpftool_json(&["btf", "dump", "file", p(&m.raw), "-B", VMLINUX]);
    assert_eq!(theirs["types"][0]["id"], m.next, "{theirs}");
    for args in [
        vec!["btf", "dump", "file", p(&m.raw)],
        vec!["btf", "dump", "file", p(&m.raw), "-B", VMLINUX],
        vec!["btf", "dump", "file", VMLINUX, "file", p(&m.raw)],
        vec!["btf", "dump", "file", p(&m.ko)],
    ] {
        assert_eq!(ebpfctl_json(&args), theirs, "{args:?}");
    }
    let text = ebpfctl(&["btf", "dump", "file", p(&m.ko), "-B", VMLINUX]);
    let bpftool_text = Command::new("bpftool")
        .args(["btf", "dump", "file", p(&m.ko), "-B", VMLINUX])
        .output()
        .unwrap();
    assert_eq!(
        text.stdout.as_bytes(),
        bpftool_text.stdout,
        "{}",
        text.stderr
    );
    // The base named with -B is the base: a base that lacks what the module uses is an error, not a guess.
    let tiny = temp_file("tiny_base.btf", &{
        let mut b = BtfBuilder::new();
        b.int("int", 4);
        b.build()
    });
    let run = ebpfctl(&["-j", "btf", "dump", "file", p(&m.raw), "-B", p(&tiny)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.json()["kind"], "invalid_input");
}

#[test]
fn multi_split_btf_stacks_each_file_on_the_one_before() {
    let m = module();
    let stacked = ebpfctl_json(&[
        "btf",
        "dump",
        "file",
        VMLINUX,
        "file",
        p(&m.raw),
        "file",
        p(&m.second),
    ]);
    let expected: Value = serde_json::json!({"types": [{
        "id": m.next + 2, "kind": "TYPEDEF", "name": "ebpfctl_mod_state_t", "type_id": m.next
    }]});
    assert_eq!(stacked, expected);
    // -B names the bottom of the stack; the module file then sits on it.
    let pair = ["btf", "dump", "file", p(&m.raw), "file", p(&m.second)];
    assert_eq!(
        ebpfctl_json(&[&pair[..], &["-B", VMLINUX]].concat()),
        expected
    );
    let root = (m.next + 2).to_string();
    let c = ebpfctl(&[&pair[..], &["format", "c", "root_id", &root]].concat());
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(
        c.stdout
            .contains("struct ebpfctl_mod_state {\n\tint depth;\n};")
            && c.stdout
                .contains("typedef struct ebpfctl_mod_state ebpfctl_mod_state_t;"),
        "{}",
        c.stdout
    );
    // Out of order (the second split before the module it builds on) does not resolve.
    let run = ebpfctl(&[
        "btf",
        "dump",
        "file",
        VMLINUX,
        "file",
        p(&m.second),
        "file",
        p(&m.raw),
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn inspect_summarizes_module_btf_raw_and_in_an_elf() {
    let m = module();
    for file in [&m.raw, &m.ko] {
        let r = ebpfctl_json(&["inspect", p(file)]);
        assert_eq!(r["btf"]["start_id"], m.next, "{r}");
        assert_eq!(r["btf"]["types"], 2, "{r}");
        assert_eq!(r["btf"]["kinds"]["STRUCT"], 1, "{r}");
        let warnings = r["warnings"].as_array().map_or(0, Vec::len);
        assert_eq!(warnings, 0, "{r}");
    }
    let r = ebpfctl_json(&["inspect", p(&m.raw), "-B", VMLINUX]);
    assert_eq!(r["btf"]["start_id"], m.next);
    let run = ebpfctl(&["inspect", p(&m.raw), "-B", "/nonexistent/vmlinux"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("ebpfctl: /nonexistent/vmlinux: "),
        "{}",
        run.stderr
    );
}

/// An object that reads the module's struct through CO-RE relocates against vmlinux + module BTF only.
#[test]
fn compat_checks_against_module_btf_over_its_base() {
    let m = module();
    let obj = fixture("core_module");
    let obj = p(&obj);
    let run = |extra: &[&str]| {
        let mut args = vec!["-j", "compat", "check", obj];
        args.extend_from_slice(extra);
        let r = ebpfctl(&args);
        (
            r.code,
            serde_json::from_str::<Value>(&r.stdout).unwrap_or(Value::Null),
            r.stderr,
        )
    };
    let (code, v, err) = run(&["--btf", VMLINUX]);
    assert_eq!(
        (code, &v["compatible"]),
        (1, &Value::Bool(false)),
        "{err}{v}"
    );
    for extra in [
        vec!["--btf", p(&m.ko)],
        vec!["--btf", p(&m.raw)],
        vec!["--btf", p(&m.raw), "-B", VMLINUX],
    ] {
        let (code, v, err) = run(&extra);
        assert_eq!(code, 0, "{extra:?}: {err}{v:#}");
        assert_eq!(v["results"][0]["kernel"], extra[1]);
    }
    let (code, v, _) = run(&["--btf", p(&m.raw), "-B", "/nonexistent/vmlinux"]);
    assert_eq!((code, &v["kind"]), (2, &Value::from("not_found")), "{v}");
}

//! `ebpfctl btf dump` on the running kernel's BTF, compared with bpftool 7.1's dump of the same input: raw text
//! byte for byte, raw JSON type for type, C header byte for byte (save bpftool's known defects, named below), and
//! the C header compiled into a CO-RE program with clang.

use crate::common;
use crate::inspect_support;

use std::path::Path;
use std::process::Command;

use common::{bpftool_json, ebpfctl, ebpfctl_json};
use inspect_support::{temp_file, BtfBuilder, KIND_PTR, KIND_STRUCT};
use serde_json::{json, Value};

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

fn bpftool_stdout(args: &[&str]) -> String {
    let out = Command::new("bpftool")
        .args(args)
        .output()
        .expect("bpftool");
    assert!(out.status.success(), "bpftool {args:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// bpftool 7.1 prints an unsigned 32-bit enumerator's value through a signed int, so 0xf0000000 comes out as
/// 18446744073441116160 in JSON (its text form is right). Undo that in its output before comparing.
fn fix_bpftool_enum_sign_extension(types: &mut Value) {
    for t in types["types"].as_array_mut().unwrap() {
        if t["kind"] == "ENUM" && t["encoding"] == "UNSIGNED" {
            for v in t["values"].as_array_mut().unwrap() {
                v["val"] = (v["val"].as_u64().unwrap() & 0xffff_ffff).into();
            }
        }
    }
}

/// libbpf 1.1 (inside bpftool 7.1) writes one-byte enums as plain enums, so the compiler makes them 4 bytes and
/// any struct embedding one gets the wrong layout; newer libbpf (bpftool 7.2+) adds `mode(byte)`, as we do.
/// Remove it from our enum definitions to compare the rest byte for byte.
fn without_byte_mode_enums(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut in_enum = false;
    for line in header.split_inclusive('\n') {
        if line.starts_with("enum ") && line.trim_end().ends_with('{') {
            in_enum = true;
        }
        if in_enum && line == "} __attribute__((mode(byte)));\n" {
            out.push_str("};\n");
            in_enum = false;
            continue;
        }
        if line.starts_with('}') {
            in_enum = false;
        }
        out.push_str(line);
    }
    out
}

#[test]
fn vmlinux_raw_dump_equals_bpftool_text_and_json() {
    let text = ebpfctl(&["btf", "dump", "file", VMLINUX]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout == bpftool_stdout(&["btf", "dump", "file", VMLINUX]),
        "raw text differs from bpftool's"
    );
    let ours = ebpfctl_json(&["btf", "dump", "file", VMLINUX]);
    let mut theirs = bpftool_json(&["btf", "dump", "file", VMLINUX]);
    fix_bpftool_enum_sign_extension(&mut theirs);
    let (a, b) = (
        ours["types"].as_array().unwrap(),
        theirs["types"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    assert!(a.len() > 10_000, "vmlinux has many types");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y);
    }
}

#[test]
fn vmlinux_c_header_equals_bpftool_and_is_deterministic() {
    // bpftool 7.1 prints types in BTF order; 7.6+ sorts them and takes `unsorted` for the old order, which is
    // what 7.1 is the oracle of.
    let run = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "c", "unsorted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let theirs = bpftool_stdout(&["btf", "dump", "file", VMLINUX, "format", "c"]);
    assert!(
        without_byte_mode_enums(&run.stdout) == theirs,
        "C header differs from bpftool's beyond one-byte enums"
    );
    assert!(
        run.stdout.contains("} __attribute__((mode(byte)));"),
        "one-byte enums keep their size"
    );
    // The default (sorted) header defines the very same types, and is the same on every run.
    let sorted = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "c"]);
    let definitions = |text: &str| {
        let mut heads: Vec<String> = text
            .lines()
            .filter(|l| (l.starts_with("struct ") || l.starts_with("union ")) && l.ends_with(" {"))
            .map(str::to_string)
            .collect();
        heads.sort();
        heads
    };
    assert_eq!(definitions(&sorted.stdout), definitions(&run.stdout));
    let again = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "c"]);
    assert!(again.stdout == sorted.stdout, "two runs differ");
    // root_id (bpftool 7.1 lacks it): task_struct and what it needs, compiled alone, with the size BTF gives.
    let types = ebpfctl_json(&["btf", "dump", "file", VMLINUX]);
    let task = types["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "STRUCT" && t["name"] == "task_struct")
        .expect("task_struct")
        .clone();
    let ours = ebpfctl(&[
        "btf",
        "dump",
        "file",
        VMLINUX,
        "format",
        "c",
        "root_id",
        &task["id"].to_string(),
    ]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    assert!(ours.stdout.contains("struct task_struct {") && ours.stdout.len() < run.stdout.len());
    let program = format!(
        "#include \"vmlinux.h\"\n_Static_assert(sizeof(struct task_struct) == {}, \"task_struct size\");\n",
        task["size"]
    );
    compile_with_header(&ours.stdout, &program, "root");
}

/// Compiles `program` for BPF with `header` as its vmlinux.h; returns the object's path.
fn compile_with_header(header: &str, program: &str, tag: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inspect-vmlinux-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("vmlinux.h"), header).unwrap();
    let src = dir.join("use.bpf.c");
    std::fs::write(&src, program).unwrap();
    let obj = dir.join("use.bpf.o");
    let out = Command::new(std::env::var("BPF_CLANG").unwrap_or_else(|_| "clang-19".into()))
        .args([
            "-O2",
            "-g",
            "-Wall",
            "-Werror",
            "-target",
            "bpf",
            common::BPF_TARGET_ARCH,
        ])
        .arg(format!("-I{}", dir.display()))
        .arg(format!("-I{}", env!("EBPFCTL_BPF_INCLUDE")))
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .expect("clang-19");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    obj
}

#[test]
fn vmlinux_c_header_compiles_into_a_core_program() {
    let run = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "c"]);
    assert_eq!(run.code, 0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let program =
        std::fs::read_to_string(root.join("tests/bpf/inspect_vmlinux_use.bpf.c")).unwrap();
    let obj = compile_with_header(&run.stdout, &program, "full");
    let r = ebpfctl_json(&["inspect", obj.to_str().unwrap(), "relocs"]);
    assert!(r["core_relos"].as_array().unwrap().len() >= 3, "{r}");
    std::fs::remove_dir_all(obj.parent().unwrap()).ok();
}

/// `_Static_assert`s of every uniquely named struct, union and enum's size and every named non-bitfield member's
/// offset, as `btf dump -j` records them. Names defined twice are written `name___2` and left out, as are
/// forward-declared enums (no size in C) and structs holding a `va_list`, whose size is the compiling target's
/// (8 bytes for BPF, 24 on x86_64).
fn layout_asserts(dump: &Value) -> String {
    let types = dump["types"].as_array().unwrap();
    let is_tag = |t: &&Value| {
        matches!(
            t["kind"].as_str(),
            Some("STRUCT" | "UNION" | "ENUM" | "ENUM64")
        )
    };
    let mut uses = std::collections::HashMap::new();
    for t in types.iter().filter(is_tag) {
        *uses.entry(t["name"].as_str().unwrap_or("")).or_insert(0) += 1;
    }
    let va_list: Vec<&Value> = types
        .iter()
        .filter(|t| t["kind"] == "TYPEDEF" && t["name"].as_str().unwrap_or("").contains("va_list"))
        .map(|t| &t["id"])
        .collect();
    let mut out = String::from("#include \"vmlinux.h\"\n");
    for t in types.iter().filter(is_tag) {
        let name = t["name"].as_str().unwrap_or("(anon)");
        let members = t["members"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let forward_enum =
            t["kind"].as_str().is_some_and(|k| k.starts_with("ENUM")) && t["vlen"] == 0;
        if name == "(anon)"
            || uses[name] > 1
            || forward_enum
            || members.iter().any(|m| va_list.contains(&&m["type_id"]))
        {
            continue;
        }
        let tag = match t["kind"].as_str() {
            Some("STRUCT") => format!("struct {name}"),
            Some("UNION") => format!("union {name}"),
            _ => format!("enum {name}"),
        };
        out += &format!(
            "_Static_assert(sizeof({tag}) == {}, \"{tag}\");\n",
            t["size"]
        );
        for m in members
            .iter()
            .filter(|m| m["name"] != "(anon)" && m.get("bitfield_size").is_none())
        {
            out += &format!(
                "_Static_assert(__builtin_offsetof({tag}, {0}) * 8 == {1}, \"{tag}.{0}\");\n",
                m["name"].as_str().unwrap(),
                m["bits_offset"]
            );
        }
    }
    out
}

/// Size and members (name, bit offset, bitfield width) of each uniquely named struct and union of a BTF dump.
fn named_layouts(dump: &Value) -> std::collections::HashMap<String, Value> {
    let types = dump["types"].as_array().unwrap();
    let mut uses = std::collections::HashMap::new();
    for t in types {
        if matches!(
            t["kind"].as_str(),
            Some("STRUCT" | "UNION" | "ENUM" | "ENUM64")
        ) {
            *uses.entry(t["name"].to_string()).or_insert(0) += 1;
        }
    }
    types
        .iter()
        .filter(|t| matches!(t["kind"].as_str(), Some("STRUCT" | "UNION")))
        .filter(|t| t["name"] != "(anon)" && uses[&t["name"].to_string()] == 1)
        .map(|t| {
            let members: Vec<Value> = t["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| json!([m["name"], m["bits_offset"], m.get("bitfield_size")]))
                .collect();
            let tag = format!(
                "{} {}",
                t["kind"].as_str().unwrap().to_lowercase(),
                t["name"].as_str().unwrap()
            );
            (tag, json!([t["size"], members]))
        })
        .collect()
}

/// Compiles `header` for BPF with debug info, one pointer to each uniquely named struct and union, and returns
/// those whose compiled BTF (size, member bit offsets and bitfield widths, which no `offsetof` reaches) differs
/// from `dump`'s.
fn compiled_layout_mismatches(header: &str, dump: &Value, tag: &str) -> Vec<String> {
    let want = named_layouts(dump);
    let mut program = String::from("#include \"vmlinux.h\"\n");
    for (i, name) in want.keys().enumerate() {
        program += &format!("{name} *layout_use{i};\n");
    }
    let obj = compile_with_header(header, &program, tag);
    let got = named_layouts(&ebpfctl_json(&[
        "btf",
        "dump",
        "file",
        obj.to_str().unwrap(),
    ]));
    std::fs::remove_dir_all(obj.parent().unwrap()).ok();
    // The header may add an anonymous member to keep a union's size (docs/inspect.md).
    let same = |want: &Value, got: &Value| {
        let (w, g) = (want[1].as_array().unwrap(), got[1].as_array().unwrap());
        want[0] == got[0]
            && g.len() >= w.len()
            && g[..w.len()] == w[..]
            && g[w.len()..].iter().all(|m| m[0] == "(anon)")
    };
    want.iter()
        .filter(|(name, layout)| !got.get(*name).is_some_and(|g| same(layout, g)))
        .map(|(name, layout)| format!("{name}: BTF {layout}, compiled {:?}", got.get(name)))
        .collect()
}

/// The header is only as good as its layouts: a CO-RE program reads fields at the offsets the compiler gives
/// them. Every struct, union and enum of vmlinux must compile to the size and member offsets its BTF records
/// (bpftool 7.1's header fails this from `struct inode` on: its one-byte `enum rw_hint` compiles to four bytes).
#[test]
fn vmlinux_c_header_lays_out_every_type_as_btf_says() {
    let run = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "c"]);
    assert_eq!(run.code, 0);
    let dump = ebpfctl_json(&["btf", "dump", "file", VMLINUX]);
    let asserts = layout_asserts(&dump);
    assert!(asserts.lines().count() > 20_000, "too few types checked");
    assert!(asserts.contains("sizeof(struct inode) =="));
    let obj = compile_with_header(&run.stdout, &asserts, "layout");
    std::fs::remove_dir_all(obj.parent().unwrap()).ok();
    // Bitfields too: clang's BTF of the compiled header against the kernel's. `va_list` is the target's own.
    let mismatches = compiled_layout_mismatches(&run.stdout, &dump, "layout-btf");
    assert!(
        mismatches
            .iter()
            .all(|m| m.starts_with("struct warn_args:")),
        "{mismatches:#?}"
    );
}

/// The layouts libbpf's header gets wrong (tests/bpf/btf_layouts.bpf.c): ebpfctl's header of the object compiles
/// to every size and offset its BTF records, bpftool 7.1's does not.
#[test]
fn object_c_header_keeps_layouts_libbpf_loses() {
    let obj = common::fixture("btf_layouts");
    let obj = obj.to_str().unwrap();
    let dump = ebpfctl_json(&["btf", "dump", "file", obj]);
    let asserts = layout_asserts(&dump);
    for t in [
        "enum lay_small",
        "enum lay_short",
        "union lay_packed_union",
        "struct lay_packed_wide",
        "struct lay_tail",
        "struct lay_straddle",
        "union lay_padded",
        "struct lay_all",
    ] {
        assert!(asserts.contains(&format!("sizeof({t}) ==")), "{t}");
    }
    let ours = ebpfctl(&["btf", "dump", "file", obj, "format", "c"]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let compiled = compile_with_header(&ours.stdout, &asserts, "layouts");
    std::fs::remove_dir_all(compiled.parent().unwrap()).ok();
    let mismatches = compiled_layout_mismatches(&ours.stdout, &dump, "layouts-btf");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    // The oracle is wrong here: its header compiles to other offsets (the fixture would prove nothing if it did not).
    let theirs = bpftool_stdout(&["btf", "dump", "file", obj, "format", "c"]);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("layouts-bpftool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("vmlinux.h"), &theirs).unwrap();
    std::fs::write(dir.join("check.c"), &asserts).unwrap();
    let out = Command::new(std::env::var("BPF_CLANG").unwrap_or_else(|_| "clang-19".into()))
        .args(["-fsyntax-only", "-w", "-target", "bpf"])
        .arg(dir.join("check.c"))
        .output()
        .expect("clang-19");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "bpftool's header compiled to the BTF's layout"
    );
    // Bitfield offsets only show in the BTF the compiler writes.
    let wrong = compiled_layout_mismatches(&theirs, &dump, "layouts-bpftool-btf");
    assert!(
        wrong
            .iter()
            .any(|m| m.starts_with("struct lay_bitfield_after:")),
        "{wrong:#?}"
    );
    for t in [
        "enum lay_small",
        "union lay_packed_union",
        "struct lay_packed_wide",
        "struct lay_tail",
    ] {
        assert!(
            stderr.contains(&format!("\"{t}")),
            "bpftool's {t} was right:\n{stderr}"
        );
    }
}

#[test]
fn format_c_has_no_json_form() {
    let run = ebpfctl(&["-j", "btf", "dump", "file", VMLINUX, "format", "c"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("format c has no JSON form"),
        "{}",
        run.stderr
    );
    let run = ebpfctl(&["btf", "dump", "file", VMLINUX, "format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown format"), "{}", run.stderr);
}

/// Split BTF numbers its types after vmlinux's; bpftool needs `--base-btf` to read it from a file of its own.
#[test]
fn split_btf_with_base_matches_bpftool() {
    let base = std::fs::read(VMLINUX).unwrap();
    let base_str_len = u32::from_le_bytes(base[20..24].try_into().unwrap());
    let summary = ebpfctl_json(&["inspect", VMLINUX, "btf"]);
    let next_id = summary["btf"]["types"].as_u64().unwrap() as u32 + 1;
    let task_struct = ebpfctl_json(&["btf", "dump", "file", VMLINUX])["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "STRUCT" && t["name"] == "task_struct")
        .map(|t| t["id"].as_u64().unwrap() as u32)
        .unwrap();
    let mut b = BtfBuilder::split(base_str_len);
    b.raw(0, KIND_PTR, 0, task_struct, &[]); // next_id: struct task_struct *
    let (name, member) = (b.str("inspect_split_holder"), b.str("task"));
    b.raw(name, KIND_STRUCT, 1, 8, &[member, next_id, 0]);
    let p = temp_file("split.btf", &b.build());
    let p = p.to_str().unwrap();
    let ours = ebpfctl_json(&["btf", "dump", "file", p, "--base-btf", VMLINUX]);
    let theirs = bpftool_json(&["btf", "dump", "file", p, "--base-btf", VMLINUX]);
    assert_eq!(ours, theirs);
    assert_eq!(ours["types"][0]["id"], next_id);
    let c = ebpfctl(&[
        "btf",
        "dump",
        "file",
        p,
        "--base-btf",
        VMLINUX,
        "format",
        "c",
        "root_id",
        &(next_id + 1).to_string(),
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(
        c.stdout
            .contains("struct inspect_split_holder {\n\tstruct task_struct *task;\n};"),
        "{}",
        c.stdout
    );
    // Without -B the blob, which is not valid BTF on its own, is resolved over the running kernel's vmlinux BTF
    // (bpftool does so for module BTF).
    assert_eq!(ebpfctl_json(&["btf", "dump", "file", p]), theirs);
}

#[test]
fn dump_by_kernel_id_equals_dump_of_the_file() {
    let list = bpftool_json(&["btf", "show"]);
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "vmlinux")
        .map(|b| b["id"].to_string())
        .expect("vmlinux BTF is loaded");
    let by_id = ebpfctl(&["btf", "dump", "id", &id]);
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    assert!(by_id.stdout == ebpfctl(&["btf", "dump", "file", VMLINUX]).stdout);
    let run = ebpfctl(&["btf", "dump", "id", "4000000000"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("ebpfctl: btf id 4000000000: "),
        "{}",
        run.stderr
    );
}

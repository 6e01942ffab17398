//! `gen skeleton` and `gen subskeleton`: C headers for libbpf's skeleton API. Proven two ways against bpftool 7.1:
//! a C loader (tests/c/skel_demo_loader.c) is built once with each tool's headers, statically against the libbpf
//! the binary embeds, and run on the live kernel, and both runs must see the same; and on every fixture object both
//! tools' headers must declare the same API (the struct a loader uses, and every map, program and variable entry
//! handed to libbpf), compared with whitespace squeezed since only the layout is the contract, not the text.

use crate::common;

use std::path::{Path, PathBuf};

use common::{ebpfctl, fixture, host_command, try_fixture};
use serde_json::Value;

fn work_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ebpfctl_skel_{}_{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A header from either tool; None when the tool refuses the object.
fn generate(tool: &str, verb: &str, object: &Path, name: Option<&str>) -> Option<String> {
    let mut args = vec!["gen", verb, object.to_str().unwrap()];
    if let Some(name) = name {
        args.extend(["name", name]);
    }
    if tool == "ebpfctl" {
        let run = ebpfctl(&args);
        return (run.code == 0).then_some(run.stdout);
    }
    let out = host_command("bpftool")
        .args(&args)
        .output()
        .expect("run bpftool");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The API of a header: the main struct's definition and every entry it hands to libbpf (map, program and
/// variable names and where they land), each line with its whitespace squeezed out. Links of struct_ops maps
/// (libbpf 1.5, bpftool 7.5) are left out: bpftool 7.1 predates them.
fn api(header: &str, name: &str) -> Vec<String> {
    let squeeze = |l: &str| l.split_whitespace().collect::<String>();
    let struct_ops_links: Vec<String> = header
        .lines()
        .filter_map(|l| l.trim().split_once("].link = &obj->links."))
        .filter(|(left, _)| left.starts_with("s->maps["))
        .map(|(_, right)| right.trim_end_matches(';').to_string())
        .collect();
    let skip = |l: &str| {
        struct_ops_links.iter().any(|m| {
            l == format!("structbpf_link*{m};")
                || (l.starts_with("s->maps[") && l.ends_with(&format!("links.{m};")))
        })
    };
    let open = format!("struct {name} {{");
    let mut in_struct = false;
    let mut out = Vec::new();
    for line in header.lines() {
        if line == open {
            in_struct = true;
        }
        let entry = [
            "s->maps[",
            "s->progs[",
            "s->vars[",
            "s->map_cnt",
            "s->prog_cnt",
            "s->var_cnt",
        ]
        .iter()
        .any(|p| line.trim_start().starts_with(p));
        if in_struct || entry {
            let l = squeeze(line);
            if !skip(&l) {
                out.push(l);
            }
        }
        if in_struct && line == "};" {
            in_struct = false;
        }
    }
    out
}

/// bpftool 7.1's libbpf 1.1 memory-maps every data section; libbpf 1.4 and later (the embedded 1.7, and so bpftool
/// 7.4+) map only sections with a global variable in BTF, so a section of static or compiler-made data alone gets
/// no struct (and no `mmaped` pointer) in a newer header. bpftool 7.1 writes an empty struct for it: dropped here
/// where ours has no struct for that section.
fn without_unmapped_sections(theirs: Vec<String>, ours: &[String]) -> Vec<String> {
    let mut dropped: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut lines = theirs.into_iter().peekable();
    while let Some(line) = lines.next() {
        let empty = line.starts_with("struct")
            && line.ends_with('{')
            && line.contains("__")
            && !ours.contains(&line)
            && lines
                .peek()
                .is_some_and(|next| next.starts_with('}') && next.ends_with(';'));
        if empty {
            let close = lines.next().unwrap_or_default();
            dropped.push(
                close
                    .trim_start_matches(['}', '*'])
                    .trim_end_matches(';')
                    .to_string(),
            );
            continue;
        }
        out.push(line);
    }
    out.retain(|l| {
        !dropped
            .iter()
            .any(|ident| l.ends_with(&format!("].mmaped=(void**)&obj->{ident};")))
    });
    out
}

/// Equal line lists, or a panic showing only where they part.
fn assert_same_lines(ours: &[String], theirs: &[String], what: &str) {
    if ours == theirs {
        return;
    }
    let at = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    panic!(
        "{what}: first difference at line {at}\n  ours:   {:?}\n  theirs: {:?}",
        &ours[at..ours.len().min(at + 4)],
        &theirs[at..theirs.len().min(at + 4)]
    );
}

fn has_struct_ops_maps(header: &str) -> bool {
    header
        .lines()
        .any(|l| l.trim_start().starts_with("s->maps[") && l.contains("].link = &obj->links."))
}

fn lib_dir() -> PathBuf {
    PathBuf::from(env!("EBPFCTL_LIBBPF_LIB_DIR"))
}

/// Builds the loader against one tool's headers (already written into `dir`); panics with the compiler's words.
fn build_loader(dir: &Path, source: &str) -> PathBuf {
    let lib = lib_dir();
    compile_loader(
        dir,
        source,
        None,
        &["libbpf.a", "libelf.a", "libz.a"].map(|a| lib.join(a)),
    )
}

/// Builds `source` against a light skeleton (`gen skeleton -L`) in `dir`, with no libbpf: skel_internal.h needs
/// libbpf's UAPI headers, newer than the host's.
fn build_light_loader(dir: &Path, source: &str) -> PathBuf {
    let uapi = env!("EBPFCTL_LIBBPF_UAPI_DIR");
    assert!(!uapi.is_empty(), "build.rs found no libbpf UAPI headers");
    compile_loader(dir, source, Some(uapi), &[])
}

fn compile_loader(dir: &Path, source: &str, uapi: Option<&str>, libs: &[PathBuf]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = dir.join("loader");
    let out = host_command(env!("EBPFCTL_TARGET_CC"))
        .args(["-static", "-O1", "-Wall", "-Werror"])
        .args(uapi.map(|u| format!("-I{u}")))
        .arg(format!("-I{}", lib_dir().join("include").display()))
        .arg(format!("-I{}", dir.display()))
        .arg(format!("-I{}", root.join("tests/bpf").display()))
        .arg(root.join("tests/c").join(source))
        .args(libs)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run the C compiler");
    assert!(
        out.status.success(),
        "building the loader in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run_light_loader(tool: &str, object: &Path) -> Value {
    let dir = work_dir(&format!("light_{tool}"));
    let mut args = vec!["gen", "skeleton", object.to_str().unwrap(), "-L"];
    let text = match tool {
        "ebpfctl" => {
            let run = ebpfctl(&args);
            assert_eq!(run.code, 0, "ebpfctl gen skeleton -L: {}", run.stderr);
            run.stdout
        }
        _ => {
            args.rotate_right(1); // bpftool 7.1 wants its options first
            let out = host_command("bpftool").args(&args).output().unwrap();
            assert!(out.status.success(), "bpftool gen skeleton -L");
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    };
    std::fs::write(dir.join("skel_demo_bpf.lskel.h"), text).unwrap();
    let exe = build_light_loader(&dir, "skel_light_loader.c");
    let out = std::process::Command::new(&exe)
        .output()
        .expect("run the light loader");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{tool}'s light loader printed {stdout:?} ({e})"));
    assert!(out.status.success(), "{tool}'s light loader: {report}");
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// A light skeleton: the object as libbpf's loader program, run by skel_internal.h without libbpf. The same C
/// loader is built on ebpfctl's and on bpftool 7.1's header (different libbpf versions, so different loader
/// programs: only what the kernel ends up with is compared) and both must see the same.
#[test]
fn a_light_skeleton_loads_attaches_and_reads_as_bpftools_does() {
    let object = fixture("skel_demo");
    let ours = run_light_loader("ebpfctl", &object);
    let theirs = run_light_loader("bpftool", &object);
    assert_eq!(
        ours, theirs,
        "the same light loader over both tools' headers"
    );
    // Five getppid() calls counted by the raw tracepoint alternative, the one a light skeleton attaches itself
    // (every program is loaded: the loader program is fixed at generation, autoload cannot be chosen later).
    for (key, want) in [
        ("hits", 5),
        ("hits_by_lookup", 5),
        ("totals_events", 5),
        ("dropped", 0),
        ("custom_counter", 47),
        ("generation", 7),
        ("last_seq", 12),
        ("tp_type", i64::from(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT)),
        (
            "raw_type",
            i64::from(libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT),
        ),
        ("per_tgid_type", i64::from(libbpf_sys::BPF_MAP_TYPE_HASH)),
        ("per_tgid_max_entries", 64),
        ("bss_map_flags", i64::from(libbpf_sys::BPF_F_MMAPABLE)),
    ] {
        assert_eq!(ours[key], want, "{key} in {ours}");
    }
    assert_eq!(ours["label"], "demo");
    assert_eq!(ours["tag"], serde_json::json!([1, 2, 3]));
    assert_eq!(
        (ours["tp_prog"].as_str(), ours["raw_prog"].as_str()),
        (Some("on_getppid_tp"), Some("on_getppid_raw"))
    );
    for key in ["last_tgid_is_me", "raw_linked", "closed_on_destroy"] {
        assert_eq!(ours[key], true, "{key} in {ours}");
    }
    assert_eq!(
        ours["tp_linked"], false,
        "a tracepoint has no light auto-attach"
    );
}

/// `gen skeleton OBJECT -L name NAME` into DIR/NAME.lskel.h; its text.
fn write_light_header(dir: &Path, object: &Path, name: &str) -> String {
    let run = ebpfctl(&[
        "gen",
        "skeleton",
        object.to_str().unwrap(),
        "-L",
        "name",
        name,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(dir.join(format!("{name}.lskel.h")), &run.stdout).unwrap();
    run.stdout
}

/// A light skeleton of an object with maps and no program (bpftool 7.1 writes one that does not compile: it
/// measures the context up to a `links` member it leaves out): the loader creates the map with the value the
/// caller set in the mapped section before load.
#[test]
fn a_maps_only_light_skeleton_creates_its_maps() {
    let object = fixture("matrix_attach");
    let dir = work_dir("light_maps_only");
    let header = write_light_header(&dir, &object, "maps_only");
    assert!(!header.contains("links"), "no programs, no links");
    std::fs::write(
        dir.join("maps_only.c"),
        "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n\
         #include \"maps_only.lskel.h\"\n\
         int main(void)\n{\n\tunion bpf_attr attr;\n\t__u32 key = 0;\n\t__u64 value = 0;\n\
         \tstruct maps_only *s = maps_only__open();\n\n\tif (!s)\n\t\treturn 1;\n\ts->bss->hits = 42;\n\
         \tif (maps_only__load(s))\n\t\treturn 2;\n\tmemset(&attr, 0, sizeof(attr));\n\
         \tattr.map_fd = s->maps.bss.map_fd;\n\tattr.key = (__u64)(unsigned long)&key;\n\
         \tattr.value = (__u64)(unsigned long)&value;\n\
         \tif (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)))\n\t\treturn 3;\n\
         \tprintf(\"%llu %llu\\n\", (unsigned long long)value, (unsigned long long)s->bss->hits);\n\
         \tmaps_only__destroy(s);\n\treturn 0;\n}\n",
    )
    .unwrap();
    let exe = compile_loader(
        &dir,
        dir.join("maps_only.c").to_str().unwrap(),
        Some(env!("EBPFCTL_LIBBPF_UAPI_DIR")),
        &[],
    );
    let out = std::process::Command::new(&exe).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42 42\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the light skeleton of `object`, written as DIR/lt.lskel.h, loads (`lt__open_and_load`) on this
/// kernel: None when its header does not build alone (its data sections name the tool's own types, which a real
/// loader includes first).
fn light_loads(dir: &Path, object: &Path) -> Option<bool> {
    std::fs::write(
        dir.join("lt.c"),
        "#include \"lt.lskel.h\"\nint main(void)\n{\n\tstruct lt *s = lt__open_and_load();\n\n\
         \tif (!s)\n\t\treturn 1;\n\tlt__destroy(s);\n\treturn 0;\n}\n",
    )
    .unwrap();
    let exe = dir.join("lt");
    let built = host_command(env!("EBPFCTL_TARGET_CC"))
        .args(["-O1", "-Wall", "-Werror"])
        .arg(format!("-I{}", env!("EBPFCTL_LIBBPF_UAPI_DIR")))
        .arg(format!("-I{}", lib_dir().join("include").display()))
        .arg(dir.join("lt.c"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    if !built.status.success() {
        let said = String::from_utf8_lossy(&built.stderr);
        assert!(said.contains("incomplete"), "{}: {said}", object.display());
        return None;
    }
    Some(std::process::Command::new(&exe).status().unwrap().success())
}

/// A light skeleton loads wherever the object loads with libbpf, and fails where it fails (maps the loader sizes
/// at run time, program types or helpers this kernel lacks): every fixture, each through a generated
/// `NAME__open_and_load` and through `prog loadall`. One difference is the kernel's: a loader program leaves CO-RE
/// to the kernel, which refuses the type-matches relocation (bpf_core_type_matches, in inspect_core) that libbpf
/// resolves itself; bpftool -L fails there too.
#[test]
fn light_skeletons_load_where_a_plain_load_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf");
    let dir = work_dir("light_loads");
    let (mut both, mut neither, mut alone) = (0, 0, 0);
    for name in fixture_names(&root) {
        let Ok(object) = try_fixture(&name) else {
            continue;
        };
        let header = ebpfctl(&[
            "gen",
            "skeleton",
            object.to_str().unwrap(),
            "-L",
            "name",
            "lt",
        ]);
        if header.code != 0 {
            continue;
        }
        std::fs::write(dir.join("lt.lskel.h"), &header.stdout).unwrap();
        let Some(light) = light_loads(&dir, &object) else {
            alone += 1;
            continue;
        };
        let pins = crate::lifecycle_util::BpffsDir::new("light_plain");
        let plain = ebpfctl(&["prog", "loadall", object.to_str().unwrap(), &pins.path()]).code == 0;
        drop(pins);
        if name == "inspect_core" {
            assert!(
                plain && !light,
                "inspect_core: plain {plain}, light {light}"
            );
            continue;
        }
        assert_eq!(
            light, plain,
            "{name}: light skeleton loads {light}, prog loadall {plain}"
        );
        match light {
            true => both += 1,
            false => neither += 1,
        }
    }
    eprintln!(
        "light and plain: {both} load, {neither} fail; {alone} headers need the tool's types"
    );
    assert!(both >= 60 && neither >= 5, "{both} load, {neither} fail");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every fixture of tests/bpf, by name, sorted.
fn fixture_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".bpf.c")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Programs of a fixture declared with SEC("?..."): not loaded unless a loader turns them on.
fn autoload_off(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].trim_start().starts_with("SEC(\"?"))
        .filter_map(|w| {
            // `int name(...)` or a libbpf macro's `int BPF_KPROBE(name, ...)`.
            let (head, args) = w[1].split_once('(')?;
            let last = head.split_whitespace().last()?;
            let name = match last.starts_with("BPF_") {
                true => args.split([',', ')']).next()?.trim(),
                false => last,
            };
            Some(name.to_string())
        })
        .collect()
}

/// `gen skeleton -L` on every fixture: never a crash (libbpf's loader generation crashes on struct_ops maps, in
/// bpftool 7.1 too: refused here in one line), and the struct a loader is written against is bpftool's. Two
/// differences are bpftool 7.1's: its libbpf 1.1 maps empty data sections, and it declares programs whose
/// autoload is off although the loader program never loads them, which moves every later program's fd to
/// another slot than the one the loader writes (the loader numbers the programs it loads).
#[test]
fn light_headers_declare_bpftools_struct_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf");
    let names = fixture_names(&root);
    let (mut compared, mut refused) = (0, Vec::new());
    let the_struct = |h: &str| -> Vec<String> {
        let mut inside = false;
        let mut out = Vec::new();
        for line in h.lines() {
            inside |= line.starts_with("struct ") && line.ends_with(" {");
            if inside {
                out.push(line.split_whitespace().collect::<String>());
            }
            if inside && line == "};" {
                break;
            }
        }
        out
    };
    for name in &names {
        let Ok(object) = try_fixture(name) else {
            continue;
        };
        let obj = object.to_str().unwrap();
        let ours = ebpfctl(&["-j", "gen", "skeleton", obj, "-L"]);
        assert!(
            ours.code == 0 || ours.code == 2,
            "gen skeleton -L {name}: exit {}",
            ours.code
        );
        if ours.code == 2 {
            assert_eq!(ours.stderr.lines().count(), 1, "{name}: {}", ours.stderr);
            refused.push(name.clone());
            continue;
        }
        let ours = ebpfctl(&["gen", "skeleton", obj, "-L"]).stdout;
        let theirs = host_command("bpftool")
            .args(["gen", "skeleton", "-L", obj])
            .output()
            .unwrap();
        if !theirs.status.success() {
            continue;
        }
        let skipped =
            autoload_off(&std::fs::read_to_string(root.join(format!("{name}.bpf.c"))).unwrap());
        let ours = the_struct(&ours);
        let theirs: Vec<String> =
            without_unmapped_sections(the_struct(&String::from_utf8_lossy(&theirs.stdout)), &ours)
                .into_iter()
                .filter(|l| {
                    !skipped.iter().any(|p| {
                        *l == format!("structbpf_prog_desc{p};") || *l == format!("int{p}_fd;")
                    })
                })
                .collect();
        assert!(!ours.is_empty(), "gen skeleton -L {name}: no struct");
        assert_same_lines(&ours, &theirs, &format!("gen skeleton -L {name}"));
        compared += 1;
    }
    eprintln!("compared {compared} light headers; refused: {refused:?}");
    assert!(compared >= 60, "only {compared} light headers compared");
    for struct_ops in ["lifecycle_struct_ops", "gt_tcp_cc"] {
        assert!(
            refused.iter().any(|r| r == struct_ops),
            "{struct_ops} not refused"
        );
    }
}

/// The bytes of the C string literal `static const char NAME[] ... = "...";` in a generated header.
fn literal_bytes(header: &str, name: &str) -> Vec<u8> {
    let start = header
        .find(&format!("static const char {name}[]"))
        .unwrap_or_else(|| panic!("no {name} in the header"));
    let body = &header[start..];
    let body = &body[body.find('"').unwrap() + 1..];
    let b = body.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while b[i] != b'"' {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b[i + 1] {
            b'\n' => i += 2,
            b'0'..=b'7' => {
                let digits = b[i + 1..]
                    .iter()
                    .take(3)
                    .take_while(|c| (b'0'..=b'7').contains(c))
                    .count();
                let text = std::str::from_utf8(&b[i + 1..i + 1 + digits]).unwrap();
                out.push(u8::from_str_radix(text, 8).unwrap());
                i += 1 + digits;
            }
            other => {
                out.push(other);
                i += 2;
            }
        }
    }
    out
}

/// A signed light skeleton (bpftool 7.7's -S): the loader's CMS signature, which OpenSSL verifies over the
/// loader's instructions with the certificate, and the SHA-256 of those instructions that the loader's data map
/// is made exclusive to. This kernel cannot check signatures (no CONFIG_SYSTEM_DATA_VERIFICATION, see
/// prog_sign.rs), so the header is proven by OpenSSL and by compiling, not by a signed load.
#[test]
fn a_signed_light_skeleton_carries_a_signature_openssl_verifies() {
    let object = fixture("skel_demo");
    let dir = work_dir("signed");
    let (key, cert) = (dir.join("k.pem"), dir.join("c.pem"));
    let made = host_command("openssl")
        .args([
            "req", "-x509", "-nodes", "-days", "1", "-newkey", "rsa:2048",
        ])
        .args(["-subj", "/CN=ebpfctl light skeleton test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "openssl req");
    let run = ebpfctl(&[
        "gen",
        "skeleton",
        object.to_str().unwrap(),
        "-S",
        "-k",
        key.to_str().unwrap(),
        "-i",
        cert.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let header = run.stdout;
    assert!(
        header.contains("\t__s32 keyring_id;\n"),
        "no keyring_id member"
    );
    assert!(header.contains("opts.keyring_id = skel->keyring_id;"));
    let insns = literal_bytes(&header, "opts_insn");
    let sig = literal_bytes(&header, "opts_sig");
    let hash = literal_bytes(&header, "opts_excl_hash");
    assert_eq!(insns.len() % 8, 0, "whole BPF instructions");
    use sha2::Digest;
    assert_eq!(hash, sha2::Sha256::digest(&insns).to_vec());
    std::fs::write(dir.join("sig"), &sig).unwrap();
    // OpenSSL's verdict on the signature over `content` (the certificate's key, chain not checked: self-signed).
    let verifies = |content: &[u8]| {
        std::fs::write(dir.join("insns"), content).unwrap();
        let out = host_command("openssl")
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-noverify",
                "-in",
            ])
            .arg(dir.join("sig"))
            .arg("-content")
            .arg(dir.join("insns"))
            .arg("-certfile")
            .arg(&cert)
            .args(["-out", "/dev/null"])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, said) = verifies(&insns);
    assert!(ok, "openssl cms -verify: {said}");
    // A signature over other instructions must not verify: the check above is a real one.
    let mut other = insns.clone();
    other[0] ^= 1;
    assert!(!verifies(&other).0, "a tampered loader verified");
    // And the signed header is one a loader compiles against.
    std::fs::write(dir.join("skel_demo_bpf.lskel.h"), &header).unwrap();
    build_light_loader(&dir, "skel_light_loader.c");
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_loader(tool: &str, object: &Path) -> (Value, Vec<u8>) {
    let dir = work_dir(tool);
    for (verb, name, file) in [
        ("skeleton", None, "skel_demo_bpf.skel.h"),
        (
            "subskeleton",
            Some("skel_demo_lib"),
            "skel_demo_lib.subskel.h",
        ),
    ] {
        let text = generate(tool, verb, object, name)
            .unwrap_or_else(|| panic!("{tool} gen {verb} failed"));
        std::fs::write(dir.join(file), text).unwrap();
    }
    let exe = build_loader(&dir, "skel_demo_loader.c");
    let elf_out = dir.join("elf");
    let out = std::process::Command::new(&exe)
        .arg(&elf_out)
        .output()
        .expect("run the loader");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{tool}'s loader printed {stdout:?} ({e}); stderr {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(out.status.success(), "{tool}'s loader: {report}");
    let elf = std::fs::read(&elf_out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (report, elf)
}

#[test]
fn a_loader_built_on_our_headers_sees_what_one_built_on_bpftools_sees() {
    let object = fixture("skel_demo");
    let (ours, our_elf) = run_loader("ebpfctl", &object);
    let (theirs, their_elf) = run_loader("bpftool", &object);
    assert_eq!(
        ours, theirs,
        "the same loader over ebpfctl's and bpftool's headers"
    );
    // What the kernel did, seen through the skeleton: 5 getppid() calls by this loader, counted once each by the
    // tracepoint alternative (the raw one was not loaded, so not linked), each one an event in the ring buffer.
    for (key, want) in [
        ("hits", 5),
        ("events", 5),
        ("totals_events", 5),
        ("dropped", 0),
        ("custom_counter", 47),
        ("generation", 7),
        ("last_seq", 12),
        ("lib_hits", 5),
        ("hash_map_type", i64::from(libbpf_sys::BPF_MAP_TYPE_HASH)),
    ] {
        assert_eq!(ours[key], want, "{key} in {ours}");
    }
    assert_eq!(ours["label"], "demo");
    assert_eq!(ours["tag"], serde_json::json!([1, 2, 3]));
    for key in ["last_tgid_is_me", "lib_is_skel", "tp_linked"] {
        assert_eq!(ours[key], true, "{key} in {ours}");
    }
    assert_eq!(ours["raw_linked"], false);
    // The embedded bytes are the object file itself.
    let original = std::fs::read(&object).unwrap();
    assert_eq!(our_elf, original);
    assert_eq!(their_elf, original);
    assert_eq!(ours["elf_size"], original.len());
}

#[test]
fn headers_declare_bpftools_api_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf");
    let names = fixture_names(&root);
    let (mut compared, mut refused, mut both_refuse) = (0, Vec::new(), Vec::new());
    for name in &names {
        let Ok(object) = try_fixture(name) else {
            continue;
        };
        let skel_name = format!("{}_bpf", name);
        let struct_ops =
            generate("ebpfctl", "skeleton", &object, None).is_some_and(|h| has_struct_ops_maps(&h));
        for verb in ["skeleton", "subskeleton"] {
            let theirs = generate("bpftool", verb, &object, None);
            let ours = generate("ebpfctl", verb, &object, None);
            match (ours, theirs) {
                // libbpf 1.1 (bpftool 7.1) knows no `.struct_ops.link` section and drops those maps: an object
                // with struct_ops maps has nothing to be compared against there.
                (Some(_), Some(_)) if struct_ops => {
                    refused.push(format!("{verb} {name} (struct_ops)"))
                }
                (Some(ours), Some(theirs)) => {
                    let ours = api(&ours, &skel_name);
                    let theirs = without_unmapped_sections(api(&theirs, &skel_name), &ours);
                    assert!(!ours.is_empty(), "gen {verb} {name}: no struct found");
                    assert_same_lines(&ours, &theirs, &format!("gen {verb} {name}"));
                    compared += 1;
                }
                // bpftool 7.1's libbpf 1.1 cannot open every object the embedded libbpf 1.7 can (newer sections,
                // arena, kfunc flavours): nothing to compare against there.
                (Some(_), None) => refused.push(format!("{verb} {name}")),
                // Objects no libbpf opens (the legacy `maps` section): both refuse.
                (None, None) => both_refuse.push(format!("{verb} {name}")),
                (None, Some(_)) => panic!("ebpfctl gen {verb} {name} failed where bpftool did not"),
            }
        }
    }
    eprintln!(
        "compared {compared} headers; bpftool 7.1 refused: {refused:?}; both: {both_refuse:?}"
    );
    assert!(compared >= 100, "only {compared} headers compared");
}

/// struct_ops maps in a skeleton (libbpf 1.5, bpftool 7.5: `bpf_map_skeleton.link`, and the shadow types in
/// `skel->struct_ops`): attach registers every struct_ops map and keeps its link, destroy unregisters them.
/// bpftool 7.1 cannot write this header (its libbpf drops `.struct_ops.link` maps), so the kernel's own lists of
/// congestion controls are the witness.
#[test]
fn a_struct_ops_skeleton_registers_and_unregisters_its_maps() {
    let object = fixture("lifecycle_struct_ops");
    let dir = work_dir("struct_ops");
    let header = generate("ebpfctl", "skeleton", &object, None).unwrap();
    std::fs::write(dir.join("lifecycle_struct_ops_bpf.skel.h"), header).unwrap();
    let exe = build_loader(&dir, "struct_ops_loader.c");
    let out = std::process::Command::new(&exe)
        .output()
        .expect("run the loader");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(report["attach"], 0, "{report}");
    assert_eq!(
        (report["ccl_link"].clone(), report["ccm_link"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    // The shadow types (bpftool 7.5+): libbpf's program pointers are there after open, and a flag set through
    // one before load reaches the kernel (lc_ccm alone is allowed to unprivileged sockets).
    assert_eq!(report["shadow_init"], true, "{report}");
    let allowed: Vec<&str> = report["allowed"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(allowed.contains(&"lc_ccm"), "{report}");
    assert!(!allowed.contains(&"lc_ccl"), "{report}");
    let listed = |when: &str| -> Vec<String> {
        report[when]
            .as_str()
            .unwrap()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    for cc in ["lc_ccl", "lc_ccm"] {
        assert!(
            listed("during").iter().any(|c| c == cc),
            "{cc} while attached: {report}"
        );
        assert!(
            !listed("after").iter().any(|c| c == cc),
            "{cc} after destroy: {report}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Both headers compile as C++ (g++ -Wall -Werror): the libbpf skeleton through its C++ members, the light one
/// (which bpftool 7.1's does not: it assigns `void *` to typed pointers and leaves errno undeclared).
#[test]
fn the_skeleton_compiles_as_cxx() {
    let object = fixture("skel_demo");
    let dir = work_dir("cxx");
    let light = ebpfctl(&["gen", "skeleton", object.to_str().unwrap(), "-L"]);
    assert_eq!(light.code, 0, "{}", light.stderr);
    for (header, text, main) in [
        (
            "skel_demo_bpf.skel.h",
            generate("ebpfctl", "skeleton", &object, None).unwrap(),
            "skel_demo_bpf *s = skel_demo_bpf::open(); skel_demo_bpf::destroy(s);",
        ),
        (
            "skel_demo_bpf.lskel.h",
            light.stdout,
            "skel_demo_bpf *s = skel_demo_bpf__open_and_load(); skel_demo_bpf__destroy(s);",
        ),
    ] {
        std::fs::write(dir.join(header), text).unwrap();
        std::fs::write(
            dir.join("use.cc"),
            format!(
                "#include <linux/types.h>\n#include \"skel_demo.h\"\n#include \"{header}\"\n\
                 int main() {{ {main} return 0; }}\n"
            ),
        )
        .unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = host_command("g++")
            .args(["-fsyntax-only", "-Wall", "-Werror"])
            .arg(format!("-I{}", env!("EBPFCTL_LIBBPF_UAPI_DIR")))
            .arg(format!("-I{}", lib_dir().join("include").display()))
            .arg(format!("-I{}", root.join("tests/bpf").display()))
            .arg(format!("-I{}", dir.display()))
            .arg(dir.join("use.cc"))
            .output()
            .expect("run g++");
        assert!(
            out.status.success(),
            "{header}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let object = fixture("skel_demo");
    let obj = object.to_str().unwrap();
    let bytes = std::fs::read(&object).unwrap();
    let truncated =
        std::env::temp_dir().join(format!("ebpfctl_skel_trunc_{}.o", std::process::id()));
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let truncated = truncated.to_str().unwrap().to_string();
    for (args, kind) in [
        (vec!["gen", "skeleton", truncated.as_str()], "invalid_input"),
        (
            vec!["gen", "subskeleton", truncated.as_str()],
            "invalid_input",
        ),
        (vec!["gen", "skeleton", "/nonexistent.o"], "not_found"),
        (vec!["gen", "skeleton", "/etc/passwd"], "invalid_input"),
        (
            vec!["gen", "skeleton", obj, "name", "9lives"],
            "invalid_input",
        ),
        (
            vec!["gen", "subskeleton", obj, "name", "a-b"],
            "invalid_input",
        ),
        (vec!["gen", "skeleton", obj, "label", "x"], "invalid_input"),
        (vec!["-L", "gen", "subskeleton", obj], "invalid_input"),
        (vec!["gen", "subskeleton", obj, "-L"], "invalid_input"),
        (vec!["gen", "skeleton", obj, "-S"], "invalid_input"),
        (
            vec![
                "gen",
                "skeleton",
                obj,
                "-S",
                "-k",
                "/nonexistent.pem",
                "-i",
                "c.pem",
            ],
            "not_found",
        ),
    ] {
        let mut json = vec!["-j"];
        json.extend(&args);
        let run = ebpfctl(&json);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.json()["kind"], kind, "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    }
    let _ = std::fs::remove_file(&truncated);
}

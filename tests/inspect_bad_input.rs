//! Hostile and broken inputs: every one ends in exit 0 (with a warning where the damage is partial) or in one
//! `ebpfctl: FILE: reason` line and exit 2; never a panic, a hang or unbounded memory.

use crate::common;
use crate::inspect_support;

use common::{ebpfctl, fixture};
use inspect_support::{temp_file, BtfBuilder, KIND_PTR, KIND_STRUCT, KIND_TYPEDEF};

/// Asserts a clean failure: exit 2, one stderr line naming the file and containing `reason`.
fn assert_fails(args: &[&str], file: &str, reason: &str) {
    let run = ebpfctl(args);
    assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    let line = run.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "{args:?}: {line}");
    assert!(
        line.starts_with(&format!("ebpfctl: {file}: ")),
        "{args:?}: {line}"
    );
    assert!(
        line.contains(reason),
        "{args:?}: expected '{reason}' in {line}"
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn missing_empty_and_foreign_files_are_one_line_errors() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let missing = dir.join("inspect-does-not-exist.o");
    let m = missing.to_str().unwrap();
    assert_fails(&["inspect", m], m, "no such file");
    for (name, data) in [
        ("empty.o", &b""[..]),
        ("text.o", b"hello, this is not an object file\n"),
    ] {
        let p = temp_file(name, data);
        let p = p.to_str().unwrap();
        assert_fails(&["inspect", p], p, "not an ELF file or raw BTF (bad magic)");
        assert_fails(&["btf", "dump", "file", p], p, "bad magic");
    }
    // Under -j the error is also a JSON object on stdout.
    let run = ebpfctl(&["-j", "inspect", m]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON error");
    assert_eq!(v["kind"], "not_found");
}

#[test]
fn endless_devices_are_refused_and_redirected_stdin_read() {
    // /dev/zero and /dev/urandom never end: every command that reads a user's file refuses a device at once
    // (the test would otherwise hang or run out of memory).
    for dev in ["/dev/zero", "/dev/urandom"] {
        let reason = "a device, not a file";
        assert_fails(&["inspect", dev], dev, reason);
        assert_fails(&["btf", "dump", "file", dev], dev, reason);
        assert_fails(
            &["compat", "check", dev, "--btf", "/sys/kernel/btf/vmlinux"],
            dev,
            reason,
        );
        let pin = format!("/sys/fs/bpf/ebpfctl-test-{}-dev", std::process::id());
        assert_fails(&["prog", "load", dev, &pin], dev, reason);
        assert!(!std::path::Path::new(&pin).exists());
    }
    // /dev/stdin redirected from a file is that file (a pipe there is refused like any FIFO: tests/hostile_files.rs).
    let object = fixture("inspect_core");
    let out = std::process::Command::new(common::bin())
        .args(["-j", "inspect", "/dev/stdin"])
        .stdin(std::fs::File::open(&object).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let direct = common::ebpfctl(&["-j", "inspect", &object.display().to_string()]);
    // The same object, except for what libbpf derives from the file name (map names such as stdin.bss).
    let same = |text: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(text).unwrap();
        (
            v["size"].clone(),
            v["sections"].clone(),
            v["core_relos"].clone(),
        )
    };
    assert_eq!(same(&out.stdout), same(direct.stdout.as_bytes()));
}

#[test]
fn truncated_objects_fail_cleanly() {
    let obj = std::fs::read(fixture("inspect_core")).unwrap();
    for len in [5, 52, 64, 1000, obj.len() / 2, obj.len() - 1] {
        let p = temp_file(&format!("trunc-{len}.o"), &obj[..len]);
        let p = p.to_str().unwrap();
        let run = ebpfctl(&["inspect", p]);
        assert!(run.code == 0 || run.code == 2, "len {len}: {}", run.stderr);
        assert!(
            !run.stderr.contains("panicked"),
            "len {len}: {}",
            run.stderr
        );
        if run.code == 2 {
            assert!(
                run.stderr.starts_with(&format!("ebpfctl: {p}: ")),
                "{}",
                run.stderr
            );
        }
    }
}

#[test]
fn corrupted_btf_section_is_a_warning_for_inspect_and_an_error_for_dump() {
    let mut obj = std::fs::read(fixture("inspect_core")).unwrap();
    // Break the version byte of the .BTF section itself: the same magic bytes can also occur earlier in the
    // file (DWARF data differs with the checkout's path), so find the section by its header.
    let at = {
        use object::{Object, ObjectSection};
        let file = object::File::parse(&*obj).expect("fixture is an ELF");
        let section = file.section_by_name(".BTF").expect(".BTF section");
        section.file_range().expect(".BTF has file bytes").0 as usize
    };
    assert_eq!(&obj[at..at + 2], &[0x9f, 0xeb], ".BTF magic");
    obj[at + 2] = 9;
    let p = temp_file("corrupt-btf.o", &obj);
    let p = p.to_str().unwrap();
    let run = ebpfctl(&["-j", "inspect", p]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.json()["warnings"]
            .to_string()
            .contains("unsupported BTF version 9"),
        "{}",
        run.stdout
    );
    assert_fails(&["btf", "dump", "file", p], p, "unsupported BTF version 9");
}

#[test]
fn hostile_btf_is_refused_with_a_reason() {
    // Truncated header.
    let p = temp_file("short.btf", &[0x9f, 0xeb, 1, 0, 24]);
    assert_fails(
        &["inspect", p.to_str().unwrap()],
        p.to_str().unwrap(),
        "header truncated",
    );

    // A struct claiming 65535 members with no room for them: nothing is allocated for them.
    let mut b = BtfBuilder::new();
    b.int("int", 4);
    let n = b.str("huge");
    b.raw(n, KIND_STRUCT, 0xffff, 8, &[]);
    let p = temp_file("huge-vlen.btf", &b.build());
    assert_fails(
        &["inspect", p.to_str().unwrap()],
        p.to_str().unwrap(),
        "vlen 65535",
    );

    // A name offset beyond the string section.
    let mut b = BtfBuilder::new();
    b.raw(0x7fff_0000, KIND_TYPEDEF, 0, 0, &[]);
    let p = temp_file("bad-name.btf", &b.build());
    assert_fails(
        &["btf", "dump", "file", p.to_str().unwrap()],
        p.to_str().unwrap(),
        "name offset",
    );

    // A reference to a type that does not exist.
    let mut b = BtfBuilder::new();
    b.raw(0, KIND_PTR, 0, 99, &[]);
    let p = temp_file("bad-ref.btf", &b.build());
    assert_fails(
        &["btf", "dump", "file", p.to_str().unwrap()],
        p.to_str().unwrap(),
        "refers to type 99",
    );
}

#[test]
fn type_loops_end_in_errors_not_hangs() {
    // typedef a -> typedef b -> typedef a; ptr -> ptr -> ptr; struct s { struct s inner; }.
    let mut b = BtfBuilder::new();
    let (a, bn, s) = (b.str("loop_a"), b.str("loop_b"), b.str("self_embedding"));
    b.raw(a, KIND_TYPEDEF, 0, 2, &[]); // [1] -> [2]
    b.raw(bn, KIND_TYPEDEF, 0, 1, &[]); // [2] -> [1]
    b.raw(0, KIND_PTR, 0, 4, &[]); // [3] -> [4]
    b.raw(0, KIND_PTR, 0, 3, &[]); // [4] -> [3]
    let inner = b.str("inner");
    b.raw(s, KIND_STRUCT, 1, 8, &[inner, 5, 0]); // [5] { [5] inner; }
    let p = temp_file("loops.btf", &b.build());
    let p = p.to_str().unwrap();
    // Raw dumps and the summary do not walk the graph: they work.
    assert_eq!(ebpfctl(&["btf", "dump", "file", p]).code, 0);
    assert_eq!(ebpfctl(&["inspect", p]).code, 0);
    for root in ["1", "3", "5"] {
        let run = ebpfctl(&["btf", "dump", "file", p, "format", "c", "root_id", root]);
        assert_eq!(run.code, 2, "root {root}: {}", run.stdout);
        assert!(
            run.stderr.contains("loop") || run.stderr.contains("cycle"),
            "root {root}: {}",
            run.stderr
        );
    }
}

/// The fuzz seed corpus, including inputs that once crashed or hung a fuzz target (regress-*): every command that
/// reads files ends cleanly on each of them.
#[test]
fn fuzz_corpus_inputs_end_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut seen = 0;
    for dir in ["btf_parse", "elf_inspect"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("corpus dir") {
            let path = entry.unwrap().path();
            let p = path.to_str().unwrap();
            for args in [
                &["inspect", p][..],
                &["btf", "dump", "file", p, "format", "c"][..],
                &["-j", "btf", "dump", "file", p][..],
            ] {
                let run = ebpfctl(args);
                assert!(run.code == 0 || run.code == 2, "{args:?}: {}", run.stderr);
                assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
            }
            seen += 1;
        }
    }
    assert!(seen >= 10, "corpus has {seen} files");
}

/// Section names that are not UTF-8 reach libbpf's messages (it names every section it reads): each command that
/// opens the object with libbpf still ends in one line and exit 2, or its verdict. libbpf-rs's own message printer
/// panicked on them (every libbpf-opening command aborted); ebpfctl formats them to bytes and reads them lossily.
#[test]
fn section_names_that_are_not_utf8_are_no_crash() {
    let mut obj = std::fs::read(fixture("skel_demo")).unwrap();
    let at = obj
        .windows(9)
        .position(|w| w == b".rel.BTF\0")
        .expect("a .rel.BTF section name");
    // ".rel.BTF" and ".BTF" share these bytes in the section name table: both become ".\xffTF".
    obj[at + 5] = 0xff;
    let p = temp_file("non-utf8-sections.o", &obj);
    let p = p.to_str().unwrap();
    for args in [
        vec!["gen", "skeleton", p],
        vec!["gen", "skeleton", p, "-L"],
        vec!["gen", "subskeleton", p],
        vec!["-d", "gen", "skeleton", p],
    ] {
        let run = ebpfctl(&args);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let last = run.stderr.trim_end().lines().last().unwrap_or_default();
        assert!(
            last.starts_with(&format!("ebpfctl: {p}: ")),
            "{args:?}: {last}"
        );
        assert!(last.contains("BTF is required"), "{args:?}: {last}");
    }
    // Under -d libbpf's own lines are echoed, the bad byte as U+FFFD.
    let run = ebpfctl(&["-d", "gen", "skeleton", p]);
    assert!(
        run.stderr.contains("section(24) .rel.\u{fffd}TF") || run.stderr.contains(".\u{fffd}TF")
    );
    let verdict = ebpfctl(&["-j", "compat", "check", p]);
    assert!(!verdict.stderr.contains("panicked"), "{}", verdict.stderr);
    assert!(verdict.code == 1 || verdict.code == 2, "{}", verdict.stderr);
}

/// Control characters a hostile object puts in a name that reaches an error (here a map definition's field name,
/// which libbpf quotes) are written as escapes: the error stays one line and cannot drive the terminal (an ANSI
/// escape) or split the line (a form feed). JSON carries the text itself, escaped by JSON.
#[test]
fn control_characters_from_an_object_are_escaped_in_errors() {
    let obj = std::fs::read(fixture("skel_demo")).unwrap();
    let needle = b"max_entries\0";
    let mut out = Vec::with_capacity(obj.len());
    let mut i = 0;
    while i < obj.len() {
        if obj[i..].starts_with(needle) {
            out.extend_from_slice(b"max_entri\x1b\x0c\0");
            i += needle.len();
        } else {
            out.push(obj[i]);
            i += 1;
        }
    }
    let p = temp_file("control-chars.o", &out);
    let p = p.to_str().unwrap();
    let run = ebpfctl(&["gen", "skeleton", p]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{c}'),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("'max_entri\\x1b\\x0c'"),
        "{:?}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    let json = ebpfctl(&["-j", "gen", "skeleton", p]);
    assert!(json.json()["error"]
        .as_str()
        .unwrap()
        .contains("max_entri\u{1b}\u{c}"));
}

/// Objects mutated at random (a fixed seed, so a failure reproduces): bytes flipped anywhere, the file cut short,
/// the ELF header scrambled. Every command that hands an object to libbpf or parses it ends in a result, a
/// verdict, or one `ebpfctl: FILE: reason` line (verifier logs indented under it) with exit 2: never a panic, an
/// abort or a line split by the file's bytes. This found libbpf-rs's printer aborting on names that are not UTF-8
/// and control characters reaching the terminal; scripts/mutate-objects.py runs the long campaign.
#[test]
fn mutated_objects_end_in_a_result_or_one_error_line() {
    let fixtures = [
        "skel_demo",
        "gt_ringbuf",
        "lifecycle_progs",
        "inspect_core",
        "habits_select",
    ];
    let originals: Vec<Vec<u8>> = fixtures
        .iter()
        .map(|f| std::fs::read(fixture(f)).unwrap())
        .collect();
    let pins = common::PinDir::new("mutated");
    let pin = pins.path.join("objs").display().to_string();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for round in 0..150 {
        let mut data = originals[next(originals.len())].clone();
        match next(3) {
            0 => {
                for _ in 0..1 + next(30) {
                    let at = next(data.len());
                    data[at] = next(256) as u8;
                }
            }
            1 => data.truncate(next(data.len())),
            _ => {
                for _ in 0..1 + next(8) {
                    let at = next(data.len().min(0x200));
                    data[at] = next(256) as u8;
                }
            }
        }
        let p = temp_file("mutated.o", &data);
        let p = p.to_str().unwrap();
        let commands: [&[&str]; 6] = [
            &["gen", "skeleton", p, "-L"],
            &["gen", "subskeleton", p],
            &["compat", "check", p],
            &["inspect", p, "relocs"],
            &["prog", "loadall", p, &pin],
            &["btf", "dump", "file", p],
        ];
        let args = commands[next(commands.len())];
        let run = ebpfctl(args);
        let _ = std::fs::remove_dir_all(&pin);
        assert!(
            !run.stderr.contains("panicked"),
            "round {round} {args:?}: {}",
            run.stderr
        );
        assert!(
            (0..=2).contains(&run.code),
            "round {round} {args:?}: exit {}",
            run.code
        );
        if run.code == 2 {
            let mut lines = run.stderr.lines();
            let first = lines.next().unwrap_or_default();
            assert!(
                first.starts_with(&format!("ebpfctl: {p}: ")),
                "round {round} {args:?}: {first}"
            );
            assert!(
                lines.all(|l| l.starts_with(' ')),
                "round {round} {args:?}: {}",
                run.stderr
            );
            assert!(
                !run.stderr.chars().any(|c| c.is_control() && c != '\n'),
                "round {round}"
            );
        }
    }
}

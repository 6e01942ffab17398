//! `prog dump jited` against the live kernel. bpftool 7.1 here has no disassembler, so binutils objdump is the
//! oracle: for every program the test fixtures load (tests/bpf/*.bpf.c, whatever this kernel accepts), each
//! function's bytes from `file FILE` are disassembled by `objdump -D -b binary -mi386:x86-64` at the function's
//! kernel address, and every instruction (address and text) must be ebpfctl's. Function names must be the
//! kernel's symbols in /proc/kallsyms; the JSON must say what the text says.

use crate::common;

use std::collections::HashMap;

use common::{ebpfctl, fixture, host_command, try_fixture, PinDir};
use serde_json::Value;

fn ours(args: &[&str]) -> String {
    let run = ebpfctl(args);
    assert_eq!(run.code, 0, "ebpfctl {args:?}: {}", run.stderr);
    run.stdout
}

fn ours_json(args: &[&str]) -> Value {
    let mut full = vec!["-j"];
    full.extend_from_slice(args);
    serde_json::from_str(&ours(&full)).expect("JSON")
}

/// Loads every object of tests/bpf into its own pin directory (those this kernel refuses are skipped) and returns
/// the directories with the pinned program paths.
fn load_every_fixture(test: &str) -> (Vec<PinDir>, Vec<String>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/bpf")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".bpf.c")?.to_string())
        })
        .collect();
    names.sort();
    let (mut dirs, mut pins) = (Vec::new(), Vec::new());
    for name in names {
        let Ok(obj) = try_fixture(&name) else {
            continue;
        };
        let obj = obj.display().to_string();
        let pin_dir = PinDir::new(&format!("{test}-{name}"));
        let loaded = ebpfctl(&["prog", "loadall", &obj, pin_dir.path.to_str().unwrap()]);
        if loaded.code != 0 {
            continue;
        }
        for entry in std::fs::read_dir(&pin_dir.path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                pins.push(path.display().to_string());
            }
        }
        dirs.push(pin_dir);
    }
    (dirs, pins)
}

/// The JITed BPF functions in /proc/kallsyms, by name. A name can have several addresses: a global function that
/// several programs of one object call is JITed once per program, each copy under the same name and tag.
fn bpf_kallsyms() -> HashMap<String, Vec<u64>> {
    let mut symbols: HashMap<String, Vec<u64>> = HashMap::new();
    for l in std::fs::read_to_string("/proc/kallsyms").unwrap().lines() {
        if !l.ends_with("\t[bpf]") {
            continue;
        }
        let mut f = l.split_whitespace();
        let (Some(addr), Some(name)) = (f.next(), f.nth(1)) else {
            continue;
        };
        if let Ok(addr) = u64::from_str_radix(addr, 16) {
            symbols.entry(name.to_string()).or_default().push(addr);
        }
    }
    symbols
}

/// `(offset, text)` of objdump's disassembly of `code` placed at `address`.
fn objdump(code: &[u8], address: u64, scratch: &std::path::Path) -> Vec<(u64, String)> {
    std::fs::write(scratch, code).unwrap();
    let out = host_command("objdump")
        .args(["-D", "-b", "binary", "-mi386:x86-64", "--insn-width=16"])
        .arg(format!("--adjust-vma={address:#x}"))
        .arg(scratch)
        .output()
        .expect("objdump (binutils) is installed by scripts/setup.sh");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let addr = u64::from_str_radix(f.next()?.trim().strip_suffix(':')?, 16).ok()?;
            f.next()?;
            Some((addr - address, f.next()?.trim_end().to_string()))
        })
        .collect()
}

/// Our text dump as functions: (name, [(pc, text)]).
fn text_functions(text: &str) -> Vec<(String, Vec<(u64, String)>)> {
    let mut out: Vec<(String, Vec<(u64, String)>)> = Vec::new();
    for line in text.lines() {
        if let Some((pc, insn)) = line.split_once(":\t") {
            if let Ok(pc) = u64::from_str_radix(pc.trim(), 16) {
                out.last_mut()
                    .expect("a name first")
                    .1
                    .push((pc, insn.to_string()));
                continue;
            }
        }
        if let Some(name) = line.strip_suffix(':') {
            if name.starts_with("bpf_prog_") || name.starts_with("0x") {
                out.push((name.to_string(), Vec::new()));
            }
        }
    }
    out
}

fn hex_byte(v: &Value) -> u8 {
    u8::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// Compares one program's dump with objdump and kallsyms; returns its number of functions.
fn check_program(
    pin: &str,
    kallsyms: &HashMap<String, Vec<u64>>,
    scratch: &std::path::Path,
) -> usize {
    let json = ours_json(&["prog", "dump", "jited", "pinned", pin, "opcodes"]);
    let text = text_functions(&ours(&["prog", "dump", "jited", "pinned", pin]));
    let image_file = scratch.with_extension("image");
    ours(&[
        "prog",
        "dump",
        "jited",
        "pinned",
        pin,
        "file",
        image_file.to_str().unwrap(),
    ]);
    let image = std::fs::read(&image_file).unwrap();
    let functions = json.as_array().expect("an array of functions");
    assert_eq!(
        functions.len(),
        text.len(),
        "{pin}: text and JSON functions"
    );
    let mut all_bytes = Vec::new();
    for (f, (text_name, text_insns)) in functions.iter().zip(&text) {
        let name = f["name"].as_str().unwrap();
        assert_eq!(name, text_name, "{pin}");
        let addresses = kallsyms
            .get(name)
            .unwrap_or_else(|| panic!("{pin}: {name} is not a symbol in /proc/kallsyms"));
        let insns = f["insns"].as_array().unwrap();
        let mut code = Vec::new();
        for (i, (pc, t)) in insns.iter().zip(text_insns) {
            assert_eq!(i["pc"].as_str().unwrap(), format!("{pc:#x}"), "{pin}");
            // JSON says what the text says: operation, then the operands joined by commas.
            let operands: Vec<&str> = i["operands"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let joined = format!(
                "{} {}",
                i["operation"].as_str().unwrap(),
                operands.join(",")
            );
            let words: Vec<&str> = t.split_whitespace().collect();
            assert_eq!(joined.trim_end(), words.join(" "), "{pin} at {pc:#x}");
            code.extend(i["opcodes"].as_array().unwrap().iter().map(hex_byte));
        }
        assert_eq!(insns.len(), text_insns.len(), "{pin}: {name}");
        // Relative calls and jumps out of the function print absolute targets, so only the copy's own address
        // gives objdump's text: one of the symbol's addresses must.
        let theirs: Vec<_> = addresses
            .iter()
            .map(|&address| objdump(&code, address, scratch))
            .collect();
        assert!(
            theirs.iter().any(|t| t == text_insns),
            "{pin}: {name} vs objdump at {addresses:x?}: ours {text_insns:?}, objdump at the first {:?}",
            theirs[0]
        );
        all_bytes.extend(code);
    }
    assert_eq!(
        all_bytes, image,
        "{pin}: `file` writes the functions' bytes, in order"
    );
    functions.len()
}

#[test]
fn every_fixture_program_disassembles_as_objdump_does() {
    let (_dirs, pins) = load_every_fixture("jited-all");
    let kallsyms = bpf_kallsyms();
    let scratch = std::env::temp_dir().join(format!("ebpfctl-jited-{}.bin", std::process::id()));
    let mut functions = 0;
    let mut multi = 0;
    for pin in &pins {
        let n = check_program(pin, &kallsyms, &scratch);
        functions += n;
        multi += usize::from(n >= 3);
    }
    let _ = std::fs::remove_file(&scratch);
    let _ = std::fs::remove_file(scratch.with_extension("image"));
    eprintln!(
        "compared {} programs, {functions} functions, with objdump",
        pins.len()
    );
    // The comparison must cover what it claims: many programs, bpf-to-bpf calls, a program with several functions.
    assert!(pins.len() >= 20, "only {} programs loaded", pins.len());
    assert!(functions > pins.len(), "no program with subprograms");
    assert!(multi >= 1, "no program with three or more functions");
}

#[test]
fn layout_is_bpftools_with_prototypes_source_lines_and_opcodes() {
    let dir = PinDir::new("jited-layout");
    let obj = fixture("prog_jited").display().to_string();
    ours(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    let pin = dir.pin("pj_parse");
    let text = ours(&["prog", "dump", "jited", "pinned", &pin]);
    // A prototype line, then the symbol, then `; source` lines before the instructions they start.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "int pj_parse(struct xdp_md * ctx):");
    assert!(
        lines[1].starts_with("bpf_prog_") && lines[1].ends_with("_pj_parse:"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("; "), "{}", lines[2]);
    assert!(lines[3].starts_with("   0:\t"), "{}", lines[3]);
    for proto in [
        "static int pj_l4_proto(void * l3, void * end, __u16 eth_proto):",
        "int pj_verdict(int proto):",
        "static long pj_tick(__u32 index, void * ctx):",
    ] {
        let name = proto.split('(').next().unwrap().rsplit(' ').next().unwrap();
        let at = lines
            .iter()
            .position(|l| *l == proto.trim_start_matches("static "));
        let at = at.unwrap_or_else(|| panic!("{proto:?} missing from:\n{text}"));
        assert!(
            lines[at + 1].ends_with(&format!("_{name}:")),
            "{}",
            lines[at + 1]
        );
    }
    // Each function ends with a blank line, as bpftool prints it.
    assert_eq!(text.matches("\n\n").count(), 5, "{text}");

    let linum = ours(&["prog", "dump", "jited", "pinned", &pin, "linum"]);
    let src = linum.lines().find(|l| l.starts_with("; ")).unwrap();
    assert!(
        src.contains(" [file:") && src.contains("prog_jited.bpf.c line_num:"),
        "{src}"
    );
    let json = ours_json(&["prog", "dump", "jited", "pinned", &pin, "linum"]);
    let first = &json[0]["insns"][0];
    assert!(first["src"].is_string() && first["file"].is_string() && first["line_num"].is_u64());
    assert_eq!(json[0]["proto"], "int pj_parse(struct xdp_md * ctx)");

    // opcodes: a tab and the bytes under each instruction; JSON `opcodes`: ["0x0f", ...].
    let opcodes = ours(&["prog", "dump", "jited", "pinned", &pin, "opcodes"]);
    let at = opcodes
        .lines()
        .position(|l| l.starts_with("   0:\t"))
        .unwrap();
    let bytes = opcodes.lines().nth(at + 1).unwrap();
    assert!(
        bytes.starts_with('\t') && bytes[1..].split(' ').all(|b| b.len() == 2),
        "{bytes:?}"
    );
    let json = ours_json(&["prog", "dump", "jited", "pinned", &pin, "opcodes"]);
    assert!(json[0]["insns"][0]["opcodes"][0]
        .as_str()
        .unwrap()
        .starts_with("0x"));
    // An instruction without operands has `[null]`, as bpftool's JSON.
    let ret = json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["insns"].as_array().unwrap())
        .find(|i| i["operation"] == "leave")
        .expect("a leave");
    assert_eq!(ret["operands"], serde_json::json!([null]));
}

/// The speed the issue asks for: a ~4,000-instruction program dumped in 20 ms or less (the best of a few runs, on
/// a machine shared with other builds; scripts/bench-jited.sh measures it beside bpftool).
#[test]
fn a_four_thousand_instruction_program_dumps_within_20_ms() {
    let dir = PinDir::new("jited-speed");
    let obj = fixture("prog_jited").display().to_string();
    ours(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    let pin = dir.pin("pj_unrolled");
    let show = ours_json(&["prog", "show", "pinned", &pin]);
    let insns = show["bytes_xlated"].as_u64().unwrap() / 8;
    assert!(
        (3_800..=4_600).contains(&insns),
        "pj_unrolled has {insns} instructions"
    );
    let best = (0..7)
        .map(|_| {
            let start = std::time::Instant::now();
            ours(&["prog", "dump", "jited", "pinned", &pin]);
            start.elapsed()
        })
        .min()
        .unwrap();
    assert!(best.as_millis() <= 20, "best of 7: {best:?}");
}

#[test]
fn bad_input_is_one_error_line() {
    let dir = PinDir::new("jited-bad");
    let obj = fixture("prog_jited").display().to_string();
    ours(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    let pin = dir.pin("pj_filter");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["prog", "dump", "jited", "id", "4294967295"],
            "not_found",
        ),
        (
            vec!["prog", "dump", "jited", "pinned", &pin, "visual"],
            "invalid_input",
        ),
        (
            vec!["prog", "dump", "jited", "pinned", &pin, "opcodes", "linum"],
            "invalid_input",
        ),
        (
            vec!["prog", "dump", "jited", "pinned", &pin, "file"],
            "invalid_input",
        ),
        (
            vec![
                "prog",
                "dump",
                "jited",
                "pinned",
                &pin,
                "file",
                "/nonexistent-dir/x",
            ],
            "not_found",
        ),
    ];
    for (args, kind) in cases {
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("ebpfctl: "), "{}", run.stderr);
        let mut json = vec!["-j"];
        json.extend_from_slice(&args);
        let run = ebpfctl(&json);
        assert_eq!(run.code, 2);
        let v: Value = serde_json::from_str(&run.stdout).expect("error object");
        assert_eq!(v["kind"], kind, "{args:?}: {v}");
    }
}

/// A program that was there and is gone (its last pin removed): not found, one line.
#[test]
fn a_vanished_program_is_not_found() {
    let dir = PinDir::new("jited-gone");
    let obj = fixture("prog_jited").display().to_string();
    ours(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    let id = ours_json(&["prog", "show", "pinned", &dir.pin("pj_filter")])["id"]
        .as_u64()
        .unwrap()
        .to_string();
    drop(dir);
    let run = ebpfctl(&["-j", "prog", "dump", "jited", "id", &id]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).expect("error object");
    assert_eq!(v["kind"], "not_found", "{v}");
}

/// Without CAP_SYSLOG the kernel hands out the image's size but not its bytes: a permission error naming the
/// capability, not an empty dump.
#[test]
fn a_withheld_image_is_a_permission_error() {
    let dir = PinDir::new("jited-perm");
    let obj = fixture("prog_jited").display().to_string();
    ours(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    let out = host_command("setpriv")
        .args(["--bounding-set", "-syslog", "--"])
        .arg(common::bin())
        .args([
            "-j",
            "prog",
            "dump",
            "jited",
            "pinned",
            &dir.pin("pj_filter"),
        ])
        .output()
        .expect("setpriv (util-linux)");
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("error object");
    assert_eq!(v["kind"], "permission", "{v}");
    assert!(v["error"].as_str().unwrap().contains("CAP_SYSLOG"), "{v}");
}

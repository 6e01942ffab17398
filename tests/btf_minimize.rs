//! `btf minimize` against the live kernel's BTF: the result must be far smaller, `compat check` must see the same
//! relocations through it, and — the ground truth — libbpf and the kernel must load the objects with it as custom
//! BTF into exactly the instructions a load against the real kernel BTF gives.

use crate::common;

use std::path::{Path, PathBuf};

use common::{ebpfctl, fixture, libbpf_relocated, load_xlated, PinDir};
use serde_json::Value;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";
/// Objects with CO-RE relocations of every kind, guarded, poisoned, flavored and through anonymous members.
const FIXTURES: &[&str] = &[
    "inspect_core",
    "compat_guarded",
    "compat_unguarded",
    "compat_flavor",
    "minimize_paths",
];
/// Those of FIXTURES that load on this kernel.
const LOADABLE: &[&str] = &[
    "inspect_core",
    "compat_guarded",
    "compat_flavor",
    "minimize_paths",
];

/// A file in the temp dir that is removed when the test ends, pass or fail.
struct TempFile(PathBuf);

impl TempFile {
    fn new(test: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("btf_minimize_{}_{test}", std::process::id())))
    }

    fn arg(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn objects(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| fixture(n).display().to_string())
        .collect()
}

/// Runs `btf minimize --btf src -o out objs...` and returns its JSON report.
fn minimize(src: &str, out: &TempFile, objs: &[String]) -> Value {
    let out_arg = out.arg();
    let mut args = vec![
        "-j",
        "btf",
        "minimize",
        "--btf",
        src,
        "-o",
        out_arg.as_str(),
    ];
    args.extend(objs.iter().map(String::as_str));
    let run = ebpfctl(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// `[ID] KIND 'name'` of every type, from bpftool's dump of a BTF file.
fn type_names(btf: &str) -> Vec<String> {
    let out = common::host_command("bpftool")
        .args(["btf", "dump", "file", btf])
        .output()
        .expect("bpftool runs");
    let mut names = vec![String::from("void")];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if line.starts_with('[') {
            let mut words = line.splitn(4, ' ').skip(1);
            names.push(format!(
                "{} {}",
                words.next().unwrap_or(""),
                words.next().unwrap_or("")
            ));
        }
    }
    names
}

/// compat check's relocations of `obj` against `btf`: (program, insn, kind, spec, outcome, value).
fn relocations(obj: &str, btf: &str) -> Vec<(String, u64, String, String, String, Option<u64>)> {
    let run = ebpfctl(&["-j", "compat", "check", obj, "--btf", btf]);
    let v: Value = serde_json::from_str(&run.stdout).expect("compat check prints JSON");
    v["results"][0]["relocations"]
        .as_array()
        .expect("relocations")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
            (
                s("program"),
                r["insn"].as_u64().unwrap(),
                s("kind"),
                s("spec"),
                s("outcome"),
                r["value"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn minimized_btf_is_tiny_and_compat_check_sees_the_same_relocations() {
    let out = TempFile::new("same_relos");
    let objs = objects(FIXTURES);
    let report = minimize(VMLINUX, &out, &objs);
    let size = std::fs::metadata(&out.0).unwrap().len();
    let src_size = std::fs::metadata(VMLINUX).unwrap().len();
    assert_eq!(report["bytes"].as_u64(), Some(size), "{report:#}");
    assert_eq!(
        report["source_bytes"].as_u64(),
        Some(src_size),
        "{report:#}"
    );
    assert!(
        size * 1000 < src_size,
        "{size} bytes of {src_size}: {report:#}"
    );
    let (src_names, out_names) = (type_names(VMLINUX), type_names(&out.arg()));
    let mut total = 0;
    for obj in &objs {
        let (before, after) = (relocations(obj, VMLINUX), relocations(obj, &out.arg()));
        assert_eq!(before.len(), after.len(), "{obj}");
        for (b, a) in before.iter().zip(&after) {
            if b.2 == "target_type_id" {
                // Ids are renumbered: the id must name the same type in each BTF.
                assert_eq!(
                    (&b.0, b.1, &b.2, &b.3, &b.4),
                    (&a.0, a.1, &a.2, &a.3, &a.4),
                    "{obj}"
                );
                let name = |names: &[String], v: Option<u64>| names[v.unwrap() as usize].clone();
                assert_eq!(
                    name(&src_names, b.5),
                    name(&out_names, a.5),
                    "{obj}: {b:?} vs {a:?}"
                );
            } else {
                assert_eq!(b, a, "{obj}");
            }
        }
        total += before.len();
    }
    assert_eq!(
        report["relocations"].as_u64(),
        Some(total as u64),
        "{report:#}"
    );
}

/// Instructions of every program after libbpf's CO-RE pass must be identical with the minimized BTF, except
/// target_type_id immediates, which must name the same type.
#[test]
fn libbpf_relocates_every_instruction_identically_with_the_minimized_btf() {
    let out = TempFile::new("libbpf_insns");
    minimize(VMLINUX, &out, &objects(FIXTURES));
    let (src_names, out_names) = (type_names(VMLINUX), type_names(&out.arg()));
    for name in FIXTURES {
        let obj = fixture(name);
        let real = libbpf_relocated(&obj, None);
        let custom = libbpf_relocated(&obj, Some(&out.0));
        assert_eq!(
            real.is_some(),
            LOADABLE.contains(name),
            "{name} loads as expected"
        );
        assert_eq!(
            real.is_some(),
            custom.is_some(),
            "{name}: loads with one BTF only"
        );
        let (Some(real), Some(custom)) = (real, custom) else {
            continue;
        };
        let type_id_slots: Vec<(String, usize)> = relocations(&obj.display().to_string(), VMLINUX)
            .into_iter()
            .filter(|r| r.2 == "target_type_id")
            .map(|r| (r.0, r.1 as usize))
            .collect();
        assert_eq!(
            real.keys().collect::<Vec<_>>(),
            custom.keys().collect::<Vec<_>>()
        );
        for (prog, insns) in &real {
            let other = &custom[prog];
            assert_eq!(insns.len(), other.len(), "{name}/{prog}");
            for (slot, (a, b)) in insns.iter().zip(other).enumerate() {
                if type_id_slots.contains(&(prog.clone(), slot)) {
                    let id = |v: u64| (v >> 32) as usize;
                    assert_eq!(
                        src_names[id(*a)],
                        out_names[id(*b)],
                        "{name}/{prog} insn {slot}"
                    );
                } else {
                    assert_eq!(a, b, "{name}/{prog} insn {slot}");
                }
            }
        }
    }
}

/// The kernel's view: `prog load --btf OUT` is accepted and its verified program equals the one loaded against the
/// running kernel's BTF (map ids blanked; target_type_id immediates name the same type).
#[test]
fn kernel_accepts_the_program_loaded_with_the_minimized_btf_unchanged() {
    let out = TempFile::new("xlated");
    minimize(VMLINUX, &out, &objects(FIXTURES));
    let (src_names, out_names) = (type_names(VMLINUX), type_names(&out.arg()));
    let pins = PinDir::new("btf_minimize_xlated");
    let mut renumbered = 0;
    for name in LOADABLE {
        let obj = fixture(name);
        let real = load_xlated(&obj, None, &pins, &format!("{name}_real"));
        let custom = load_xlated(&obj, Some(&out.0), &pins, &format!("{name}_min"));
        assert_eq!(real.len(), custom.len(), "{name}");
        let type_id_relos = relocations(&obj.display().to_string(), VMLINUX)
            .iter()
            .filter(|r| r.2 == "target_type_id")
            .count();
        let mut differing = 0;
        for (a, b) in real.iter().zip(&custom) {
            if a == b {
                continue;
            }
            differing += 1;
            let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
            assert_eq!(
                src_names[a.imm as usize], out_names[b.imm as usize],
                "{name}: {a:?} vs {b:?}"
            );
        }
        assert!(
            differing <= type_id_relos,
            "{name}: {differing} instructions differ"
        );
        renumbered += differing;
    }
    // inspect_core's bpf_core_type_id_kernel(struct task_struct) is renumbered: the comparison must have seen it.
    assert!(renumbered > 0);
}

#[test]
fn an_elf_with_btf_is_a_source_like_raw_btf() {
    let elf = TempFile::new("vmlinux_elf");
    let status = common::host_command("llvm-objcopy-19")
        .arg("--update-section")
        .arg(format!(".BTF={VMLINUX}"))
        .arg(fixture("compat_flavor"))
        .arg(&elf.0)
        .status()
        .expect("objcopy runs");
    assert!(status.success());
    let (from_raw, from_elf) = (TempFile::new("from_raw"), TempFile::new("from_elf"));
    let objs = objects(&["inspect_core"]);
    minimize(VMLINUX, &from_raw, &objs);
    minimize(&elf.arg(), &from_elf, &objs);
    assert_eq!(
        std::fs::read(&from_raw.0).unwrap(),
        std::fs::read(&from_elf.0).unwrap()
    );
}

fn assert_error(args: &[&str], needle: &str, out: &Path) {
    let run = ebpfctl(args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("ebpfctl: ") && lines[0].contains(needle),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "no output is written on error");
    let mut json_args = vec!["-j"];
    json_args.extend_from_slice(args);
    let v = ebpfctl(&json_args).json();
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains(needle)),
        "{v:#}"
    );
}

#[test]
fn bad_inputs_are_one_line_errors_with_exit_2() {
    let out = TempFile::new("bad_out");
    let obj = fixture("inspect_core").display().to_string();
    let bogus = TempFile::new("not_btf");
    std::fs::write(&bogus.0, b"this is not BTF at all").unwrap();
    let o = out.arg();
    assert_error(
        &["btf", "minimize", "--btf", &bogus.arg(), "-o", &o, &obj],
        "not kernel BTF",
        &out.0,
    );
    // A BPF object stripped of its .BTF.ext: nothing says what to keep.
    let plain = fixture("inspect_core");
    let no_ext = TempFile::new("no_ext");
    let status = common::host_command("llvm-objcopy-19")
        .args(["--remove-section", ".BTF.ext"])
        .arg(&plain)
        .arg(&no_ext.0)
        .status()
        .expect("objcopy runs");
    assert!(status.success());
    assert_error(
        &["btf", "minimize", "--btf", VMLINUX, "-o", &o, &no_ext.arg()],
        "no .BTF/.BTF.ext",
        &out.0,
    );
    let unwritable = Path::new("/proc/ebpfctl-no-such-dir/out.btf");
    let u = unwritable.display().to_string();
    assert_error(
        &["btf", "minimize", "--btf", VMLINUX, "-o", &u, &obj],
        "cannot write",
        unwritable,
    );
}

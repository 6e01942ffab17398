//! `prog load` / `prog loadall` against the live kernel: what gets pinned is what bpftool sees, globals set with
//! --set are what the kernel holds, and every failure is one clear line, exit 2, with nothing left behind.

use crate::common;
use crate::inspect_support;
use crate::lifecycle_util;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture};
use inspect_support::{temp_file, BtfBuilder, KIND_STRUCT};
use lifecycle_util::{exists, BpffsDir};
use serde_json::Value;

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn loadall_pins_every_program_and_map_as_bpftool_sees_them() {
    let dir = BpffsDir::new("la");
    let obj = fixture("lifecycle_progs");
    let maps = dir.join("maps");
    let report = ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "pinmaps",
        &maps,
    ]);
    let progs = report["programs"].as_array().unwrap();
    assert_eq!(progs.len(), 12, "{report}");
    for p in progs {
        let pinned = p["pinned"].as_str().unwrap();
        let seen = bpftool_json(&["prog", "show", "pinned", pinned]);
        assert_eq!(seen["id"], p["id"], "{pinned}");
        assert_eq!(seen["name"], p["name"]);
        assert_eq!(seen["type"], p["type"]);
    }
    let counts = bpftool_json(&["map", "show", "pinned", &dir.join("maps/counts")]);
    let reported = report["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "counts")
        .unwrap();
    assert_eq!(counts["id"], reported["id"]);
    // bpffs refuses '.' in names: the .rodata map is pinned with '_' as libbpf and bpftool do.
    assert!(exists(&dir.join("maps/lifecycl_rodata")));
}

#[test]
fn load_pins_only_the_first_program() {
    let dir = BpffsDir::new("l1");
    let obj = fixture("lifecycle_progs");
    let path = dir.join("first");
    let report = ebpfctl_json(&["prog", "load", obj.to_str().unwrap(), &path]);
    assert_eq!(names(&report, "programs").len(), 12);
    let pinned: Vec<&Value> = report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.get("pinned").is_some())
        .collect();
    assert_eq!(pinned.len(), 1, "{report}");
    assert_eq!(
        bpftool_json(&["prog", "show", "pinned", &path])["name"],
        "lc_tp"
    );
}

#[test]
fn alternatives_with_autoload_off_are_neither_loaded_nor_pinned() {
    // gt_autoload_alt declares fentry and kprobe alternatives as SEC("?...") next to a tracepoint: libbpf loads
    // only the tracepoint. bpftool 7.1's loadall then fails on "can't pin program that wasn't loaded" (libbpf's
    // pin-all does not skip them); ebpfctl pins what was loaded and reports nothing else as loaded.
    let obj = fixture("gt_autoload_alt");
    let dir = BpffsDir::new("alt");
    let report = ebpfctl_json(&["prog", "loadall", obj.to_str().unwrap(), &dir.path()]);
    assert_eq!(names(&report, "programs"), ["unlink_tp"], "{report}");
    let seen = bpftool_json(&["prog", "show", "pinned", &dir.join("unlink_tp")]);
    assert_eq!(seen["type"], "tracepoint");
    assert_eq!(seen["id"], report["programs"][0]["id"]);
    assert!(!exists(&dir.join("unlink_fentry")) && !exists(&dir.join("unlink_kprobe")));

    // `load` pins the first program libbpf loaded, not the first in the object.
    let one = BpffsDir::new("alt1");
    let path = one.join("first");
    let report = ebpfctl_json(&["prog", "load", obj.to_str().unwrap(), &path]);
    assert_eq!(names(&report, "programs"), ["unlink_tp"], "{report}");
    assert_eq!(
        bpftool_json(&["prog", "show", "pinned", &path])["name"],
        "unlink_tp"
    );
}

#[test]
fn type_word_overrides_the_section_program_type() {
    let dir = BpffsDir::new("ty");
    let obj = fixture("lifecycle_unknown_sec");
    let path = dir.join("p");
    let report = ebpfctl_json(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &path,
        "type",
        "socket",
    ]);
    assert_eq!(report["programs"][0]["type"], "socket_filter");
    assert_eq!(
        bpftool_json(&["prog", "show", "pinned", &path])["type"],
        "socket_filter"
    );
}

#[test]
fn map_words_reuse_an_existing_map() {
    let first = BpffsDir::new("m1");
    let second = BpffsDir::new("m2");
    let obj = fixture("lifecycle_progs");
    let maps = first.join("maps");
    ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &first.path(),
        "pinmaps",
        &maps,
    ]);
    let counts = first.join("maps/counts");
    let by_name = ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &second.path(),
        "map",
        "name",
        "counts",
        "pinned",
        &counts,
    ]);
    let want = bpftool_json(&["map", "show", "pinned", &counts])["id"].clone();
    let got = by_name["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "counts")
        .unwrap()["id"]
        .clone();
    assert_eq!(got, want);
    let tp = bpftool_json(&["prog", "show", "pinned", &second.join("lc_tp")]);
    assert!(tp["map_ids"].as_array().unwrap().contains(&want), "{tp}");
    let missing = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &second.join("x"),
        "map",
        "name",
        "nosuch",
        "pinned",
        &counts,
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no map named nosuch"),
        "{}",
        missing.stderr
    );
}

#[test]
fn globals_are_set_by_btf_type_before_load() {
    let dir = BpffsDir::new("gl");
    let obj = fixture("lifecycle_globals");
    let maps = dir.join("maps");
    let prog = dir.join("prog");
    ebpfctl_json(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &prog,
        "pinmaps",
        &maps,
        "--set",
        "cfg_u32=0x10",
        "--set",
        "cfg_s16=-3",
        "--set",
        "cfg_bool=true",
        "--set",
        "cfg_mode=LC_MODE_ON",
        "--set",
        "cfg_name=hello",
        "--set",
        "data_u64=99",
        "--set",
        "bss_u8=255",
    ]);
    // bpftool formats the data sections from BTF: an independent decoding of what the kernel holds.
    let rodata = bpftool_json(&["map", "dump", "pinned", &dir.join("maps/lifecycl_rodata")]);
    let vars = &rodata[0]["formatted"]["value"][".rodata"];
    let get = |name: &str| {
        vars.as_array()
            .unwrap()
            .iter()
            .find_map(|v| v.get(name).cloned())
            .unwrap()
    };
    assert_eq!(get("cfg_u32"), 16);
    assert_eq!(get("cfg_s16"), -3);
    assert_eq!(get("cfg_bool"), true);
    assert_eq!(get("cfg_mode"), "LC_MODE_ON");
    assert_eq!(get("cfg_name"), "hello");
    let data = bpftool_json(&["map", "dump", "pinned", &dir.join("maps/lifecycl_data")]);
    assert_eq!(data[0]["formatted"]["value"][".data"][0]["data_u64"], 99);
    let bss = bpftool_json(&["map", "dump", "pinned", &dir.join("maps/lifecycl_bss")]);
    assert_eq!(bss[0]["formatted"]["value"][".bss"][0]["bss_u8"], 255);
}

#[test]
fn bad_global_values_are_refused_before_anything_is_loaded() {
    let dir = BpffsDir::new("gb");
    let obj = fixture("lifecycle_globals");
    let path = dir.join("p");
    for (set, needle) in [
        ("cfg_u32=-1", "does not fit an unsigned 32-bit"),
        ("cfg_s16=40000", "does not fit a signed 16-bit"),
        ("cfg_bool=2", "not a bool"),
        ("cfg_name=toolongname", "does not fit char[8]"),
        ("cfg_mode=LC_MODE_BAD", "LC_MODE_ON"),
        ("nosuch=1", "no global variable nosuch"),
        ("novalue", "NAME=VALUE"),
    ] {
        let run = ebpfctl(&["prog", "load", obj.to_str().unwrap(), &path, "--set", set]);
        assert_eq!(run.code, 2, "{set}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{set}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!exists(&path) && !exists(&dir.path()));
    }
}

#[test]
fn loadall_autoattach_pins_links_and_programs_that_have_no_attach_point() {
    let dir = BpffsDir::new("aa");
    let obj = fixture("lifecycle_progs");
    let tgid = format!("target_tgid={}", std::process::id());
    let report = ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "autoattach",
        "--set",
        &tgid,
    ]);
    let links = report["links"].as_array().unwrap();
    let linked: Vec<&str> = links
        .iter()
        .map(|l| l["program"].as_str().unwrap())
        .collect();
    assert_eq!(linked, vec!["lc_tp", "lc_raw_tp"], "{report}");
    for l in links {
        let seen = bpftool_json(&["link", "show", "pinned", l["pinned"].as_str().unwrap()]);
        assert_eq!(seen["id"], l["id"]);
    }
    // "xdp", "tc"... name no attach point: the program itself is pinned, as bpftool does.
    assert_eq!(
        bpftool_json(&["prog", "show", "pinned", &dir.join("lc_xdp")])["name"],
        "lc_xdp"
    );
}

#[test]
fn custom_btf_is_used_for_core() {
    let dir = BpffsDir::new("bt");
    let obj = fixture("lifecycle_progs");
    let ok = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "--btf",
        "/sys/kernel/btf/vmlinux",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let missing = ebpfctl(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &dir.join("x"),
        "--btf",
        "/nonexistent.btf",
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("/nonexistent.btf"),
        "{}",
        missing.stderr
    );
    // A file that is not BTF is named as such (libbpf's own error names the object and a relocation code).
    for (btf, reason) in [
        ("/etc/hostname", "/etc/hostname: not BTF"),
        ("/dev/zero", "/dev/zero: cannot read BTF: a device"),
    ] {
        let run = ebpfctl(&[
            "prog",
            "load",
            obj.to_str().unwrap(),
            &dir.join("y"),
            "--btf",
            btf,
        ]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(reason), "{}", run.stderr);
        assert!(!std::path::Path::new(&dir.join("y")).exists());
    }
}

/// bpftool 7.7's `kernel_btf FILE`: CO-RE relocates against that BTF, not the running kernel's. The custom BTF
/// puts task_struct.pid at an offset no kernel uses and carries a module's struct vmlinux lacks; the relocated
/// instructions show both, and without it the module's type does not resolve at all.
#[test]
fn kernel_btf_word_relocates_against_the_given_btf() {
    const PID_OFFSET: u32 = 60004;
    let mut b = BtfBuilder::new();
    b.int("int", 4); // id 1
    let (task, pid) = (b.str("task_struct"), b.str("pid"));
    b.raw(
        task,
        KIND_STRUCT,
        1,
        PID_OFFSET + 4,
        &[pid, 1, PID_OFFSET * 8],
    );
    let (state, depth) = (b.str("ebpfctl_mod_state"), b.str("depth"));
    b.raw(state, KIND_STRUCT, 1, 16, &[depth, 1, 12 * 8]);
    let custom = temp_file("kernel_btf_custom.btf", &b.build());
    let custom = custom.to_str().unwrap();
    let obj = fixture("core_module");
    let obj = obj.to_str().unwrap();
    let dir = BpffsDir::new("kb");
    let report = ebpfctl_json(&["prog", "loadall", obj, &dir.path(), "kernel_btf", custom]);
    assert_eq!(
        names(&report, "programs"),
        ["core_task_pid", "core_mod_depth"]
    );
    let xlated = |name: &str| {
        let pinned = dir.join(name);
        ebpfctl(&["prog", "dump", "xlated", "pinned", &pinned]).stdout
    };
    let pid_read = xlated("core_task_pid");
    // The field's offset is a CO-RE constant: `rN = OFFSET` added to the pointer.
    assert!(
        pid_read.contains(&format!(" = {PID_OFFSET}\n")),
        "{pid_read}"
    );
    let depth_read = xlated("core_mod_depth");
    assert!(depth_read.contains(" = 12\n"), "{depth_read}");
    // Against the running kernel the module's struct is missing: the load fails, in one line, and pins nothing.
    let run = ebpfctl(&["prog", "load", obj, &dir.join("live")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr
            .lines()
            .next()
            .map(|l| l.starts_with("ebpfctl: ")),
        Some(true)
    );
    assert!(!exists(&dir.join("live")));
    let both = ebpfctl(&[
        "prog",
        "load",
        obj,
        &dir.join("x"),
        "kernel_btf",
        custom,
        "--btf",
        custom,
    ]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}

/// The bad-input table of the issue: each a one-line error, exit 2, and nothing created.
#[test]
fn bad_objects_fail_cleanly_with_one_line() {
    let dir = BpffsDir::new("bad");
    let path = dir.join("p");
    let unknown = fixture("lifecycle_unknown_sec");
    let cases: Vec<(String, &str)> = vec![
        ("/nonexistent/x.bpf.o".into(), "no such file"),
        ("/etc/hostname".into(), "not an ELF object file"),
        ("/bin/true".into(), "not a BPF object"),
        (
            unknown.display().to_string(),
            "program 'lc_unknown': missing BPF prog type",
        ),
    ];
    for (obj, needle) in cases {
        let run = ebpfctl(&["prog", "loadall", &obj, &path]);
        assert_eq!(run.code, 2, "{obj}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("ebpfctl: ") && run.stderr.contains(needle),
            "{obj}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
        assert!(!exists(&path) && !exists(&dir.path()), "{obj} left {path}");
    }
}

#[test]
fn verifier_rejection_names_program_and_instruction_and_unloads_everything() {
    let dir = BpffsDir::new("vr");
    let obj = fixture("lifecycle_bad");
    let run = ebpfctl(&["-j", "prog", "loadall", obj.to_str().unwrap(), &dir.path()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.contains("program 'lc_bad_read' rejected by the verifier"),
        "{first}"
    );
    assert!(first.contains("insn 1"), "{first}");
    assert!(first.contains("invalid mem access"), "{first}");
    let err = run.json();
    assert_eq!(err["kind"], "invalid_input");
    assert!(err["detail"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().contains("R1 invalid mem access")));
    assert!(!exists(&dir.path()));
    // -d gives the whole log (libbpf's messages, including every verifier line).
    let debug = ebpfctl(&["-d", "prog", "loadall", obj.to_str().unwrap(), &dir.path()]);
    assert!(
        debug.stderr.contains("BEGIN PROG LOAD LOG") && debug.stderr.contains("processed"),
        "{}",
        debug.stderr
    );
    // The good program of the object was loaded and must be gone again (the kernel frees it shortly after).
    let mut alive = true;
    for _ in 0..50 {
        let progs = bpftool_json(&["prog", "show"]);
        alive = progs
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "lc_good");
        if !alive {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!alive, "lc_good stayed loaded after a failed load");
}

#[test]
fn pin_paths_outside_bpffs_or_existing_are_refused_up_front() {
    let dir = BpffsDir::new("pp");
    let obj = fixture("lifecycle_run");
    let outside = ebpfctl(&["prog", "load", obj.to_str().unwrap(), "/tmp/lc_not_bpffs"]);
    assert_eq!(outside.code, 2);
    assert!(
        outside.stderr.contains("not on a BPF file system"),
        "{}",
        outside.stderr
    );
    assert!(!exists("/tmp/lc_not_bpffs"));
    let path = dir.join("p");
    ebpfctl_json(&["prog", "load", obj.to_str().unwrap(), &path]);
    let again = ebpfctl(&["prog", "load", obj.to_str().unwrap(), &path]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

/// A failure after some pins were made (the second map collides) must roll back the programs' pins and the
/// directories ebpfctl created.
#[test]
fn failure_midway_rolls_back_pins_and_created_directories() {
    let dir = BpffsDir::new("rb");
    let obj = fixture("lifecycle_progs");
    let maps = dir.0.join("maps");
    std::fs::create_dir_all(maps.join("lifecycl_rodata")).unwrap(); // a directory where a map pin must go
    let progs_dir = dir.join("progs");
    let run = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &progs_dir,
        "pinmaps",
        maps.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("lifecycl_rodata"), "{}", run.stderr);
    assert!(
        !exists(&progs_dir),
        "program pins and their directory must be rolled back"
    );
    let left: Vec<_> = std::fs::read_dir(&maps)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("lifecycl_rodata")],
        "only what the test made stays"
    );
}

#[test]
fn bad_load_words_are_usage_errors() {
    let dir = BpffsDir::new("uw");
    let obj = fixture("lifecycle_run");
    for words in [
        &["type", "nosuchtype"][..],
        &["map", "idx"][..],
        &["bogus"][..],
        &["map", "name", "x", "id", "999999999"][..],
    ] {
        let mut args = vec!["prog", "load", obj.to_str().unwrap()];
        let p = dir.join("p");
        args.push(&p);
        args.extend_from_slice(words);
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{words:?}: {}", run.stderr);
        assert!(!exists(&p));
    }
}

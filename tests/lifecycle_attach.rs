//! `prog attach` / `prog detach` / `link detach` for the tracing-side attach types on the live kernel: each
//! attachment is proven by the program's own counter moving, and detaching leaves no link and no pin (bpftool's
//! link list as the oracle). Types this kernel refuses must fail cleanly with the kernel's reason.

use crate::common;
use crate::lifecycle_util;

use common::{ebpfctl, ebpfctl_json, fixture};
use lifecycle_util::{counts, exists, links_of_prog_settled, load_progs, prog_id, slot};
use std::time::Duration;

/// The uprobe target: a function of this test binary that ebpfctl resolves with goblin.
#[inline(never)]
#[no_mangle]
pub extern "C" fn lifecycle_uprobe_target(x: u64) -> u64 {
    std::hint::black_box(x.wrapping_mul(3))
}

fn trigger_getppid(n: usize) {
    for _ in 0..n {
        std::hint::black_box(std::os::unix::process::parent_id());
    }
}

/// Attach with --pin, check the counter moves, detach, and check nothing is left.
fn attach_count_detach(tag: &str, prog: &str, words: &[&str], idx: usize, trigger: impl Fn()) {
    let dir = load_progs(tag);
    let prog_path = dir.join(prog);
    let id = prog_id(&prog_path);
    let link_pin = dir.join("link");
    let mut args = vec!["prog", "attach", "pinned", &prog_path];
    args.extend_from_slice(words);
    args.extend_from_slice(&["--pin", &link_pin]);
    let report = ebpfctl_json(&args);
    let link_id = report["links"][0]["id"].as_u64().unwrap();
    assert_eq!(
        common::bpftool_json(&["link", "show", "pinned", &link_pin])["id"],
        link_id
    );
    let before = counts(&dir.join("maps/counts"))[idx];
    trigger();
    let after = counts(&dir.join("maps/counts"))[idx];
    assert!(
        after > before,
        "{prog}: counter did not move ({before} -> {after})"
    );

    let mut detach = vec!["prog", "detach", "pinned", &prog_path];
    detach.extend_from_slice(words);
    let out = ebpfctl_json(&detach);
    assert_eq!(out["links"][0]["id"], link_id, "{out}");
    assert!(!exists(&link_pin), "pin removed");
    assert_eq!(links_of_prog_settled(id), 0, "no link of prog {id} remains");
    // A run already in flight on another CPU when the link went away may still land its increment (other
    // tests of this binary call getppid concurrently); let such runs finish before taking the baseline.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let settled = counts(&dir.join("maps/counts"))[idx];
    trigger();
    assert_eq!(
        counts(&dir.join("maps/counts"))[idx],
        settled,
        "{prog}: still counting after detach"
    );

    let again = ebpfctl(&detach);
    assert_eq!(again.code, 2, "detaching twice: {}", again.stderr);
    assert!(again.stderr.contains("not attached"), "{}", again.stderr);
}

#[test]
fn tracepoint_attach_counts_and_detach_leaves_nothing() {
    attach_count_detach(
        "tp",
        "lc_tp",
        &["tracepoint", "syscalls/sys_enter_getppid"],
        slot::TP,
        || trigger_getppid(5),
    );
}

#[test]
fn raw_tracepoint_attach_counts_and_detach_leaves_nothing() {
    attach_count_detach(
        "rt",
        "lc_raw_tp",
        &["raw_tracepoint", "sys_enter"],
        slot::RAW_TP,
        || trigger_getppid(5),
    );
}

#[test]
fn uprobe_on_a_symbol_of_this_binary_counts() {
    let exe = std::env::current_exe().unwrap().display().to_string();
    let pid = std::process::id().to_string();
    attach_count_detach(
        "up",
        "lc_uprobe",
        &["uprobe", &exe, "lifecycle_uprobe_target", "pid", &pid],
        slot::UPROBE,
        || {
            for i in 0..5 {
                lifecycle_uprobe_target(i);
            }
        },
    );
}

#[test]
fn perf_event_sampling_on_every_cpu_pins_one_link_per_cpu() {
    let dir = load_progs("pe");
    let prog_path = dir.join("lc_perf");
    let id = prog_id(&prog_path);
    let pin = dir.join("perf");
    let report = ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &prog_path,
        "perf_event",
        "freq",
        "1000",
        "--pin",
        &pin,
    ]);
    let cpus = std::fs::read_dir("/sys/devices/system/cpu")
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with("cpu") && n[3..].chars().all(|c| c.is_ascii_digit()) && !n[3..].is_empty()
        })
        .count();
    assert_eq!(report["links"].as_array().unwrap().len(), cpus, "{report}");
    // Keep a CPU busy so the cpu-clock event fires.
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(300) {
        std::hint::black_box(0u64);
    }
    assert!(counts(&dir.join("maps/counts"))[slot::PERF] > 0);
    ebpfctl_json(&["prog", "detach", "pinned", &prog_path, "perf_event"]);
    assert!(
        !exists(&pin),
        "the per-cpu pin directory goes with its last pin"
    );
    assert_eq!(links_of_prog_settled(id), 0);
}

#[test]
fn link_detach_by_pinned_path_and_by_id() {
    let dir = load_progs("ld");
    let (tp, raw) = (dir.join("lc_tp"), dir.join("lc_raw_tp"));
    let (a, b) = (dir.join("a"), dir.join("b"));
    ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &tp,
        "tracepoint",
        "syscalls/sys_enter_getppid",
        "--pin",
        &a,
    ]);
    ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &raw,
        "raw_tracepoint",
        "sys_enter",
        "--pin",
        &b,
    ]);
    let b_id = common::bpftool_json(&["link", "show", "pinned", &b])["id"]
        .as_u64()
        .unwrap()
        .to_string();
    // A pinned tracepoint (perf_event) link named by its only pin: the pin goes, and with it the link.
    let out = ebpfctl_json(&["link", "detach", "pinned", &a]);
    assert_eq!(out["links"][0]["pins_removed"][0], a.as_str(), "{out}");
    assert!(!exists(&a));
    assert_eq!(links_of_prog_settled(prog_id(&tp)), 0);
    // A raw_tracepoint link cannot be detached by the kernel: it lives while pinned. A second pin made by
    // someone else keeps it, so neither `link detach id` nor `link detach pinned` one path removes pins not
    // named: both are refused and leave every pin in place.
    ebpfctl_json(&["link", "pin", "id", &b_id, &dir.join("b2")]);
    for args in [
        vec!["link", "detach", "id", b_id.as_str()],
        vec!["link", "detach", "pinned", b.as_str()],
    ] {
        let refused = ebpfctl(&args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(&dir.join("b2")),
            "{}",
            refused.stderr
        );
        assert!(
            exists(&b) && exists(&dir.join("b2")),
            "{args:?} removed a pin it was not given"
        );
    }
    // The other tool removes its own pin; the last pin, named, then ends the link.
    std::fs::remove_file(&b).unwrap();
    let out = ebpfctl_json(&["link", "detach", "pinned", &dir.join("b2")]);
    assert_eq!(
        out["links"][0]["pins_removed"].as_array().unwrap().len(),
        1,
        "{out}"
    );
    assert!(!exists(&dir.join("b2")));
    assert_eq!(links_of_prog_settled(prog_id(&raw)), 0);
    let gone = ebpfctl(&["link", "detach", "id", &b_id]);
    assert_eq!(gone.code, 2);
    assert!(gone.stderr.contains("no such link"), "{}", gone.stderr);
}

#[test]
fn a_link_that_would_die_with_ebpfctl_is_refused_without_pin_or_wait() {
    let dir = load_progs("np");
    let run = ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &dir.join("lc_tp"),
        "tracepoint",
        "syscalls/sys_enter_getppid",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--pin PATH") && run.stderr.contains("--wait"),
        "{}",
        run.stderr
    );
    assert_eq!(links_of_prog_settled(prog_id(&dir.join("lc_tp"))), 0);
}

#[test]
fn wait_holds_the_link_until_sigint() {
    let dir = load_progs("wt");
    let prog_path = dir.join("lc_raw_tp");
    let id = prog_id(&prog_path);
    let (child, report) = lifecycle_util::spawn_held(&[
        "prog",
        "attach",
        "pinned",
        &prog_path,
        "raw_tracepoint",
        "sys_enter",
        "--wait",
    ]);
    assert_eq!(report["held"], true);
    assert_eq!(
        lifecycle_util::links()
            .iter()
            .filter(|(_, p)| *p == id)
            .count(),
        1
    );
    assert_eq!(lifecycle_util::stop(child, "INT"), Some(0));
    assert_eq!(links_of_prog_settled(id), 0);
}

#[test]
fn wrong_targets_and_program_types_fail_cleanly() {
    let dir = load_progs("wr");
    let tp = dir.join("lc_tp");
    let xdp = dir.join("lc_xdp");
    let pin = dir.join("l");
    let map = dir.join("maps/counts");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "pinned",
                &tp,
                "tracepoint",
                "syscalls/sys_enter_nosuch",
                "--pin",
                &pin,
            ],
            "no such tracepoint",
        ),
        (
            vec![
                "pinned",
                &xdp,
                "tracepoint",
                "syscalls/sys_enter_getppid",
                "--pin",
                &pin,
            ],
            "is a xdp program",
        ),
        (
            vec!["pinned", &xdp, "xdp", "dev", "nosuchdev0", "--pin", &pin],
            "no such network device",
        ),
        (
            vec![
                "pinned",
                &tp,
                "tracepoint",
                "syscalls/sys_enter_getppid",
                "--pin",
                "/tmp/lc_pin",
            ],
            "not on a BPF file system",
        ),
        (
            vec![
                "pinned",
                &tp,
                "tracepoint",
                "syscalls/sys_enter_getppid",
                "--pin",
                &tp,
            ],
            "already exists",
        ),
        (
            vec![
                "id",
                "4294967295",
                "tracepoint",
                "syscalls/sys_enter_getppid",
                "--pin",
                &pin,
            ],
            "no such prog",
        ),
        (
            vec!["pinned", &map, "tracepoint", "x/y", "--pin", &pin],
            "pinned object is a map, not a program",
        ),
    ];
    for (words, needle) in cases {
        let mut args = vec!["prog", "attach"];
        args.extend_from_slice(&words);
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{words:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{words:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1);
        assert!(!exists(&pin) && !exists("/tmp/lc_pin"));
    }
    let run = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &tp,
        "tracepoint",
        "syscalls/sys_enter_getppid",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not attached"), "{}", run.stderr);
}

/// This kernel has no kprobe PMU and refuses tracing programs: both must say so in one line, exit 2. (The qemu
/// kernel matrix runs the same assertions where they are supported.)
#[test]
fn kprobe_and_fentry_fail_with_the_kernels_reason_here() {
    let dir = lifecycle_util::BpffsDir::new("kp");
    let obj = fixture("lifecycle_refused");
    let kprobe_supported = std::path::Path::new("/sys/bus/event_source/devices/kprobe").exists();
    let load = ebpfctl(&["prog", "loadall", obj.to_str().unwrap(), &dir.path()]);
    if load.code != 0 {
        // The tracing program is refused at load: the error names it.
        assert_eq!(load.code, 2);
        assert!(load.stderr.contains("lc_fentry"), "{}", load.stderr);
        assert_eq!(load.stderr.lines().count(), 1, "{}", load.stderr);
        assert!(!exists(&dir.path()));
        // Load the kprobe program alone by giving it an explicit type.
        let kp = dir.join("kp");
        let obj_kp = fixture("lifecycle_unknown_sec");
        ebpfctl_json(&[
            "prog",
            "load",
            obj_kp.to_str().unwrap(),
            &kp,
            "type",
            "kprobe",
        ]);
        let run = ebpfctl(&[
            "prog",
            "attach",
            "pinned",
            &kp,
            "kprobe",
            "do_nanosleep",
            "--pin",
            &dir.join("l"),
        ]);
        if kprobe_supported {
            assert_eq!(run.code, 0, "{}", run.stderr);
        } else {
            assert_eq!(run.code, 2);
            assert!(run.stderr.contains("no kprobe PMU"), "{}", run.stderr);
        }
        return;
    }
    let fentry = ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &dir.join("lc_fentry"),
        "fentry",
        "--pin",
        &dir.join("lf"),
    ]);
    assert!(fentry["links"][0]["id"].as_u64().unwrap() > 0);
}

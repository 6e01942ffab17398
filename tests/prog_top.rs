//! `prog top` against the live kernel: a tracepoint program loaded by the test is triggered at a known rate, and
//! the runs and runs per second `prog top` reports must match what the test did (±10%); programs that appear and
//! vanish mid-run; the plain table of a pipe; errors; and `prog show` printing the kernel's counters as bpftool.

use crate::common;
use crate::top_support;

use std::time::Duration;

use common::{bpftool_json, ebpfctl, ebpfctl_json};
use serde_json::Value;
use top_support::*;

const RATE: u64 = 2000;

fn online_cpus() -> u64 {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap();
    text.trim()
        .split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) => b.parse::<u64>().unwrap() - a.parse::<u64>().unwrap() + 1,
            None => 1,
        })
        .sum()
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= want * 0.10,
        "{what}: got {got}, want {want} ±10%"
    );
}

#[test]
fn runs_and_rates_match_what_the_test_triggered() {
    let _serial = serial();
    let prog = load_rate();
    let id = prog.id.to_string();
    let pacer = Pacer::start(RATE);
    std::thread::sleep(Duration::from_millis(200));
    let mut top = TopChild::spawn(&[
        "-j",
        "prog",
        "top",
        "--interval",
        "1",
        "--count",
        "4",
        "id",
        &id,
    ]);
    let lines: Vec<Value> = (0..4)
        .map(|_| top.next_json(Duration::from_secs(10)))
        .collect();
    assert_eq!(top.wait(Duration::from_secs(5)), 0, "{}", top.stderr());
    let log = pacer.finish();
    // The program counted exactly the calls of this process (its own filter, in .bss).
    assert_eq!(prog.hits(), log.total());

    let cpus = online_cpus();
    let mut previous_run_cnt = None;
    for line in &lines {
        let t = &line["interval"];
        let (start, end) = (
            t["start_boottime_ns"].as_u64().unwrap(),
            t["end_boottime_ns"].as_u64().unwrap(),
        );
        let secs = t["seconds"].as_f64().unwrap();
        assert!((secs - (end - start) as f64 / 1e9).abs() < 1e-5, "{t}");
        assert!(t["end"].as_f64().unwrap() - t["start"].as_f64().unwrap() > 0.5);
        assert_eq!(line["online_cpus"], cpus);
        assert_eq!(line["programs"].as_array().unwrap().len(), 1, "{line}");
        let p = program(line, prog.id).expect("our program");
        assert_eq!(p["name"], "top_rate_tp");
        assert_eq!(p["type"], "tracepoint");
        assert_eq!(p["new"], false);

        // Runs in the interval: what the test did between the two samples, and the rate it was paced at.
        let events = p["events"].as_u64().unwrap();
        let triggered = log.calls_at(end) - log.calls_at(start);
        eprintln!(
            "interval {secs:.3} s: triggered {triggered}, events {events}, events/s {}",
            p["events_per_sec"]
        );
        close(
            events as f64,
            triggered as f64,
            "events vs calls in the interval",
        );
        close(
            p["events_per_sec"].as_f64().unwrap(),
            RATE as f64,
            "events/s",
        );
        let run_cnt = p["run_cnt"].as_u64().unwrap();
        if let Some(prev) = previous_run_cnt {
            assert_eq!(
                run_cnt - prev,
                events,
                "run_cnt delta is the interval's events"
            );
        }
        previous_run_cnt = Some(run_cnt);

        // Derived figures agree with the deltas they come from.
        let runtime = p["runtime_ns"].as_u64().unwrap();
        assert!(runtime > 0, "{p}");
        let avg = p["avg_ns"].as_f64().unwrap();
        assert!((avg - runtime as f64 / events as f64).abs() <= 0.1, "{p}");
        let cpu = p["cpu_percent"].as_f64().unwrap();
        let want_cpu = runtime as f64 * 100.0 / ((end - start) as f64 * cpus as f64);
        assert!((cpu - want_cpu).abs() <= 1e-4, "{p}: {want_cpu}");
        assert_eq!(line["totals"]["events"], events);
        assert_eq!(line["totals"]["programs"], 1);
    }
    // The counters ebpfctl printed last are the kernel's (nothing runs the program once the pacer stopped).
    let (run_cnt, _) = prog.counters();
    assert!(run_cnt >= previous_run_cnt.unwrap());
}

#[test]
fn programs_that_appear_are_new_and_those_that_vanish_are_dropped_quietly() {
    let _serial = serial();
    let first = load_rate();
    let mut top = TopChild::spawn(&[
        "-j",
        "prog",
        "top",
        "--interval",
        "0.5",
        "--count",
        "8",
        "name",
        "top_rate_tp",
    ]);
    let line = top.next_json(Duration::from_secs(10));
    assert!(program(&line, first.id).is_some(), "{line}");

    // A second copy appears: the name selector picks it up, marked new, with all it counted since its load.
    let second = load_rate();
    trigger(300);
    let (seen_new, line) = loop {
        let line = top.next_json(Duration::from_secs(10));
        if let Some(p) = program(&line, second.id) {
            break (p.clone(), line);
        }
    };
    assert_eq!(seen_new["new"], true, "{line}");
    assert_eq!(seen_new["events"], seen_new["run_cnt"], "{seen_new}");
    assert!(seen_new["events"].as_u64().unwrap() >= 300, "{seen_new}");
    assert_eq!(line["totals"]["new"], 1);
    let line = top.next_json(Duration::from_secs(10));
    assert_eq!(
        program(&line, second.id).expect("still there")["new"],
        false
    );

    // The first one goes away: no error, it is gone from the next interval and counted as gone once.
    let first_id = first.id;
    drop(first);
    let line = loop {
        let line = top.next_json(Duration::from_secs(10));
        if program(&line, first_id).is_none() {
            break line;
        }
    };
    assert_eq!(line["totals"]["gone"], 1, "{line}");
    assert!(program(&line, second.id).is_some());
    assert_eq!(top.wait(Duration::from_secs(10)), 0, "{}", top.stderr());
    assert!(top.stderr().is_empty(), "{}", top.stderr());
}

#[test]
fn a_pipe_gets_a_plain_table_per_interval() {
    let _serial = serial();
    let prog = load_rate();
    let id = prog.id.to_string();
    let run = ebpfctl(&[
        "prog",
        "top",
        "--interval",
        "0.2",
        "--count",
        "2",
        "--sort",
        "name",
        "id",
        &id,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let blocks: Vec<&str> = run.stdout.split("\n\n").filter(|b| !b.is_empty()).collect();
    assert_eq!(blocks.len(), 2, "{}", run.stdout);
    for block in blocks {
        let lines: Vec<&str> = block.lines().collect();
        assert!(lines[0].contains("interval") && lines[0].contains("programs"));
        let header: Vec<&str> = lines[1].split_whitespace().collect();
        let want = "ID TYPE NAME CPU% EVENTS/S AVG_NS RUN_CNT RUN_TIME_NS PIDS PINNED";
        assert_eq!(header, want.split(' ').collect::<Vec<_>>());
        let row: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(&row[..3], [id.as_str(), "tracepoint", "top_rate_tp"]);
        // This test process holds the program (libbpf-rs): PIDS names it.
        assert!(
            lines[2].contains(&format!("({})", std::process::id())),
            "{block}"
        );
    }
}

#[test]
fn bad_selectors_and_intervals_are_errors() {
    let cases: [(&[&str], &str); 5] = [
        (&["prog", "top", "id", "4000000000"], "not_found"),
        (&["prog", "top", "name", "no_such_prog_xyz"], "not_found"),
        (&["prog", "top", "--interval", "0"], "invalid_input"),
        (&["prog", "top", "id"], "invalid_input"),
        (&["prog", "top", "label", "x"], "invalid_input"),
    ];
    for (args, kind) in cases {
        let mut full = vec!["-j"];
        full.extend_from_slice(args);
        let run = ebpfctl(&full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.json()["kind"], kind, "{args:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("ebpfctl: "), "{}", run.stderr);
    }
}

#[test]
fn prog_show_prints_the_kernels_counters_as_bpftool_does() {
    let _serial = serial();
    let prog = load_rate();
    let id = prog.id;
    // Before any run: no counters in either tool.
    let ours = ebpfctl_json(&["prog", "show", "id", &id.to_string()]);
    let theirs = bpftool_json(&["prog", "show", "id", &id.to_string()]);
    for key in ["run_time_ns", "run_cnt", "recursion_misses"] {
        assert_eq!(ours.get(key), theirs.get(key), "{key}");
    }
    // Count 500 runs with statistics switched on by the test itself (its own BPF_ENABLE_STATS fd: it cannot
    // outlive the test, unlike a sysctl left at 1 by a failed test).
    {
        // SAFETY: a plain bpf() command; the fd is checked and closed below.
        let fd = unsafe { libbpf_sys::bpf_enable_stats(libbpf_sys::BPF_STATS_RUN_TIME) };
        assert!(fd >= 0, "BPF_ENABLE_STATS: {fd}");
        trigger(500);
        // SAFETY: the fd just returned, closed once.
        unsafe { libc::close(fd) };
    }
    let (run_cnt, run_time_ns) = prog.counters();
    assert_eq!(run_cnt, 500);
    let ours = ebpfctl_json(&["prog", "show", "id", &id.to_string()]);
    let theirs = bpftool_json(&["prog", "show", "id", &id.to_string()]);
    assert_eq!(ours["run_cnt"], 500);
    assert_eq!(ours["run_time_ns"], run_time_ns);
    for key in ["run_time_ns", "run_cnt"] {
        assert_eq!(
            ours[key], theirs[key],
            "{key}: ebpfctl {ours} bpftool {theirs}"
        );
    }
    // recursion_misses: only when non-zero, in both (a tracepoint program cannot recurse here).
    assert_eq!(ours.get("recursion_misses"), theirs.get("recursion_misses"));
    // verified_insns: the kernel's count (fdinfo says it too); bpftool 7.1 does not print it, ebpfctl adds it.
    let fdinfo = std::fs::read_to_string(format!(
        "/proc/self/fdinfo/{}",
        std::os::fd::AsRawFd::as_raw_fd(&prog.fd())
    ))
    .unwrap();
    let verified: u64 = fdinfo
        .lines()
        .find_map(|l| l.strip_prefix("verified_insns:"))
        .expect("fdinfo has verified_insns on this kernel")
        .trim()
        .parse()
        .unwrap();
    assert!(verified > 0);
    assert_eq!(ours["verified_insns"], verified);
    assert!(theirs.get("verified_insns").is_none(), "{theirs}");
}

#[test]
fn without_cap_sys_admin_it_says_so_and_changes_nothing() {
    let out = common::host_command("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
        .args(["--inh-caps=-all", "--"])
        .arg(common::bin())
        .args(["-j", "prog", "top", "--count", "1"])
        .output()
        .expect("setpriv (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let err: Value = serde_json::from_slice(&out.stdout).expect("a JSON error");
    assert_eq!(err["kind"], "permission");
    assert!(stderr.contains("CAP_SYS_ADMIN"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

//! Signals and stdout (issue #17): a closed pipe, a closed or full stdout, a closed stderr, SIGINT and SIGTERM in
//! the middle of streams and of changes. Every case ends promptly with the documented exit status, never panics,
//! and leaves a change whole or absent. The table of cases is docs/reliability.md.

use crate::common;
use crate::hostile_support;

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{ebpfctl, ebpfctl_json, fixture, PinDir};

fn spawn(args: &[&str], stdout: Stdio) -> Child {
    Command::new(common::bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ebpfctl")
}

fn signal(child: &Child, sig: &str) {
    let status = common::host_command("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for `child` at most `limit`; kills it and fails the test when it is still running.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> (i32, String) {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: still running {limit:?} after it was asked to stop");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// A pipe: (read end, write end).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both are new descriptors owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// Bytes waiting in a pipe (FIONREAD).
fn queued(read_end: &OwnedFd) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    unsafe { libc::ioctl(read_end.as_raw_fd(), libc::FIONREAD, &mut n) };
    n as usize
}

/// A hash map with `n` entries, pinned in `pins`.
fn filled_map(pins: &PinDir, n: u32) -> String {
    let map = pins.pin("filled");
    hostile_support::new_hash_map(&map, 8, 65536);
    let lines = hostile_support::json_lines(n);
    let run = common::ebpfctl_stdin(
        &["map", "update", "pinned", &map, "--from", "-"],
        lines.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    map
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    let pins = PinDir::new("hostile-head");
    let map = filled_map(&pins, 20000);
    for args in [
        vec!["-j", "map", "dump", "pinned", map.as_str()],
        vec!["map", "dump", "pinned", map.as_str()],
        vec![
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ],
        vec!["-j", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
    ] {
        // `| head -c 10`: ten bytes read, then the pipe is closed.
        let mut child = spawn(&args, Stdio::piped());
        let mut first = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let (code, stderr) = wait_within(child, Duration::from_secs(10), &format!("{args:?}"));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: a closed pipe is not an error");
    }
}

#[test]
fn closed_full_and_broken_standard_streams_never_panic() {
    // stdout closed (`>&-`): the Rust runtime puts /dev/null on fd 1 before main, so no file or BPF fd ebpfctl
    // opens can become fd 1; the output is discarded and the command's own status stands.
    let closed = common::host_command("sh")
        .args(["-c", &format!("exec '{}' -j prog show >&-", common::bin())])
        .output()
        .unwrap();
    assert_eq!(closed.status.code(), Some(0));
    assert!(
        closed.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&closed.stderr)
    );
    // stdout on a full disk: one error line, exit 2.
    let full = common::host_command("sh")
        .args([
            "-c",
            &format!("exec '{}' prog show >/dev/full", common::bin()),
        ])
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(2));
    let text = String::from_utf8_lossy(&full.stderr);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("ebpfctl: stdout: write failed: no space left"),
        "{text}"
    );
    // stderr a pipe whose reader is gone (`2>&1 | head -c0`): the error cannot be shown, but the exit status
    // still says it (eprintln! would panic here, exit 101).
    let (read_end, write_end) = pipe();
    drop(read_end);
    let out = Command::new(common::bin())
        .args(["prog", "show", "id", "4294967295"])
        .stderr(Stdio::from(write_end))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // And stderr closed altogether.
    let closed_err = common::host_command("sh")
        .args([
            "-c",
            &format!("exec '{}' prog show id 4294967295 2>&-", common::bin()),
        ])
        .output()
        .unwrap();
    assert_eq!(closed_err.status.code(), Some(2));
}

/// hostile.bpf.c loaded with `flood` aimed at this test process and attached to sys_enter_getppid.
fn flooding(pins: &PinDir) -> (String, String) {
    let objs = pins.pin("objs");
    let maps = pins.pin("maps");
    let target = format!("target_tgid={}", std::process::id());
    let run = ebpfctl(&[
        "prog",
        "loadall",
        fixture("hostile").to_str().unwrap(),
        &objs,
        "pinmaps",
        &maps,
        "--set",
        &target,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let link = pins.pin("flood-link");
    let run = ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &format!("{objs}/flood"),
        "tracepoint",
        "syscalls/sys_enter_getppid",
        "--pin",
        &link,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (format!("{maps}/events"), format!("{maps}/fired"))
}

/// Calls getppid() in a loop until `stop`: each call is a trace line and a ring-buffer record.
fn spin(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            for _ in 0..100 {
                // SAFETY: getppid has no preconditions.
                std::hint::black_box(unsafe { libc::getppid() });
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    })
}

#[test]
fn streams_end_promptly_on_signals_even_when_nobody_reads_stdout() {
    let pins = PinDir::new("hostile-streams");
    let (events, fired) = flooding(&pins);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spinner = spin(stop.clone());
    for (args, sig) in [
        (
            vec!["-j", "map", "watch", "pinned", events.as_str()],
            "-TERM",
        ),
        (vec!["map", "watch", "pinned", events.as_str()], "-INT"),
        (vec!["prog", "tracelog"], "-TERM"),
        (vec!["-j", "prog", "tracelog"], "-INT"),
    ] {
        // stdout: a pipe that nobody reads, so it fills and every further write would block.
        let (read_end, write_end) = pipe();
        let child = spawn(&args, Stdio::from(write_end));
        // Full: most of the 64 KiB pipe is queued and nothing more gets in for 300 ms while events keep coming
        // (small writes leave the last page partly used, so "full" is below 64 KiB).
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = 0;
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = queued(&read_end);
            if (now >= 32_768 && now == last) || Instant::now() > deadline {
                break;
            }
            last = now;
        }
        let filled = queued(&read_end);
        assert!(
            filled >= 32_768 && filled == last,
            "{args:?}: stdout never filled ({filled} bytes queued)"
        );
        signal(&child, sig);
        // Before the fix it never ended; 5 s leaves room for a busy machine.
        let (code, stderr) = wait_within(child, Duration::from_secs(5), &format!("{args:?} {sig}"));
        assert_eq!(code, 0, "{args:?} {sig}: {stderr}");
        drop(read_end);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    spinner.join().unwrap();
    let v = ebpfctl_json(&["map", "lookup", "pinned", &fired, "key", "0", "0", "0", "0"]);
    assert_ne!(v["value"][0], "0x00", "the program fired");
}

#[test]
fn an_interrupted_load_leaves_every_pin_or_none() {
    let pins = PinDir::new("hostile-load-sig");
    let obj = fixture("hostile");
    // The complete result, for comparison.
    let full = pins.pin("reference");
    let run = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &full,
        "pinmaps",
        &format!("{full}/maps"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listing = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = walk(std::path::Path::new(dir));
        names.sort();
        names
    };
    let complete = listing(&full);
    assert!(complete.len() >= 5, "{complete:?}");
    let (mut none, mut all) = (0, 0);
    for i in 0..40u64 {
        let dir = pins.pin(&format!("try{i}"));
        let child = spawn(
            &[
                "prog",
                "loadall",
                obj.to_str().unwrap(),
                &dir,
                "pinmaps",
                &format!("{dir}/maps"),
            ],
            Stdio::null(),
        );
        // Staggered from "before the load" to "after the pins".
        std::thread::sleep(Duration::from_micros(i * 1500));
        signal(&child, if i % 2 == 0 { "-TERM" } else { "-INT" });
        let _ = wait_within(child, Duration::from_secs(10), "interrupted loadall");
        let found = if std::path::Path::new(&dir).exists() {
            listing(&dir)
        } else {
            Vec::new()
        };
        if found.is_empty() {
            none += 1;
            assert!(
                !std::path::Path::new(&dir).exists(),
                "an empty directory was left: {dir}"
            );
        } else {
            assert_eq!(found, complete, "a half-done load in {dir}");
            all += 1;
        }
    }
    eprintln!("interrupted loads: {none} left nothing, {all} finished");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            out.extend(
                walk(&entry.path())
                    .into_iter()
                    .map(|n| format!("{name}/{n}")),
            );
        } else {
            out.push(name);
        }
    }
    out
}

#[test]
fn an_interrupted_bulk_update_writes_every_line_or_none() {
    let pins = PinDir::new("hostile-bulk-sig");
    let map = pins.pin("bulk");
    hostile_support::new_hash_map(&map, 8, 65536);
    let n = 40_000u32;
    let file = hostile_support::scratch("bulk-sig").join("lines.jsonl");
    let lines = hostile_support::json_lines(n);
    std::fs::write(&file, lines).unwrap();
    let count = || -> usize {
        ebpfctl_json(&["map", "dump", "pinned", &map])
            .as_array()
            .unwrap()
            .len()
    };
    // How long a whole update takes here, so the signals below spread from its start to past its end.
    let args = [
        "map",
        "update",
        "pinned",
        &map,
        "--from",
        file.to_str().unwrap(),
    ];
    let started = Instant::now();
    assert_eq!(ebpfctl(&args).code, 0);
    let whole = started.elapsed();
    assert_eq!(count(), n as usize);
    assert_eq!(ebpfctl(&["map", "delete", "pinned", &map, "--all"]).code, 0);
    let (mut none, mut all) = (0, 0);
    for i in 0..30u32 {
        let child = spawn(&args, Stdio::null());
        std::thread::sleep(whole * i / 24);
        signal(&child, "-TERM");
        let _ = wait_within(child, Duration::from_secs(10), "interrupted update");
        match count() {
            0 => none += 1,
            c if c == n as usize => all += 1,
            c => panic!("an interrupted update left {c} of {n} entries"),
        }
        let run = ebpfctl(&["map", "delete", "pinned", &map, "--all"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    eprintln!("interrupted updates ({whole:?} each): {none} wrote nothing, {all} wrote everything");
    assert!(
        all > 0 && none > 0,
        "the signals missed one side of the write"
    );
}

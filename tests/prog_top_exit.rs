//! `prog top` leaves the machine as it found it: statistics are on exactly while it runs (its own
//! BPF_ENABLE_STATS fd, close-on-exec) and off again after it ends normally, by SIGINT and by SIGKILL; an
//! operator's sysctl is left on. On a terminal, q, Ctrl-C and SIGTERM give the terminal back as it was.

use crate::common;
use crate::top_support;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use top_support::*;

/// Whether this test can tell "off" from "on": nobody else keeps statistics on. Another process holding a
/// BPF_ENABLE_STATS fd, or the sysctl at 1, keeps the kernel counting whatever ebpfctl does.
fn others_keep_stats_on() -> bool {
    let others = stats_holders();
    let on = sysctl() != "0" || !others.is_empty();
    if on {
        eprintln!("statistics are kept on by someone else ({others:?}, sysctl {}): only ebpfctl's own fd is checked", sysctl());
    }
    on
}

/// Starts `prog top` on the rate program and checks that, while it runs, it holds one close-on-exec stats fd and
/// the kernel counts.
fn start_top(prog: &RateProg, count: Option<&str>) -> TopChild {
    let id = prog.id.to_string();
    let mut args = vec!["-j", "prog", "top", "--interval", "0.2", "id", &id];
    if let Some(n) = count {
        args.extend(["--count", n]);
    }
    let top = TopChild::spawn(&args);
    top.next_json(Duration::from_secs(10));
    let mine: Vec<String> = stats_holders()
        .into_iter()
        .filter(|(pid, _)| *pid == top.pid())
        .map(|(_, flags)| flags)
        .collect();
    assert_eq!(mine.len(), 1, "ebpfctl holds one bpf-stats fd: {mine:?}");
    let flags = u32::from_str_radix(&mine[0], 8).expect("octal flags");
    assert_ne!(
        flags & libc::O_CLOEXEC as u32,
        0,
        "close-on-exec: {flags:o}"
    );
    assert!(counting(prog), "the kernel counts while prog top runs");
    top
}

fn assert_off_after(prog: &RateProg, top: &TopChild, how: &str) {
    assert!(
        !stats_holders().iter().any(|(pid, _)| *pid == top.pid()),
        "{how}: the stats fd is gone with the process"
    );
    assert_eq!(sysctl(), "0", "{how}: the sysctl was never touched");
    if !others_keep_stats_on() {
        assert!(!counting(prog), "{how}: statistics are off again");
    }
}

#[test]
fn statistics_are_off_after_a_normal_end_sigint_and_sigkill() {
    let _serial = serial();
    let prog = load_rate();
    if others_keep_stats_on() {
        // Still exercised below; only the "off" verdict needs a quiet machine.
    } else {
        assert!(!counting(&prog), "statistics are off before the test");
    }

    let mut top = start_top(&prog, Some("3"));
    assert_eq!(top.wait(Duration::from_secs(10)), 0, "{}", top.stderr());
    assert_off_after(&prog, &top, "--count");

    let mut top = start_top(&prog, None);
    top.signal(libc::SIGINT);
    assert_eq!(top.wait(Duration::from_secs(5)), 0, "{}", top.stderr());
    assert_off_after(&prog, &top, "SIGINT");

    let mut top = start_top(&prog, None);
    top.signal(libc::SIGKILL);
    assert_eq!(top.wait(Duration::from_secs(5)), 128 + libc::SIGKILL);
    assert_off_after(&prog, &top, "SIGKILL");
}

#[test]
fn an_operators_sysctl_is_left_on() {
    let _serial = serial();
    let prog = load_rate();
    let before = sysctl();
    set_sysctl("1");
    let mut top = TopChild::spawn(&[
        "-j",
        "prog",
        "top",
        "--interval",
        "0.2",
        "--count",
        "1",
        "id",
        &prog.id.to_string(),
    ]);
    let line = top.next_json(Duration::from_secs(10));
    let code = top.wait(Duration::from_secs(5));
    let after = sysctl();
    let still_counting = counting(&prog);
    set_sysctl(&before);
    assert_eq!(code, 0, "{}", top.stderr());
    assert_eq!(line["stats"], "sysctl");
    assert_eq!(after, "1");
    assert!(still_counting);
}

/// A pseudo-terminal: the test holds the master; ebpfctl gets the slave as its controlling terminal.
struct Pty {
    master: OwnedFd,
    slave: OwnedFd,
}

fn open_pty(cols: u16, rows: u16) -> Pty {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out-pointers for two fds; no name buffer; a valid winsize.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: openpty returned two new fds that we own.
    unsafe {
        Pty {
            master: OwnedFd::from_raw_fd(master),
            slave: OwnedFd::from_raw_fd(slave),
        }
    }
}

fn termios(fd: &OwnedFd) -> libc::termios {
    let mut t = std::mem::MaybeUninit::<libc::termios>::zeroed();
    // SAFETY: a valid fd and termios buffer.
    assert_eq!(
        unsafe { libc::tcgetattr(fd.as_raw_fd(), t.as_mut_ptr()) },
        0
    );
    // SAFETY: filled by tcgetattr.
    unsafe { t.assume_init() }
}

/// Runs `prog top` on a pty of 90×20, waits for its first frame, ends it with `end`, and returns the exit code
/// and everything it drew.
fn top_on_terminal(prog: &RateProg, end: impl FnOnce(&mut std::fs::File, u32)) -> (i32, String) {
    let pty = open_pty(90, 20);
    let before = termios(&pty.slave);
    let stdio = || Stdio::from(pty.slave.try_clone().unwrap());
    let mut cmd = Command::new(common::bin());
    cmd.args([
        "prog",
        "top",
        "--interval",
        "0.2",
        "id",
        &prog.id.to_string(),
    ])
    .env("TERM", "xterm")
    .stdin(stdio())
    .stdout(stdio())
    .stderr(stdio());
    // SAFETY: between fork and exec only async-signal-safe calls: a new session whose controlling terminal is
    // the pty (stdin), as a shell gives a job.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn ebpfctl on a pty");
    let mut master = std::fs::File::from(pty.master.try_clone().unwrap());
    let drawn = Arc::new(Mutex::new(Vec::new()));
    let sink = drawn.clone();
    let mut reader = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&drawn.lock().unwrap()).contains("top_rate_tp") {
        assert!(
            Instant::now() < deadline,
            "no table drawn: {:?}",
            String::from_utf8_lossy(&drawn.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    end(&mut master, child.id());
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code().unwrap_or(-1);
        }
        assert!(
            Instant::now() < deadline + Duration::from_secs(5),
            "prog top did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(100));
    let after = termios(&pty.slave);
    assert_eq!(after.c_lflag, before.c_lflag, "terminal mode restored");
    assert_eq!(after.c_cc, before.c_cc);
    let text = String::from_utf8_lossy(&drawn.lock().unwrap()).into_owned();
    (code, text)
}

/// What each frame drew, with escape sequences removed: the visible lines.
fn visible_lines(drawn: &str) -> Vec<String> {
    let mut out = String::new();
    let mut chars = drawn.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte
            if chars.next_if_eq(&'[').is_some() {
                for f in chars.by_ref() {
                    if f.is_ascii_alphabetic() {
                        break;
                    }
                }
                out.push('\n');
            }
            continue;
        }
        if c != '\r' {
            out.push(c);
        }
    }
    out.lines().map(str::to_string).collect()
}

fn check_screen(code: i32, drawn: &str, how: &str) {
    assert_eq!(code, 0, "{how}: {drawn:?}");
    assert!(
        drawn.starts_with("\x1b[?1049h"),
        "{how}: alternate screen first"
    );
    assert!(
        drawn.trim_end().ends_with("\x1b[?25h\x1b[?1049l"),
        "{how}: screen left last: {:?}",
        &drawn[drawn.len().saturating_sub(80)..]
    );
    for line in visible_lines(drawn) {
        assert!(
            line.chars().count() <= 90,
            "{how}: wider than the terminal: {line:?}"
        );
    }
    assert!(
        drawn.contains("CPU%") && drawn.contains("EVENTS/S"),
        "{how}"
    );
}

#[test]
fn the_terminal_is_restored_after_q_ctrl_c_and_sigterm() {
    let _serial = serial();
    let prog = load_rate();
    let (code, drawn) = top_on_terminal(&prog, |tty, _| tty.write_all(b"q").unwrap());
    check_screen(code, &drawn, "q");
    let (code, drawn) = top_on_terminal(&prog, |tty, _| tty.write_all(b"\x03").unwrap());
    check_screen(code, &drawn, "Ctrl-C");
    let (code, drawn) = top_on_terminal(&prog, |_, pid| {
        // SAFETY: kill with our child's pid.
        assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    });
    check_screen(code, &drawn, "SIGTERM");
}

//! Hostile files (issue #17): every command that reads or writes a file the user names meets a FIFO, a socket, a
//! device, a directory, a symlink loop, a file that grows while read and a file system that never answers. Each
//! ends in one `invalid_input` line and exit 2 within a bounded time; nothing is left pinned or half written.
//! The table of cases is docs/reliability.md.

use crate::common;
use crate::hostile_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{ebpfctl, ebpfctl_json, fixture, PinDir};
use hostile_support::{assert_error, mkfifo, run_bounded, scratch, unix_socket, StalledFs};

/// Far above what a refusal takes (milliseconds), far below "blocked for ever".
const PROMPT: Duration = Duration::from_secs(5);

/// A loaded copy of tests/bpf/hostile.bpf.c: the socket filter's pin and the `fired` array's pin (the uprobe
/// program is `objs/probe` beside the filter).
fn loaded(pins: &PinDir) -> (String, String) {
    let obj = fixture("hostile");
    let dir = pins.pin("objs");
    let maps = pins.pin("maps");
    let run = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir,
        "pinmaps",
        &maps,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (format!("{dir}/keep"), format!("{maps}/fired"))
}

/// Every command line that reads a user's file, with `{}` where the file goes.
fn readers(
    obj: &str,
    prog: &str,
    map: &str,
    out: &str,
    pin: &str,
    packet: &str,
) -> Vec<Vec<String>> {
    let vmlinux = "/sys/kernel/btf/vmlinux";
    let probe = prog.replace("/keep", "/probe");
    let lines = [
        "inspect {}".to_string(),
        "btf dump file {}".to_string(),
        format!("compat check {{}} --btf {vmlinux}"),
        format!("compat check {obj} --btf {{}}"),
        format!("compat check {obj} --btf {vmlinux} --kconfig {{}}"),
        format!("prog load {{}} {pin}"),
        format!("prog load {obj} {pin} --btf {{}}"),
        format!("prog load {{}} {pin} -L"),
        format!("prog load {obj} {pin} -L --btf {{}}"),
        "gen skeleton {} -L".to_string(),
        format!("btf minimize --btf {{}} -o {out} {obj}"),
        format!("btf minimize --btf {vmlinux} -o {out} {{}}"),
        format!("map update pinned {map} --from {{}}"),
        format!("prog run pinned {prog} data_in {{}}"),
        format!("prog run pinned {prog} data_in {packet} ctx_in {{}}"),
        format!("prog attach pinned {probe} uprobe {{}} main --pin {pin}"),
        "struct_ops register {}".to_string(),
    ];
    lines
        .iter()
        .map(|l| l.split(' ').map(String::from).collect())
        .collect()
}

fn with_path(line: &[String], path: &str) -> Vec<String> {
    let mut args = vec!["-j".to_string()];
    args.extend(line.iter().map(|w| {
        if w == "{}" {
            path.to_string()
        } else {
            w.clone()
        }
    }));
    args
}

#[test]
fn every_file_reader_refuses_what_is_not_a_regular_file_at_once() {
    let pins = PinDir::new("hostile-readers");
    let (prog, map) = loaded(&pins);
    let dir = scratch("readers");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let _socket = unix_socket(&dir.join("socket"));
    std::os::unix::fs::symlink(&fifo, dir.join("link-to-fifo")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-b"), dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-a"), dir.join("loop-b")).unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (fifo.clone(), "a FIFO (named pipe), not a file"),
        (dir.join("socket"), "a socket, not a file"),
        ("/dev/zero".into(), "a device, not a file"),
        (dir.clone(), "a directory, not a file"),
        // The type is checked on the opened fd: a symlink's target is what counts.
        (dir.join("link-to-fifo"), "a FIFO (named pipe), not a file"),
        (dir.join("loop-a"), "symbolic link loop"),
        // A "regular" tracefs file whose reads wait for data (O_NONBLOCK makes it say so).
        ("/sys/kernel/tracing/trace_pipe".into(), "waits for data"),
    ];
    let obj = fixture("hostile");
    let out = dir.join("minimized.btf");
    let pin = pins.pin("never");
    let packet = dir.join("packet");
    std::fs::write(&packet, [0u8; 64]).unwrap();
    for line in readers(
        obj.to_str().unwrap(),
        &prog,
        &map,
        out.to_str().unwrap(),
        &pin,
        packet.to_str().unwrap(),
    ) {
        for (path, reason) in &cases {
            let args = with_path(&line, path.to_str().unwrap());
            let b = run_bounded(&hostile_support::words(&args), &[], PROMPT);
            let text = assert_error(&b.run, "invalid_input", reason);
            assert!(
                text.contains(path.to_str().unwrap()),
                "names the file: {text}"
            );
            assert!(!Path::new(&pin).exists(), "{args:?} left a pin");
            assert!(!out.exists(), "{args:?} wrote an output");
        }
    }
    // Nothing was written to the map either.
    let dump = ebpfctl_json(&["map", "lookup", "pinned", &map, "key", "0", "0", "0", "0"]);
    assert_eq!(dump["value"], serde_json::json!(vec!["0x00"; 8]));
}

#[test]
fn a_fifo_with_a_writer_is_refused_too() {
    let dir = scratch("fifo-writer");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    // A writer that never stops: opening the FIFO for writing blocks until ebpfctl opens it for reading.
    let writer_path = fifo.clone();
    std::thread::spawn(move || {
        use std::io::Write;
        if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&writer_path) {
            let block = vec![0x9fu8; 65536];
            while w.write_all(&block).is_ok() {}
        }
    });
    let b = run_bounded(&["-j", "inspect", fifo.to_str().unwrap()], &[], PROMPT);
    assert_error(&b.run, "invalid_input", "a FIFO (named pipe), not a file");
    // Lets the writer's open return should ebpfctl never have opened the FIFO; it then ends on EPIPE.
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo);
}

#[test]
fn output_files_refuse_fifos_and_are_written_whole() {
    let pins = PinDir::new("hostile-outputs");
    let (prog, _map) = loaded(&pins);
    let dir = scratch("outputs");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let obj = fixture("hostile");
    let f = fifo.to_str().unwrap();
    let packet = dir.join("packet");
    std::fs::write(&packet, [0u8; 64]).unwrap();
    let p = packet.to_str().unwrap();
    let writers: [Vec<&str>; 3] = [
        vec![
            "-j",
            "btf",
            "minimize",
            "--btf",
            "/sys/kernel/btf/vmlinux",
            "-o",
            f,
            obj.to_str().unwrap(),
        ],
        vec!["-j", "prog", "dump", "xlated", "pinned", &prog, "file", f],
        vec![
            "-j", "prog", "run", "pinned", &prog, "data_in", p, "data_out", f,
        ],
    ];
    for args in &writers {
        let b = run_bounded(args, &[], PROMPT);
        assert_error(&b.run, "invalid_input", "a FIFO (named pipe), not a file");
    }
    // A regular file is replaced whole, through a temporary file that does not survive.
    let target = dir.join("xlated.bin");
    std::fs::write(&target, b"old contents that are longer than nothing").unwrap();
    let t = target.to_str().unwrap();
    let run = ebpfctl(&["prog", "dump", "xlated", "pinned", &prog, "file", t]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read(&target).unwrap();
    assert_eq!(written.len() % 8, 0, "whole instructions only");
    assert!(!written.starts_with(b"old"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".ebpfctl-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // /dev/null is a device an output may be.
    let run = ebpfctl(&[
        "prog",
        "dump",
        "xlated",
        "pinned",
        &prog,
        "file",
        "/dev/null",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_file_growing_while_read_is_refused_or_read_as_it_was() {
    let dir = scratch("growing");
    let path = dir.join("growing.o");
    // A real object, then an appender that never stops: reading "to the end" would never end.
    std::fs::copy(fixture("hostile"), &path).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let appender = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            let block = vec![0u8; 1 << 20];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                f.write_all(&block).unwrap();
                // Keep the file from filling the disk: start over from the object now and then.
                if f.metadata().unwrap().len() > 96 << 20 {
                    f.set_len(16 << 20).unwrap();
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let (mut changed, mut read) = (0, 0);
    for _ in 0..12 {
        let b = run_bounded(&["-j", "inspect", path.to_str().unwrap()], &[], PROMPT);
        if b.run.code == 0 {
            read += 1;
        } else {
            assert_error(
                &b.run,
                "invalid_input",
                "the file changed while it was read",
            );
            changed += 1;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    appender.join().unwrap();
    assert!(
        changed > 0,
        "a file growing by ~1 GB/s was never caught changing ({read} clean reads)"
    );
}

#[test]
fn a_file_system_that_never_answers_ends_in_an_error_after_the_deadline() {
    let fs = StalledFs::mount(&scratch("stalled").join("mnt"));
    let pins = PinDir::new("hostile-stalled");
    let (_prog, map) = loaded(&pins);
    let env = [("EBPFCTL_IO_TIMEOUT", "1")];
    for path in [fs.read_stalls(), fs.open_stalls()] {
        let p = path.to_str().unwrap();
        for args in [
            vec!["-j", "inspect", p],
            vec!["-j", "btf", "dump", "file", p],
            vec!["-j", "prog", "load", p, &pins.pin("stalled")],
            vec!["-j", "map", "update", "pinned", &map, "--from", p],
        ] {
            // Margins for a busy 2-core machine; the default limit (10 s) would overrun both.
            let b = run_bounded(&args, &env, Duration::from_secs(9));
            assert_error(
                &b.run,
                "invalid_input",
                "no answer from its file system for 1.0 s",
            );
            assert!(
                b.took < Duration::from_secs(6),
                "{args:?} took {:?} with a 1 s limit",
                b.took
            );
        }
    }
    assert!(!Path::new(&pins.pin("stalled")).exists());
}

#[test]
fn odd_paths_are_one_line_errors_of_the_right_kind() {
    let long = format!("/tmp/{}", "a".repeat(5000));
    let b = run_bounded(&["-j", "inspect", &long], &[], PROMPT);
    let line = assert_error(&b.run, "invalid_input", "too long");
    assert!(line.len() < 1200, "a 5000-byte path is not echoed whole");
    let b = run_bounded(&["-j", "inspect", "/etc/passwd/x"], &[], PROMPT);
    assert_error(&b.run, "invalid_input", "not a directory");
    // A path that is not UTF-8 is a path like any other (shown lossily).
    use std::os::unix::ffi::OsStrExt;
    let odd = std::ffi::OsStr::from_bytes(b"/tmp/ebpfctl-\xff\xfe-missing.o");
    let out = std::process::Command::new(common::bin())
        .arg("-j")
        .arg("inspect")
        .arg(odd)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "not_found");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn standard_input_stays_a_stream() {
    let pins = PinDir::new("hostile-stdin");
    let (prog, map) = loaded(&pins);
    // `--from -` reads a pipe, as documented.
    let line = br#"{"key":[0,0,0,0],"value":[7,0,0,0,0,0,0,0]}"#;
    let run = common::ebpfctl_stdin(
        &["-j", "map", "update", "pinned", &map, "--from", "-"],
        line,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = ebpfctl_json(&["map", "lookup", "pinned", &map, "key", "0", "0", "0", "0"]);
    assert_eq!(v["value"][0], "0x07");
    // `data_in -` too: the socket filter returns skb->len, the packet after its 14-byte Ethernet header (the
    // test run pulls it as eth_type_trans does).
    let packet = vec![0xabu8; 64];
    let run = common::ebpfctl_stdin(
        &["-j", "prog", "run", "pinned", &prog, "data_in", "-"],
        &packet,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["retval"], 64 - 14);
    // /dev/stdin redirected from a regular file is that file; as a pipe it is refused like any FIFO.
    let obj = fixture("hostile");
    let from_file = std::process::Command::new(common::bin())
        .args(["-j", "inspect", "/dev/stdin"])
        .stdin(std::fs::File::open(&obj).unwrap())
        .output()
        .unwrap();
    assert!(from_file.status.success());
    let from_pipe = common::ebpfctl_stdin(
        &["-j", "inspect", "/dev/stdin"],
        &std::fs::read(&obj).unwrap(),
    );
    assert_error(
        &from_pipe,
        "invalid_input",
        "a FIFO (named pipe), not a file",
    );
}

#[test]
fn a_gzip_bomb_kernel_config_is_refused() {
    use std::io::Write;
    let dir = scratch("gzip-bomb");
    let bomb = dir.join("config.gz");
    // 200 MiB of one repeated line compresses to a few hundred KiB.
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&bomb).unwrap(),
        flate2::Compression::best(),
    );
    let line = b"CONFIG_BPF=y\n".repeat(1 << 16);
    for _ in 0..(200 << 20) / line.len() {
        gz.write_all(&line).unwrap();
    }
    gz.finish().unwrap();
    let obj = fixture("hostile");
    let b = run_bounded(
        &[
            "-j",
            "compat",
            "check",
            obj.to_str().unwrap(),
            "--btf",
            "/sys/kernel/btf/vmlinux",
            "--kconfig",
            bomb.to_str().unwrap(),
        ],
        &[],
        Duration::from_secs(20),
    );
    assert_error(&b.run, "invalid_input", "larger than 64 MiB unpacked");
}

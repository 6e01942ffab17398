//! `prog tracelog stdout|stderr PROG`: a program's own BPF streams (Linux 6.17), drained as bpftool 7.7 drains
//! them. The fixture writes one line to each stream per run; what a read must return is what the kernel kept, and
//! the program itself records the kfunc's answer, so the test compares with the kernel's own account.

use crate::common;

use common::{ebpfctl, ebpfctl_json, fixture, PinDir};
use serde_json::{json, Value};

/// The fixture's .bss: (runs, the kfunc's last return value).
fn bss(prog: &str) -> (i64, i64) {
    let show = ebpfctl_json(&["prog", "show", "pinned", prog]);
    for id in show["map_ids"].as_array().expect("map_ids") {
        let dump = ebpfctl_json(&["map", "dump", "id", &id.to_string()]);
        if let Some(vars) = dump[0]["formatted"]["value"][".bss"].as_array() {
            return (
                vars[0]["runs"].as_i64().unwrap(),
                vars[1]["last_rc"].as_i64().unwrap(),
            );
        }
    }
    panic!("no .bss map on {prog}");
}

fn lines(run: &common::Run) -> Vec<Value> {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.json().as_array().expect("an array of lines").clone()
}

#[test]
fn streams_hold_what_the_program_wrote_and_reading_drains_them() {
    let dir = PinDir::new("stream");
    let prog = dir.pin("p");
    let obj = fixture("stream_print");
    ebpfctl_json(&["prog", "load", obj.to_str().unwrap(), &prog]);
    // Nothing written yet: both streams are empty, and that is success.
    assert_eq!(
        lines(&ebpfctl(&[
            "-j", "prog", "tracelog", "stdout", "pinned", &prog
        ])),
        Vec::<Value>::new()
    );
    let quiet = ebpfctl(&["prog", "tracelog", "stderr", "pinned", &prog]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()),
        (0, "", "")
    );

    for _ in 0..2 {
        // A syscall program's test run takes no repeat count: `prog run` must not send bpftool's 1.
        let run = ebpfctl_json(&["prog", "run", "pinned", &prog]);
        assert_eq!(
            run["retval"], 0,
            "the kernel has no bpf_stream_vprintk_impl: {run}"
        );
    }
    let (runs, rc) = bss(&prog);
    assert_eq!(runs, 2);
    let text = ebpfctl(&["prog", "tracelog", "stdout", "pinned", &prog]);
    let errs = ebpfctl(&["prog", "tracelog", "stderr", "pinned", &prog]);
    assert_eq!(
        (text.code, errs.code),
        (0, 0),
        "{} {}",
        text.stderr,
        errs.stderr
    );
    if rc == 0 {
        // The program's stdout on ours, its stderr on ours, in the order written.
        assert_eq!(
            text.stdout,
            "run 1: hello from stdout\nrun 2: hello from stdout\n"
        );
        assert_eq!(text.stderr, "");
        assert_eq!(errs.stdout, "");
        assert_eq!(
            errs.stderr,
            "run 1: warning on stderr\nrun 2: warning on stderr\n"
        );
        ebpfctl_json(&["prog", "run", "pinned", &prog]);
        assert_eq!(
            lines(&ebpfctl(&[
                "-j", "prog", "tracelog", "stderr", "pinned", &prog
            ])),
            vec![json!("run 3: warning on stderr")]
        );
    } else {
        // The kernel took the call but kept nothing: the kfunc said why (this 6.18 VM answers ENOMEM, its
        // kmalloc_nolock() refusing), and an honest read of the stream is then empty, not an error.
        assert_eq!(rc, -i64::from(libc::ENOMEM), "the kfunc's answer");
        assert_eq!((text.stdout.as_str(), errs.stderr.as_str()), ("", ""));
    }
    // Reading consumed everything.
    for stream in ["stdout", "stderr"] {
        assert_eq!(
            lines(&ebpfctl(&[
                "-j", "prog", "tracelog", stream, "pinned", &prog
            ])),
            Vec::<Value>::new()
        );
    }
}

#[test]
fn stream_errors_name_the_program() {
    let gone = ebpfctl(&["-j", "prog", "tracelog", "stdout", "id", "4294967295"]);
    assert_eq!(gone.code, 2);
    assert_eq!(gone.json()["kind"], "not_found");
    assert!(
        gone.stderr.starts_with("ebpfctl: prog id 4294967295: "),
        "{}",
        gone.stderr
    );
    // A stream word needs its program; a program without a stream word is not the trace pipe either.
    assert_eq!(ebpfctl(&["prog", "tracelog", "stdout"]).code, 2);
    assert_eq!(ebpfctl(&["prog", "tracelog", "stdin", "id", "1"]).code, 2);
}

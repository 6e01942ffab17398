//! `prog profile` on this machine's kernel, which refuses fentry/fexit programs: one line, kind unsupported, exit 2,
//! and nothing left loaded. Where fentry works (Debian 5.10, 6.1, 6.12 under qemu), scripts/kernel-matrix.sh
//! profiles a program triggered in the guest and checks run_cnt and the counter. Bad input is refused before
//! anything is loaded.

use crate::common;

use common::{ebpfctl, fixture, host_command, PinDir};
use serde_json::Value;

fn load(test: &str) -> PinDir {
    let dir = PinDir::new(test);
    let obj = fixture("prog_jited").display().to_string();
    let run = ebpfctl(&["prog", "loadall", &obj, dir.path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

/// The profiler's own programs, if any are loaded (by name: profile_entry / profile_exit).
fn profiler_programs() -> usize {
    let out = host_command("bpftool")
        .args(["-j", "prog", "show"])
        .output()
        .expect("bpftool");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    v.as_array().map_or(0, |a| {
        a.iter()
            .filter(|p| {
                let n = p["name"].as_str().unwrap_or("");
                n == "profile_entry" || n == "profile_exit"
            })
            .count()
    })
}

fn one_error_line(args: &[&str], kind: &str, says: &str) {
    let run = ebpfctl(args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    assert!(
        run.stderr.starts_with("ebpfctl: ") && run.stderr.contains(says),
        "{args:?}: {}",
        run.stderr
    );
    let mut json = vec!["-j"];
    json.extend_from_slice(args);
    let run = ebpfctl(&json);
    assert_eq!(run.code, 2);
    let v: Value = serde_json::from_str(&run.stdout).expect("error object");
    assert_eq!(v["kind"], kind, "{args:?}: {v}");
}

fn fentry_refused() -> bool {
    // The machine's own `check` says whether its kernel takes fentry (the matrix kernels do).
    let run = ebpfctl(&["-j", "check"]);
    let v: Value = serde_json::from_str(&run.stdout).expect("check JSON");
    v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "fentry" && p["status"] == "unsupported")
}

#[test]
fn a_kernel_without_fentry_is_one_unsupported_line() {
    if !fentry_refused() {
        eprintln!("this kernel takes fentry: the refusal is not testable here (the qemu matrix covers profiling)");
        return;
    }
    let dir = load("profile-refused");
    let pin = dir.pin("pj_filter");
    for metrics in [
        &["duration", "1"][..],
        &["duration", "1", "cpu_clock"][..],
        &["cycles"][..],
    ] {
        let mut args = vec!["prog", "profile", "pinned", pin.as_str()];
        args.extend_from_slice(metrics);
        one_error_line(&args, "unsupported", "refuses fentry/fexit");
    }
    assert_eq!(
        profiler_programs(),
        0,
        "the refused profiler left programs loaded"
    );
}

#[test]
fn bad_input_is_refused_before_loading() {
    let dir = load("profile-bad");
    let pin = dir.pin("pj_filter");
    let p = pin.as_str();
    let usage: Vec<Vec<&str>> = vec![
        vec!["prog", "profile", "pinned", p, "bogus"],
        vec!["prog", "profile", "pinned", p, "duration"],
        vec!["prog", "profile", "pinned", p, "duration", "soon"],
        vec![
            "prog",
            "profile",
            "pinned",
            p,
            "cycles",
            "instructions",
            "l1d_loads",
            "llc_misses",
            "itlb_misses",
        ],
    ];
    for args in usage {
        one_error_line(&args, "invalid_input", "usage:");
    }
    one_error_line(
        &["prog", "profile", "id", "4294967295"],
        "not_found",
        "no such program",
    );

    // fentry attaches to a program by its BTF function: one built without -g has none (a legacy object, as old
    // tc and iproute2 loaders take: no BTF-defined maps, no .BTF at all).
    let dir_tmp = std::env::temp_dir();
    let src = dir_tmp.join(format!("ebpfctl-profile-nobtf-{}.c", std::process::id()));
    let obj = src.with_extension("o");
    std::fs::write(
        &src,
        "__attribute__((section(\"socket\"), used)) int legacy(void *skb) { return 0; }\n\
         __attribute__((section(\"license\"), used)) char LICENSE[] = \"GPL\";\n",
    )
    .unwrap();
    let status = host_command("clang-19")
        .args(["-O2", "-target", "bpf", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .status()
        .expect("clang-19");
    let _ = std::fs::remove_file(&src);
    assert!(status.success());
    let nobtf = PinDir::new("profile-nobtf");
    let run = ebpfctl(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        nobtf.path.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&obj);
    assert_eq!(run.code, 0, "{}", run.stderr);
    one_error_line(
        &[
            "prog",
            "profile",
            "pinned",
            &nobtf.pin("legacy"),
            "duration",
            "1",
        ],
        "invalid_input",
        "BTF function info",
    );
    assert_eq!(profiler_programs(), 0);
}

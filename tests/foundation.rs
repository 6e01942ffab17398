//! The foundation's promises, checked against the live kernel: grammar and exit codes, `version`, generated
//! completions that match the committed ones, and `check` compared probe by probe with what the kernel says.

use crate::common;

use std::path::Path;

use common::{bin, ebpfctl, ebpfctl_json};
use serde_json::Value;

#[test]
fn unknown_object_or_flag_is_a_usage_error_with_exit_2() {
    for args in [&["frobnicate"][..], &["check", "--bogus"][..]] {
        let run = ebpfctl(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("Usage"), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    // No object at all is bpftool's help, exit 0.
    let bare = ebpfctl(&[]);
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert!(bare.stdout.contains("Usage"), "{}", bare.stdout);
}

#[test]
fn usage_errors_under_json_are_error_objects() {
    // A script that asked for -j reads stdout: a command line clap refuses must still give the error object and
    // one stderr line, like every other failure; clustered short flags count (-jd), --help still exits 0.
    for args in [
        &["-j", "frobnicate"][..],
        &["-j", "check", "--bogus"],
        &["-jd", "check", "extra"],
        &["--pretty", "map", "show", "id"],
    ] {
        let run = ebpfctl(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let v: Value = serde_json::from_str(&run.stdout).expect("one JSON error object");
        assert_eq!(v["kind"], "invalid_input", "{args:?}");
        assert!(v["error"].as_str().unwrap().starts_with("usage: "), "{v}");
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.starts_with("ebpfctl: usage: "), "{}", run.stderr);
    }
    // Help under -j is `null` on stdout, as bpftool prints it (stdout stays JSON), exit 0.
    for help in [&["-j", "--help"][..], &["-j", "help"], &["-j", "map", "-h"]] {
        let run = ebpfctl(help);
        assert_eq!(run.code, 0, "{help:?}");
        assert_eq!(run.stdout, "null\n", "{help:?}");
    }
    assert!(ebpfctl(&["--help"]).stdout.contains("Usage"));
}

#[test]
fn version_names_libbpf_target_and_embedded_objects() {
    let v = ebpfctl_json(&["version"]);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let libbpf = v["libbpf_version"].as_str().unwrap();
    assert!(libbpf.starts_with("1."), "{libbpf}");
    assert!(v["target"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}-unknown-linux-", std::env::consts::ARCH)));
    let objects: Vec<&str> = v["embedded_objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for name in ["check_core", "check_uprobe", "check_testrun"] {
        assert!(objects.contains(&name), "{objects:?}");
    }
}

/// `version -j` "features" carries bpftool HEAD's names, in its order, each a bool that tells the truth about
/// this binary; bpftool's own features object (7.1 here) has the same shape for the names both print.
#[test]
fn version_features_are_bpftools_names_with_true_values() {
    let v = ebpfctl_json(&["version"]);
    let features = v["features"].as_object().expect("features object");
    let names: Vec<&str> = features.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "libbfd",
            "llvm",
            "crypto",
            "skeletons",
            "bootstrap",
            "libbpf_strict"
        ]
    );
    let theirs = common::bpftool_json(&["version"]);
    for (name, value) in theirs["features"].as_object().unwrap() {
        if let Some(ours) = features.get(name) {
            assert!(
                ours.is_boolean() && value.is_boolean(),
                "{name}: {ours} vs {value}"
            );
        }
    }
    // Neither libbfd nor LLVM is linked in: `prog dump jited` disassembles with Rust crates (iced-x86, yaxpeax-arm).
    assert_eq!(features["libbfd"], false);
    assert_eq!(features["llvm"], false);
    // bpftool 7.1's name, kept for its scripts: libbpf 1.x is always strict.
    assert_eq!(features["libbpf_strict"], true);
    // Skeletons: the embedded CO-RE objects `check` runs. Never a bootstrap build.
    assert_eq!(
        features["skeletons"],
        !v["embedded_objects"].as_array().unwrap().is_empty()
    );
    assert_eq!(features["bootstrap"], false);
    // crypto: `prog load -S` is understood (its help lists the signing key option).
    let help = ebpfctl(&["prog", "load", "--help"]);
    assert_eq!(
        features["crypto"],
        help.stdout.contains("--sign"),
        "{}",
        help.stdout
    );
    let text = ebpfctl(&["version"]).stdout;
    assert!(
        text.lines()
            .any(|l| l.starts_with("features: ") && l.contains("skeletons")),
        "{text}"
    );
}

/// completions/ holds generated files for packagers; they must be what this binary generates now.
#[test]
fn committed_completions_and_man_page_match_the_grammar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (args, file) in [
        (&["completions", "bash"][..], "ebpfctl.bash"),
        (&["completions", "zsh"][..], "_ebpfctl"),
        (&["completions", "fish"][..], "ebpfctl.fish"),
        (&["manpage"][..], "ebpfctl.1"),
    ] {
        let run = ebpfctl(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            run.stdout == committed,
            "completions/{file} is stale: run `make completions` and commit the result"
        );
    }
}

fn probe<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("probe {name} missing from {report}"))
}

fn sha256_of(path: &str) -> String {
    let out = common::host_command("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn facility(kind: &str) -> bool {
    Path::new(&format!("/sys/bus/event_source/devices/{kind}")).exists()
        || Path::new(&format!("/sys/kernel/tracing/{kind}_events")).exists()
}

/// bpftool's verdict on a program type, as an independent oracle for "unsupported".
fn bpftool_prog_type_available(prog_type: &str) -> bool {
    let probe = common::bpftool_json(&["feature", "probe", "kernel"]);
    probe["program_types"][format!("have_{prog_type}_prog_type")] == Value::Bool(true)
}

#[test]
fn check_passes_here_and_each_probe_agrees_with_the_kernel() {
    let run = ebpfctl(&["-j", "check"]);
    let report = run.json();
    assert_eq!(
        run.code, 0,
        "verdict should be pass on this machine: {report:#}"
    );
    assert_eq!(report["verdict"], "pass");

    let release = String::from_utf8(
        common::host_command("uname")
            .arg("-r")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(report["kernel"]["release"], release.trim());
    assert_eq!(report["kernel"]["arch"], std::env::consts::ARCH);
    assert_eq!(
        report["kernel"]["btf"]["sha256"],
        sha256_of("/sys/kernel/btf/vmlinux")
    );
    assert_eq!(
        report["kernel"]["btf"]["size"],
        std::fs::metadata("/sys/kernel/btf/vmlinux").unwrap().len()
    );

    for name in [
        "privileges",
        "bpf_syscall",
        "btf",
        "bpffs",
        "tracefs",
        "core_task_struct",
        "tracepoint",
        "perf_buffer",
        "ringbuf",
        "raw_tracepoint",
        "uprobe",
        "test_run_xdp",
        "test_run_socket_filter",
    ] {
        assert_eq!(
            probe(&report, name)["status"],
            "pass",
            "{name}: {}",
            probe(&report, name)
        );
    }
    // kprobe and fentry: pass exactly where the kernel offers them, otherwise unsupported (never fail).
    let kprobe = if facility("kprobe") {
        "pass"
    } else {
        "unsupported"
    };
    assert_eq!(
        probe(&report, "kprobe")["status"],
        kprobe,
        "{}",
        probe(&report, "kprobe")
    );
    let fentry = if bpftool_prog_type_available("tracing") {
        "pass"
    } else {
        "unsupported"
    };
    assert_eq!(
        probe(&report, "fentry")["status"],
        fentry,
        "{}",
        probe(&report, "fentry")
    );

    // The CO-RE probe's detail carries what the program read; it must be this process's child, i.e. the ebpfctl
    // process, whose comm is "ebpfctl".
    assert!(probe(&report, "core_task_struct")["detail"]
        .as_str()
        .unwrap()
        .contains("comm=\"ebpfctl\""));

    let jit = std::fs::read_to_string("/proc/sys/net/core/bpf_jit_enable").unwrap();
    assert!(probe(&report, "jit")["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("bpf_jit_enable={}", jit.trim())));

    let summary = &report["summary"];
    let total = report["probes"].as_array().unwrap().len() as u64;
    let counted: u64 = ["pass", "fail", "unsupported", "permission"]
        .iter()
        .map(|k| summary[*k].as_u64().unwrap())
        .sum();
    assert_eq!(counted, total);
    assert_eq!(summary["fail"], 0);
}

#[test]
fn check_mounts_bpffs_and_tracefs_where_missing() {
    // Mount namespaces keep this from disturbing other tests: unshare gives the check a private mount table in
    // which both file systems are unmounted first.
    let script = format!(
        "umount /sys/fs/bpf 2>/dev/null; umount /sys/kernel/tracing 2>/dev/null; {} -j check >/tmp/ebpfctl-mount-test.json; \
         grep -c ' /sys/fs/bpf bpf ' /proc/mounts; grep -c ' /sys/kernel/tracing tracefs ' /proc/mounts; \
         stat -c %a /sys/fs/bpf /sys/kernel/tracing",
        bin()
    );
    let out = common::host_command("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Mounted root's only (mode=0700), as bpftool mounts them; bpffs adds the sticky bit.
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["1", "1", "1700", "700"],
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string("/tmp/ebpfctl-mount-test.json").unwrap())
            .unwrap();
    for name in ["bpffs", "tracefs"] {
        let detail = probe(&report, name)["detail"].as_str().unwrap().to_string();
        assert!(
            detail.starts_with("was missing; mounted"),
            "{name}: {detail}"
        );
    }
}

#[test]
fn check_in_a_containers_network_namespace_does_not_call_the_jit_missing() {
    // A pod without hostNetwork has its own network namespace, where the kernel shows no net.core.bpf_jit_*
    // sysctls (they are registered for the initial namespace only); the JIT is there all the same, so
    // "unsupported" (the kernel lacks it) would be false. The host's value is read first to make sure this kernel
    // has the sysctl at all.
    assert!(Path::new("/proc/sys/net/core/bpf_jit_enable").exists());
    let out = common::host_command("unshare")
        .args(["--net", "--"])
        .arg(bin())
        .args(["-j", "check"])
        .output()
        .expect("unshare (util-linux)");
    let report: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let jit = probe(&report, "jit");
    assert_eq!(jit["status"], "pass", "{jit}");
    assert!(
        jit["detail"]
            .as_str()
            .unwrap()
            .contains("not in the initial network namespace"),
        "{jit}"
    );
}

#[test]
fn check_as_nobody_names_the_missing_capability_and_exits_1() {
    let out = common::host_command("setpriv")
        .args([
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--",
        ])
        .arg(bin())
        .args(["-j", "check"])
        .output()
        .expect("setpriv (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON even without privileges");
    assert_eq!(report["verdict"], "fail");
    let privileges = probe(&report, "privileges");
    assert_eq!(privileges["status"], "fail");
    assert!(
        privileges["detail"]
            .as_str()
            .unwrap()
            .contains("missing capability CAP_BPF"),
        "{privileges}"
    );
    // EPERM from bpf() to a process without capabilities is a permission matter, and so is every probe it stops.
    let bpf = probe(&report, "bpf_syscall");
    assert_eq!(bpf["status"], "permission");
    assert!(
        bpf["detail"]
            .as_str()
            .unwrap()
            .contains("operation not permitted"),
        "{bpf}"
    );
    assert_eq!(probe(&report, "uprobe")["status"], "permission");
    assert_eq!(report["summary"]["unsupported"], 0, "{report:#}");
}

#[test]
fn check_without_cap_sys_admin_reports_permission_not_absence() {
    // CAP_BPF and CAP_PERFMON without CAP_SYS_ADMIN, in a private mount table where tracefs is not mounted (and
    // cannot be, without CAP_SYS_ADMIN): the syscall tracepoints exist on this kernel, so "unsupported" would be a
    // lie; the probes must say what is missing instead.
    let script = format!(
        "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; \
         exec setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin {} -j check",
        bin()
    );
    let out = common::host_command("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .output()
        .expect("unshare and setpriv (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(probe(&report, "privileges")["status"], "pass", "{report:#}");
    for name in ["tracefs", "tracepoint", "ringbuf", "kprobe", "uprobe"] {
        let p = probe(&report, name);
        assert_eq!(p["status"], "permission", "{name}: {p}");
        assert!(
            p["detail"].as_str().unwrap().contains("CAP_SYS_ADMIN"),
            "{name} names the capability: {p}"
        );
    }
    // The raw tracepoint needs neither tracefs nor CAP_SYS_ADMIN: it still runs.
    assert_eq!(probe(&report, "raw_tracepoint")["status"], "pass");
    assert!(
        report["probes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] != "unsupported" || p["name"] == "fentry"),
        "{report:#}"
    );
}

#[test]
fn check_table_colours_on_a_terminal_unless_no_color() {
    let under_tty = |no_color: bool| {
        let mut cmd = common::host_command("script");
        cmd.args(["-qec", &format!("{} check", bin()), "/dev/null"]);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        String::from_utf8_lossy(&cmd.output().expect("script (util-linux)").stdout).into_owned()
    };
    let coloured = under_tty(false);
    assert!(
        coloured.contains("PROBE") && coloured.contains("verdict: PASS"),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b["), "expected ANSI colour on a TTY");
    let plain = under_tty(true);
    assert!(
        plain.contains("verdict: PASS") && !plain.contains("\x1b["),
        "NO_COLOR must turn colour off"
    );

    let piped = ebpfctl(&["check"]);
    assert!(
        piped.stdout.lines().nth(1).unwrap().starts_with("PROBE"),
        "{}",
        piped.stdout
    );
    assert!(!piped.stdout.contains("\x1b["));
}

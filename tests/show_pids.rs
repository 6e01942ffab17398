//! `pids` for objects held by another process: a child loads the fixture and pins it, ebpfctl must name the
//! child (pid and comm) as holder; once the child exits, the pinned objects remain and have no holders.

use crate::common;
use crate::show_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use common::ebpfctl_json;
use show_support::*;

const HOLDER_ENV: &str = "EBPFCTL_SHOW_HOLDER_DIR";

/// The child's body, run when the test binary re-executes itself with HOLDER_ENV set: it loads the fixture,
/// pins one program and one map where the parent says, prints READY and holds its fds until its stdin closes.
fn holder_child(dir: String) {
    let mut obj = load("show_select");
    pin_prog(
        &mut obj,
        "show_selector_only_once",
        &std::path::Path::new(&dir).join("prog"),
    );
    pin_map(
        &mut obj,
        "show_selector_map_long",
        &std::path::Path::new(&dir).join("map"),
    );
    println!("READY");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

#[test]
fn holders_are_the_processes_with_fds() {
    if let Ok(dir) = std::env::var(HOLDER_ENV) {
        return holder_child(dir);
    }
    let pins = PinDir::new("pids");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "show_pids::holders_are_the_processes_with_fds",
            "--nocapture",
        ])
        .env(HOLDER_ENV, &pins.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the holder");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.map(|l| l.contains("READY")).unwrap_or(false)),
        "the holder never got ready"
    );
    let child_comm = std::fs::read_to_string(format!("/proc/{}/comm", child.id())).unwrap();
    for (object, pin) in [("prog", "prog"), ("map", "map")] {
        let shown = ebpfctl_json(&[object, "show", "pinned", &pins.path_str(pin)]);
        let pids = shown["pids"].as_array().unwrap().clone();
        let holder = pids
            .iter()
            .find(|p| p["pid"] == child.id())
            .unwrap_or_else(|| panic!("{object}: child {} not in {pids:?}", child.id()));
        assert_eq!(holder["comm"], child_comm.trim_end());
        // This process never opened these objects.
        assert!(
            !pids.iter().any(|p| p["pid"] == std::process::id()),
            "{pids:?}"
        );
        assert_eq!(shown["pinned"], serde_json::json!([pins.path_str(pin)]));
    }
    unreadable_holder_is_reported(child.id(), &pins.path_str("map"));
    drop(child.stdin.take());
    child.wait().unwrap();
    for (object, pin) in [("prog", "prog"), ("map", "map")] {
        let shown = ebpfctl_json(&[object, "show", "pinned", &pins.path_str(pin)]);
        assert_eq!(
            shown["pids"],
            serde_json::json!([]),
            "{object} after the holder exited"
        );
    }
}

/// `pids` is never silently incomplete: run without CAP_SYS_PTRACE (but with what `map show` itself needs), this
/// root-owned holder's fds cannot be read, and --debug says so, naming the process.
fn unreadable_holder_is_reported(holder: u32, map_pin: &str) {
    let id = ebpfctl_json(&["map", "show", "pinned", map_pin])["id"].clone();
    let caps = "-all,+sys_admin,+bpf,+dac_override";
    let out = common::host_command("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
        .arg(format!("--inh-caps={caps}"))
        .arg(format!("--ambient-caps={caps}"))
        .arg("--")
        .arg(common::bin())
        .args(["-d", "-j", "map", "show", "id", &id.to_string()])
        .output()
        .expect("setpriv (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["id"], id);
    assert!(
        !shown["pids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["pid"] == holder),
        "{shown}"
    );
    let note = format!("pids: cannot read the fds of process {holder}: permission denied");
    assert!(stderr.contains(&note), "no `{note}` in:\n{stderr}");
}

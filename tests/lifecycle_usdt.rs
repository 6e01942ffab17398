//! USDT on the live kernel: a C test binary with a sys/sdt.h probe (tests/lifecycle_util/usdt_target.c), the
//! fixture's SEC("usdt/lc_usdt_target:lc_test:hit") attached by `prog loadall ... autoattach` (libbpf finds the
//! binary on PATH) and pinned, every firing counted with its argument decoded, then `link detach` leaving no
//! link and no more counts.

use crate::common;
use crate::lifecycle_util;

use std::path::{Path, PathBuf};

use common::{bin, bpftool_json, ebpfctl, ebpfctl_json, fixture, host_command, Run};
use lifecycle_util::{exists, links_of_prog_settled, prog_id, BpffsDir};

/// Builds the target binary into a directory of its own (it is found by name on PATH) and returns the directory.
fn target_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("usdt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lifecycle_util/usdt_target.c");
    let ok = host_command("cc")
        .args(["-O2", "-o"])
        .arg(dir.join("lc_usdt_target"))
        .arg(&src)
        .status()
        .expect("cc")
        .success();
    assert!(
        ok,
        "building the USDT target (needs systemtap-sdt-dev, scripts/setup.sh)"
    );
    dir
}

/// `ebpfctl -j args` with `dir` first on PATH.
fn ebpfctl_with_path(dir: &Path, args: &[&str]) -> Run {
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(bin())
        .arg("-j")
        .args(args)
        .env("PATH", path)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fire(dir: &Path, n: u32) {
    let ok = host_command(dir.join("lc_usdt_target").to_str().unwrap())
        .arg(n.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// usdt_counts: [hits, sum of the probe's argument].
fn counts(dir: &BpffsDir) -> Vec<u64> {
    lifecycle_util::counts(&dir.join("maps/usdt_counts"))
}

#[test]
fn usdt_autoattach_counts_probe_hits_with_arguments_and_detaches() {
    let bin_dir = target_dir();
    let dir = BpffsDir::new("us");
    let obj = fixture("lifecycle_usdt");
    let args = [
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "pinmaps",
        &dir.join("maps"),
        "autoattach",
    ];

    // Without the binary on PATH libbpf cannot resolve it: one error, nothing left on bpffs.
    let missing = ebpfctl_with_path(Path::new("/nonexistent"), &args);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .starts_with("ebpfctl: program lc_usdt_hit: cannot attach"),
        "{}",
        missing.stderr
    );
    assert!(
        !exists(&dir.path()),
        "a failed autoattach left {}",
        dir.path()
    );

    let run = ebpfctl_with_path(&bin_dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let pin = dir.join("lc_usdt_hit");
    assert_eq!(report["links"][0]["pinned"], pin.as_str(), "{report}");
    let link = bpftool_json(&["link", "show", "pinned", &pin]);
    let id = link["prog_id"].as_u64().unwrap();
    assert_eq!(
        bpftool_json(&["prog", "show", "id", &id.to_string()])["name"],
        "lc_usdt_hit"
    );
    assert_eq!(link["id"], report["links"][0]["id"]);
    // ebpfctl's view of the same link: a uprobe on the target binary (uprobe_multi on 6.6+).
    let ours = ebpfctl_json(&["link", "show", "pinned", &pin]);
    let target = std::fs::canonicalize(bin_dir.join("lc_usdt_target")).unwrap();
    assert_eq!(ours["path"], target.display().to_string(), "{ours}");

    fire(&bin_dir, 5);
    assert_eq!(counts(&dir), vec![5, 15], "5 hits with arguments 1..5");

    let detached = ebpfctl_json(&["link", "detach", "pinned", &pin]);
    assert_eq!(
        detached["links"][0]["pins_removed"][0],
        pin.as_str(),
        "{detached}"
    );
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
    fire(&bin_dir, 3);
    assert_eq!(counts(&dir), vec![5, 15], "counted after detach");

    let again = ebpfctl(&["link", "detach", "pinned", &pin]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    let _ = std::fs::remove_dir_all(&bin_dir);
}

/// `prog attach PROG usdt` cannot build libbpf's USDT spec maps for a program loaded elsewhere: it says so and
/// points at autoattach, exit 2.
#[test]
fn usdt_prog_attach_points_at_autoattach() {
    let dir = lifecycle_util::load_progs("ua");
    let prog = dir.join("lc_uprobe");
    let run = ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "usdt",
        "/bin/true",
        "main",
        "--pin",
        &dir.join("l"),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("autoattach"), "{}", run.stderr);
    assert!(!exists(&dir.join("l")));
    assert_eq!(links_of_prog_settled(prog_id(&prog)), 0);
}

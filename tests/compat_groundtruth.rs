//! Ground truth for `compat check` on the running kernel: the tests/bpf/gt_*.bpf.c objects (written to differ between
//! kernels) are checked offline against /sys/kernel/btf/vmlinux, then loaded for real with `ebpfctl prog load`; the
//! verdict must equal the outcome. scripts/kernel-matrix.sh does the same for each qemu kernel (5.10, 6.1, 6.12)
//! with that kernel's extracted BTF. Also the `--kconfig` check against what libbpf does with a given config.

mod common;

use std::ffi::CString;
use std::path::Path;

use common::{ebpfctl, fixture, PinDir};

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Compared on this kernel.
const LIVE: &[&str] = &[
    "gt_state",
    "gt_guarded_state",
    "gt_loop",
    "gt_strncmp",
    "gt_kfunc",
    "gt_tp_btf",
    "gt_user_ringbuf",
    "gt_cgrp_storage",
];

/// Not compared on this kernel: it refuses every fentry program at load (EPERM, whatever the target), so a load
/// here cannot tell a right verdict from a wrong one. The qemu matrix kernels load them and are their truth.
/// `fentry_is_refused_here` keeps this reason honest.
const QEMU_ONLY: &[&str] = &["gt_fentry_old", "gt_fentry_new"];

/// `compat check OBJ --btf BTF [extra]`: whether it says compatible, with the exit code checked against that.
fn verdict(obj: &Path, extra: &[&str]) -> (bool, serde_json::Value) {
    let p = obj.display().to_string();
    let mut args = vec!["-j", "compat", "check", &p, "--btf", VMLINUX];
    args.extend_from_slice(extra);
    let run = ebpfctl(&args);
    let v: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{p}: compat check prints JSON ({e}): {}", run.stderr));
    let compatible = v["compatible"].as_bool().expect("compatible is a bool");
    assert_eq!(
        run.code,
        if compatible { 0 } else { 1 },
        "{p}: exit code follows the verdict"
    );
    (compatible, v)
}

/// `ebpfctl prog load OBJ PIN`: Ok when the kernel took the object, Err(ebpfctl's error) otherwise.
fn prog_load(obj: &Path, pins: &PinDir, name: &str) -> Result<(), String> {
    let run = ebpfctl(&[
        "-j",
        "prog",
        "load",
        &obj.display().to_string(),
        &pins.pin(name),
    ]);
    match run.code {
        0 => Ok(()),
        _ => Err(run.stderr.trim().to_string()),
    }
}

#[test]
fn every_verdict_equals_the_real_load_on_this_kernel() {
    let pins = PinDir::new("gt_live");
    let mut wrong = Vec::new();
    for name in LIVE {
        let obj = fixture(name);
        let (compatible, v) = verdict(&obj, &[]);
        let loaded = prog_load(&obj, &pins, name);
        if compatible != loaded.is_ok() {
            wrong.push(format!(
                "{name} on the live kernel: compat check says compatible={compatible}, load: {loaded:?}\n{v:#}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn fentry_is_refused_here() {
    // gt_fentry_new's target exists on this kernel and compat check says compatible; the kernel still refuses it.
    let pins = PinDir::new("gt_fentry");
    let obj = fixture("gt_fentry_new");
    assert!(
        verdict(&obj, &[]).0,
        "do_tcp_setsockopt is in this kernel's BTF"
    );
    let err = prog_load(&obj, &pins, "f")
        .expect_err("this kernel loads fentry programs now: move the QEMU_ONLY objects into LIVE");
    assert!(err.contains("EPERM"), "{err}");
    for name in QEMU_ONLY {
        fixture(name);
    }
}

/// Loads `obj` with libbpf, giving it `kconfig` as its Kconfig text (bpf_object_open_opts.kconfig: libbpf reads the
/// system's config only for externs this text leaves unset).
fn libbpf_loads_with_kconfig(obj: &Path, kconfig: &str) -> bool {
    libbpf_rs::set_print(None);
    let path = CString::new(obj.display().to_string()).expect("path");
    let text = CString::new(kconfig).expect("kconfig text");
    // SAFETY: opts is zeroed then sized as libbpf requires; the CStrings outlive open and load; the object is closed.
    unsafe {
        let mut opts: libbpf_sys::bpf_object_open_opts = std::mem::zeroed();
        opts.sz = std::mem::size_of::<libbpf_sys::bpf_object_open_opts>() as _;
        opts.kconfig = text.as_ptr();
        let o = libbpf_sys::bpf_object__open_file(path.as_ptr(), &opts);
        if o.is_null() {
            return false;
        }
        let ok = libbpf_sys::bpf_object__load(o) == 0;
        libbpf_sys::bpf_object__close(o);
        ok
    }
}

fn kconfig_file(test: &str, text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("gt_kconfig_{}_{test}", std::process::id()));
    std::fs::write(&p, text).expect("write kconfig");
    p
}

/// compat check with `--kconfig` (a file holding `text`) against libbpf loading the object with that config.
fn assert_kconfig_verdict_matches(test: &str, text: &str, want_compatible: bool) {
    let obj = fixture("gt_kconfig");
    let file = kconfig_file(test, text);
    let (compatible, v) = verdict(&obj, &["--kconfig", &file.display().to_string()]);
    let _ = std::fs::remove_file(&file);
    let loads = libbpf_loads_with_kconfig(&obj, text);
    assert_eq!(
        compatible, loads,
        "gt_kconfig with config {text:?}: verdict vs libbpf load\n{v:#}"
    );
    assert_eq!(compatible, want_compatible, "{text:?}: {v:#}");
}

#[test]
fn kconfig_that_sets_the_extern_is_compatible_and_loads() {
    assert_kconfig_verdict_matches("y", "CONFIG_EBPFCTL_GROUNDTRUTH=y\n", true);
}

#[test]
fn kconfig_n_still_sets_the_extern() {
    // libbpf gives a bool extern `=n` the value false: resolved, the object loads.
    assert_kconfig_verdict_matches("n", "CONFIG_BPF=y\nCONFIG_EBPFCTL_GROUNDTRUTH=n\n", true);
}

#[test]
fn kconfig_that_leaves_the_extern_unset_is_incompatible_and_does_not_load() {
    assert_kconfig_verdict_matches(
        "unset",
        "CONFIG_BPF=y\n# CONFIG_EBPFCTL_GROUNDTRUTH is not set\n",
        false,
    );
}

#[test]
fn live_kernel_config_verdict_equals_prog_load() {
    // The running kernel's own config (libbpf reads /proc/config.gz itself when it is given none).
    let config = "/proc/config.gz";
    assert!(Path::new(config).exists(), "this kernel exposes {config}");
    let obj = fixture("gt_kconfig");
    let (compatible, v) = verdict(&obj, &["--kconfig", config]);
    let pins = PinDir::new("gt_kconfig");
    let loaded = prog_load(&obj, &pins, "k");
    assert_eq!(compatible, loaded.is_ok(), "{loaded:?}\n{v:#}");
    assert!(
        !compatible,
        "no kernel sets CONFIG_EBPFCTL_GROUNDTRUTH: {v:#}"
    );
}

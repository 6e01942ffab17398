//! Ground truth for `compat check` on the running kernel: every tests/bpf/gt_*.bpf.c object (written the way real
//! tools are written, and to differ between kernels) is checked offline against /sys/kernel/btf/vmlinux and with
//! `--live`, then loaded for real with `ebpfctl prog loadall` (and `bpftool prog loadall` as an oracle for that);
//! each verdict must equal the outcome. scripts/kernel-matrix.sh does the same in the qemu kernels (5.10, 6.1,
//! 6.12) with their extracted BTF. Also: --map-size, --require-attach, --kconfig, and permission errors.

use crate::common;

use std::ffi::CString;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use common::{bin, ebpfctl, fixture, host_command, PinDir};
use serde_json::Value;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Objects whose sections bpftool 7.1's libbpf (1.1) does not know, so that `bpftool prog loadall` cannot even open
/// them here, while libbpf 1.7 (ebpfctl's) loads them: ebpfctl's `prog loadall` is the truth for these.
const UNKNOWN_TO_OLD_LIBBPF: &[&str] = &["gt_connect_unix", "gt_netfilter", "gt_tcx"];

/// Every corpus object but gt_kconfig (a strong CONFIG_ extern no kernel sets; the kconfig tests below cover it).
fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/bpf")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".bpf.c")?;
            (stem.starts_with("gt_") && stem != "gt_kconfig").then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// Offline disagreements docs/compat.md explains for this kernel (`live` lines of tests/bpf/gt_offline_known.txt).
fn known_offline() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf/gt_offline_known.txt");
    std::fs::read_to_string(path)
        .expect("gt_offline_known.txt")
        .lines()
        .filter_map(|l| l.strip_prefix("live "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// `compat check -j objs... extra`: object name → its result, with the exit code checked against the verdicts.
fn verdicts(objs: &[PathBuf], extra: &[&str]) -> Vec<(String, Value)> {
    let paths: Vec<String> = objs.iter().map(|o| o.display().to_string()).collect();
    let mut args = vec!["-j", "compat", "check"];
    args.extend(paths.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let run = ebpfctl(&args);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("compat check prints JSON ({e}): {}", run.stderr));
    let all = v["compatible"].as_bool().expect("compatible");
    assert_eq!(
        run.code,
        if all { 0 } else { 1 },
        "exit code follows the verdicts"
    );
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let name = Path::new(r["object"].as_str().unwrap())
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .trim_end_matches(".bpf")
                .to_string();
            (name, r.clone())
        })
        .collect()
}

/// `ebpfctl prog loadall OBJ DIR`: Ok when libbpf loaded every program and map, Err(ebpfctl's error) otherwise.
fn loadall(obj: &Path, pins: &PinDir, name: &str) -> Result<(), String> {
    let run = ebpfctl(&[
        "-j",
        "prog",
        "loadall",
        &obj.display().to_string(),
        &pins.pin(name),
    ]);
    match run.code {
        0 => Ok(()),
        _ => Err(run.stderr.trim().to_string()),
    }
}

/// Objects with SEC("?...") alternatives: libbpf loads them fine, but bpftool's `loadall` (7.1 here, and libbpf's
/// bpf_object__pin_programs to this day) then tries to pin the programs it did not load and fails the command
/// with "can't pin program that wasn't loaded". ebpfctl pins what was loaded: for these the oracle is wrong.
const AUTOLOAD_OFF: &[&str] = &["gt_autoload_alt"];

/// bpftool prog loadall: success, or its stderr.
fn bpftool_loadall(obj: &Path, pins: &PinDir, name: &str) -> Result<(), String> {
    let out = host_command("bpftool")
        .args([
            "prog",
            "loadall",
            &obj.display().to_string(),
            &pins.pin(name),
        ])
        .output()
        .expect("bpftool");
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

#[test]
fn every_verdict_equals_prog_loadall_on_this_kernel() {
    let names = corpus();
    assert!(names.len() >= 60, "the corpus has {} objects", names.len());
    let objs: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let offline = verdicts(&objs, &["--btf", VMLINUX]);
    let live = verdicts(&objs, &["--live"]);
    let known = known_offline();
    let pins = PinDir::new("gt_corpus");
    let mut wrong = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let loaded = loadall(&objs[i], &pins, name);
        let oracle = || bpftool_loadall(&objs[i], &pins, &format!("{name}_bpftool"));
        if AUTOLOAD_OFF.contains(&name.as_str()) {
            let refused = oracle().expect_err("bpftool 7.1 cannot pin a program it did not load");
            assert!(
                refused.contains("can't pin program that wasn't loaded"),
                "{name}: bpftool fails for another reason: {refused}"
            );
        } else if !UNKNOWN_TO_OLD_LIBBPF.contains(&name.as_str()) {
            assert_eq!(
                oracle().is_ok(),
                loaded.is_ok(),
                "{name}: bpftool prog loadall vs ebpfctl's: {loaded:?}"
            );
        }
        let (off, on) = (&offline[i].1, &live[i].1);
        assert_eq!((&offline[i].0, &live[i].0), (name, name));
        if on["compatible"].as_bool() != Some(loaded.is_ok()) {
            wrong.push(format!("{name} --live: {loaded:?}\n{on:#}"));
        }
        let agrees = off["compatible"].as_bool() == Some(loaded.is_ok());
        match (agrees, known.contains(name)) {
            (false, false) => wrong.push(format!("{name} offline: {loaded:?}\n{off:#}")),
            (true, true) => wrong.push(format!(
                "{name} agrees offline now: remove it from gt_offline_known.txt"
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn bpftool_of_libbpf_1_1_cannot_open_newer_sections() {
    // Keeps UNKNOWN_TO_OLD_LIBBPF honest: these fail in bpftool for their section name, not for the kernel.
    let pins = PinDir::new("gt_old_libbpf");
    for name in UNKNOWN_TO_OLD_LIBBPF {
        let out = host_command("bpftool")
            .args([
                "prog",
                "loadall",
                &fixture(name).display().to_string(),
                &pins.pin(name),
            ])
            .output()
            .expect("bpftool");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("failed to guess program type"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn live_trial_load_names_the_verifiers_refusal_beside_the_static_reason() {
    let obj = fixture("gt_rawtp_sock_helper");
    let (_, v) = verdicts(&[obj], &["--live"]).remove(0);
    let p = &v["programs"][0];
    assert_eq!(v["trial_load"]["loaded"], false, "{v:#}");
    let load_error = p["load_error"].as_str().expect("load_error");
    assert!(load_error.contains("bpf_skb_load_bytes"), "{v:#}");
    let reasons = p["reasons"].to_string();
    assert!(
        reasons.contains("helper bpf_skb_load_bytes not available to raw_tracepoint programs"),
        "{v:#}"
    );
}

#[test]
fn maps_the_loader_sizes_are_named_and_can_be_sized_like_the_loader() {
    let obj = fixture("gt_profile");
    for extra in [&["--btf", VMLINUX][..], &["--live"][..]] {
        let (_, v) = verdicts(std::slice::from_ref(&obj), extra).remove(0);
        assert_eq!(v["compatible"], false, "{v:#}");
        assert!(
            v["reasons"][0]
                .as_str()
                .unwrap()
                .starts_with("map stackmap: max_entries is 0"),
            "{v:#}"
        );
        let sized = [
            extra,
            &[
                "--map-size",
                "stackmap=1024",
                "--map-value-size",
                "stackmap=1016",
            ],
        ]
        .concat();
        let (_, v) = verdicts(std::slice::from_ref(&obj), &sized).remove(0);
        assert_eq!(v["compatible"], true, "{extra:?} with sizes: {v:#}");
    }
    // The truth for a loader that sizes the map this way: libbpf loads the object with those sizes.
    libbpf_rs::set_print(None);
    let mut open = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj)
        .expect("open");
    for mut m in open.maps_mut().filter(|m| m.name() == "stackmap") {
        m.set_max_entries(1024).expect("max_entries");
        m.set_value_size(1016).expect("value_size");
    }
    assert!(
        open.load().is_ok(),
        "gt_profile loads once its stack map is sized"
    );
    let bad = ebpfctl(&[
        "compat",
        "check",
        &obj.display().to_string(),
        "--map-size",
        "stackmap",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn per_cpu_ring_buffers_are_sized_outer_and_inner_like_the_loader() {
    let obj = fixture("gt_ringbuf_percpu");
    let one = std::slice::from_ref(&obj);
    let first_reason = |extra: &[&str]| {
        let (_, v) = verdicts(one, extra).remove(0);
        assert_eq!(v["compatible"], false, "{extra:?}: {v:#}");
        v["reasons"][0].as_str().unwrap().to_string()
    };
    for extra in [&["--btf", VMLINUX][..], &["--live"][..]] {
        let outer_unsized = first_reason(extra);
        assert!(
            outer_unsized.starts_with("map ringbuf_maps: max_entries is 0")
                && outer_unsized.ends_with("--map-size ringbuf_maps=N)"),
            "{outer_unsized}"
        );
        // The outer map sized, the inner template still has no size: libbpf creates it first and fails there.
        let outer = [extra, &["--map-size", "ringbuf_maps=4"]].concat();
        let inner_unsized = first_reason(&outer);
        assert!(
            inner_unsized.starts_with("inner map ringbuf_maps.inner: max_entries is 0")
                && inner_unsized.ends_with("--map-size ringbuf_maps.inner=N)"),
            "{inner_unsized}"
        );
        // 5000 bytes: libbpf makes a ring buffer a power-of-two number of pages, and so does --map-size.
        let both = [&outer[..], &["--map-size", "ringbuf_maps.inner=5000"]].concat();
        let (_, v) = verdicts(one, &both).remove(0);
        assert_eq!(v["compatible"], true, "{both:?}: {v:#}");
    }
    // A size the kernel refuses for the template the trial load creates: named, not a bare errno.
    let refused = first_reason(&[
        "--live",
        "--map-size",
        "ringbuf_maps=4",
        "--map-size",
        "ringbuf_maps.inner=4294967295",
    ]);
    assert!(
        refused.contains("creating its inner map with the sizes given for ringbuf_maps.inner"),
        "{refused}"
    );
    // The truth, as falco's loader does it: the outer map sized to the CPUs, the inner template a ring buffer it
    // creates itself and hands to libbpf.
    libbpf_rs::set_print(None);
    let open = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj)
        .expect("open");
    assert!(
        open.load().is_err(),
        "as compiled, no kernel creates the maps"
    );
    let mut open = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj)
        .expect("open");
    let template = libbpf_rs::MapHandle::create(
        libbpf_rs::MapType::RingBuf,
        Some("ringbuf_tmpl"),
        0,
        0,
        8192,
        &libbpf_sys::bpf_map_create_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
            ..Default::default()
        },
    )
    .expect("ring buffer template");
    for mut m in open.maps_mut().filter(|m| m.name() == "ringbuf_maps") {
        m.set_max_entries(4).expect("max_entries");
        m.set_inner_map_fd(template.as_fd()).expect("inner map fd");
    }
    assert!(open.load().is_ok(), "loads once both are sized");
}

/// The attach status and reason of program `prog` in a result.
fn attach_of<'a>(v: &'a Value, prog: &str) -> &'a Value {
    v["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == prog)
        .unwrap_or_else(|| panic!("no program {prog}: {v:#}"))
}

#[test]
fn kprobe_targets_decide_attach_not_load_unless_required() {
    let obj = fixture("gt_tcpconnect_kp");
    let one = std::slice::from_ref(&obj);
    // Offline with this kernel's symbols: one alternative is missing, which only --require-attach holds against it.
    let kallsyms = ["--btf", VMLINUX, "--kallsyms", "/proc/kallsyms"];
    let (_, v) = verdicts(one, &kallsyms).remove(0);
    assert_eq!(v["compatible"], true, "{v:#}");
    assert_eq!(attach_of(&v, "trace_connect_v4_entry")["attach"], "ok");
    assert_eq!(
        attach_of(&v, "trace_missing_alternative")["attach"],
        "missing target",
        "{v:#}"
    );
    let (_, v) = verdicts(one, &[&kallsyms[..], &["--require-attach"]].concat()).remove(0);
    assert_eq!(v["compatible"], false, "{v:#}");
    // Without symbols, a function BTF does not have cannot be told missing: unknown, which does not count.
    let (_, v) = verdicts(one, &["--btf", VMLINUX, "--require-attach"]).remove(0);
    assert_eq!(
        attach_of(&v, "trace_missing_alternative")["attach"],
        "unknown",
        "{v:#}"
    );
    assert_eq!(v["compatible"], true, "{v:#}");
    // The running kernel: the programs load, and attach needs kprobes, which this kernel may lack.
    let kprobes = Path::new("/sys/bus/event_source/devices/kprobe").exists()
        || Path::new("/sys/kernel/tracing/kprobe_events").exists();
    let (_, v) = verdicts(one, &["--live", "--require-attach"]).remove(0);
    let status = &attach_of(&v, "trace_connect_v4_entry")["attach"];
    assert_eq!(status, if kprobes { "ok" } else { "unsupported" }, "{v:#}");
    assert_eq!(v["trial_load"]["loaded"], true, "{v:#}");
}

#[test]
fn live_without_privileges_is_a_permission_error_not_a_verdict() {
    let obj = fixture("gt_runqslow").display().to_string();
    let out = host_command("setpriv")
        .args([
            "--bounding-set=-sys_admin,-bpf,-perfmon,-net_admin",
            "--inh-caps=-sys_admin,-bpf,-perfmon,-net_admin",
            "--",
        ])
        .arg(bin())
        .args(["-j", "compat", "check", &obj, "--live"])
        .output()
        .expect("setpriv (util-linux)");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("error object");
    assert_eq!(v["kind"], "permission", "{v}");
    assert!(v["error"].as_str().unwrap().contains("CAP_BPF"), "{v}");
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

fn kconfig_file(test: &str, text: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("gt_kconfig_{}_{test}", std::process::id()));
    std::fs::write(&p, text).expect("write kconfig");
    p
}

/// compat check with `--kconfig` (a file holding `text`) against libbpf loading the object with that config.
fn assert_kconfig_verdict_matches(test: &str, text: &str, want_compatible: bool) {
    let obj = fixture("gt_kconfig");
    let file = kconfig_file(test, text);
    let (_, v) = verdicts(
        std::slice::from_ref(&obj),
        &["--btf", VMLINUX, "--kconfig", &file.display().to_string()],
    )
    .remove(0);
    let _ = std::fs::remove_file(&file);
    let compatible = v["compatible"].as_bool().unwrap();
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
    // The running kernel's own config (libbpf reads /proc/config.gz itself when it is given none); --live reads it
    // the same way.
    let config = "/proc/config.gz";
    assert!(Path::new(config).exists(), "this kernel exposes {config}");
    let obj = fixture("gt_kconfig");
    let pins = PinDir::new("gt_kconfig");
    let loaded = loadall(&obj, &pins, "k");
    for extra in [
        &["--btf", VMLINUX, "--kconfig", config][..],
        &["--live"][..],
    ] {
        let (_, v) = verdicts(std::slice::from_ref(&obj), extra).remove(0);
        assert_eq!(
            v["compatible"].as_bool(),
            Some(loaded.is_ok()),
            "{extra:?}: {loaded:?}\n{v:#}"
        );
    }
    assert!(loaded.is_err(), "no kernel sets CONFIG_EBPFCTL_GROUNDTRUTH");
}

/// Guards nobody here chose: scripts/random-core-guards.py writes objects of random CO-RE guards (field, type and
/// enumerator existence, sizes, weak kfuncs, .rodata switches, LINUX_KERNEL_VERSION; combined, negated, kept in a
/// variable or on the stack, in loops, callbacks, static and global functions) around reads that this kernel
/// can or cannot satisfy, and compares the offline verdict (`--btf`: no trial load) and the live one with
/// bpftool's load of each. The seed is fixed so a failure reproduces; `scripts/random-core-guards.py BIN SEED
/// ROUNDS DIR` runs longer campaigns.
#[test]
fn random_core_guards_are_judged_as_the_kernel_loads_them() {
    let rounds = 40;
    let run = common::run_bpf_script("random-core-guards.py", &["11", &rounds.to_string()]);
    let summary = &run.summary;
    assert!(run.success, "{}", run.output);
    let count = |k: &str| summary[k].as_u64().unwrap_or(0);
    assert_eq!(count("offline_agree"), rounds, "{summary}");
    assert_eq!(count("live_agree"), rounds, "{summary}");
    // Both answers occur, so an always-yes or always-no verdict cannot pass.
    assert!(count("loaded") >= 5 && count("refused") >= 5, "{summary}");
}

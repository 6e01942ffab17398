//! `feature probe` and `feature list_builtins` against the live kernel: helper lists against programs that really
//! load, the JSON contract against bpftool's (top-level keys, key names, value types), and bpftool's values where
//! bpftool is right.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture, host_command};
use serde_json::Value;

const NOISY: [&str; 3] = [
    "bpf_probe_write_user",
    "bpf_trace_printk",
    "bpf_trace_vprintk",
];

fn keys(v: &Value) -> Vec<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

fn helper_sets(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    report["helpers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let names = v
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_string());
            (k.clone(), names.collect())
        })
        .collect()
}

/// Loads one program of the fixture object on its own; Ok when the kernel accepts it.
fn loads_alone(obj: &std::path::Path, prog: &str) -> Result<(), String> {
    // Half of these loads fail on purpose; libbpf would print each failure to the test's stderr.
    libbpf_rs::set_print(None);
    let mut open = libbpf_rs::ObjectBuilder::default()
        .open_file(obj)
        .map_err(|e| e.to_string())?;
    for mut p in open.progs_mut() {
        let wanted = p.name() == prog;
        p.set_autoload(wanted);
    }
    open.load().map(drop).map_err(|e| e.to_string())
}

#[test]
fn helper_probes_equal_whether_real_programs_calling_the_helper_load() {
    let obj = fixture("feature_helpers");
    // `full`, so that the fixture's bpf_trace_printk and bpf_probe_write_user programs are judged too.
    let report = ebpfctl_json(&["feature", "probe", "kernel", "full"]);
    let helpers = helper_sets(&report);
    let bpftool = helper_sets(&bpftool_json(&["feature", "probe", "kernel", "full"]));
    let names: Vec<String> = {
        let open = libbpf_rs::ObjectBuilder::default()
            .open_file(&obj)
            .expect("open fixture");
        open.progs()
            .map(|p| p.name().to_string_lossy().into_owned())
            .collect()
    };
    assert!(names.len() >= 60, "{names:?}");
    let (mut loaded, mut refused, mut bpftool_wrong) = (0, 0, Vec::new());
    for name in &names {
        let (prog_type, helper) = name.split_once("__").expect("TYPE__HELPER");
        let listed = helpers[&format!("{prog_type}_available_helpers")].contains(helper);
        let outcome = loads_alone(&obj, name);
        assert_eq!(
            listed,
            outcome.is_ok(),
            "{helper} in {prog_type}: ebpfctl lists it: {listed}, a real program loads: {outcome:?}"
        );
        if outcome.is_ok() {
            loaded += 1;
        } else {
            refused += 1;
        }
        let bpftool_listed = bpftool[&format!("{prog_type}_available_helpers")].contains(helper);
        if bpftool_listed != outcome.is_ok() {
            bpftool_wrong.push(name.clone());
        }
    }
    // Both answers must occur, or the comparison proves nothing.
    assert!(
        loaded >= 20 && refused >= 20,
        "loaded {loaded}, refused {refused}"
    );
    // bpftool 7.1 is the reason this probe exists: its libbpf does not know 6.18's "program of this type cannot
    // use helper" message, so it counts refused helpers as available. Reported, not asserted: a fixed bpftool
    // must not fail this test.
    eprintln!(
        "bpftool 7.1 is wrong for {} of {}: {bpftool_wrong:?}",
        bpftool_wrong.len(),
        names.len()
    );
}

/// Chained helper probes (several calls in one load, `sys::probe::chain`) answer exactly as one load per helper
/// does, for every program type and the `--extended` kinds, the noisy helpers included; and the chained helpers
/// are not all answered the same way, or equality would prove little.
#[test]
fn chained_helper_probes_answer_as_one_load_per_helper_does() {
    let args = ["-j", "feature", "probe", "kernel", "full", "--extended"];
    let chained = ebpfctl(&args);
    let single = Command::new(common::bin())
        .args(args)
        .env("EBPFCTL_PROBE_SINGLE", "1")
        .output()
        .expect("run ebpfctl");
    assert_eq!(chained.code, 0, "{}", chained.stderr);
    assert!(single.status.success());
    let chained = chained.json();
    let single: Value = serde_json::from_slice(&single.stdout).expect("JSON");
    assert_eq!(chained["helpers"], single["helpers"]);
    assert_eq!(chained, single);
    let sets = helper_sets(&chained);
    let probed: Vec<_> = sets.values().filter(|s| !s.is_empty()).collect();
    // Chained, and on 6.18 given to some program types only: the chain's answers differ by type.
    for helper in ["bpf_ktime_get_coarse_ns", "bpf_perf_event_output"] {
        let with = probed.iter().filter(|s| s.contains(helper)).count();
        assert!(
            with > 0 && with < probed.len(),
            "{helper} in {with} of {} types",
            probed.len()
        );
    }
}

#[test]
fn kfunc_probes_equal_whether_real_programs_calling_the_kfunc_load() {
    let obj = fixture("feature_kfuncs");
    let report = ebpfctl_json(&["feature", "probe", "kernel", "--extended"]);
    let available = &report["kfuncs"]["available"];
    let names: Vec<String> = {
        let open = libbpf_rs::ObjectBuilder::default()
            .open_file(&obj)
            .expect("open fixture");
        open.progs()
            .map(|p| p.name().to_string_lossy().into_owned())
            .collect()
    };
    let (mut loaded, mut refused) = (0, 0);
    for name in &names {
        let (prog_type, kfunc) = name.split_once("__").expect("TYPE__KFUNC");
        let listed = available[prog_type]
            .as_array()
            .unwrap_or_else(|| panic!("no kfunc list for {prog_type}"))
            .iter()
            .any(|k| k == kfunc);
        let outcome = loads_alone(&obj, name);
        assert_eq!(
            listed,
            outcome.is_ok(),
            "{kfunc} in {prog_type}: listed {listed}, loads: {outcome:?}"
        );
        if outcome.is_ok() {
            loaded += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        loaded >= 5 && refused >= 3,
        "loaded {loaded}, refused {refused}"
    );
}

#[test]
fn json_has_exactly_bpftools_top_level_keys() {
    let ours = ebpfctl_json(&["feature", "probe", "kernel"]);
    let theirs = bpftool_json(&["feature", "probe", "kernel"]);
    assert_eq!(keys(&ours), keys(&theirs));
    assert_eq!(
        keys(&ours),
        [
            "system_config",
            "syscall_config",
            "program_types",
            "map_types",
            "helpers",
            "misc"
        ]
    );
    let ours = ebpfctl_json(&["feature", "probe", "dev", "lo"]);
    let theirs = bpftool_json(&["feature", "probe", "dev", "lo"]);
    assert_eq!(keys(&ours), keys(&theirs), "dev omits system_config");
    // lo cannot offload: everything bpftool probes for a device is false, and so is ours.
    for section in ["program_types", "map_types", "helpers"] {
        assert_eq!(ours[section], theirs[section], "{section}");
    }
}

#[test]
fn full_differs_from_default_exactly_by_the_three_noisy_helpers() {
    let default = helper_sets(&ebpfctl_json(&["feature", "probe", "kernel"]));
    let full = helper_sets(&ebpfctl_json(&["feature", "probe", "kernel", "full"]));
    assert_eq!(
        default.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    let mut extra = BTreeSet::new();
    for (prog_type, names) in &default {
        let added: BTreeSet<String> = full[prog_type].difference(names).cloned().collect();
        assert!(
            full[prog_type].is_superset(names),
            "{prog_type}: full lost helpers"
        );
        assert!(
            added.iter().all(|h| NOISY.contains(&h.as_str())),
            "{prog_type}: {added:?}"
        );
        assert!(
            names.iter().all(|h| !NOISY.contains(&h.as_str())),
            "{prog_type}"
        );
        extra.extend(added);
    }
    // Not all three need exist: this 6.18 build refuses bpf_probe_write_user to every program type (the
    // ground-truth test loads a kprobe program calling it). The ones the kernel has must be what full adds.
    assert!(extra.contains("bpf_trace_printk"), "{extra:?}");
    let everywhere: BTreeSet<String> = full
        .values()
        .flatten()
        .filter(|h| NOISY.contains(&h.as_str()))
        .cloned()
        .collect();
    assert_eq!(extra, everywhere);
}

#[test]
fn types_misc_and_system_config_agree_with_bpftool() {
    let ours = ebpfctl_json(&["feature", "probe", "kernel"]);
    let theirs = bpftool_json(&["feature", "probe", "kernel"]);
    // bpftool is right about these on 6.18: its type probes use plain loads and creates, not verifier messages.
    // It reports tracing, ext and lsm as false; this kernel refuses them even to root (EPERM), so false is right.
    for section in [
        "system_config",
        "syscall_config",
        "program_types",
        "map_types",
        "misc",
    ] {
        for (key, value) in theirs[section].as_object().unwrap() {
            assert_eq!(&ours[section][key], value, "{section}.{key}");
        }
    }
    // Types newer than bpftool 7.1's table: ours must agree with the kernel's own enums.
    let vmlinux = host_command("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
        .expect("bpftool btf dump");
    let header = String::from_utf8_lossy(&vmlinux.stdout);
    for (section, suffix, prefix) in [
        ("program_types", "_prog_type", "BPF_PROG_TYPE_"),
        ("map_types", "_map_type", "BPF_MAP_TYPE_"),
    ] {
        for (key, value) in ours[section].as_object().unwrap() {
            if theirs[section].get(key).is_some() {
                continue;
            }
            let name = key
                .trim_start_matches("have_")
                .trim_end_matches(suffix)
                .to_uppercase();
            let in_enum = header.contains(&format!("\t{prefix}{name} = "));
            if value == true {
                assert!(
                    in_enum,
                    "{key} is true but the kernel's enum lacks {prefix}{name}"
                );
            }
            if !in_enum {
                assert_eq!(value, false, "{key}");
            }
        }
    }
}

#[test]
fn unprivileged_matches_bpftool() {
    // With kernel.unprivileged_bpf_disabled set (2 on this machine) nothing is available without privileges;
    // with it clear, socket_filter and cgroup_skb would be. Either way bpftool's type answers are right.
    let ours = ebpfctl_json(&["feature", "probe", "kernel", "unprivileged"]);
    let theirs = bpftool_json(&["feature", "probe", "kernel", "unprivileged"]);
    for section in ["program_types", "map_types", "misc"] {
        for (key, value) in theirs[section].as_object().unwrap() {
            assert_eq!(&ours[section][key], value, "{section}.{key}");
        }
    }
    if ours["system_config"]["unprivileged_bpf_disabled"] != 0 {
        assert!(helper_sets(&ours).values().all(BTreeSet::is_empty));
    }
}

#[test]
fn helper_names_follow_the_running_kernels_enum_and_libbpfs_tables() {
    for kind in [
        "prog_types",
        "map_types",
        "attach_types",
        "link_types",
        "helpers",
    ] {
        let ours = ebpfctl_json(&["feature", "list_builtins", kind]);
        let theirs = bpftool_json(&["feature", "list_builtins", kind]);
        let (ours, theirs) = (ours.as_array().unwrap(), theirs.as_array().unwrap());
        // bpftool 7.1's tables are older: ours extend them, position by position equal.
        assert!(ours.len() >= theirs.len(), "{kind}");
        assert_eq!(&ours[..theirs.len()], &theirs[..], "{kind}");
    }
    // The probe names helpers from the kernel's enum bpf_func_id: every name must be one of its members.
    let report = ebpfctl_json(&["feature", "probe", "kernel", "full"]);
    let vmlinux = host_command("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
        .expect("bpftool btf dump");
    let header = String::from_utf8_lossy(&vmlinux.stdout);
    for names in helper_sets(&report).values() {
        for name in names {
            let member = format!("\tBPF_FUNC_{} = ", name.trim_start_matches("bpf_"));
            assert!(header.contains(&member), "{name}");
        }
    }
}

#[test]
fn macros_are_c_defines_like_bpftools() {
    let run = ebpfctl(&["feature", "probe", "kernel", "macros", "prefix", "FOO_"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = host_command("bpftool")
        .args(["feature", "probe", "kernel", "macros", "prefix", "FOO_"])
        .output()
        .expect("bpftool");
    let theirs = String::from_utf8_lossy(&out.stdout);
    let type_lines = |text: &str| -> BTreeSet<String> {
        text.lines()
            .filter(|l| {
                l.ends_with("_PROG_TYPE") || l.ends_with("_MAP_TYPE") || l.contains("CONFIG_HZ")
            })
            .map(str::to_string)
            .collect()
    };
    let ours = type_lines(&run.stdout);
    assert!(
        type_lines(&theirs).is_subset(&ours),
        "{:?}",
        type_lines(&theirs).difference(&ours)
    );
    let report = ebpfctl_json(&["feature", "probe", "kernel"]);
    for (key, list) in report["helpers"].as_object().unwrap() {
        let prog_type = key.trim_end_matches("_available_helpers");
        for helper in list.as_array().unwrap() {
            let line = format!(
                "#define FOO_BPF__PROG_TYPE_{prog_type}__HELPER_{} 1",
                helper.as_str().unwrap()
            );
            assert!(run.stdout.contains(&line), "{line}");
        }
    }
    assert!(run
        .stdout
        .contains("#define FOO_HAVE_PROG_TYPE_HELPER(prog_type, helper)"));
    // Under -j the JSON report wins, as with bpftool.
    let json = ebpfctl_json(&["feature", "probe", "kernel", "macros"]);
    assert!(json["helpers"].is_object());
}

#[test]
fn extended_adds_kernel_identity_kfuncs_attach_and_link_types() {
    let report = ebpfctl_json(&["feature", "probe", "kernel", "--extended"]);
    assert_eq!(
        keys(&report),
        [
            "system_config",
            "syscall_config",
            "program_types",
            "map_types",
            "helpers",
            "misc",
            "kernel",
            "kfuncs",
            "attach_types",
            "link_types",
            "program_kinds",
            "kind_helpers",
            "errors"
        ]
    );
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    assert_eq!(report["kernel"]["release"], release.trim());
    let sha = host_command("sha256sum")
        .arg("/sys/kernel/btf/vmlinux")
        .output()
        .unwrap();
    let sha = String::from_utf8_lossy(&sha.stdout);
    assert_eq!(
        report["kernel"]["btf_sha256"],
        sha.split_whitespace().next().unwrap()
    );
    // Every null in the report has its reason under errors.
    for section in ["program_types", "map_types", "misc"] {
        for (key, value) in report[section].as_object().unwrap() {
            if value.is_null() {
                assert!(
                    report["errors"].get(format!("{section}.{key}")).is_some(),
                    "{section}.{key}"
                );
            }
        }
    }
    let declared = report["kfuncs"]["declared"].as_array().unwrap();
    assert!(
        declared.iter().any(|k| k == "bpf_rcu_read_lock"),
        "{declared:?}"
    );
    assert_eq!(report["attach_types"]["cgroup_inet_ingress"], true);
    assert_eq!(report["link_types"]["tcx"], true);
}

/// `--extended`'s program kinds (what `compat check` embeds for kernels it cannot ask) must equal whether a real
/// program of that kind, from the ground-truth corpus, loads here: this kernel takes tracing programs attached to
/// BTF tracepoints and iterators but refuses fentry and LSM programs, so a per-type answer would be wrong.
#[test]
fn program_kinds_equal_whether_real_programs_of_that_kind_load() {
    let report = ebpfctl_json(&["feature", "probe", "kernel", "--extended"]);
    let kinds = &report["program_kinds"];
    for (kind, object, prog) in [
        ("tp_btf", "gt_runqslow", "sched_switch"),
        ("iter", "gt_iter_task", "dump_task"),
        ("fentry", "gt_vfsstat", "fentry_vfs_read"),
        ("fmod_ret", "gt_fmodret", "deny_open"),
        ("lsm", "gt_lsm_open", "restrict_open"),
        ("lsm.s", "gt_lsm_open", "record_exec"),
        ("lsm_cgroup", "gt_lsm_cgroup", "bind_policy"),
        ("uprobe.s", "gt_uprobe_sleep", "probe_ssl_write_sleepable"),
        ("xdp.frags", "gt_xdp_frags", "xdp_count_jumbo"),
        ("kprobe.multi", "gt_kprobe_multi", "count_multi"),
    ] {
        let loads = loads_alone(&fixture(object), prog);
        assert_eq!(
            kinds[kind].as_bool(),
            Some(loads.is_ok()),
            "{kind}: program_kinds says {}, {object}/{prog} loads: {loads:?}",
            kinds[kind]
        );
    }
    // Helpers probed in the kinds with a target: a BTF tracepoint may call what raw tracepoints may, and more.
    let tp_btf: BTreeSet<&str> = report["kind_helpers"]["tp_btf"]
        .as_array()
        .expect("tp_btf helpers")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let raw: BTreeSet<&str> = report["helpers"]["raw_tracepoint_available_helpers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        raw.is_subset(&tp_btf) && tp_btf.contains("bpf_sk_storage_get"),
        "{tp_btf:?}"
    );
}

/// The multi-attach link types are declared by every kernel since 5.18/6.6 but only creatable when it was built
/// with fprobe/uprobes: `--extended` must say whether a real program of that kind attaches here (this VM's 6.18 has
/// no fprobe: kprobe_multi false, uprobe_multi true; the qemu matrix checks 6.1 and 6.12).
#[test]
fn multi_link_types_equal_whether_a_real_link_attaches() {
    let report = ebpfctl_json(&["feature", "probe", "kernel", "--extended"]);
    let mut outcomes = Vec::new();
    for (link, attach, object) in [
        ("kprobe_multi", "trace_kprobe_multi", "feature_link_kmulti"),
        ("uprobe_multi", "trace_uprobe_multi", "feature_link_umulti"),
    ] {
        let dir = common::PinDir::new(&format!("feature-{link}"));
        let run = ebpfctl(&[
            "-j",
            "prog",
            "loadall",
            &fixture(object).display().to_string(),
            &dir.pin("progs"),
            "pinmaps",
            &dir.pin("maps"),
            "autoattach",
        ]);
        let attached = match run.code {
            0 => {
                let v: Value = serde_json::from_str(&run.stdout).unwrap();
                assert_eq!(v["links"].as_array().map(Vec::len), Some(1), "{v}");
                true
            }
            // Only the kernel's refusal of the link kind counts as "cannot"; anything else (a missing symbol)
            // is a broken test, not an answer.
            2 => {
                assert!(
                    run.stderr.contains("cannot attach") && run.stderr.contains("not supported"),
                    "{}",
                    run.stderr
                );
                false
            }
            other => panic!("{object}: exit {other}: {}", run.stderr),
        };
        assert_eq!(report["link_types"][link], attached, "link_types.{link}");
        assert_eq!(
            report["attach_types"][attach], attached,
            "attach_types.{attach}"
        );
        outcomes.push(attached);
    }
    // On this kernel one attaches and one does not, so both answers are exercised.
    assert!(
        outcomes.contains(&true) && outcomes.contains(&false),
        "{outcomes:?}"
    );
}

#[test]
fn bad_words_and_missing_devices_are_errors_with_exit_2() {
    for args in [
        &["feature", "probe", "bogus"][..],
        &["feature", "probe", "prefix", "X"],
        &["feature", "probe", "kernel", "dev", "lo"],
        &["feature", "probe", "dev"],
    ] {
        let run = ebpfctl(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("ebpfctl: feature probe: "),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = ebpfctl(&["-j", "feature", "probe", "dev", "nosuchdev0"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "ebpfctl: dev nosuchdev0: no such network device"
    );
    assert_eq!(run.json()["kind"], "not_found");
    assert_eq!(ebpfctl(&["feature", "list_builtins", "nothing"]).code, 2);
}

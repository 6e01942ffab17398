//! `compat check --live` probes the running kernel for what its BTF cannot say (which program types may call a
//! helper) and trial-loads the object, and its verdict must equal the real load; a `--btf` file, even the running
//! kernel's, is only read (with the feature table probed on the same kernel).

use crate::common;

use common::{ebpfctl, fixture};
use serde_json::Value;

fn check(args: &[&str]) -> (i32, Value) {
    let run = ebpfctl(&[&["-j", "compat", "check"], args].concat());
    let v = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    (run.code, v)
}

/// Whether libbpf opens and the kernel loads every program of the object.
fn loads(obj: &str) -> bool {
    libbpf_rs::set_print(None);
    libbpf_rs::ObjectBuilder::default()
        .open_file(obj)
        .and_then(|o| o.load())
        .is_ok()
}

#[test]
fn a_helper_the_program_type_may_not_use_is_caught_offline_and_live() {
    let obj = fixture("compat_helper_type").display().to_string();
    assert!(!loads(&obj), "the fixture must not load here");

    // Every kernel's BTF knows the helper; the feature table of this kernel says socket filters may not call it.
    // scripts/gen-compat-tables.sh embeds the table of the machine it ran on; another build of the kernel (this VM's
    // is updated now and then) is judged by the nearest table by BTF, which must give the same answer.
    let (code, offline) = check(&[&obj, "--btf", "/sys/kernel/btf/vmlinux"]);
    assert_eq!(code, 1, "{offline:#}");
    let result = &offline["results"][0];
    let table = &result["feature_table"];
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    if table["release"] == release.trim() {
        assert_eq!(table["match"], "same BTF", "{offline:#}");
    } else {
        assert_eq!(table["match"], "nearest by BTF enums", "{offline:#}");
    }
    assert!(
        result["programs"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with(
                "helper bpf_xdp_adjust_head not available to socket_filter programs (probed on "
            ),
        "{offline:#}"
    );

    let (code, live) = check(&[&obj, "--live"]);
    assert_eq!(code, 1, "{live:#}");
    assert_eq!(live["compatible"], false);
    let result = &live["results"][0];
    assert_eq!(result["kernel"], "/sys/kernel/btf/vmlinux");
    assert_eq!(result["trial_load"]["loaded"], false, "{live:#}");
    let program = &result["programs"][0];
    assert_eq!(program["name"], "helper_wrong_type");
    assert_eq!(program["compatible"], false);
    // The verifier's own words from the trial load, and the probe's beside the table's.
    assert!(
        program["load_error"]
            .as_str()
            .unwrap()
            .contains("bpf_xdp_adjust_head"),
        "{live:#}"
    );
    assert!(
        program["reasons"].as_array().unwrap().contains(&Value::from(
            "helper bpf_xdp_adjust_head not available to socket_filter programs on the running kernel (probed)"
        )),
        "{live:#}"
    );
}

#[test]
fn live_probe_agrees_with_real_loads_of_compatible_objects() {
    // Objects that load here must stay compatible under --live (no false refusals from the probes).
    for name in [
        "compat_guarded",
        "compat_flavor",
        "show_select",
        "lifecycle_progs",
    ] {
        let obj = fixture(name).display().to_string();
        let (code, v) = check(&[&obj, "--live"]);
        assert_eq!(
            v["compatible"].as_bool(),
            Some(loads(&obj)),
            "{name}: --live verdict must equal the real load: {v:#}"
        );
        assert_eq!(code, if loads(&obj) { 0 } else { 1 }, "{name}");
    }
}

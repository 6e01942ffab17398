//! Objects nobody here wrote: Debian's libbpf-tools (its 59 tools' skeleton objects), xdp-tools, libxdp and
//! xdp-tools' tests, cilium/ebpf's test objects, PCP's BPF PMDA modules, QEMU's RSS program, Knot DNS's XDP program
//! and v4l-utils' infrared decoders; Debian trixie's bpftune, systemd, Suricata, bpftop, mimic, OAR, QEMU 10 and
//! Knot 3.4 (scripts/real-objects.py check --all adds trixie's newer builds of the bookworm tools); and the BPF
//! programs of four Rust tools and libbpf-rs's tests built from their crates
//! (tracexec, lightswitch, below, bpfman, libbpf-rs), downloaded by scripts/real-objects.py (pinned package
//! versions). `compat check` must agree with a real `bpftool prog loadall` on every one, and `map dump -j` must
//! equal bpftool's on every map of every object that loads (seeded with entries first, where user space can write
//! them), but for the differences docs/map-json.md documents; `prog show -j` and `map show -j` of each pinned
//! program and map must hold every field bpftool prints, with the same value, and `prog dump xlated` of each
//! program and `btf dump id` of each object's BTF must print what bpftool prints; and each object's light skeleton
//! (`gen skeleton -L`) must load where the real load does.

use crate::common;

use common::bin;

#[test]
fn compat_and_map_dump_agree_with_the_kernel_and_bpftool_on_packaged_objects() {
    let cache = concat!(env!("CARGO_TARGET_TMPDIR"), "/real-objects");
    // The light skeleton check builds C loaders against libbpf's headers (skel_internal.h and its UAPI).
    let includes = format!(
        "{}:{}/include",
        env!("EBPFCTL_LIBBPF_UAPI_DIR"),
        env!("EBPFCTL_LIBBPF_LIB_DIR")
    );
    let run = common::run_script(
        "real-objects.py",
        &["check", &bin(), cache],
        &[
            ("LIGHT_CC", env!("EBPFCTL_TARGET_CC")),
            ("LIGHT_INCLUDES", &includes),
        ],
    );
    let (summary, output) = (&run.summary, &run.output);
    // The figures docs/compat.md quotes, in the log of every run.
    eprintln!("real-objects: {summary}");
    assert_eq!(summary["problems"], 0, "disagreements:\n{output}");
    assert!(run.success, "{output}");
    // The corpus is what it was when these figures were taken (200 distinct objects, 93 loadable here, 273
    // maps): a package that lost its objects must not make the test pass with nothing checked.
    let count = |k: &str| summary[k].as_u64().unwrap_or(0);
    assert!(count("objects") >= 195, "{summary}");
    assert_eq!(count("agree"), count("objects"), "{summary}");
    assert!(count("big_endian") >= 17, "{summary}");
    // `gen skeleton -L` of every little-endian object whose header builds alone loads exactly where the real
    // load does.
    assert!(count("light_agree") >= 100, "{summary}");
    assert_eq!(
        count("light_agree") + count("light_skipped"),
        count("objects") - count("big_endian"),
        "{summary}"
    );
    assert!(count("loadable") >= 85, "{summary}");
    assert!(count("maps") >= 250, "{summary}");
    // Most of them hold entries the script wrote (random, text-like and small-number values) before the dumps
    // were compared: empty maps would compare equal whatever the value formatting did.
    assert!(count("maps_seeded") >= 140, "{summary}");
    // `prog show -j` and `map show -j` of each pinned program and map printed every field bpftool printed, with
    // its value (counted here, compared by the script).
    assert!(count("progs_shown") >= 180, "{summary}");
    assert_eq!(count("maps_shown"), count("maps"), "{summary}");
    // `prog dump xlated … linum -j` of every one of those programs equals bpftool's (the script
    // makes ours wrong the way bpftool 7.1 is before comparing, docs/prog-dump.md).
    assert_eq!(count("progs_xlated"), count("progs_shown"), "{summary}");
    // The text dumps and `map lookup`/`getnext` of the first two keys of the equal ones too.
    assert!(count("maps_text_equal") >= 190, "{summary}");
    assert!(count("entry_reads_equal") >= 580, "{summary}");
    // `btf dump id` of each loaded object's BTF (raw, JSON, C) equals bpftool's.
    assert!(count("btf_dumped") >= 80, "{summary}");
    assert_eq!(
        count("maps"),
        count("maps_equal") + count("maps_documented"),
        "{summary}"
    );
}

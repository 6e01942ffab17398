//! `ebpfctl inspect` on fixture objects built from tests/bpf/inspect_*.bpf.c, checked three ways: against what the
//! sources declare, against libbpf's own reading of the object (`bpf_object__open` through libbpf-rs), and against
//! bpftool's raw BTF dump of the same file.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CStr;
use std::path::Path;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture};
use libbpf_rs::AsRawLibbpf;
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn by_name<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|x| x["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing from {list}"))
}

/// libbpf's names for its numeric enums: the oracle's own spelling, via its string functions.
fn libbpf_str(p: *const std::os::raw::c_char) -> Option<String> {
    // SAFETY: libbpf returns NULL or a pointer to a static NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// What libbpf sees when it opens the object: programs (name → type, expected attach type) and maps
/// (name → type, key size, value size, max entries, flags).
struct LibbpfView {
    progs: BTreeMap<String, (String, u32, Option<String>)>,
    maps: BTreeMap<String, (String, u32, u32, u32, u32)>,
}

fn libbpf_open(path: &Path) -> Result<LibbpfView, libbpf_rs::Error> {
    let obj = libbpf_rs::ObjectBuilder::default().open_file(path)?;
    let mut progs = BTreeMap::new();
    for p in obj.progs() {
        let raw = p.as_libbpf_object().as_ptr();
        // SAFETY: raw points at a program of the open object, alive for this loop.
        let (ty, attach) = unsafe {
            let ty = libbpf_sys::bpf_program__type(raw);
            (ty, libbpf_sys::bpf_program__expected_attach_type(raw))
        };
        // SAFETY: the string functions take any value.
        let (ty_name, attach_name) = unsafe {
            (
                libbpf_str(libbpf_sys::libbpf_bpf_prog_type_str(ty)),
                libbpf_str(libbpf_sys::libbpf_bpf_attach_type_str(attach)),
            )
        };
        progs.insert(
            p.name().to_string_lossy().into_owned(),
            (ty_name.unwrap_or_default(), attach, attach_name),
        );
    }
    let mut maps = BTreeMap::new();
    for m in obj.maps() {
        // SAFETY: as above.
        let ty = libbpf_str(unsafe { libbpf_sys::libbpf_bpf_map_type_str(m.map_type() as u32) })
            .unwrap_or_default();
        maps.insert(
            m.name().to_string_lossy().into_owned(),
            (
                ty,
                m.key_size(),
                m.value_size(),
                m.max_entries(),
                m.map_flags(),
            ),
        );
    }
    Ok(LibbpfView { progs, maps })
}

#[test]
fn programs_match_libbpf_sec_conventions() {
    let obj = fixture("inspect_progs");
    let report = ebpfctl_json(&["inspect", obj.to_str().unwrap()]);
    let lib = libbpf_open(&obj).expect("libbpf opens the fixture");
    let progs = report["programs"].as_array().unwrap();
    let ours: BTreeSet<&str> = progs.iter().map(|p| s(&p["name"])).collect();
    let theirs: BTreeSet<&str> = lib.progs.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs, "program names");
    assert!(progs.len() >= 50, "the fixture has 51 programs");
    for p in progs {
        let (ty, attach, attach_name) = &lib.progs[s(&p["name"])];
        assert_eq!(s(&p["type"]), ty, "{p}");
        match p["expected_attach_type"].as_str() {
            Some(a) => assert_eq!(Some(a), attach_name.as_deref(), "{p}"),
            // libbpf leaves 0 where the SEC() table has no attach type.
            None => assert_eq!(*attach, 0, "{p}: libbpf says {attach_name:?}"),
        }
    }
    // What the source declares.
    let p = by_name(&report["programs"], "prog_uprobe_sleepable");
    assert_eq!(p["sleepable"], true);
    assert_eq!(p["attach_target"], "/bin/true:main");
    assert_eq!(
        by_name(&report["programs"], "prog_tracepoint")["attach_target"],
        "syscalls/sys_enter_getppid"
    );
    assert_eq!(
        by_name(&report["programs"], "prog_fentry")["sleepable"],
        false
    );
    assert_eq!(
        by_name(&report["programs"], "prog_unknown_section")["type"],
        "unspec"
    );
    let socket = by_name(&report["programs"], "prog_socket");
    assert_eq!(socket["license"], "Dual BSD/GPL");
    // The helper and the map are reached through the .text subprogram.
    assert_eq!(socket["subprograms"], serde_json::json!(["count_once"]));
    assert_eq!(
        socket["helpers"],
        serde_json::json!(["bpf_map_lookup_elem"])
    );
    assert_eq!(socket["maps"], serde_json::json!(["counter"]));
    let k = by_name(&report["programs"], "prog_kfunc");
    assert_eq!(
        k["kfuncs"],
        serde_json::json!(["bpf_task_acquire", "bpf_task_release"])
    );
    let helpers: Vec<&str> = k["helpers"].as_array().unwrap().iter().map(s).collect();
    assert!(
        helpers.contains(&"bpf_get_current_task_btf")
            && helpers.contains(&"bpf_get_smp_processor_id"),
        "{helpers:?}"
    );
    assert_eq!(report["subprograms"][0]["name"], "count_once");
}

#[test]
fn maps_match_declarations_and_libbpf() {
    let obj = fixture("inspect_maps");
    let report = ebpfctl_json(&["inspect", obj.to_str().unwrap()]);
    let lib = libbpf_open(&obj).expect("libbpf opens the fixture");
    let maps = report["maps"].as_array().unwrap();
    let ours: Vec<&str> = maps.iter().map(|m| s(&m["name"])).collect();
    let theirs: BTreeSet<&str> = lib.maps.keys().map(String::as_str).collect();
    assert_eq!(
        ours.iter().copied().collect::<BTreeSet<_>>(),
        theirs,
        "map names"
    );
    assert_eq!(ours.len(), theirs.len());
    for m in maps {
        let (ty, key, value, max, flags) = &lib.maps[s(&m["name"])];
        let got = (
            s(&m["type"]),
            m["key_size"].as_u64().unwrap() as u32,
            m["value_size"].as_u64().unwrap() as u32,
        );
        assert_eq!(got, (ty.as_str(), *key, *value), "{m}");
        assert_eq!(m["max_entries"], *max, "{m}");
        assert_eq!(m["flags"], *flags, "{m}");
    }
    // What the source declares.
    let flows = by_name(&report["maps"], "flows");
    assert_eq!(
        (flows["key_type"].as_str(), flows["value_type"].as_str()),
        (Some("struct ic_flow_key"), Some("struct ic_flow_stats"))
    );
    assert_eq!(
        (flows["key_size"].as_u64(), flows["value_size"].as_u64()),
        (Some(12), Some(32))
    );
    assert_eq!(
        by_name(&report["maps"], "pinned_counts")["pinning"],
        "by_name"
    );
    assert_eq!(by_name(&report["maps"], "bloom")["map_extra"], 3);
    let outer = by_name(&report["maps"], "outer");
    assert_eq!(outer["inner_map"]["type"], "array");
    assert_eq!(outer["inner_map"]["max_entries"], 4);
    assert!(by_name(&report["maps"], "jumps")["inner_map"].is_null());
}

#[test]
fn globals_have_types_and_rodata_initial_values() {
    let obj = fixture("inspect_maps");
    let g = &ebpfctl_json(&["inspect", obj.to_str().unwrap(), "globals"]);
    let var = |n: &str| by_name(&g["globals"], n).clone();
    assert_eq!(var("answer")["value"], 42);
    assert_eq!(var("answer")["type"], "const volatile int");
    assert_eq!(var("greeting")["value"], "hello");
    assert_eq!(var("start_mode")["value"], "IC_MODE_AUTO");
    assert_eq!(
        var("default_key")["value"],
        serde_json::json!({"saddr": 1, "daddr": 2, "sport": 80, "dport": 443})
    );
    assert_eq!(var("verbose")["value"], true);
    assert_eq!(var("data_counter")["value"], 7);
    assert_eq!(var("custom_data")["section"], ".data.custom");
    assert_eq!(var("bss_counter")["section"], ".bss");
    assert!(var("bss_counter")["value"].is_null());
    // Offsets are the symbol table's, not the zeros clang leaves in DATASEC.
    assert_eq!(var("greeting")["offset"], 4);
    let ext = |n: &str| by_name(&g["externs"], n).clone();
    assert_eq!(ext("CONFIG_HZ")["kind"], "kconfig");
    assert_eq!(ext("CONFIG_BPF_SYSCALL")["weak"], true);
    assert_eq!(ext("runqueues")["kind"], "ksym");
    assert_eq!(ext("runqueues")["type"], "const struct rq");
    assert_eq!(ext("bpf_task_acquire")["kind"], "kfunc");
    assert_eq!(g["externs"].as_array().unwrap().len(), 8);
    // The sub-view carries only what was asked for.
    assert!(g.get("programs").is_none() && g.get("maps").is_none());
}

#[test]
fn core_relocations_of_every_kind_with_readable_specs() {
    let obj = fixture("inspect_core");
    let r = ebpfctl_json(&["inspect", obj.to_str().unwrap(), "relocs"]);
    let relos = r["core_relos"].as_array().unwrap();
    let kinds: BTreeSet<&str> = relos.iter().map(|x| s(&x["kind"])).collect();
    let all = [
        "byte_off",
        "byte_sz",
        "field_exists",
        "signed",
        "lshift_u64",
        "rshift_u64",
        "local_type_id",
        "target_type_id",
        "type_exists",
        "type_matches",
        "type_size",
        "enumval_exists",
        "enumval_value",
    ];
    assert_eq!(kinds, all.into_iter().collect(), "{relos:?}");
    let specs: BTreeSet<(&str, &str)> = relos
        .iter()
        .map(|x| (s(&x["kind"]), s(&x["spec"])))
        .collect();
    for want in [
        ("byte_off", "task_struct.real_parent"),
        ("byte_off", "task_struct.tgid"),
        ("byte_sz", "task_struct.comm"),
        ("field_exists", "task_struct.tgid"),
        ("lshift_u64", "task_struct.sched_reset_on_fork"),
        ("type_size", "struct task_struct"),
        ("enumval_value", "pid_type::PIDTYPE_TGID"),
    ] {
        assert!(specs.contains(&want), "{want:?} not in {specs:?}");
    }
    for x in relos {
        assert_eq!(x["program"], "core_all_kinds");
    }
    // Instruction indexes are in order and inside the program.
    let insns: Vec<u64> = relos.iter().map(|x| x["insn"].as_u64().unwrap()).collect();
    assert!(insns.windows(2).all(|w| w[0] < w[1]), "{insns:?}");
    assert_eq!(r["btf_ext"]["func_info"], 1);
}

/// libbpf 1.x refuses legacy `maps` sections; the inspector reads them anyway and says so.
#[test]
fn legacy_maps_are_reported_with_a_warning_libbpf_refuses_them() {
    let obj = fixture("inspect_legacy");
    assert!(
        libbpf_open(&obj).is_err(),
        "libbpf 1.x should refuse legacy maps"
    );
    let r = ebpfctl_json(&["inspect", obj.to_str().unwrap()]);
    let m = by_name(&r["maps"], "legacy_hash");
    assert_eq!(
        (
            s(&m["type"]),
            &m["key_size"],
            &m["value_size"],
            &m["max_entries"]
        ),
        ("hash", &4.into(), &8.into(), &16.into())
    );
    assert!(
        r["warnings"].to_string().contains("legacy"),
        "{}",
        r["warnings"]
    );
}

#[test]
fn btf_summary_and_raw_dump_match_bpftool_for_fixtures() {
    for name in ["inspect_progs", "inspect_maps", "inspect_core"] {
        let obj = fixture(name);
        let path = obj.to_str().unwrap();
        let ours = ebpfctl_json(&["btf", "dump", "file", path]);
        let theirs = bpftool_json(&["btf", "dump", "file", path]);
        assert_eq!(ours, theirs, "{name}: raw BTF types differ from bpftool's");
        let summary = ebpfctl_json(&["inspect", path, "btf"]);
        let n = theirs["types"].as_array().unwrap().len();
        assert_eq!(summary["btf"]["types"], n);
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        for t in theirs["types"].as_array().unwrap() {
            *kinds.entry(s(&t["kind"]).to_string()).or_default() += 1;
        }
        assert_eq!(
            summary["btf"]["kinds"],
            serde_json::to_value(kinds).unwrap()
        );
        let text = ebpfctl(&["btf", "dump", "file", path]);
        let bpftool = std::process::Command::new("bpftool")
            .args(["btf", "dump", "file", path])
            .output()
            .unwrap();
        assert_eq!(
            text.stdout,
            String::from_utf8_lossy(&bpftool.stdout),
            "{name}: raw text differs"
        );
    }
}

#[test]
fn sections_view_lists_elf_sections_and_tables_render() {
    let obj = fixture("inspect_maps");
    let path = obj.to_str().unwrap();
    let r = ebpfctl_json(&["inspect", path, "sections"]);
    let names: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| s(&x["name"]))
        .collect();
    for want in [
        ".maps",
        ".rodata",
        ".data",
        ".bss",
        ".BTF",
        ".BTF.ext",
        "license",
        "tp_btf/sched_switch",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    let run = ebpfctl(&["inspect", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for want in [
        "Programs (1)",
        "use_everything",
        "Maps (",
        "flows",
        "Globals (8)",
        "Externs (8)",
        "BTF: ",
    ] {
        assert!(
            run.stdout.contains(want),
            "{want} missing from\n{}",
            run.stdout
        );
    }
    // Several files: a JSON array, one report per file.
    let both = ebpfctl_json(&["inspect", path, fixture("inspect_core").to_str().unwrap()]);
    assert_eq!(both.as_array().map(Vec::len), Some(2));
}

/// A non-BPF ELF carrying .BTF (like a vmlinux image): reported as `elf`, with the BTF summary and dumpable.
#[test]
fn foreign_elf_with_btf_section_is_inspected_and_dumped() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inspect-elfbtf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let btf = dir.join("small.btf");
    let bytes = std::process::Command::new("llvm-objcopy-19")
        .args(["--dump-section", &format!(".BTF={}", btf.display())])
        .arg(fixture("inspect_core"))
        .arg(dir.join("scratch.o"))
        .status()
        .unwrap();
    assert!(bytes.success());
    let elf = dir.join("true-with-btf");
    let status = std::process::Command::new("llvm-objcopy-19")
        .args([
            "--add-section",
            &format!(".BTF={}", btf.display()),
            "/bin/true",
        ])
        .arg(&elf)
        .status()
        .unwrap();
    assert!(status.success());
    let path = elf.to_str().unwrap();
    let r = ebpfctl_json(&["inspect", path]);
    assert_eq!(
        (s(&r["kind"]), s(&r["machine"])),
        ("elf", std::env::consts::ARCH)
    );
    assert_eq!(r["programs"].as_array().map(Vec::len), Some(0));
    let ours = ebpfctl_json(&["btf", "dump", "file", path]);
    assert_eq!(
        ours,
        bpftool_json(&["btf", "dump", "file", btf.to_str().unwrap()])
    );
    assert_eq!(r["btf"]["types"], ours["types"].as_array().unwrap().len());
    std::fs::remove_dir_all(&dir).ok();
}

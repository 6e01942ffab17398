//! The standing JSON contract on the maps real tools make (tests/bpf/contract_shapes.bpf.c: a connection tracker
//! with every BTF value shape; tests/bpf/contract_tool.bpf.c: a tracing tool's histograms, per-CPU counters, stack
//! traces, perf and ring buffers, cgroup maps, empty device, CPU, XSK and socket maps, and global data in
//! .rodata/.bss/.data/.kconfig and custom sections).
//! Both objects are loaded, seeded once with BPF_PROG_TEST_RUN, and every map is dumped by ebpfctl and by bpftool
//! 7.1; the two JSON documents must be equal field by field (`key`, `value`, `formatted`, `values`), except where
//! bpftool 7.1 is wrong or 7.7 changed it, each named below.

use crate::common;

use common::{ebpfctl, ebpfctl_json, fixture, host_command, PinDir};
use serde_json::Value;

/// Loads `object`, pins its programs and maps under `dir`, runs its `seed` program once.
fn load_and_seed(object: &str, dir: &PinDir) -> Vec<String> {
    let obj = fixture(object);
    let maps = dir.pin("maps");
    ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.pin("progs"),
        "pinmaps",
        &maps,
    ]);
    let input = std::env::temp_dir().join(format!("map_contract_{}_{object}", std::process::id()));
    std::fs::write(&input, [0u8; 64]).unwrap();
    let seeded = ebpfctl(&[
        "prog",
        "run",
        "pinned",
        &dir.pin("progs/seed"),
        "data_in",
        input.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&input);
    assert_eq!(seeded.code, 0, "seed: {}", seeded.stderr);
    let mut paths: Vec<String> = std::fs::read_dir(&maps)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    paths.sort();
    paths
}

/// bpftool's dump, or None where 7.1 prints no JSON at all (floats: `(unsupported-kind`).
fn bpftool_dump(path: &str) -> Option<Value> {
    let out = host_command("bpftool")
        .args(["-j", "map", "dump", "pinned", path])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).ok()
}

/// Equal, or a difference that is bpftool 7.1's bug: it reads a one-byte (packed) enum as a signed char and prints
/// 255 as -1 instead of the enumerator's name; it prints an unsigned 64-bit enum value past 2^63 as negative.
fn same_or_bpftool_bug(
    ours: &Value,
    theirs: &Value,
    at: &str,
    bugs: &mut Vec<String>,
) -> Result<(), String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            // ebpfctl's additive fields (bpftool HEAD prints inner_map_id for maps of maps too).
            let keys: Vec<&String> = a.keys().filter(|k| k.as_str() != "inner_map_id").collect();
            if keys.len() != b.len() {
                return Err(format!(
                    "{at}: keys {keys:?} vs {:?}",
                    b.keys().collect::<Vec<_>>()
                ));
            }
            for k in keys {
                let tv = b
                    .get(k)
                    .ok_or_else(|| format!("{at}: bpftool has no {k}"))?;
                same_or_bpftool_bug(&a[k], tv, &format!("{at}.{k}"), bugs)?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (x, y))| same_or_bpftool_bug(x, y, &format!("{at}[{i}]"), bugs)),
        (Value::String(name), Value::Number(n)) if n.as_i64().is_some_and(|v| v < 0) => {
            bugs.push(format!("{at}: packed enum {name} read as signed {n}"));
            Ok(())
        }
        (Value::Number(a), Value::Number(b))
            if a.as_u64().is_some_and(|v| v >= 1 << 63) && b.as_f64().is_some_and(|v| v < 0.0) =>
        {
            bugs.push(format!("{at}: u64 enum {a} printed negative ({b})"));
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at}: ours {a} vs bpftool {b}")),
    }
}

#[test]
fn every_map_of_real_tools_dumps_as_bpftool_does() {
    let dir = PinDir::new("map_contract");
    let mut compared = 0;
    let mut bugs = Vec::new();
    let mut maps = load_and_seed("contract_shapes", &dir);
    let tool = PinDir::new("map_contract_tool");
    maps.extend(load_and_seed("contract_tool", &tool));
    for path in &maps {
        let name = path.rsplit('/').next().unwrap();
        let run = ebpfctl(&["-j", "map", "dump", "pinned", path]);
        if name == "rb" {
            // A ring buffer has no keys to dump: an error pointing at `map watch` (bpftool 7.1 prints [] and fails).
            assert_eq!(run.code, 2, "{path}");
            assert!(run.stderr.contains("map watch"), "{}", run.stderr);
            continue;
        }
        if name == "task_switches" {
            // Task storage is keyed by pidfds: the kernel's key walk says ENOTSUPP, bpftool 7.1 prints [] and
            // exits 244 as if the map were empty. ebpfctl says why it cannot be dumped.
            assert_eq!(run.code, 2, "{path}");
            assert_eq!(run.json()["kind"], "invalid_input", "{}", run.stdout);
            assert!(run.stderr.contains("local storage"), "{}", run.stderr);
            continue;
        }
        assert_eq!(run.code, 0, "{path}: {}", run.stderr);
        let ours = run.json();
        let Some(theirs) = bpftool_dump(path) else {
            // bpftool 7.1 cannot print floats (its JSON breaks at `(unsupported-kind`); ours must have them.
            assert_eq!(name, "rates", "{path}: bpftool printed no JSON");
            assert!(ours[0]["formatted"]["value"]["loss"].is_number(), "{ours}");
            continue;
        };
        if let Err(e) = same_or_bpftool_bug(&ours, &theirs, name, &mut bugs) {
            panic!("{path}: {e}");
        }
        compared += 1;
    }
    assert!(compared >= 22, "only {compared} maps compared");
    // The seed writes the values that hit both bugs: the comparison must have seen them.
    assert!(bugs.iter().any(|b| b.contains("packed enum")), "{bugs:?}");
    assert!(bugs.iter().any(|b| b.contains("u64 enum")), "{bugs:?}");
}

//! Maps with BTF: `formatted` output equal to bpftool's, and typed input (`key 7`, `value '{"packets": 1}'`,
//! `--from` lines in the formatted shape) checked against the map's BTF.

use crate::common;

use common::{bpftool_json, ebpfctl, ebpfctl_json, ebpfctl_stdin, fixture, PinDir};
use libbpf_rs::{MapCore, ObjectBuilder};
use serde_json::{json, Value};

/// Loads the fixture and pins its maps in a fresh directory; the object is dropped, the pins keep the maps.
fn typed_maps(test: &str) -> PinDir {
    let dir = PinDir::new(test);
    let mut obj = ObjectBuilder::default()
        .open_file(fixture("map_typed"))
        .unwrap()
        .load()
        .unwrap();
    for mut map in obj.maps_mut() {
        let name = map.name().to_string_lossy().into_owned();
        if name.starts_with("typed_") {
            map.pin(dir.pin(&name)).unwrap();
        } else if name.ends_with(".bss") {
            map.pin(dir.pin("bss")).unwrap();
        }
    }
    dir
}

fn update(pin: &str, key: &str, value: &str) -> common::Run {
    ebpfctl(&[
        "-j", "map", "update", "pinned", pin, "key", key, "value", value,
    ])
}

fn sorted(v: Value) -> Vec<Value> {
    let mut items = v.as_array().expect("array").clone();
    items.sort_by_key(|e| e["key"].to_string());
    items
}

#[test]
fn typed_values_written_by_ebpfctl_read_back_through_bpftool() {
    let dir = typed_maps("typed-rw");
    let pin = dir.pin("typed_stats");
    let value = json!({
        "packets": 12345678901u64, "delta": -5, "state": "TYPED_GONE", "flag_a": 1, "level": 5,
        "comm": "worker", "peer": {"addr": 16909060, "port": 443, "proto": 6}, "history": [1, 2, 3]
    });
    let run = update(&pin, "7", &value.to_string());
    assert_eq!(run.code, 0, "{}", run.stderr);

    let theirs = bpftool_json(&["map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0"]);
    let f = &theirs["formatted"]["value"];
    assert_eq!(f["packets"], 12345678901u64);
    assert_eq!(f["delta"], -5);
    assert_eq!(f["state"], "TYPED_GONE");
    assert_eq!(f["comm"], "worker");
    assert_eq!(
        f["peer"],
        json!({"addr": 16909060, "port": 443, "proto": 6})
    );
    assert_eq!(f["history"], json!([1, 2, 3]));
    // bpftool prints bitfields as hex strings.
    assert_eq!(
        (f["flag_a"].clone(), f["level"].clone()),
        (json!("0x1"), json!("0x5"))
    );

    let ours = ebpfctl_json(&["map", "lookup", "pinned", &pin, "key", "7"]);
    assert_eq!(
        ours, theirs,
        "lookup with a typed key equals bpftool's lookup, formatted included"
    );
}

#[test]
fn formatted_dumps_equal_bpftool_for_struct_keys_and_per_cpu_values() {
    let dir = typed_maps("typed-dump");
    let peers = dir.pin("typed_by_peer");
    for (port, n) in [(80, 1), (443, 2), (22, 3)] {
        let key = json!({"addr": 1, "port": port, "proto": 6}).to_string();
        assert_eq!(update(&peers, &key, &n.to_string()).code, 0);
    }
    assert_eq!(
        sorted(ebpfctl_json(&["map", "dump", "pinned", &peers])),
        sorted(bpftool_json(&["map", "dump", "pinned", &peers]))
    );
    let percpu = dir.pin("typed_percpu");
    let ours = ebpfctl_json(&["map", "dump", "pinned", &percpu]);
    assert_eq!(ours, bpftool_json(&["map", "dump", "pinned", &percpu]));
    assert!(ours[0]["formatted"]["values"][0]["cpu"] == 0, "{ours}");
}

#[test]
fn typed_input_that_does_not_match_the_btf_is_refused() {
    let dir = typed_maps("typed-bad");
    let pin = dir.pin("typed_stats");
    for (key, value, reason) in [
        ("7", r#"{"packetz": 1}"#, "no member 'packetz'"),
        (
            "7",
            r#"{"state": "TYPED_LOST"}"#,
            "'TYPED_LOST' is not one of",
        ),
        ("-1", "{}", "out of range"),
        (
            "7",
            r#"{"comm": "a name longer than sixteen"}"#,
            "longer than 16 bytes",
        ),
        (r#"{"port": 1}"#, "{}", "expected an integer"),
    ] {
        let run = update(&pin, key, value);
        assert_eq!(run.code, 2, "{key} {value}: {}", run.stdout);
        let err = run.json();
        assert_eq!(err["kind"], "invalid_input");
        assert!(
            err["error"].as_str().unwrap().contains(reason),
            "{key} {value}: {err}"
        );
    }
    assert_eq!(
        bpftool_json(&["map", "dump", "pinned", &pin]),
        json!([]),
        "nothing written"
    );
}

#[test]
fn bulk_lines_may_use_the_formatted_shape() {
    let dir = typed_maps("typed-bulk");
    let pin = dir.pin("typed_stats");
    let lines = "{\"key\": 1, \"value\": {\"packets\": 10, \"comm\": \"one\"}}\n{\"key\": 2, \"value\": {\"state\": \"TYPED_BUSY\"}}\n";
    let run = ebpfctl_stdin(
        &["map", "update", "pinned", &pin, "--from", "-"],
        lines.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dump = sorted(bpftool_json(&["map", "dump", "pinned", &pin]));
    assert_eq!(dump[0]["formatted"]["value"]["comm"], "one");
    assert_eq!(dump[1]["formatted"]["value"]["state"], "TYPED_BUSY");
}

/// What `map dump -j` prints feeds back in through `map update --from`: per-CPU entries (`values`), global
/// data's formatted part (no key), two anonymous members each under "" in one object, a `_Bool` shown over a
/// wider member of a union, and an unsigned enum value printed signed.
#[test]
fn dumps_feed_back_through_update_from() {
    let dir = typed_maps("typed-feedback");
    let percpu = dir.pin("typed_percpu");
    let cpus = ebpfctl_json(&["map", "dump", "pinned", &percpu])[0]["values"]
        .as_array()
        .unwrap()
        .len();
    let values: Vec<Value> = (0..cpus)
        .map(|cpu| json!({"cpu": cpu, "value": (cpu as u64 + 1) * 1000}))
        .collect();
    let line = json!({"key": 1, "values": values}).to_string();
    let run = ebpfctl_stdin(
        &["map", "update", "pinned", &percpu, "--from", "-"],
        line.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dump = ebpfctl(&["-j", "map", "dump", "pinned", &percpu]);
    // Its own dump, byte form and formatted form, one entry per line: back in unchanged.
    let entries: Vec<String> = serde_json::from_str::<Vec<Value>>(&dump.stdout)
        .unwrap()
        .iter()
        .flat_map(|e| {
            [
                e.to_string(),
                json!({"key": e["formatted"]["key"], "values": e["formatted"]["values"]})
                    .to_string(),
            ]
        })
        .collect();
    assert_eq!(update_from(&percpu, &entries.join("\n")).code, 0);
    assert_eq!(
        ebpfctl(&["-j", "map", "dump", "pinned", &percpu]).stdout,
        dump.stdout
    );
    let theirs = bpftool_json(&[
        "map", "lookup", "pinned", &percpu, "key", "1", "0", "0", "0",
    ]);
    assert_eq!(
        theirs["formatted"]["values"][cpus - 1]["value"],
        cpus as u64 * 1000
    );
    // One CPU's value is every CPU's, as `map update` takes it.
    assert_eq!(update_from(&percpu, "{\"key\": 0, \"value\": 7}").code, 0);
    let theirs = bpftool_json(&[
        "map", "lookup", "pinned", &percpu, "key", "0", "0", "0", "0",
    ]);
    assert!(
        theirs["formatted"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["value"] == 7),
        "{theirs}"
    );

    let bss = dir.pin("bss");
    let run = update_from(&bss, "{\"value\": {\".bss\": [{\"typed_seen\": 4242}]}}");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let theirs = bpftool_json(&["map", "dump", "pinned", &bss]);
    assert_eq!(
        theirs[0]["formatted"]["value"][".bss"][0]["typed_seen"], 4242,
        "{theirs}"
    );

    let anon = dir.pin("typed_anon");
    let bytes: Vec<u8> = [
        0x12345678u32.to_le_bytes().to_vec(),
        vec![0; 4],
        0x1122334455667702u64.to_le_bytes().to_vec(),
        0x80000002u32.to_le_bytes().to_vec(),
        vec![0; 4],
    ]
    .concat();
    let line = format!("{{\"key\": [0,0,0,0], \"value\": {bytes:?}}}");
    assert_eq!(update_from(&anon, &line).code, 0);
    let shown = ebpfctl(&[
        "-j", "map", "lookup", "pinned", &anon, "key", "0", "0", "0", "0",
    ]);
    let formatted = "{\"\":{\"word\":305419896,\"bytes\":[120,86,52,18]},\"\":{\"wide\":1234605616436508418,\"flag\":true},\"big\":-2147483646}";
    assert!(shown.stdout.contains(formatted), "{}", shown.stdout);
    assert_eq!(
        update_from(&anon, &format!("{{\"key\": 1, \"value\": {formatted}}}")).code,
        0
    );
    assert_eq!(
        kernel_value(&anon, 1),
        bytes,
        "the formatted form came back as other bytes"
    );
}

fn update_from(pin: &str, lines: &str) -> common::Run {
    ebpfctl_stdin(
        &["map", "update", "pinned", pin, "--from", "-"],
        lines.as_bytes(),
    )
}

/// The value bytes the kernel holds for `key` (u32), read through libbpf: bpftool 7.1 cannot be the reader here,
/// it prints a NaN float as a bare `nan`, which is not JSON.
fn kernel_value(pin: &str, key: u32) -> Vec<u8> {
    let map = libbpf_rs::MapHandle::from_pinned_path(pin).expect("pinned map opens");
    map.lookup(&key.to_le_bytes(), libbpf_rs::MapFlags::ANY)
        .expect("lookup")
        .expect("key present")
}

#[test]
fn numbers_that_json_cannot_spell_round_trip_through_dump_and_update() {
    // struct typed_numbers { double ratio; float scale; __s32 small:4, rest:28; __int128 wide; }: a double that
    // serde_json's default parser reads 1 ULP off, a NaN (raw bits in hex), a negative signed bitfield ("0xd")
    // and a 128-bit -1 ("0xfff..."). Each is written, its bytes checked against what the kernel holds, and the
    // dump's formatted values fed back to `map update --from` must give the same bytes.
    let dir = typed_maps("typed-numbers");
    let pin = dir.pin("typed_numbers");
    let value =
        json!({"ratio": 5.5e38, "scale": "0x7fc00001", "small": -3, "rest": 1000, "wide": "-1"});
    let run = update(&pin, "1", &value.to_string());
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut expected = Vec::new();
    expected.extend_from_slice(&5.5e38f64.to_le_bytes());
    expected.extend_from_slice(&0x7fc0_0001u32.to_le_bytes());
    expected.extend_from_slice(&(0xdu32 | 1000 << 4).to_le_bytes());
    expected.resize(16, 0);
    expected.extend_from_slice(&[0xff; 16]);
    assert_eq!(kernel_value(&pin, 1), expected, "bytes written for {value}");

    let shown = ebpfctl_json(&["map", "lookup", "pinned", &pin, "key", "1"]);
    let f = &shown["formatted"]["value"];
    assert_eq!(f["ratio"], json!(5.5e38));
    assert_eq!(f["scale"], "0x7fc00001", "NaN prints its bits, not null");
    assert_eq!(f["small"], "0xd");
    assert_eq!(f["wide"], format!("0x{}", "f".repeat(32)));

    // Feed the dump's formatted entries back into an emptied map: the kernel must hold the same bytes.
    let dump = ebpfctl_json(&["map", "dump", "pinned", &pin]);
    let lines: String = dump
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}\n",
                json!({"key": e["formatted"]["key"], "value": e["formatted"]["value"]})
            )
        })
        .collect();
    let zero = json!({"ratio": 0, "scale": 0, "small": 0, "rest": 0, "wide": 0}).to_string();
    assert_eq!(update(&pin, "1", &zero).code, 0);
    assert_ne!(kernel_value(&pin, 1), expected);
    let run = ebpfctl_stdin(
        &["map", "update", "pinned", &pin, "--from", "-"],
        lines.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        kernel_value(&pin, 1),
        expected,
        "after feeding back {lines}"
    );

    // A float cannot hold 3.5e38 (f32::MAX is 3.4e38): refused, not stored as inf.
    let run = update(&pin, "2", &json!({"scale": 3.5e38}).to_string());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("out of range for a float"),
        "{}",
        run.stderr
    );
}

/// The JSON fuzz corpus (fuzz/corpus/json_input, including inputs that once broke the encoder: regress-*) as typed
/// values for every map of the fixture: each write succeeds or is refused with exit 2, never a panic.
#[test]
fn fuzz_json_corpus_is_written_or_refused_cleanly() {
    let dir = typed_maps("typed-corpus");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/json_input");
    let mut seen = 0;
    for entry in std::fs::read_dir(root).expect("corpus dir") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        // An argument cannot hold a NUL; serde_json refuses invalid UTF-8 anyway.
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if text.contains('\0') {
            continue;
        }
        // As the value of the struct-valued maps, as the key of the struct-keyed one.
        for (map, key, value) in [
            ("typed_stats", "1", text.as_str()),
            ("typed_numbers", "1", text.as_str()),
            ("typed_by_peer", text.as_str(), "1"),
        ] {
            let pin = dir.pin(map);
            let run = ebpfctl(&["map", "update", "pinned", &pin, "key", key, "value", value]);
            assert!(
                run.code == 0 || run.code == 2,
                "{map} {text}: {}",
                run.stderr
            );
            assert!(
                !run.stderr.contains("panicked"),
                "{map} {text}: {}",
                run.stderr
            );
        }
        seen += 1;
    }
    assert!(seen >= 8, "corpus has {seen} usable files");
}

/// Raw stdout of `bpftool -j ARGS`.
fn bpftool_bytes(args: &[&str]) -> Vec<u8> {
    let out = common::host_command("bpftool")
        .arg("-j")
        .args(args)
        .output()
        .expect("bpftool is installed by scripts/setup.sh");
    assert!(out.status.success(), "bpftool {args:?}: {:?}", out.status);
    out.stdout
}

/// Deterministic value bytes: random ones (unknown enum values, negative numbers, high bitfield bits, char
/// arrays that are not strings) and text with NULs, quotes and backslashes (char arrays that are strings).
fn value_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match (seed % 3, i % 7) {
                (0, _) => x as u8,
                (_, 6) => 0,
                _ => b"ab\"\\ z~09"[(x % 9) as usize],
            }
        })
        .collect()
}

/// The dump's JSON is bpftool's byte for byte (same order, same spelling of every number, string and hex byte),
/// `formatted` included, for values covering every BTF kind the fixture has: ints of every size and sign, an
/// enum (named and unnamed values), bitfields, a char array as string and as numbers, a nested struct, an array;
/// a struct key; a per-CPU array.
#[test]
fn dump_json_is_bpftools_byte_for_byte() {
    let dir = typed_maps("typed-golden");
    let stats = dir.pin("typed_stats");
    let value_size = ebpfctl_json(&["map", "show", "pinned", &stats])["bytes_value"]
        .as_u64()
        .unwrap() as usize;
    let lines: String = (0..64u64)
        .map(|k| {
            let value = value_bytes(k, value_size);
            format!("{{\"key\":[{k},0,0,0],\"value\":{value:?}}}\n")
        })
        .collect();
    let run = ebpfctl_stdin(
        &["map", "update", "pinned", &stats, "--from", "-"],
        lines.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let peers = dir.pin("typed_by_peer");
    for (port, n) in [(80, 1), (443, 2), (22, 3)] {
        let key = json!({"addr": 1, "port": port, "proto": 6}).to_string();
        assert_eq!(update(&peers, &key, &n.to_string()).code, 0);
    }
    for pin in [&stats, &peers, &dir.pin("typed_percpu")] {
        let ours = ebpfctl(&["-j", "map", "dump", "pinned", pin]);
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        let theirs = String::from_utf8(bpftool_bytes(&["map", "dump", "pinned", pin])).unwrap();
        assert!(
            ours.stdout == theirs,
            "{pin}: dump differs from bpftool's\nours:   {}\ntheirs: {}",
            ours.stdout,
            theirs
        );
    }
    // The values did exercise both char-array forms.
    let dump = ebpfctl_json(&["map", "dump", "pinned", &stats]);
    let comms: Vec<&Value> = dump
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["formatted"]["value"]["comm"])
        .collect();
    assert!(comms.iter().any(|c| c.is_string()) && comms.iter().any(|c| c.is_array()));
}

/// Types nobody here chose: scripts/random-map-types.py writes objects of random nested records, bitfields,
/// enums, typedef chains and arrays (as map keys, values and globals), fills every map with random bytes and
/// compares ebpfctl's dumps, lookups and getnext with bpftool's, `btf dump` (raw, JSON, C) with bpftool's,
/// `compat check` with bpftool's load, and compiles ebpfctl's C header against the BTF's layout. The seed
/// is fixed so a failure reproduces; `scripts/random-map-types.py BIN SEED ROUNDS DIR` runs longer campaigns.
#[test]
fn random_btf_types_dump_as_bpftool_dumps_them_and_compile_to_their_layout() {
    let run = common::run_bpf_script("random-map-types.py", &["7", "25"]);
    let summary = &run.summary;
    assert!(run.success, "{}", run.output);
    let count = |k: &str| summary[k].as_u64().unwrap_or(0);
    assert_eq!(
        count("differ") + count("btf_differ") + count("problems"),
        0,
        "{summary}"
    );
    // Every object's BTF dumps as bpftool's, but where bpftool's C header compiles to the wrong layout (the
    // script checks ours compiles to the right one).
    assert_eq!(
        count("btf_equal") + count("btf_bpftool_layout_wrong"),
        25,
        "{summary}"
    );
    // Enough really compared that an empty run cannot pass: 25 objects of 8 maps, most of them loadable.
    assert_eq!(count("compat_agree"), 25, "{summary}");
    assert!(count("objects") >= 20, "{summary}");
    assert!(count("maps") >= 150, "{summary}");
    assert!(count("entries") >= 300, "{summary}");
    assert_eq!(count("equal"), count("maps"), "{summary}");
}

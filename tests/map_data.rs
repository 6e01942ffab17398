//! Map data verbs against live maps, compared with bpftool's dump of the same map.

use crate::common;

use common::{bpftool, bpftool_json, ebpfctl, ebpfctl_json, PinDir};
use serde_json::{json, Value};

/// Creates a map with bpftool (the oracle creates, ebpfctl reads and writes) and returns its pin path.
fn create(dir: &PinDir, name: &str, spec: &str) -> String {
    let pin = dir.pin(name);
    let mut args = vec!["map", "create", &pin];
    args.extend(spec.split_whitespace());
    args.extend(["name", name]);
    bpftool(&args);
    pin
}

fn sorted(v: Value) -> Vec<Value> {
    let mut items = v.as_array().expect("an array").clone();
    items.sort_by_key(|e| e["key"].to_string());
    items
}

fn u32_key(k: u32) -> Vec<String> {
    k.to_le_bytes().iter().map(|b| b.to_string()).collect()
}

fn update(pin: &str, key: &[String], value: &[&str]) {
    let mut args = vec!["map", "update", "pinned", pin, "key"];
    args.extend(key.iter().map(String::as_str));
    args.push("value");
    args.extend(value);
    let run = ebpfctl(&args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
}

#[test]
fn hash_array_and_percpu_dumps_equal_bpftool() {
    let dir = PinDir::new("dumps");
    for (name, spec, value) in [
        (
            "h",
            "type hash key 4 value 8 entries 16",
            vec!["hex", "2a", "00", "00", "00", "00", "00", "00", "01"],
        ),
        (
            "a",
            "type array key 4 value 4 entries 4",
            vec!["1", "0x2", "03", "255"],
        ),
        (
            "lru",
            "type lru_hash key 4 value 4 entries 16",
            vec!["hex", "deadbeef"],
        ),
        ("pch", "type percpu_hash key 4 value 4 entries 16", vec![]),
        ("pca", "type percpu_array key 4 value 12 entries 3", vec![]),
    ] {
        let pin = create(&dir, name, spec);
        if !value.is_empty() {
            for k in 0..3 {
                update(&pin, &u32_key(k), &value);
            }
        }
        let ours = ebpfctl_json(&["map", "dump", "pinned", &pin]);
        let theirs = bpftool_json(&["map", "dump", "pinned", &pin]);
        assert_eq!(sorted(ours), sorted(theirs), "map {name}");
    }
}

#[test]
fn written_values_read_back_through_lookup_getnext_and_delete() {
    let dir = PinDir::new("rw");
    let pin = create(&dir, "rw", "type hash key 4 value 4 entries 8");
    update(&pin, &u32_key(7), &["hex", "01020304"]);
    let got = ebpfctl_json(&["map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0"]);
    assert_eq!(
        got,
        json!({"key": ["0x07", "0x00", "0x00", "0x00"], "value": ["0x01", "0x02", "0x03", "0x04"]})
    );
    assert_eq!(
        got,
        bpftool_json(&["map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0"])
    );

    let next = ebpfctl_json(&["map", "getnext", "pinned", &pin]);
    assert_eq!(
        next,
        json!({"key": null, "next_key": ["0x07", "0x00", "0x00", "0x00"]})
    );
    let last = ebpfctl(&[
        "-j", "map", "getnext", "pinned", &pin, "key", "7", "0", "0", "0",
    ]);
    assert_eq!(
        last.code, 1,
        "no key after the last one is a negative answer"
    );
    assert_eq!(last.json()["next_key"], Value::Null);

    let del = ebpfctl(&["map", "delete", "pinned", &pin, "key", "7", "0", "0", "0"]);
    assert_eq!(del.code, 0, "{}", del.stderr);
    let again = ebpfctl(&[
        "-j", "map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0",
    ]);
    assert_eq!(
        (again.code, again.stdout.trim()),
        (1, "null"),
        "missing key: exit 1 and JSON null, as bpftool"
    );
    assert_eq!(again.stderr.lines().count(), 1);
    assert!(
        again.stderr.starts_with("ebpfctl: map pinned ") && again.stderr.contains("key not found")
    );
}

#[test]
fn delete_all_empties_a_map_and_says_how_many() {
    let dir = PinDir::new("delall");
    let pin = create(&dir, "d", "type hash key 4 value 4 entries 64");
    for k in 0..40 {
        update(&pin, &u32_key(k), &["1", "2", "3", "4"]);
    }
    assert_eq!(
        ebpfctl_json(&["map", "delete", "pinned", &pin, "--all"]),
        json!({"deleted": 40})
    );
    assert_eq!(bpftool_json(&["map", "dump", "pinned", &pin]), json!([]));
}

#[test]
fn queue_and_stack_verbs_keep_their_order() {
    let dir = PinDir::new("queue");
    let queue = create(&dir, "q", "type queue key 0 value 4 entries 4");
    let stack = create(&dir, "s", "type stack key 0 value 4 entries 4");
    for pin in [&queue, &stack] {
        for v in ["1", "2"] {
            let run = ebpfctl(&["map", "push", "pinned", pin, "value", v, "0", "0", "0"]);
            assert_eq!(run.code, 0, "{}", run.stderr);
        }
    }
    let head =
        |verb: &str, pin: &str| ebpfctl_json(&["map", verb, "pinned", pin])["value"][0].clone();
    assert_eq!(
        head("peek", &queue),
        "0x01",
        "a queue is first in, first out"
    );
    assert_eq!(head("pop", &queue), "0x01");
    assert_eq!(head("dequeue", &queue), "0x02");
    assert_eq!(head("pop", &stack), "0x02", "a stack is last in, first out");
    let empty = ebpfctl(&["-j", "map", "pop", "pinned", &queue]);
    assert_eq!((empty.code, empty.stdout.trim()), (1, "null"));

    // The keyless verbs on keyed maps, and delete on an array: the kernel's EFAULT/EINVAL would say nothing
    // useful, so each is a one-line explanation, exit 2, and the map is untouched.
    let hash = create(&dir, "h", "type hash key 4 value 4 entries 4");
    let array = create(&dir, "a", "type array key 4 value 4 entries 4");
    for (args, says) in [
        (
            vec!["map", "peek", "pinned", &hash],
            "`map peek` works on queue, stack and bloom_filter maps, not on a hash map",
        ),
        (
            vec!["map", "pop", "pinned", &hash],
            "`map pop` works on queue and stack maps, not on a hash map",
        ),
        (
            vec!["map", "push", "pinned", &array, "value", "1", "0", "0", "0"],
            "`map push` works on queue, stack and bloom_filter maps, not on an array map",
        ),
        (
            vec!["map", "delete", "pinned", &array, "key", "0", "0", "0", "0"],
            "an array keeps every index",
        ),
    ] {
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert_eq!(bpftool_json(&["map", "dump", "pinned", &hash]), json!([]));
}

#[test]
fn maps_of_maps_and_prog_arrays_take_ids_and_show_inner_map_id() {
    let dir = PinDir::new("mom");
    let inner = create(&dir, "inner", "type array key 4 value 4 entries 2");
    let outer_pin = dir.pin("outer");
    bpftool(&[
        "map",
        "create",
        &outer_pin,
        "type",
        "array_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "2",
        "name",
        "outer",
        "inner_map",
        "pinned",
        &inner,
    ]);
    let inner_id = bpftool_json(&["map", "show", "pinned", &inner])["id"]
        .as_u64()
        .unwrap();
    let run = ebpfctl(&[
        "map", "update", "pinned", &outer_pin, "key", "0", "0", "0", "0", "value", "pinned", &inner,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dump = ebpfctl_json(&["map", "dump", "pinned", &outer_pin]);
    let entry = &dump.as_array().unwrap()[0];
    assert_eq!(entry["inner_map_id"], inner_id, "{dump}");
    let theirs = &bpftool_json(&["map", "dump", "pinned", &outer_pin])[0];
    assert_eq!(entry["key"], theirs["key"]);
    assert_eq!(entry["value"], theirs["value"]);
}

#[test]
fn bad_input_is_one_line_exit_2_and_a_json_error() {
    let dir = PinDir::new("bad");
    let pin = create(&dir, "b", "type hash key 4 value 4 entries 1");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["map", "lookup", "pinned", &pin, "key", "1", "0", "0"],
            "the map needs 4",
            "invalid_input",
        ),
        (
            vec![
                "map", "update", "pinned", &pin, "key", "hex", "zz", "0", "0", "0", "value", "1",
                "2", "3", "4",
            ],
            "not hexadecimal",
            "invalid_input",
        ),
        (
            vec!["map", "dump", "id", "4294967295"],
            "no such map",
            "not_found",
        ),
        (
            vec!["map", "dump", "id", "x"],
            "'x' is not a map id",
            "invalid_input",
        ),
        (
            vec!["map", "dump", "pinned", "/tmp"],
            "not on a bpf file system",
            "invalid_input",
        ),
    ];
    for (args, reason, kind) in cases {
        let mut full = vec!["-j"];
        full.extend(&args);
        let run = ebpfctl(&full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("ebpfctl: "), "{}", run.stderr);
        let err = run.json();
        assert!(
            err["error"].as_str().unwrap().contains(reason),
            "{args:?}: {err}"
        );
        if !kind.is_empty() {
            assert_eq!(err["kind"], kind, "{args:?}");
        }
    }
    // Map full: the second distinct key of a one-entry hash map.
    update(&pin, &u32_key(1), &["1", "1", "1", "1"]);
    let full = ebpfctl(&[
        "map", "update", "pinned", &pin, "key", "2", "0", "0", "0", "value", "1", "1", "1", "1",
    ]);
    assert_eq!(full.code, 2);
    assert!(full.stderr.contains("map is full"), "{}", full.stderr);
    // A frozen map refuses writes from user space.
    assert_eq!(ebpfctl(&["map", "freeze", "pinned", &pin]).code, 0);
    let frozen = ebpfctl(&[
        "-j", "map", "update", "pinned", &pin, "key", "1", "0", "0", "0", "value", "2", "2", "2",
        "2",
    ]);
    assert_eq!(frozen.code, 2);
    assert_eq!(frozen.json()["kind"], "permission", "{}", frozen.stderr);
    assert_eq!(bpftool_json(&["map", "show", "pinned", &pin])["frozen"], 1);
    // ...but a read-only dump still works.
    assert_eq!(
        ebpfctl_json(&["map", "dump", "pinned", &pin])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn ring_buffers_and_perf_arrays_say_to_stream_instead_of_dumping() {
    let dir = PinDir::new("ring");
    let ring = create(&dir, "r", "type ringbuf key 0 value 0 entries 4096");
    let run = ebpfctl(&["map", "dump", "pinned", &ring]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("map watch"), "{}", run.stderr);
}

#[test]
fn big_dumps_are_batched() {
    let dir = PinDir::new("big");
    let pin = create(&dir, "big", "type hash key 4 value 8 entries 20000");
    // Filled by one bpftool process reading a batch file: 10000 ebpfctl processes would take too long.
    let mut batch = String::new();
    for k in 0u32..10000 {
        let kb = k.to_le_bytes();
        batch.push_str(&format!(
            "map update pinned {pin} key {} {} {} {} value 1 2 3 4 5 6 7 8\n",
            kb[0], kb[1], kb[2], kb[3]
        ));
    }
    let file = std::env::temp_dir().join(format!("ebpfctl-batch-{}.txt", std::process::id()));
    std::fs::write(&file, batch).unwrap();
    bpftool(&["batch", "file", file.to_str().unwrap()]);
    let _ = std::fs::remove_file(&file);

    let run = ebpfctl(&["-j", "-d", "map", "dump", "pinned", &pin]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().as_array().unwrap().len(), 10000);
    let stats = run
        .stderr
        .lines()
        .find(|l| l.contains("syscalls"))
        .expect("--debug prints walk stats");
    assert!(stats.contains("batched: true"), "{stats}");
    let syscalls: u64 = stats
        .split(", ")
        .find_map(|p| p.strip_suffix(" syscalls"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        syscalls < 10,
        "10000 entries should take a handful of batch calls, took {syscalls}"
    );
}

#[test]
fn lpm_trie_dumps_equal_bpftool() {
    let dir = PinDir::new("lpm");
    // key: struct { u32 prefixlen; u8 addr[4]; }; LPM tries must be created without preallocation (flags 1).
    let pin = create(
        &dir,
        "lpm",
        "type lpm_trie key 8 value 4 entries 16 flags 1",
    );
    for (prefix, addr) in [("24", ["10", "1", "2", "0"]), ("16", ["10", "1", "0", "0"])] {
        let mut key = vec![prefix.to_string(), "0".into(), "0".into(), "0".into()];
        key.extend(addr.iter().map(|s| s.to_string()));
        update(&pin, &key, &["7", "0", "0", "0"]);
    }
    let ours = ebpfctl_json(&["map", "dump", "pinned", &pin]);
    assert_eq!(
        sorted(ours),
        sorted(bpftool_json(&["map", "dump", "pinned", &pin]))
    );
}

#[test]
fn maps_without_batch_lookup_fall_back_to_one_by_one() {
    let dir = PinDir::new("nobatch");
    // Stack trace maps have no batch op on any kernel (the kernel answers ENOTSUPP).
    let pin = create(&dir, "stacks", "type stack_trace key 4 value 64 entries 8");
    let run = ebpfctl(&["-j", "-d", "map", "dump", "pinned", &pin]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("batched: false"), "{}", run.stderr);
    assert_eq!(run.json(), bpftool_json(&["map", "dump", "pinned", &pin]));
}

#[test]
fn hash_of_maps_holds_inner_maps_by_id() {
    let dir = PinDir::new("hom");
    let inner = create(&dir, "inner", "type hash key 4 value 4 entries 2");
    let outer = dir.pin("outer");
    bpftool(&[
        "map",
        "create",
        &outer,
        "type",
        "hash_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "4",
        "name",
        "outer",
        "inner_map",
        "pinned",
        &inner,
    ]);
    let inner_id = bpftool_json(&["map", "show", "pinned", &inner])["id"]
        .as_u64()
        .unwrap();
    let id = inner_id.to_string();
    let run = ebpfctl(&[
        "map", "update", "pinned", &outer, "key", "9", "0", "0", "0", "value", "id", &id,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = ebpfctl_json(&["map", "lookup", "pinned", &outer, "key", "9", "0", "0", "0"]);
    assert_eq!(got["inner_map_id"], inner_id);
}

#[test]
fn bloom_filters_answer_membership() {
    let dir = PinDir::new("bloom");
    let pin = create(&dir, "bloom", "type bloom_filter key 0 value 4 entries 64");
    let push = ebpfctl(&["map", "push", "pinned", &pin, "value", "1", "2", "3", "4"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    let present = ebpfctl(&[
        "-j", "map", "peek", "pinned", &pin, "value", "1", "2", "3", "4",
    ]);
    assert_eq!(present.code, 0, "{}", present.stderr);
    assert_eq!(
        present.json()["value"],
        json!(["0x01", "0x02", "0x03", "0x04"])
    );
    let absent = ebpfctl(&[
        "-j", "map", "peek", "pinned", &pin, "value", "9", "9", "9", "9",
    ]);
    assert_eq!(
        (absent.code, absent.stdout.trim()),
        (1, "null"),
        "{}",
        absent.stderr
    );
}

//! An operator's bpftool habits at the command line (issue #23): prefixes of objects and verbs, `help`, bare
//! objects, -V, -n/-m/-L, `null` for commands that return nothing, and tables that keep one row per line in a
//! pipe. Each is checked against the kernel's objects and, where bpftool 7.1 has the same habit, against bpftool.

use crate::common;

use common::{bpftool, bpftool_json, ebpfctl, ebpfctl_json, fixture, host_command, PinDir};
use serde_json::Value;

/// A hash map of 4-byte keys and values created by bpftool and pinned at `path`; its id.
fn hash_map(path: &str, name: &str) -> u64 {
    bpftool(&[
        "map", "create", path, "type", "hash", "key", "4", "value", "4", "entries", "8", "name",
        name,
    ]);
    bpftool_json(&["map", "show", "pinned", path])["id"]
        .as_u64()
        .unwrap()
}

#[test]
fn prefixes_name_objects_and_verbs_in_bpftools_order() {
    let dir = PinDir::new("prefix");
    let map = dir.pin("m");
    let id = hash_map(&map, "hb_prefix");
    // bpftool's own prefixes name the same map: `m s` is map show for both tools.
    assert_eq!(bpftool_json(&["m", "s", "pinned", &map])["id"], id);
    for words in [
        vec!["m", "s", "pinned", &map],
        vec!["map", "sh", "pinned", &map],
        vec!["ma", "l", "p", &map],
        vec!["map", "show", "i", &id.to_string()],
    ] {
        assert_eq!(ebpfctl_json(&words)["id"], id, "{words:?}");
    }
    // `p` is prog (bpftool lists prog before perf), `pe` perf: both answer with their own arrays.
    assert!(ebpfctl_json(&["p", "s"]).is_array());
    let perf = ebpfctl(&["-j", "pe", "s"]);
    assert_eq!(perf.code, 0, "{}", perf.stderr);
    // `map p` is pin (before peek/push/pop in bpftool's list), `map up` update, `map l` list (show).
    ebpfctl_json(&["map", "p", "pinned", &map, &dir.pin("m2")]);
    assert_eq!(
        bpftool_json(&["map", "show", "pinned", &dir.pin("m2")])["id"],
        id
    );
    ebpfctl_json(&[
        "map", "up", "pinned", &map, "key", "1", "0", "0", "0", "value", "7", "0", "0", "0",
    ]);
    let looked = bpftool_json(&["map", "lookup", "pinned", &map, "key", "1", "0", "0", "0"]);
    assert_eq!(looked["value"][0], "0x07");
    // A word that names nothing is still refused, in one line.
    let bad = ebpfctl(&["-j", "mapx", "show"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.json()["kind"], "invalid_input");
}

#[test]
fn help_and_bare_objects_answer_as_bpftool() {
    // `help` at the top and after an object: the usage, exit 0; under -j `null`, exactly as bpftool prints it.
    for words in [
        vec!["help"],
        vec!["prog", "help"],
        vec!["map", "help"],
        vec!["net", "h"],
    ] {
        let run = ebpfctl(&words);
        assert_eq!(run.code, 0, "{words:?}: {}", run.stderr);
        assert!(run.stdout.contains("Usage"), "{words:?}: {}", run.stdout);
        let mut json = vec!["-j"];
        json.extend(&words);
        let ours = ebpfctl(&json);
        assert_eq!((ours.code, ours.json()), (0, Value::Null), "{words:?}");
        if words.len() == 1 || words[1] == "help" {
            assert_eq!(bpftool_json(&words), Value::Null, "bpftool -j {words:?}");
        }
    }
    assert!(ebpfctl(&["prog", "help"]).stdout.contains("loadall"));
    // A bare object shows its objects (bpftool runs the object's first verb, show).
    let dir = PinDir::new("bare");
    let id = hash_map(&dir.pin("m"), "hb_bare");
    let bare = ebpfctl_json(&["map"]);
    assert!(
        bare.as_array().unwrap().iter().any(|m| m["id"] == id),
        "{bare}"
    );
    assert!(ebpfctl_json(&["prog"]).is_array());
    assert!(ebpfctl_json(&["link"]).is_array());
    // An object whose first verb needs arguments prints its help instead of a usage error.
    let iter = ebpfctl(&["iter"]);
    assert_eq!(iter.code, 0);
    assert!(iter.stdout.contains("pin"), "{}", iter.stdout);
    let top = ebpfctl(&[]);
    assert_eq!(top.code, 0);
    assert!(top.stdout.contains("Usage"));
}

#[test]
fn dash_v_prints_the_version_block() {
    let text = ebpfctl(&["-V"]);
    assert_eq!(text.code, 0);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines.len() >= 4, "a block, not one line: {lines:?}");
    assert!(lines[1].starts_with("libbpf "), "{lines:?}");
    assert!(text.stdout.contains("features:"), "{}", text.stdout);
    assert_eq!(text.stdout, ebpfctl(&["version"]).stdout);
    // -jV has bpftool's fields with bpftool's types (values are each tool's own).
    let ours = ebpfctl(&["-jV"]).json();
    let theirs = bpftool_json(&["-V"]);
    for key in ["version", "libbpf_version"] {
        assert!(ours[key].is_string() && theirs[key].is_string(), "{key}");
    }
    for (feature, value) in theirs["features"].as_object().unwrap() {
        assert_eq!(
            ours["features"][feature].is_boolean(),
            value.is_boolean(),
            "{feature}"
        );
    }
    assert_eq!(ours["features"]["libbpf_strict"], true);
    // With a command after it, -V still prints the version and nothing else, as bpftool.
    assert_eq!(ebpfctl(&["-V", "map", "show"]).stdout, text.stdout);
}

#[test]
fn mapcompat_opens_maps_with_unknown_attributes_as_bpftool_does() {
    let dir = PinDir::new("mapcompat");
    let obj = fixture("habits_mapcompat");
    let obj = obj.to_str().unwrap();
    let strict = ebpfctl(&["prog", "load", obj, &dir.pin("strict")]);
    assert_eq!(strict.code, 2);
    assert!(strict.stderr.contains("batch_hint"), "{}", strict.stderr);
    assert!(strict.stderr.contains("--mapcompat"), "{}", strict.stderr);
    assert_eq!(strict.stderr.lines().count(), 1, "{}", strict.stderr);
    assert!(!std::path::Path::new(&dir.pin("strict")).exists());
    let ours = ebpfctl_json(&["-m", "prog", "load", obj, &dir.pin("relaxed")]);
    // bpftool agrees on both counts: refused without -m, loaded with it.
    let refused = host_command("bpftool")
        .args(["prog", "load", obj, &dir.pin("bpftool-strict")])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    bpftool(&["-m", "prog", "load", obj, &dir.pin("bpftool")]);
    let seen = bpftool_json(&["prog", "show", "pinned", &dir.pin("relaxed")]);
    assert_eq!(seen["id"], ours["programs"][0]["id"]);
    assert_eq!(seen["name"], "hb_compat_sock");
}

/// bpftool's -L goes before the object: the same loader path as `prog load … -L` (tests/prog_sign.rs proves that
/// path pins what a plain load pins).
#[test]
fn use_loader_before_the_object_loads_through_the_loader() {
    let dir = PinDir::new("loader");
    let obj = fixture("habits_select");
    for (flag, pin) in [("-L", "a"), ("--use-loader", "b")] {
        let ours = ebpfctl_json(&[flag, "prog", "load", obj.to_str().unwrap(), &dir.pin(pin)]);
        let id = ours["programs"][0]["id"]
            .as_u64()
            .expect("a loaded program");
        let seen = bpftool_json(&["prog", "show", "pinned", &dir.pin(pin)]);
        assert_eq!(seen["id"].as_u64(), Some(id));
    }
    // -L with words that a loader cannot honour is a usage error, and nothing is pinned.
    let run = ebpfctl(&[
        "-L",
        "-j",
        "prog",
        "load",
        obj.to_str().unwrap(),
        &dir.pin("c"),
        "autoattach",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!std::path::Path::new(&dir.pin("c")).exists());
    // Elsewhere -L changes nothing, as in bpftool.
    assert!(ebpfctl_json(&["-L", "map", "show"]).is_array());
}

/// `sh -c SCRIPT` in a private mount namespace where /sys/fs/bpf is not mounted (the host's mounts are untouched).
fn without_bpffs(script: &str) -> common::Run {
    let out = host_command("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            "umount /sys/fs/bpf 2>/dev/null; umount /sys/fs/bpf 2>/dev/null; {script}"
        ))
        .env("EBPFCTL", common::bin())
        .output()
        .unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn nomount_fails_where_a_pin_would_mount_bpffs() {
    let dir = PinDir::new("nomount");
    let id = hash_map(&dir.pin("m"), "hb_nomount");
    // -n: bpffs is not mounted in this namespace and may not be mounted: refused, naming the flag.
    let refused = without_bpffs(&format!(
        "\"$EBPFCTL\" -n map pin id {id} /sys/fs/bpf/hb_nomount; echo \"rc=$?\"; \
         grep -c ' /sys/fs/bpf ' /proc/self/mounts"
    ));
    assert!(
        refused.stdout.contains("rc=2"),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert!(refused.stderr.contains("--nomount"), "{}", refused.stderr);
    assert!(
        refused.stdout.trim_end().ends_with('0'),
        "nothing mounted: {}",
        refused.stdout
    );
    // Without -n ebpfctl mounts bpffs there, as bpftool does, and pins.
    let mounted = without_bpffs(&format!(
        "\"$EBPFCTL\" map pin id {id} /sys/fs/bpf/hb_nomount && ls /sys/fs/bpf/hb_nomount && \
         rm /sys/fs/bpf/hb_nomount"
    ));
    assert_eq!(mounted.code, 0, "{}{}", mounted.stdout, mounted.stderr);
}

#[test]
fn commands_that_return_nothing_print_null_under_json() {
    let dir = PinDir::new("null");
    let map = dir.pin("m");
    hash_map(&map, "hb_null");
    let queue = dir.pin("q");
    bpftool(&[
        "map",
        "create",
        &queue,
        "type",
        "queue",
        "key",
        "0",
        "value",
        "4",
        "entries",
        "4",
        "name",
        "hb_null_q",
    ]);
    let key = ["key", "1", "0", "0", "0"];
    let second = dir.pin("m2");
    let cases: Vec<Vec<&str>> = vec![
        [
            &["map", "update", "pinned", &map][..],
            &key,
            &["value", "2", "0", "0", "0"],
        ]
        .concat(),
        [&["map", "delete", "pinned", &map][..], &key].concat(),
        vec!["map", "push", "pinned", &queue, "value", "1", "0", "0", "0"],
        vec!["map", "pin", "pinned", &map, &second],
        vec!["map", "freeze", "pinned", &map],
    ];
    for args in &cases {
        let mut json = vec!["-j"];
        json.extend(args);
        let run = ebpfctl(&json);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.json(),
            Value::Null,
            "{args:?}: a script's json.load must work"
        );
        assert_eq!(run.stdout, "null\n");
    }
    // bpftool prints the same `null` for the same verbs.
    hash_map(&dir.pin("b"), "hb_null_b");
    let b = dir.pin("b");
    assert_eq!(
        bpftool_json(&[
            "map", "update", "pinned", &b, "key", "1", "0", "0", "0", "value", "2", "0", "0", "0"
        ]),
        Value::Null
    );
    assert_eq!(bpftool_json(&["map", "freeze", "pinned", &b]), Value::Null);
    // On a terminal or in a pipe: nothing at all.
    let plain = ebpfctl(&["map", "push", "pinned", &queue, "value", "2", "0", "0", "0"]);
    assert_eq!((plain.code, plain.stdout.as_str()), (0, ""));
}

#[test]
fn a_table_in_a_pipe_keeps_one_row_per_line() {
    let dir = PinDir::new("nowrap");
    let map = dir.pin("m");
    let id = hash_map(&map, "hb_nowrap");
    // A pin path with a newline in it (bpffs allows any name) must not split the row.
    let odd = dir.path.join("odd\nname");
    bpftool(&["map", "pin", "id", &id.to_string(), odd.to_str().unwrap()]);
    let run = ebpfctl(&["map", "show", "--wide"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(&id.to_string()))
        .collect();
    assert_eq!(rows.len(), 1, "{}", run.stdout);
    assert!(rows[0].contains("odd\\nname"), "{}", rows[0]);
    assert!(rows[0].contains(&map), "{}", rows[0]);
    // Every line of the table is a row: the header, then lines that each begin with a map's id. A wrapped cell
    // would start a line with blanks or with the rest of a value. (Counting lines against a later bpftool listing
    // raced with the maps that other tests create and free meanwhile.)
    let mut lines = run.stdout.lines();
    assert!(lines.next().unwrap().starts_with("ID "), "{}", run.stdout);
    let mut ids = std::collections::HashSet::new();
    for line in lines {
        let first = line.split(' ').next().unwrap();
        let id: u64 = first
            .parse()
            .unwrap_or_else(|_| panic!("a line that is not a row: {line:?}\n{}", run.stdout));
        assert!(ids.insert(id), "map {id} listed twice:\n{}", run.stdout);
    }
    assert!(ids.contains(&id));
}

#[test]
fn a_single_show_prints_every_field_on_its_own_line() {
    let dir = PinDir::new("single");
    let obj = fixture("habits_select");
    let pin = dir.pin("p");
    let loaded = ebpfctl_json(&["prog", "load", obj.to_str().unwrap(), &pin]);
    let id = loaded["programs"][0]["id"].to_string();
    let theirs = bpftool_json(&["prog", "show", "id", &id]);
    let run = ebpfctl(&["prog", "show", "id", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let field = |key: &str| -> String {
        run.stdout
            .lines()
            .find_map(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no {key} line in {}", run.stdout))
    };
    assert!(run
        .stdout
        .starts_with(&format!("prog {id}  socket_filter  hb_select_sock")));
    assert_eq!(field("tag"), theirs["tag"].as_str().unwrap());
    assert_eq!(field("gpl"), "yes");
    assert!(field("size").starts_with(&format!("{}B", theirs["bytes_xlated"])));
    let maps: Vec<String> = theirs["map_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(field("maps"), maps.join(", "));
    assert_eq!(field("btf"), theirs["btf_id"].to_string());
    assert_eq!(field("pinned"), pin);
    assert!(
        field("runs").contains("bpf_stats_enabled"),
        "run-time stats are explained when off"
    );
    // A map the same way, with its holders and pins.
    let map_id = theirs["map_ids"][0].to_string();
    let map = ebpfctl(&["map", "show", "id", &map_id]);
    let seen = bpftool_json(&["map", "show", "id", &map_id]);
    assert!(
        map.stdout
            .contains(&format!("max_entries  {}", seen["max_entries"])),
        "{}",
        map.stdout
    );
    assert!(map.stdout.lines().count() >= 8, "{}", map.stdout);
}

/// bpftool takes its options anywhere on the line: after a verb's keys and paths, twice, clustered. The same
/// words give the same JSON here, and a value-less flag is never read as a key byte or a path.
#[test]
fn options_after_the_words_and_twice_work_as_in_bpftool() {
    let dir = PinDir::new("habits-options");
    let pin = dir.pin("opts");
    hash_map(&pin, "opts");
    assert_eq!(
        ebpfctl(&[
            "map", "update", "pinned", &pin, "key", "1", "0", "0", "0", "value", "2", "0", "0", "0"
        ])
        .code,
        0
    );
    for args in [
        vec!["map", "dump", "pinned", &pin, "-j"],
        vec![
            "map", "lookup", "pinned", &pin, "key", "1", "0", "0", "0", "--json",
        ],
        vec!["-j", "-j", "map", "show", "pinned", &pin],
        vec!["map", "show", "pinned", &pin, "-jf"],
    ] {
        let ours = ebpfctl(&args);
        assert_eq!(ours.code, 0, "{args:?}: {}", ours.stderr);
        let theirs = host_command("bpftool").args(&args).output().unwrap();
        assert!(theirs.status.success(), "bpftool {args:?}");
        let (ours, theirs): (Value, Value) = (
            serde_json::from_str(&ours.stdout).unwrap(),
            serde_json::from_slice(&theirs.stdout).unwrap(),
        );
        // Every field bpftool prints, with its value (ebpfctl adds pids and pins).
        match (&ours, &theirs) {
            (Value::Object(o), Value::Object(t)) => {
                for (k, v) in t {
                    assert_eq!(o.get(k), Some(v), "{args:?}: {k}");
                }
            }
            _ => assert_eq!(ours, theirs, "{args:?}"),
        }
    }
    // Pretty output from a trailing -p, and a missing key stays a negative answer under a trailing -j.
    let pretty = ebpfctl(&[
        "map", "lookup", "pinned", &pin, "key", "1", "0", "0", "0", "-p",
    ]);
    assert!(
        pretty.stdout.starts_with("{\n    \"key\""),
        "{}",
        pretty.stdout
    );
    let missing = ebpfctl(&[
        "map", "lookup", "pinned", &pin, "key", "9", "0", "0", "0", "-j",
    ]);
    assert_eq!((missing.code, missing.stdout.trim()), (1, "null"));
}

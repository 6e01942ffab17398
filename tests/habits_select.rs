//! Selectors everywhere bpftool takes them, bpftool's traditional attach names, one-value per-CPU updates, and the
//! grammar gaps of issue #23 (struct_ops dump, event_pipe cpu/index, iter pin OBJ, offload_dev/xdpmeta_dev),
//! each against the live kernel with bpftool as the oracle where it has the same words.

use crate::common;
use crate::lifecycle_util;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, bpftool, bpftool_json, ebpfctl, ebpfctl_json, fixture, PinDir};
use lifecycle_util::{unique, Netns, VethPair};
use serde_json::Value;

fn hex_u32(v: &Value) -> u32 {
    let bytes: Vec<u8> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|b| u8::from_str_radix(b.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect();
    u32::from_ne_bytes(bytes[..4].try_into().unwrap())
}

/// Loads the selector fixture once (its names must match one object each) and pins its maps under `dir/maps`.
fn load_select(dir: &PinDir) -> Value {
    let obj = fixture("habits_select");
    ebpfctl_json(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &dir.pin("prog"),
        "pinmaps",
        &dir.pin("maps"),
    ])
}

#[test]
fn values_and_maps_are_named_by_every_selector_bpftool_takes() {
    let dir = PinDir::new("selectors");
    let report = load_select(&dir);
    let prog_id = report["programs"][0]["id"].as_u64().unwrap() as u32;
    let tag = bpftool_json(&["prog", "show", "id", &prog_id.to_string()])["tag"]
        .as_str()
        .unwrap()
        .to_string();
    let jmp = dir.pin("maps/hb_select_jmp");
    // A prog array's value by name and by tag (bpftool's PROG), each read back from the kernel.
    for (slot, words) in [
        ("0", ["name", "hb_select_sock"]),
        ("1", ["tag", tag.as_str()]),
    ] {
        ebpfctl_json(&[
            "map", "update", "pinned", &jmp, "key", slot, "0", "0", "0", "value", words[0],
            words[1],
        ]);
        let v = bpftool_json(&["map", "lookup", "pinned", &jmp, "key", slot, "0", "0", "0"]);
        assert_eq!(hex_u32(&v["value"]), prog_id, "{words:?}");
    }
    // A map of maps' value by name (bpftool's MAP), made with the inner map as template.
    let inner = dir.pin("maps/hb_select_inner");
    let outer = dir.pin("outer");
    let outer_name = unique("o");
    ebpfctl_json(&[
        "map",
        "create",
        &outer,
        "type",
        "array_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "2",
        "name",
        &outer_name,
        "inner_map",
        "pinned",
        &inner,
    ]);
    ebpfctl_json(&[
        "map",
        "update",
        "pinned",
        &outer,
        "key",
        "0",
        "0",
        "0",
        "0",
        "value",
        "name",
        "hb_select_inner",
    ]);
    let inner_id = bpftool_json(&["map", "show", "pinned", &inner])["id"].clone();
    let looked = ebpfctl_json(&["map", "lookup", "pinned", &outer, "key", "0", "0", "0", "0"]);
    assert_eq!(looked["inner_map_id"], inner_id, "{looked}");
}

#[test]
fn a_map_argument_by_name_reaches_the_map() {
    let dir = PinDir::new("mapname");
    let name = unique("m");
    // Shaped like the fixture's hb_counts (libbpf reuses only a map of the same type and sizes).
    ebpfctl_json(&[
        "map",
        "create",
        &dir.pin("m"),
        "type",
        "array",
        "key",
        "4",
        "value",
        "8",
        "entries",
        "8",
        "name",
        &name,
    ]);
    let id = bpftool_json(&["map", "show", "pinned", &dir.pin("m")])["id"].clone();
    // `prog load ... map name hb_counts name NAME`: the object's map is replaced by the one named.
    ebpfctl_json(&[
        "prog",
        "load",
        fixture("habits").to_str().unwrap(),
        &dir.pin("p"),
        "map",
        "name",
        "hb_counts",
        "name",
        &name,
    ]);
    let prog = bpftool_json(&["prog", "show", "pinned", &dir.pin("p")]);
    assert!(prog["map_ids"].as_array().unwrap().contains(&id), "{prog}");
    // A name nothing has is refused in one line.
    let none = ebpfctl(&["map", "dump", "name", "hb_no_such_map"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("no such map"), "{}", none.stderr);
}

#[test]
fn sockmap_programs_attach_under_bpftools_traditional_names_and_a_map_name() {
    let dir = PinDir::new("sockmap");
    let obj = fixture("habits");
    ebpfctl_json(&["prog", "loadall", obj.to_str().unwrap(), &dir.pin("p")]);
    let sockmap = unique("s");
    ebpfctl_json(&[
        "map",
        "create",
        &dir.pin("sm"),
        "type",
        "sockmap",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "2",
        "name",
        &sockmap,
    ]);
    for (prog, kind) in [
        ("hb_msg", "msg_verdict"),
        ("hb_parser", "stream_parser"),
        ("hb_verdict", "stream_verdict"),
    ] {
        let prog = dir.pin(&format!("p/{prog}"));
        ebpfctl_json(&["prog", "attach", "pinned", &prog, kind, "name", &sockmap]);
        // The kernel detaches only what is attached: once, then ENOENT ("not attached").
        ebpfctl_json(&["prog", "detach", "pinned", &prog, kind, "name", &sockmap]);
        let gone = ebpfctl(&["prog", "detach", "pinned", &prog, kind, "name", &sockmap]);
        assert_eq!(gone.code, 2, "{kind}: detached once only");
        assert!(gone.stderr.contains("not attached"), "{}", gone.stderr);
    }
    // bpftool attaches with the same words; ebpfctl detaches what bpftool attached, and not under another type.
    let msg = dir.pin("p/hb_msg");
    bpftool(&[
        "prog",
        "attach",
        "pinned",
        &msg,
        "msg_verdict",
        "pinned",
        &dir.pin("sm"),
    ]);
    let wrong = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &msg,
        "skb_verdict",
        "name",
        &sockmap,
    ]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &msg,
        "msg_verdict",
        "name",
        &sockmap,
    ]);
    let gone = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &msg,
        "msg_verdict",
        "pinned",
        &dir.pin("sm"),
    ]);
    assert_eq!(gone.code, 2);
}

#[test]
fn prog_detach_undoes_bpftools_flow_dissector_attach() {
    let ns = Netns::new("fd");
    let dir = PinDir::new("flow");
    ebpfctl_json(&[
        "prog",
        "loadall",
        fixture("habits").to_str().unwrap(),
        &dir.pin("p"),
    ]);
    let flow = dir.pin("p/hb_flow");
    // bpftool attaches a flow dissector without a link, in its own network namespace.
    let out = ns
        .command("bpftool")
        .args(["prog", "attach", "pinned", &flow, "flow_dissector"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // bpftool 7.1's JSON for a flow dissector is broken (`["id":N]`): its text is the oracle here.
    let bpftool_sees = || {
        let out = ns
            .command("bpftool")
            .args(["net", "show"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains(&format!(
            "id {}",
            bpftool_json(&["prog", "show", "pinned", &flow])["id"]
        ))
    };
    assert!(bpftool_sees());
    let report = ns.ebpfctl_json(&["prog", "detach", "pinned", &flow, "flow_dissector"]);
    assert!(
        report["other"][0]
            .as_str()
            .unwrap()
            .contains("flow dissector"),
        "{report}"
    );
    assert!(!bpftool_sees(), "still attached after prog detach");
    // Another namespace's cannot be reached by BPF_PROG_DETACH from here: refused, not silently missed.
    let far = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &flow,
        "flow_dissector",
        "netns",
        &ns.path(),
    ]);
    assert_eq!(far.code, 2);
    assert!(
        far.stderr.contains("inside its network namespace"),
        "{}",
        far.stderr
    );
}

#[test]
fn a_per_cpu_update_with_one_value_fills_every_cpu_as_bpftool_does() {
    let dir = PinDir::new("percpu");
    let ours = dir.pin("ours");
    let theirs = dir.pin("theirs");
    for (path, name) in [(&ours, unique("c")), (&theirs, unique("c"))] {
        ebpfctl_json(&[
            "map",
            "create",
            path,
            "type",
            "percpu_hash",
            "key",
            "4",
            "value",
            "4",
            "entries",
            "4",
            "name",
            &name,
        ]);
    }
    let update = |path: &str| -> Vec<String> {
        "map update pinned PATH key 1 0 0 0 value 0x2a 0 0 0x80"
            .split(' ')
            .map(|w| {
                if w == "PATH" {
                    path.to_string()
                } else {
                    w.to_string()
                }
            })
            .collect()
    };
    let lookup =
        |path: &str| bpftool_json(&["map", "lookup", "pinned", path, "key", "1", "0", "0", "0"]);
    let ours_words = update(&ours);
    ebpfctl_json(&ours_words.iter().map(String::as_str).collect::<Vec<_>>());
    let theirs_words = update(&theirs);
    bpftool(&theirs_words.iter().map(String::as_str).collect::<Vec<_>>());
    let (a, b) = (lookup(&ours), lookup(&theirs));
    assert_eq!(a["values"], b["values"]);
    let cpus = a["values"].as_array().unwrap();
    assert!(!cpus.is_empty());
    for cpu in cpus {
        assert_eq!(
            cpu["value"],
            serde_json::json!(["0x2a", "0x00", "0x00", "0x80"]),
            "{a}"
        );
    }
    // Every CPU's value given whole still works (each slot is 8 bytes: 4 of value, 4 of padding).
    let n = cpus.len();
    let mut words = vec![
        "map",
        "update",
        "pinned",
        ours.as_str(),
        "key",
        "2",
        "0",
        "0",
        "0",
        "value",
    ];
    let per_cpu: Vec<String> = (0..n).map(|c| c.to_string()).collect();
    for c in &per_cpu {
        words.extend([c.as_str(), "0", "0", "0", "0", "0", "0", "0"]);
    }
    ebpfctl_json(&words);
    let whole = bpftool_json(&["map", "lookup", "pinned", &ours, "key", "2", "0", "0", "0"]);
    for (c, cpu) in whole["values"].as_array().unwrap().iter().enumerate() {
        assert_eq!(hex_u32(&cpu["value"]), c as u32);
    }
    // Any other length is refused, saying both forms.
    let bad = ebpfctl(&[
        "map", "update", "pinned", &ours, "key", "3", "0", "0", "0", "value", "1", "2",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("copied to every CPU"), "{}", bad.stderr);
}

#[test]
fn struct_ops_dump_equals_bpftools() {
    let obj = fixture("habits_struct_ops");
    ebpfctl_json(&["struct_ops", "register", obj.to_str().unwrap()]);
    let shown = ebpfctl_json(&["struct_ops", "show", "name", "hb_cc"]);
    let id = shown[0]["id"].to_string();
    let ours = ebpfctl_json(&["struct_ops", "dump", "id", &id]);
    // bpftool 7.1 forgets the array around `dump id N` (it prints two objects side by side): wrap it.
    let out = common::host_command("bpftool")
        .args(["-j", "struct_ops", "dump", "id", &id])
        .output()
        .unwrap();
    let text = format!("[{}]", String::from_utf8_lossy(&out.stdout));
    let theirs: Value = serde_json::from_str(&text).unwrap();
    ebpfctl_json(&["struct_ops", "unregister", "id", &id]);
    assert_eq!(ours, theirs);
    assert_eq!(ours[0]["bpf_map_info"]["name"], "hb_cc");
    let ops = &ours[1]["bpf_struct_ops_tcp_congestion_ops"]["data"];
    assert_eq!(ops["name"], "hb_cc");
    let ssthresh = ops["ssthresh"].as_str().unwrap();
    assert!(
        ssthresh.starts_with("u32 (struct sock *) hb_cc_ssthresh/prog_id:"),
        "{ssthresh}"
    );
}

#[test]
fn event_pipe_reads_one_cpu_into_one_slot() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = if cpus > 1 { 1 } else { 0 };
    let dir = PinDir::new("evpipe");
    let mut obj = libbpf_rs::ObjectBuilder::default()
        .open_file(fixture("map_events"))
        .unwrap()
        .load()
        .unwrap();
    let me = std::process::id();
    use libbpf_rs::MapCore;
    for mut map in obj.maps_mut() {
        match map.name().to_string_lossy().as_ref() {
            "target" => map
                .update(
                    &0u32.to_ne_bytes(),
                    &me.to_ne_bytes(),
                    libbpf_rs::MapFlags::ANY,
                )
                .unwrap(),
            "perf" => map.pin(dir.pin("perf")).unwrap(),
            _ => {}
        }
    }
    let _link = obj.progs_mut().next().unwrap().attach().unwrap();
    let mut child = Command::new(bin())
        .args(["-j", "map", "event_pipe", "pinned", &dir.pin("perf")])
        .args(["cpu", &cpu.to_string(), "index", &cpu.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let reader = std::thread::spawn(move || lines.next().map(|l| l.unwrap()));
    // Events come from a thread pinned to that CPU, so they land in its buffer.
    let deadline = Instant::now() + Duration::from_secs(10);
    std::thread::spawn(move || {
        // SAFETY: a zeroed cpu_set_t with one bit set, for this thread only.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
        while Instant::now() < deadline {
            std::hint::black_box(std::os::unix::process::parent_id());
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    while !reader.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let line = reader.join().unwrap().expect("an event");
    common::host_command("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["type"], 9, "{line}");
    assert_eq!(event["cpu"], cpu, "{line}");
    assert_eq!(event["index"], cpu, "{line}");
    assert!(event["timestamp"].as_u64().unwrap() > 0, "{line}");
    assert_eq!(hex_u32(&event["data"]), me);
    // cpu without index is bpftool's error too.
    let half = ebpfctl(&["map", "event_pipe", "pinned", &dir.pin("perf"), "cpu", "0"]);
    assert_eq!(half.code, 2);
    assert!(half.stderr.contains("together"), "{}", half.stderr);
}

#[test]
fn iter_pin_takes_an_object_file_as_bpftool_does() {
    let dir = PinDir::new("iter");
    let obj = fixture("habits_iter");
    let name = unique("i");
    ebpfctl_json(&[
        "map",
        "create",
        &dir.pin("m"),
        "type",
        "hash",
        "key",
        "4",
        "value",
        "8",
        "entries",
        "4",
        "name",
        &name,
    ]);
    ebpfctl_json(&[
        "map",
        "update",
        "pinned",
        &dir.pin("m"),
        "key",
        "7",
        "0",
        "0",
        "0",
        "value",
        "9",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]);
    let run = ebpfctl(&[
        "iter",
        "pin",
        obj.to_str().unwrap(),
        &dir.pin("it"),
        "map",
        "pinned",
        &dir.pin("m"),
    ]);
    if run.code == 0 {
        let text = std::fs::read_to_string(dir.pin("it")).unwrap();
        assert_eq!(text, "7 9\n");
    } else {
        // This kernel refuses tracing programs (iterators among them): the refusal is the kernel's, in one
        // line, about loading the object, not a usage error, and nothing is pinned. bpftool fails the same way.
        assert_eq!(run.code, 2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("usage"), "{}", run.stderr);
        assert!(!std::path::Path::new(&dir.pin("it")).exists());
        let theirs = common::host_command("bpftool")
            .args([
                "iter",
                "pin",
                obj.to_str().unwrap(),
                &dir.pin("it2"),
                "map",
                "pinned",
                &dir.pin("m"),
            ])
            .output()
            .unwrap();
        assert!(!theirs.status.success());
    }
    // The words are checked before anything loads.
    let bad = ebpfctl(&["iter", "pin", obj.to_str().unwrap(), &dir.pin("x"), "map"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("PATH [map MAP]"), "{}", bad.stderr);
}

#[test]
fn offload_and_xdp_metadata_devices_reach_the_kernel() {
    let pair = VethPair::new("of");
    let dir = PinDir::new("offload");
    let obj = fixture("habits");
    let obj = obj.to_str().unwrap();
    // No offload driver on a veth: the kernel's refusal, said as such (not a grammar error).
    let prog = pair.b.ebpfctl(&[
        "-j",
        "prog",
        "load",
        obj,
        &dir.pin("off"),
        "offload_dev",
        "vb",
    ]);
    assert_eq!(prog.code, 2);
    let err = prog.json();
    assert_eq!(err["kind"], "unsupported", "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("offload to vb"),
        "{err}"
    );
    let map = pair.b.ebpfctl(&[
        "-j",
        "map",
        "create",
        &dir.pin("om"),
        "type",
        "hash",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "4",
        "name",
        "hb_off",
        "offload_dev",
        "vb",
    ]);
    assert_eq!(map.code, 2);
    assert_eq!(map.json()["kind"], "unsupported");
    assert!(
        !std::path::Path::new(&dir.pin("off")).exists()
            && !std::path::Path::new(&dir.pin("om")).exists()
    );
    // XDP metadata binding works on a veth: the XDP program may then attach to vb only.
    pair.b.ebpfctl_json(&[
        "prog",
        "loadall",
        obj,
        &dir.pin("meta"),
        "xdpmeta_dev",
        "vb",
    ]);
    let xdp = dir.pin("meta/hb_xdp");
    let other = pair
        .b
        .ebpfctl(&["net", "attach", "xdp", "pinned", &xdp, "dev", "lo"]);
    assert_eq!(
        other.code, 2,
        "bound to vb, refused elsewhere: {}",
        other.stderr
    );
    let view = pair
        .b
        .ebpfctl_json(&["net", "attach", "xdp", "pinned", &xdp, "dev", "vb"]);
    assert_eq!(view[0]["xdp"][0]["devname"], "vb");
    pair.b.ebpfctl_json(&["net", "detach", "xdp", "dev", "vb"]);
    // Both devices at once is bpftool's error too.
    let both = ebpfctl(&[
        "prog",
        "load",
        obj,
        &dir.pin("both"),
        "offload_dev",
        "lo",
        "xdpmeta_dev",
        "lo",
    ]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("exclude each other"),
        "{}",
        both.stderr
    );
}

//! `map watch` / `event_pipe` against a program that emits events when this test process calls getppid().

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, fixture, PinDir};
use libbpf_rs::{MapCore, MapFlags, ObjectBuilder};
use serde_json::Value;

/// The event the fixture writes: tgid, sequence number, magic.
fn decode(line: &str) -> (u32, u64) {
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let bytes: Vec<u8> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| u8::from_str_radix(b.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect();
    let tgid = u32::from_ne_bytes(bytes[0..4].try_into().unwrap());
    let magic = u64::from_ne_bytes(bytes[8..16].try_into().unwrap());
    (tgid, magic)
}

fn stream(map_name: &str) {
    let dir = PinDir::new(&format!("stream-{map_name}"));
    let mut obj = ObjectBuilder::default()
        .open_file(fixture("map_events"))
        .unwrap()
        .load()
        .unwrap();
    let me = std::process::id();
    for mut map in obj.maps_mut() {
        let name = map.name().to_string_lossy().into_owned();
        if name == "target" {
            map.update(&0u32.to_ne_bytes(), &me.to_ne_bytes(), MapFlags::ANY)
                .unwrap();
        }
        if name == map_name {
            map.pin(dir.pin(map_name)).unwrap();
        }
    }
    let prog = obj.progs_mut().next().unwrap();
    let _link = prog.attach().unwrap();

    let mut child = Command::new(bin())
        .args(["-j", "map", "watch", "pinned", &dir.pin(map_name)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The watcher needs a moment to open its buffers; events before that are not delivered, so keep calling.
    let deadline = Instant::now() + Duration::from_secs(10);
    let reader = std::thread::spawn(move || lines.next().map(|l| l.unwrap()));
    while !reader.is_finished() && Instant::now() < deadline {
        std::hint::black_box(std::os::unix::process::parent_id());
        std::thread::sleep(Duration::from_millis(20));
    }
    let first = reader.join().unwrap().expect("an event line");
    let (tgid, magic) = decode(&first);
    assert_eq!(tgid, me);
    assert_eq!(magic, 0x0123456789abcdef);
    if map_name == "perf" {
        let v: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(v["type"], 9, "PERF_RECORD_SAMPLE, as bpftool's event_pipe");
    }

    // Ctrl-C ends the stream cleanly.
    common::host_command("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "SIGINT must end the stream with exit 0"
    );
}

#[test]
fn ring_buffer_events_stream_as_json_lines() {
    stream("ring");
}

#[test]
fn perf_event_array_events_stream_as_json_lines() {
    stream("perf");
}

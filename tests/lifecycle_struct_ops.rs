//! struct_ops on the live kernel: a tcp_congestion_ops fixture registered through a pinned link (`lc_ccl`) and
//! the older way (`lc_ccm`), seen by the kernel (tcp_available_congestion_control), by `struct_ops show` (equal
//! to bpftool's) and by a TCP socket that runs it; unregistering leaves no link, program or congestion control.
//! One test owns the fixture's names, so nothing here runs twice in parallel.

use crate::common;
use crate::lifecycle_util;

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture, host_command};
use lifecycle_util::{exists, BpffsDir};
use serde_json::Value;

const OURS: [&str; 2] = ["lc_ccl", "lc_ccm"];

fn available() -> Vec<String> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control")
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect()
}

fn ours(list: &Value) -> Vec<Value> {
    let mut v: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| OURS.contains(&m["name"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    v.sort_by_key(|m| m["name"].to_string());
    v
}

/// Ids of the programs whose names start with `lc_cc` (the fixture's), settled: released programs are freed
/// after an RCU grace period, and a closing socket holds its congestion control a little longer.
fn fixture_progs_settled(want_none: bool) -> Vec<u64> {
    let read = || -> Vec<u64> {
        bpftool_json(&["prog", "show"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"].as_str().is_some_and(|n| n.starts_with("lc_cc")))
            .map(|p| p["id"].as_u64().unwrap())
            .collect()
    };
    for _ in 0..100 {
        let ids = read();
        if !want_none || ids.is_empty() {
            return ids;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    read()
}

/// Opens a loopback TCP connection whose client uses congestion control `cc` and returns the name the kernel
/// reports back for the socket.
fn connect_with(cc: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (_server, _) = listener.accept().unwrap();
    let fd = client.as_raw_fd();
    // SAFETY: setsockopt/getsockopt on an open socket with buffers of the lengths given.
    unsafe {
        let rc = libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            cc.as_ptr().cast(),
            cc.len() as libc::socklen_t,
        );
        assert_eq!(
            rc,
            0,
            "TCP_CONGESTION {cc}: {}",
            std::io::Error::last_os_error()
        );
        let mut buf = [0u8; 16];
        let mut len = buf.len() as libc::socklen_t;
        let rc = libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            buf.as_mut_ptr().cast(),
            &mut len,
        );
        assert_eq!(rc, 0);
        String::from_utf8_lossy(&buf[..len as usize])
            .trim_end_matches('\0')
            .to_string()
    }
}

/// The fixture's `so_counts` (slot 0: lc_ccl, slot 1: lc_ccm), found through the init program that uses it.
fn so_counts() -> Vec<u64> {
    let prog = bpftool_json(&["prog", "show", "name", "lc_ccl_init"]);
    let map_id = prog["map_ids"][0].as_u64().unwrap().to_string();
    let dump = ebpfctl_json(&["map", "dump", "id", &map_id]);
    dump.as_array()
        .unwrap()
        .iter()
        .map(|e| e["formatted"]["value"].as_u64().unwrap())
        .collect()
}

/// Unregisters the fixture's congestion controls when a test fails half-way (the older registration outlives
/// every process; the link one dies with its pin, which BpffsDir removes).
struct Unregister;

impl Drop for Unregister {
    fn drop(&mut self) {
        for name in OURS {
            let _ = ebpfctl(&["struct_ops", "unregister", "name", name]);
        }
    }
}

#[test]
fn struct_ops_register_show_run_unregister() {
    let obj = fixture("lifecycle_struct_ops");
    let obj = obj.to_str().unwrap();
    let dir = BpffsDir::new("so");
    let _cleanup = Unregister;
    assert!(
        OURS.iter().all(|n| !available().contains(&n.to_string())),
        "a previous run left {OURS:?} registered"
    );

    // A link-registered map without LINK_DIR is refused before anything registers (lc_ccm included).
    let refused = ebpfctl(&["struct_ops", "register", obj]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("LINK_DIR"), "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(OURS.iter().all(|n| !available().contains(&n.to_string())));
    assert!(fixture_progs_settled(true).is_empty());

    let report = ebpfctl_json(&["struct_ops", "register", obj, &dir.path()]);
    let link_pin = dir.join("lc_ccl");
    assert_eq!(report["registered"][0]["name"], "lc_ccl", "{report}");
    assert_eq!(report["registered"][0]["pinned"], link_pin.as_str());
    assert!(report["registered"][1].get("pinned").is_none(), "{report}");
    let avail = available();
    assert!(
        OURS.iter().all(|n| avail.contains(&n.to_string())),
        "{avail:?}"
    );

    // struct_ops show, list and the selectors against bpftool.
    let theirs = ours(&bpftool_json(&["struct_ops", "show"]));
    assert_eq!(theirs.len(), 2);
    assert_eq!(ours(&ebpfctl_json(&["struct_ops", "show"])), theirs);
    assert_eq!(ours(&ebpfctl_json(&["struct_ops", "list"])), theirs);
    assert_eq!(theirs[0]["kernel_struct_ops"], "tcp_congestion_ops");
    let id = theirs[0]["id"].as_u64().unwrap().to_string();
    assert_eq!(
        ebpfctl_json(&["struct_ops", "show", "id", &id]),
        bpftool_json(&["struct_ops", "show", "id", &id])
    );
    assert_eq!(
        ebpfctl_json(&["struct_ops", "show", "name", "lc_ccm"]),
        bpftool_json(&["struct_ops", "show", "name", "lc_ccm"])
    );
    assert_eq!(
        ebpfctl_json(&["struct_ops", "show", "pinned", &link_pin])["name"],
        "lc_ccl"
    );
    // `map dump` of a struct_ops map formats its value with the kernel's `bpf_struct_ops_tcp_congestion_ops`
    // (the map's own BTF types nothing): state INUSE, the program slots, the name. Text and JSON as bpftool's.
    for m in &theirs {
        let id = m["id"].as_u64().unwrap().to_string();
        let dump = ebpfctl_json(&["map", "dump", "id", &id]);
        assert_eq!(dump, bpftool_json(&["map", "dump", "id", &id]), "map {id}");
        let data = &dump[0]["formatted"]["value"]["data"];
        assert_eq!(data["name"], m["name"], "{dump}");
        assert!(data["ssthresh"].as_u64().unwrap() > 0, "{dump}");
        let text = |tool: &str| {
            let out = host_command(tool)
                .args(["map", "dump", "id", &id])
                .output()
                .expect(tool);
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        assert_eq!(text(&common::bin()), text("bpftool"), "map {id}");
    }

    // The pinned link is a struct_ops link on lc_ccl's map. bpftool 7.1 prints no map_id for struct_ops links
    // (it predates them), so the id is ours and the type is compared with bpftool's.
    let link = ebpfctl_json(&["link", "show", "pinned", &link_pin]);
    assert_eq!(link["type"], "struct_ops");
    assert_eq!(link["map_id"], theirs[0]["id"]);
    assert_eq!(
        bpftool_json(&["link", "show", "pinned", &link_pin])["id"],
        link["id"]
    );

    // A TCP socket runs each: the kernel reports the name back and the init program counts it.
    let before = so_counts();
    assert_eq!(connect_with("lc_ccl"), "lc_ccl");
    assert_eq!(connect_with("lc_ccm"), "lc_ccm");
    let after = so_counts();
    assert!(
        after[0] > before[0] && after[1] > before[1],
        "{before:?} -> {after:?}"
    );

    // Unregister: the link by its pin, the older registration by name.
    let by_pin = ebpfctl_json(&["struct_ops", "unregister", "pinned", &link_pin]);
    assert_eq!(by_pin["links"][0]["type"], "struct_ops", "{by_pin}");
    assert!(!exists(&link_pin));
    let by_name = ebpfctl_json(&["struct_ops", "unregister", "name", "lc_ccm"]);
    assert!(by_name["other"][0]
        .as_str()
        .unwrap()
        .contains("unregistered"));
    let avail = available();
    assert!(
        OURS.iter().all(|n| !avail.contains(&n.to_string())),
        "{avail:?}"
    );
    assert!(ours(&bpftool_json(&["struct_ops", "show"])).is_empty());
    assert!(
        fixture_progs_settled(true).is_empty(),
        "the struct_ops programs outlived their maps"
    );
    assert!(
        !bpftool_json(&["link", "show"])
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["type"] == "struct_ops" && l["map_id"] == theirs[0]["id"]),
        "the struct_ops link outlived unregister"
    );
}

#[test]
fn struct_ops_bad_input_is_one_line_and_exit_2() {
    let dir = BpffsDir::new("sob");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["unregister".into(), "name".into(), "lc_nosuch_cc".into()],
            "no such struct_ops map",
        ),
        (
            vec!["show".into(), "name".into(), "lc_nosuch_cc".into()],
            "no such struct_ops map",
        ),
        (
            vec!["unregister".into(), "id".into(), "4294967295".into()],
            "no such map",
        ),
        (
            vec!["unregister".into(), "pinned".into(), dir.join("none")],
            "",
        ),
        (
            vec![
                "register".into(),
                fixture("lifecycle_progs").display().to_string(),
                dir.join("links"),
            ],
            "no struct_ops maps",
        ),
    ];
    for (args, reason) in cases {
        let mut full = vec!["struct_ops"];
        full.extend(args.iter().map(String::as_str));
        let run = ebpfctl(&full);
        assert_eq!(run.code, 2, "{full:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{full:?}: {}", run.stderr);
        assert!(run.stderr.contains(reason), "{full:?}: {}", run.stderr);
    }
    assert!(
        !exists(&dir.join("links")),
        "a failed register left its LINK_DIR"
    );
}

/// `struct_ops unregister id N` of a map that is not struct_ops must not delete its key 0.
#[test]
fn struct_ops_unregister_refuses_other_maps() {
    let dir = lifecycle_util::load_progs("sow");
    let counts = dir.join("maps/counts");
    let id = bpftool_json(&["map", "show", "pinned", &counts])["id"]
        .as_u64()
        .unwrap()
        .to_string();
    let run = ebpfctl(&["struct_ops", "unregister", "id", &id]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a struct_ops map"),
        "{}",
        run.stderr
    );
    let show = ebpfctl(&["struct_ops", "show", "id", &id]);
    assert_eq!(show.code, 2, "{}", show.stderr);
}

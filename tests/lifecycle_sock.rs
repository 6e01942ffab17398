//! Socket-level and namespace-level attach types on the live kernel, each attached, observed by the fixture's
//! counters (tests/bpf/lifecycle_sock.bpf.c), detached and checked to leave nothing: sk_msg and sk_skb programs
//! on a sockmap carrying a real TCP connection, flow_dissector on a test network namespace, netfilter in one.

use crate::common;
use crate::lifecycle_util;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture};
use lifecycle_util::{exists, links_of_prog_settled, prog_id, BpffsDir, Netns};
use serde_json::Value;

/// Slots of the fixture's `sock_counts`.
const SK_MSG: usize = 0;
const PARSER: usize = 1;
const VERDICT: usize = 2;
const FLOW: usize = 3;
const NF: usize = 4;

fn load(tag: &str) -> BpffsDir {
    let dir = BpffsDir::new(tag);
    let obj = fixture("lifecycle_sock");
    ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "pinmaps",
        &dir.join("maps"),
    ]);
    dir
}

fn counts(dir: &BpffsDir) -> Vec<u64> {
    lifecycle_util::counts(&dir.join("maps/sock_counts"))
}

/// The bpf(2) calls a test needs to put its own sockets into a sockmap and to ask the kernel what is attached
/// to it, independently of ebpfctl (bpftool has no command for either).
mod bpf {
    use std::os::fd::{FromRawFd, OwnedFd, RawFd};

    const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;
    const BPF_OBJ_GET: libc::c_long = 7;
    const BPF_PROG_QUERY: libc::c_long = 16;
    pub const BPF_SK_SKB_STREAM_PARSER: u32 = 4;
    pub const BPF_SK_SKB_STREAM_VERDICT: u32 = 5;
    pub const BPF_SK_MSG_VERDICT: u32 = 7;

    fn call(cmd: libc::c_long, attr: &mut [u64; 16]) -> libc::c_long {
        // SAFETY: attr is a zero-padded 128-byte bpf_attr laid out for `cmd`; pointers in it outlive the call.
        unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), 128usize) }
    }

    pub fn obj_get(path: &str) -> OwnedFd {
        let c = std::ffi::CString::new(path).unwrap();
        let mut attr = [0u64; 16];
        attr[0] = c.as_ptr() as u64;
        let fd = call(BPF_OBJ_GET, &mut attr);
        assert!(
            fd >= 0,
            "BPF_OBJ_GET {path}: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: the kernel returned a new fd we own.
        unsafe { OwnedFd::from_raw_fd(fd as RawFd) }
    }

    pub fn add_socket(map: RawFd, key: u32, sock: RawFd) {
        let value = sock as u64;
        let mut attr = [0u64; 16];
        attr[0] = map as u64;
        attr[1] = &key as *const u32 as u64;
        attr[2] = &value as *const u64 as u64;
        let rc = call(BPF_MAP_UPDATE_ELEM, &mut attr);
        assert_eq!(rc, 0, "add socket: {}", std::io::Error::last_os_error());
    }

    /// Program ids attached to `target` as `attach_type` (BPF_PROG_QUERY, sockmaps since 5.19).
    pub fn query(target: RawFd, attach_type: u32) -> Vec<u32> {
        let mut ids = [0u32; 8];
        let mut attr = [0u64; 16];
        attr[0] = target as u64 | (u64::from(attach_type) << 32);
        attr[2] = ids.as_mut_ptr() as u64;
        attr[3] = ids.len() as u64;
        let rc = call(BPF_PROG_QUERY, &mut attr);
        assert_eq!(rc, 0, "BPF_PROG_QUERY: {}", std::io::Error::last_os_error());
        ids[..(attr[3] as u32 as usize)].to_vec()
    }
}

/// A loopback TCP connection whose two sockets are put into `map` (client key 0, server key 1); `msg` goes from
/// client to server and must arrive intact (the verdict program passes it).
fn converse_through(map: &OwnedFd, msg: &[u8]) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    bpf::add_socket(map.as_raw_fd(), 0, client.as_raw_fd());
    bpf::add_socket(map.as_raw_fd(), 1, server.as_raw_fd());
    client.write_all(msg).unwrap();
    server
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut got = vec![0u8; msg.len()];
    server.read_exact(&mut got).unwrap();
    assert_eq!(got, msg);
    // Closing the sockets takes them out of the map.
}

#[test]
fn sk_msg_and_sk_skb_on_a_sockmap_count_a_tcp_conversation_and_detach() {
    let dir = load("sm");
    let map_pin = dir.join("maps/sock_map");
    let map = bpf::obj_get(&map_pin);
    let progs = [
        ("lc_sk_msg", "sk_msg_verdict", bpf::BPF_SK_MSG_VERDICT),
        (
            "lc_sk_parser",
            "sk_skb_stream_parser",
            bpf::BPF_SK_SKB_STREAM_PARSER,
        ),
        (
            "lc_sk_verdict",
            "sk_skb_stream_verdict",
            bpf::BPF_SK_SKB_STREAM_VERDICT,
        ),
    ];
    for (prog, kind, attach_type) in progs {
        let report = ebpfctl_json(&[
            "prog",
            "attach",
            "pinned",
            &dir.join(prog),
            kind,
            "pinned",
            &map_pin,
        ]);
        assert!(
            report["persistent"].as_str().unwrap().contains(&map_pin),
            "{report}"
        );
        assert!(report["links"].as_array().unwrap().is_empty());
        // The kernel's own answer: this program is what the map runs for that attach type.
        assert_eq!(
            bpf::query(map.as_raw_fd(), attach_type),
            vec![prog_id(&dir.join(prog)) as u32],
            "{kind}"
        );
    }
    let before = counts(&dir);
    converse_through(&map, b"hello through the sockmap");
    let after = counts(&dir);
    for slot in [SK_MSG, PARSER, VERDICT] {
        assert!(
            after[slot] > before[slot],
            "slot {slot}: {before:?} -> {after:?}"
        );
    }

    for (prog, kind, attach_type) in progs {
        let report = ebpfctl_json(&[
            "prog",
            "detach",
            "pinned",
            &dir.join(prog),
            kind,
            "pinned",
            &map_pin,
        ]);
        assert!(
            report["other"][0].as_str().unwrap().contains("detached"),
            "{report}"
        );
        assert!(
            bpf::query(map.as_raw_fd(), attach_type).is_empty(),
            "{kind}"
        );
        // Detaching what is no longer attached is an error, not a silent success.
        let again = ebpfctl(&[
            "prog",
            "detach",
            "pinned",
            &dir.join(prog),
            kind,
            "pinned",
            &map_pin,
        ]);
        assert_eq!(again.code, 2, "{}", again.stderr);
        assert!(again.stderr.contains("not attached"), "{}", again.stderr);
        assert_eq!(again.stderr.lines().count(), 1);
    }
    // Sockets added after the detach run nothing.
    let before = counts(&dir);
    converse_through(&map, b"no programs now");
    assert_eq!(counts(&dir), before);
}

#[test]
fn sockhash_attach_detach_and_bad_input() {
    let dir = load("sh");
    let hash_pin = dir.join("maps/sock_hash");
    let hash = bpf::obj_get(&hash_pin);
    let verdict = dir.join("lc_sk_verdict");
    ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &verdict,
        "sk_skb_stream_verdict",
        "pinned",
        &hash_pin,
    ]);
    let id = prog_id(&verdict) as u32;
    assert_eq!(
        bpf::query(hash.as_raw_fd(), bpf::BPF_SK_SKB_STREAM_VERDICT),
        vec![id]
    );
    ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &verdict,
        "sk_skb_stream_verdict",
        "pinned",
        &hash_pin,
    ]);
    assert!(bpf::query(hash.as_raw_fd(), bpf::BPF_SK_SKB_STREAM_VERDICT).is_empty());

    let counts_pin = dir.join("maps/sock_counts");
    let missing = dir.join("maps/nosuch");
    let sk_msg = dir.join("lc_sk_msg");
    let stray_pin = dir.join("x");
    let cases: [(Vec<&str>, &str); 5] = [
        (
            vec![
                "prog",
                "attach",
                "pinned",
                &sk_msg,
                "sk_msg_verdict",
                "pinned",
                &counts_pin,
            ],
            "is a array map; sk_msg and sk_skb programs attach to sockmap or sockhash maps",
        ),
        (
            vec![
                "prog",
                "detach",
                "pinned",
                &sk_msg,
                "sk_msg_verdict",
                "pinned",
                &counts_pin,
            ],
            "sockmap or sockhash",
        ),
        (
            vec![
                "prog",
                "attach",
                "pinned",
                &sk_msg,
                "sk_msg_verdict",
                "pinned",
                &missing,
            ],
            "",
        ),
        (
            vec![
                "prog",
                "attach",
                "pinned",
                &verdict,
                "sk_msg_verdict",
                "pinned",
                &hash_pin,
            ],
            "is a sk_skb program; sk_msg_verdict attaches sk_msg programs",
        ),
        (
            vec![
                "prog",
                "attach",
                "pinned",
                &sk_msg,
                "sk_msg_verdict",
                "pinned",
                &hash_pin,
                "--pin",
                &stray_pin,
            ],
            "nothing to pin",
        ),
    ];
    for (args, reason) in cases {
        let run = ebpfctl(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(reason), "{args:?}: {}", run.stderr);
    }
    for attach_type in [bpf::BPF_SK_MSG_VERDICT, bpf::BPF_SK_SKB_STREAM_VERDICT] {
        assert!(bpf::query(hash.as_raw_fd(), attach_type).is_empty());
    }
    assert!(!exists(&dir.join("x")));
}

/// Ids bpftool prints under `flow_dissector:` in its plain `net show`. bpftool 7.1's JSON for an attached flow
/// dissector is not JSON (`"flow_dissector":["id":N]`, an object member inside an array), so the plain output
/// is the oracle; ebpfctl prints `[{"id":N}]`, which is what bpftool means.
fn bpftool_flow_dissector_ids(ns: &Netns) -> Vec<u64> {
    let out = ns
        .command("bpftool")
        .args(["net", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .skip_while(|l| !l.starts_with("flow_dissector:"))
        .skip(1)
        .map_while(|l| l.strip_prefix("id "))
        .map(|id| id.trim().parse().unwrap())
        .collect()
}

/// Turns on RPS for the namespace's loopback, so every received packet's hash is computed by the flow
/// dissector (nothing else on a plain netns dissects). `ip netns exec` mounts the namespace's own /sys.
fn dissect_every_packet(ns: &Netns) {
    let ok = common::host_command("ip")
        .args(["netns", "exec", &ns.0, "sh", "-c"])
        .arg("echo 1 > /sys/class/net/lo/queues/rx-0/rps_cpus")
        .status()
        .unwrap()
        .success();
    assert!(ok, "enable RPS on lo in {}", ns.0);
}

#[test]
fn flow_dissector_link_on_a_netns_counts_listed_and_detaches() {
    let ns = Netns::new("fd");
    dissect_every_packet(&ns);
    let dir = load("fd");
    let prog = dir.join("lc_flow");
    let id = prog_id(&prog);
    let pin = dir.join("link");
    let report = ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "flow_dissector",
        "netns",
        &ns.path(),
        "--pin",
        &pin,
    ]);
    let link_id = report["links"][0]["id"].clone();
    let link = bpftool_json(&["link", "show", "pinned", &pin]);
    assert_eq!(link["id"], link_id);
    assert_eq!(link["type"], "netns");
    assert_eq!(link["attach_type"], "flow_dissector");

    let ours = ns.ebpfctl_json(&["net", "show"]);
    assert_eq!(ours[0]["flow_dissector"], serde_json::json!([{ "id": id }]));
    assert_eq!(bpftool_flow_dissector_ids(&ns), vec![id]);
    // Only that namespace has it.
    assert!(!ebpfctl_json(&["net", "show"])[0]["flow_dissector"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!({ "id": id })));

    ns.send_udp("127.0.0.1", 9, 3);
    let seen = counts(&dir)[FLOW];
    assert!(seen > 0, "the flow dissector never ran");

    // A second program on the same namespace is refused while the link holds it.
    let busy = ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "flow_dissector",
        "netns",
        &ns.path(),
        "--pin",
        &dir.join("l2"),
    ]);
    assert_eq!(busy.code, 2, "{}", busy.stderr);
    assert!(!exists(&dir.join("l2")));

    ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &prog,
        "flow_dissector",
        "netns",
        &ns.path(),
    ]);
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
    assert!(ns.ebpfctl_json(&["net", "show"])[0]["flow_dissector"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(bpftool_flow_dissector_ids(&ns).is_empty());
    ns.send_udp("127.0.0.1", 9, 3);
    assert_eq!(counts(&dir)[FLOW], seen, "ran after detach");

    let again = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &prog,
        "flow_dissector",
        "netns",
        &ns.path(),
    ]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    let missing = ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "flow_dissector",
        "netns",
        "/run/netns/lc-nosuch",
        "--pin",
        &pin,
    ]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert_eq!(missing.stderr.lines().count(), 1, "{}", missing.stderr);
    assert!(!exists(&pin));
}

fn netfilter_entry<'a>(view: &'a Value, link_id: &Value) -> Option<&'a Value> {
    view[0]["netfilter"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| &e["id"] == link_id)
}

#[test]
fn netfilter_link_counts_local_traffic_listed_and_detaches() {
    let ns = Netns::new("nf");
    let dir = load("nf");
    let prog = dir.join("lc_nf");
    let id = prog_id(&prog);
    let pin = dir.join("link");
    // Netfilter links belong to the namespace of the process that makes them.
    let report = ns.ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "netfilter",
        "ipv4",
        "input",
        "prio",
        "-7",
        "--pin",
        &pin,
    ]);
    let link_id = report["links"][0]["id"].clone();

    ns.send_udp("127.0.0.1", 9, 4);
    let seen = counts(&dir)[NF];
    assert!(
        seen >= 4,
        "netfilter input hook ran {seen} times for 4 datagrams"
    );

    // net show lists it with link show's fields. bpftool 7.1 predates netfilter links: its net show has no
    // netfilter section and its link show prints only {"id","type":10,"prog_id"}, which is checked here.
    let view = ns.ebpfctl_json(&["net", "show"]);
    let entry = netfilter_entry(&view, &link_id).expect("net show lists the netfilter link");
    assert_eq!(
        entry,
        &serde_json::json!({"id": link_id, "prog_id": id, "pf": 2, "hook": 1, "prio": -7, "flags": 0})
    );
    let link = ebpfctl_json(&["link", "show", "pinned", &pin]);
    for field in ["prog_id", "pf", "hook", "prio", "flags"] {
        assert_eq!(link[field], entry[field], "{field}");
    }
    let theirs = bpftool_json(&["link", "show", "pinned", &pin]);
    assert_eq!(
        (&theirs["id"], &theirs["prog_id"]),
        (&link_id, &serde_json::json!(id))
    );

    // The same hook and priority is taken; a different priority is not.
    let busy = ns.ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &prog,
        "netfilter",
        "ipv4",
        "input",
        "prio",
        "-7",
        "--pin",
        &dir.join("l2"),
    ]);
    assert_eq!(busy.code, 2, "{}", busy.stderr);
    assert!(!exists(&dir.join("l2")));

    // Detach with the wrong hook finds nothing; with the right one removes link and pin.
    let wrong = ebpfctl(&[
        "prog",
        "detach",
        "pinned",
        &prog,
        "netfilter",
        "ipv4",
        "output",
        "prio",
        "-7",
    ]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("not attached"), "{}", wrong.stderr);
    ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &prog,
        "netfilter",
        "ipv4",
        "input",
        "prio",
        "-7",
    ]);
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
    assert!(netfilter_entry(&ns.ebpfctl_json(&["net", "show"]), &link_id).is_none());
    ns.send_udp("127.0.0.1", 9, 2);
    assert_eq!(counts(&dir)[NF], seen, "ran after detach");

    for bad in [
        vec!["ipv5", "input"],
        vec!["ipv4", "sideways"],
        vec!["ipv4", "input", "prio", "x"],
        vec!["ipv4"],
    ] {
        let mut args = vec!["prog", "attach", "pinned", &prog, "netfilter"];
        args.extend(bad.iter());
        args.extend(["--pin", &pin]);
        let run = ns.ebpfctl(&args);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{bad:?}: {}", run.stderr);
    }
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
}

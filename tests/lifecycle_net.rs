//! Networking attach types on a veth pair between two network namespaces the test creates (nothing touches the
//! host's interfaces): traffic sent across is counted by the program; `net show` is compared with `bpftool -j net
//! show`; detaching leaves no link, filter or XDP program.

use crate::common;
use crate::lifecycle_util;

use common::bpftool_json;
use lifecycle_util::{
    counts, exists, links_of_prog_settled, load_progs, prog_id, slot, Netns, VethPair,
};
use serde_json::Value;

/// Entries of one `net show` section as comparable (kind, devname, ifindex, id) tuples, sorted.
fn section(view: &Value, key: &str, id_key: &str) -> Vec<Value> {
    let mut v: Vec<Value> = view[0][key].as_array().unwrap().to_vec();
    v.sort_by_key(|e| {
        (
            e["devname"].to_string(),
            e["kind"].to_string(),
            e[id_key].to_string(),
        )
    });
    v
}

/// Attach through a link with --pin, send UDP from the other side, see the counter move, detach, verify clean.
fn link_counts_traffic(tag: &str, prog: &str, kind: &str, idx: usize) {
    let pair = VethPair::new(tag);
    let dir = load_progs(tag);
    let prog_path = dir.join(prog);
    let id = prog_id(&prog_path);
    let pin = dir.join("link");
    let report = pair.b.ebpfctl_json(&[
        "prog", "attach", "pinned", &prog_path, kind, "dev", "vb", "--pin", &pin,
    ]);
    assert!(report["links"][0]["id"].as_u64().unwrap() > 0, "{report}");
    let before = counts(&dir.join("maps/counts"))[idx];
    pair.a.send_udp(&pair.ip_b, 9, 5);
    let after = counts(&dir.join("maps/counts"))[idx];
    assert!(after > before, "{kind}: {before} -> {after}");
    pair.b
        .ebpfctl_json(&["prog", "detach", "pinned", &prog_path, kind, "dev", "vb"]);
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
    let view = pair.b.ebpfctl_json(&["net", "show", "dev", "vb"]);
    assert!(
        view[0]["xdp"].as_array().unwrap().is_empty()
            && view[0]["tc"].as_array().unwrap().is_empty(),
        "{view}"
    );
}

#[test]
fn xdp_link_counts_traffic_and_detaches() {
    link_counts_traffic("x", "lc_xdp", "xdp", slot::XDP);
}

#[test]
fn xdpgeneric_link_counts_traffic_and_detaches() {
    link_counts_traffic("xg", "lc_xdp", "xdpgeneric", slot::XDP);
}

#[test]
fn tcx_ingress_link_counts_traffic_and_detaches() {
    link_counts_traffic("ti", "lc_tcx_in", "tcx_ingress", slot::TCX_IN);
}

#[test]
fn classic_tc_filter_counts_traffic_and_detaches() {
    let pair = VethPair::new("tc");
    let dir = load_progs("tc");
    let prog_path = dir.join("lc_tc");
    let id = prog_id(&prog_path);
    let pinned = pair.b.ebpfctl(&[
        "prog",
        "attach",
        "pinned",
        &prog_path,
        "tc_ingress",
        "dev",
        "vb",
        "--pin",
        &dir.join("x"),
    ]);
    assert_eq!(pinned.code, 2, "a tc filter is not a link: nothing to pin");
    let report = pair.b.ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &prog_path,
        "tc_ingress",
        "dev",
        "vb",
    ]);
    assert!(
        report["persistent"]
            .as_str()
            .unwrap()
            .contains("clsact filter"),
        "{report}"
    );
    pair.a.send_udp(&pair.ip_b, 9, 5);
    assert!(counts(&dir.join("maps/counts"))[slot::TC] > 0);
    // bpftool's view of the clsact filter is ours, field for field.
    let ours = pair.b.ebpfctl_json(&["net", "show"]);
    let theirs = pair.b.bpftool_json(&["net", "show"]);
    assert_eq!(section(&ours, "tc", "id"), section(&theirs, "tc", "id"));
    assert_eq!(section(&ours, "tc", "id")[0]["id"], id);
    pair.b.ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &prog_path,
        "tc_ingress",
        "dev",
        "vb",
    ]);
    let after = pair.b.bpftool_json(&["net", "show"]);
    assert!(after[0]["tc"].as_array().unwrap().is_empty(), "{after}");
}

/// net show against bpftool on the fields bpftool prints: XDP in two modes on two devices, clsact filters on
/// both hooks, flow_dissector. bpftool 7.1 predates tcx and prints no tcx entries, so tcx is checked against
/// BPF_PROG_QUERY's answer as bpftool ≥ 7.3 prints it (kind "tcx/egress", prog_id, link_id).
#[test]
fn net_show_matches_bpftool() {
    let pair = VethPair::new("ns");
    let dir = load_progs("ns");
    let (xdp, tc, tcx) = (dir.join("lc_xdp"), dir.join("lc_tc"), dir.join("lc_tcx_eg"));
    let b = &pair.b;
    b.ebpfctl_json(&["net", "attach", "xdpgeneric", "pinned", &xdp, "dev", "vb"]);
    pair.a
        .ebpfctl_json(&["net", "attach", "xdpdrv", "pinned", &xdp, "dev", "va"]);
    b.ebpfctl_json(&["prog", "attach", "pinned", &tc, "tc_ingress", "dev", "vb"]);
    b.ebpfctl_json(&["prog", "attach", "pinned", &tc, "tc_egress", "dev", "vb"]);
    b.ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        &tcx,
        "tcx_egress",
        "dev",
        "vb",
        "--pin",
        &dir.join("tcx"),
    ]);
    for ns in [&pair.a, &pair.b] {
        let ours = ns.ebpfctl_json(&["net", "show"]);
        let theirs = ns.bpftool_json(&["net", "show"]);
        assert_eq!(
            section(&ours, "xdp", "id"),
            section(&theirs, "xdp", "id"),
            "{}",
            ns.0
        );
        let ours_clsact: Vec<Value> = section(&ours, "tc", "id")
            .into_iter()
            .filter(|e| e["kind"].as_str().unwrap().starts_with("clsact"))
            .collect();
        assert_eq!(ours_clsact, section(&theirs, "tc", "id"), "{}", ns.0);
        assert_eq!(ours[0]["flow_dissector"], theirs[0]["flow_dissector"]);
    }
    let ours = b.ebpfctl_json(&["net", "show", "dev", "vb"]);
    let tcx_entry = ours[0]["tc"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "tcx/egress")
        .unwrap()
        .clone();
    let link = bpftool_json(&["link", "show", "pinned", &dir.join("tcx")]);
    assert_eq!(tcx_entry["prog_id"], prog_id(&tcx));
    assert_eq!(tcx_entry["link_id"], link["id"]);
    assert_eq!(tcx_entry["name"], "lc_tcx_eg");
    // `dev` filters to one device, like bpftool's.
    let only_va = pair.a.ebpfctl_json(&["net", "show", "dev", "va"]);
    assert!(only_va[0]["xdp"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["devname"] == "va"));
}

#[test]
fn net_attach_xdp_refuses_to_replace_without_overwrite_and_detaches() {
    let pair = VethPair::new("na");
    let dir = load_progs("na");
    let xdp = dir.join("lc_xdp");
    let b = &pair.b;
    b.ebpfctl_json(&["net", "attach", "xdpgeneric", "pinned", &xdp, "dev", "vb"]);
    let again = b.ebpfctl(&["net", "attach", "xdpgeneric", "pinned", &xdp, "dev", "vb"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("overwrite"), "{}", again.stderr);
    b.ebpfctl_json(&[
        "net",
        "attach",
        "xdpgeneric",
        "pinned",
        &xdp,
        "dev",
        "vb",
        "overwrite",
    ]);
    pair.a.send_udp(&pair.ip_b, 9, 3);
    assert!(counts(&dir.join("maps/counts"))[slot::XDP] > 0);
    b.ebpfctl_json(&["net", "detach", "xdpgeneric", "dev", "vb"]);
    assert!(b.bpftool_json(&["net", "show"])[0]["xdp"]
        .as_array()
        .unwrap()
        .is_empty());
    // Nothing attached any more: detaching again succeeds, as bpftool's does (scripts rely on it).
    let nothing = b.ebpfctl(&["net", "detach", "xdpgeneric", "dev", "vb"]);
    assert_eq!(nothing.code, 0, "{}", nothing.stderr);
    // A program of another type: named, not "attach failed: invalid argument" against the device.
    for (kind, prog, says) in [
        (
            "xdpgeneric",
            "lc_tcx_in",
            "is a sched_cls program; this attach takes xdp programs",
        ),
        (
            "tcx_ingress",
            "lc_xdp",
            "is a xdp program; this attach takes sched_cls programs",
        ),
    ] {
        let wrong = b.ebpfctl(&[
            "net",
            "attach",
            kind,
            "pinned",
            &dir.join(prog),
            "dev",
            "vb",
        ]);
        assert_eq!(wrong.code, 2, "{}", wrong.stderr);
        assert!(wrong.stderr.contains(says), "{}", wrong.stderr);
    }
    let missing = b.ebpfctl(&["net", "attach", "xdp", "pinned", &xdp, "dev", "nosuch0"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no such network device"),
        "{}",
        missing.stderr
    );
}

#[test]
fn net_attach_tcx_without_link_and_detach() {
    let pair = VethPair::new("nt");
    let dir = load_progs("nt");
    let tcx = dir.join("lc_tcx_in");
    let b = &pair.b;
    let view = b.ebpfctl_json(&["net", "attach", "tcx_ingress", "pinned", &tcx, "dev", "vb"]);
    let entry = &view[0]["tc"][0];
    assert_eq!(entry["kind"], "tcx/ingress");
    assert_eq!(
        entry["link_id"], 0,
        "net attach uses BPF_PROG_ATTACH, not a link"
    );
    pair.a.send_udp(&pair.ip_b, 9, 3);
    assert!(counts(&dir.join("maps/counts"))[slot::TCX_IN] > 0);
    b.ebpfctl_json(&["net", "detach", "tcx_ingress", "dev", "vb"]);
    assert!(b.ebpfctl_json(&["net", "show"])[0]["tc"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn sk_lookup_link_on_a_network_namespace_counts_lookups() {
    let ns = Netns::new("sk");
    let dir = load_progs("sk");
    let prog_path = dir.join("lc_sk_lookup");
    let id = prog_id(&prog_path);
    let pin = dir.join("link");
    ebpfctl_json_netns(&ns, &prog_path, &pin);
    ns.send_udp("127.0.0.1", 9, 3);
    assert!(counts(&dir.join("maps/counts"))[slot::SK_LOOKUP] > 0);
    common::ebpfctl_json(&[
        "prog",
        "detach",
        "pinned",
        &prog_path,
        "sk_lookup",
        "netns",
        &ns.path(),
    ]);
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
}

/// Attaches from the host to another namespace by path (no need to run inside it).
fn ebpfctl_json_netns(ns: &Netns, prog: &str, pin: &str) {
    common::ebpfctl_json(&[
        "prog",
        "attach",
        "pinned",
        prog,
        "sk_lookup",
        "netns",
        &ns.path(),
        "--pin",
        pin,
    ]);
}

/// netkit needs a netkit device (6.7+, CONFIG_NETKIT; this kernel has none and iproute2 6.1 cannot make one):
/// on a veth, attach is refused in one line naming the reason, nothing is pinned or linked, and `prog detach`
/// says it is not attached; `net show` lists no netkit entries for the veth.
#[test]
fn netkit_attach_to_a_veth_is_refused_cleanly() {
    let pair = VethPair::new("nk");
    let dir = load_progs("nk");
    let prog_path = dir.join("lc_tcx_in");
    let id = prog_id(&prog_path);
    let pin = dir.join("link");
    for kind in ["netkit_primary", "netkit_peer"] {
        let run = pair.b.ebpfctl(&[
            "prog", "attach", "pinned", &prog_path, kind, "dev", "vb", "--pin", &pin,
        ]);
        assert_eq!(run.code, 2, "{kind}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("not a netkit device"), "{}", run.stderr);
        let missing = pair.b.ebpfctl(&[
            "prog", "attach", "pinned", &prog_path, kind, "dev", "nosuch0", "--pin", &pin,
        ]);
        assert_eq!(missing.code, 2);
        assert!(
            missing.stderr.contains("no such network device"),
            "{}",
            missing.stderr
        );
        let detach = pair
            .b
            .ebpfctl(&["prog", "detach", "pinned", &prog_path, kind, "dev", "vb"]);
        assert_eq!(detach.code, 2);
        assert!(detach.stderr.contains("not attached"), "{}", detach.stderr);
    }
    assert!(!exists(&pin));
    assert_eq!(links_of_prog_settled(id), 0);
    let view = pair.b.ebpfctl_json(&["net", "show", "dev", "vb"]);
    assert!(view[0]["tc"].as_array().unwrap().is_empty(), "{view}");
}

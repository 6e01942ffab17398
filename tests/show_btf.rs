//! `btf show`: the kernel's and a loaded object's BTF, compared with bpftool (users as sets).

use crate::common;
use crate::show_support;

use common::ebpfctl_json;
use show_support::*;

#[test]
fn btf_objects_match_bpftool_and_list_their_users() {
    let obj = load("show_select");
    let prog = prog_id(&obj, "show_selector_only_once");
    let map = map_id(&obj, "show_selector_map_long");
    let btf_id = ebpfctl_show("prog", prog)["btf_id"].as_u64().unwrap() as u32;
    let ours = ebpfctl_show("btf", btf_id);
    assert_superset_of_bpftool("btf of show_select", &bpftool_show("btf", btf_id), &ours);
    assert_eq!(ours["kernel"], false);
    assert!(ours.get("name").is_none());
    for (key, id) in [("prog_ids", prog), ("map_ids", map)] {
        assert!(
            ours[key].as_array().unwrap().iter().any(|v| v == id),
            "{key}: {ours}"
        );
    }
    let all = ebpfctl_json(&["btf", "show"]);
    let vmlinux = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "vmlinux")
        .expect("vmlinux BTF is listed")
        .clone();
    assert_eq!(vmlinux["kernel"], true);
    assert_eq!(
        vmlinux["size"],
        std::fs::metadata("/sys/kernel/btf/vmlinux").unwrap().len()
    );
    let id = vmlinux["id"].as_u64().unwrap() as u32;
    assert_superset_of_bpftool("vmlinux btf", &bpftool_show("btf", id), &vmlinux);
}

//! `link show` for every link type this kernel lets a test create: raw_tracepoint, perf_event (tracepoint and
//! uprobe), uprobe_multi, xdp and tcx on a veth, cgroup, netns (sk_lookup). bpftool 7.1 prints the header and a
//! few per-type fields; those must match. The fields it learned later (7.7: tracepoint, cookie, devname, ...)
//! are checked against what the test itself attached to.

use crate::common;
use crate::show_support;

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;

use common::ebpfctl_json;
use libbpf_rs::{Link, UprobeMultiOpts, UprobeOpts};
use serde_json::{json, Value};
use show_support::*;

/// The user-space function the uprobe tests attach to; called by nobody, so the probes never fire.
#[no_mangle]
#[inline(never)]
pub extern "C" fn ebpfctl_show_uprobe_target(x: u64) -> u64 {
    std::hint::black_box(x) + 1
}

fn prog_mut<'a>(obj: &'a mut libbpf_rs::Object, name: &str) -> libbpf_rs::ProgramMut<'a> {
    obj.progs_mut().find(|p| p.name() == name).unwrap()
}

fn link_id(link: &impl AsFd) -> u32 {
    id_from_fdinfo(link.as_fd(), "link_id")
}

/// Checks bpftool's fields, then returns ebpfctl's object for the per-type assertions.
fn shown(id: u32, what: &str) -> Value {
    let ours = ebpfctl_show("link", id);
    assert_superset_of_bpftool(what, &bpftool_show("link", id), &ours);
    assert_eq!(ours["id"], id);
    ours
}

/// The file offset of a symbol in an ELF executable: what the kernel reports as a uprobe's offset.
fn symbol_file_offset(path: &std::path::Path, symbol: &str) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let elf = goblin::elf::Elf::parse(&bytes).unwrap();
    let sym = elf
        .syms
        .iter()
        .find(|s| elf.strtab.get_at(s.st_name) == Some(symbol))
        .expect("symbol in the test binary");
    let section = &elf.section_headers[sym.st_shndx];
    sym.st_value - section.sh_addr + section.sh_offset
}

#[test]
fn tracing_links_raw_tracepoint_tracepoint_uprobe() {
    let mut obj = load("show_objects");

    let raw: Link = prog_mut(&mut obj, "show_rawtp")
        .attach_raw_tracepoint("sys_enter")
        .unwrap();
    let ours = shown(link_id(&raw), "raw_tracepoint link");
    assert_eq!(ours["type"], "raw_tracepoint");
    assert_eq!(ours["prog_id"], prog_id(&obj, "show_rawtp"));
    assert_eq!(ours["tp_name"], "sys_enter");

    let tp = prog_mut(&mut obj, "show_tp")
        .attach_tracepoint(libbpf_rs::TracepointCategory::Syscalls, "sys_enter_getppid")
        .unwrap();
    let ours = shown(link_id(&tp), "tracepoint link");
    assert_eq!(ours["type"], "perf_event");
    assert_eq!(ours["tracepoint"], "sys_enter_getppid");
    assert_eq!(ours["cookie"], 0);

    let exe = std::fs::canonicalize(std::env::current_exe().unwrap()).unwrap();
    let offset = symbol_file_offset(&exe, "ebpfctl_show_uprobe_target");
    let opts = UprobeOpts {
        func_name: Some("ebpfctl_show_uprobe_target".into()),
        cookie: 0x5eed,
        ..Default::default()
    };
    let up = prog_mut(&mut obj, "show_uprobe")
        .attach_uprobe_with_opts(-1, &exe, 0, opts)
        .unwrap();
    let ours = shown(link_id(&up), "uprobe link");
    assert_eq!(ours["retprobe"], false);
    assert_eq!(ours["file"], exe.display().to_string());
    assert_eq!(ours["offset"], offset);
    assert_eq!(ours["cookie"], 0x5eed);
    assert_eq!(ours["ref_ctr_offset"], 0);
    let _ = ebpfctl_show_uprobe_target(1);

    let multi = prog_mut(&mut obj, "show_umulti")
        .attach_uprobe_multi_with_opts(
            -1,
            &exe,
            "",
            UprobeMultiOpts {
                syms: vec!["ebpfctl_show_uprobe_target".into()],
                cookies: vec![7],
                ..Default::default()
            },
        )
        .unwrap();
    let ours = shown(link_id(&multi), "uprobe_multi link");
    assert_eq!(ours["type"], "uprobe_multi");
    assert_eq!(ours["path"], exe.display().to_string());
    assert_eq!(ours["func_cnt"], 1);
    assert_eq!(
        ours["funcs"],
        json!([{"offset": offset, "ref_ctr_offset": 0, "cookie": 7}])
    );
}

/// A veth pair in this network namespace, removed when dropped.
struct Veth {
    name: String,
}

impl Veth {
    fn new() -> Veth {
        let name = format!("shw{}", std::process::id() % 1_000_000);
        let _ = common::host_command("ip")
            .args(["link", "del", &name])
            .status();
        let ok = common::host_command("ip")
            .args(["link", "add", &name, "type", "veth", "peer", "name"])
            .arg(format!("{name}p"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "ip link add veth");
        Veth { name }
    }

    fn ifindex(&self) -> u32 {
        std::fs::read_to_string(format!("/sys/class/net/{}/ifindex", self.name))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for Veth {
    fn drop(&mut self) {
        let _ = common::host_command("ip")
            .args(["link", "del", &self.name])
            .status();
    }
}

/// tcx has no libbpf-rs wrapper yet: BPF_LINK_CREATE through libbpf, with no options.
fn attach_tcx_ingress(prog_fd: i32, ifindex: u32) -> OwnedFd {
    // SAFETY: plain integer arguments; a null opts pointer is allowed by libbpf.
    let fd = unsafe {
        libbpf_rs::libbpf_sys::bpf_link_create(
            prog_fd,
            ifindex as i32,
            libbpf_rs::libbpf_sys::BPF_TCX_INGRESS,
            std::ptr::null(),
        )
    };
    assert!(fd >= 0, "tcx attach: {}", std::io::Error::last_os_error());
    // SAFETY: libbpf just returned this fd and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

#[test]
fn device_links_xdp_and_tcx() {
    let veth = Veth::new();
    let mut obj = load("show_objects");
    let xdp = prog_mut(&mut obj, "show_xdp_pass_long_name")
        .attach_xdp(veth.ifindex() as i32)
        .unwrap();
    let ours = shown(link_id(&xdp), "xdp link");
    assert_eq!(ours["type"], "xdp");
    assert_eq!(ours["devname"], veth.name);
    assert_eq!(ours["ifindex"], veth.ifindex());

    let tcx = attach_tcx_ingress(
        prog_mut(&mut obj, "show_tcx").as_fd().as_raw_fd(),
        veth.ifindex(),
    );
    let ours = shown(link_id(&tcx), "tcx link");
    assert_eq!(ours["type"], "tcx");
    assert_eq!(ours["devname"], veth.name);
    assert_eq!(ours["ifindex"], veth.ifindex());
    assert_eq!(ours["attach_type"], "tcx_ingress");
    assert_eq!(ours["prog_id"], prog_id(&obj, "show_tcx"));
}

/// A cgroup v2 directory, removed when dropped.
struct Cgroup(std::path::PathBuf);

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn cgroup2_root() -> std::path::PathBuf {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let dir = mounts
        .lines()
        .find_map(|l| {
            let (head, tail) = l.split_once(" - ")?;
            (tail.split_whitespace().next()? == "cgroup2")
                .then(|| head.split_whitespace().nth(4))?
        })
        .expect("a cgroup2 mount");
    dir.into()
}

#[test]
fn cgroup_and_netns_links() {
    let cg = Cgroup(cgroup2_root().join(format!("ebpfctl-show-{}", std::process::id())));
    std::fs::create_dir_all(&cg.0).unwrap();
    let cg_dir = std::fs::File::open(&cg.0).unwrap();
    let mut obj = load("show_objects");
    let link = prog_mut(&mut obj, "show_cg_egress")
        .attach_cgroup(cg_dir.as_raw_fd())
        .unwrap();
    let ours = shown(link_id(&link), "cgroup link");
    assert_eq!(ours["type"], "cgroup");
    // A cgroup v2 id is its directory's inode number.
    assert_eq!(ours["cgroup_id"], std::fs::metadata(&cg.0).unwrap().ino());
    assert_eq!(ours["attach_type"], "cgroup_inet_egress");
    drop(link);

    let netns = std::fs::File::open("/proc/self/ns/net").unwrap();
    let link = prog_mut(&mut obj, "show_sk_lookup")
        .attach_netns(netns.as_raw_fd())
        .unwrap();
    let ours = shown(link_id(&link), "netns link");
    assert_eq!(ours["type"], "netns");
    assert_eq!(ours["netns_ino"], netns.metadata().unwrap().ino());
    assert_eq!(ours["attach_type"], "sk_lookup");
}

#[test]
fn pinned_links_and_selectors() {
    let pins = PinDir::new("link-pins");
    let mut obj = load("show_objects");
    let mut link = prog_mut(&mut obj, "show_rawtp")
        .attach_raw_tracepoint("sys_exit")
        .unwrap();
    link.pin(pins.path("l")).unwrap();
    let id = link_id(&link);
    let by_pin = ebpfctl_json(&["link", "show", "pinned", &pins.path_str("l")]);
    assert!(by_pin.is_object());
    assert_eq!(by_pin["id"], id);
    assert_eq!(by_pin["pinned"], json!([pins.path_str("l")]));
    assert!(by_pin["pids"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["pid"] == std::process::id()));
    let all = ebpfctl_json(&["link", "show"]);
    assert!(all.as_array().unwrap().iter().any(|l| l["id"] == id));
    link.unpin().unwrap();
}

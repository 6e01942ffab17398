//! Shared set-up for the lifecycle tests: unique names, guards that remove what a test created (pins, network
//! namespaces, cgroups) even when it fails, and readers for the fixtures' counters.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use super::common::{bin, host_command, Run};

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A short name unique to this test process and call: `lc<tag><pid%100000><seq>` (fits IFNAMSIZ-ish limits).
pub fn unique(tag: &str) -> String {
    format!(
        "lc{tag}{}{}",
        std::process::id() % 100_000,
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// A directory on bpffs, removed with everything pinned in it on drop.
pub struct BpffsDir(pub PathBuf);

impl BpffsDir {
    pub fn new(tag: &str) -> Self {
        BpffsDir(PathBuf::from("/sys/fs/bpf").join(unique(tag)))
    }

    pub fn join(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    pub fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for BpffsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A network namespace made with `ip netns add`, deleted on drop (which also destroys its devices).
pub struct Netns(pub String);

impl Netns {
    pub fn new(tag: &str) -> Self {
        let name = unique(tag);
        let ok = host_command("ip")
            .args(["netns", "add", &name])
            .status()
            .expect("ip")
            .success();
        assert!(ok, "ip netns add {name}");
        let ns = Netns(name);
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    pub fn path(&self) -> String {
        format!("/run/netns/{}", self.0)
    }

    /// `ip -n NS args`, asserting success.
    pub fn ip(&self, args: &[&str]) {
        let out = host_command("ip")
            .arg("-n")
            .arg(&self.0)
            .args(args)
            .output()
            .expect("ip");
        assert!(
            out.status.success(),
            "ip -n {} {args:?}: {}",
            self.0,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A command run inside this network namespace only (mounts, including bpffs, stay the host's).
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = host_command("nsenter");
        cmd.arg(format!("--net={}", self.path())).arg(program);
        cmd
    }

    pub fn ebpfctl(&self, args: &[&str]) -> Run {
        let out = self
            .command(&bin())
            .args(args)
            .env_remove("NO_COLOR")
            .output()
            .expect("nsenter ebpfctl");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn ebpfctl_json(&self, args: &[&str]) -> Value {
        let mut full = vec!["-j"];
        full.extend_from_slice(args);
        let run = self.ebpfctl(&full);
        assert_eq!(
            run.code, 0,
            "ebpfctl {args:?} in {}: {}\n{}",
            self.0, run.stderr, run.stdout
        );
        run.json()
    }

    pub fn bpftool_json(&self, args: &[&str]) -> Value {
        let out = self
            .command("bpftool")
            .arg("-j")
            .args(args)
            .output()
            .expect("bpftool");
        assert!(
            out.status.success(),
            "bpftool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("bpftool JSON")
    }

    /// Sends `n` UDP datagrams to `addr` from inside the namespace (bash's /dev/udp).
    pub fn send_udp(&self, addr: &str, port: u16, n: usize) {
        let script = format!(
            "for i in $(seq {n}); do echo x > /dev/udp/{addr}/{port}; done 2>/dev/null; true"
        );
        let ok = self
            .command("bash")
            .args(["-c", &script])
            .status()
            .expect("bash")
            .success();
        assert!(ok);
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = host_command("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Two namespaces joined by a veth pair: `a` (10.R.0.1 on dev `va`) and `b` (10.R.0.2 on dev `vb`).
pub struct VethPair {
    pub a: Netns,
    pub b: Netns,
    pub ip_a: String,
    pub ip_b: String,
}

impl VethPair {
    pub fn new(tag: &str) -> Self {
        let a = Netns::new(&format!("{tag}a"));
        let b = Netns::new(&format!("{tag}b"));
        a.ip(&[
            "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", &b.0,
        ]);
        let net = 100 + SEQ.fetch_add(1, Ordering::Relaxed) % 100;
        let (ip_a, ip_b) = (format!("10.{net}.0.1"), format!("10.{net}.0.2"));
        a.ip(&["addr", "add", &format!("{ip_a}/24"), "dev", "va"]);
        b.ip(&["addr", "add", &format!("{ip_b}/24"), "dev", "vb"]);
        a.ip(&["link", "set", "va", "up"]);
        b.ip(&["link", "set", "vb", "up"]);
        VethPair { a, b, ip_a, ip_b }
    }
}

/// A cgroup v2 directory, removed on drop.
pub struct Cgroup(pub PathBuf);

impl Cgroup {
    pub fn new(tag: &str) -> Self {
        let root = cgroup2_root();
        let path = root.join(unique(tag));
        std::fs::create_dir(&path).expect("create test cgroup");
        Cgroup(path)
    }

    pub fn path(&self) -> String {
        self.0.display().to_string()
    }

    /// Runs `script` in bash inside this cgroup and waits for it.
    pub fn run(&self, script: &str) {
        let full = format!("echo $$ > {}/cgroup.procs && {script}", self.path());
        let ok = host_command("bash")
            .args(["-c", &full])
            .status()
            .expect("bash")
            .success();
        assert!(ok, "{script}");
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        for _ in 0..50 {
            if std::fs::remove_dir(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

pub fn cgroup2_root() -> PathBuf {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap();
    mounts
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.get(2) == Some(&"cgroup2")).then(|| PathBuf::from(f[1]))
        })
        .expect("cgroup v2 is mounted")
}

/// The fixtures' `counts` array (u64 per slot), read with bpftool as an independent reader.
pub fn counts(map_path: &str) -> Vec<u64> {
    let dump = super::common::bpftool_json(&["map", "dump", "pinned", map_path]);
    dump.as_array()
        .expect("array")
        .iter()
        .map(|e| {
            let bytes: Vec<u8> = e["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    u8::from_str_radix(b.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
                })
                .collect();
            u64::from_le_bytes(bytes[..8].try_into().unwrap())
        })
        .collect()
}

/// Slots of tests/bpf/lifecycle_progs.bpf.c's `counts`.
pub mod slot {
    pub const TP: usize = 0;
    pub const RAW_TP: usize = 1;
    pub const UPROBE: usize = 2;
    pub const PERF: usize = 3;
    pub const XDP: usize = 4;
    pub const TC: usize = 5;
    pub const TCX_IN: usize = 6;
    pub const TCX_EG: usize = 7;
    pub const CG_EGRESS: usize = 8;
    pub const CG_INGRESS: usize = 9;
    pub const SK_LOOKUP: usize = 10;
}

/// `prog loadall` of lifecycle_progs into a fresh bpffs dir, maps under DIR/maps; counts only this process's
/// events where the program filters by tgid.
pub fn load_progs(tag: &str) -> BpffsDir {
    let dir = BpffsDir::new(tag);
    let obj = super::common::fixture("lifecycle_progs");
    let tgid = format!("target_tgid={}", std::process::id());
    let maps = dir.join("maps");
    super::common::ebpfctl_json(&[
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "pinmaps",
        &maps,
        "--set",
        &tgid,
    ]);
    dir
}

/// Ids of every link the kernel has, with their prog ids (bpftool as the oracle).
pub fn links() -> Vec<(u64, u64)> {
    super::common::bpftool_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].as_u64().unwrap(),
                l["prog_id"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Links of one program; the kernel frees released links after a grace period, so this waits briefly for zero.
pub fn links_of_prog_settled(prog_id: u64) -> usize {
    for _ in 0..50 {
        let n = links().iter().filter(|(_, p)| *p == prog_id).count();
        if n == 0 {
            return 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    links().iter().filter(|(_, p)| *p == prog_id).count()
}

/// The id of the program pinned at `path` (bpftool as the oracle).
pub fn prog_id(path: &str) -> u64 {
    super::common::bpftool_json(&["prog", "show", "pinned", path])["id"]
        .as_u64()
        .unwrap()
}

pub fn exists(path: &str) -> bool {
    Path::new(path).symlink_metadata().is_ok()
}

/// Starts `ebpfctl -j ARGS` (an attach with --wait) and returns the child once it has printed its report.
pub fn spawn_held(args: &[&str]) -> (std::process::Child, Value) {
    let mut child = Command::new(bin())
        .arg("-j")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ebpfctl");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .expect("report line");
    let report = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, report)
}

/// Sends `signal` (INT, TERM) to a child and returns its exit code.
pub fn stop(mut child: std::process::Child, signal: &str) -> Option<i32> {
    host_command("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    child.wait().expect("wait").code()
}

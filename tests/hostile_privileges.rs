//! Callers without root (issue #17): an unprivileged user, root holding only CAP_BPF + CAP_PERFMON, and an
//! unprivileged user holding CAP_BPF + CAP_PERFMON. Every refusal is kind `permission` (never `unsupported` or
//! `not_found`) and names what is missing: the capability the kernel checks for that operation, or the file
//! whose mode refused. Runs the binary under setpriv(1). The table of cases is docs/reliability.md.

use crate::common;
use crate::hostile_support;

use common::{ebpfctl, fixture, PinDir, Run};
use hostile_support::{assert_error, map_create, words};

/// Who runs ebpfctl.
#[derive(Debug, Clone, Copy)]
enum Caller {
    /// uid/gid 65534, no capabilities at all.
    Nobody,
    /// uid 0, but only CAP_BPF and CAP_PERFMON in every set (no CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_DAC_OVERRIDE).
    RootBpfOnly,
    /// uid/gid 65534 with CAP_BPF and CAP_PERFMON as ambient capabilities.
    NobodyBpf,
}

impl Caller {
    fn setpriv(self) -> Vec<&'static str> {
        let nobody = ["--reuid", "65534", "--regid", "65534", "--clear-groups"];
        match self {
            Caller::Nobody => [&nobody[..], &["--inh-caps=-all"]].concat(),
            Caller::RootBpfOnly => vec![
                "--inh-caps=-all,+bpf,+perfmon",
                "--ambient-caps=+bpf,+perfmon",
                "--bounding-set=-all,+bpf,+perfmon",
            ],
            Caller::NobodyBpf => [
                &nobody[..],
                &[
                    "--inh-caps=-all,+bpf,+perfmon",
                    "--ambient-caps=+bpf,+perfmon",
                ],
            ]
            .concat(),
        }
    }

    fn run(self, args: &[&str]) -> Run {
        let out = common::host_command("setpriv")
            .args(self.setpriv())
            .arg(common::bin())
            .arg("-j")
            .args(args)
            .env_remove("NO_COLOR")
            .output()
            .expect("setpriv (util-linux) runs ebpfctl");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts a permission error containing `names`.
    fn refused(self, args: &[&str], names: &str) {
        let run = self.run(args);
        let line = assert_error(&run, "permission", names);
        eprintln!("{self:?} {args:?}: {line}");
    }
}

/// A bpffs directory everybody may create pins in (sticky, like /tmp), and one only root may write.
fn dirs(pins: &PinDir) -> (String, String) {
    use std::os::unix::fs::PermissionsExt;
    let open = pins.pin("open");
    let closed = pins.pin("closed");
    for (dir, mode) in [(&open, 0o1777), (&closed, 0o755)] {
        std::fs::create_dir(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(&pins.path, std::fs::Permissions::from_mode(0o755)).unwrap();
    (open, closed)
}

#[test]
fn an_unprivileged_user_is_told_which_capability_each_command_needs() {
    let pins = PinDir::own_mount("priv-nobody", "");
    let (open, _closed) = dirs(&pins);
    // A root-owned pin, mode 0600 as bpffs makes it.
    let root_map = pins.pin("root-map");
    let run = ebpfctl(&[
        "map", "create", &root_map, "type", "array", "key", "4", "value", "4", "entries", "1",
        "name", "rootmap",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hostile = fixture("hostile");
    let obj = hostile.to_str().unwrap();
    let who = Caller::Nobody;
    for verb in ["prog", "map", "link", "btf"] {
        who.refused(&[verb, "show"], "needs CAP_SYS_ADMIN");
    }
    who.refused(&["prog", "show", "id", "1"], "needs CAP_SYS_ADMIN");
    who.refused(&["prog", "show", "name", "keep"], "needs CAP_SYS_ADMIN");
    who.refused(&["map", "dump", "name", "rootmap"], "needs CAP_SYS_ADMIN");
    who.refused(&["btf", "dump", "id", "1"], "needs CAP_SYS_ADMIN");
    // Listings that used to come back empty for want of privileges.
    for args in [
        &["perf", "show"][..],
        &["net", "show"],
        &["struct_ops", "show"],
    ] {
        who.refused(args, "needs CAP_SYS_ADMIN");
    }
    let map = format!("{open}/m");
    who.refused(&words(&map_create(&map, "hash", 4, 4)), "needs CAP_BPF");
    who.refused(
        &words(&map_create(&map, "sockmap", 4, 4)),
        "needs CAP_BPF and CAP_NET_ADMIN",
    );
    // A tracepoint, a socket filter and a uprobe: CAP_PERFMON on top of CAP_BPF.
    who.refused(
        &["prog", "loadall", obj, &format!("{open}/objs")],
        "needs CAP_BPF and CAP_PERFMON",
    );
    who.refused(
        &["map", "dump", "pinned", &root_map],
        "the pin is mode 0600, owner uid 0",
    );
    who.refused(&["prog", "tracelog"], "/sys/kernel/tracing/trace_pipe");
    // bpffs mounted mode 0700 (systemd's way): nothing below it can be reached, and that directory is named.
    let shut = PinDir::own_mount("priv-nobody-0700", "mode=0700");
    let inside = shut.pin("maps/m");
    who.refused(
        &["map", "dump", "pinned", &inside],
        &format!(
            "{} is not searchable for this user (mode 1700, owner uid 0)",
            shut.path.display()
        ),
    );

    assert!(
        std::fs::read_dir(&open).unwrap().next().is_none(),
        "nothing was created"
    );
}

#[test]
fn cap_bpf_alone_loads_but_is_told_what_else_an_operation_needs() {
    let pins = PinDir::own_mount("priv-bpf", "");
    let (open, closed) = dirs(&pins);
    let who = Caller::RootBpfOnly;
    // What CAP_BPF + CAP_PERFMON are enough for.
    let objs = format!("{open}/objs");
    let run = who.run(&[
        "prog",
        "loadall",
        fixture("hostile").to_str().unwrap(),
        &objs,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = who.run(&words(&map_create(&format!("{open}/m"), "hash", 4, 4)));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // What they are not.
    who.refused(&["prog", "show"], "needs CAP_SYS_ADMIN");
    who.refused(
        &words(&map_create(&format!("{open}/s"), "sockmap", 4, 4)),
        "needs CAP_NET_ADMIN",
    );
    // libbpf's own advice here would be "try raising 'ulimit -l'".
    who.refused(
        &[
            "prog",
            "loadall",
            fixture("lifecycle_sock").to_str().unwrap(),
            &format!("{open}/sock"),
        ],
        "cannot create map 'sock_map': operation not permitted: needs CAP_NET_ADMIN",
    );
    assert!(!std::path::Path::new(&format!("{open}/sock")).exists());
    // An XDP program (loaded by root) attached to a device: netlink wants CAP_NET_ADMIN.
    let xdp = pins.pin("xdp");
    let run = ebpfctl(&[
        "prog",
        "load",
        fixture("lifecycle_run").to_str().unwrap(),
        &xdp,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    who.refused(
        &["net", "attach", "xdp", "pinned", &xdp, "dev", "lo"],
        "needs CAP_NET_ADMIN",
    );
    who.refused(&["cgroup", "tree"], "needs CAP_NET_ADMIN");
    // Root without CAP_DAC_OVERRIDE still owns root's 0755 directory: it may pin there.
    let run = who.run(&[
        "prog",
        "loadall",
        fixture("hostile").to_str().unwrap(),
        &format!("{closed}/objs"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_unprivileged_user_with_cap_bpf_is_told_which_file_refuses() {
    let pins = PinDir::own_mount("priv-nobody-bpf", "");
    let (open, closed) = dirs(&pins);
    let who = Caller::NobodyBpf;
    let obj = fixture("hostile");
    let obj = obj.to_str().unwrap();
    // bpffs permissions are file modes: the directory that is not writable is named.
    who.refused(
        &["prog", "loadall", obj, &format!("{closed}/objs")],
        &format!("{closed} is not writable for this user"),
    );
    who.refused(
        &words(&map_create(&format!("{closed}/m"), "hash", 4, 4)),
        &format!("{closed} is not writable for this user"),
    );
    // tracefs is root's: the event's id file is named.
    let id_file = "/sys/kernel/tracing/events/syscalls/sys_enter_getppid/id";
    who.refused(
        &[
            "prog",
            "loadall",
            obj,
            &format!("{open}/auto"),
            "autoattach",
        ],
        &format!("{id_file} is not readable for this user"),
    );
    assert!(
        !std::path::Path::new(&format!("{open}/auto")).exists(),
        "rolled back"
    );
    // bpffs mounted mode 0700: the map is made, its pin cannot be, and the directory in the way is named.
    let shut = PinDir::own_mount("priv-nobody-bpf-0700", "mode=0700");
    who.refused(
        &words(&map_create(&shut.pin("maps/m"), "hash", 4, 4)),
        &format!("{} is not searchable for this user", shut.path.display()),
    );
    let run = who.run(&["prog", "loadall", obj, &format!("{open}/objs")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    who.refused(
        &[
            "prog",
            "attach",
            "pinned",
            &format!("{open}/objs/flood"),
            "tracepoint",
            "syscalls/sys_enter_getppid",
            "--pin",
            &format!("{open}/link"),
        ],
        &format!("{id_file}: not readable for this user"),
    );
}

//! `cgroup show|list CGROUP [effective]`, `cgroup tree [ROOT] [effective]`, `cgroup attach|detach CGROUP TYPE
//! PROG [multi|override]` with bpftool's meaning: PROG_ATTACH attachments that stay until detached (links made by
//! `prog attach` show up here too, as the kernel lists them).

use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};

use crate::cli::CgroupCommand;
use crate::cmd::attach::{attach_error, open_cgroup};
use crate::cmd::select::resolve;
use crate::cmd::select::words::{usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Capability, Error, ErrorKind, Result};
use crate::output::cgroup::{CgroupProg, CgroupPrograms, CgroupTree};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::link as syslink;
use crate::sys::names;

/// bpftool's traditional short names for cgroup attach types, accepted besides libbpf's full names.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("ingress", "cgroup_inet_ingress"),
    ("egress", "cgroup_inet_egress"),
    ("sock_create", "cgroup_inet_sock_create"),
    ("sock_ops", "cgroup_sock_ops"),
    ("device", "cgroup_device"),
    ("bind4", "cgroup_inet4_bind"),
    ("bind6", "cgroup_inet6_bind"),
    ("post_bind4", "cgroup_inet4_post_bind"),
    ("post_bind6", "cgroup_inet6_post_bind"),
    ("connect4", "cgroup_inet4_connect"),
    ("connect6", "cgroup_inet6_connect"),
    ("sendmsg4", "cgroup_udp4_sendmsg"),
    ("sendmsg6", "cgroup_udp6_sendmsg"),
    ("recvmsg4", "cgroup_udp4_recvmsg"),
    ("recvmsg6", "cgroup_udp6_recvmsg"),
    ("sysctl", "cgroup_sysctl"),
    ("getsockopt", "cgroup_getsockopt"),
    ("setsockopt", "cgroup_setsockopt"),
    ("sock_release", "cgroup_inet_sock_release"),
    ("getpeername4", "cgroup_inet4_getpeername"),
    ("getpeername6", "cgroup_inet6_getpeername"),
    ("getsockname4", "cgroup_inet4_getsockname"),
    ("getsockname6", "cgroup_inet6_getsockname"),
    ("connect_unix", "cgroup_unix_connect"),
    ("sendmsg_unix", "cgroup_unix_sendmsg"),
    ("recvmsg_unix", "cgroup_unix_recvmsg"),
    ("getpeername_unix", "cgroup_unix_getpeername"),
    ("getsockname_unix", "cgroup_unix_getsockname"),
];

/// Every cgroup attach type libbpf knows, in kernel order (the order bpftool lists them in).
fn cgroup_attach_types() -> Vec<u32> {
    (0..libbpf_sys::__MAX_BPF_ATTACH_TYPE)
        .filter(|&t| {
            names::attach_type(t).is_some_and(|n| n.starts_with("cgroup_") || n == "lsm_cgroup")
        })
        .collect()
}

fn parse_attach_type(name: &str) -> Result<u32> {
    let full = SHORT_NAMES
        .iter()
        .find(|(s, _)| *s == name)
        .map_or(name, |(_, f)| f);
    names::value_of(names::attach_type, full)
        .filter(|&t| cgroup_attach_types().contains(&t))
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, name, "not a cgroup attach type"))
}

/// Attaching to and detaching from cgroups (BPF_PROG_ATTACH/DETACH) is network administration to the kernel.
const CGROUP_CAPS: &[Capability] = &[Capability::Bpf, Capability::NetAdmin];

pub fn run(ctx: &Context, command: CgroupCommand) -> CmdResult {
    match command {
        CgroupCommand::Show { cgroup, words } => {
            let effective = parse_effective(&words)?;
            let progs = cgroup_programs(&cgroup, effective)?;
            show(ctx, &CgroupPrograms(progs))?;
        }
        CgroupCommand::Tree { words } => {
            let (root, effective) = parse_tree_words(&words)?;
            show(ctx, &tree(&root, effective)?)?;
        }
        CgroupCommand::Attach {
            cgroup,
            attach_type,
            words,
        } => {
            attach(&cgroup, &attach_type, &words).map_err(|e| e.needing(CGROUP_CAPS))?;
            show(ctx, &CgroupPrograms(cgroup_programs(&cgroup, false)?))?;
        }
        CgroupCommand::Detach {
            cgroup,
            attach_type,
            words,
        } => {
            let attach_type = parse_attach_type(&attach_type)?;
            let prog = resolve::prog_words(&words)?;
            let cg = open_cgroup(&cgroup)?;
            syslink::prog_detach(Some(prog.fd.as_fd()), cg.as_raw_fd(), attach_type).map_err(
                |e| match e.raw_os_error() {
                    Some(libc::ENOENT) => {
                        Error::new(ErrorKind::NotFound, &prog.label, "not attached there")
                    }
                    _ => attach_error(&cgroup.display().to_string(), &e).needing(CGROUP_CAPS),
                },
            )?;
            show(ctx, &CgroupPrograms(cgroup_programs(&cgroup, false)?))?;
        }
    }
    Ok(Outcome::Success)
}

fn parse_effective(words: &[String]) -> Result<bool> {
    match words {
        [] => Ok(false),
        [w] if w == "effective" => Ok(true),
        _ => Err(usage("expected nothing or `effective`")),
    }
}

fn parse_tree_words(words: &[String]) -> Result<(PathBuf, bool)> {
    let mut w = Words::new(words);
    let mut root = None;
    let mut effective = false;
    while let Some(word) = w.next_word() {
        match word {
            "effective" => effective = true,
            path if root.is_none() => root = Some(PathBuf::from(path)),
            other => return Err(usage(format!("unexpected argument {other:?}"))),
        }
    }
    let root = match root {
        Some(r) => r,
        None => cgroup2_mount()
            .ok_or_else(|| Error::new(ErrorKind::NotFound, "cgroup", "no cgroup v2 mount"))?,
    };
    Ok((root, effective))
}

/// Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems).
pub fn cgroup2_mount() -> Option<PathBuf> {
    let mounts = crate::sys::mounts::read().ok()?;
    let first = crate::sys::mounts::of_type(&mounts, "cgroup2").next()?;
    Some(PathBuf::from(first.dir))
}

fn attach(cgroup: &Path, attach_type: &str, words: &[String]) -> Result<()> {
    let attach_type = parse_attach_type(attach_type)?;
    let mut w = Words::new(words);
    let prog = resolve::prog_words(w.take(2, "PROG")?)?;
    let mut flags = 0;
    while let Some(word) = w.next_word() {
        match word {
            "multi" => flags |= libbpf_sys::BPF_F_ALLOW_MULTI,
            "override" => flags |= libbpf_sys::BPF_F_ALLOW_OVERRIDE,
            other => {
                return Err(usage(format!(
                    "unexpected argument {other:?} (multi, override)"
                )))
            }
        }
    }
    let cg = open_cgroup(cgroup)?;
    syslink::prog_attach(prog.fd.as_fd(), cg.as_raw_fd(), attach_type, flags)
        .map_err(|e| attach_error(&cgroup.display().to_string(), &e))
}

fn flags_text(flags: u32) -> String {
    match flags {
        0 => String::new(),
        libbpf_sys::BPF_F_ALLOW_MULTI => "multi".to_string(),
        libbpf_sys::BPF_F_ALLOW_OVERRIDE => "override".to_string(),
        other => other.to_string(),
    }
}

/// The programs on one cgroup, attach type by attach type.
pub fn cgroup_programs(cgroup: &Path, effective: bool) -> Result<Vec<CgroupProg>> {
    let cg = open_cgroup(cgroup)?;
    let query_flags = if effective {
        syslink::BPF_F_QUERY_EFFECTIVE
    } else {
        0
    };
    let mut progs = Vec::new();
    for attach_type in cgroup_attach_types() {
        // Types this kernel does not know answer EINVAL; skip them as bpftool does. A refusal is not "no
        // programs": it fails the listing.
        let q = match syslink::prog_query(cg.as_raw_fd(), attach_type, query_flags) {
            Ok(q) => q,
            Err(e) if is_refusal(&e) => {
                return Err(
                    Error::from_io(cgroup.display().to_string(), &e, "cannot query")
                        .needing(&[Capability::NetAdmin]),
                )
            }
            Err(_) => continue,
        };
        for (i, &id) in q.prog_ids.iter().enumerate() {
            // A program detached since the query has no name left to show.
            let brief = match bpf::fd_by_id(ObjKind::Prog, id) {
                Ok(fd) => bpf::prog_brief(fd.as_fd()).ok(),
                Err(e) if is_refusal(&e) => {
                    return Err(crate::cmd::select::id_error(ObjKind::Prog, id, &e))
                }
                Err(_) => None,
            };
            // Since 6.3 the kernel reports flags per program; older kernels only the hook's.
            let flags = q
                .prog_attach_flags
                .get(i)
                .copied()
                .filter(|&f| f != 0)
                .unwrap_or(q.attach_flags);
            progs.push(CgroupProg {
                id,
                attach_type: names::attach_type(attach_type)
                    .map(str::to_string)
                    .unwrap_or_else(|| attach_type.to_string()),
                attach_flags: (!effective).then(|| flags_text(flags)),
                name: brief.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
                // Naming the hooked function needs the target BTF; only lsm_cgroup has one, and this kernel
                // refuses lsm programs, so the name stays empty like bpftool's for every other type.
                attach_btf_name: String::new(),
                attach_btf_obj_id: brief.as_ref().map_or(0, |b| b.attach_btf_obj_id),
                attach_btf_id: brief.as_ref().map_or(0, |b| b.attach_btf_id),
            });
        }
    }
    Ok(progs)
}

fn is_refusal(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES))
}

/// Every cgroup under `root` (itself included) that has programs, parents before children.
fn tree(root: &Path, effective: bool) -> Result<CgroupTree> {
    open_cgroup(root)?;
    let mut out = CgroupTree::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // A cgroup removed during the walk is skipped; a refusal ends it.
        match cgroup_programs(&dir, effective) {
            Ok(progs) if !progs.is_empty() => out.0.push(crate::output::cgroup::CgroupEntry {
                cgroup: dir.display().to_string(),
                programs: progs,
            }),
            Err(e) if e.kind == ErrorKind::Permission => return Err(e),
            _ => {}
        }
        let mut children: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        children.sort();
        stack.extend(children.into_iter().rev());
    }
    Ok(out)
}

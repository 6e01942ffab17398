//! Turning PROG/MAP/LINK arguments of the lifecycle commands into fds: id and pinned path through `select`'s
//! checks and messages, and for programs tag/name by walking ids (one match required: these commands act on one).

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use crate::cli::{LinkSelector, ProgRef, ProgSelector};
use crate::error::{Error, ErrorKind, Result};
use crate::sys::bpf::{self, ObjKind};

use crate::cmd::select;

/// A resolved object: its fd and how to name it in messages ("prog id 5").
pub struct Resolved {
    pub fd: OwnedFd,
    pub label: String,
}

/// `id 5` / `pinned /sys/fs/bpf/p` / `tag HEX` / `name NAME` as two words.
pub fn prog_selector(words: &[String]) -> Result<ProgSelector> {
    let [kind, value] = words else {
        return Err(usage(
            "expected PROG as id N | pinned PATH | tag HEX | name NAME",
        ));
    };
    Ok(match kind.as_str() {
        "id" => ProgSelector::Id { id: value.clone() },
        "pinned" => ProgSelector::Pinned { path: value.into() },
        "tag" => ProgSelector::Tag { tag: value.clone() },
        "name" => ProgSelector::Name {
            name: value.clone(),
        },
        other => {
            return Err(usage(format!(
                "unknown program selector {other:?} (id, pinned, tag, name)"
            )))
        }
    })
}

fn usage(why: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, "usage", why)
}

fn by_id(kind: ObjKind, id: &str) -> Result<Resolved> {
    let (fd, id) = select::open_id(kind, id)?;
    Ok(Resolved {
        fd,
        label: format!("{} id {id}", kind.short()),
    })
}

fn pinned(kind: ObjKind, path: &Path) -> Result<Resolved> {
    Ok(Resolved {
        fd: select::open_pinned(kind, path, bpf::obj_get)?,
        label: path.display().to_string(),
    })
}

pub fn prog(selector: &ProgSelector) -> Result<Resolved> {
    match selector {
        ProgSelector::Id { id } => by_id(ObjKind::Prog, id),
        ProgSelector::Pinned { path } => pinned(ObjKind::Prog, path),
        ProgSelector::Tag { tag } => {
            prog_by(&format!("prog tag {tag}"), |b| b.tag == tag.to_lowercase())
        }
        ProgSelector::Name { name } => prog_by(&format!("prog name {name}"), |b| &b.name == name),
    }
}

/// PROG given as keyword words inside a longer argument list (`net attach xdp id 5 dev eth0`).
pub fn prog_words(words: &[String]) -> Result<Resolved> {
    prog(&prog_selector(words)?)
}

pub fn prog_ref(prog: &ProgRef) -> Result<Resolved> {
    self::prog(&prog.selector())
}

/// The one program matching `pred`; several matches are ambiguous for commands that act on one program.
fn prog_by(label: &str, pred: impl Fn(&bpf::ProgBrief) -> bool) -> Result<Resolved> {
    let ids = select::list_ids(ObjKind::Prog, label)?;
    let mut hits = Vec::new();
    for id in ids {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Prog, id) else {
            continue;
        };
        if bpf::prog_brief(fd.as_fd()).is_ok_and(|b| pred(&b)) {
            hits.push((id, fd));
        }
    }
    let (id, fd) = the_one(hits, label, ObjKind::Prog)?;
    Ok(Resolved {
        fd,
        label: format!("prog id {id}"),
    })
}

/// The one object a name or tag matched; none or several is an error (these commands act on one object).
fn the_one(mut hits: Vec<(u32, OwnedFd)>, label: &str, kind: ObjKind) -> Result<(u32, OwnedFd)> {
    match hits.len() {
        0 => Err(Error::new(
            ErrorKind::NotFound,
            label,
            format!("no such {}", kind.noun()),
        )),
        1 => Ok(hits.remove(0)),
        n => {
            let ids: Vec<String> = hits.iter().map(|(id, _)| id.to_string()).collect();
            Err(Error::new(
                ErrorKind::InvalidInput,
                label,
                format!(
                    "{n} {}s match (ids {}); use id N",
                    kind.noun(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// `id N` / `pinned PATH` / `name NAME` as two words.
pub fn map_words(words: &[String]) -> Result<Resolved> {
    match words {
        [kind, value] if kind == "id" => by_id(ObjKind::Map, value),
        [kind, value] if kind == "pinned" => pinned(ObjKind::Map, Path::new(value)),
        [kind, value] if kind == "name" => {
            let label = format!("map name {value}");
            let fd = map_by_name(value, false, &label)?;
            let id = crate::sys::map_info::map_info(fd.as_fd()).map_or(0, |i| i.id);
            Ok(Resolved {
                fd,
                label: format!("map id {id}"),
            })
        }
        _ => Err(usage("expected MAP as id N | pinned PATH | name NAME")),
    }
}

/// The one map called `name` (the full BTF name where the kernel cut it to 15 characters, as `show` matches).
pub fn map_by_name(name: &str, read_only: bool, label: &str) -> Result<OwnedFd> {
    let mut names = crate::cmd::select::names::NameResolver::default();
    let ids = crate::sys::bpf_obj::ids(ObjKind::Map).map_err(|e| {
        Error::from_io(label, &e, "cannot list maps").needing(&[crate::error::Capability::SysAdmin])
    })?;
    let mut found = Vec::new();
    for id in ids {
        // Maps may vanish between listing and opening: skip them.
        let Ok(fd) = crate::sys::map_ops::map_fd_by_id(id, read_only) else {
            continue;
        };
        if crate::sys::map_info::map_info(fd.as_fd())
            .is_ok_and(|info| crate::cmd::select::names::map_matches_name(&info, name, &mut names))
        {
            found.push((id, fd));
        }
    }
    the_one(found, label, ObjKind::Map).map(|(_, fd)| fd)
}

pub fn link(selector: &LinkSelector) -> Result<Resolved> {
    match selector {
        LinkSelector::Id { id } => by_id(ObjKind::Link, id),
        LinkSelector::Pinned { path } => pinned(ObjKind::Link, path),
    }
}

//! Selectors (`id N`, `pinned PATH`, `tag HEX`, `name NAME`) resolved to live objects: an owned fd plus the
//! kernel's info for each. Every command that acts on programs, maps, links or BTF objects starts here, so the
//! words, the checks and the error messages are the same everywhere.

pub mod names;
pub mod refs;
pub mod resolve;
pub mod words;

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use crate::cli::{BtfSelector, LinkSelector, MapSelector, ProgSelector};
use crate::error::{Capability, Error, ErrorKind, Result};
use crate::sys::bpf_obj::{self, ObjKind};
use crate::sys::btf_info::{btf_info, BtfInfo};
use crate::sys::fs::{on_fs, PseudoFs};
use crate::sys::link_info::{link_info, LinkInfo};
use crate::sys::map_info::{map_info, MapInfo};
use crate::sys::prog_info::{prog_info, ProgInfo};

use crate::cmd::select::names::{map_matches_name, NameResolver};
use crate::output::show::OffloadDev;

/// A live object: our fd keeps it from going away while we read it.
pub struct Live<I> {
    pub fd: OwnedFd,
    pub info: I,
}

/// What a selector chose, as the caller turned each object into `T` while its fd was open, and whether the
/// answer is one object or a list: bpftool prints `id`/`pinned` as one object, no selector as an array, and
/// `name`/`tag` as one object when one matches, else an array.
pub struct Selection<T> {
    pub items: Vec<T>,
    pub single: bool,
}

/// Reads an object's info; the kernel-side reader for each kind.
trait Kind: Sized {
    const KIND: ObjKind;
    fn read(fd: &OwnedFd) -> std::io::Result<Self>;
}

impl Kind for ProgInfo {
    const KIND: ObjKind = ObjKind::Prog;
    fn read(fd: &OwnedFd) -> std::io::Result<Self> {
        prog_info(fd.as_fd())
    }
}

impl Kind for MapInfo {
    const KIND: ObjKind = ObjKind::Map;
    fn read(fd: &OwnedFd) -> std::io::Result<Self> {
        map_info(fd.as_fd())
    }
}

impl Kind for LinkInfo {
    const KIND: ObjKind = ObjKind::Link;
    fn read(fd: &OwnedFd) -> std::io::Result<Self> {
        link_info(fd.as_fd())
    }
}

impl Kind for BtfInfo {
    const KIND: ObjKind = ObjKind::Btf;
    fn read(fd: &OwnedFd) -> std::io::Result<Self> {
        btf_info(fd.as_fd())
    }
}

fn is_enoent(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc::ENOENT)
}

/// An object gone between the id walk and its open: ENOENT, or EAGAIN for a link the kernel is still setting up
/// or already tearing down (bpf_link_by_id sees it with no id yet or any more).
fn vanished(err: &std::io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ENOENT | libc::EAGAIN))
}

/// Visits every object of a kind, in id order, keeping what `visit` returns. Each fd is closed before the next
/// object is opened, so a box with more objects than our fd limit is still listed whole. An object that
/// disappears between listing and reading is skipped: it no longer exists, which is not an error of ours.
fn all<I: Kind, T>(mut visit: impl FnMut(&Live<I>) -> Option<T>) -> Result<Vec<T>> {
    let kind = I::KIND;
    let ids = list_ids(kind, kind.short())?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        match by_id_raw::<I>(id) {
            Ok(live) => items.extend(visit(&live)),
            Err(e) if vanished(&e) => continue,
            Err(e) => return Err(id_error(kind, id, &e)),
        }
    }
    Ok(items)
}

/// Every id of `kind`, for an error about `label`. Walking ids (and opening by id) is for CAP_SYS_ADMIN only.
pub fn list_ids(kind: ObjKind, label: &str) -> Result<Vec<u32>> {
    bpf_obj::ids(kind)
        .map_err(|e| Error::from_io(label, &e, "listing ids").needing(&[Capability::SysAdmin]))
}

fn by_id_raw<I: Kind>(id: u32) -> std::io::Result<Live<I>> {
    let fd = bpf_obj::fd_by_id(I::KIND, id)?;
    let info = I::read(&fd)?;
    Ok(Live { fd, info })
}

/// The error for an id that could not be opened: "no such map" when the kernel has none.
pub fn id_error(kind: ObjKind, id: u32, err: &std::io::Error) -> Error {
    let object = format!("{} id {id}", kind.short());
    if is_enoent(err) {
        return Error::new(
            ErrorKind::NotFound,
            object,
            format!("no such {}", kind.noun()),
        );
    }
    Error::from_io(object, err, "").needing(&[Capability::SysAdmin])
}

/// An fd for the `kind` object with id `text` (bpftool's id words), with `show`'s errors; the id is returned too.
pub fn open_id(kind: ObjKind, text: &str) -> Result<(OwnedFd, u32)> {
    let id = parse_id(kind, text)?;
    let fd = bpf_obj::fd_by_id(kind, id).map_err(|e| id_error(kind, id, &e))?;
    Ok((fd, id))
}

fn by_id<I: Kind, T>(text: &str, visit: impl FnOnce(&Live<I>) -> T) -> Result<Selection<T>> {
    let id = parse_id(I::KIND, text)?;
    let live = by_id_raw::<I>(id).map_err(|e| id_error(I::KIND, id, &e))?;
    Ok(Selection {
        items: vec![visit(&live)],
        single: true,
    })
}

/// An id as bpftool reads it (strtoul base 0): decimal, or hex with 0x.
pub fn parse_id(kind: ObjKind, text: &str) -> Result<u32> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse::<u32>(),
    };
    parsed.map_err(|_| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{} id {text}", kind.short()),
            "not an id (a number from 1 to 4294967295)",
        )
    })
}

/// The object pinned at `path`, which must be on a bpf file system and of `kind`; `open` makes the fd
/// (BPF_OBJ_GET, or a read-only map open). Every command's `pinned PATH` goes through here.
pub fn open_pinned(
    kind: ObjKind,
    path: &Path,
    open: impl FnOnce(&Path) -> std::io::Result<OwnedFd>,
) -> Result<OwnedFd> {
    let object = path.display().to_string();
    let meta = std::fs::symlink_metadata(path).map_err(|e| {
        let err = Error::from_io(&object, &e, "");
        crate::sys::pins::naming_unsearchable(&err, &e, path).unwrap_or(err)
    })?;
    // statfs follows the path: a symlink loop or a too-long name is that error, not "elsewhere".
    if !on_fs(PseudoFs::Bpf, path).map_err(|e| Error::from_io(&object, &e, ""))? {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "not on a bpf file system (bpffs)",
        ));
    }
    // BPF_OBJ_GET on a bpffs directory says EACCES, which reads as a permission problem.
    if meta.is_dir() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "a directory, not a pinned object",
        ));
    }
    let fd = open(path).map_err(|e| {
        let err = Error::from_io(&object, &e, "cannot open pin");
        if e.raw_os_error() != Some(libc::EACCES) {
            return err;
        }
        // A pin is a file like any other: its mode and owner are what refuse it.
        use std::os::unix::fs::MetadataExt;
        let (mode, uid, gid) = (meta.mode() & 0o7777, meta.uid(), meta.gid());
        Error::new(
            err.kind,
            err.object,
            format!(
                "{}: the pin is mode {mode:04o}, owner uid {uid} gid {gid}",
                err.reason
            ),
        )
    })?;
    match bpf_obj::kind_of_fd(fd.as_fd()) {
        Some(found) if found == kind => Ok(fd),
        Some(found) => Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            format!("pinned object is a {}, not a {}", found.noun(), kind.noun()),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "not a pinned BPF object",
        )),
    }
}

fn pinned<I: Kind, T>(path: &Path, visit: impl FnOnce(&Live<I>) -> T) -> Result<Selection<T>> {
    let fd = open_pinned(I::KIND, path, bpf_obj::obj_get)?;
    let info = I::read(&fd)
        .map_err(|e| Error::from_io(path.display().to_string(), &e, "cannot read info"))?;
    Ok(Selection {
        items: vec![visit(&Live { fd, info })],
        single: true,
    })
}

/// The objects `visit` keeps (returns Some for); none kept is a not-found error.
fn matching<I: Kind, T>(
    object: String,
    visit: impl FnMut(&Live<I>) -> Option<T>,
) -> Result<Selection<T>> {
    let items = all::<I, T>(visit)?;
    if items.is_empty() {
        return Err(Error::new(
            ErrorKind::NotFound,
            object,
            format!("no such {}", I::KIND.noun()),
        ));
    }
    let single = items.len() == 1;
    Ok(Selection { items, single })
}

fn everything<I: Kind, T>(mut visit: impl FnMut(&Live<I>) -> T) -> Result<Selection<T>> {
    Ok(Selection {
        items: all::<I, T>(|live| Some(visit(live)))?,
        single: false,
    })
}

/// A program tag: 16 hex digits (8 bytes), as `prog show` prints it.
pub fn parse_tag(text: &str) -> Result<[u8; 8]> {
    let invalid = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("prog tag {text}"),
            "a tag is 16 hex digits (8 bytes)",
        )
    };
    if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let mut tag = [0u8; 8];
    for (i, byte) in tag.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| invalid())?;
    }
    Ok(tag)
}

/// The programs `select` names, each turned into `T` by `visit` while its fd is open.
pub fn progs<T>(
    select: Option<&ProgSelector>,
    names: &mut NameResolver,
    mut visit: impl FnMut(&Live<ProgInfo>, &mut NameResolver) -> T,
) -> Result<Selection<T>> {
    match select {
        None => everything(|l| visit(l, names)),
        Some(ProgSelector::Id { id }) => by_id(id, |l| visit(l, names)),
        Some(ProgSelector::Pinned { path }) => pinned(path, |l| visit(l, names)),
        Some(ProgSelector::Tag { tag }) => {
            let want = parse_tag(tag)?;
            matching(format!("prog tag {tag}"), |l: &Live<ProgInfo>| {
                (l.info.tag == want).then(|| visit(l, names))
            })
        }
        Some(ProgSelector::Name { name }) => {
            matching(format!("prog name {name}"), |l: &Live<ProgInfo>| {
                // The kernel's 15-character copy or the full name from BTF: either names the program.
                let hit = l.info.name == *name || names.prog_full_name(&l.info) == *name;
                hit.then(|| visit(l, names))
            })
        }
    }
}

/// The maps `select` names, each turned into `T` by `visit` while its fd is open.
pub fn maps<T>(
    select: Option<&MapSelector>,
    names: &mut NameResolver,
    mut visit: impl FnMut(&Live<MapInfo>) -> T,
) -> Result<Selection<T>> {
    match select {
        None => everything(visit),
        Some(MapSelector::Id { id }) => by_id(id, visit),
        Some(MapSelector::Pinned { path }) => pinned(path, visit),
        Some(MapSelector::Name { name }) => matching(format!("map name {name}"), |l| {
            map_matches_name(&l.info, name, names).then(|| visit(l))
        }),
    }
}

pub fn links<T>(
    select: Option<&LinkSelector>,
    visit: impl FnMut(&Live<LinkInfo>) -> T,
) -> Result<Selection<T>> {
    match select {
        None => everything(visit),
        Some(LinkSelector::Id { id }) => by_id(id, visit),
        Some(LinkSelector::Pinned { path }) => pinned(path, visit),
    }
}

pub fn btfs<T>(
    select: Option<&BtfSelector>,
    visit: impl FnMut(&Live<BtfInfo>) -> T,
) -> Result<Selection<T>> {
    match select {
        None => everything(visit),
        Some(BtfSelector::Id { id }) => by_id(id, visit),
    }
}

/// The device an offloaded program or map lives on. bpftool resolves the name only when the device is in our own
/// network namespace.
pub fn offload_dev(ifindex: u32, ns_dev: u64, ns_inode: u64) -> Option<OffloadDev> {
    if ifindex == 0 {
        return None;
    }
    let own_ns = std::fs::metadata("/proc/self/ns/net").ok().map(|m| {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    });
    let ifname = (own_ns == Some((ns_dev, ns_inode)))
        .then(|| crate::sys::netdev::if_name(ifindex))
        .flatten();
    Some(OffloadDev {
        ifindex,
        ns_dev,
        ns_inode,
        ifname,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_decimal_and_hex_only() {
        assert_eq!(parse_id(ObjKind::Prog, "42").unwrap(), 42);
        assert_eq!(parse_id(ObjKind::Prog, "0x2a").unwrap(), 42);
        for bad in ["", "-1", "abc", "4294967296", "12 "] {
            let err = parse_id(ObjKind::Map, bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn tags_are_sixteen_hex_digits() {
        assert_eq!(
            parse_tag("614b434cd8324ecc").unwrap(),
            [0x61, 0x4b, 0x43, 0x4c, 0xd8, 0x32, 0x4e, 0xcc]
        );
        for bad in [
            "614b434cd8324ec",
            "614b434cd8324eccx",
            "zz4b434cd8324ecc",
            "",
        ] {
            assert!(parse_tag(bad).is_err(), "{bad:?}");
        }
    }
}

//! Pins: every mounted BPF file system (from /proc/self/mounts), walked to map each pinned object to the paths
//! that hold it. Unlike bpftool, which does this only under `-f`, ebpfctl always does, so `pinned` is never
//! missing because a flag was forgotten.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::bpf_obj::{info_len_and_id, obj_get, KindsByInfoLen, ObjKind};
use super::dirfd::Dir;

/// Mount points of every bpffs instance, in mount order.
pub fn bpffs_mounts() -> io::Result<Vec<PathBuf>> {
    let text = super::mounts::read()?;
    Ok(super::mounts::of_type(&text, "bpf")
        .map(|m| PathBuf::from(m.dir))
        .collect())
}

/// A pinned path that could not be opened or identified, and why.
#[derive(Debug, Clone)]
pub struct UnreadablePin {
    pub path: String,
    pub reason: String,
}

/// Pinned paths of one kind of object, by id.
#[derive(Debug, Default)]
pub struct PinIndex {
    by_id: HashMap<u32, Vec<String>>,
    pub unreadable: Vec<UnreadablePin>,
}

impl PinIndex {
    pub fn of(&self, id: u32) -> &[String] {
        self.by_id.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// State of one walk: how to tell an opened pin's kind (by a readlink in this thread's fd directory, then, once
/// there are many pins, by its info struct's size where that decides) and whether this kernel takes BPF_OBJ_GET
/// relative to a directory fd (6.5 and later).
struct Walker {
    kind: ObjKind,
    sizes: Option<KindsByInfoLen>,
    pins_seen: usize,
    own_fds: Option<Dir>,
    relative_get: bool,
    seen: HashSet<PathBuf>,
    dirent_buf: Vec<u8>,
    index: PinIndex,
}

/// Pins told by readlink before the walk learns the info struct sizes (see `Walker::kind_of`).
const PINS_BEFORE_SIZES: usize = 4;

/// Walks every bpffs mount and records the paths of pinned objects of `kind`. Symlinks are not followed; a
/// bpffs mounted inside another is walked once.
pub fn pinned_objects(kind: ObjKind) -> PinIndex {
    let mut walker = Walker {
        kind,
        sizes: None,
        pins_seen: 0,
        // This thread's fds: the walk may run on a thread with an fd table of its own (see `refs`).
        own_fds: Dir::open(Path::new("/proc/thread-self/fd")).ok(),
        relative_get: true,
        seen: HashSet::new(),
        dirent_buf: Vec::new(),
        index: PinIndex::default(),
    };
    match bpffs_mounts() {
        Ok(mounts) => {
            for mount in mounts {
                walker.walk(&mount);
            }
        }
        Err(e) => walker.unreadable(Path::new("/proc/self/mounts"), &e),
    }
    let mut index = walker.index;
    for paths in index.by_id.values_mut() {
        paths.sort();
    }
    index
}

impl Walker {
    fn unreadable(&mut self, path: &Path, err: &io::Error) {
        self.index.unreadable.push(UnreadablePin {
            path: path.display().to_string(),
            reason: crate::error::errno_text(err.raw_os_error().unwrap_or(libc::EIO)),
        });
    }

    fn walk(&mut self, dir: &Path) {
        // A bpffs mounted inside another is reached both from its own mount entry and through its parent.
        if !self.seen.insert(dir.to_path_buf()) {
            return;
        }
        let dir_fd = match Dir::open(dir) {
            Ok(dir_fd) => dir_fd,
            Err(e) => return self.unreadable(dir, &e),
        };
        let mut entries: Vec<(OsString, u8)> = Vec::new();
        let listed = dir_fd.for_each_entry(&mut self.dirent_buf, |name, d_type| {
            entries.push((OsStr::from_bytes(name).to_os_string(), d_type))
        });
        if let Err(e) = listed {
            return self.unreadable(dir, &e);
        }
        entries.sort_unstable();
        for (name, d_type) in entries {
            let path = dir.join(&name);
            let d_type = match d_type {
                // bpffs reports types; a file system that does not gets asked.
                libc::DT_UNKNOWN => match std::fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => libc::DT_DIR,
                    Ok(m) if m.is_file() => libc::DT_REG,
                    _ => continue,
                },
                known => known,
            };
            match d_type {
                libc::DT_DIR => self.walk(&path),
                libc::DT_REG => self.record(&dir_fd, &name, &path),
                _ => {}
            }
        }
    }

    fn open_pin(&mut self, dir: &Dir, name: &OsStr, path: &Path) -> io::Result<OwnedFd> {
        if self.relative_get {
            match dir.obj_get(name.as_encoded_bytes()) {
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => self.relative_get = false,
                other => return other,
            }
        }
        obj_get(path)
    }

    /// The pin's kind by its info's size (the info call is made anyway, for the id) instead of a readlink of
    /// /proc/thread-self/fd/N, which builds and frees a procfs dentry per pin: a third of the walk's time at
    /// 2,000 pins. Learning the sizes takes a dozen syscalls, so the first pins are told by readlink.
    fn kind_of(&mut self, fd: &OwnedFd, info_len: u32) -> Option<ObjKind> {
        self.pins_seen += 1;
        if self.pins_seen > PINS_BEFORE_SIZES && self.sizes.is_none() {
            self.sizes = Some(KindsByInfoLen::learn());
        }
        let by_size = self.sizes.as_ref().and_then(|s| s.kind_of(info_len));
        by_size.or_else(|| self.kind_by_link(fd))
    }

    /// Without /proc (or before Linux 3.17's thread-self) a pin whose size decides nothing is skipped.
    fn kind_by_link(&self, fd: &OwnedFd) -> Option<ObjKind> {
        let own_fds = self.own_fds.as_ref()?;
        let mut target = [0u8; 64];
        let name = fd.as_raw_fd().to_string();
        let link = own_fds.readlink(name.as_bytes(), &mut target).ok()?;
        ObjKind::from_fd_target(link)
    }

    fn record(&mut self, dir: &Dir, name: &OsStr, path: &Path) {
        let fd = match self.open_pin(dir, name, path) {
            Ok(fd) => fd,
            // Unpinned between readdir and open.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return,
            Err(e) => return self.unreadable(path, &e),
        };
        let Ok((info_len, id)) = info_len_and_id(fd.as_fd()) else {
            return;
        };
        if self.kind_of(&fd, info_len) == Some(self.kind) {
            self.index
                .by_id
                .entry(id)
                .or_default()
                .push(path.display().to_string());
        }
    }
}

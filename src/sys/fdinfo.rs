//! /proc/*/fdinfo: the kernel's per-fd text about BPF objects. Two uses: fields the info structs lack (memlock,
//! frozen, a prog array's owner) for an fd of ours, and which processes hold an fd to which object ("pids").
//!
//! Holders come from /proc rather than a BPF task iterator (bpftool's way) because /proc works on every kernel,
//! needs no program load, and cannot fail for lack of BTF or CAP_BPF; only fds whose link target names a BPF
//! object are opened, so the cost is one readlink per fd in the system plus one read per BPF fd.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;

use super::bpf_obj::ObjKind;
use super::dirfd::Dir;
use super::procfd::{for_each_fd, Unreadable};

/// The `key:\tvalue` lines of one fdinfo file.
#[derive(Debug, Clone, Default)]
pub struct FdInfo {
    text: String,
}

impl FdInfo {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.text.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k == key).then(|| v.trim())
        })
    }

    pub fn get_u64(&self, key: &str) -> Option<u64> {
        field_u64(self.text.as_bytes(), key)
    }
}

/// The fdinfo of one of our own fds, looked up relative to /proc/self/fdinfo opened once.
pub fn own_fdinfo(fd: BorrowedFd<'_>) -> io::Result<FdInfo> {
    static OWN: std::sync::OnceLock<Option<Dir>> = std::sync::OnceLock::new();
    let name = fd.as_raw_fd().to_string();
    match OWN.get_or_init(|| Dir::open(Path::new("/proc/self/fdinfo")).ok()) {
        Some(dir) => read_fdinfo_file(dir.open_file(name.as_bytes())?),
        None => read_fdinfo(&format!("/proc/self/fdinfo/{name}")),
    }
}

fn read_fdinfo(path: &str) -> io::Result<FdInfo> {
    read_fdinfo_file(std::fs::File::open(path)?)
}

fn read_fdinfo_file(file: std::fs::File) -> io::Result<FdInfo> {
    let mut buf = Vec::new();
    read_whole(file, &mut buf)?;
    Ok(FdInfo {
        text: String::from_utf8_lossy(&buf).into_owned(),
    })
}

/// Reads a whole fdinfo file into `buf` (cleared first). fdinfo files are a few hundred bytes that seq_file hands
/// over in one read, so a page-sized buffer takes one read (read_to_string would stat, read, and read to EOF);
/// the holder walk reuses one buffer for every file, as it reads one per BPF fd on the box.
pub fn read_whole(mut file: std::fs::File, buf: &mut Vec<u8>) -> io::Result<()> {
    use std::io::Read;
    buf.clear();
    buf.resize(4096, 0);
    let mut len = file.read(buf)?;
    while len == buf.len() {
        buf.resize(buf.len() * 2, 0);
        match file.read(&mut buf[len..])? {
            0 => break,
            n => len += n,
        }
    }
    buf.truncate(len);
    Ok(())
}

/// A process holding an fd to a BPF object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub comm: String,
}

/// Who holds what: (kind, id) → processes, in pid order, each process once.
#[derive(Debug, Default)]
pub struct Holders {
    by_object: HashMap<(ObjKind, u32), Vec<Holder>>,
    pub unreadable: Vec<Unreadable>,
}

impl Holders {
    pub fn of(&self, kind: ObjKind, id: u32) -> &[Holder] {
        self.by_object
            .get(&(kind, id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn id_key(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Prog => "prog_id",
        ObjKind::Map => "map_id",
        ObjKind::Link => "link_id",
        ObjKind::Btf => "btf_id",
    }
}

/// Every process (but this one, which opens fds to everything it lists) holding an fd to an object of `kind`.
/// Processes that exit during the scan are skipped; those that cannot be read are reported in `unreadable`.
pub fn scan_holders(kind: ObjKind) -> Holders {
    let mut held: Vec<(u32, u32)> = Vec::new();
    let mut text = Vec::new();
    let unreadable = for_each_fd(|process, fd, target| {
        if ObjKind::from_fd_target(target) != Some(kind) {
            return;
        }
        // A closed fd between readlink and open: not an error, just not a holder.
        if process.read_fdinfo(fd, &mut text).is_ok() {
            if let Some(id) = field_u64(&text, id_key(kind)) {
                held.push((process.pid, id as u32));
            }
        }
    });
    let mut holders = Holders {
        by_object: HashMap::new(),
        unreadable,
    };
    let mut comm = (0, String::new());
    for (pid, id) in held {
        if comm.0 != pid {
            comm = (pid, process_comm(pid));
        }
        let list = holders.by_object.entry((kind, id)).or_default();
        if !list.iter().any(|h| h.pid == pid) {
            list.push(Holder {
                pid,
                comm: comm.1.clone(),
            });
        }
    }
    holders
}

fn process_comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|c| c.trim_end_matches('\n').to_string())
        .unwrap_or_default()
}

/// The number after `key:` in fdinfo text, without copying the text.
pub fn field_u64(text: &[u8], key: &str) -> Option<u64> {
    text.split(|&b| b == b'\n').find_map(|line| {
        let value = line.strip_prefix(key.as_bytes())?.strip_prefix(b":")?;
        std::str::from_utf8(value).ok()?.trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdinfo_lines_parse() {
        let info = FdInfo {
            text: "pos:\t0\nmap_type:\t2\nmemlock:\t320\nmap_id:\t848\nfrozen:\t1\n".into(),
        };
        assert_eq!(info.get_u64("memlock"), Some(320));
        assert_eq!(info.get_u64("map_id"), Some(848));
        assert_eq!(info.get("frozen"), Some("1"));
        assert_eq!(info.get("map"), None);
        assert_eq!(field_u64(info.text.as_bytes(), "map_id"), Some(848));
        assert_eq!(field_u64(info.text.as_bytes(), "map"), None);
    }
}

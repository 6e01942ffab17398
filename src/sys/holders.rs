//! Which processes hold an fd to which BPF object ("pids" in `show`).
//!
//! Holders come from /proc rather than a BPF task iterator (bpftool's way) because /proc works on every kernel,
//! needs no program load, and cannot fail for lack of BTF or CAP_BPF; only fds whose link target names a BPF
//! object are opened, so the cost is one readlink per fd in the system plus one read per BPF fd. The fdinfo text
//! read for each object is kept: `show` takes memlock and frozen from it instead of reading its own fd's again
//! (an fdinfo read costs ~4 µs, twice the rest of a map's listing).

use std::collections::HashMap;

use super::bpf_obj::ObjKind;
use super::fdinfo::{field_u64, FdInfo};
use super::procfd::{for_each_fd, Unreadable};

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
    /// The fdinfo of the first fd found for each object: the same text any fd to the object shows.
    fdinfo: HashMap<u32, FdInfo>,
    pub unreadable: Vec<Unreadable>,
}

impl Holders {
    pub fn of(&self, kind: ObjKind, id: u32) -> &[Holder] {
        self.by_object
            .get(&(kind, id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The fdinfo of object `id` (of the walked kind) as a holder's fd shows it, if any process holds one.
    pub fn fdinfo(&self, id: u32) -> Option<&FdInfo> {
        self.fdinfo.get(&id)
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
    let mut fdinfo = HashMap::new();
    let mut text = Vec::new();
    let unreadable = for_each_fd(|process, fd, target| {
        if ObjKind::from_fd_target(target) != Some(kind) {
            return;
        }
        // A closed fd between readlink and open: not an error, just not a holder.
        if process.read_fdinfo(fd, &mut text).is_ok() {
            if let Some(id) = field_u64(&text, id_key(kind)) {
                held.push((process.pid, id as u32));
                fdinfo
                    .entry(id as u32)
                    .or_insert_with(|| FdInfo::from_bytes(&text));
            }
        }
    });
    let mut holders = Holders {
        by_object: HashMap::new(),
        fdinfo,
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
    super::fdinfo::read_proc_text(&format!("/proc/{pid}/comm"))
        .map(|c| c.trim_end_matches('\n').to_string())
        .unwrap_or_default()
}

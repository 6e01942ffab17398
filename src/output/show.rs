//! Pieces every `show` view shares: the one-or-many listing, the holders of an object, an offload device.

use serde::{Serialize, Serializer};

/// What `show` prints: one object or an array in JSON, rows in a table.
pub struct Listing<T> {
    pub items: Vec<T>,
    pub single: bool,
    pub wide: bool,
}

impl<T: Serialize> Serialize for Listing<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match (self.single, self.items.as_slice()) {
            (true, [one]) => one.serialize(serializer),
            _ => self.items.serialize(serializer),
        }
    }
}

/// One process holding an object, as bpftool prints it in `pids`.
#[derive(Debug, Clone, Serialize)]
pub struct Pid {
    pub pid: u32,
    pub comm: String,
}

/// The device an offloaded program or map lives on.
#[derive(Debug, Clone, Serialize)]
pub struct OffloadDev {
    pub ifindex: u32,
    pub ns_dev: u64,
    pub ns_inode: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifname: Option<String>,
}

/// An offload device in words: `eth0 (ifindex 3)`, or the ifindex and namespace when it is not in ours.
pub fn dev_text(dev: &OffloadDev) -> String {
    match &dev.ifname {
        Some(name) => format!("{name} (ifindex {})", dev.ifindex),
        None => format!(
            "ifindex {} in netns {}:{}",
            dev.ifindex, dev.ns_dev, dev.ns_inode
        ),
    }
}

/// The rows a single-object view ends with: the offload device (when there is one), the pins and the holders,
/// "-" where there are none (a field shown empty says it was looked for).
pub fn refs_rows(
    dev: Option<&OffloadDev>,
    pinned: &[String],
    pids: &[Pid],
) -> Vec<(&'static str, Vec<String>)> {
    let or_none = |values: Vec<String>| {
        if values.is_empty() {
            vec!["-".to_string()]
        } else {
            values
        }
    };
    let holders = pids
        .iter()
        .map(|p| format!("{}({})", p.comm, p.pid))
        .collect();
    vec![
        ("device", dev.map(dev_text).into_iter().collect()),
        ("pinned", or_none(pinned.to_vec())),
        ("pids", or_none(holders)),
    ]
}

//! A map opened for a verb (`MAP` words to an fd, its info, its layout and BTF view) and what every verb asks of
//! it: the map type's traits, one element as printed, one update with the kernel's refusals explained.

use std::os::fd::{AsFd, OwnedFd};

use libbpf_sys as sys;

use crate::btf::Flavor;
use crate::cmd::map::words::MapRef;
use crate::cmd::select::resolve;
use crate::error::{Error, ErrorKind, Result};
use crate::mapdata::typed::TypedView;
use crate::mapdata::{bytes::parse_bytes, Layout};
use crate::output::map_data::{CpuValue, Element, Hex};
use crate::sys::bpf_obj::ObjKind;
use crate::sys::map_info::{map_info, MapInfo};
use crate::sys::map_ops;
use serde_json::value::RawValue;

/// A map opened for a verb: the fd, what the kernel says about it, and the name the user gave it.
pub struct OpenMap {
    pub fd: OwnedFd,
    pub info: MapInfo,
    pub label: String,
    pub layout: Layout,
    /// The map's key and value types, when it was created with BTF.
    pub typed: Option<TypedView>,
    /// Objects a value names by fd (prog arrays, maps of maps), open until the map is dropped: the kernel reads
    /// the fd number at update time.
    value_fds: std::cell::RefCell<Vec<OwnedFd>>,
}

impl OpenMap {
    pub fn open(map: &MapRef, read_only: bool) -> Result<OpenMap> {
        let label = map.to_string();
        let fd = match map {
            MapRef::Id(id) => map_ops::map_fd_by_id(*id, read_only)
                .map_err(|e| not_found_or(&label, e, "no such map"))?,
            MapRef::Pinned(path) => crate::cmd::select::open_pinned(ObjKind::Map, path, |p| {
                map_ops::pinned_fd(p, read_only)
            })?,
            MapRef::Name(name) => {
                crate::cmd::select::resolve::map_by_name(name, read_only, &label)?
            }
        };
        let info =
            map_info(fd.as_fd()).map_err(|e| Error::from_io(&label, &e, "cannot read map info"))?;
        let cpus = if is_per_cpu(info.map_type) {
            Some(
                map_ops::possible_cpus()
                    .map_err(|e| Error::from_io(&label, &e, "cannot count CPUs"))?,
            )
        } else {
            None
        };
        let layout = Layout {
            key_size: info.key_size as usize,
            value_size: info.value_size as usize,
            cpus,
        };
        let typed = typed_view(&info, layout);
        Ok(OpenMap {
            fd,
            info,
            label,
            layout,
            typed,
            value_fds: Default::default(),
        })
    }

    pub fn error(&self, e: &std::io::Error, what: &str) -> Error {
        Error::from_io(&self.label, e, what)
    }

    pub(super) fn invalid(&self, why: &str) -> Error {
        Error::new(ErrorKind::InvalidInput, &self.label, why)
    }

    /// `verb` (push, pop, peek) only makes sense on a map without keys; elsewhere the kernel answers EFAULT or
    /// EINVAL, which would not say what is wrong.
    pub(super) fn require_keyless(&self, verb: &str, bloom_too: bool) -> Result<()> {
        if is_keyless(self.info.map_type, bloom_too) {
            return Ok(());
        }
        let kind = crate::sys::names::map_type(self.info.map_type).unwrap_or("keyed");
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        Err(self.invalid(&format!(
            "`{verb}` works on {} maps, not on {article} {kind} map (use `map lookup`/`map update`)",
            if bloom_too {
                "queue, stack and bloom_filter"
            } else {
                "queue and stack"
            }
        )))
    }

    /// Key bytes: bpftool's byte words, or typed JSON checked against the key's BTF type.
    pub fn parse_key(&self, words: &[&str]) -> Result<Vec<u8>> {
        self.parse_data(words, self.layout.key_size, |t| t.key_type, "key")
    }

    fn parse_data(
        &self,
        words: &[&str],
        size: usize,
        type_of: fn(&TypedView) -> u32,
        what: &str,
    ) -> Result<Vec<u8>> {
        let bytes_error = match parse_bytes(words, size) {
            Ok(bytes) => return Ok(bytes),
            Err(why) => why,
        };
        let why = match &self.typed {
            // Words that are not the right bytes may be typed JSON: `key '{"pid": 42}'`, `value 7`.
            Some(typed) if !words.is_empty() && words[0] != "hex" => {
                typed.encode(type_of(typed), &words.join(" "))
            }
            _ => Err(bytes_error),
        };
        why.map_err(|why| {
            Error::new(
                ErrorKind::InvalidInput,
                &self.label,
                format!("{what}: {why}"),
            )
        })
    }

    /// A value: bytes, or for maps holding fds (prog arrays, maps of maps) `id N` / `pinned PATH` of the object.
    pub fn parse_value(&self, words: &[&str]) -> Result<Vec<u8>> {
        if holds_fds(self.info.map_type) {
            return self.fd_value(words);
        }
        if self.layout.cpus.is_some() {
            return self.per_cpu_value(words);
        }
        self.parse_data(words, self.layout.value_len(), |t| t.value_type, "value")
    }

    /// A per-CPU value: one CPU's value (bytes or typed), copied to every CPU as bpftool does, or every CPU's
    /// slot given whole (bytes).
    fn per_cpu_value(&self, words: &[&str]) -> Result<Vec<u8>> {
        let one = self.layout.value_size;
        if let Ok(value) = self.parse_data(words, one, |t| t.value_type, "value") {
            let stride = self.layout.cpu_stride();
            let mut all = vec![0u8; self.layout.value_len()];
            for slot in all.chunks_mut(stride.max(1)) {
                slot[..one].copy_from_slice(&value);
            }
            return Ok(all);
        }
        parse_bytes(words, self.layout.value_len()).map_err(|why| {
            self.invalid(&format!(
                "value: {why} (give one CPU's {one} bytes, copied to every CPU, or all {} CPUs' {} bytes)",
                self.layout.cpus.unwrap_or(1),
                self.layout.value_len()
            ))
        })
    }

    /// A prog array's value is a program (PROG := id N | pinned PATH | tag HEX | name NAME), a map of maps' a map
    /// (MAP := id N | pinned PATH | name NAME), as bpftool takes them.
    fn fd_value(&self, words: &[&str]) -> Result<Vec<u8>> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let (resolved, expected) = if self.info.map_type == sys::BPF_MAP_TYPE_PROG_ARRAY {
            (
                resolve::prog_words(&words),
                "a program (id N | pinned PATH | tag HEX | name NAME)",
            )
        } else {
            (
                resolve::map_words(&words),
                "a map (id N | pinned PATH | name NAME)",
            )
        };
        let fd = resolved.map_err(|e| match e.object.as_str() {
            "usage" => self.invalid(&format!("value: expected {expected}")),
            _ => e,
        })?;
        // The kernel takes the fd number as the value and stores the object it refers to.
        use std::os::fd::AsRawFd;
        let raw = fd.fd.as_raw_fd() as u32;
        self.value_fds.borrow_mut().push(fd.fd);
        Ok(raw.to_ne_bytes().to_vec())
    }
}

/// The map's BTF, read from the kernel, when the map has key or value types. A BTF the library rejects only
/// costs the typed view: the bytes are still shown.
fn typed_view(info: &MapInfo, layout: Layout) -> Option<TypedView> {
    if info.map_type == sys::BPF_MAP_TYPE_STRUCT_OPS && info.btf_vmlinux_value_type_id != 0 {
        // The value is the kernel's `bpf_struct_ops_<name>`; the key has no type: bpftool formats the value only.
        let btf = struct_ops_value_btf(info)?;
        return Some(TypedView::new(
            btf,
            0,
            info.btf_vmlinux_value_type_id,
            layout,
        ));
    }
    if info.btf_id == 0 || (info.btf_key_type_id == 0 && info.btf_value_type_id == 0) {
        return None;
    }
    let data = crate::sys::btf_info::btf_data_by_id(info.btf_id).ok()?;
    let btf = crate::btf::Btf::parse(&data).ok()?;
    Some(TypedView::new(
        btf,
        info.btf_key_type_id,
        info.btf_value_type_id,
        layout,
    ))
}

/// vmlinux BTF, or on 6.9+ the kernel BTF object holding the struct_ops type (a module's, on top of vmlinux).
fn struct_ops_value_btf(info: &MapInfo) -> Option<crate::btf::Btf> {
    use crate::input::btf_file::{load_btf, load_btf_id, RUNNING_VMLINUX};
    match info.btf_vmlinux_id {
        0 => load_btf(std::path::Path::new(RUNNING_VMLINUX), None).ok(),
        id => load_btf_id(id, None).ok(),
    }
}

fn not_found_or(label: &str, e: std::io::Error, missing: &str) -> Error {
    if e.raw_os_error() == Some(libc::ENOENT) {
        Error::new(ErrorKind::NotFound, label, missing)
    } else {
        Error::from_io(label, &e, "cannot open").needing(&[crate::error::Capability::SysAdmin])
    }
}

pub fn is_per_cpu(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_PERCPU_HASH
            | sys::BPF_MAP_TYPE_PERCPU_ARRAY
            | sys::BPF_MAP_TYPE_LRU_PERCPU_HASH
            | sys::BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
    )
}

fn holds_fds(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_PROG_ARRAY
            | sys::BPF_MAP_TYPE_ARRAY_OF_MAPS
            | sys::BPF_MAP_TYPE_HASH_OF_MAPS
    )
}

/// Arrays have all their keys from creation: updates never add entries, so they cannot fill up.
/// Maps whose elements have no key: queues and stacks (push, pop, peek) and bloom filters (push, peek).
fn is_keyless(map_type: u32, bloom_too: bool) -> bool {
    matches!(map_type, sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK)
        || (bloom_too && map_type == sys::BPF_MAP_TYPE_BLOOM_FILTER)
}

pub fn is_array_like(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_ARRAY
            | sys::BPF_MAP_TYPE_PERCPU_ARRAY
            | sys::BPF_MAP_TYPE_PROG_ARRAY
            | sys::BPF_MAP_TYPE_ARRAY_OF_MAPS
    )
}

pub fn is_map_of_maps(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_ARRAY_OF_MAPS | sys::BPF_MAP_TYPE_HASH_OF_MAPS
    )
}

/// Maps whose elements are not keyed: queues and stacks (peek/pop/push), bloom filters (peek/push).
pub(super) fn keyless(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK | sys::BPF_MAP_TYPE_BLOOM_FILTER
    )
}

impl Element {
    /// One element as bpftool prints it. `key` None: a keyless map (queue, stack, bloom filter), whose elements
    /// print `"key": []` as bpftool's do.
    pub fn new(map: &OpenMap, key: Option<&[u8]>, value: &[u8]) -> Element {
        let per_cpu = map.layout.cpus.is_some();
        let values = per_cpu.then(|| {
            map.layout
                .per_cpu_values(value)
                .map(|(cpu, v)| CpuValue {
                    cpu,
                    value: Hex(v.to_vec()),
                })
                .collect()
        });
        let inner_map_id = (is_map_of_maps(map.info.map_type) && value.len() >= 4)
            .then(|| u32::from_ne_bytes([value[0], value[1], value[2], value[3]]));
        let formatted = |flavor| {
            map.typed
                .as_ref()
                .map(|t| t.formatted(map.layout, key, value, flavor))
        };
        Element {
            key: Some(Hex(key.unwrap_or_default().to_vec())),
            value: (!per_cpu).then(|| Hex(value.to_vec())),
            values,
            inner_map_id,
            // The writer's output is JSON by construction; a failure would only drop the typed view.
            formatted: formatted(Flavor::Json).and_then(|f| RawValue::from_string(f).ok()),
            formatted_text: formatted(Flavor::Plain),
            layout: map.layout,
        }
    }
}

/// One update, with the kernel's refusals said in an operator's words.
pub fn write_element(map: &OpenMap, key: Option<&[u8]>, value: &[u8], flags: u64) -> Result<()> {
    map_ops::update(map.fd.as_fd(), key, value, flags).map_err(|e| {
        let reason = match e.raw_os_error() {
            Some(libc::E2BIG) => "map is full (max_entries reached)".to_string(),
            Some(libc::EEXIST) => "key exists (noexist given)".to_string(),
            Some(libc::ENOENT) => "key does not exist (exist given)".to_string(),
            Some(libc::EPERM) if map.info.flags & sys::BPF_F_RDONLY != 0 => {
                "map is read-only".to_string()
            }
            Some(libc::EPERM) => {
                "update refused: the map is frozen or read-only for user space".to_string()
            }
            _ => format!(
                "update failed: {}",
                crate::error::errno_text(e.raw_os_error().unwrap_or(0))
            ),
        };
        let kind = match e.raw_os_error() {
            Some(libc::EPERM) => ErrorKind::Permission,
            Some(libc::E2BIG) | Some(libc::EEXIST) | Some(libc::ENOENT) => ErrorKind::InvalidInput,
            _ => crate::error::kind_of_errno(e.raw_os_error().unwrap_or(0)),
        };
        Error::new(kind, &map.label, reason)
    })
}

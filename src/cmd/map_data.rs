//! Map data verbs: dump, lookup, getnext, update, delete, freeze, and the queue/stack verbs. Selection and byte
//! parsing come from `map_words`, walking from `mapdata::walk`, printing from `output::map_data`.

use std::os::fd::{AsFd, OwnedFd};

use libbpf_sys as sys;
use serde::Serialize;

use super::map_words::{MapRef, Words};
use super::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::mapdata::typed::TypedView;
use crate::mapdata::{bytes::parse_bytes, Layout};
use crate::sys::bpf_obj::{self, ObjKind};
use crate::sys::map_info::{map_info, MapInfo};
use crate::sys::map_ops;

/// A map opened for a verb: the fd, what the kernel says about it, and the name the user gave it.
pub struct OpenMap {
    pub fd: OwnedFd,
    pub info: MapInfo,
    pub label: String,
    pub layout: Layout,
    /// The map's key and value types, when it was created with BTF.
    pub typed: Option<TypedView>,
}

impl OpenMap {
    pub fn open(map: &MapRef, read_only: bool) -> Result<OpenMap> {
        let label = map.to_string();
        let fd = match map {
            MapRef::Id(id) => map_ops::map_fd_by_id(*id, read_only)
                .map_err(|e| not_found_or(&label, e, "no such map"))?,
            MapRef::Pinned(path) => super::select::open_pinned(ObjKind::Map, path, |p| {
                map_ops::pinned_fd(p, read_only)
            })?,
            MapRef::Name(name) => find_by_name(name, read_only, &label)?,
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
        })
    }

    pub fn error(&self, e: &std::io::Error, what: &str) -> Error {
        Error::from_io(&self.label, e, what)
    }

    fn invalid(&self, why: &str) -> Error {
        Error::new(ErrorKind::InvalidInput, &self.label, why)
    }

    /// `verb` (push, pop, peek) only makes sense on a map without keys; elsewhere the kernel answers EFAULT or
    /// EINVAL, which would not say what is wrong.
    fn require_keyless(&self, verb: &str, bloom_too: bool) -> Result<()> {
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
            // Per-CPU values are given whole (every CPU's slot), as bytes only.
            return parse_bytes(words, self.layout.value_len()).map_err(|why| {
                Error::new(
                    ErrorKind::InvalidInput,
                    &self.label,
                    format!("value: {why}"),
                )
            });
        }
        self.parse_data(words, self.layout.value_len(), |t| t.value_type, "value")
    }

    fn fd_value(&self, words: &[&str]) -> Result<Vec<u8>> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidInput,
                &self.label,
                "value: expected id N or pinned PATH",
            )
        };
        let fd: OwnedFd = match words {
            ["id", id] => {
                let id: u32 = id.parse().map_err(|_| bad())?;
                let fd = if self.info.map_type == sys::BPF_MAP_TYPE_PROG_ARRAY {
                    bpf_obj::fd_by_id(ObjKind::Prog, id)
                } else {
                    map_ops::map_fd_by_id(id, false)
                };
                fd.map_err(|e| Error::from_io(format!("value id {id}"), &e, "cannot open"))?
            }
            ["pinned", path] => map_ops::pinned_fd(std::path::Path::new(path), false)
                .map_err(|e| Error::from_io(format!("value pinned {path}"), &e, "cannot open"))?,
            _ => return Err(bad()),
        };
        // The kernel takes the fd number as the value and stores the object it refers to.
        use std::os::fd::AsRawFd;
        let raw = fd.as_raw_fd() as u32;
        // Keep the fd open until the update is done: leaking it here is the simplest correct lifetime for a CLI.
        std::mem::forget(fd);
        Ok(raw.to_ne_bytes().to_vec())
    }
}

/// The map's BTF, read from the kernel, when the map has key or value types. A BTF the library rejects only
/// costs the typed view: the bytes are still shown.
fn typed_view(info: &MapInfo, layout: Layout) -> Option<TypedView> {
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

fn not_found_or(label: &str, e: std::io::Error, missing: &str) -> Error {
    if e.raw_os_error() == Some(libc::ENOENT) {
        Error::new(ErrorKind::NotFound, label, missing)
    } else {
        Error::from_io(label, &e, "cannot open")
    }
}

/// A pinned map, with the same checks `show` makes: on bpffs, and a map rather than another kind of object.
/// The one map called `name` (the full BTF name where the kernel cut it to 15 characters, as `show` matches).
fn find_by_name(name: &str, read_only: bool, label: &str) -> Result<OwnedFd> {
    let mut names = super::names::NameResolver::default();
    let ids =
        bpf_obj::ids(ObjKind::Map).map_err(|e| Error::from_io(label, &e, "cannot list maps"))?;
    let mut found = Vec::new();
    for id in ids {
        // Maps may vanish between listing and opening: skip them.
        let Ok(fd) = map_ops::map_fd_by_id(id, read_only) else {
            continue;
        };
        if map_info(fd.as_fd())
            .is_ok_and(|info| super::names::map_matches_name(&info, name, &mut names))
        {
            found.push((id, fd));
        }
    }
    match found.len() {
        0 => Err(Error::new(ErrorKind::NotFound, label, "no such map")),
        1 => Ok(found.remove(0).1),
        n => {
            let ids: Vec<String> = found.iter().map(|(id, _)| id.to_string()).collect();
            Err(Error::new(
                ErrorKind::InvalidInput,
                label,
                format!("{n} maps have this name (ids {}); use id", ids.join(", ")),
            ))
        }
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
fn keyless(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK | sys::BPF_MAP_TYPE_BLOOM_FILTER
    )
}

/// One element as printed: bpftool's hex `key`/`value` (or per-CPU `values`) plus additive extras.
#[derive(Debug, Serialize)]
pub struct Element {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<CpuValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_map_id: Option<u32>,
    /// bpftool's typed view of the element, for maps with BTF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct CpuValue {
    pub cpu: usize,
    pub value: Hex,
}

/// Bytes that serialize as bpftool's `["0x01","0x00"]`.
#[derive(Debug, Clone)]
pub struct Hex(pub Vec<u8>);

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in &self.0 {
            seq.serialize_element(&format!("0x{b:02x}"))?;
        }
        seq.end()
    }
}

impl Element {
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
        Element {
            key: key.map(|k| Hex(k.to_vec())),
            value: (!per_cpu).then(|| Hex(value.to_vec())),
            values,
            inner_map_id,
            formatted: map
                .typed
                .as_ref()
                .map(|t| t.formatted(map.layout, key, value)),
        }
    }
}

/// `map lookup`: one element, or exit 1 with JSON `null` when the key is absent (as bpftool).
pub fn lookup(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map lookup");
    let map = OpenMap::open(&w.map_ref()?, true)?;
    w.expect("key")?;
    let key = map.parse_key(&w.data_words())?;
    w.finish()?;
    let mut value = vec![0u8; map.layout.value_len()];
    if !map_ops::lookup(map.fd.as_fd(), Some(&key), &mut value)
        .map_err(|e| map.error(&e, "lookup failed"))?
    {
        ctx.out.negative(&map.label, "key not found");
        return Ok(Outcome::Negative);
    }
    show(ctx, &Element::new(&map, Some(&key), &value))?;
    Ok(Outcome::Success)
}

#[derive(Debug, Serialize)]
pub struct NextKey {
    pub key: Option<Hex>,
    pub next_key: Option<Hex>,
}

/// `map getnext MAP [key DATA]`: the first key, or the key after DATA; exit 1 after the last key.
pub fn getnext(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map getnext");
    let map = OpenMap::open(&w.map_ref()?, true)?;
    let key = if w.eat("key") {
        Some(map.parse_key(&w.data_words())?)
    } else {
        None
    };
    w.finish()?;
    let mut next = vec![0u8; map.layout.key_size];
    let found = map_ops::next_key(map.fd.as_fd(), key.as_deref(), &mut next)
        .map_err(|e| map.error(&e, "getnext failed"))?;
    show(
        ctx,
        &NextKey {
            key: key.map(Hex),
            next_key: found.then_some(Hex(next)),
        },
    )?;
    Ok(if found {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// `map update MAP key DATA value VALUE [any|exist|noexist]`.
pub fn update(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map update");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    if w.eat("--from") {
        let source = w.value("--from FILE")?;
        w.finish()?;
        return super::map_bulk::update_from(ctx, &map, source);
    }
    let key = if keyless(map.info.map_type) {
        None
    } else {
        w.expect("key")?;
        Some(map.parse_key(&w.data_words())?)
    };
    w.expect("value")?;
    let value = map.parse_value(&w.data_words())?;
    let flags = update_flags(&mut w)?;
    w.finish()?;
    write_element(&map, key.as_deref(), &value, flags)?;
    let _ = ctx;
    Ok(Outcome::Success)
}

fn update_flags(w: &mut Words<'_>) -> Result<u64> {
    Ok(if w.eat("noexist") {
        u64::from(sys::BPF_NOEXIST)
    } else if w.eat("exist") {
        u64::from(sys::BPF_EXIST)
    } else {
        w.eat("any");
        u64::from(sys::BPF_ANY)
    })
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

/// `map delete MAP key DATA` or `map delete MAP --all`.
pub fn delete(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map delete");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    if w.eat("--all") {
        w.finish()?;
        return delete_all(ctx, &map);
    }
    w.expect("key")?;
    let key = map.parse_key(&w.data_words())?;
    w.finish()?;
    if matches!(
        map.info.map_type,
        sys::BPF_MAP_TYPE_ARRAY | sys::BPF_MAP_TYPE_PERCPU_ARRAY
    ) {
        // The kernel's EINVAL would read as a bad key.
        return Err(map.invalid(
            "an array keeps every index: its elements cannot be deleted (update one to zero instead)",
        ));
    }
    if !map_ops::delete(map.fd.as_fd(), &key).map_err(|e| map.error(&e, "delete failed"))? {
        ctx.out.negative(&map.label, "key not found");
        return Ok(Outcome::Negative);
    }
    Ok(Outcome::Success)
}

#[derive(Debug, Serialize)]
pub struct DeleteAll {
    pub deleted: u64,
}

fn delete_all(ctx: &Context, map: &OpenMap) -> CmdResult {
    // Collect the keys first: deleting while walking would make get_next_key restart from the beginning.
    let mut keys = Vec::new();
    crate::mapdata::walk::walk_entries(map.fd.as_fd(), map.layout, |k, _| {
        keys.extend_from_slice(k);
        Ok(())
    })
    .map_err(|e| map.error(&e, "cannot list keys"))?;
    let mut deleted = 0;
    for key in keys.chunks(map.layout.key_size.max(1)) {
        if map_ops::delete(map.fd.as_fd(), key).map_err(|e| map.error(&e, "delete failed"))? {
            deleted += 1;
        }
    }
    show(ctx, &DeleteAll { deleted })?;
    Ok(Outcome::Success)
}

/// `map freeze MAP`: no more writes from user space, ever.
pub fn freeze(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map freeze");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    w.finish()?;
    map_ops::freeze(map.fd.as_fd()).map_err(|e| map.error(&e, "freeze failed"))?;
    let _ = ctx;
    Ok(Outcome::Success)
}

/// `map peek|pop|dequeue MAP`: the head of a queue/stack (pop removes it); `map peek MAP value DATA` on a bloom
/// filter asks whether DATA may be in it.
pub fn take_head(ctx: &Context, words: &[String], remove: bool) -> CmdResult {
    let verb = if remove { "map pop" } else { "map peek" };
    let mut w = Words::new(words, verb);
    let map = OpenMap::open(&w.map_ref()?, !remove)?;
    map.require_keyless(verb, !remove)?;
    if !remove && map.info.map_type == sys::BPF_MAP_TYPE_BLOOM_FILTER {
        w.expect("value")?;
        let mut value = map.parse_value(&w.data_words())?;
        w.finish()?;
        // A bloom filter's lookup takes the value in and answers found (maybe present) or ENOENT (absent).
        if !map_ops::lookup(map.fd.as_fd(), None, &mut value)
            .map_err(|e| map.error(&e, "peek failed"))?
        {
            ctx.out.negative(&map.label, "value not present");
            return Ok(Outcome::Negative);
        }
        show(ctx, &Element::new(&map, None, &value))?;
        return Ok(Outcome::Success);
    }
    w.finish()?;
    let mut value = vec![0u8; map.layout.value_len()];
    let found = if remove {
        map_ops::pop(map.fd.as_fd(), &mut value)
    } else {
        map_ops::lookup(map.fd.as_fd(), None, &mut value)
    }
    .map_err(|e| map.error(&e, if remove { "pop failed" } else { "peek failed" }))?;
    if !found {
        ctx.out.negative(&map.label, "empty");
        return Ok(Outcome::Negative);
    }
    show(ctx, &Element::new(&map, None, &value))?;
    Ok(Outcome::Success)
}

/// `map push|enqueue MAP value DATA`.
pub fn push(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map push");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    map.require_keyless("map push", true)?;
    w.expect("value")?;
    let value = map.parse_value(&w.data_words())?;
    w.finish()?;
    write_element(&map, None, &value, u64::from(sys::BPF_ANY))?;
    let _ = ctx;
    Ok(Outcome::Success)
}

/// `map dump MAP`: every element, batched where the kernel allows, streamed as it is read.
pub fn dump(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map dump");
    let map = OpenMap::open(&w.map_ref()?, true)?;
    w.finish()?;
    refuse_undumpable(&map)?;
    let mut printer = ctx
        .out
        .dump_printer(
            map.layout,
            is_map_of_maps(map.info.map_type),
            map.typed.as_ref(),
        )
        .map_err(|e| map.error(&e, "write failed"))?;
    let walked =
        crate::mapdata::walk::walk_entries(map.fd.as_fd(), map.layout, |k, v| printer.entry(k, v));
    let finished = walked.and_then(|stats| {
        if ctx.debug {
            eprintln!(
                "ebpfctl: {}: {} entries, {} syscalls, batched: {}",
                map.label, stats.entries, stats.syscalls, stats.batched
            );
        }
        printer.finish()
    });
    match finished {
        Ok(()) => Ok(Outcome::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(map.error(&e, "dump failed")),
    }
}

/// Map types whose contents are not key/value pairs say how to read them instead of printing nothing.
fn refuse_undumpable(map: &OpenMap) -> Result<()> {
    let how = match map.info.map_type {
        sys::BPF_MAP_TYPE_RINGBUF => {
            "a ring buffer cannot be dumped; stream it with `ebpfctl map watch`"
        }
        sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY => {
            "a perf event array cannot be dumped; stream it with `ebpfctl map event_pipe`"
        }
        sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK => {
            "a queue or stack has no keys; use `map peek` or `map pop`"
        }
        sys::BPF_MAP_TYPE_BLOOM_FILTER => {
            "a bloom filter has no keys; test membership with `map peek MAP value DATA`"
        }
        _ => return Ok(()),
    };
    Err(Error::new(ErrorKind::InvalidInput, &map.label, how))
}

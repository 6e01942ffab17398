//! Map data verbs: dump, lookup, getnext, update, delete, freeze, and the queue/stack verbs. Selection and byte
//! parsing come from `map_words`, walking from `mapdata::walk`, printing from `output::map_data`.

use std::os::fd::AsFd;

use libbpf_sys as sys;

use crate::cmd::map::open::{is_map_of_maps, keyless, write_element, OpenMap};
use crate::cmd::map::words::Words;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::mapdata::walk::Unreadable;
use crate::output::map_data::DeleteAll;
use crate::output::map_data::Element;
use crate::output::map_data::Hex;
use crate::output::map_data::NextKey;
use crate::sys::map_ops;

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
        return crate::cmd::map::bulk::update_from(ctx, &map, source);
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
    ctx.out.nothing();
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
    ctx.out.nothing();
    Ok(Outcome::Success)
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
    // Ctrl-C cannot stop it half way: the signal takes effect when every key is gone.
    let hold = crate::sys::signal::hold_termination();
    for key in keys.chunks(map.layout.key_size.max(1)) {
        if map_ops::delete(map.fd.as_fd(), key).map_err(|e| map.error(&e, "delete failed"))? {
            deleted += 1;
        }
    }
    drop(hold);
    show(ctx, &DeleteAll { deleted })?;
    Ok(Outcome::Success)
}

/// `map freeze MAP`: no more writes from user space, ever.
pub fn freeze(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map freeze");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    w.finish()?;
    map_ops::freeze(map.fd.as_fd()).map_err(|e| map.error(&e, "freeze failed"))?;
    ctx.out.nothing();
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
    ctx.out.nothing();
    Ok(Outcome::Success)
}

/// `map dump MAP`: every element, batched where the kernel allows, streamed as it is read. Keys whose values user
/// space cannot read (perf event arrays, cgroup arrays, empty slots of socket maps) are listed with an error object
/// as their value, as bpftool lists them, and the dump goes on: a loop over every map keeps working.
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
    let map_type = map.info.map_type;
    let walked = std::cell::RefCell::new(&mut printer);
    let stats = crate::mapdata::walk::walk_entries_reporting(
        map.fd.as_fd(),
        map.layout,
        |k, v| walked.borrow_mut().entry(k, v),
        |k, unreadable| match unreadable_reason(map_type, &unreadable) {
            Some(reason) => walked
                .borrow_mut()
                .error_entry(k, &reason.json, &reason.text),
            None => Ok(()),
        },
    );
    let finished = stats.and_then(|stats| {
        if ctx.debug {
            crate::output::stderr_line(&format!(
                "ebpfctl: {}: {} entries, {} syscalls, batched: {}",
                map.label, stats.entries, stats.syscalls, stats.batched
            ));
        }
        printer.finish()
    });
    match finished {
        Ok(()) => Ok(Outcome::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(map.error(&e, "dump failed")),
    }
}

/// Why a listed key's value cannot be read, in each output's words.
struct UnreadableReason {
    /// bpftool's JSON: strerror(errno) as glibc words it, which scripts written for `bpftool -j` compare.
    json: String,
    /// The text form, for a person: bpftool's `<no entry>`, else what the errno means for this map type.
    text: String,
}

/// Why a listed key's value cannot be shown, or None to skip the key: a key deleted since it was listed, and (as
/// bpftool skips them) the empty slots of maps of maps and program arrays.
fn unreadable_reason(map_type: u32, unreadable: &Unreadable<'_>) -> Option<UnreadableReason> {
    let errno = match unreadable {
        Unreadable::Missing if slots_may_be_empty(map_type) => libc::ENOENT,
        Unreadable::Missing => return None,
        Unreadable::Error(e) => e.raw_os_error().unwrap_or(0),
    };
    let unsupported = matches!(errno, libc::EOPNOTSUPP | crate::error::ENOTSUPP);
    let text = match map_type {
        _ if errno == libc::ENOENT => "<no entry>".to_string(),
        sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY if unsupported => {
            "user space cannot read a perf event array's values (perf event fds); stream its events with \
             `ebpfctl map watch`"
                .to_string()
        }
        sys::BPF_MAP_TYPE_CGROUP_ARRAY if unsupported => {
            "user space cannot read a cgroup array's values (cgroup fds)".to_string()
        }
        _ if unsupported => "the kernel does not let user space read this map's values".to_string(),
        sys::BPF_MAP_TYPE_SOCKMAP | sys::BPF_MAP_TYPE_SOCKHASH | sys::BPF_MAP_TYPE_REUSEPORT_SOCKARRAY
            if errno == libc::ENOSPC =>
        {
            "cannot read: the kernel returns socket cookies only into 8-byte values".to_string()
        }
        _ => crate::error::errno_text(errno),
    };
    Some(UnreadableReason {
        json: crate::sys::strerror::glibc_strerror(errno),
        text,
    })
}

/// Array-like maps of kernel objects whose get_next_key lists every slot, filled or not; an empty one is an
/// element bpftool prints (`<no entry>`). Maps of maps and program arrays are array-like too, but bpftool skips
/// their empty slots.
fn slots_may_be_empty(map_type: u32) -> bool {
    matches!(
        map_type,
        sys::BPF_MAP_TYPE_SOCKMAP
            | sys::BPF_MAP_TYPE_DEVMAP
            | sys::BPF_MAP_TYPE_CPUMAP
            | sys::BPF_MAP_TYPE_XSKMAP
            | sys::BPF_MAP_TYPE_REUSEPORT_SOCKARRAY
    )
}

/// Map types whose contents are not key/value pairs say how to read them instead of printing nothing.
fn refuse_undumpable(map: &OpenMap) -> Result<()> {
    let how = match map.info.map_type {
        // bpftool 7.x prints `[]` here and then fails: the ring buffer has no keys to walk.
        sys::BPF_MAP_TYPE_RINGBUF | sys::BPF_MAP_TYPE_USER_RINGBUF => {
            "a ring buffer cannot be dumped; stream it with `ebpfctl map watch`"
        }
        sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK => {
            "a queue or stack has no keys; use `map peek` or `map pop`"
        }
        sys::BPF_MAP_TYPE_BLOOM_FILTER => {
            "a bloom filter has no keys; test membership with `map peek MAP value DATA`"
        }
        // Each value hangs off its owner and is keyed by the owner's fd: the kernel's next-key walk answers
        // ENOTSUPP (bpftool 7.1 prints `[]` and exits 244). Programs read them, and iterators for sockets.
        sys::BPF_MAP_TYPE_SK_STORAGE
        | sys::BPF_MAP_TYPE_INODE_STORAGE
        | sys::BPF_MAP_TYPE_TASK_STORAGE
        | sys::BPF_MAP_TYPE_CGRP_STORAGE => {
            "a local storage map (socket, inode, task or cgroup storage) is keyed by each owner's fd and has no keys to walk; its values are read by BPF programs"
        }
        _ => return Ok(()),
    };
    Err(Error::new(ErrorKind::InvalidInput, &map.label, how))
}

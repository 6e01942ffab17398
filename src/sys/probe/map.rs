//! Map type probes: create the smallest valid map of each type (the attributes libbpf's probes use).

use libbpf_sys as sys;

use super::load::{create_map, load_btf, MapSpec};
use super::{refusal_verdict, ProbeEnv, Verdict};
use crate::btf::Blob;
use crate::error::errno_text;

/// Does the kernel create maps of this type?
pub fn probe_map_type(map_type: u32, env: ProbeEnv) -> Verdict {
    let mut spec = MapSpec {
        map_type,
        key_size: 4,
        value_size: 4,
        max_entries: 1,
        ifindex: env.ifindex,
        ..Default::default()
    };
    // struct_ops with a BTF id that names no struct_ops type: a kernel that knows the map type says ENOTSUPP.
    let mut known_by_errno = None;
    match map_type {
        sys::BPF_MAP_TYPE_STACK_TRACE => spec.value_size = 8,
        sys::BPF_MAP_TYPE_LPM_TRIE => {
            (spec.key_size, spec.value_size) = (8, 8);
            spec.flags = sys::BPF_F_NO_PREALLOC;
        }
        sys::BPF_MAP_TYPE_CGROUP_STORAGE | sys::BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE => {
            // struct bpf_cgroup_storage_key { __u64 cgroup_inode_id; __u32 attach_type; } (padded to 16)
            (spec.key_size, spec.value_size, spec.max_entries) = (16, 8, 0);
        }
        sys::BPF_MAP_TYPE_QUEUE | sys::BPF_MAP_TYPE_STACK | sys::BPF_MAP_TYPE_BLOOM_FILTER => {
            spec.key_size = 0
        }
        sys::BPF_MAP_TYPE_RINGBUF | sys::BPF_MAP_TYPE_USER_RINGBUF => {
            (spec.key_size, spec.value_size) = (0, 0);
            spec.max_entries = crate::sys::kernel::page_size();
        }
        sys::BPF_MAP_TYPE_STRUCT_OPS => {
            spec.btf_vmlinux_value_type_id = 1;
            spec.value_type_btf_obj_fd = -1;
            known_by_errno = Some(crate::error::ENOTSUPP);
        }
        sys::BPF_MAP_TYPE_ARENA => {
            (spec.key_size, spec.value_size) = (0, 0);
            spec.flags = sys::BPF_F_MMAPABLE;
        }
        // struct bpf_insn_array_value: orig_off, xlated_off, jitted_off, flags.
        sys::BPF_MAP_TYPE_INSN_ARRAY => spec.value_size = 16,
        sys::BPF_MAP_TYPE_SK_STORAGE
        | sys::BPF_MAP_TYPE_INODE_STORAGE
        | sys::BPF_MAP_TYPE_TASK_STORAGE
        | sys::BPF_MAP_TYPE_CGRP_STORAGE => return probe_local_storage(spec, env),
        sys::BPF_MAP_TYPE_ARRAY_OF_MAPS | sys::BPF_MAP_TYPE_HASH_OF_MAPS => {
            return probe_map_of_maps(spec, env)
        }
        _ => {}
    }
    match create_map(&spec) {
        Ok(_) => Verdict::Yes,
        Err(errno) if Some(errno) == known_by_errno => Verdict::Yes,
        Err(errno) => refusal_verdict(errno, env),
    }
}

/// Map-in-map types need an inner map to take their shape from.
fn probe_map_of_maps(spec: MapSpec, env: ProbeEnv) -> Verdict {
    let inner = MapSpec {
        map_type: sys::BPF_MAP_TYPE_HASH,
        key_size: 4,
        value_size: 4,
        max_entries: 1,
        ..Default::default()
    };
    let inner = match create_map(&inner) {
        Ok(fd) => fd,
        Err(errno) => return inner_failure("inner hash map", errno, env),
    };
    use std::os::fd::AsRawFd;
    let spec = MapSpec {
        inner_map_fd: Some(inner.as_raw_fd()),
        ..spec
    };
    match create_map(&spec) {
        Ok(_) => Verdict::Yes,
        Err(errno) => refusal_verdict(errno, env),
    }
}

/// Local-storage maps need BTF for a value that holds a spin lock: `struct val { int cnt; struct bpf_spin_lock l; }`.
fn probe_local_storage(spec: MapSpec, env: ProbeEnv) -> Verdict {
    let types = spin_lock_value_btf();
    let btf = match load_btf(&types.blob.raw()) {
        Ok(fd) => fd,
        Err(errno) => return inner_failure("BTF for the map value", errno, env),
    };
    use std::os::fd::AsRawFd;
    let spec = MapSpec {
        value_size: 8,
        max_entries: 0,
        flags: sys::BPF_F_NO_PREALLOC,
        btf: Some((btf.as_raw_fd(), types.int, types.value)),
        ..spec
    };
    match create_map(&spec) {
        Ok(_) => Verdict::Yes,
        Err(errno) => refusal_verdict(errno, env),
    }
}

fn inner_failure(what: &str, errno: i32, env: ProbeEnv) -> Verdict {
    match refusal_verdict(errno, env) {
        Verdict::No if !env.unprivileged => {
            Verdict::Unknown(format!("{what}: {}", errno_text(errno)))
        }
        verdict => verdict,
    }
}

/// BTF for a map value that holds a spin lock, with the ids of its key and value types: `int` and `struct val
/// { int cnt; struct bpf_spin_lock l; }`. Callers may add types before loading it.
pub(super) struct SpinLockValue {
    pub blob: Blob,
    pub int: u32,
    pub value: u32,
}

pub(super) fn spin_lock_value_btf() -> SpinLockValue {
    let mut blob = Blob::new();
    let int = blob.int("int", 4, 1, 0, 32);
    let lock = blob.structure("bpf_spin_lock", 4, false, &[("val", int, 0)]);
    let value = blob.structure("val", 8, false, &[("cnt", int, 0), ("l", lock, 32)]);
    SpinLockValue { blob, int, value }
}

//! Map type probes: create the smallest valid map of each type (the attributes libbpf's probes use).

use libbpf_sys as sys;

use super::load::{create_map, load_btf, MapSpec};
use super::{refusal_verdict, ProbeEnv, Verdict};
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
    let btf = match load_btf(&local_storage_btf()) {
        Ok(fd) => fd,
        Err(errno) => return inner_failure("BTF for the map value", errno, env),
    };
    use std::os::fd::AsRawFd;
    let spec = MapSpec {
        value_size: 8,
        max_entries: 0,
        flags: sys::BPF_F_NO_PREALLOC,
        btf: Some((btf.as_raw_fd(), 1, 3)),
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

/// Raw BTF: [1] int, [2] struct bpf_spin_lock { int val; }, [3] struct val { int cnt; struct bpf_spin_lock l; }.
pub(super) fn local_storage_btf() -> Vec<u8> {
    const KIND_INT: u32 = 1;
    const KIND_STRUCT: u32 = 4;
    let strings: &[u8] = b"\0bpf_spin_lock\0val\0cnt\0l\0";
    let info = |kind: u32, vlen: u32| (kind << 24) | vlen;
    let types: [u32; 16] = [
        0,
        info(KIND_INT, 0),
        4,
        (1 << 24) | 32, // int: signed, 32 bits
        1,
        info(KIND_STRUCT, 1),
        4,
        15,
        1,
        0, // struct bpf_spin_lock { int val; }
        15,
        info(KIND_STRUCT, 2),
        8,
        19,
        1,
        0, // struct val { int cnt; ...
    ];
    let last_member: [u32; 3] = [23, 2, 32]; // ... struct bpf_spin_lock l; } at bit 32
    let type_bytes: Vec<u8> = types
        .iter()
        .chain(last_member.iter())
        .flat_map(|w| w.to_ne_bytes())
        .collect();
    let mut raw = Vec::new();
    raw.extend_from_slice(&0xeb9f_u16.to_ne_bytes()); // magic
    raw.extend_from_slice(&[1, 0]); // version, flags
    for word in [
        24u32,
        0,
        type_bytes.len() as u32,
        type_bytes.len() as u32,
        strings.len() as u32,
    ] {
        raw.extend_from_slice(&word.to_ne_bytes()); // hdr_len, type_off, type_len, str_off, str_len
    }
    raw.extend_from_slice(&type_bytes);
    raw.extend_from_slice(strings);
    raw
}

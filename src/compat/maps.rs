//! Map creation as libbpf does it at load: every map of the object is created, with the sizes in the object
//! unless the loader changes them (`--map-size`, `--map-value-size` say how). A map the kernel refuses fails the
//! whole object, whichever program uses it.

use serde::Serialize;

use super::kernel::KernelView;
use crate::btf::{Btf, Kind};
use crate::elf::MapDef;

/// A size the loader gives a map before loading (bpf_map__set_max_entries / bpf_map__set_value_size).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MapSize {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_size: Option<u32>,
}

/// The suffix that names a map-in-map's inner map in `--map-size` ("ringbufs.inner=4096"): loaders size the
/// template their inner maps are created from (bpf_map__inner_map, or an fd of their own via
/// bpf_map__set_inner_map_fd), as falco does for its per-CPU ring buffers.
pub const INNER_SUFFIX: &str = ".inner";

impl MapSize {
    /// The outer map whose inner map this size is for.
    pub fn inner_of(&self) -> Option<&str> {
        self.name.strip_suffix(INNER_SUFFIX)
    }
}

/// Local storage and cgroup storage maps must be created with max_entries 0; libbpf sizes a perf event array
/// left at 0 to the number of CPUs and creates struct_ops maps with one entry.
fn zero_entries_ok(map_type: &str) -> bool {
    matches!(
        map_type,
        "perf_event_array"
            | "sk_storage"
            | "inode_storage"
            | "task_storage"
            | "cgrp_storage"
            | "cgroup_storage"
            | "percpu_cgroup_storage"
            | "struct_ops"
    )
}

/// Map types whose value the kernel requires to be non-empty (ring buffers, bloom filters' key, arenas and the
/// fd-holding types have their own rules or sizes libbpf sets).
fn needs_value(map_type: &str) -> bool {
    matches!(
        map_type,
        "hash"
            | "array"
            | "percpu_hash"
            | "percpu_array"
            | "lru_hash"
            | "lru_percpu_hash"
            | "lpm_trie"
            | "stack_trace"
            | "queue"
            | "stack"
            | "bloom_filter"
    )
}

/// Why the kernel refuses to create map `m` as the loader would create it, if it does.
pub fn creation_refusal(m: &MapDef, sizes: &[MapSize], view: &KernelView) -> Option<String> {
    let given = sizes.iter().find(|s| s.name == m.name);
    let entries = given.and_then(|s| s.max_entries).unwrap_or(m.max_entries);
    let value_size = given.and_then(|s| s.value_size).unwrap_or(m.value_size);
    let ty = m.map_type.as_str();
    if m.definition == "legacy" {
        return Some(format!(
            "map {}: legacy `maps` section definition, which libbpf 1.0+ refuses",
            m.name
        ));
    }
    if let Some(false) = view.enum_has(
        "bpf_map_type",
        &format!("BPF_MAP_TYPE_{}", ty.to_uppercase()),
    ) {
        return Some(format!("map {}: map type {ty} unknown to kernel", m.name));
    }
    // A struct_ops map cannot be probed without a kernel struct to fill in: struct_ops_refusal decides those.
    if let (Some(false), false) = (view.table.and_then(|t| t.map_type(ty)), ty == "struct_ops") {
        return Some(format!(
            "map {}: map type {ty} refused by the kernel (probed on {})",
            m.name,
            view.table.map_or("", |t| t.release)
        ));
    }
    let internal = matches!(m.definition, "global_data" | "kconfig");
    if !internal && entries == 0 && !zero_entries_ok(ty) {
        return Some(format!(
            "map {}: max_entries is 0, which the kernel refuses for {} {ty} map (its loader sizes it at run \
             time: say how with --map-size {}=N)",
            m.name,
            if ty.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" },
            m.name
        ));
    }
    if needs_value(ty) && value_size == 0 {
        return Some(format!(
            "map {}: value_size is 0 (its loader sizes it at run time: say how with --map-value-size {}=BYTES)",
            m.name, m.name
        ));
    }
    if ty == "stack_trace" && value_size % 8 != 0 {
        return Some(format!(
            "map {}: stack_trace value_size {value_size} is not a multiple of 8",
            m.name
        ));
    }
    // libbpf creates the inner map's template to create the outer map, so the kernel must accept it too. Without
    // one (no `__array(values, ...)` in the definition) it passes no inner map fd, and the kernel refuses the
    // outer map (EINVAL, or EBADF with fd 0 closed) unless the loader calls bpf_map__set_inner_map_fd first.
    let Some(inner) = m.inner_map.as_deref() else {
        return matches!(ty, "array_of_maps" | "hash_of_maps").then(|| {
            format!(
                "map {}: {ty} with no inner map in its definition (`__array(values, ...)`): the kernel refuses \
                 it without one (its loader gives one with bpf_map__set_inner_map_fd)",
                m.name
            )
        });
    };
    let named = MapDef {
        name: format!("{}{INNER_SUFFIX}", m.name),
        inner_map: None,
        ..inner.clone()
    };
    creation_refusal(&named, sizes, view).map(|why| why.replacen("map ", "inner map ", 1))
}

/// Why libbpf cannot create a struct_ops map here: the kernel must have the struct and its value wrapper.
pub fn struct_ops_refusal(m: &MapDef, obj_btf: Option<&Btf>, view: &KernelView) -> Option<String> {
    if m.definition != "struct_ops" {
        return None;
    }
    let btf = obj_btf?;
    let id = btf.skip_modifiers(m.value_type_id?, true).ok()?;
    let name = btf.type_by_id(id)?.name();
    let wrapper = format!("bpf_struct_ops_{name}");
    if view.find(name, Kind::Struct).is_none() || view.find(&wrapper, Kind::Struct).is_none() {
        return Some(format!(
            "struct_ops map {}: struct {name} is not a struct_ops type of this kernel",
            m.name
        ));
    }
    None
}

/// Whether a map value holds a special field (bpf_spin_lock, bpf_timer) that tracing-style programs may not use.
pub fn special_field(m: &MapDef, obj_btf: Option<&Btf>) -> Option<&'static str> {
    let btf = obj_btf?;
    let mut stack = vec![(m.value_type_id?, 0u32)];
    while let Some((id, depth)) = stack.pop() {
        let Some(t) = btf
            .skip_modifiers(id, true)
            .ok()
            .and_then(|t| btf.type_by_id(t))
        else {
            continue;
        };
        match (t.kind(), t.name()) {
            (Kind::Struct, "bpf_spin_lock") => return Some("bpf_spin_lock"),
            (Kind::Struct, "bpf_timer") => return Some("bpf_timer"),
            (Kind::Struct | Kind::Union, _) if depth < 8 => {
                stack.extend(t.members().map(|mb| (mb.type_id, depth + 1)));
            }
            (Kind::Array, _) if depth < 8 => stack.push((t.array().elem_type, depth + 1)),
            _ => {}
        }
    }
    None
}

/// `--map-size NAME=N` and `--map-value-size NAME=N` arguments, merged per map.
pub fn parse_sizes(entries: &[String], value_sizes: &[String]) -> Result<Vec<MapSize>, String> {
    let mut out: Vec<MapSize> = Vec::new();
    for (list, is_entries) in [(entries, true), (value_sizes, false)] {
        for arg in list {
            let (name, n) = arg
                .split_once('=')
                .filter(|(name, _)| !name.is_empty())
                .ok_or_else(|| format!("{arg:?}: expected NAME=N"))?;
            let n: u32 = n
                .parse()
                .map_err(|_| format!("{arg:?}: {n:?} is not a number"))?;
            let i = match out.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    out.push(MapSize {
                        name: name.to_string(),
                        ..Default::default()
                    });
                    out.len() - 1
                }
            };
            let slot = &mut out[i];
            if is_entries {
                slot.max_entries = Some(n);
            } else {
                slot.value_size = Some(n);
            }
        }
    }
    Ok(out)
}

//! Map definitions as libbpf reads them at open time: BTF-defined maps in `.maps`, global-data maps for
//! .rodata/.data/.bss (and .kconfig), struct_ops maps, and legacy `struct bpf_map_def` in `maps` (which libbpf 1.x
//! rejects; reported so the user learns why the object will not load).

use object::elf;
use serde::Serialize;

use super::data::{is_data_section, Extern};
use super::{Elf, Sym};
use crate::btf::{Btf, Kind};

/// libbpf_bpf_map_type_str() names by `enum bpf_map_type` value.
const MAP_TYPES: &[&str] = &[
    "unspec",
    "hash",
    "array",
    "prog_array",
    "perf_event_array",
    "percpu_hash",
    "percpu_array",
    "stack_trace",
    "cgroup_array",
    "lru_hash",
    "lru_percpu_hash",
    "lpm_trie",
    "array_of_maps",
    "hash_of_maps",
    "devmap",
    "sockmap",
    "cpumap",
    "xskmap",
    "sockhash",
    "cgroup_storage",
    "reuseport_sockarray",
    "percpu_cgroup_storage",
    "queue",
    "stack",
    "sk_storage",
    "devmap_hash",
    "struct_ops",
    "ringbuf",
    "inode_storage",
    "task_storage",
    "bloom_filter",
    "user_ringbuf",
    "cgrp_storage",
    "arena",
];

const BPF_F_RDONLY_PROG: u32 = 1 << 7;
const BPF_F_MMAPABLE: u32 = 1 << 10;

pub fn map_type_name(t: u32) -> String {
    MAP_TYPES
        .get(t as usize)
        .map_or_else(|| t.to_string(), |s| s.to_string())
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MapDef {
    /// The name libbpf gives the map (global-data maps: object name prefix + section, as `bpf_map__name`).
    pub name: String,
    pub section: String,
    /// How it is defined: btf (.maps), global_data, kconfig, struct_ops, legacy (`maps` section).
    pub definition: &'static str,
    #[serde(rename = "type")]
    pub map_type: String,
    pub key_size: u32,
    pub value_size: u32,
    pub key_type: Option<String>,
    pub value_type: Option<String>,
    pub max_entries: u32,
    pub flags: u32,
    pub numa_node: Option<u32>,
    pub map_extra: Option<u64>,
    /// "by_name" when pinned under the pin root; absent when not pinned.
    pub pinning: Option<String>,
    pub inner_map: Option<Box<MapDef>>,
    /// The value's BTF type id in the object (BTF-defined maps with `__type(value, T)`, struct_ops maps).
    #[serde(skip)]
    pub value_type_id: Option<u32>,
}

pub fn collect(
    elf: &Elf,
    btf: Option<&Btf>,
    externs: &[Extern],
    warnings: &mut Vec<String>,
) -> Vec<MapDef> {
    let mut maps = Vec::new();
    if let Some(btf) = btf {
        maps.extend(btf_maps(btf, warnings));
    }
    maps.extend(global_data_maps(elf, btf));
    if let Some(m) = kconfig_map(elf, btf, externs) {
        maps.push(m);
    }
    if let Some(btf) = btf {
        maps.extend(struct_ops_maps(btf));
    }
    maps.extend(legacy_maps(elf, warnings));
    maps
}

fn datasec<'b>(btf: &'b Btf, name: &str) -> Option<crate::btf::Type<'b>> {
    btf.find_by_name(name, Kind::Datasec)
        .and_then(|id| btf.type_by_id(id))
}

fn btf_maps(btf: &Btf, warnings: &mut Vec<String>) -> Vec<MapDef> {
    let Some(sec) = datasec(btf, ".maps") else {
        return Vec::new();
    };
    let mut maps = Vec::new();
    for v in sec.datasec_vars() {
        let Some(var) = btf.type_by_id(v.type_id).filter(|t| t.kind() == Kind::Var) else {
            continue;
        };
        match parse_map_struct(btf, var.type_id(), var.name(), 0) {
            Ok(m) => maps.push(m),
            Err(e) => warnings.push(format!("map {}: {e}", var.name())),
        }
    }
    maps
}

/// `__uint(name, N)` is encoded as `int (*name)[N]`.
fn uint_field(btf: &Btf, type_id: u32) -> Option<u32> {
    let ptr = btf.type_by_id(btf.skip_modifiers(type_id, true).ok()?)?;
    if ptr.kind() != Kind::Ptr {
        return None;
    }
    let arr = btf.type_by_id(btf.skip_modifiers(ptr.type_id(), true).ok()?)?;
    (arr.kind() == Kind::Array).then(|| arr.array().nelems)
}

/// `__type(key, T)` is encoded as `T *key`.
fn type_field(btf: &Btf, type_id: u32) -> Option<u32> {
    let ptr = btf.type_by_id(btf.skip_modifiers(type_id, true).ok()?)?;
    (ptr.kind() == Kind::Ptr).then(|| ptr.type_id())
}

/// Reads a map definition struct the way libbpf's parse_btf_map_def() does.
fn parse_map_struct(btf: &Btf, type_id: u32, name: &str, depth: usize) -> Result<MapDef, String> {
    let def_id = btf
        .skip_modifiers(type_id, true)
        .map_err(|e| e.to_string())?;
    let def = btf.get(def_id).map_err(|e| e.to_string())?;
    if def.kind() != Kind::Struct {
        return Err(format!(
            "definition is a {}, not a struct",
            def.kind().name()
        ));
    }
    let mut m = MapDef {
        name: name.to_string(),
        section: ".maps".into(),
        definition: "btf",
        ..Default::default()
    };
    for member in def.members() {
        let int = || uint_field(btf, member.type_id);
        match member.name {
            "type" => m.map_type = map_type_name(int().unwrap_or(0)),
            "max_entries" => m.max_entries = int().unwrap_or(0),
            "map_flags" => m.flags = int().unwrap_or(0),
            "numa_node" => m.numa_node = int(),
            "key_size" => m.key_size = int().unwrap_or(0),
            "value_size" => m.value_size = int().unwrap_or(0),
            "map_extra" => m.map_extra = int().map(u64::from),
            "pinning" => {
                m.pinning = match int() {
                    Some(0) | None => None,
                    Some(1) => Some("by_name".into()),
                    Some(n) => Some(n.to_string()),
                }
            }
            "key" | "value" => {
                let Some(t) = type_field(btf, member.type_id) else {
                    continue;
                };
                let size = btf.resolve_size(t).unwrap_or(0) as u32;
                if member.name == "key" {
                    m.key_type = Some(btf.type_display(t));
                    m.key_size = size;
                } else {
                    m.value_type = Some(btf.type_display(t));
                    m.value_type_id = Some(t);
                    m.value_size = size;
                }
            }
            "values" => {
                // Map-in-map and prog_array values are 4-byte ids/fds, whatever the declaration says.
                m.value_size = 4;
                m.inner_map = inner_map(btf, member.type_id, name, depth);
            }
            _ => {}
        }
    }
    if m.map_type.is_empty() {
        m.map_type = map_type_name(0);
    }
    Ok(m)
}

/// `__array(values, struct inner)`: an array of pointers to the inner map's definition (map-in-map); for
/// prog_array the pointers go to function prototypes and there is no inner map.
fn inner_map(btf: &Btf, type_id: u32, outer: &str, depth: usize) -> Option<Box<MapDef>> {
    if depth > 0 {
        return None;
    }
    let arr = btf.type_by_id(btf.skip_modifiers(type_id, true).ok()?)?;
    if arr.kind() != Kind::Array {
        return None;
    }
    let ptr = btf.type_by_id(btf.skip_modifiers(arr.array().elem_type, true).ok()?)?;
    if ptr.kind() != Kind::Ptr {
        return None;
    }
    let target = btf.type_by_id(btf.skip_modifiers(ptr.type_id(), true).ok()?)?;
    if target.kind() != Kind::Struct {
        return None;
    }
    let mut inner =
        parse_map_struct(btf, target.id(), &format!("{outer}.inner"), depth + 1).ok()?;
    inner.section = ".maps".into();
    Some(Box::new(inner))
}

/// libbpf's internal_map_name(): `<object name prefix>.<section>`, or the section alone when it has a second dot.
fn internal_map_name(obj_name: &str, section: &str) -> String {
    const OBJ_NAME_LEN: usize = 16;
    let sfx_len = section.len().max(7);
    let pfx_len = if section.get(1..).is_some_and(|s| s.contains('.')) {
        0
    } else {
        (OBJ_NAME_LEN - sfx_len - 1).min(obj_name.len())
    };
    let full: String = obj_name
        .chars()
        .take(pfx_len)
        .chain(section.chars().take(sfx_len))
        .collect();
    full.chars()
        .take(OBJ_NAME_LEN - 1)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether libbpf would mmap the section: its DATASEC has a non-static variable.
fn mmapable(btf: Option<&Btf>, section: &str) -> bool {
    let Some(btf) = btf else { return false };
    let Some(sec) = datasec(btf, section) else {
        return false;
    };
    let any = sec
        .datasec_vars()
        .filter_map(|v| btf.type_by_id(v.type_id))
        .any(|t| t.kind() == Kind::Var && t.var_linkage() != 0);
    any
}

fn global_data_maps(elf: &Elf, btf: Option<&Btf>) -> Vec<MapDef> {
    let mut maps = Vec::new();
    for sec in &elf.sections {
        let Some(kind) = is_data_section(sec) else {
            continue;
        };
        if sec.size == 0 {
            continue;
        }
        let mut flags = if kind == "rodata" {
            BPF_F_RDONLY_PROG
        } else {
            0
        };
        if mmapable(btf, &sec.name) {
            flags |= BPF_F_MMAPABLE;
        }
        maps.push(MapDef {
            name: internal_map_name(&elf.obj_name, &sec.name),
            section: sec.name.clone(),
            definition: "global_data",
            map_type: "array".into(),
            key_size: 4,
            value_size: sec.size as u32,
            value_type: btf
                .and_then(|b| datasec(b, &sec.name))
                .map(|_| format!("datasec {}", sec.name)),
            max_entries: 1,
            flags,
            ..Default::default()
        });
    }
    maps
}

/// libbpf lays kconfig externs out by descending alignment, then ascending size, then name.
fn kconfig_map(elf: &Elf, btf: Option<&Btf>, externs: &[Extern]) -> Option<MapDef> {
    let btf = btf?;
    let mut layout: Vec<(u32, u64, &str)> = externs
        .iter()
        .filter(|e| e.kind == "kconfig")
        .filter_map(|e| {
            let t = e.type_id?;
            Some((
                btf.align_of(t).ok()?,
                btf.resolve_size(t).ok()?,
                e.name.as_str(),
            ))
        })
        .collect();
    if layout.is_empty() {
        return None;
    }
    layout.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut off = 0u64;
    for (align, size, _) in &layout {
        off = off.div_ceil(*align as u64) * *align as u64 + size;
    }
    let mut flags = BPF_F_RDONLY_PROG;
    if mmapable(Some(btf), ".kconfig") {
        flags |= BPF_F_MMAPABLE;
    }
    Some(MapDef {
        name: internal_map_name(&elf.obj_name, ".kconfig"),
        section: ".kconfig".into(),
        definition: "kconfig",
        map_type: "array".into(),
        key_size: 4,
        value_size: off as u32,
        max_entries: 1,
        flags,
        ..Default::default()
    })
}

fn struct_ops_maps(btf: &Btf) -> Vec<MapDef> {
    let mut maps = Vec::new();
    for sec_name in [".struct_ops", ".struct_ops.link"] {
        let Some(sec) = datasec(btf, sec_name) else {
            continue;
        };
        for v in sec.datasec_vars() {
            let Some(var) = btf.type_by_id(v.type_id).filter(|t| t.kind() == Kind::Var) else {
                continue;
            };
            maps.push(MapDef {
                name: var.name().to_string(),
                section: sec_name.into(),
                definition: "struct_ops",
                map_type: "struct_ops".into(),
                key_size: 4,
                value_size: v.size,
                value_type: Some(btf.type_display(var.type_id())),
                value_type_id: Some(var.type_id()),
                max_entries: 1,
                flags: if sec_name.ends_with(".link") {
                    1 << 13
                } else {
                    0
                },
                ..Default::default()
            });
        }
    }
    maps
}

/// `struct bpf_map_def { type, key_size, value_size, max_entries, map_flags }` per symbol in `maps`.
fn legacy_maps(elf: &Elf, warnings: &mut Vec<String>) -> Vec<MapDef> {
    let Some(idx) = elf.section_named("maps") else {
        return Vec::new();
    };
    let data = elf.section_data[idx];
    let mut maps = Vec::new();
    for sym in elf
        .symbols
        .iter()
        .flatten()
        .filter(|s| s.section == Some(idx) && s.st_type != elf::STT_SECTION)
    {
        let word = |i: usize| {
            super::read_u32(
                data,
                (sym.value as usize).checked_add(4 * i)?,
                elf.big_endian,
            )
        };
        let (Some(t), Some(k), Some(v), Some(n)) = (word(0), word(1), word(2), word(3)) else {
            warnings.push(format!(
                "legacy map {}: definition runs past the maps section",
                sym.name
            ));
            continue;
        };
        maps.push(MapDef {
            name: sym.name.clone(),
            section: "maps".into(),
            definition: "legacy",
            map_type: map_type_name(t),
            key_size: k,
            value_size: v,
            max_entries: n,
            flags: word(4).unwrap_or(0),
            ..Default::default()
        });
    }
    if !maps.is_empty() {
        warnings.push(
            "legacy 'maps' section: libbpf 1.0+ refuses these definitions (use BTF-defined .maps)"
                .into(),
        );
    }
    maps
}

/// The map an `ld_imm64` relocation against `sym` loads: a .maps/maps variable, or a global-data section.
pub fn map_name_for_symbol(elf: &Elf, sym: &Sym) -> Option<String> {
    let sec = elf.sections.get(sym.section?)?;
    match sec.name.as_str() {
        ".maps" | "maps" => Some(sym.name.clone()),
        ".kconfig" => Some(internal_map_name(&elf.obj_name, ".kconfig")),
        _ if is_data_section(sec).is_some() => Some(internal_map_name(&elf.obj_name, &sec.name)),
        _ => None,
    }
}

//! Program metadata: the `bpf_metadata_*` variables of a program's `.rodata` map, shown by `prog show` as
//! `"metadata": {"name": value}` (the prefix dropped), exactly where and how bpftool finds them: the first of the
//! program's maps that is a one-entry array with 4-byte keys, value BTF and ".rodata" in its name.

use std::collections::HashMap;
use std::os::fd::AsFd;

use serde_json::{Map, Value};

use crate::btf::Kind;
use crate::sys::bpf_obj::{fd_by_id, map_lookup, ObjKind};
use crate::sys::map_info::{map_info, MapInfo};
use crate::sys::prog_info::ProgInfo;

use crate::cmd::select::names::BtfCache;

const METADATA_PREFIX: &str = "bpf_metadata_";

/// What one map contributes, remembered by map id: programs of one object share their `.rodata`.
#[derive(Clone)]
enum MapVerdict {
    NotRodata,
    /// A `.rodata` map: the search stops here, with or without metadata in it.
    Rodata(Option<Value>),
    /// Gone or unreadable: bpftool gives up on the program's metadata at such a map.
    Unreadable,
}

#[derive(Default)]
pub struct MetadataReader {
    by_map: HashMap<u32, MapVerdict>,
}

fn is_rodata_candidate(info: &MapInfo) -> bool {
    info.map_type == libbpf_sys::BPF_MAP_TYPE_ARRAY
        && info.key_size == 4
        && info.max_entries == 1
        && info.btf_value_type_id != 0
        && info.name.contains(".rodata")
}

impl MetadataReader {
    /// The program's metadata object, or None when it has none.
    pub fn of_prog(&mut self, prog: &ProgInfo, btfs: &mut BtfCache) -> Option<Value> {
        for &map_id in &prog.map_ids {
            let verdict = match self.by_map.get(&map_id) {
                Some(v) => v.clone(),
                None => {
                    let v = read_map(map_id, btfs);
                    self.by_map.insert(map_id, v.clone());
                    v
                }
            };
            match verdict {
                MapVerdict::NotRodata => continue,
                MapVerdict::Rodata(metadata) => return metadata,
                MapVerdict::Unreadable => return None,
            }
        }
        None
    }
}

fn read_map(map_id: u32, btfs: &mut BtfCache) -> MapVerdict {
    let Ok(fd) = fd_by_id(ObjKind::Map, map_id) else {
        return MapVerdict::Unreadable;
    };
    let Ok(info) = map_info(fd.as_fd()) else {
        return MapVerdict::Unreadable;
    };
    if !is_rodata_candidate(&info) {
        return MapVerdict::NotRodata;
    }
    let Ok(value) = map_lookup(fd.as_fd(), &0u32.to_ne_bytes(), info.value_size as usize) else {
        return MapVerdict::Unreadable;
    };
    MapVerdict::Rodata(metadata_from(&info, &value, btfs))
}

fn metadata_from(info: &MapInfo, value: &[u8], btfs: &mut BtfCache) -> Option<Value> {
    let btf = btfs.get(info.btf_id)?;
    let datasec = btf.type_by_id(info.btf_value_type_id)?;
    if datasec.kind() != Kind::Datasec {
        return None;
    }
    let mut metadata = Map::new();
    for var in datasec.datasec_vars() {
        let Some(var_type) = btf.type_by_id(var.type_id) else {
            continue;
        };
        let Some(name) = var_type.name().strip_prefix(METADATA_PREFIX) else {
            continue;
        };
        let start = var.offset as usize;
        let data = value.get(start..start + var.size as usize).unwrap_or(&[]);
        let formatted = btf
            .format_value(var_type.type_id(), data)
            .unwrap_or(Value::Null);
        metadata.insert(name.to_string(), formatted);
    }
    (!metadata.is_empty()).then_some(Value::Object(metadata))
}

//! Names the kernel cut short, recovered from BTF. The kernel keeps 15 characters of a program's or map's name;
//! the program's BTF still has its function's full name, and a map's BTF the `.maps` variable it came from.
//! BTF objects are fetched once per id and shared: the programs of one object file share one BTF.

use std::collections::HashMap;
use std::rc::Rc;

use crate::btf::{Btf, Kind};
use crate::sys::btf_info::btf_data_by_id;
use crate::sys::map_info::MapInfo;
use crate::sys::prog_info::ProgInfo;

/// The kernel's name buffer is 16 bytes with the NUL (BPF_OBJ_NAME_LEN); a name this long may have been cut.
const KERNEL_NAME_MAX: usize = 15;

/// Parsed BTF objects by id, fetched on first use. A BTF that cannot be read or parsed is remembered as absent.
#[derive(Default)]
pub struct BtfCache {
    by_id: HashMap<u32, Option<Rc<Btf>>>,
}

impl BtfCache {
    pub fn get(&mut self, id: u32) -> Option<Rc<Btf>> {
        if id == 0 {
            return None;
        }
        self.by_id
            .entry(id)
            .or_insert_with(|| {
                let data = btf_data_by_id(id).ok()?;
                Btf::parse(&data).ok().map(Rc::new)
            })
            .clone()
    }
}

/// Full names for programs and maps, with the BTF they come from cached across calls.
#[derive(Default)]
pub struct NameResolver {
    pub btfs: BtfCache,
}

impl NameResolver {
    /// The program's full name: its main function's name in BTF when the kernel's copy may have been cut,
    /// else the kernel's copy (bpftool's get_prog_full_name).
    pub fn prog_full_name(&mut self, info: &ProgInfo) -> String {
        if info.name.len() < KERNEL_NAME_MAX {
            return info.name.clone();
        }
        let full = info.func_type_id.and_then(|type_id| {
            let btf = self.btfs.get(info.btf_id)?;
            let func = btf.type_by_id(type_id)?;
            (func.kind() == Kind::Func)
                .then(|| func.name().to_string())
                .filter(|n| n.starts_with(&info.name))
        });
        full.unwrap_or_else(|| info.name.clone())
    }

    /// Whether the map's BTF declares a `.maps` variable with exactly this name.
    fn btf_declares_map(&mut self, info: &MapInfo, name: &str) -> bool {
        let Some(btf) = self.btfs.get(info.btf_id) else {
            return false;
        };
        let Some(maps_id) = btf.find_by_name(".maps", Kind::Datasec) else {
            return false;
        };
        // Bound before returning: the iterator borrows `btf`, which a tail expression would outlive.
        let declares = btf.type_by_id(maps_id).is_some_and(|maps| {
            maps.datasec_vars()
                .any(|v| btf.type_by_id(v.type_id).is_some_and(|t| t.name() == name))
        });
        declares
    }
}

/// Whether `name` names this map: its kernel name, or a longer name whose first 15 characters are the kernel's
/// (cut) name and which the map's BTF declares as a `.maps` variable. BTF does not say which variable a map
/// came from, so two maps of one object whose names share their first 15 characters both match either name.
pub fn map_matches_name(info: &MapInfo, name: &str, names: &mut NameResolver) -> bool {
    if info.name == name {
        return true;
    }
    name.len() > KERNEL_NAME_MAX
        && info.name.len() == KERNEL_NAME_MAX
        && name.starts_with(&info.name)
        && names.btf_declares_map(info, name)
}

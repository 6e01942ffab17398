//! The names of kernel enums (program, map, attach and link types) exactly as bpftool prints them: bpftool asks
//! libbpf (`libbpf_bpf_prog_type_str` and friends), and so do we, so the words agree by construction. A value the
//! linked libbpf does not know has no name; callers print it as an integer, as bpftool does.

use std::ffi::{c_char, CStr};

fn from_libbpf(ptr: *const c_char) -> Option<&'static str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: libbpf returns pointers into its static, NUL-terminated string tables.
    unsafe { CStr::from_ptr(ptr) }.to_str().ok()
}

pub fn prog_type(value: u32) -> Option<&'static str> {
    // SAFETY: a pure lookup in libbpf's tables; out-of-range values return NULL.
    from_libbpf(unsafe { libbpf_sys::libbpf_bpf_prog_type_str(value) })
}

pub fn map_type(value: u32) -> Option<&'static str> {
    // SAFETY: as prog_type.
    from_libbpf(unsafe { libbpf_sys::libbpf_bpf_map_type_str(value) })
}

pub fn attach_type(value: u32) -> Option<&'static str> {
    // SAFETY: as prog_type.
    from_libbpf(unsafe { libbpf_sys::libbpf_bpf_attach_type_str(value) })
}

pub fn link_type(value: u32) -> Option<&'static str> {
    // SAFETY: as prog_type.
    from_libbpf(unsafe { libbpf_sys::libbpf_bpf_link_type_str(value) })
}

/// Every value 0.. of one of libbpf's tables, stopping at the first value it has no name for. Tables may have
/// holes (attach types are dense, but a future enum might not), so a few missing values are skipped.
pub fn table(name: fn(u32) -> Option<&'static str>) -> Vec<(u32, &'static str)> {
    let mut out = Vec::new();
    let mut misses = 0;
    for value in 0u32.. {
        match name(value) {
            Some(n) => {
                out.push((value, n));
                misses = 0;
            }
            None if misses < 4 => misses += 1,
            None => break,
        }
    }
    out
}

/// The helpers libbpf 1.7 knows, by id, with id 0 as bpftool names it, "bpf_unspec". The table itself lives with
/// the ELF reader (which must stay free of libbpf, for fuzzing); a test below keeps it equal to libbpf's
/// bpf_helper_defs.h.
pub fn builtin_helpers() -> Vec<(u32, String)> {
    crate::elf::helpers::HELPER_NAMES
        .iter()
        .enumerate()
        .map(|(id, name)| match id {
            0 => (0, "bpf_unspec".to_string()),
            _ => (id as u32, name.to_string()),
        })
        .collect()
}

/// The value whose libbpf name is `name`: the inverse of one of the lookups above (`type xdp`, `cgroup_inet_egress`).
pub fn value_of(lookup: fn(u32) -> Option<&'static str>, name: &str) -> Option<u32> {
    table(lookup)
        .into_iter()
        .find(|(_, n)| *n == name)
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bpftools_words() {
        assert_eq!(prog_type(libbpf_sys::BPF_PROG_TYPE_XDP), Some("xdp"));
        assert_eq!(
            prog_type(libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER),
            Some("socket_filter")
        );
        assert_eq!(
            map_type(libbpf_sys::BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Some("array_of_maps")
        );
        assert_eq!(
            attach_type(libbpf_sys::BPF_CGROUP_INET_EGRESS),
            Some("cgroup_inet_egress")
        );
        assert_eq!(
            link_type(libbpf_sys::BPF_LINK_TYPE_PERF_EVENT),
            Some("perf_event")
        );
        assert_eq!(prog_type(9999), None);
        assert_eq!(link_type(u32::MAX), None);
    }

    #[test]
    fn tables_have_bpftool_names() {
        assert_eq!(prog_type(1), Some("socket_filter"));
        assert_eq!(map_type(1), Some("hash"));
        assert_eq!(attach_type(0), Some("cgroup_inet_ingress"));
        assert_eq!(link_type(0), Some("unspec"));
        assert_eq!(table(prog_type).first(), Some(&(0, "unspec")));
    }

    /// `static long (* const bpf_name)(...) = (void *) ID;` in libbpf's generated bpf_helper_defs.h.
    fn parse_helper_def(line: &str) -> Option<(u32, String)> {
        let line = line.strip_prefix("static ")?;
        let name_start = line.find("(* const ")? + "(* const ".len();
        let name_len = line[name_start..].find(')')?;
        let id = line.rsplit_once("(void *) ")?.1.strip_suffix(';')?;
        Some((
            id.trim().parse().ok()?,
            line[name_start..name_start + name_len].to_string(),
        ))
    }

    #[test]
    fn builtin_helpers_are_libbpfs() {
        let defs = libbpf_sys::API_HEADERS
            .iter()
            .find(|(name, _)| *name == "bpf_helper_defs.h")
            .map(|(_, text)| *text)
            .unwrap();
        let mut from_libbpf: Vec<(u32, String)> = vec![(0, "bpf_unspec".to_string())];
        from_libbpf.extend(defs.lines().filter_map(parse_helper_def));
        from_libbpf.sort_by_key(|(id, _)| *id);
        from_libbpf.dedup_by_key(|(id, _)| *id);
        assert_eq!(builtin_helpers(), from_libbpf);
    }

    #[test]
    fn builtin_helpers_have_libbpf_names() {
        let helpers = builtin_helpers();
        assert_eq!(helpers[0], (0, "bpf_unspec".to_string()));
        assert_eq!(helpers[1], (1, "bpf_map_lookup_elem".to_string()));
        assert!(helpers.iter().any(|(id, n)| *id == 181 && n == "bpf_loop"));
        assert!(helpers.len() > 200);
    }
}

/// A kernel enum value as bpftool prints it: libbpf's name, or the bare number when the name is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Known(&'static str),
    Unknown(u32),
}

impl Named {
    fn of(value: u32, lookup: fn(u32) -> Option<&'static str>) -> Named {
        lookup(value).map_or(Named::Unknown(value), Named::Known)
    }

    pub fn prog_type(value: u32) -> Named {
        Named::of(value, crate::sys::names::prog_type)
    }

    pub fn map_type(value: u32) -> Named {
        Named::of(value, crate::sys::names::map_type)
    }

    pub fn attach_type(value: u32) -> Named {
        Named::of(value, crate::sys::names::attach_type)
    }

    pub fn link_type(value: u32) -> Named {
        Named::of(value, crate::sys::names::link_type)
    }
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::Known(name) => f.write_str(name),
            Named::Unknown(value) => write!(f, "{value}"),
        }
    }
}

impl serde::Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Named::Known(name) => s.serialize_str(name),
            Named::Unknown(value) => s.serialize_u32(*value),
        }
    }
}

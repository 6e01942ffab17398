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
}

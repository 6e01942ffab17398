//! What the kernel says about one map, as an owned Rust struct.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{c_chars, get_info, zeroed};

#[derive(Debug, Clone, Default)]
pub struct MapInfo {
    pub id: u32,
    pub map_type: u32,
    /// The kernel's copy of the name: at most 15 bytes, cut without notice.
    pub name: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub ifindex: u32,
    pub netns_dev: u64,
    pub netns_ino: u64,
    /// 0 when the map was created without BTF.
    pub btf_id: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    /// struct_ops maps: the kernel's `bpf_struct_ops_<name>` value type in vmlinux BTF.
    pub btf_vmlinux_value_type_id: u32,
    /// struct_ops maps on 6.9+: the kernel BTF object holding that type (a module's, for a module's struct_ops).
    pub btf_vmlinux_id: u32,
}

pub fn map_info(fd: BorrowedFd<'_>) -> io::Result<MapInfo> {
    let mut raw: libbpf_sys::bpf_map_info = zeroed();
    // SAFETY: no pointer fields are set (the `hash` field stays 0, so the kernel computes and copies nothing).
    unsafe { get_info(fd, &mut raw)? };
    Ok(MapInfo {
        id: raw.id,
        map_type: raw.type_,
        name: c_chars(&raw.name),
        key_size: raw.key_size,
        value_size: raw.value_size,
        max_entries: raw.max_entries,
        flags: raw.map_flags,
        ifindex: raw.ifindex,
        netns_dev: raw.netns_dev,
        netns_ino: raw.netns_ino,
        btf_id: raw.btf_id,
        btf_key_type_id: raw.btf_key_type_id,
        btf_value_type_id: raw.btf_value_type_id,
        btf_vmlinux_value_type_id: raw.btf_vmlinux_value_type_id,
        btf_vmlinux_id: raw.btf_vmlinux_id,
    })
}

/// The kernel's `struct bpf_map_info` as raw bytes, `len` of them (the size of the running kernel's struct, from
/// its BTF, which may be larger than the one compiled in): for printing every field through BTF.
pub fn map_info_bytes(fd: BorrowedFd<'_>, len: usize) -> io::Result<Vec<u8>> {
    use std::os::fd::AsRawFd;
    let mut buf = vec![0u8; len];
    let mut got = len as u32;
    // SAFETY: buf is a live, zeroed buffer of `len` bytes; its pointer fields (`hash`) are 0, so the kernel only
    // copies the struct itself, at most `got` bytes.
    let rc = unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(fd.as_raw_fd(), buf.as_mut_ptr().cast(), &mut got)
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(buf)
}

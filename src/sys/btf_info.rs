//! What the kernel says about one BTF object, and its raw bytes.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{c_bytes, fd_by_id, get_info, zeroed, ObjKind};

/// Room for a BTF object's name; kernel and module names are short (MODULE_NAME_LEN is 56).
const NAME_CAPACITY: usize = 64;
/// First guess at the size of a program's BTF; most are a few KiB, vmlinux's is several MiB.
const DATA_FIRST_TRY: usize = 16 * 1024;

#[derive(Debug, Clone, Default)]
pub struct BtfInfo {
    pub id: u32,
    pub size: u32,
    /// "vmlinux" or a module's name for kernel BTF; empty for BTF a program or map brought.
    pub name: String,
    pub kernel: bool,
}

pub fn btf_info(fd: BorrowedFd<'_>) -> io::Result<BtfInfo> {
    let mut name = [0u8; NAME_CAPACITY];
    let mut raw: libbpf_sys::bpf_btf_info = zeroed();
    raw.name = name.as_mut_ptr() as u64;
    raw.name_len = NAME_CAPACITY as u32;
    // SAFETY: `name` is a live buffer of the declared length.
    match unsafe { get_info(fd, &mut raw) } {
        // Before 5.11 the kernel's bpf_btf_info ended at `id` and it refuses non-zero fields beyond that (the
        // name). Those kernels gave kernel BTF no id either, so every BTF object they list is a program's or a
        // map's: unnamed, not kernel BTF. bpftool 7.1 fails the whole listing there instead.
        Err(e) if e.raw_os_error() == Some(libc::E2BIG) => {
            raw = zeroed();
            // SAFETY: no pointers are set.
            unsafe { get_info(fd, &mut raw)? };
            name[0] = 0;
        }
        other => {
            other?;
        }
    }
    Ok(BtfInfo {
        id: raw.id,
        size: raw.btf_size,
        name: c_bytes(&name),
        kernel: raw.kernel_btf != 0,
    })
}

/// The raw BTF (header, types, strings) of the BTF object with this id.
pub fn btf_data_by_id(id: u32) -> io::Result<Vec<u8>> {
    let fd = fd_by_id(ObjKind::Btf, id)?;
    btf_data(std::os::fd::AsFd::as_fd(&fd))
}

/// The raw BTF of a BTF fd. The kernel copies min(buffer, size) and reports the full size, so one call suffices
/// unless the first guess was too small.
pub fn btf_data(fd: BorrowedFd<'_>) -> io::Result<Vec<u8>> {
    let mut capacity = DATA_FIRST_TRY;
    loop {
        let mut data = vec![0u8; capacity];
        let mut raw: libbpf_sys::bpf_btf_info = zeroed();
        raw.btf = data.as_mut_ptr() as u64;
        raw.btf_size = capacity as u32;
        // SAFETY: `data` is a live buffer of the declared size.
        unsafe { get_info(fd, &mut raw)? };
        let size = raw.btf_size as usize;
        if size > capacity {
            capacity = size;
            continue;
        }
        data.truncate(size);
        return Ok(data);
    }
}

//! The raw bytes of a BTF object loaded in the kernel, by id (BPF_BTF_GET_FD_BY_ID + BPF_OBJ_GET_INFO_BY_FD).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::error::{Error, Result};

/// A kernel BTF object's data and identity.
pub struct KernelBtf {
    pub data: Vec<u8>,
    pub name: String,
    /// vmlinux or a module's BTF (rather than a program's).
    pub kernel: bool,
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn info(
    fd: &OwnedFd,
    data: &mut [u8],
    name: &mut [u8],
) -> std::result::Result<libbpf_sys::bpf_btf_info, i32> {
    let mut info = libbpf_sys::bpf_btf_info {
        btf: data.as_mut_ptr() as u64,
        btf_size: data.len() as u32,
        id: 0,
        name: name.as_mut_ptr() as u64,
        name_len: name.len() as u32,
        kernel_btf: 0,
    };
    let mut len = std::mem::size_of::<libbpf_sys::bpf_btf_info>() as u32;
    // SAFETY: info points at buffers that outlive the call, with their true lengths.
    let rc = unsafe { libbpf_sys::bpf_btf_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) };
    if rc < 0 {
        return Err(last_errno());
    }
    Ok(info)
}

pub fn btf_by_id(id: u32) -> Result<KernelBtf> {
    let object = format!("btf id {id}");
    // SAFETY: plain syscall wrapper; a non-negative result is a new fd we own.
    let fd = unsafe { libbpf_sys::bpf_btf_get_fd_by_id(id) };
    if fd < 0 {
        let errno = last_errno();
        if errno == libc::ENOENT {
            return Err(Error::new(
                crate::error::ErrorKind::NotFound,
                object,
                "no such BTF object",
            ));
        }
        return Err(Error::from_errno(object, errno, "cannot open")
            .needing(&[crate::error::Capability::SysAdmin]));
    }
    // SAFETY: fd was just returned to us and is owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut name = [0u8; 64];
    let size = info(&fd, &mut [], &mut name)
        .map_err(|e| Error::from_errno(&object, e, "cannot read info"))?
        .btf_size;
    let mut data = vec![0u8; size as usize];
    let got = info(&fd, &mut data, &mut name)
        .map_err(|e| Error::from_errno(&object, e, "cannot read data"))?;
    data.truncate(got.btf_size.min(size) as usize);
    let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
    Ok(KernelBtf {
        data,
        name: String::from_utf8_lossy(&name[..end]).into_owned(),
        kernel: got.kernel_btf != 0,
    })
}

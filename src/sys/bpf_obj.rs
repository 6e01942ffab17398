//! BPF objects by id and by pin: id iteration (BPF_*_GET_NEXT_ID), an owned fd by id, the object behind a pinned
//! path, and the one generic BPF_OBJ_GET_INFO_BY_FD call every `*_info` module builds on. Everything here returns
//! `io::Error` with the kernel's errno so callers can tell "vanished" (ENOENT) from "not allowed" (EPERM).

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

/// The four kinds of kernel BPF object that have ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjKind {
    Prog,
    Map,
    Link,
    Btf,
}

impl ObjKind {
    /// The word an operator reads in an error: "no such program".
    pub fn noun(self) -> &'static str {
        match self {
            ObjKind::Prog => "program",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
            ObjKind::Btf => "BTF object",
        }
    }

    /// The word bpftool uses in `incorrect object type: map`.
    pub fn short(self) -> &'static str {
        match self {
            ObjKind::Prog => "prog",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
            ObjKind::Btf => "btf",
        }
    }

    /// The anon-inode names the kernel gives this kind's fds, as /proc/PID/fd/N reads them. A link's fd is
    /// `bpf_link` when the attaching call made it (bpf_link_prime) and `bpf-link` when it came from an id or a
    /// pin (bpf_link_new_fd); both are links.
    fn anon_inodes(self) -> &'static [&'static str] {
        match self {
            ObjKind::Prog => &["anon_inode:bpf-prog"],
            ObjKind::Map => &["anon_inode:bpf-map"],
            ObjKind::Link => &["anon_inode:bpf_link", "anon_inode:bpf-link"],
            ObjKind::Btf => &["anon_inode:btf"],
        }
    }

    /// The kind an fd's /proc link target names, if it is a BPF object.
    pub fn from_fd_target(target: &[u8]) -> Option<ObjKind> {
        [ObjKind::Prog, ObjKind::Map, ObjKind::Link, ObjKind::Btf]
            .into_iter()
            .find(|k| k.anon_inodes().iter().any(|n| target == n.as_bytes()))
    }
}

fn last_errno() -> io::Error {
    io::Error::last_os_error()
}

/// libbpf ≥ 1.0 returns `-errno` and also sets errno; read errno so both conventions work.
fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        let err = last_errno();
        if err.raw_os_error().unwrap_or(0) == 0 {
            return Err(io::Error::from_raw_os_error(-rc));
        }
        return Err(err);
    }
    Ok(rc)
}

/// The id after `start` (0 = the first), or None at the end of the list.
pub fn next_id(kind: ObjKind, start: u32) -> io::Result<Option<u32>> {
    let mut next = 0u32;
    // SAFETY: `next` is a valid u32 to write; the call has no other pointer arguments.
    let rc = unsafe {
        match kind {
            ObjKind::Prog => libbpf_sys::bpf_prog_get_next_id(start, &mut next),
            ObjKind::Map => libbpf_sys::bpf_map_get_next_id(start, &mut next),
            ObjKind::Link => libbpf_sys::bpf_link_get_next_id(start, &mut next),
            ObjKind::Btf => libbpf_sys::bpf_btf_get_next_id(start, &mut next),
        }
    };
    match check(rc) {
        Ok(_) => Ok(Some(next)),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every id of `kind`, ascending, as the kernel hands them out at the moment each is asked for.
pub fn ids(kind: ObjKind) -> io::Result<Vec<u32>> {
    let mut ids = Vec::new();
    let mut cursor = 0;
    while let Some(id) = next_id(kind, cursor)? {
        ids.push(id);
        cursor = id;
    }
    Ok(ids)
}

/// An fd for the object with this id; ENOENT when there is none (or it just went away).
pub fn fd_by_id(kind: ObjKind, id: u32) -> io::Result<OwnedFd> {
    // SAFETY: plain integer argument; the returned fd is checked before it is owned.
    let rc = unsafe {
        match kind {
            ObjKind::Prog => libbpf_sys::bpf_prog_get_fd_by_id(id),
            ObjKind::Map => libbpf_sys::bpf_map_get_fd_by_id(id),
            ObjKind::Link => libbpf_sys::bpf_link_get_fd_by_id(id),
            ObjKind::Btf => libbpf_sys::bpf_btf_get_fd_by_id(id),
        }
    };
    let fd = check(rc)?;
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The object pinned at `path` (BPF_OBJ_GET).
pub fn obj_get(path: &Path) -> io::Result<OwnedFd> {
    let c_path = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: c_path is a valid NUL-terminated string for the duration of the call.
    let fd = check(unsafe { libbpf_sys::bpf_obj_get(c_path.as_ptr()) })?;
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The kind of BPF object an fd of ours refers to, read from /proc/self/fd (as bpftool does).
pub fn kind_of_fd(fd: BorrowedFd<'_>) -> Option<ObjKind> {
    let target = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok()?;
    ObjKind::from_fd_target(target.as_os_str().as_encoded_bytes())
}

/// Plain-old-data info structs the kernel fills. Implemented only for the bindgen structs of `bpf_*_info`, which
/// are integers and arrays of integers, so the all-zero bit pattern is a valid value.
///
/// # Safety
/// Implementors must be `repr(C)` and valid when zeroed.
pub unsafe trait InfoStruct: Copy {}

// SAFETY: all four are repr(C) bindgen structs/unions of integers.
unsafe impl InfoStruct for libbpf_sys::bpf_prog_info {}
unsafe impl InfoStruct for libbpf_sys::bpf_map_info {}
unsafe impl InfoStruct for libbpf_sys::bpf_link_info {}
unsafe impl InfoStruct for libbpf_sys::bpf_btf_info {}

/// A zeroed info struct. Every query starts from one: the kernel only writes the fields it knows, so a reused
/// struct would carry the previous object's values into this one (bpftool's btf_id leak in `map show`).
pub fn zeroed<T: InfoStruct>() -> T {
    // SAFETY: InfoStruct guarantees the all-zero pattern is valid.
    unsafe { std::mem::zeroed() }
}

/// BPF_OBJ_GET_INFO_BY_FD into `info`, whose pointer fields (if any) the caller has aimed at live buffers of the
/// sizes it declared in the matching length fields. Returns the length the kernel filled.
///
/// # Safety
/// Every pointer stored inside `info` must be valid for writes of the length declared next to it.
pub unsafe fn get_info<T: InfoStruct>(fd: BorrowedFd<'_>, info: &mut T) -> io::Result<u32> {
    get_info_len(fd, info, std::mem::size_of::<T>() as u32)
}

/// As `get_info`, asking the kernel for only the first `len` bytes (`len` ≤ size of T).
///
/// # Safety
/// As `get_info`.
pub unsafe fn get_info_len<T: InfoStruct>(
    fd: BorrowedFd<'_>,
    info: &mut T,
    len: u32,
) -> io::Result<u32> {
    let mut len = len.min(std::mem::size_of::<T>() as u32);
    check(libbpf_sys::bpf_obj_get_info_by_fd(
        fd.as_raw_fd(),
        (info as *mut T).cast(),
        &mut len,
    ))?;
    Ok(len)
}

/// The id of the object behind `fd`, whatever its kind: `type` and `id` are the first two u32 of every info
/// struct except BTF's, so 8 bytes of a map-info-sized query suffice and the kernel copies nothing else.
pub fn id_of_fd(fd: BorrowedFd<'_>, kind: ObjKind) -> io::Result<u32> {
    if kind == ObjKind::Btf {
        let mut info: libbpf_sys::bpf_btf_info = zeroed();
        // SAFETY: no pointer fields are set.
        unsafe { get_info(fd, &mut info)? };
        return Ok(info.id);
    }
    let mut info: libbpf_sys::bpf_map_info = zeroed();
    // SAFETY: no pointer fields are set; only `type` and `id` are asked for.
    unsafe { get_info_len(fd, &mut info, 8)? };
    Ok(info.id)
}

/// The length the kernel fills of `fd`'s info struct, and the object's id: one BPF_OBJ_GET_INFO_BY_FD with a
/// zeroed buffer larger than any kind's struct, so the kernel reports its own struct's size (it copies
/// min(ours, its own) and checks that the rest of ours is zero). Programs, maps and links keep `id` in the second
/// u32; a BTF object's info is not laid out so, but BTF cannot be pinned or held as such here.
pub fn info_len_and_id(fd: BorrowedFd<'_>) -> io::Result<(u32, u32)> {
    // 512 bytes: twice bpf_prog_info, the largest so far (232 bytes in 6.18). u32s, as `type` and `id` are.
    let mut buf = [0u32; 128];
    let mut len = std::mem::size_of_val(&buf) as u32;
    // SAFETY: buf is valid for `len` bytes of writes, and all-zero, so the kernel follows no pointer in it.
    check(unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(fd.as_raw_fd(), buf.as_mut_ptr().cast(), &mut len)
    })?;
    Ok((len, buf[1]))
}

/// Tells programs, maps and links apart by the size of their info structs on this kernel, learnt from one
/// live object of each kind: the size differs by kernel (bpf_map_info gained map_extra in 5.16), and nothing
/// promises that two kinds' sizes never meet, so a size shared by two kinds, or seen for no kind, decides
/// nothing and the caller asks /proc instead. A kind with no object when this was made has no size; an object
/// of it created afterwards is told by /proc too, unless its size is another kind's.
#[derive(Debug, Default)]
pub struct KindsByInfoLen {
    sizes: Vec<(ObjKind, u32)>,
}

impl KindsByInfoLen {
    pub fn learn() -> KindsByInfoLen {
        let sizes = [ObjKind::Prog, ObjKind::Map, ObjKind::Link]
            .into_iter()
            .filter_map(|kind| {
                let id = next_id(kind, 0).ok()??;
                let fd = fd_by_id(kind, id).ok()?;
                Some((kind, info_len_and_id(fd.as_fd()).ok()?.0))
            })
            .collect();
        KindsByInfoLen { sizes }
    }

    /// The one kind whose info struct is `len` bytes, if exactly one is.
    pub fn kind_of(&self, len: u32) -> Option<ObjKind> {
        let mut kinds = self.sizes.iter().filter(|(_, size)| *size == len);
        match (kinds.next(), kinds.next()) {
            (Some((kind, _)), None) => Some(*kind),
            _ => None,
        }
    }
}

/// One element of a map, looked up by key; `value_size` must be the map's (per-CPU maps are not supported here).
pub fn map_lookup(fd: BorrowedFd<'_>, key: &[u8], value_size: usize) -> io::Result<Vec<u8>> {
    let mut value = vec![0u8; value_size];
    // SAFETY: key and value are live buffers of the map's key and value sizes, as the caller promised.
    check(unsafe {
        libbpf_sys::bpf_map_lookup_elem(
            fd.as_raw_fd(),
            key.as_ptr().cast(),
            value.as_mut_ptr().cast(),
        )
    })?;
    Ok(value)
}

/// A NUL-terminated byte array from an info struct as a String.
pub fn c_chars(raw: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c.to_ne_bytes()[0]) // c_char is i8 on x86_64, u8 on aarch64
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A NUL-terminated byte buffer filled by the kernel as a String.
pub fn c_bytes(raw: &[u8]) -> String {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_info_size_decides_a_kind_only_when_one_kind_has_it() {
        let sizes = KindsByInfoLen {
            sizes: vec![
                (ObjKind::Prog, 232),
                (ObjKind::Map, 96),
                (ObjKind::Link, 96),
            ],
        };
        assert_eq!(sizes.kind_of(232), Some(ObjKind::Prog));
        // Two kinds of one size, or a size no kind had: /proc has to say.
        assert_eq!(sizes.kind_of(96), None);
        assert_eq!(sizes.kind_of(64), None);
        assert_eq!(KindsByInfoLen::default().kind_of(232), None);
    }

    #[test]
    fn fd_targets_map_to_kinds() {
        assert_eq!(
            ObjKind::from_fd_target(b"anon_inode:bpf-prog"),
            Some(ObjKind::Prog)
        );
        assert_eq!(
            ObjKind::from_fd_target(b"anon_inode:bpf_link"),
            Some(ObjKind::Link)
        );
        assert_eq!(
            ObjKind::from_fd_target(b"anon_inode:bpf-link"),
            Some(ObjKind::Link)
        );
        assert_eq!(ObjKind::from_fd_target(b"anon_inode:[eventfd]"), None);
        assert_eq!(ObjKind::from_fd_target(b"/dev/null"), None);
    }

    #[test]
    fn c_strings_stop_at_nul() {
        assert_eq!(c_bytes(b"abc\0def"), "abc");
        assert_eq!(c_bytes(b"abc"), "abc");
    }
}

//! Element operations on a map fd: lookup, update, delete, next key, and the batched lookup that makes big dumps
//! cheap. Every call returns `io::Error` carrying the kernel's errno; "no such element" (ENOENT) is a normal
//! answer for lookups and is returned as `Ok(false)`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use libbpf_sys as sys;

/// libbpf ≥ 1.0 returns `-errno` and also sets errno.
fn result(rc: libc::c_int) -> io::Result<()> {
    if rc >= 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(-rc))
    }
}

fn found(rc: libc::c_int) -> io::Result<bool> {
    match result(rc) {
        Ok(()) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Optional key pointer: queues and stacks take NULL.
fn key_ptr(key: Option<&[u8]>) -> *const libc::c_void {
    key.map_or(std::ptr::null(), |k| k.as_ptr().cast())
}

/// Looks `key` up into `value` (which must be the map's full value length, per-CPU included).
pub fn lookup(fd: BorrowedFd<'_>, key: Option<&[u8]>, value: &mut [u8]) -> io::Result<bool> {
    // SAFETY: key (if any) and value are live buffers of the sizes the caller sized from the map's info.
    found(unsafe {
        sys::bpf_map_lookup_elem_flags(fd.as_raw_fd(), key_ptr(key), value.as_mut_ptr().cast(), 0)
    })
}

/// BPF_ANY, BPF_NOEXIST or BPF_EXIST.
pub fn update(fd: BorrowedFd<'_>, key: Option<&[u8]>, value: &[u8], flags: u64) -> io::Result<()> {
    // SAFETY: buffers are live and sized by the caller from the map's info.
    result(unsafe {
        sys::bpf_map_update_elem(fd.as_raw_fd(), key_ptr(key), value.as_ptr().cast(), flags)
    })
}

pub fn delete(fd: BorrowedFd<'_>, key: &[u8]) -> io::Result<bool> {
    // SAFETY: key is a live buffer of the map's key size.
    found(unsafe { sys::bpf_map_delete_elem(fd.as_raw_fd(), key.as_ptr().cast()) })
}

/// Pops an element (queue/stack), i.e. BPF_MAP_LOOKUP_AND_DELETE_ELEM with no key.
pub fn pop(fd: BorrowedFd<'_>, value: &mut [u8]) -> io::Result<bool> {
    // SAFETY: value is a live buffer of the map's value size; queues take a NULL key.
    found(unsafe {
        sys::bpf_map_lookup_and_delete_elem(
            fd.as_raw_fd(),
            std::ptr::null(),
            value.as_mut_ptr().cast(),
        )
    })
}

/// The key after `key` (None: the first key) into `next`; Ok(false) at the end.
pub fn next_key(fd: BorrowedFd<'_>, key: Option<&[u8]>, next: &mut [u8]) -> io::Result<bool> {
    // SAFETY: next is a live buffer of the map's key size; key (if any) likewise.
    found(unsafe {
        sys::bpf_map_get_next_key(fd.as_raw_fd(), key_ptr(key), next.as_mut_ptr().cast())
    })
}

pub fn freeze(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: plain fd argument.
    result(unsafe { sys::bpf_map_freeze(fd.as_raw_fd()) })
}

/// Number of possible CPUs: the stride of per-CPU values.
pub fn possible_cpus() -> io::Result<usize> {
    // SAFETY: no arguments; libbpf caches /sys/devices/system/cpu/possible.
    let n = unsafe { sys::libbpf_num_possible_cpus() };
    if n > 0 {
        Ok(n as usize)
    } else {
        Err(io::Error::from_raw_os_error(-n))
    }
}

/// One BPF_MAP_LOOKUP_BATCH step: fills `keys`/`values` with up to `capacity` entries and reports how many, and
/// whether the map is exhausted. `token` carries the kernel's opaque position between calls.
pub struct BatchCursor {
    token: Vec<u8>,
    started: bool,
}

pub struct BatchStep {
    pub count: usize,
    pub done: bool,
}

impl BatchCursor {
    pub fn new(key_size: usize) -> Self {
        // Hash maps use a u32 bucket index as the token, arrays the key; the larger of the two always fits.
        BatchCursor {
            token: vec![0; key_size.max(8)],
            started: false,
        }
    }

    pub fn step(
        &mut self,
        fd: BorrowedFd<'_>,
        keys: &mut [u8],
        values: &mut [u8],
        capacity: usize,
    ) -> io::Result<BatchStep> {
        let opts = sys::bpf_map_batch_opts {
            sz: std::mem::size_of::<sys::bpf_map_batch_opts>() as _,
            ..Default::default()
        };
        let mut count = capacity as u32;
        let in_batch = if self.started {
            self.token.as_mut_ptr().cast()
        } else {
            std::ptr::null_mut()
        };
        let mut out_token = vec![0u8; self.token.len()];
        // SAFETY: keys/values hold `capacity` entries (checked by the caller's sizing), tokens are key-sized.
        let rc = unsafe {
            sys::bpf_map_lookup_batch(
                fd.as_raw_fd(),
                in_batch,
                out_token.as_mut_ptr().cast(),
                keys.as_mut_ptr().cast(),
                values.as_mut_ptr().cast(),
                &mut count,
                &opts,
            )
        };
        self.started = true;
        self.token = out_token;
        match result(rc) {
            Ok(()) => Ok(BatchStep {
                count: count as usize,
                done: false,
            }),
            // ENOENT: the walk is over; `count` still holds the last entries.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(BatchStep {
                count: count as usize,
                done: true,
            }),
            Err(e) => Err(e),
        }
    }
}

/// BPF_F_RDONLY: an fd that can read but not write. Dumps use it so that maps whose write side is closed to user
/// space (or owned by a read-only pin) still dump.
const BPF_F_RDONLY: u32 = 1 << 3;

fn owned_fd(rc: libc::c_int) -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    if rc < 0 {
        return Err(io::Error::from_raw_os_error(-rc));
    }
    // SAFETY: libbpf returned a fresh fd that nothing else owns.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(rc) })
}

/// An fd for the map with this id; `read_only` asks the kernel for a read-only fd.
pub fn map_fd_by_id(id: u32, read_only: bool) -> io::Result<std::os::fd::OwnedFd> {
    let opts = sys::bpf_get_fd_by_id_opts {
        sz: std::mem::size_of::<sys::bpf_get_fd_by_id_opts>() as _,
        open_flags: if read_only { BPF_F_RDONLY } else { 0 },
        ..Default::default()
    };
    // SAFETY: opts is a valid, sized options struct.
    owned_fd(unsafe { sys::bpf_map_get_fd_by_id_opts(id, &opts) })
}

/// An fd for the object pinned at `path`; `read_only` asks for a read-only fd.
pub fn pinned_fd(path: &std::path::Path, read_only: bool) -> io::Result<std::os::fd::OwnedFd> {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let opts = sys::bpf_obj_get_opts {
        sz: std::mem::size_of::<sys::bpf_obj_get_opts>() as _,
        file_flags: if read_only { BPF_F_RDONLY } else { 0 },
        ..Default::default()
    };
    // SAFETY: c_path is NUL-terminated; opts is a valid, sized options struct.
    owned_fd(unsafe { sys::bpf_obj_get_opts(c_path.as_ptr(), &opts) })
}

/// Parameters of BPF_MAP_CREATE that `map create` exposes.
pub struct NewMap<'a> {
    pub map_type: u32,
    pub name: &'a str,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub inner_map: Option<BorrowedFd<'a>>,
    /// An offload device's ifindex (bpftool's `offload_dev`); 0 for a map on the host.
    pub ifindex: u32,
}

pub fn create_map(spec: &NewMap<'_>) -> io::Result<std::os::fd::OwnedFd> {
    let name = std::ffi::CString::new(spec.name)
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let opts = sys::bpf_map_create_opts {
        sz: std::mem::size_of::<sys::bpf_map_create_opts>() as _,
        map_flags: spec.flags,
        inner_map_fd: spec.inner_map.map_or(0, |fd| fd.as_raw_fd() as u32),
        map_ifindex: spec.ifindex,
        ..Default::default()
    };
    // SAFETY: name is NUL-terminated and opts is a valid, sized options struct.
    owned_fd(unsafe {
        sys::bpf_map_create(
            spec.map_type,
            name.as_ptr(),
            spec.key_size,
            spec.value_size,
            spec.max_entries,
            &opts,
        )
    })
}

/// Pins any BPF object fd at `path` on bpffs.
pub fn pin(fd: BorrowedFd<'_>, path: &std::path::Path) -> io::Result<()> {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: c_path is NUL-terminated.
    result(unsafe { sys::bpf_obj_pin(fd.as_raw_fd(), c_path.as_ptr()) })
}

/// BPF_MAP_UPDATE_BATCH of `count` packed keys and values; returns how many were written before any error.
pub fn update_batch(
    fd: BorrowedFd<'_>,
    keys: &[u8],
    values: &[u8],
    count: usize,
    flags: u64,
) -> (usize, io::Result<()>) {
    let opts = sys::bpf_map_batch_opts {
        sz: std::mem::size_of::<sys::bpf_map_batch_opts>() as _,
        elem_flags: flags,
        ..Default::default()
    };
    let mut done = count as u32;
    // SAFETY: keys and values hold `count` packed entries each, as the caller sized them.
    let rc = unsafe {
        sys::bpf_map_update_batch(
            fd.as_raw_fd(),
            keys.as_ptr().cast(),
            values.as_ptr().cast(),
            &mut done,
            &opts,
        )
    };
    (done as usize, result(rc))
}

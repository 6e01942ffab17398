//! Lookups relative to an open directory (readlinkat, openat, BPF_OBJ_GET with path_fd). Walking thousands of
//! /proc/PID/fd or bpffs entries by absolute path makes the kernel resolve every component again for each one;
//! relative to a directory fd it resolves one name. With 1,000 pinned and held objects this halves the cost
//! of the `pinned` and `pids` walks.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

/// An open directory to look names up in.
pub struct Dir {
    fd: OwnedFd,
    /// procfs and bpffs fill a getdents64 buffer until it is full or the directory is at its end, so a read
    /// that leaves room for another record is the last one: the empty read that would confirm it is skipped
    /// (one syscall per directory, a few hundred per `show`). Not true of every filesystem, hence opt-in.
    short_read_is_end: bool,
}

/// More than the largest record procfs or bpffs writes for the names walked here (fd numbers, pids, pin names
/// up to 255 bytes): 19 header bytes, the name, its NUL, alignment.
const MAX_RECORD: usize = 19 + 256 + 8;

/// The getdents64 buffer: a few hundred fd or pid records per read.
const DIR_BUF: usize = 8192;

/// Visits the linux_dirent64 records in `records` (u64 d_ino, i64 d_off, u16 d_reclen, u8 d_type, NUL-terminated
/// d_name), skipping `.` and `..`; false once `visit` asked to stop.
fn each_record(mut records: &[u8], visit: &mut impl FnMut(&[u8], u8) -> bool) -> bool {
    while records.len() >= 19 {
        let reclen = u16::from_ne_bytes([records[16], records[17]]) as usize;
        if reclen < 19 || reclen > records.len() {
            break;
        }
        let d_type = records[18];
        let raw = &records[19..reclen];
        let name = &raw[..raw.iter().position(|&b| b == 0).unwrap_or(raw.len())];
        if name != b"." && name != b".." && !visit(name, d_type) {
            return false;
        }
        records = &records[reclen..];
    }
    true
}

fn c_name(name: &[u8]) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// Calls `f` with `name` NUL-terminated. Names looked up in a directory are short (fd numbers, pin names), so
/// they are terminated in a stack buffer: the walks make one lookup per fd or pin on the box, and a heap
/// allocation for each was a measurable share of `map show` with thousands of objects.
fn with_c_name<T>(name: &[u8], f: impl FnOnce(*const libc::c_char) -> T) -> io::Result<T> {
    if name.contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut buf = [0u8; 256];
    if name.len() < buf.len() {
        buf[..name.len()].copy_from_slice(name);
        return Ok(f(buf.as_ptr().cast()));
    }
    let c = c_name(name)?;
    Ok(f(c.as_ptr()))
}

/// Directory `name`, relative to `dir_fd` (AT_FDCWD: the working directory, or absolute).
fn open_at(dir_fd: libc::c_int, name: &[u8], short_read_is_end: bool) -> io::Result<Dir> {
    // openat, not open: musl's open() follows O_CLOEXEC with a redundant fcntl, one syscall per directory.
    // SAFETY: the name is NUL-terminated; the returned fd is checked before it is owned.
    let fd = with_c_name(name, |c| unsafe {
        libc::openat(
            dir_fd,
            c,
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    })?;
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: openat just returned this fd and nothing else owns it.
    Ok(Dir {
        fd: unsafe { OwnedFd::from_raw_fd(fd) },
        short_read_is_end,
    })
}

/// File `name` relative to `dir_fd`, opened for reading.
fn open_file_at(dir_fd: libc::c_int, name: &[u8]) -> io::Result<std::fs::File> {
    // SAFETY: the name is NUL-terminated; the returned fd is checked before it is owned.
    let fd = with_c_name(name, |c| unsafe {
        libc::openat(dir_fd, c, libc::O_RDONLY | libc::O_CLOEXEC)
    })?;
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: openat just returned this fd and nothing else owns it.
    Ok(unsafe { std::fs::File::from_raw_fd(fd) })
}

/// File `path` opened for reading, as std's File::open but without the fcntl musl's open() adds for
/// O_CLOEXEC (see `open_at`).
pub fn open_file(path: &Path) -> io::Result<std::fs::File> {
    open_file_at(libc::AT_FDCWD, path.as_os_str().as_encoded_bytes())
}

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        open_at(libc::AT_FDCWD, path.as_os_str().as_encoded_bytes(), false)
    }

    /// Directory `name` below this one (a relative openat: the kernel resolves one or two names, not the path).
    pub fn open_dir(&self, name: &[u8]) -> io::Result<Dir> {
        open_at(self.fd.as_raw_fd(), name, self.short_read_is_end)
    }

    /// Marks this directory (and those opened below it) as one of procfs or bpffs: see `short_read_is_end`.
    pub fn in_memory_fs(mut self) -> Dir {
        self.short_read_is_end = true;
        self
    }

    /// st_size of entry `name` (followed if a link). For /proc/PID/fd it is the number of open fds on Linux
    /// 6.2 and later, 0 before.
    pub fn size_of(&self, name: &[u8]) -> io::Result<i64> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: the name is NUL-terminated and st is writable; it is read only when the call succeeded.
        let rc = with_c_name(name, |c| unsafe {
            libc::fstatat(self.fd.as_raw_fd(), c, st.as_mut_ptr(), 0)
        })?;
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fstatat succeeded and filled st.
        Ok(unsafe { st.assume_init() }.st_size)
    }

    /// Calls `visit(name, d_type)` for every entry but `.` and `..`, reading with getdents64 into `buf` (reused
    /// between directories). std's read_dir would open the directory a second time and, under musl, allocate
    /// and free a 2 KiB DIR per directory: with a few hundred /proc/PID/fd directories per `show`, that
    /// malloc churn cost more than the reading. Call once per Dir: the read position is not rewound.
    pub fn for_each_entry(
        &self,
        buf: &mut Vec<u8>,
        mut visit: impl FnMut(&[u8], u8),
    ) -> io::Result<()> {
        self.entries_while(buf, DIR_BUF, |name, d_type| {
            visit(name, d_type);
            true
        })
    }

    /// Like `for_each_entry`, but stops reading once `visit` returns false, and asks for at most `first_read`
    /// bytes of records the first time. procfs builds a dentry for every fd it lists, so listing all 273 fds
    /// of a process whose fds turn out unreadable at the first readlink cost 130 µs, a tenth of a `map show`.
    pub fn entries_while(
        &self,
        buf: &mut Vec<u8>,
        first_read: usize,
        mut visit: impl FnMut(&[u8], u8) -> bool,
    ) -> io::Result<()> {
        if buf.len() < DIR_BUF {
            buf.resize(DIR_BUF, 0);
        }
        let mut want = first_read.clamp(MAX_RECORD, DIR_BUF);
        loop {
            // SAFETY: buf is writable for `want` <= its length; the kernel writes whole linux_dirent64 records.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_getdents64,
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr(),
                    want,
                )
            };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            if n == 0 || !each_record(&buf[..n as usize], &mut visit) {
                return Ok(());
            }
            if self.short_read_is_end && (n as usize) + MAX_RECORD <= want {
                return Ok(());
            }
            want = DIR_BUF;
        }
    }

    /// The target of symlink `name` in this directory, into `buf`; a target longer than `buf` comes back cut
    /// (callers compare it with short known names, so a cut long target never matches).
    pub fn readlink<'b>(&self, name: &[u8], buf: &'b mut [u8]) -> io::Result<&'b [u8]> {
        // SAFETY: the name is NUL-terminated and buf is writable for its length.
        let n = with_c_name(name, |c| unsafe {
            libc::readlinkat(self.fd.as_raw_fd(), c, buf.as_mut_ptr().cast(), buf.len())
        })?;
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(&buf[..n as usize])
    }

    /// Opens file `name` in this directory for reading.
    pub fn open_file(&self, name: &[u8]) -> io::Result<std::fs::File> {
        open_file_at(self.fd.as_raw_fd(), name)
    }

    /// BPF_OBJ_GET of the object pinned as `name` in this (bpffs) directory. Kernels before 6.5 do not take a
    /// directory fd (EINVAL); the caller then falls back to the absolute path.
    pub fn obj_get(&self, name: &[u8]) -> io::Result<OwnedFd> {
        let opts = libbpf_sys::bpf_obj_get_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_obj_get_opts>() as libbpf_sys::size_t,
            file_flags: libbpf_sys::BPF_F_PATH_FD,
            path_fd: self.fd.as_raw_fd(),
        };
        // SAFETY: the name and opts are valid for the call; the returned fd is checked before it is owned.
        let fd = with_c_name(name, |c| unsafe { libbpf_sys::bpf_obj_get_opts(c, &opts) })?;
        if fd < 0 {
            let err = io::Error::last_os_error();
            return Err(match err.raw_os_error() {
                Some(0) | None => io::Error::from_raw_os_error(-fd),
                _ => err,
            });
        }
        // SAFETY: the kernel just returned this fd and nothing else owns it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This process's fd directory with `extra` more fds open than it has now, and the fds themselves.
    fn own_fds_with(extra: usize) -> (Dir, Vec<std::fs::File>) {
        let files = (0..extra)
            .map(|_| std::fs::File::open("/proc/self/stat").unwrap())
            .collect();
        (
            Dir::open(Path::new("/proc/self/fd"))
                .unwrap()
                .in_memory_fs(),
            files,
        )
    }

    #[test]
    fn a_small_first_read_still_lists_every_entry() {
        let (dir, files) = own_fds_with(100);
        let mut names = Vec::new();
        let mut buf = Vec::new();
        dir.entries_while(&mut buf, 512, |name, _| {
            names.push(name.to_vec());
            true
        })
        .unwrap();
        // 100 opened here, the directory's own fd, stdin/out/err and whatever the test harness holds.
        assert!(names.len() > files.len(), "{} entries", names.len());
        names.sort();
        names.dedup();
        assert!(names.len() > files.len(), "duplicates across reads");
    }

    #[test]
    fn a_walk_told_to_stop_reads_no_further() {
        let (dir, _files) = own_fds_with(400);
        let (mut visited, mut buf) = (0, Vec::new());
        dir.entries_while(&mut buf, 512, |_, _| {
            visited += 1;
            false
        })
        .unwrap();
        assert_eq!(visited, 1);
        // The next read starts after the first one: ~20 records were asked for, not the ~340 of a full buffer.
        let mut rest = 0;
        dir.for_each_entry(&mut buf, |_, _| rest += 1).unwrap();
        assert!(rest > 300, "{rest} entries after the first read");
    }
}

//! Pseudo file systems BPF work needs: bpffs for pins, tracefs for tracepoints. Like bpftool, ebpfctl mounts them
//! at their usual places when they are missing.

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, ErrorKind, Result};

pub const BPFFS_PATH: &str = "/sys/fs/bpf";
pub const TRACEFS_PATH: &str = "/sys/kernel/tracing";

const BPF_FS_MAGIC: i64 = 0xcafe4a11;
const TRACEFS_MAGIC: i64 = 0x74726163;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PseudoFs {
    Bpf,
    Trace,
}

impl PseudoFs {
    fn fstype(self) -> &'static str {
        match self {
            PseudoFs::Bpf => "bpf",
            PseudoFs::Trace => "tracefs",
        }
    }

    fn magic(self) -> i64 {
        match self {
            PseudoFs::Bpf => BPF_FS_MAGIC,
            PseudoFs::Trace => TRACEFS_MAGIC,
        }
    }

    pub fn default_path(self) -> &'static str {
        match self {
            PseudoFs::Bpf => BPFFS_PATH,
            PseudoFs::Trace => TRACEFS_PATH,
        }
    }
}

/// What `ensure_mounted` found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountState {
    AlreadyMounted,
    MountedNow,
}

/// The statfs magic of the file system holding `path`.
pub fn fs_magic(path: &Path) -> std::io::Result<i64> {
    let c_path = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut buf = std::mem::MaybeUninit::<libc::statfs>::zeroed();
    // SAFETY: c_path is NUL-terminated and buf is large enough for struct statfs.
    let rc = unsafe { libc::statfs(c_path.as_ptr(), buf.as_mut_ptr()) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: statfs returned 0, so it filled buf.
    let f_type = unsafe { buf.assume_init() }.f_type;
    // f_type is a signed long on glibc and an unsigned long on musl: the cast is a no-op on one of them.
    #[allow(clippy::unnecessary_cast)]
    Ok(f_type as i64)
}

pub fn is_mounted(fs: PseudoFs, path: &Path) -> bool {
    on_fs(fs, path).unwrap_or(false)
}

/// Whether `path` is on `fs`; a path statfs cannot follow (a symlink loop, a name too long) is that error.
pub fn on_fs(fs: PseudoFs, path: &Path) -> std::io::Result<bool> {
    Ok(fs_magic(path)? == fs.magic())
}

/// -n/--nomount: set once at start-up, read wherever a mount would happen.
static MOUNTING_FORBIDDEN: AtomicBool = AtomicBool::new(false);

/// From now on `ensure_mounted` fails instead of mounting (bpftool's -n/--nomount).
pub fn forbid_mounting() {
    MOUNTING_FORBIDDEN.store(true, Ordering::Relaxed);
}

/// Mounts `fs` at its usual path unless it is already there.
pub fn ensure_mounted(fs: PseudoFs) -> Result<MountState> {
    let path = Path::new(fs.default_path());
    if is_mounted(fs, path) {
        return Ok(MountState::AlreadyMounted);
    }
    let object = format!("{} at {}", fs.fstype(), path.display());
    if MOUNTING_FORBIDDEN.load(Ordering::Relaxed) {
        return Err(Error::new(
            ErrorKind::NotFound,
            object,
            "not mounted, and -n/--nomount forbids mounting it",
        ));
    }
    std::fs::create_dir_all(path)
        .map_err(|e| Error::from_io(&object, &e, "cannot create mount point"))?;
    let target = CString::new(fs.default_path()).expect("constant path has no NUL");
    let fstype = CString::new(fs.fstype()).expect("constant name has no NUL");
    // Root's only, as bpftool and systemd mount both: without a mode bpffs would be world-writable (1777).
    let options = CString::new("mode=0700").expect("constant options have no NUL");
    // SAFETY: all pointers are valid NUL-terminated strings.
    let rc = unsafe {
        libc::mount(
            fstype.as_ptr(),
            target.as_ptr(),
            fstype.as_ptr(),
            0,
            options.as_ptr().cast(),
        )
    };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        return Err(Error::from_io(object, &err, "mount failed"));
    }
    Ok(MountState::MountedNow)
}

/// An anonymous in-memory file holding `data`, for a library that only takes a path (libbpf's `btf_custom_path`):
/// handed over as /proc/self/fd/N it is exactly the bytes ebpfctl vetted, and reading it can never block.
pub fn memfd_with(name: &str, data: &[u8]) -> std::io::Result<std::fs::File> {
    use std::io::Write;
    use std::os::fd::FromRawFd;
    let c_name = CString::new(name).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: c_name is NUL-terminated; the call returns a new fd or -1.
    let fd = unsafe { libc::memfd_create(c_name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fd was just created and nothing else owns it.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    file.write_all(data)?;
    Ok(file)
}

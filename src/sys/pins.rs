//! Pinning on bpffs as one all-or-nothing step: every file pinned and every directory created is recorded, and
//! unless the caller commits, dropping the set removes them again, newest first. This is what makes a failed
//! `prog load` leave no half-created directories behind.

use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};

use super::fs::{ensure_mounted, fs_magic, PseudoFs};
use crate::error::{Error, ErrorKind, Result};

const BPF_FS_MAGIC: i64 = 0xcafe4a11;

/// The closest existing ancestor of `path` (itself included).
fn existing_ancestor(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.exists())
}

/// Checks that `path` can become a new pin: it does not exist yet and it would be on bpffs. bpffs is mounted at
/// /sys/fs/bpf first when it is missing, as bpftool does.
pub fn check_new_pin_path(path: &Path) -> Result<()> {
    let object = path.display().to_string();
    if path.file_name().is_none() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "not a file path",
        ));
    }
    if path.starts_with(super::fs::BPFFS_PATH) {
        ensure_mounted(PseudoFs::Bpf)?;
    }
    if path.symlink_metadata().is_ok() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            "already exists",
        ));
    }
    check_on_bpffs(path)
}

/// Whether the closest existing ancestor of `path` is on bpffs.
pub fn check_on_bpffs(path: &Path) -> Result<()> {
    let object = path.display().to_string();
    let anchor = existing_ancestor(path).unwrap_or(Path::new("/"));
    match fs_magic(anchor) {
        Ok(BPF_FS_MAGIC) => Ok(()),
        Ok(_) => Err(Error::new(
            ErrorKind::InvalidInput,
            object,
            format!(
                "not on a BPF file system ({} is not bpffs; pins live under /sys/fs/bpf)",
                anchor.display()
            ),
        )),
        Err(e) => Err(Error::from_io(object, &e, "cannot check file system")),
    }
}

/// The error for a pin or directory that could not be made at `path`; a refusal names the directory that is not
/// writable, which is what the user has to fix (bpffs permissions are plain file modes).
pub fn make_error(path: &Path, e: &std::io::Error, what: &str) -> Error {
    let err = Error::from_io(path.display().to_string(), e, what);
    if let Some(named) = naming_unsearchable(&err, e, path) {
        return named;
    }
    match (e.raw_os_error(), path.parent()) {
        (Some(libc::EACCES), Some(dir)) => Error::new(
            err.kind,
            err.object,
            format!(
                "{}: {} is not writable for this user",
                err.reason,
                dir.display()
            ),
        ),
        _ => err,
    }
}

/// `err` (the EACCES `e` on `path`) with the directory on the way that this user may not search named, when that
/// is why: bpffs mounted with mode 0700 (systemd mounts it so) refuses every path below it, whatever the modes
/// further down say, and "not writable" or a bare "permission denied" would send the user to the wrong directory.
pub fn naming_unsearchable(err: &Error, e: &std::io::Error, path: &Path) -> Option<Error> {
    if e.raw_os_error() != Some(libc::EACCES) {
        return None;
    }
    let why = unsearchable(path)?;
    Some(Error::new(
        err.kind,
        err.object.clone(),
        format!("{}: {why}", err.reason),
    ))
}

fn unsearchable(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let mut dirs: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    dirs.reverse();
    for dir in dirs {
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: c is a NUL-terminated path; faccessat only reads it.
        let rc =
            unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::X_OK, libc::AT_EACCESS) };
        if rc != 0 {
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::EACCES) {
                return None;
            }
            // Its parent is searchable (it is the first that is not), so its own mode can be read.
            let meta = std::fs::metadata(dir).ok()?;
            return Some(format!(
                "{} is not searchable for this user (mode {:04o}, owner uid {})",
                dir.display(),
                meta.mode() & 0o7777,
                meta.uid()
            ));
        }
    }
    None
}

/// Pins and directories made so far; rolled back on drop unless committed. Termination signals are held while
/// the set lives, so Ctrl-C or SIGTERM cannot stop it between two pins: they take effect once it is committed or
/// rolled back.
#[derive(Debug)]
pub struct PinSet {
    created_dirs: Vec<PathBuf>,
    pinned: Vec<PathBuf>,
    committed: bool,
    /// Dropped after `Drop::drop` has rolled back, so a held signal lands on a finished state.
    _hold: super::signal::TerminationHold,
}

impl Default for PinSet {
    fn default() -> Self {
        PinSet {
            created_dirs: Vec::new(),
            pinned: Vec::new(),
            committed: false,
            _hold: super::signal::hold_termination(),
        }
    }
}

impl PinSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// `mkdir -p` on bpffs, remembering each directory it creates.
    pub fn create_dir_all(&mut self, dir: &Path) -> Result<()> {
        let missing: Vec<&Path> = dir.ancestors().take_while(|p| !p.exists()).collect();
        if !missing.is_empty() {
            check_on_bpffs(dir)?;
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(d).map_err(|e| make_error(d, &e, "cannot create directory"))?;
            self.created_dirs.push(d.to_path_buf());
        }
        Ok(())
    }

    /// Pins `fd` at `path`, creating missing parent directories on bpffs.
    pub fn pin(&mut self, fd: BorrowedFd<'_>, path: &Path) -> Result<()> {
        check_new_pin_path(path)?;
        if let Some(parent) = path.parent() {
            self.create_dir_all(parent)?;
        }
        super::bpf::obj_pin(fd, path).map_err(|e| {
            let object = path.display().to_string();
            // Before 5.15 a kprobe/uprobe/tracepoint attachment is a perf event fd, not a BPF link: nothing to pin.
            if e.raw_os_error() == Some(libc::EINVAL) && super::bpf::obj_kind_of_fd(fd).is_none() {
                return Error::new(
                    crate::error::ErrorKind::Unsupported,
                    object,
                    "this kernel makes the attachment a perf event, not a BPF link (perf-event links came in 5.15), \
                     so it cannot be pinned; hold it with --wait instead",
                );
            }
            make_error(path, &e, "cannot pin")
        })?;
        self.pinned.push(path.to_path_buf());
        Ok(())
    }

    /// Keeps everything: the operation succeeded.
    pub fn commit(mut self) {
        self.committed = true;
    }
}

impl Drop for PinSet {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for path in self.pinned.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

//! Writing a file the user names (`btf minimize -o`, `prog dump xlated … file`, `prog run data_out`): never blocked
//! by a FIFO without a reader, and never half-written. A regular file (or a new path) is written to a temporary
//! file beside it and renamed over it, so a failed write (a full disk) leaves the old file or nothing. A character
//! device (`/dev/null`) is written in place; a FIFO, socket or directory is refused.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// Writes `data` to `path` as a whole; errors name the path as `label`.
pub fn write_whole(path: &Path, label: &str, data: &[u8]) -> Result<()> {
    let what = "cannot write";
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            // Writing through the link keeps it a link: the rename goes to where it points.
            let target =
                std::fs::canonicalize(path).map_err(|e| Error::from_io(label, &e, what))?;
            return write_whole(&target, label, data);
        }
        Ok(meta) if meta.file_type().is_char_device() => return write_device(path, label, data),
        Ok(meta) if !meta.file_type().is_file() => {
            let kind = if meta.is_dir() {
                "a directory"
            } else if meta.file_type().is_fifo() {
                "a FIFO (named pipe)"
            } else if meta.file_type().is_socket() {
                "a socket"
            } else {
                "a device"
            };
            return Err(Error::new(
                ErrorKind::InvalidInput,
                label,
                format!("{what}: {kind}, not a file; give a regular file"),
            ));
        }
        _ => {}
    }
    let temp = temp_beside(path);
    // An interruption between the temporary file and the rename would leave the temporary file behind.
    let _hold = crate::sys::signal::hold_termination();
    let written = write_new(&temp, data).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::from_io(label, &e, what));
    }
    Ok(())
}

/// `DIR/.NAME.ebpfctl-PID`: the same directory, so the rename is atomic.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.ebpfctl-{}", std::process::id()))
}

fn write_new(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)?;
    file.write_all(data)?;
    file.sync_data()
}

/// A character device (/dev/null, /dev/stdout on a terminal), opened without blocking and checked on the fd.
fn write_device(path: &Path, label: &str, data: &[u8]) -> Result<()> {
    let what = "cannot write";
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| Error::from_io(label, &e, what))?;
    let kind = file
        .metadata()
        .map_err(|e| Error::from_io(label, &e, what))?
        .file_type();
    if !kind.is_char_device() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            label,
            format!("{what}: changed while it was opened"),
        ));
    }
    file.write_all(data)
        .map_err(|e| Error::from_io(label, &e, what))
}

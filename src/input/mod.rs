//! Reading the files a user names (objects, BTF, binaries, test input, `--from` lines), never without end and never
//! blocked. Every named file goes through `read_whole`: it is opened with O_NONBLOCK (a FIFO without a writer would
//! otherwise block the open itself) and its type is checked with fstat on that very fd, so a symlink swapped
//! between a check and the open cannot slip a FIFO or a device past it. Only regular files are read: a FIFO, a
//! socket or a device may never end, a directory is not data. A regular file is read up to the size fstat gave
//! (`MAX_FILE` at most) and checked again afterwards, so a file growing under the reader cannot keep it reading,
//! and a file that changed while read is refused rather than parsed torn. The open and the reads run on a helper
//! thread with a stall deadline (`deadline`): a file on a filesystem that stops answering (a dead NFS server, a
//! hung FUSE daemon) ends in an error after `EBPFCTL_IO_TIMEOUT` seconds without progress, not in a hang.
//! Standard input (`-`) is the one stream: it may be a pipe, and it is read up to `STREAM_LIMIT`.

pub mod btf_file;
mod deadline;
pub mod write;

use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// The largest regular file read: far above any BPF object, BTF blob (vmlinux BTF is ~6 MB) or bulk-update file,
/// and above a vmlinux with full DWARF (~1 GB), which `--btf` accepts for its .BTF section.
pub const MAX_FILE: u64 = 2 << 30;

/// The most read from standard input when it is a pipe: still a bounded amount of memory when the writer never
/// stops.
pub const STREAM_LIMIT: u64 = 1 << 30;

/// Bytes asked of the kernel per read(): progress is visible to the stall deadline at least this often.
const CHUNK: usize = 1 << 20;

/// The whole content of the regular file `path`; errors name it as `label` with `what` ("cannot read", "cannot
/// read binary"). Bounded in size and in time (see the module comment).
pub fn read_whole(path: &Path, label: &str, what: &str) -> Result<Vec<u8>> {
    let (path, owned_label, owned_what) = (path.to_path_buf(), label.to_string(), what.to_string());
    deadline::run(label, what, move |progress| {
        let file = open_regular(&path, &owned_label, &owned_what)?;
        read_regular(file, &owned_label, &owned_what, progress)
    })
}

/// `path` opened for reading, vetted on the opened fd: a regular file, or a one-line `invalid_input` error saying
/// what it is instead. Never blocks on a FIFO (O_NONBLOCK) and never becomes the controlling terminal (O_NOCTTY).
pub fn open_regular(path: &Path, label: &str, what: &str) -> Result<File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| open_error(path, &e, label, what))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::from_io(label, &e, what))?;
    refuse_non_regular(&meta, label, what)?;
    Ok(file)
}

/// open(2) of a socket says ENXIO ("no such device or address"), which reads like a missing device: name it.
fn open_error(path: &Path, err: &std::io::Error, label: &str, what: &str) -> Error {
    if err.raw_os_error() == Some(libc::ENXIO)
        && std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
    {
        return not_a_file(label, what, "a socket");
    }
    Error::from_io(label, err, what)
}

fn not_a_file(label: &str, what: &str, kind: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        label,
        format!("{what}: {kind}, not a file (it may block or never end); give a regular file"),
    )
}

fn refuse_non_regular(meta: &Metadata, label: &str, what: &str) -> Result<()> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what_it_is = if kind.is_dir() {
        "a directory"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(not_a_file(label, what, what_it_is))
}

/// Reads a vetted regular file: the size fstat reported, or up to `MAX_FILE` for the procfs and sysfs files that
/// report 0; refused when larger, when it changed during the read, or when it would block (tracefs' trace_pipe is
/// a "regular" file that waits for data).
fn read_regular(
    mut file: File,
    label: &str,
    what: &str,
    progress: &deadline::Progress,
) -> Result<Vec<u8>> {
    let before = file
        .metadata()
        .map_err(|e| Error::from_io(label, &e, what))?;
    let size = before.len();
    if size > MAX_FILE {
        return Err(too_big(label, what));
    }
    let sized = size > 0;
    let want = if sized { size } else { MAX_FILE + 1 };
    // Read straight into the result, not through a bounce buffer: a vmlinux BTF is 5-6 MB, and the copy and the
    // buffer's pages were a tenth of `btf dump ... format c`.
    let mut data = Vec::with_capacity(size as usize);
    while (data.len() as u64) < want {
        let room = (want - data.len() as u64).min(CHUNK as u64);
        let n = match (&mut file).take(room).read_to_end(&mut data) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                return Err(not_a_file(label, what, "a file that waits for data"))
            }
            Err(e) => return Err(Error::from_io(label, &e, what)),
        };
        progress.advance(n);
    }
    if !sized && data.len() as u64 > MAX_FILE {
        return Err(too_big(label, what));
    }
    if sized {
        let after = file
            .metadata()
            .map_err(|e| Error::from_io(label, &e, what))?;
        if changed(&before, &after) || data.len() as u64 != size {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                label,
                format!(
                    "{what}: the file changed while it was read ({size} bytes, then {}); try again when it is \
                     complete",
                    after.len()
                ),
            ));
        }
    }
    Ok(data)
}

fn changed(before: &Metadata, after: &Metadata) -> bool {
    (
        before.len(),
        before.mtime(),
        before.mtime_nsec(),
        before.ino(),
    ) != (after.len(), after.mtime(), after.mtime_nsec(), after.ino())
}

fn too_big(label: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        label,
        format!("{what}: larger than {} MiB", MAX_FILE >> 20),
    )
}

/// Standard input, whole (`prog run data_in -`): a pipe or a file, up to `STREAM_LIMIT` bytes.
pub fn read_stdin(label: &str, what: &str) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .take(STREAM_LIMIT + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::from_io(label, &e, what))?;
    if data.len() as u64 > STREAM_LIMIT {
        return Err(stream_too_long(label, what));
    }
    Ok(data)
}

/// The error for standard input beyond `STREAM_LIMIT`.
pub fn stream_too_long(label: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        label,
        format!(
            "{what}: more than {} MiB on standard input",
            STREAM_LIMIT >> 20
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str) -> Result<Vec<u8>> {
        read_whole(Path::new(path), path, "cannot read")
    }

    #[test]
    fn only_regular_files_are_read() {
        let zero = read("/dev/zero").unwrap_err();
        assert!(zero.to_string().contains("a device, not a file"), "{zero}");
        assert_eq!(zero.kind, ErrorKind::InvalidInput);
        let dir = read("/").unwrap_err();
        assert!(dir.to_string().contains("a directory"), "{dir}");
        assert_eq!(dir.kind, ErrorKind::InvalidInput);
        // procfs reports size 0 and is read to its end.
        assert!(!read("/proc/self/stat").unwrap().is_empty());
    }

    #[test]
    fn a_fifo_without_writer_is_refused_at_once() {
        let path = std::env::temp_dir().join(format!("ebpfctl-unit-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_whole(&path, "fifo", "cannot read").unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(err.to_string().contains("a FIFO (named pipe)"), "{err}");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}

//! Reading the files a user names (objects, BTF, binaries, test input) whole, but never without end: a device
//! such as /dev/zero or /dev/urandom would be read until memory runs out, so devices are refused, and a pipe is
//! read up to a limit no real input reaches. Regular files are read whole (procfs and sysfs report size 0).

pub mod btf_file;

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// The most read from a pipe or socket: far above any BPF object or BTF (vmlinux BTF is ~6 MB), and still a
/// bounded amount of memory when the writer never stops.
const STREAM_LIMIT: u64 = 1 << 30;

/// `path` opened for reading as a stream (`map update --from`, a file's magic): devices are refused as in
/// `read_whole`; the reader bounds what it takes itself.
pub fn open_stream(path: &Path, label: &str, what: &str) -> Result<File> {
    let file = File::open(path).map_err(|e| Error::from_io(label, &e, what))?;
    let kind = file
        .metadata()
        .map_err(|e| Error::from_io(label, &e, what))?
        .file_type();
    refuse_devices(kind, label, what)?;
    Ok(file)
}

fn refuse_devices(kind: std::fs::FileType, label: &str, what: &str) -> Result<()> {
    if kind.is_dir() {
        return Err(Error::from_errno(label, libc::EISDIR, what));
    }
    if kind.is_char_device() || kind.is_block_device() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            label,
            format!("{what}: a device, not a file (it may never end)"),
        ));
    }
    Ok(())
}

/// The whole content of `path`; errors name it as `label` with `what` ("cannot read", "cannot read binary").
pub fn read_whole(path: &Path, label: &str, what: &str) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| Error::from_io(label, &e, what))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::from_io(label, &e, what))?;
    let kind = meta.file_type();
    refuse_devices(kind, label, what)?;
    let regular = kind.is_file();
    let mut data = Vec::with_capacity(if regular { meta.len() as usize } else { 0 });
    let limit = if regular { u64::MAX } else { STREAM_LIMIT + 1 };
    file.take(limit)
        .read_to_end(&mut data)
        .map_err(|e| Error::from_io(label, &e, what))?;
    if !regular && data.len() as u64 > STREAM_LIMIT {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            label,
            format!("{what}: more than {} MiB from a pipe", STREAM_LIMIT >> 20),
        ));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_files_read() {
        let zero = read_whole(Path::new("/dev/zero"), "/dev/zero", "cannot read").unwrap_err();
        assert!(zero.to_string().contains("a device"), "{zero}");
        let dir = read_whole(Path::new("/"), "/", "cannot read").unwrap_err();
        assert!(dir.to_string().contains("directory"), "{dir}");
        let os = read_whole(Path::new("/proc/self/stat"), "stat", "cannot read").unwrap();
        assert!(!os.is_empty());
    }
}

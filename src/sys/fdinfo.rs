//! /proc/*/fdinfo: the kernel's per-fd text about BPF objects: fields the info structs lack (memlock, frozen, a
//! prog array's owner) for an fd of ours, and the parsing the holder walk (`holders`) shares.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::path::Path;

use super::dirfd::Dir;

/// The `key:\tvalue` lines of one fdinfo file.
#[derive(Debug, Clone, Default)]
pub struct FdInfo {
    text: String,
}

impl FdInfo {
    /// Lines are found bytewise (`field`), not by `str::lines` and `split_once`: a char search each was 0.5 ms of
    /// `map show` of 1,000 maps, which asks two fields of each fdinfo text.
    pub fn get(&self, key: &str) -> Option<&str> {
        std::str::from_utf8(field(self.text.as_bytes(), key)?)
            .ok()
            .map(str::trim)
    }

    pub fn get_u64(&self, key: &str) -> Option<u64> {
        field_u64(self.text.as_bytes(), key)
    }

    pub fn from_bytes(text: &[u8]) -> FdInfo {
        // The kernel writes ASCII; the lossy pass (slower, char by char) only for what is not UTF-8.
        let text = match std::str::from_utf8(text) {
            Ok(valid) => valid.to_owned(),
            Err(_) => String::from_utf8_lossy(text).into_owned(),
        };
        FdInfo { text }
    }
}

/// The fdinfo of one of our own fds. procfs looks the fd up again at every read of an open fdinfo file, so the
/// file of an fd number is opened once and read again from offset 0 for whatever that number holds now: a listing
/// closes each object's fd before it opens the next, which gets the same number. Opening the file (procfs builds
/// and frees a dentry and an inode) was 4.5 of the 6 µs a read took; a pread of a kept file takes 1.5 µs.
pub fn own_fdinfo(fd: BorrowedFd<'_>) -> io::Result<FdInfo> {
    static OWN: std::sync::OnceLock<Option<Dir>> = std::sync::OnceLock::new();
    static KEPT: std::sync::Mutex<Vec<(RawFd, std::fs::File)>> = std::sync::Mutex::new(Vec::new());
    let number = fd.as_raw_fd();
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut buf = Vec::new();
    if let Some((_, file)) = kept.iter().find(|(n, _)| *n == number) {
        read_whole(file, &mut buf)?;
        return Ok(FdInfo::from_bytes(&buf));
    }
    let name = number.to_string();
    let file = match OWN.get_or_init(|| Dir::open(Path::new("/proc/self/fdinfo")).ok()) {
        Some(dir) => dir.open_file(name.as_bytes())?,
        None => std::fs::File::open(format!("/proc/self/fdinfo/{name}"))?,
    };
    read_whole(&file, &mut buf)?;
    // A few numbers cover a listing (an object's fd, its BTF's); the oldest kept file goes first.
    if kept.len() == KEPT_FILES {
        kept.remove(0);
    }
    kept.push((number, file));
    Ok(FdInfo::from_bytes(&buf))
}

/// How many fdinfo files `own_fdinfo` keeps open.
const KEPT_FILES: usize = 4;

/// Reads a whole fdinfo (or other procfs) file into `buf` (cleared first), from offset 0 by pread: seq_file formats
/// the text again for a read at offset 0, which `own_fdinfo` relies on to read a kept file again. fdinfo files are
/// a few hundred bytes that seq_file hands over in one read, so a page-sized buffer takes one read
/// (read_to_string would stat, read, and read to EOF); the holder walk reuses one buffer for every file, as it
/// reads one per BPF fd on the box.
pub fn read_whole(file: &std::fs::File, buf: &mut Vec<u8>) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    buf.clear();
    buf.resize(4096, 0);
    let mut len = file.read_at(buf, 0)?;
    while len == buf.len() {
        buf.resize(buf.len() * 2, 0);
        match file.read_at(&mut buf[len..], len as u64)? {
            0 => break,
            n => len += n,
        }
    }
    buf.truncate(len);
    Ok(())
}

/// A whole /proc text file (mountinfo, comm): procfs reports a size of 0, so std's read_to_string stats, then
/// reads in 32-byte steps that double, each one formatting the file again (mountinfo: 8 reads); a page at once
/// takes one or two.
pub fn read_proc_text(path: &str) -> io::Result<String> {
    let mut buf = Vec::new();
    read_whole(
        &super::dirfd::open_file(std::path::Path::new(path))?,
        &mut buf,
    )?;
    String::from_utf8(buf).map_err(|_| io::Error::from(io::ErrorKind::InvalidData))
}

/// What follows `key:` on its line of fdinfo text.
fn field<'a>(text: &'a [u8], key: &str) -> Option<&'a [u8]> {
    text.split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(key.as_bytes())?.strip_prefix(b":"))
}

/// The number after `key:` in fdinfo text, without copying the text.
pub fn field_u64(text: &[u8], key: &str) -> Option<u64> {
    std::str::from_utf8(field(text, key)?)
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdinfo_lines_parse() {
        let info = FdInfo {
            text: "pos:\t0\nmap_type:\t2\nmemlock:\t320\nmap_id:\t848\nfrozen:\t1\n".into(),
        };
        assert_eq!(info.get_u64("memlock"), Some(320));
        assert_eq!(info.get_u64("map_id"), Some(848));
        assert_eq!(info.get("frozen"), Some("1"));
        assert_eq!(info.get("map"), None);
        assert_eq!(field_u64(info.text.as_bytes(), "map_id"), Some(848));
        assert_eq!(field_u64(info.text.as_bytes(), "map"), None);
    }

    /// The kept fdinfo file of a number describes whatever that number holds at the read, never what it held when
    /// the file was opened.
    #[test]
    fn own_fdinfo_follows_a_reused_fd_number() {
        use std::os::fd::{AsFd, FromRawFd, OwnedFd};
        let ino =
            |path: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap());
        let first = std::fs::File::open("/etc/hostname").unwrap();
        let number = first.as_raw_fd();
        assert_eq!(
            own_fdinfo(first.as_fd()).unwrap().get_u64("ino"),
            Some(ino("/etc/hostname"))
        );
        drop(first);
        // The next file at the very same number: dup2 makes sure of it (the suite runs one test at a time).
        let second = std::fs::File::open("/etc/passwd").unwrap();
        // SAFETY: `number` was closed above; dup2 makes it a second fd of `second`, owned from here.
        let moved = unsafe { libc::dup2(second.as_raw_fd(), number) };
        assert_eq!(moved, number);
        let moved = unsafe { OwnedFd::from_raw_fd(moved) };
        assert_eq!(
            own_fdinfo(moved.as_fd()).unwrap().get_u64("ino"),
            Some(ino("/etc/passwd"))
        );
    }
}

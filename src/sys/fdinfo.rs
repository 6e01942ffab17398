//! /proc/*/fdinfo: the kernel's per-fd text about BPF objects: fields the info structs lack (memlock, frozen, a
//! prog array's owner) for an fd of ours, and the parsing the holder walk (`holders`) shares.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
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

/// The fdinfo of one of our own fds, looked up relative to /proc/self/fdinfo opened once.
pub fn own_fdinfo(fd: BorrowedFd<'_>) -> io::Result<FdInfo> {
    static OWN: std::sync::OnceLock<Option<Dir>> = std::sync::OnceLock::new();
    let name = fd.as_raw_fd().to_string();
    match OWN.get_or_init(|| Dir::open(Path::new("/proc/self/fdinfo")).ok()) {
        Some(dir) => read_fdinfo_file(dir.open_file(name.as_bytes())?),
        None => read_fdinfo(&format!("/proc/self/fdinfo/{name}")),
    }
}

fn read_fdinfo(path: &str) -> io::Result<FdInfo> {
    read_fdinfo_file(std::fs::File::open(path)?)
}

fn read_fdinfo_file(file: std::fs::File) -> io::Result<FdInfo> {
    let mut buf = Vec::new();
    read_whole(file, &mut buf)?;
    Ok(FdInfo::from_bytes(&buf))
}

/// Reads a whole fdinfo file into `buf` (cleared first). fdinfo files are a few hundred bytes that seq_file hands
/// over in one read, so a page-sized buffer takes one read (read_to_string would stat, read, and read to EOF);
/// the holder walk reuses one buffer for every file, as it reads one per BPF fd on the box.
pub fn read_whole(mut file: std::fs::File, buf: &mut Vec<u8>) -> io::Result<()> {
    use std::io::Read;
    buf.clear();
    buf.resize(4096, 0);
    let mut len = file.read(buf)?;
    while len == buf.len() {
        buf.resize(buf.len() * 2, 0);
        match file.read(&mut buf[len..])? {
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
        super::dirfd::open_file(std::path::Path::new(path))?,
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
}

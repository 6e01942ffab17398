//! Every open fd of every process, from /proc: the one walk behind `pids` (which processes hold a BPF object) and
//! `perf show` (which processes hold perf events and links). Names are looked up relative to each process's fd
//! and fdinfo directories (see `dirfd`), fds are told apart by their link target alone (one readlink each), and
//! only the fds a caller asks about have their fdinfo read.

use std::io;
use std::path::Path;

use super::dirfd::Dir;

/// A process whose fds could not be read, and why (a different user namespace, a hardened /proc, ...); pid 0
/// when /proc itself could not be listed. The errno only: its text is wanted under --debug alone, and making
/// it (strerror, Unicode case tables) touched five cold pages of every `show` (pid 1 is unreadable in most
/// containers and on hardened hosts).
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub pid: u32,
    errno: i32,
}

impl Unreadable {
    pub fn reason(&self) -> String {
        let text = crate::error::errno_text(self.errno);
        match self.pid {
            0 => format!("/proc: {text}"),
            _ => text,
        }
    }
}

/// One process during the walk: its pid, and its fdinfo directory, opened on first use.
pub struct Process {
    pub pid: u32,
    fdinfo: Option<Dir>,
}

impl Process {
    /// The fdinfo text of fd `fd` of this process, into `buf` (cleared first).
    pub fn read_fdinfo(&mut self, fd: &[u8], buf: &mut Vec<u8>) -> io::Result<()> {
        if self.fdinfo.is_none() {
            self.fdinfo = Some(Dir::open(Path::new(&format!("/proc/{}/fdinfo", self.pid)))?);
        }
        match &self.fdinfo {
            Some(dir) => super::fdinfo::read_whole(&dir.open_file(fd)?, buf),
            None => Err(io::Error::from_raw_os_error(libc::ENOENT)),
        }
    }
}

/// Bytes of /proc/PID/fd records asked for first: about 20 fds (24-byte records), as many as most processes have.
const FIRST_FDS_READ: usize = 512;

fn errno_of(err: &io::Error) -> i32 {
    err.raw_os_error().unwrap_or(libc::EIO)
}

/// "PID/fd", relative to /proc.
fn fd_path(pid: u32) -> String {
    let mut path = pid.to_string();
    path.push_str("/fd");
    path
}

fn is_gone(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ENOENT) | Some(libc::ESRCH))
}

/// kthreadd's pid, in the initial pid namespace.
const KTHREADD: u32 = 2;
/// PF_KTHREAD in the flags field of /proc/PID/stat.
const PF_KTHREAD: u64 = 0x0020_0000;

/// Whether a kernel thread can be told by one kcmp: every thread kthreadd starts shares kthreadd's fd table
/// (init's, which holds no fd), so `kcmp(2, PID, KCMP_FILES)` says "no fds" (22 µs for 76 pids here) more cheaply
/// than a stat of /proc/PID/fd (60 µs). Only when pid 2 is a kernel thread in this pid namespace (a container's
/// pid 2 is an ordinary process), its fd table is empty, and this caller may compare it with others.
fn kernel_threads_comparable(proc: &Dir, entries: &mut Vec<u8>, sizes_count_fds: bool) -> bool {
    let is_kthread = || -> Option<bool> {
        let mut text = Vec::new();
        super::fdinfo::read_whole(&proc.open_file(b"2/stat").ok()?, &mut text).ok()?;
        Some(stat_flags(&text)? & PF_KTHREAD != 0)
    };
    let mut has_no_fds = || -> Option<bool> {
        if sizes_count_fds {
            return Some(proc.size_of(b"2/fd").ok()? == 0);
        }
        let mut empty = true;
        proc.open_dir(b"2/fd")
            .ok()?
            .for_each_entry(entries, |_, _| empty = false)
            .ok()?;
        Some(empty)
    };
    is_kthread() == Some(true)
        && has_no_fds() == Some(true)
        && super::process::share_fd_table(KTHREADD, KTHREADD).is_ok()
}

/// How the walk tells a process that holds no fd (a kernel thread, a zombie) without opening its fd directory.
struct Fdless {
    /// Since Linux 6.2 the size of /proc/PID/fd is its number of fds: one stat then skips the kernel threads and
    /// zombies (most of the pids on a server) instead of an open, two reads and a close each. This process has
    /// fds open, so a zero size for it means the kernel does not count.
    sizes_count_fds: bool,
    /// See `kernel_threads_comparable`.
    kthreads_comparable: bool,
}

impl Fdless {
    fn find(proc: &Dir, entries: &mut Vec<u8>) -> Fdless {
        let sizes_count_fds = proc.size_of(b"self/fd").is_ok_and(|size| size > 0);
        Fdless {
            sizes_count_fds,
            kthreads_comparable: kernel_threads_comparable(proc, entries, sizes_count_fds),
        }
    }

    /// Whether `pid` surely holds no fd (or is gone): false walks it.
    fn holds_none(&self, proc: &Dir, pid: u32) -> bool {
        match self
            .kthreads_comparable
            .then(|| super::process::share_fd_table(KTHREADD, pid))
        {
            Some(Ok(true)) => true,
            Some(Err(e)) if is_gone(&e) => true,
            // A table of its own: walked (a zombie's fd directory lists nothing).
            Some(Ok(false)) => false,
            // Not compared (no kcmp, another user's process, an LSM's refusal): a stat tells.
            Some(Err(_)) | None => {
                self.sizes_count_fds
                    && proc
                        .size_of(fd_path(pid).as_bytes())
                        .is_ok_and(|size| size == 0)
            }
        }
    }
}

/// The flags field of a /proc/PID/stat line: the 7th after the command, which is in parentheses and may itself
/// hold spaces and parentheses (so the last ')' ends it).
fn stat_flags(stat: &[u8]) -> Option<u64> {
    let end = stat.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&stat[end + 1..]).ok()?;
    rest.split_ascii_whitespace().nth(6)?.parse().ok()
}

/// Calls `visit(process, fd name, link target)` for every fd of every process but this one (which holds fds to
/// whatever it is listing), in pid order. Processes and fds that go away during the walk are skipped; the
/// processes whose fds cannot be read are returned.
pub fn for_each_fd(mut visit: impl FnMut(&mut Process, &[u8], &[u8])) -> Vec<Unreadable> {
    let mut unreadable = Vec::new();
    let own_pid = std::process::id();
    let mut entries = Vec::new();
    let mut pids: Vec<u32> = Vec::new();
    let listed = Dir::open(Path::new("/proc")).and_then(|proc| {
        let proc = proc.in_memory_fs();
        proc.for_each_entry(&mut entries, |name, _| {
            if let Some(pid) = std::str::from_utf8(name).ok().and_then(|n| n.parse().ok()) {
                if pid != own_pid {
                    pids.push(pid);
                }
            }
        })?;
        Ok(proc)
    });
    let proc = match listed {
        Ok(proc) => proc,
        Err(e) => {
            unreadable.push(Unreadable {
                pid: 0,
                errno: errno_of(&e),
            });
            return unreadable;
        }
    };
    pids.sort_unstable();
    let fdless = Fdless::find(&proc, &mut entries);
    let mut target = [0u8; 64];
    for pid in pids {
        if fdless.holds_none(&proc, pid) {
            continue;
        }
        let fd_path = fd_path(pid);
        let walked = proc.open_dir(fd_path.as_bytes()).and_then(|fd_dir| {
            let mut process = Process { pid, fdinfo: None };
            let mut failure = None;
            // A first read of a score of fds: whether this process's fds are ours to read shows at the first.
            fd_dir.entries_while(&mut entries, FIRST_FDS_READ, |name, _| {
                // A target longer than the buffer is cut; no caller looks for such long names.
                match fd_dir.readlink(name, &mut target) {
                    Ok(link) => visit(&mut process, name, link),
                    // Closed since the listing.
                    Err(e) if is_gone(&e) => {}
                    // Not ours to read (ptrace access mode): no other fd of this process will be either.
                    Err(e) => failure = Some(e),
                }
                failure.is_none()
            })?;
            failure.map_or(Ok(()), Err)
        });
        match walked {
            Ok(()) => {}
            Err(e) if is_gone(&e) => {}
            Err(e) => unreadable.push(Unreadable {
                pid,
                errno: errno_of(&e),
            }),
        }
    }
    unreadable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_flags_of_a_stat_line() {
        let kthreadd = b"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3 0 0";
        assert_eq!(stat_flags(kthreadd), Some(2129984));
        assert_ne!(stat_flags(kthreadd).unwrap() & PF_KTHREAD, 0);
        let odd = b"77 (a) b (c) S 1 77 77 0 -1 4194560 90 0 0 0";
        assert_eq!(stat_flags(odd), Some(4194560));
        assert_eq!(stat_flags(b"77 (no end S 1"), None);
        assert_eq!(stat_flags(b"77 (x) S 1 2"), None);
    }

    /// Every pid the walk skips by kcmp has no fd, on the live system; and the test box's pid 2 is kthreadd, so
    /// the skip is used (as root, which the tests run as).
    #[test]
    fn pids_sharing_kthreadds_fd_table_have_no_fds() {
        let proc = Dir::open(Path::new("/proc")).unwrap();
        assert!(kernel_threads_comparable(&proc, &mut Vec::new(), true));
        assert!(kernel_threads_comparable(&proc, &mut Vec::new(), false));
        let mut skipped = 0;
        for entry in std::fs::read_dir("/proc").unwrap() {
            let Some(pid) = entry
                .unwrap()
                .file_name()
                .to_str()
                .and_then(|n| n.parse().ok())
            else {
                continue;
            };
            if super::super::process::share_fd_table(KTHREADD, pid).is_ok_and(|shared| shared) {
                skipped += 1;
                let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count());
                assert!(matches!(fds, Ok(0) | Err(_)), "pid {pid}: {fds:?}");
            }
        }
        assert!(skipped >= 2, "only {skipped} kernel threads");
        assert!(!super::super::process::share_fd_table(KTHREADD, std::process::id()).unwrap());
    }
}

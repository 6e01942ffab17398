//! Identities of the calling thread and process.

pub fn gettid() -> u32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u32 }
}

pub fn getpid() -> u32 {
    std::process::id()
}

/// The CPU the calling thread runs on now, if the kernel says.
pub fn current_cpu() -> Option<usize> {
    // SAFETY: sched_getcpu takes no arguments.
    usize::try_from(unsafe { libc::sched_getcpu() }).ok()
}

/// Moves the calling thread off `cpu`, unless that is the only CPU it may use. The scheduler wakes a new thread
/// on its creator's CPU and may leave both there for milliseconds before it moves either.
pub fn leave_cpu(cpu: usize) -> std::io::Result<()> {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: cpu_set_t is a plain bit set, valid when zeroed; both calls get its true size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut set) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if cpu >= 8 * size || !libc::CPU_ISSET(cpu, &set) || libc::CPU_COUNT(&set) < 2 {
            return Ok(());
        }
        libc::CPU_CLR(cpu, &mut set);
        if libc::sched_setaffinity(0, size, &set) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Gives the calling thread an fd table of its own (a copy of the shared one). While two threads share a
/// table, every fd lookup of both takes a reference on the file and every open and close takes the table's
/// lock; a walk that opens and closes thousands of fds beside a thread that does the same slows both by a
/// third. The thread must not hand an fd it opens to another, nor use one opened after this call elsewhere.
pub fn unshare_fd_table() -> std::io::Result<()> {
    // SAFETY: unshare takes no pointers; CLONE_FILES affects only the calling thread's fd table.
    match unsafe { libc::unshare(libc::CLONE_FILES) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Whether processes `a` and `b` share one fd table (kcmp KCMP_FILES): Err when the kernel has no kcmp or the
/// caller may not compare them (ptrace read access to both).
pub fn share_fd_table(a: u32, b: u32) -> std::io::Result<bool> {
    const KCMP_FILES: libc::c_long = 2;
    // SAFETY: kcmp with KCMP_FILES reads no memory of the caller; the last two arguments are unused.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_kcmp,
            a as libc::pid_t,
            b as libc::pid_t,
            KCMP_FILES,
            0,
            0,
        )
    };
    match rc {
        0 => Ok(true),
        rc if rc > 0 => Ok(false),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// A mapped file region of this process, from /proc/self/maps.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub start: usize,
    pub end: usize,
    pub file_offset: usize,
    pub path: String,
}

/// The file-backed mapping that contains `addr`: turns an in-memory code address into (file, offset), which is what
/// a uprobe needs. Works for a stripped static-pie binary, where there is no symbol to look up.
pub fn mapping_of(addr: usize) -> Option<Mapping> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(parse_maps_line)
        .find(|m| m.start <= addr && addr < m.end)
}

fn parse_maps_line(line: &str) -> Option<Mapping> {
    // 55d0c0a00000-55d0c0b00000 r-xp 00100000 fd:00 1234   /usr/bin/ebpfctl
    let mut fields = line.split_whitespace();
    let (start, end) = fields.next()?.split_once('-')?;
    let _perms = fields.next()?;
    let offset = fields.next()?;
    let _dev = fields.next()?;
    let _inode = fields.next()?;
    let path = fields.collect::<Vec<_>>().join(" ");
    if !path.starts_with('/') {
        return None;
    }
    Some(Mapping {
        start: usize::from_str_radix(start, 16).ok()?,
        end: usize::from_str_radix(end, 16).ok()?,
        file_offset: usize::from_str_radix(offset, 16).ok()?,
        path,
    })
}

/// Blocks SIGINT and SIGTERM for this thread so they queue (for sigwait / sigpending) instead of killing the
/// process; returns the signal set.
fn block_sigint_sigterm() -> std::io::Result<libc::sigset_t> {
    let mut set = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    // SAFETY: set is initialised by sigemptyset before anything reads it.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGINT);
        libc::sigaddset(set.as_mut_ptr(), libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, set.as_ptr(), std::ptr::null_mut()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(set.assume_init())
    }
}

/// Blocks until SIGINT or SIGTERM arrives (Ctrl-C, `kill`), then returns so the caller can clean up.
pub fn wait_for_termination() -> std::io::Result<i32> {
    let set = block_sigint_sigterm()?;
    let mut sig = 0;
    // SAFETY: set is a valid signal set; sigwait writes the signal number into sig.
    let rc = unsafe { libc::sigwait(&set, &mut sig) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    Ok(sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_maps_line() {
        let m = parse_maps_line(
            "55d0c0a00000-55d0c0b00000 r-xp 00100000 fd:00 1234   /usr/bin/ebpf ctl",
        )
        .unwrap();
        assert_eq!(
            (m.start, m.end, m.file_offset),
            (0x55d0c0a00000, 0x55d0c0b00000, 0x100000)
        );
        assert_eq!(m.path, "/usr/bin/ebpf ctl");
        assert!(parse_maps_line("7ffd-7ffe rw-p 00000000 00:00 0 [stack]").is_none());
    }

    #[test]
    fn finds_own_code() {
        let addr = parses_a_maps_line as fn() as usize;
        let m = mapping_of(addr).expect("own text is mapped");
        assert!(m.start <= addr && addr < m.end);
    }
}

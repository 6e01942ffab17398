//! Visiting every entry of a map. BPF_MAP_LOOKUP_BATCH fetches thousands of entries per syscall; kernels or map
//! types without it (before 5.6, LPM tries, ...) fall back to BPF_MAP_GET_NEXT_KEY + BPF_MAP_LOOKUP_ELEM, which is
//! two syscalls per entry — what bpftool always does.

use std::io;
use std::os::fd::BorrowedFd;

use super::Layout;
use crate::sys::map_ops::{self, BatchCursor};

/// Entries fetched per batch call: big enough that syscalls stop mattering, small enough for the cache.
const BATCH_ENTRIES: usize = 4096;

/// How a walk went, for --debug and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkStats {
    pub entries: u64,
    pub syscalls: u64,
    pub batched: bool,
}

/// A key the kernel listed whose value a lookup did not return.
pub enum Unreadable<'e> {
    /// ENOENT: deleted since it was listed, or an empty slot of an array-like map.
    Missing,
    /// Any other error: the map type's values are not readable from user space (perf event and cgroup arrays),
    /// or the lookup failed.
    Error(&'e io::Error),
}

/// Calls `visit(key, value)` for every entry, `value` being `layout.value_len()` bytes; a key whose value cannot
/// be read is skipped (deleted meanwhile) or ends the walk with the error. Buffers are reused: the hot loop does
/// not allocate.
pub fn walk_entries<F>(fd: BorrowedFd<'_>, layout: Layout, visit: F) -> io::Result<WalkStats>
where
    F: FnMut(&[u8], &[u8]) -> io::Result<()>,
{
    walk_entries_reporting(fd, layout, visit, |_, unreadable| match unreadable {
        Unreadable::Missing => Ok(()),
        Unreadable::Error(e) => Err(match e.raw_os_error() {
            Some(errno) => io::Error::from_raw_os_error(errno),
            None => io::Error::new(e.kind(), e.to_string()),
        }),
    })
}

/// `walk_entries`, handing each key whose value cannot be read to `unreadable` (which may print it and go on).
pub fn walk_entries_reporting<F, U>(
    fd: BorrowedFd<'_>,
    layout: Layout,
    mut visit: F,
    mut unreadable: U,
) -> io::Result<WalkStats>
where
    F: FnMut(&[u8], &[u8]) -> io::Result<()>,
    U: FnMut(&[u8], Unreadable<'_>) -> io::Result<()>,
{
    match walk_batched(fd, layout, &mut visit) {
        Ok(stats) => Ok(stats),
        Err(BatchError::Unsupported) => walk_one_by_one(fd, layout, &mut visit, &mut unreadable),
        Err(BatchError::Io(e)) => Err(e),
    }
}

enum BatchError {
    /// The kernel or map type has no batch lookup; nothing was visited yet, so falling back is safe.
    Unsupported,
    Io(io::Error),
}

fn walk_batched<F>(
    fd: BorrowedFd<'_>,
    layout: Layout,
    visit: &mut F,
) -> Result<WalkStats, BatchError>
where
    F: FnMut(&[u8], &[u8]) -> io::Result<()>,
{
    let (klen, vlen) = (layout.key_size, layout.value_len());
    let mut capacity = BATCH_ENTRIES;
    let mut keys = vec![0u8; klen * capacity];
    let mut values = vec![0u8; vlen * capacity];
    let mut cursor = BatchCursor::new(klen);
    let mut stats = WalkStats {
        batched: true,
        ..Default::default()
    };
    loop {
        let step = match cursor.step(fd, &mut keys, &mut values, capacity) {
            Ok(step) => step,
            Err(e) if stats.syscalls == 0 && batch_unsupported(&e) => {
                return Err(BatchError::Unsupported)
            }
            // A hash bucket holds more entries than fit: the kernel asks for a bigger buffer (ENOSPC).
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) && capacity < 1 << 20 => {
                capacity *= 4;
                keys.resize(klen * capacity, 0);
                values.resize(vlen * capacity, 0);
                continue;
            }
            Err(e) => return Err(BatchError::Io(e)),
        };
        stats.syscalls += 1;
        for i in 0..step.count {
            stats.entries += 1;
            visit(
                &keys[i * klen..(i + 1) * klen],
                &values[i * vlen..(i + 1) * vlen],
            )
            .map_err(BatchError::Io)?;
        }
        if step.done {
            return Ok(stats);
        }
    }
}

/// EINVAL: the map type has no batch op (LPM trie, queue...); ENOTSUPP/EOPNOTSUPP: the kernel predates it.
fn batch_unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::EOPNOTSUPP | libc::ENOSYS | crate::error::ENOTSUPP)
    )
}

fn walk_one_by_one<F, U>(
    fd: BorrowedFd<'_>,
    layout: Layout,
    visit: &mut F,
    unreadable: &mut U,
) -> io::Result<WalkStats>
where
    F: FnMut(&[u8], &[u8]) -> io::Result<()>,
    U: FnMut(&[u8], Unreadable<'_>) -> io::Result<()>,
{
    let mut key = vec![0u8; layout.key_size];
    let mut next = vec![0u8; layout.key_size];
    let mut value = vec![0u8; layout.value_len()];
    let mut stats = WalkStats::default();
    let mut first = true;
    loop {
        stats.syscalls += 1;
        let prev = if first { None } else { Some(key.as_slice()) };
        if !map_ops::next_key(fd, prev, &mut next)? {
            return Ok(stats);
        }
        first = false;
        std::mem::swap(&mut key, &mut next);
        stats.syscalls += 1;
        match map_ops::lookup(fd, Some(&key), &mut value) {
            Ok(true) => {
                stats.entries += 1;
                visit(&key, &value)?;
            }
            Ok(false) => unreadable(&key, Unreadable::Missing)?,
            Err(e) => unreadable(&key, Unreadable::Error(&e))?,
        }
    }
}

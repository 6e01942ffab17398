//! The heap's set-up, decided per command line: the small commands (listings, `version`) live in the bump arena
//! and never reach mimalloc; the others close the arena and start mimalloc on the main thread, with
//! transparent huge pages, as before the arena.
//!
//! Small allocations are served by the bump arena first (`arena`), so a listing never calls mimalloc, and the
//! first call a heavy command makes may come from a worker thread (`btf dump` reads its file on one). mimalloc
//! then reserved its arena without MADV_HUGEPAGE: `btf dump … format c` took 4,742 page faults instead of 138
//! and 73 instead of 66 ms. So a heavy command makes its first mimalloc allocation here, on the main thread,
//! as it did before the arena. A small one must not: mimalloc's first touch of its huge-page arena makes the
//! kernel zero a whole 2 MiB page (on this 2-core VM, `version` 0.53 vs 0.48 ms, `-j map show` of 20 maps
//! 1.30 vs 1.23 ms). Should a small command outgrow the arena (a listing of thousands of objects), mimalloc
//! starts without huge pages, as such listings did before.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// mimalloc's `mi_option_allow_thp`: its position in `mi_option_t` of the mimalloc v2 release that
/// libmimalloc-sys 0.1.49 vendors (Cargo.lock pins it; the test below checks the option's default).
const MI_OPTION_ALLOW_THP: libc::c_int = 37;

extern "C" {
    fn mi_option_set(option: libc::c_int, value: libc::c_long);
    fn mi_malloc(size: libc::size_t) -> *mut libc::c_void;
    fn mi_free(ptr: *mut libc::c_void);
}

/// Words of a command line whose heap stays small: listings and `version`. Any `dump` keeps huge pages (`btf
/// show` is small, `btf dump` is not).
fn is_small_heap_command<'a>(words: impl Iterator<Item = &'a [u8]>) -> bool {
    let mut small = false;
    for word in words {
        match word {
            b"dump" => return false,
            b"show" | b"list" | b"version" | b"--version" | b"-V" => small = true,
            _ => {}
        }
    }
    small
}

/// Sets mimalloc up for the command line `args` (the program's name first): see the module's comment.
pub fn prepare(args: &[OsString]) {
    if is_small_heap_command(args.iter().skip(1).map(|a| a.as_bytes())) {
        // SAFETY: setting an option takes no pointers; mimalloc reads it when it maps its arena.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) };
    } else {
        super::arena::close_region();
        // SAFETY: a fresh one-byte block, freed at once.
        unsafe { mi_free(mi_malloc(1)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" {
        fn mi_option_get(option: libc::c_int) -> libc::c_long;
    }

    fn huge_pages_allowed() -> bool {
        // SAFETY: reading an option takes no pointers.
        unsafe { mi_option_get(MI_OPTION_ALLOW_THP) != 0 }
    }

    fn small(line: &str) -> bool {
        is_small_heap_command(line.split(' ').map(str::as_bytes))
    }

    #[test]
    fn listings_and_version_are_small_dumps_are_not() {
        assert!(small("-j map show"));
        assert!(small("prog list"));
        assert!(small("version"));
        assert!(small("-p btf show id 4"));
        assert!(!small("btf dump file /sys/kernel/btf/vmlinux format c"));
        assert!(!small("map dump id 4"));
        assert!(!small("map show dump"));
        assert!(!small("inspect x.bpf.o"));
        assert!(!small("feature probe"));
    }

    /// The option number is mimalloc's allow_thp, the last of its options (38 is past the end, read as 0),
    /// right after generic_collect (default 10,000), and on by default; and setting it is seen by getting it.
    #[test]
    fn the_option_is_mimallocs_allow_thp() {
        // SAFETY: reading options takes no pointers.
        let get = |option| unsafe { mi_option_get(option) };
        assert_eq!(get(MI_OPTION_ALLOW_THP - 1), 10_000, "generic_collect");
        assert_eq!(get(MI_OPTION_ALLOW_THP + 1), 0, "past the last option");
        assert!(huge_pages_allowed(), "allow_thp defaults to 1");
        // SAFETY: setting an option takes no pointers.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) };
        assert!(!huge_pages_allowed());
        // SAFETY: as above.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 1) };
    }
}

//! Transparent huge pages for the heap, decided per command line before the first allocation.
//!
//! mimalloc asks for huge pages on its arena (MADV_HUGEPAGE), so the heap's first touch makes the kernel zero a
//! whole 2 MiB page. A command that fills tens of MiB (`btf dump` of vmlinux: 67 ms with huge pages, 73 ms
//! without; its JSON 229 vs 293 ms) gains from them. A listing or `version` uses a few hundred KiB and pays the
//! zeroing for nothing: on this 2-core VM (kernel 6.18, THP "madvise") `version` took 0.53 vs 0.48 ms median,
//! `-j map show` of 20 maps 1.30 vs 1.23 ms, 300 runs each, side by side.

use std::io::Read;

/// mimalloc's `mi_option_allow_thp`: its position in `mi_option_t` of the mimalloc v2 release that
/// libmimalloc-sys 0.1.49 vendors (Cargo.lock pins it; the test below checks the option's default).
const MI_OPTION_ALLOW_THP: libc::c_int = 37;

extern "C" {
    fn mi_option_set(option: libc::c_int, value: libc::c_long);
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

/// Turns huge pages off for the heap when this process's command line is a small one. Must run before the
/// first allocation: the arena is mapped, and advised, on the first one. The command line is read from
/// /proc/self/cmdline into a stack buffer (std::env::args would allocate); a line longer than the buffer,
/// or no /proc, leaves the default.
pub fn small_pages_for_small_commands() {
    let mut buf = [0u8; 1024];
    let Ok(mut file) = std::fs::File::open("/proc/self/cmdline") else {
        return;
    };
    let len = match file.read(&mut buf) {
        Ok(len) if len < buf.len() => len,
        _ => return,
    };
    let mut words = buf[..len].split(|&b| b == 0);
    words.next(); // the program's own name
    if is_small_heap_command(words) {
        // SAFETY: setting an option takes no pointers; mimalloc reads it when it maps its arena.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) };
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

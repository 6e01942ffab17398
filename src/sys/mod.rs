//! Thin, safe wrappers over the kernel. Every `unsafe` block of ebpfctl lives below this module.

pub mod arena;
pub mod bpf;
pub mod bpf_obj;
pub mod bpf_stats;
pub mod bpffs;
pub mod btf_data;
pub mod btf_info;
pub mod caps;
pub mod clock;
pub mod dirfd;
pub mod fdinfo;
pub mod fs;
pub mod heap;
pub mod holders;
pub mod kallsyms;
pub mod kernel;
pub mod keys;
pub mod libbpf_log;
pub mod link;
pub mod link_info;
pub mod linker;
pub mod loader_prog;
pub mod map_info;
pub mod map_ops;
pub mod mounts;
pub mod names;
pub mod netdev;
pub mod netlink;
pub mod object;
pub mod parallel;
pub mod perf_buffer;
pub mod perf_event;
pub mod pins;
pub mod probe;
pub mod process;
pub mod procfd;
pub mod profiler;
pub mod prog_info;
pub mod prog_insns;
pub mod relo_core;
pub mod signal;
pub mod skel;
pub mod strerror;
pub mod terminal;
pub mod tracefs;

/// The errno behind a libbpf-rs error, when there is one. libbpf-rs keeps the `io::Error` private inside its
/// context chain, so the number is read back from the chain's text, which always ends in "(os error N)".
pub fn libbpf_errno(err: &libbpf_rs::Error) -> Option<i32> {
    let text = format!("{err:#}");
    let start = text.rfind("(os error ")? + "(os error ".len();
    let end = start + text[start..].find(')')?;
    text[start..end].parse().ok()
}

/// libbpf-rs's message without the " (os error N)" tail std adds and with errno in words.
pub fn libbpf_reason(err: &libbpf_rs::Error) -> String {
    let text = format!("{err:#}");
    match (text.rfind(" (os error "), libbpf_errno(err)) {
        (Some(cut), Some(errno)) => {
            let head = &text[..cut];
            // "failed to attach: Operation not supported" → keep the context, restate the errno our way.
            match head.rsplit_once(": ") {
                Some((ctx, _)) => format!("{ctx}: {}", crate::error::errno_text(errno)),
                None => crate::error::errno_text(errno),
            }
        }
        _ => text,
    }
}

/// The version of the libbpf linked into this binary, as libbpf reports it at run time.
pub fn libbpf_version() -> String {
    // SAFETY: both functions only return constants compiled into libbpf.
    let (major, minor) = unsafe {
        (
            libbpf_sys::libbpf_major_version(),
            libbpf_sys::libbpf_minor_version(),
        )
    };
    format!("{major}.{minor}")
}

/// The kernel link fd behind a libbpf link, or None when libbpf reports none (-1). libbpf's composite USDT link
/// has no fd of its own and reports 0 (its struct is calloc'ed), which callers must tell apart from a link by
/// asking the kernel about it.
pub fn libbpf_link_fd(link: &libbpf_rs::Link) -> Option<std::os::fd::BorrowedFd<'_>> {
    use libbpf_rs::AsRawLibbpf;
    // SAFETY: the pointer is the live bpf_link `link` owns; bpf_link__fd only reads it.
    let fd = unsafe { libbpf_sys::bpf_link__fd(link.as_libbpf_object().as_ptr()) };
    // SAFETY: a non-negative fd stays open as long as `link`, which the returned borrow cannot outlive.
    (fd >= 0).then(|| unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_is_read_from_the_error_chain() {
        let err = libbpf_rs::Error::from_raw_os_error(libc::EPERM);
        assert_eq!(libbpf_errno(&err), Some(libc::EPERM));
        assert!(
            libbpf_reason(&err).contains("operation not permitted"),
            "{}",
            libbpf_reason(&err)
        );
    }
}

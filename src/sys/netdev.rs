//! Network interface names by index, in this process's network namespace.

/// The name of interface `ifindex` as this network namespace sees it; None when there is none.
pub fn if_name(ifindex: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: buf has IF_NAMESIZE bytes, as if_indextoname requires.
    let ptr = unsafe { libc::if_indextoname(ifindex, buf.as_mut_ptr()) };
    if ptr.is_null() {
        return None;
    }
    Some(super::bpf_obj::c_chars(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_named() {
        assert_eq!(if_name(1).as_deref(), Some("lo"));
        assert_eq!(if_name(0), None);
    }
}

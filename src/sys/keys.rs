//! The kernel's key retention service: registering the certificate that verifies signed BPF programs.

use std::io;

/// The calling process's session keyring (KEY_SPEC_SESSION_KEYRING): where bpftool registers the signing
/// certificate, and the keyring BPF_PROG_LOAD's `keyring_id` then names.
pub const SESSION_KEYRING: i32 = -3;

/// Adds an X.509 certificate (DER) to the session keyring as an "asymmetric" key; returns the key's serial.
/// Adding the same certificate again updates the one key.
pub fn add_session_certificate(cert_der: &[u8]) -> io::Result<i32> {
    // SAFETY: add_key(2) with NUL-terminated type and description and a payload of the given length.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_add_key,
            c"asymmetric".as_ptr(),
            c"".as_ptr(),
            cert_der.as_ptr(),
            cert_der.len(),
            SESSION_KEYRING,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(rc as i32)
}

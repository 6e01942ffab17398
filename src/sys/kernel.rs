//! Who the running kernel is and what its BPF-related sysctls say.

use std::ffi::CStr;

#[derive(Debug, Clone)]
pub struct Uname {
    pub release: String,
    /// `uname -v`: the build string, where Debian kernels name their real version ("... Debian 5.10.262-1 ...").
    pub version: String,
    pub machine: String,
}

pub fn uname() -> Uname {
    let mut buf = std::mem::MaybeUninit::<libc::utsname>::zeroed();
    // SAFETY: buf is a valid utsname to fill; uname cannot fail with a valid pointer.
    let rc = unsafe { libc::uname(buf.as_mut_ptr()) };
    if rc != 0 {
        return Uname {
            release: "unknown".into(),
            version: String::new(),
            machine: std::env::consts::ARCH.into(),
        };
    }
    // SAFETY: uname returned 0 and NUL-terminates every field.
    let uts = unsafe { buf.assume_init() };
    let field = |f: &[libc::c_char]| {
        // SAFETY: the field is a NUL-terminated C string inside the struct.
        unsafe { CStr::from_ptr(f.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    Uname {
        release: field(&uts.release),
        version: field(&uts.version),
        machine: field(&uts.machine),
    }
}

/// A sysctl under /proc/sys as an integer; None when absent or unreadable.
pub fn sysctl_int(name: &str) -> Option<i64> {
    let text = std::fs::read_to_string(format!("/proc/sys/{}", name.replace('.', "/"))).ok()?;
    text.trim().parse().ok()
}

/// Lifts RLIMIT_MEMLOCK: kernels before 5.11 charge BPF maps and programs against it, and its usual 64 KiB default
/// refuses all but the smallest map. Failure is ignored: on newer kernels the limit no longer matters.
pub fn raise_memlock_limit() {
    let unlimited = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: a valid rlimit struct is passed by reference.
    unsafe {
        libc::setrlimit(libc::RLIMIT_MEMLOCK, &unlimited);
    }
}

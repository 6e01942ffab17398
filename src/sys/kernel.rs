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

/// LINUX_KERNEL_VERSION as libbpf computes it from a release string ("6.1.0-57-amd64" → 6.1.0).
pub fn version_code(release: &str) -> Option<u32> {
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u32>().ok());
    let (major, minor) = (parts.next()??, parts.next()??);
    let patch = parts.next().flatten().unwrap_or(0).min(255);
    Some((major << 16) + (minor << 8) + patch)
}

/// LINUX_KERNEL_VERSION as libbpf computes it on a running kernel: Ubuntu's /proc/version_signature ("Ubuntu
/// 5.15.0-91.101-generic 5.15.131": the third word), else a Debian build string in `uname -v` ("Debian
/// 5.10.262-1"), else the release. Debian's releases say 5.10.0 for every 5.10 update, and tools compare
/// against point releases (`> KERNEL_VERSION(5, 10, 0)`).
fn version_code_from(signature: Option<&str>, uname_version: &str, release: &str) -> Option<u32> {
    if let Some(code) = signature
        .and_then(|s| s.split_whitespace().nth(2))
        .and_then(version_code)
    {
        return Some(code);
    }
    let debian = uname_version
        .split_once("Debian ")
        .and_then(|(_, v)| version_code(v.split_whitespace().next()?));
    debian.or_else(|| version_code(release))
}

/// LINUX_KERNEL_VERSION of the running kernel (`uname` is its uname()), read where libbpf reads it.
pub fn libbpf_version_code(uname: &Uname) -> Option<u32> {
    version_code_from(
        std::fs::read_to_string("/proc/version_signature")
            .ok()
            .as_deref(),
        &uname.version,
        &uname.release,
    )
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

/// The size of a memory page (ring buffers are sized in pages).
pub fn page_size() -> u32 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u32::try_from(size).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
    use super::version_code_from;

    #[test]
    fn the_version_is_read_where_libbpf_reads_it() {
        let code = |a: u32, b: u32, c: u32| Some((a << 16) + (b << 8) + c.min(255));
        // Debian: the release says 5.10.0 for every update; the build string has the point release.
        let debian = "#1 SMP Debian 5.10.262-1 (2025-06-29)";
        assert_eq!(
            version_code_from(None, debian, "5.10.0-46-amd64"),
            code(5, 10, 262)
        );
        assert_eq!(
            version_code_from(None, "#1 SMP Debian 6.1.192-3", "6.1.0-57-amd64"),
            code(6, 1, 192)
        );
        let ubuntu = "Ubuntu 5.15.0-91.101-generic 5.15.131\n";
        assert_eq!(
            version_code_from(Some(ubuntu), "#101-Ubuntu SMP", "5.15.0-91-generic"),
            code(5, 15, 131)
        );
        assert_eq!(
            version_code_from(None, "#1 SMP PREEMPT_DYNAMIC @0", "6.18.44-fc-v1252"),
            code(6, 18, 44)
        );
    }
}

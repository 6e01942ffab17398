//! One error type for the whole tool. Every failure carries the object it concerns (`map id 9999`), a one-line
//! reason and a kind; the kind alone decides the JSON `kind` field, and `ExitCode` names every exit status.

use std::fmt;

pub use crate::sys::caps::Capability;

/// Exit statuses, in one place so the README, the tests and the code agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The command did what was asked.
    Success = 0,
    /// A negative verdict: a check or compat probe failed, a looked-up key is absent.
    Negative = 1,
    /// An error or a usage mistake (clap also exits 2 on usage errors).
    Error = 2,
}

/// What went wrong, as scripts see it in `{"error": ..., "kind": ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    Permission,
    InvalidInput,
    Unsupported,
    Kernel,
}

#[derive(Debug, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    /// The object the error is about, as the user named it: `map id 9999`, `check`, `/sys/fs/bpf/x`.
    pub object: String,
    pub reason: String,
    /// Supporting lines shown under the one-line error (e.g. the verifier's last lines); empty for most errors.
    pub detail: Vec<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, object: impl Into<String>, reason: impl Into<String>) -> Self {
        Error {
            kind,
            object: object.into(),
            reason: reason.into(),
            detail: Vec::new(),
        }
    }

    /// Bad input: a file, word or value the user gave that cannot be used as it is.
    pub fn invalid(object: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::new(ErrorKind::InvalidInput, object, reason.to_string())
    }

    pub fn with_detail(mut self, detail: Vec<String>) -> Self {
        self.detail = detail;
        self
    }

    /// Classifies an errno the way an operator reads it: ENOENT is "no such ...", EPERM/EACCES a privilege problem.
    pub fn from_errno(object: impl Into<String>, errno: i32, what: &str) -> Self {
        let kind = kind_of_errno(errno);
        let reason = if what.is_empty() {
            errno_text(errno)
        } else {
            format!("{what}: {}", errno_text(errno))
        };
        Error::new(kind, object, reason)
    }

    pub fn from_io(object: impl Into<String>, err: &std::io::Error, what: &str) -> Self {
        Self::from_errno(object, err.raw_os_error().unwrap_or(libc::EIO), what)
    }

    /// For a permission error of an operation the kernel guards with `need`: names the capabilities this process
    /// lacks ("needs CAP_SYS_ADMIN"), or, holding them all, says that something else refused (an LSM, a sysctl,
    /// a file's mode). Other kinds pass unchanged.
    pub fn needing(mut self, need: &[Capability]) -> Self {
        if self.kind != ErrorKind::Permission || need.is_empty() {
            return self;
        }
        let held = || {
            need.iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(" and ")
        };
        self.reason = match crate::sys::caps::lacking(need) {
            Some(missing) => format!("{}: needs {missing}", self.reason),
            // The reason already names the file whose mode refused ("… is not readable for this user").
            None if self.reason.contains("for this user") => self.reason,
            None => format!(
                "{} (with {} held: refused by policy, e.g. an LSM, a sysctl or a file's mode)",
                self.reason,
                held()
            ),
        };
        self
    }
}

/// The longest error line printed: a word the user gave may be megabytes long (a name, a path), and echoing it
/// whole would bury the reason. Longer lines keep their start and end around a marker.
const MAX_LINE: usize = 1024;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = format!("{}: {}", self.object, self.reason);
        if line.len() <= MAX_LINE {
            return f.write_str(&line);
        }
        let head = floor_char_boundary(&line, MAX_LINE / 2);
        let tail = ceil_char_boundary(&line, line.len() - MAX_LINE / 2);
        let cut = tail - head;
        write!(f, "{}[… {cut} bytes …]{}", &line[..head], &line[tail..])
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

pub fn kind_of_errno(errno: i32) -> ErrorKind {
    match errno {
        libc::ENOENT | libc::ESRCH | libc::ENODEV => ErrorKind::NotFound,
        libc::EPERM | libc::EACCES => ErrorKind::Permission,
        libc::EINVAL | libc::E2BIG | libc::EBADF => ErrorKind::InvalidInput,
        // A path the user gave that cannot name a file: a symlink loop, too long, a file used as a directory.
        libc::ELOOP | libc::ENAMETOOLONG | libc::ENOTDIR | libc::EISDIR => ErrorKind::InvalidInput,
        libc::EOPNOTSUPP | libc::ENOSYS | ENOTSUPP => ErrorKind::Unsupported,
        _ => ErrorKind::Kernel,
    }
}

/// The kernel-internal ENOTSUPP (524) leaks out of bpf() for unsupported program features; libc has no name for it.
pub const ENOTSUPP: i32 = 524;

/// strerror-like text without the " (os error N)" suffix std adds, plus the kernel-internal codes bpf() returns.
pub fn errno_text(errno: i32) -> String {
    if errno == ENOTSUPP {
        return "operation not supported by this kernel (ENOTSUPP)".to_string();
    }
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    let text = match text.find(" (os error") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("errno {errno}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_text_is_lowercase_without_os_error_suffix() {
        assert_eq!(errno_text(libc::ENOENT), "no such file or directory");
        assert!(errno_text(ENOTSUPP).contains("ENOTSUPP"));
    }

    #[test]
    fn long_lines_keep_both_ends() {
        let err = Error::invalid(format!("map name {}é", "n".repeat(100_000)), "no such map");
        let text = err.to_string();
        assert!(text.len() < MAX_LINE + 40, "{}", text.len());
        assert!(text.starts_with("map name nnn") && text.ends_with("né: no such map"));
        assert!(text.contains("bytes …]"));
    }

    #[test]
    fn errno_kinds() {
        assert_eq!(kind_of_errno(libc::EPERM), ErrorKind::Permission);
        assert_eq!(kind_of_errno(libc::ENOENT), ErrorKind::NotFound);
        assert_eq!(kind_of_errno(ENOTSUPP), ErrorKind::Unsupported);
    }
}

//! libbpf's own messages. libbpf prints warnings straight to stderr by default, which would break the one-line
//! error convention; instead they are collected here, echoed under --debug, and available to explain a failure.

use std::sync::Mutex;

use libbpf_rs::PrintLevel;

static MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());
static ECHO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn collect(level: PrintLevel, msg: String) {
    // libbpf's messages carry their own "libbpf: " prefix (its pr_warn/pr_debug add it), as bpftool -d shows them.
    if ECHO.load(std::sync::atomic::Ordering::Relaxed) {
        // Not eprint!: it panics when stderr is a closed pipe.
        use std::io::Write;
        let _ = write!(std::io::stderr().lock(), "{msg}");
    }
    if level != PrintLevel::Debug {
        if let Ok(mut messages) = MESSAGES.lock() {
            messages.push(msg.trim_end().to_string());
        }
    }
}

/// Routes libbpf's output here; with `echo`, every message (debug level included) also goes to stderr.
pub fn capture(echo: bool) {
    ECHO.store(echo, std::sync::atomic::Ordering::Relaxed);
    libbpf_rs::set_print(Some((PrintLevel::Debug, collect)));
}

/// The warnings collected since the last call.
pub fn take() -> Vec<String> {
    MESSAGES
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default()
}

/// How many warnings are held now: a mark for `warned_since`.
pub fn mark() -> usize {
    MESSAGES.lock().map(|m| m.len()).unwrap_or(0)
}

/// Whether a warning collected after `mark` contains `words`.
pub fn warned_since(mark: usize, words: &str) -> bool {
    MESSAGES
        .lock()
        .is_ok_and(|m| m.iter().skip(mark).any(|line| line.contains(words)))
}

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

/// libbpf's print callback. libbpf-rs's own one panics when a message is not UTF-8, and libbpf prints section,
/// map and program names from the object it reads: a corrupted object aborted `gen skeleton -L`. The message is
/// formatted to bytes and read lossily instead.
extern "C" fn print(
    level: libbpf_sys::libbpf_print_level,
    format: *const std::ffi::c_char,
    args: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: libbpf hands a format string and the va_list of its arguments (passed by reference on x86_64 and
    // aarch64, as libbpf-rs's callback also takes it), consumed once here.
    let Ok(bytes) = (unsafe { vsprintf::vsprintf_raw(format, args) }) else {
        return 0;
    };
    let level = match level {
        libbpf_sys::LIBBPF_DEBUG => PrintLevel::Debug,
        libbpf_sys::LIBBPF_INFO => PrintLevel::Info,
        _ => PrintLevel::Warn,
    };
    collect(level, String::from_utf8_lossy(&bytes).into_owned());
    0
}

/// Routes libbpf's output here; with `echo`, every message (debug level included) also goes to stderr.
pub fn capture(echo: bool) {
    ECHO.store(echo, std::sync::atomic::Ordering::Relaxed);
    type Callback = extern "C" fn(
        libbpf_sys::libbpf_print_level,
        *const std::ffi::c_char,
        *mut std::ffi::c_void,
    ) -> std::ffi::c_int;
    // SAFETY: the same ABI as libbpf_print_fn_t: the va_list parameter is a pointer on every target built here
    // (bindgen spells it per target), and libbpf only calls it.
    unsafe {
        let callback =
            std::mem::transmute::<Option<Callback>, libbpf_sys::libbpf_print_fn_t>(Some(print));
        libbpf_sys::libbpf_set_print(callback);
    }
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

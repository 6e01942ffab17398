//! Signals as flags that long-running loops poll: Ctrl-C and SIGTERM (flush what is held and exit 0), and for
//! full-screen output a resized window and Ctrl-Z.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static STOP: AtomicBool = AtomicBool::new(false);
static RESIZED: AtomicBool = AtomicBool::new(false);
static SUSPEND: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

extern "C" fn note_resize(_signal: libc::c_int) {
    RESIZED.store(true, Ordering::SeqCst);
}

extern "C" fn request_suspend(_signal: libc::c_int) {
    SUSPEND.store(true, Ordering::SeqCst);
}

/// Installs `handler` for `signal`. Without SA_RESTART, a blocked poll returns EINTR at once.
fn install(signal: libc::c_int, handler: extern "C" fn(libc::c_int)) {
    // SAFETY: a zeroed sigaction with a plain handler and an empty mask is valid; every handler here only stores
    // to an atomic, which is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
    }
}

/// Installs the handler for SIGINT and SIGTERM.
pub fn stop_on_interrupt() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        install(signal, request_stop);
    }
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// For full-screen output: SIGWINCH (the window changed size) and SIGCONT (continued after a stop: the screen
/// needs drawing again) raise the resize flag; SIGTSTP (Ctrl-Z) raises the suspend flag, so the terminal can be
/// put back before the process stops.
pub fn watch_terminal() {
    install(libc::SIGWINCH, note_resize);
    install(libc::SIGCONT, note_resize);
    install(libc::SIGTSTP, request_suspend);
}

/// Whether the window was resized (or the process continued) since the last call.
pub fn take_resized() -> bool {
    RESIZED.swap(false, Ordering::SeqCst)
}

/// Whether Ctrl-Z was pressed since the last call.
pub fn take_suspend() -> bool {
    SUSPEND.swap(false, Ordering::SeqCst)
}

/// Stops this process as Ctrl-Z would have, once the caller has restored the terminal; returns when it is
/// continued. SIGTSTP is handled here, so the stop is SIGSTOP, which nothing can catch.
pub fn stop_self() {
    // SAFETY: raise has no memory arguments.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}

/// Sleeps up to `timeout`; a handled signal (Ctrl-C, SIGTERM) ends the sleep at once, where std's sleep would
/// resume it.
pub fn pause_for(timeout: Duration) {
    let millis = super::terminal::poll_millis(timeout);
    // SAFETY: no fds: poll only waits for the timeout or a signal.
    unsafe {
        libc::poll(std::ptr::null_mut(), 0, millis);
    }
}

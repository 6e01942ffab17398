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

/// The signals that end a command from outside: Ctrl-C, `kill`, a closed terminal, Ctrl-\.
const TERMINATION: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// Termination signals held back while a change is made (pins created one by one, a batch of map writes, an
/// output file renamed into place), so an interruption cannot leave it half done. Dropping the hold restores the
/// signal mask: a signal that arrived meanwhile then takes effect at once, its default action ending the process
/// with the change complete or rolled back. SIGKILL cannot be held.
#[derive(Debug)]
pub struct TerminationHold {
    old: Option<libc::sigset_t>,
}

pub fn hold_termination() -> TerminationHold {
    let mut set = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    let mut old = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    // SAFETY: both sets are initialised (sigemptyset, or filled by pthread_sigmask) before they are read.
    let held = unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        for signal in TERMINATION {
            libc::sigaddset(set.as_mut_ptr(), signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, set.as_ptr(), old.as_mut_ptr()) == 0
    };
    TerminationHold {
        // SAFETY: pthread_sigmask succeeded, so it wrote the previous mask.
        old: held.then(|| unsafe { old.assume_init() }),
    }
}

impl Drop for TerminationHold {
    fn drop(&mut self) {
        if let Some(old) = &self.old {
            // SAFETY: old is the mask pthread_sigmask returned.
            unsafe {
                libc::pthread_sigmask(libc::SIG_SETMASK, old, std::ptr::null_mut());
            }
        }
    }
}

/// Waits up to `timeout_ms` for `fd` to accept a write without blocking; a signal ends the wait early (false).
pub fn wait_writable(fd: std::os::fd::BorrowedFd<'_>, timeout_ms: i32) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the call's duration.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        return if e.kind() == std::io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(e)
        };
    }
    // POLLERR/POLLHUP (the reader went away): the write reports EPIPE, which callers treat as the end.
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    static DELIVERED: AtomicUsize = AtomicUsize::new(0);

    extern "C" fn count(_signal: libc::c_int) {
        DELIVERED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn a_held_signal_lands_when_the_hold_ends() {
        // SIGHUP with a counting handler stands in for the default action (which would end the test process).
        // SAFETY: a zeroed sigaction with a plain handler and an empty mask is valid; the handler only counts.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = count as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut());
        }
        let hold = hold_termination();
        // SAFETY: signals this thread only.
        unsafe { libc::pthread_kill(libc::pthread_self(), libc::SIGHUP) };
        assert_eq!(
            DELIVERED.load(Ordering::SeqCst),
            0,
            "held while the change runs"
        );
        drop(hold);
        assert_eq!(
            DELIVERED.load(Ordering::SeqCst),
            1,
            "delivered once the hold ends"
        );
    }
}

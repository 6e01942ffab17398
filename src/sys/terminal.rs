//! The controlling terminal for full-screen output (`prog top`): keys as they are typed (no Enter, no echo), the
//! window size, and the way back to the user's own terminal mode on every exit path (return, panic, signal).
//!
//! Only ICANON and ECHO are turned off, not the whole "raw" mode: ISIG stays on, so Ctrl-C still sends SIGINT and
//! Ctrl-Z SIGTSTP as everywhere else, and output processing stays on, so "\n" still starts a new line.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Mutex;
use std::time::Duration;

/// The terminal's fd and the mode it had before `KeyInput::open`, for `restore_mode` (a panic hook cannot reach the
/// `KeyInput`). Cleared when the `KeyInput` is dropped, since its fd closes then.
static SAVED: Mutex<Option<(RawFd, libc::termios)>> = Mutex::new(None);

fn get_mode(fd: BorrowedFd<'_>) -> io::Result<libc::termios> {
    let mut mode = std::mem::MaybeUninit::<libc::termios>::zeroed();
    // SAFETY: fd is open; mode is a writable termios.
    if unsafe { libc::tcgetattr(fd.as_raw_fd(), mode.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: tcgetattr succeeded and filled it.
    Ok(unsafe { mode.assume_init() })
}

fn set_mode(fd: RawFd, mode: &libc::termios) -> io::Result<()> {
    // SAFETY: a termios read by tcgetattr (possibly with flags changed) on an fd the caller keeps open.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, mode) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Puts the terminal back in the mode it had before `KeyInput::open`; does nothing when no `KeyInput` is open.
/// Safe to call more than once and from a panic hook.
pub fn restore_mode() {
    let saved = SAVED.lock().map(|s| *s).unwrap_or(None);
    if let Some((fd, mode)) = saved {
        let _ = set_mode(fd, &mode);
    }
}

/// Keys from the controlling terminal, one at a time, while it is in key mode.
pub struct KeyInput {
    tty: File,
}

impl KeyInput {
    /// Opens the controlling terminal (`/dev/tty`, so it works whatever stdin is) and enters key mode.
    pub fn open() -> io::Result<KeyInput> {
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
            .open("/dev/tty")?;
        let saved = get_mode(tty.as_fd())?;
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some((tty.as_raw_fd(), saved));
        }
        let input = KeyInput { tty };
        input.enter_key_mode()?;
        Ok(input)
    }

    /// Turns off line buffering and echo; called again after the process was stopped and continued.
    pub fn enter_key_mode(&self) -> io::Result<()> {
        let mut mode = get_mode(self.tty.as_fd())?;
        mode.c_lflag &= !(libc::ICANON | libc::ECHO);
        mode.c_cc[libc::VMIN] = 1;
        mode.c_cc[libc::VTIME] = 0;
        set_mode(self.tty.as_raw_fd(), &mode)
    }

    /// Waits up to `timeout` for a key; None on timeout or when a signal ended the wait (the caller checks its
    /// flags). Escape sequences (arrow keys) come back as their first byte, ESC, and the rest is discarded.
    pub fn wait_key(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let mut pfd = libc::pollfd {
            fd: self.tty.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, poll_millis(timeout)) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            return match err.kind() {
                io::ErrorKind::Interrupted => Ok(None),
                _ => Err(err),
            };
        }
        if rc == 0 || pfd.revents & libc::POLLIN == 0 {
            return Ok(None);
        }
        let mut buf = [0u8; 32];
        match self.tty.read(&mut buf) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(buf[0])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Drop for KeyInput {
    fn drop(&mut self) {
        restore_mode();
        if let Ok(mut slot) = SAVED.lock() {
            *slot = None;
        }
    }
}

/// A poll(2) timeout: milliseconds rounded up, so a wait of 0.3 ms does not spin with a timeout of 0.
pub fn poll_millis(timeout: Duration) -> i32 {
    let micros = timeout.as_micros();
    micros.div_ceil(1000).min(i32::MAX as u128) as i32
}

/// The size of the terminal on stdout as (columns, rows); None when stdout is no terminal or it reports 0.
pub fn stdout_size() -> Option<(u16, u16)> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one winsize.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (rc == 0 && size.ws_col > 0 && size.ws_row > 0).then_some((size.ws_col, size.ws_row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_timeouts_round_up() {
        assert_eq!(poll_millis(Duration::from_micros(300)), 1);
        assert_eq!(poll_millis(Duration::from_millis(1500)), 1500);
        assert_eq!(poll_millis(Duration::ZERO), 0);
    }
}

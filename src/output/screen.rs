//! Full-screen output on a terminal (`prog top`): the alternate screen, drawn in place each refresh, and left
//! again on every exit path. `leave_screen` is what a panic hook calls; it does nothing when no screen is shown.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the alternate screen is shown now (so a panic hook knows whether to leave it).
static SHOWN: AtomicBool = AtomicBool::new(false);

/// Alternate screen on, cursor hidden.
const ENTER: &str = "\x1b[?1049h\x1b[?25l";
/// Cursor shown, alternate screen off: the user's screen comes back as it was.
const LEAVE: &str = "\x1b[?25h\x1b[?1049l";

pub struct Screen {
    color: bool,
}

impl Screen {
    pub fn enter(out: &super::Output) -> io::Result<Screen> {
        let screen = Screen { color: out.color };
        screen.resume()?;
        Ok(screen)
    }

    /// Draws `lines` from the top left, clearing what the previous frame left; `reverse` (the column header) is
    /// shown in reverse video when colour is on. `width` pads that line so the bar spans the screen.
    pub fn draw(&self, lines: &[String], reverse: Option<usize>, width: usize) -> io::Result<()> {
        let mut text = String::from("\x1b[H");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            if self.color && reverse == Some(i) {
                let pad = width.saturating_sub(line.chars().count());
                text.push_str("\x1b[7m");
                text.push_str(line);
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str("\x1b[0m");
            } else {
                text.push_str(line);
            }
            // Clear the rest of the line: the previous frame's line may have been longer.
            text.push_str("\x1b[K");
        }
        // And every line below the last one.
        text.push_str("\x1b[J");
        write_now(&text)
    }

    /// Leaves the screen for a while (Ctrl-Z); `resume` brings it back.
    pub fn leave(&self) {
        leave_screen();
    }

    pub fn resume(&self) -> io::Result<()> {
        write_now(ENTER)?;
        SHOWN.store(true, Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        leave_screen();
    }
}

/// Leaves the alternate screen if it is shown; safe to call from a panic hook and more than once.
pub fn leave_screen() {
    if SHOWN.swap(false, Ordering::SeqCst) {
        let _ = write_now(LEAVE);
    }
}

fn write_now(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

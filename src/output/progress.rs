//! A one-line progress counter on stderr for long runs (`compat check` over many objects × kernels). Only on a
//! terminal: a pipe or a CI log gets nothing, so stderr keeps its one-line-per-error contract for scripts.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    what: &'static str,
    total: usize,
    done: usize,
    /// None when stderr is not a terminal or the run is too short to bother.
    shown: Option<Instant>,
}

/// Runs shorter than this many steps finish before a counter could be read.
const MIN_STEPS: usize = 4;
/// Redraw at most this often: thousands of fast steps should not spend their time writing to the terminal.
const REDRAW: Duration = Duration::from_millis(100);

impl Progress {
    pub fn new(what: &'static str, total: usize) -> Progress {
        let on = total >= MIN_STEPS && io::stderr().is_terminal();
        Progress {
            what,
            total,
            done: 0,
            shown: on.then(|| Instant::now() - REDRAW),
        }
    }

    /// One step finished; `label` names the next one.
    pub fn step(&mut self, label: &str) {
        self.done += 1;
        let Some(last) = self.shown else { return };
        if last.elapsed() < REDRAW && self.done < self.total {
            return;
        }
        self.shown = Some(Instant::now());
        // \r and clear-to-end-of-line: the counter rewrites itself in place.
        let _ = write!(
            io::stderr(),
            "\r\x1b[K{}: {}/{} {label}",
            self.what,
            self.done,
            self.total
        );
    }
}

impl Drop for Progress {
    /// Leaves the line clean for the result (or the error) that follows.
    fn drop(&mut self) {
        if self.shown.is_some() {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}

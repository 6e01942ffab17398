//! `prog top` on a terminal: the table redrawn in place every interval, keys read as they are typed. The
//! terminal is given back as it was on every way out: q, Ctrl-C, SIGTERM, --count, an error (the guards' Drop)
//! and a panic (the hook below); Ctrl-Z gives it back while stopped. Only SIGKILL cannot be caught: then `reset`
//! repairs the terminal, and the kernel still switches the statistics off.

use std::time::Instant;

use crate::cli::TopSort;
use crate::error::Error;
use crate::output::screen::{leave_screen, Screen};
use crate::output::top::{screen_lines, ScreenHead, TopFrame};
use crate::sys::signal;
use crate::sys::terminal::{restore_mode, stdout_size, KeyInput};

use super::{next_deadline, Top};
use crate::cmd::{CmdResult, Context, Outcome};

/// The size to draw for when the terminal does not say.
const FALLBACK_SIZE: (u16, u16) = (80, 24);

/// Leaves the screen and restores the terminal mode before the panic message is printed, so it is readable and
/// the shell is usable after it.
fn restore_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave_screen();
        restore_mode();
        previous(info);
    }));
}

/// What a key asks for.
enum KeyAction {
    Quit,
    Sort(TopSort),
    Nothing,
}

fn key_action(key: u8) -> KeyAction {
    match key {
        b'q' | b'Q' => KeyAction::Quit,
        b'c' | b'C' => KeyAction::Sort(TopSort::Cpu),
        b'e' | b'E' => KeyAction::Sort(TopSort::Events),
        b'r' | b'R' => KeyAction::Sort(TopSort::Runtime),
        b'n' | b'N' => KeyAction::Sort(TopSort::Name),
        _ => KeyAction::Nothing,
    }
}

struct View<'a> {
    ctx: &'a Context,
    screen: Screen,
    frame: Option<TopFrame>,
}

impl View<'_> {
    fn draw(&self, top: &Top) -> crate::error::Result<()> {
        let (cols, rows) = stdout_size().unwrap_or(FALLBACK_SIZE);
        let head = ScreenHead {
            interval_secs: top.interval.as_secs_f64(),
            sort: super::sample::sort_label(top.sort),
            cost: self.ctx.debug.then_some(&top.cost),
            waiting: Some(format!(
                "collecting the first interval ({} s)...",
                top.interval.as_secs_f64()
            )),
        };
        let (lines, header) =
            screen_lines(self.frame.as_ref(), &head, cols as usize, rows as usize);
        self.screen
            .draw(&lines, header, cols as usize)
            .map_err(|e| Error::from_io("terminal", &e, "write failed"))
    }

    /// Ctrl-Z: give the terminal back, stop, and take it again when continued.
    fn suspend(&self, keys: Option<&KeyInput>) -> crate::error::Result<()> {
        self.screen.leave();
        restore_mode();
        signal::stop_self();
        if let Some(keys) = keys {
            keys.enter_key_mode()
                .map_err(|e| Error::from_io("terminal", &e, "cannot read keys"))?;
        }
        self.screen
            .resume()
            .map_err(|e| Error::from_io("terminal", &e, "write failed"))
    }
}

pub(super) fn run(ctx: &Context, top: &mut Top, count: Option<u64>) -> CmdResult {
    signal::stop_on_interrupt();
    signal::watch_terminal();
    restore_on_panic();
    // Without a controlling terminal to read keys from, Ctrl-C and SIGTERM still end it.
    let mut keys = KeyInput::open().ok();
    let screen =
        Screen::enter(&ctx.out).map_err(|e| Error::from_io("terminal", &e, "write failed"))?;
    let mut view = View {
        ctx,
        screen,
        frame: None,
    };
    view.draw(top)?;
    let mut deadline = Instant::now() + top.interval;
    let mut shown = 0u64;
    while count != Some(shown) {
        let now = Instant::now();
        if now >= deadline {
            view.frame = Some(top.next_frame()?);
            shown += 1;
            view.draw(top)?;
            deadline = next_deadline(deadline, top.interval);
            continue;
        }
        let key = match keys.as_mut() {
            Some(k) => k
                .wait_key(deadline - now)
                .map_err(|e| Error::from_io("terminal", &e, "cannot read keys"))?,
            None => {
                signal::pause_for(deadline - now);
                None
            }
        };
        if signal::stop_requested() {
            break;
        }
        if signal::take_suspend() {
            view.suspend(keys.as_ref())?;
        }
        let mut redraw = signal::take_resized();
        match key.map_or(KeyAction::Nothing, key_action) {
            KeyAction::Quit => break,
            KeyAction::Sort(sort) => {
                if let Some(frame) = view.frame.as_mut() {
                    top.resort(frame, sort);
                } else {
                    top.sort = sort;
                }
                redraw = true;
            }
            KeyAction::Nothing => {}
        }
        if redraw {
            view.draw(top)?;
        }
    }
    Ok(Outcome::Success)
}

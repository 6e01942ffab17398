//! The only place that prints. A command returns plain data that derives `Serialize` and implements `Render`;
//! this module turns it into JSON (serde_json) or a table (comfy-table), and prints errors in the one shared form.

pub mod batch;
pub mod btf;
pub mod btf_dump;
pub mod cgroup;
mod check;
pub mod compat;
pub mod compat_ci;
pub mod feature;
pub mod inspect;
pub mod lifecycle;
pub mod link;
pub mod map;
pub mod map_data;
pub mod map_text;
pub mod net;
pub mod perf;
pub mod pretty;
pub mod prog;
pub mod prog_dump;
pub mod progress;
pub mod screen;
pub mod show;
pub mod source;
pub mod stream;
pub mod token;
pub mod top;
pub mod version;

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};
use serde::Serialize;

use crate::error::Error;

/// How the user asked to see results; resolved once from the flags and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
    pretty: bool,
    /// stdout is a terminal: boxed tables and, unless NO_COLOR is set, colour.
    tty: bool,
    color: bool,
}

/// Data that can be shown as text. JSON comes from `Serialize`; this is the table form.
pub trait Render: Serialize {
    fn render(&self, text: &mut Text);
}

/// Whether a status reads as good, bad or neither; drives colour on a terminal only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Warn,
    Plain,
}

/// Text output under construction: tables and free lines, printed in order.
pub struct Text {
    tty: bool,
    color: bool,
    blocks: Vec<String>,
}

impl Text {
    /// A table with one header row. On a terminal it has rules; in a pipe, plain aligned columns for awk and grep.
    pub fn table<I, R>(&mut self, header: &[&str], rows: I)
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = Cell>,
    {
        let mut table = Table::new();
        table.load_preset(if self.tty {
            presets::UTF8_HORIZONTAL_ONLY
        } else {
            presets::NOTHING
        });
        // Wrap to the terminal only when its width is known and usable: a pty of width 0 (script, some CI
        // runners) would otherwise wrap every cell one letter per line.
        let dynamic = self.tty && table.width().is_some_and(|w| w >= 60);
        table.set_content_arrangement(if dynamic {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        });
        table.set_header(header.iter().map(Cell::new));
        for row in rows {
            if self.tty {
                table.add_row(row);
            } else {
                // A line per row in a pipe, whatever a cell holds (a pin path may contain a newline): awk and
                // grep read rows as lines.
                table.add_row(row.into_iter().map(|c| {
                    let content = c.content();
                    if content.chars().any(char::is_control) {
                        Cell::new(one_line(&content))
                    } else {
                        c
                    }
                }));
            }
        }
        let rendered = table.to_string();
        // The NOTHING preset pads every line with one leading space; strip it so columns start at column 0.
        let rendered = if self.tty {
            rendered
        } else {
            rendered
                .lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
                .collect::<Vec<_>>()
                .join("\n")
        };
        self.blocks.push(rendered);
    }

    /// One object's fields, one per line (`key  value`; a field with several values takes several lines), under
    /// a title: the form of a single-object `show`, where a one-row table would hide most of the object.
    pub fn details(&mut self, title: &str, rows: &[(&str, Vec<String>)]) {
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut lines = vec![title.to_string()];
        for (key, values) in rows {
            for (i, value) in values.iter().enumerate() {
                let key = if i == 0 { key } else { "" };
                lines.push(format!("  {key:width$}  {}", one_line(value)));
            }
        }
        self.blocks.push(lines.join("\n"));
    }

    /// A free line of text (a title, a summary).
    pub fn line(&mut self, line: impl Into<String>) {
        self.blocks.push(line.into());
    }

    /// Pre-formatted text printed verbatim (one trailing newline is the block separator).
    pub fn raw(&mut self, text: &str) {
        self.blocks
            .push(text.strip_suffix('\n').unwrap_or(text).to_string());
    }

    /// A cell coloured by tone when colour is on.
    pub fn cell(&self, text: impl ToString, tone: Tone) -> Cell {
        let cell = Cell::new(text.to_string());
        if !self.color {
            return cell;
        }
        match tone {
            Tone::Good => cell.fg(Color::Green),
            Tone::Bad => cell.fg(Color::Red),
            Tone::Warn => cell.fg(Color::Yellow),
            Tone::Plain => cell,
        }
    }
}

impl Output {
    pub fn new(json: bool, pretty: bool) -> Self {
        let tty = io::stdout().is_terminal();
        // https://no-color.org: any non-empty value turns colour off.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            json: json || pretty,
            pretty,
            tty,
            color: tty && !no_color,
        }
    }

    /// Whether results print as JSON; for commands whose data differs by form (e.g. `btf dump format c`).
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether stdout is a terminal (and not JSON): where a command may draw a screen rather than print lines.
    pub fn is_terminal(&self) -> bool {
        self.tty && !self.json
    }

    /// Prints one result. A closed pipe (`| head`) surfaces as `BrokenPipe` for the caller to treat as success.
    pub fn emit<T: Render>(&self, value: &T) -> io::Result<()> {
        self.emit_to(&mut io::stdout().lock(), value)
    }

    /// Prints one result to `out` (a stream's stop-aware stdout, see `stream::StoppableStdout`).
    pub fn emit_to<W: Write, T: Render>(&self, out: W, value: &T) -> io::Result<()> {
        mark_printed();
        let mut out = io::BufWriter::new(out);
        if self.json {
            self.write_json(&mut out, value)?;
        } else {
            let mut text = Text {
                tty: self.tty,
                color: self.color,
                blocks: Vec::new(),
            };
            value.render(&mut text);
            for block in &text.blocks {
                writeln!(out, "{block}")?;
            }
        }
        out.flush()
    }

    /// `-j` compact JSON; `-p` the same laid out as bpftool lays it out (4 spaces, its line breaks).
    fn write_json<W: Write, T: Serialize>(&self, out: &mut W, value: &T) -> io::Result<()> {
        if self.pretty {
            out.write_all(&pretty::layout(&serde_json::to_vec(value)?))
        } else {
            // Straight into the writer's buffer: a Vec doubling up to the output's size would take a fresh heap
            // page for each size it passes through (mimalloc keeps one page per size class).
            serde_json::to_writer(&mut *out, value)?;
            writeln!(out)
        }
    }

    /// A negative answer (a missing key): a line on stderr and, under --json, `null` on stdout as bpftool prints.
    pub fn negative(&self, object: &str, reason: &str) {
        stderr_line(&one_line(&format!("ebpfctl: {object}: {reason}")));
        self.nothing();
    }

    /// A command with nothing to return (`map update`, `map pin`): under --json `null`, as bpftool prints, so a
    /// script's `json.load` of the output works; nothing on a terminal.
    pub fn nothing(&self) {
        if self.json {
            mark_printed();
            let _ = self.write_json(&mut io::stdout().lock(), &serde_json::Value::Null);
        }
    }

    /// The one error form: `ebpfctl: <object>: <reason>` on stderr, and under --json an object on stdout too.
    pub fn error(&self, err: &Error) {
        stderr_line(&one_line(&format!("ebpfctl: {err}")));
        for line in &err.detail {
            stderr_line(&format!("  {}", escape_controls(line, true)));
        }
        if self.json {
            mark_printed();
            let mut body = serde_json::json!({ "error": err.to_string(), "kind": err.kind });
            if !err.detail.is_empty() {
                body["detail"] = serde_json::json!(err.detail);
            }
            let _ = self.write_json(&mut io::stdout().lock(), &body);
        }
    }
}

/// `text` on one line: control characters (a newline in a pin path) written as escapes.
fn one_line(text: &str) -> String {
    escape_controls(text, false)
}

/// Control characters written as escapes (tabs kept when `keep_tabs`): what a hostile file puts in a name that
/// reaches an error (a form feed or an ANSI escape in a section name) can neither split the line nor drive the
/// terminal.
fn escape_controls(text: &str, keep_tabs: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' if keep_tabs => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Whether stdout got a result since the last call: `batch -j` puts `null` where a command printed nothing, so
/// the array stays JSON whatever a line did.
static PRINTED: AtomicBool = AtomicBool::new(false);

fn mark_printed() {
    PRINTED.store(true, Ordering::Relaxed);
}

/// Whether anything was printed since the last call (and forget it).
pub fn take_printed() -> bool {
    PRINTED.swap(false, Ordering::Relaxed)
}

/// A --debug note on stderr, never on stdout, so JSON stays parseable.
pub fn note(message: &str) {
    stderr_line(&format!("ebpfctl: debug: {message}"));
}

/// One line on stderr. eprintln! panics when stderr is a closed pipe (`2>&1 | head -c0`); a message nobody can
/// read is dropped instead.
pub fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.write_all(b"\n");
}

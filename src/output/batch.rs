//! What `batch` prints around its commands. Under -j bpftool's shape: one array of {"command": [words],
//! "output": the command's own JSON}, written as the commands run (each command prints its output itself, in
//! between); `null` stands for a command that printed nothing, so the whole stays one JSON document.

use std::io::{self, Write};

use serde::Serialize;

use super::{Output, Render, Text};

/// The JSON array around a batch's commands; does nothing in text mode.
pub struct BatchFrame {
    json: bool,
    pretty: bool,
    elements: usize,
}

/// bpftool's closing line of a batch in text mode.
#[derive(Debug, Serialize)]
pub struct Processed {
    pub commands: usize,
}

impl Render for Processed {
    fn render(&self, text: &mut Text) {
        text.line(format!("processed {} commands", self.commands));
    }
}

impl Output {
    pub fn batch_frame(&self) -> BatchFrame {
        let frame = BatchFrame {
            json: self.json,
            pretty: self.pretty,
            elements: 0,
        };
        frame.write("[");
        frame
    }

    /// Help text asked for on a batch line, on stdout as clap prints it.
    pub fn help(&self, rendered: &str) {
        super::mark_printed();
        let mut out = io::stdout().lock();
        let _ = out.write_all(rendered.as_bytes()).and_then(|_| out.flush());
    }
}

impl BatchFrame {
    /// Writes framing text now, ahead of what the command prints (which goes to stdout by other paths).
    fn write(&self, text: &str) {
        if self.json {
            let mut out = io::stdout().lock();
            // A closed pipe shows up again in the command's own output, where it is handled.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
        }
    }

    /// Starts an element of the array (a separator after the first).
    pub fn element(&mut self) {
        if self.elements > 0 {
            self.write(if self.pretty { ",\n" } else { "," });
        }
        self.elements += 1;
    }

    /// Opens one command's object; its output follows.
    pub fn begin(&mut self, words: &[String]) {
        self.element();
        let words = serde_json::to_string(words).unwrap_or_else(|_| "[]".to_string());
        let sep = if self.pretty { "\n  " } else { "" };
        self.write(&format!("{{{sep}\"command\":{words},{sep}\"output\":"));
        super::take_printed();
    }

    /// Closes the command's object, with `null` for a command that printed nothing.
    pub fn end(&mut self) {
        if !super::take_printed() {
            self.write("null");
        }
        self.write("}");
    }

    /// Closes the array.
    pub fn finish(&mut self) {
        self.write("]\n");
    }
}

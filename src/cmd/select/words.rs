//! bpftool's keyword arguments (`type xdp`, `map idx 0 id 5`, `dev eth0`, `repeat 100`) as a cursor over words.
//! The words come from clap as plain strings so the command line reads exactly like bpftool's.

use crate::error::{Error, ErrorKind, Result};

pub struct Words<'a> {
    words: &'a [String],
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(words: &'a [String]) -> Self {
        Words { words, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.words.len()
    }

    /// The next word, if any.
    pub fn next_word(&mut self) -> Option<&'a str> {
        let w = self.words.get(self.pos)?;
        self.pos += 1;
        Some(w)
    }

    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(String::as_str)
    }

    /// The value after keyword `key`; a usage error when it is missing.
    pub fn value(&mut self, key: &str) -> Result<&'a str> {
        self.next_word()
            .ok_or_else(|| usage(format!("{key} needs a value")))
    }

    /// The next `n` words (e.g. a two-word MAP).
    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [String]> {
        let end = self.pos + n;
        let slice = self
            .words
            .get(self.pos..end)
            .ok_or_else(|| usage(format!("{what} needs {n} words")))?;
        self.pos = end;
        Ok(slice)
    }

    /// A number after `key`.
    pub fn number<T: std::str::FromStr>(&mut self, key: &str) -> Result<T> {
        let v = self.value(key)?;
        v.parse()
            .map_err(|_| usage(format!("{key}: {v:?} is not a number")))
    }

    /// Fails when words are left over.
    pub fn finish(&self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(w) => Err(usage(format!("unexpected argument {w:?}"))),
        }
    }
}

pub fn usage(why: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, "usage", why)
}

/// `dev NAME` as the whole of `words`.
pub fn dev_name(words: &mut Words<'_>) -> Result<String> {
    match words.next_word() {
        Some("dev") => Ok(words.value("dev")?.to_string()),
        Some(other) => Err(usage(format!("expected `dev NAME`, got {other:?}"))),
        None => Err(usage("expected `dev NAME`")),
    }
}

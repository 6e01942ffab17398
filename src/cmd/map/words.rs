//! bpftool's word grammar for map data verbs: `MAP := id N | pinned PATH | name NAME`, `DATA := [hex] BYTES`,
//! `VALUE := DATA | id N | pinned PATH`. clap hands these verbs their words unparsed, because bpftool's grammar
//! (a byte list that runs until the next keyword) is not something an option parser expresses.

use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};

/// A map as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapRef {
    Id(u32),
    Pinned(PathBuf),
    Name(String),
}

impl std::fmt::Display for MapRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MapRef::Id(id) => write!(f, "map id {id}"),
            MapRef::Pinned(p) => write!(f, "map pinned {}", p.display()),
            MapRef::Name(n) => write!(f, "map name {n}"),
        }
    }
}

/// Words of a verb, consumed from the front.
pub struct Words<'a> {
    words: &'a [String],
    pos: usize,
    /// What the words are for, for errors: `map update`.
    context: &'static str,
}

/// Keywords that end a byte list.
const KEYWORDS: &[&str] = &["key", "value", "any", "exist", "noexist", "--all", "--from"];

impl<'a> Words<'a> {
    pub fn new(words: &'a [String], context: &'static str) -> Self {
        Words {
            words,
            pos: 0,
            context,
        }
    }

    fn usage(&self, reason: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, self.context, reason)
    }

    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(String::as_str)
    }

    pub fn next(&mut self) -> Option<&'a str> {
        let word = self.peek()?;
        self.pos += 1;
        Some(word)
    }

    /// Consumes `keyword` if it is next.
    pub fn eat(&mut self, keyword: &str) -> bool {
        if self.peek() == Some(keyword) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, keyword: &str) -> Result<()> {
        if self.eat(keyword) {
            Ok(())
        } else {
            Err(self.usage(format!(
                "expected '{keyword}', got {}",
                self.describe_next()
            )))
        }
    }

    fn describe_next(&self) -> String {
        self.peek()
            .map_or("nothing".to_string(), |w| format!("'{w}'"))
    }

    /// One argument word, e.g. after `id`.
    pub fn value(&mut self, what: &str) -> Result<&'a str> {
        self.next()
            .ok_or_else(|| self.usage(format!("{what} is missing")))
    }

    pub fn map_ref(&mut self) -> Result<MapRef> {
        match self.next() {
            Some("id") => {
                let text = self.value("map id")?;
                let id = text
                    .parse()
                    .map_err(|_| self.usage(format!("'{text}' is not a map id")))?;
                Ok(MapRef::Id(id))
            }
            Some("pinned") => Ok(MapRef::Pinned(PathBuf::from(self.value("pinned path")?))),
            Some("name") => Ok(MapRef::Name(self.value("map name")?.to_string())),
            Some(other) => Err(self.usage(format!(
                "expected a map (id N | pinned PATH | name NAME), got '{other}'"
            ))),
            None => Err(self.usage("a map is missing (id N | pinned PATH | name NAME)")),
        }
    }

    /// The words of a byte list (or typed value) up to the next keyword.
    pub fn data_words(&mut self) -> Vec<&'a str> {
        let mut out = Vec::new();
        while let Some(w) = self.peek() {
            if KEYWORDS.contains(&w) {
                break;
            }
            out.push(w);
            self.pos += 1;
        }
        out
    }

    pub fn finish(&self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(extra) => Err(self.usage(format!("unexpected '{extra}'"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_map_then_key_bytes_until_keyword() {
        let w = words("id 7 key 1 0 0 0 value hex 2a 00 noexist");
        let mut p = Words::new(&w, "map update");
        assert_eq!(p.map_ref().unwrap(), MapRef::Id(7));
        p.expect("key").unwrap();
        assert_eq!(p.data_words(), vec!["1", "0", "0", "0"]);
        p.expect("value").unwrap();
        assert_eq!(p.data_words(), vec!["hex", "2a", "00"]);
        assert!(p.eat("noexist"));
        p.finish().unwrap();
    }

    #[test]
    fn bad_map_refs_explain_themselves() {
        let w = words("id x");
        assert!(Words::new(&w, "map dump")
            .map_ref()
            .unwrap_err()
            .reason
            .contains("'x' is not a map id"));
        let w = words("");
        assert!(Words::new(&w, "map dump")
            .map_ref()
            .unwrap_err()
            .reason
            .contains("missing"));
    }
}

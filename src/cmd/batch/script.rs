//! A batch file as bpftool reads it: one command per line, words split at blanks, a word that starts with `'` or
//! `"` running to the next same quote (no escapes: the quotes only group), `#` starting a comment, and a line
//! ending in `\` continued by the next one (joined as they stand, as bpftool joins them). Unlike bpftool, a `#`
//! inside quotes is part of the word.

use std::io::BufRead;

use crate::error::{Error, ErrorKind, Result};

/// A physical line longer than this is refused rather than read without end (bpftool stops at 64 KiB).
const LINE_LIMIT: usize = 1 << 20;

/// One command of the file: its words and the line it starts on (1-based).
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub words: Vec<String>,
}

/// Reads commands from a batch file, one at a time, so that each runs as soon as its line is there (a script
/// piping commands to `batch file -` sees each answer before it writes the next).
pub struct Script<R> {
    reader: R,
    label: String,
    /// Physical lines read so far.
    read: usize,
}

impl<R: BufRead> Script<R> {
    pub fn new(reader: R, label: String) -> Self {
        Script {
            reader,
            label,
            read: 0,
        }
    }

    fn error(&self, line: usize, reason: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{} line {line}", self.label),
            reason,
        )
    }

    /// The next physical line without its newline, comment cut; None at the end of the file.
    fn physical(&mut self) -> Result<Option<(String, bool)>> {
        let mut bytes = Vec::new();
        let n = <&mut R as std::io::Read>::take(&mut self.reader, LINE_LIMIT as u64 + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| Error::from_io(&self.label, &e, "cannot read"))?;
        if n == 0 {
            return Ok(None);
        }
        self.read += 1;
        if bytes.len() > LINE_LIMIT {
            return Err(self.error(self.read, "longer than 1 MiB"));
        }
        let text = String::from_utf8(bytes).map_err(|_| self.error(self.read, "not UTF-8 text"))?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let code = cut_comment(text);
        Ok(Some(match code.strip_suffix('\\') {
            // A comment ends the line: a `\` before it continues nothing (as in bpftool).
            Some(head) if code.len() == text.len() => (head.to_string(), true),
            _ => (code.to_string(), false),
        }))
    }

    /// The next command, or None at the end of the file. Blank and comment-only lines are skipped.
    pub fn next_command(&mut self) -> Result<Option<Line>> {
        loop {
            let Some((mut text, mut continued)) = self.physical()? else {
                return Ok(None);
            };
            let number = self.read;
            while continued {
                let Some((more, again)) = self.physical()? else {
                    return Err(self.error(number, "ends with `\\` but no line follows"));
                };
                text.push_str(&more);
                continued = again;
            }
            let words = split_words(&text).map_err(|why| self.error(number, why))?;
            if !words.is_empty() {
                return Ok(Some(Line { number, words }));
            }
        }
    }
}

/// The line up to a `#` that is not inside quotes.
fn cut_comment(line: &str) -> &str {
    let mut quote = None;
    let mut word_start = true;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                word_start = true;
                continue;
            }
            Some(_) => continue,
            None if c == '#' => return &line[..i],
            None if word_start && (c == '\'' || c == '"') => quote = Some(c),
            None => {}
        }
        word_start = c.is_ascii_whitespace();
    }
    line
}

/// bpftool's word splitting: blanks separate words; a word starting with a quote ends at the next same quote.
fn split_words(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let Some(first) = rest.chars().next() else {
            return Ok(words);
        };
        if first == '\'' || first == '"' {
            let body = &rest[1..];
            let end = body
                .find(first)
                .ok_or_else(|| format!("unterminated {first}quoted{first} string"))?;
            words.push(body[..end].to_string());
            rest = &body[end + 1..];
        } else {
            let end = rest.find([' ', '\t', '\r', '\n']).unwrap_or(rest.len());
            words.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(text: &str) -> Result<Vec<(usize, Vec<String>)>> {
        let mut script = Script::new(text.as_bytes(), "batch file t".to_string());
        let mut out = Vec::new();
        while let Some(line) = script.next_command()? {
            out.push((line.number, line.words));
        }
        Ok(out)
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    #[test]
    fn lines_comments_quotes_and_continuations() {
        let text = "# a comment\n\
                    map update id 3 key 1 0 0 0 value 2 0 0 0   # trailing\n\
                    \n\
                    map lookup id 3 \\\n   key 1 0 0 0\n\
                    prog show name 'a b' \"c#d\"\r\n\
                    map pin id 3 /sys/fs/bpf/x\\\ny\n";
        let got = commands(text).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(
            got[0],
            (2, words("map update id 3 key 1 0 0 0 value 2 0 0 0"))
        );
        assert_eq!(got[1], (4, words("map lookup id 3 key 1 0 0 0")));
        assert_eq!(got[2].1, vec!["prog", "show", "name", "a b", "c#d"]);
        // Joined as bpftool joins: no blank is inserted where the backslash was.
        assert_eq!(got[3], (7, words("map pin id 3 /sys/fs/bpf/xy")));
    }

    #[test]
    fn errors_name_the_line() {
        let err = commands("map show\nprog show name 'open\n").unwrap_err();
        assert_eq!(err.object, "batch file t line 2");
        assert!(err.reason.contains("unterminated"), "{}", err.reason);
        let err = commands("map show\nmap dump id 1 \\\n").unwrap_err();
        assert_eq!(err.object, "batch file t line 2");
        // A comment after the backslash means the line is not continued.
        assert_eq!(
            commands("map show \\ # x\nmap dump id 1\n").unwrap().len(),
            2
        );
        assert_eq!(commands("").unwrap(), vec![]);
    }

    #[test]
    fn a_quote_inside_a_word_is_a_character() {
        assert_eq!(split_words("a'b c").unwrap(), vec!["a'b", "c"]);
        assert_eq!(split_words("'x'y").unwrap(), vec!["x", "y"]);
        assert_eq!(cut_comment("a'#b"), "a'");
    }
}

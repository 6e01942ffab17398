//! bpftool's pretty layout, applied to compact JSON text: what `-p` prints, and what `map dump`/`map lookup` print
//! without `-j` for maps with BTF (bpftool's "formatted blocks"). bpftool's json_writer indents 4 spaces per level,
//! starts each member on its own line, keeps array elements on the line of the `[` and closes a non-empty container
//! on a line of its own:
//!
//! ```text
//! [{
//!         "key": ["0x00","0x00"
//!         ],
//!         "value": {
//!             ".rodata": [{
//!                     "targ_pid": 0
//!                 }
//!             ]
//!         }
//!     }
//! ]
//! ```
//!
//! The input is our own JSON (or the plain-text flavor, whose bare words `0x5` and `(nil)` are carried over as they
//! are); it is fed in whole tokens, so a dump can stream through it element by element. Duplicate member names
//! (anonymous structs) pass through, as bpftool prints them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

/// The layout state between feeds.
#[derive(Debug, Default)]
pub struct Jsonw {
    stack: Vec<Container>,
    /// A `,` was read and is owed before the next member or element.
    comma: bool,
    /// Something was written inside the innermost container (bpftool's `sep`): its end goes on a new line.
    filled: bool,
    /// In an object, the next string is a member name.
    expect_name: bool,
}

impl Jsonw {
    pub fn new() -> Jsonw {
        Jsonw::default()
    }

    fn newline(&self, out: &mut Vec<u8>) {
        out.push(b'\n');
        for _ in 0..self.stack.len() {
            out.extend_from_slice(b"    ");
        }
    }

    /// Lays out `compact` (whole tokens) onto `out`.
    pub fn feed(&mut self, compact: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while i < compact.len() {
            let c = compact[i];
            match c {
                b'{' | b'[' => {
                    self.pay_comma(out);
                    out.push(c);
                    self.stack.push(if c == b'{' {
                        Container::Object
                    } else {
                        Container::Array
                    });
                    self.filled = false;
                    self.expect_name = c == b'{';
                    i += 1;
                }
                b'}' | b']' => {
                    self.stack.pop();
                    if self.filled {
                        self.newline(out);
                    }
                    out.push(c);
                    self.filled = true;
                    self.expect_name = false;
                    i += 1;
                }
                b',' => {
                    self.comma = true;
                    self.expect_name = self.stack.last() == Some(&Container::Object);
                    i += 1;
                }
                b':' => i += 1,
                _ => {
                    let end = token_end(compact, i);
                    if self.expect_name {
                        self.pay_comma(out);
                        self.newline(out);
                        out.extend_from_slice(&compact[i..end]);
                        out.extend_from_slice(b": ");
                        self.expect_name = false;
                        // The value follows the name without a comma or a new line.
                        self.filled = false;
                    } else {
                        self.pay_comma(out);
                        out.extend_from_slice(&compact[i..end]);
                        self.filled = true;
                    }
                    i = end;
                }
            }
        }
    }

    fn pay_comma(&mut self, out: &mut Vec<u8>) {
        if self.comma {
            out.push(b',');
            self.comma = false;
        }
    }
}

/// Where the string, number or bare word starting at `i` ends.
fn token_end(text: &[u8], i: usize) -> usize {
    if text[i] == b'"' {
        let mut j = i + 1;
        while j < text.len() {
            match text[j] {
                b'\\' => j += 2,
                b'"' => return j + 1,
                _ => j += 1,
            }
        }
        return text.len();
    }
    text[i..]
        .iter()
        .position(|b| matches!(b, b',' | b':' | b']' | b'}' | b'[' | b'{'))
        .map_or(text.len(), |n| i + n)
}

/// One whole document in bpftool's layout, with its final newline.
pub fn layout(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() * 2);
    Jsonw::new().feed(compact, &mut out);
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(compact: &str) -> String {
        String::from_utf8(layout(compact.as_bytes())).unwrap()
    }

    #[test]
    fn lays_out_like_bpftools_json_writer() {
        assert_eq!(
            show(r#"[{"key":["0x00","0x01"],"formatted":{"value":{".bss":[{"n":1},{"s":"a,b:c]"}]}}},{"e":[],"o":{}}]"#),
            "[{\n        \"key\": [\"0x00\",\"0x01\"\n        ],\n        \"formatted\": {\n            \"value\": {\n                \".bss\": [{\n                        \"n\": 1\n                    },{\n                        \"s\": \"a,b:c]\"\n                    }\n                ]\n            }\n        }\n    },{\n        \"e\": [],\n        \"o\": {}\n    }\n]\n"
        );
        assert_eq!(show("[]"), "[]\n");
        assert_eq!(show("null"), "null\n");
        assert_eq!(
            show(r#"{"id":1,"p":[1,2],"x":0x5,"q":"\"{"}"#),
            "{\n    \"id\": 1,\n    \"p\": [1,2\n    ],\n    \"x\": 0x5,\n    \"q\": \"\\\"{\"\n}\n"
        );
    }

    #[test]
    fn a_stream_fed_in_pieces_lays_out_as_a_whole() {
        let whole = r#"[{"a":[1,{"b":2}]},{"a":[]}]"#;
        let mut out = Vec::new();
        let mut w = Jsonw::new();
        for piece in ["[", r#"{"a":[1,{"b":2}]}"#, ",", r#"{"a":[]}"#, "]"] {
            w.feed(piece.as_bytes(), &mut out);
        }
        out.push(b'\n');
        assert_eq!(out, layout(whole.as_bytes()));
    }
}

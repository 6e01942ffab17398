//! Streaming output for event streams (`map watch`), and the hex spellings shared with map dumps: JSON written
//! piece by piece into one buffered writer, no per-entry allocation.

use std::io::{self, Write};

/// `"0x2a"` for every byte value, computed once: formatting hex is the hot loop of a dump.
static HEX_WORDS: [[u8; 6]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 6]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [b'"', b'0', b'x', DIGITS[i >> 4], DIGITS[i & 15], b'"'];
        i += 1;
    }
    table
};

/// Writes bytes as bpftool does in JSON: `["0x01","0x00"]`.
pub fn write_hex_array<W: Write>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&HEX_WORDS[*b as usize])?;
    }
    out.write_all(b"]")
}

/// Writes bytes as bpftool does in plain text: `01 00 2a`.
pub fn write_hex_text<W: Write>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.write_all(b" ")?;
        }
        out.write_all(&HEX_WORDS[*b as usize][3..5])?;
    }
    Ok(())
}

/// Events as lines: JSON objects under --json (`{"cpu":0,"type":9,"data":[..]}` as bpftool's event_pipe), hex text
/// otherwise. Errors are kept until `flush`, because the callbacks that produce events cannot return them.
pub struct EventWriter {
    out: io::BufWriter<io::Stdout>,
    json: bool,
    error: Option<io::Error>,
}

/// PERF_RECORD_SAMPLE and PERF_RECORD_LOST, the `type` values bpftool prints.
const PERF_RECORD_SAMPLE: u32 = 9;
const PERF_RECORD_LOST: u32 = 2;

impl super::Output {
    pub fn event_writer(&self) -> EventWriter {
        EventWriter {
            out: io::BufWriter::new(io::stdout()),
            json: self.json,
            error: None,
        }
    }
}

impl EventWriter {
    fn record(
        &mut self,
        write: impl FnOnce(&mut io::BufWriter<io::Stdout>, bool) -> io::Result<()>,
    ) {
        if self.error.is_none() {
            if let Err(e) = write(&mut self.out, self.json) {
                self.error = Some(e);
            }
        }
    }

    pub fn ring_event(&mut self, data: &[u8]) {
        self.record(|out, json| {
            if json {
                out.write_all(b"{\"data\":")?;
                write_hex_array(out, data)?;
                out.write_all(b"}\n")
            } else {
                write_hex_text(out, data)?;
                out.write_all(b"\n")
            }
        });
    }

    pub fn perf_event(&mut self, cpu: i32, data: &[u8]) {
        self.record(|out, json| {
            if json {
                write!(
                    out,
                    "{{\"type\":{PERF_RECORD_SAMPLE},\"cpu\":{cpu},\"data\":"
                )?;
                write_hex_array(out, data)?;
                out.write_all(b"}\n")
            } else {
                write!(out, "CPU: {cpu:>2}  ")?;
                write_hex_text(out, data)?;
                out.write_all(b"\n")
            }
        });
    }

    pub fn perf_lost(&mut self, cpu: i32, count: u64) {
        self.record(|out, json| {
            if json {
                writeln!(
                    out,
                    "{{\"type\":{PERF_RECORD_LOST},\"cpu\":{cpu},\"lost\":{count}}}"
                )
            } else {
                writeln!(out, "CPU: {cpu:>2}  lost {count} events")
            }
        });
    }

    /// Writes out what is buffered; reports the first error any event hit.
    pub fn flush(&mut self) -> io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms_match_bpftool() {
        let mut json = Vec::new();
        write_hex_array(&mut json, &[1, 0, 0x2a, 0xff]).unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            r#"["0x01","0x00","0x2a","0xff"]"#
        );
        for bytes in [&[][..], &[7], &[1, 0, 0x2a, 0xff]] {
            let (mut generic, mut pushed) = (b"x".to_vec(), b"x".to_vec());
            write_hex_array(&mut generic, bytes).unwrap();
            crate::fastfmt::push_hex_array(&mut pushed, bytes);
            assert_eq!(generic, pushed);
        }
        let mut text = Vec::new();
        write_hex_text(&mut text, &[1, 0xab]).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "01 ab");
    }
}

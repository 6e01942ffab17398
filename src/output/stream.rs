//! Streaming output for event streams (`map watch`), and the hex spellings shared with map dumps: JSON written
//! piece by piece into one buffered writer, no per-entry allocation.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;

use crate::sys::signal;

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

/// A pipe write of at most PIPE_BUF bytes, once poll(2) says there is room, does not block.
const PIPE_BUF: usize = 4096;

/// How long one wait for room in stdout may last before the stop flag is looked at again.
const WAIT_MS: i32 = 100;

/// Standard output for streams that end on Ctrl-C or SIGTERM (`map watch`, `prog tracelog`). A plain write to a
/// pipe nobody reads blocks for ever, and std retries it after the signal: the stream would never notice it was
/// asked to stop. Here each write waits for room with poll() in short steps and writes at most PIPE_BUF bytes,
/// so it never blocks; once a stop is requested it writes only what fits without waiting, then reports
/// `BrokenPipe`, which streams treat as their normal end.
pub struct StoppableStdout {
    /// A duplicate of fd 1 (no std buffering between this writer and the kernel); None if it could not be made.
    file: Option<File>,
}

impl StoppableStdout {
    pub fn new() -> Self {
        StoppableStdout {
            file: io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(File::from),
        }
    }
}

impl Default for StoppableStdout {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for StoppableStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(file) = &mut self.file else {
            return io::stdout().write(buf);
        };
        loop {
            let stopping = signal::stop_requested();
            if signal::wait_writable(file.as_fd(), if stopping { 0 } else { WAIT_MS })? {
                match file.write(&buf[..buf.len().min(PIPE_BUF)]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    done => return done,
                }
            }
            if stopping {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "stopped while stdout was full",
                ));
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Events as lines: JSON objects under --json (`{"cpu":0,"type":9,"data":[..]}` as bpftool's event_pipe), hex text
/// otherwise. Errors are kept until `flush`, because the callbacks that produce events cannot return them.
pub struct EventWriter {
    out: io::BufWriter<StoppableStdout>,
    json: bool,
    error: Option<io::Error>,
}

/// PERF_RECORD_SAMPLE and PERF_RECORD_LOST, the `type` values bpftool prints.
const PERF_RECORD_SAMPLE: u32 = 9;
const PERF_RECORD_LOST: u32 = 2;

impl super::Output {
    pub fn event_writer(&self) -> EventWriter {
        super::mark_printed();
        EventWriter {
            out: io::BufWriter::new(StoppableStdout::new()),
            json: self.json,
            error: None,
        }
    }
}

impl EventWriter {
    fn record(
        &mut self,
        write: impl FnOnce(&mut io::BufWriter<StoppableStdout>, bool) -> io::Result<()>,
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

    /// A perf event array's sample, as bpftool's event_pipe prints it: `type`, `cpu`, `index` (the array slot),
    /// `timestamp` (ns, CLOCK_MONOTONIC) and `data`.
    pub fn perf_event(&mut self, cpu: i32, index: i32, time: u64, data: &[u8]) {
        self.record(|out, json| {
            if json {
                write!(
                    out,
                    "{{\"type\":{PERF_RECORD_SAMPLE},\"cpu\":{cpu},\"index\":{index},\"timestamp\":{time},\"data\":"
                )?;
                write_hex_array(out, data)?;
                out.write_all(b"}\n")
            } else {
                write!(out, "CPU: {cpu:>2}  index: {index:>2}  ")?;
                write_hex_text(out, data)?;
                out.write_all(b"\n")
            }
        });
    }

    /// Events the ring had no room for: bpftool's `"lost": {"id", "count"}`.
    pub fn perf_lost(&mut self, cpu: i32, index: i32, id: u64, count: u64) {
        self.record(|out, json| {
            if json {
                writeln!(
                    out,
                    "{{\"type\":{PERF_RECORD_LOST},\"cpu\":{cpu},\"index\":{index},\"lost\":{{\"id\":{id},\"count\":{count}}}}}"
                )
            } else {
                writeln!(out, "CPU: {cpu:>2}  index: {index:>2}  lost {count} events")
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

//! The kernel's trace pipe (bpf_printk output), read with a timeout so a reader can notice Ctrl-C between lines.

use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::path::Path;

use super::fs::{ensure_mounted, PseudoFs, TRACEFS_PATH};

pub struct TracePipe {
    file: std::fs::File,
    pending: Vec<u8>,
}

impl TracePipe {
    pub fn open() -> crate::error::Result<TracePipe> {
        ensure_mounted(PseudoFs::Trace)?;
        let path = Path::new(TRACEFS_PATH).join("trace_pipe");
        let file = std::fs::File::open(&path).map_err(|e| {
            crate::error::Error::from_io(path.display().to_string(), &e, "cannot open")
        })?;
        Ok(TracePipe {
            file,
            pending: Vec::new(),
        })
    }

    /// Complete lines that arrived within `timeout_ms` (none on timeout).
    pub fn read_lines(&mut self, timeout_ms: i32) -> io::Result<Vec<String>> {
        let mut pfd = libc::pollfd {
            fd: self.file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(Vec::new())
            } else {
                Err(e)
            };
        }
        if n == 0 {
            return Ok(Vec::new());
        }
        let mut buf = [0u8; 8192];
        let got = match self.file.read(&mut buf) {
            Ok(n) => n,
            // A signal (Ctrl-C) during the read: the caller looks at its stop flag.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        self.pending.extend_from_slice(&buf[..got]);
        let mut lines = Vec::new();
        while let Some(pos) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=pos).collect();
            lines.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
        }
        Ok(lines)
    }
}

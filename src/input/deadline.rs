//! A stall deadline for reading a user's file. open(2) and read(2) on a filesystem that stops answering (an NFS
//! server gone, a FUSE daemon hung) block in the kernel, and O_NONBLOCK does not apply to regular files. So the I/O
//! runs on a helper thread while the caller waits for it; when no byte has arrived for the stall limit the caller
//! gets an error and the command ends (process exit takes the blocked thread with it: NFS and FUSE waits yield to
//! SIGKILL). The limit is on silence, not on total time, so a large file on a slow but working disk still reads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};

/// Without a word from the filesystem for this long, a read is given up.
const DEFAULT_STALL: Duration = Duration::from_secs(10);

/// How often the waiting side looks at the reader's progress.
const TICK: Duration = Duration::from_millis(50);

/// Bytes the reader has taken so far, for the waiting side to see it is not stuck.
#[derive(Debug, Default)]
pub struct Progress(AtomicU64);

impl Progress {
    pub fn advance(&self, bytes: usize) {
        self.0.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The stall limit: `EBPFCTL_IO_TIMEOUT` seconds (a decimal number above 0), else 10 s.
pub fn stall_limit() -> Duration {
    std::env::var("EBPFCTL_IO_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e6)
        .map_or(DEFAULT_STALL, Duration::from_secs_f64)
}

/// Runs `work` on a helper thread and returns its result, or a stall error naming `label` once `work` has made no
/// progress for the stall limit.
pub fn run<T, F>(label: &str, what: &str, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Progress) -> Result<T> + Send + 'static,
{
    let progress = Arc::new(Progress::default());
    let (tx, rx) = mpsc::sync_channel(1);
    let shared = Arc::clone(&progress);
    std::thread::Builder::new()
        .name("ebpfctl-read".into())
        .spawn(move || {
            let _ = tx.send(work(&shared));
        })
        .map_err(|e| Error::from_io(label, &e, &format!("{what}: cannot start the reader")))?;
    let limit = stall_limit();
    let (mut seen, mut since) = (0, Instant::now());
    loop {
        match rx.recv_timeout(TICK.min(limit)) {
            Ok(result) => return result,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::new(
                    ErrorKind::Kernel,
                    label,
                    format!("{what}: the reader ended without an answer"),
                ))
            }
            Err(RecvTimeoutError::Timeout) => {
                let now = progress.bytes();
                if now != seen {
                    (seen, since) = (now, Instant::now());
                } else if since.elapsed() >= limit {
                    return Err(stalled(label, what, limit));
                }
            }
        }
    }
}

fn stalled(label: &str, what: &str, limit: Duration) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        label,
        format!(
            "{what}: no answer from its file system for {:.1} s (a hung network or FUSE mount?); \
             EBPFCTL_IO_TIMEOUT sets the limit in seconds",
            limit.as_secs_f64()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_pass_through_and_silence_is_an_error() {
        assert_eq!(run("x", "read", |_| Ok(7)).unwrap(), 7);
        std::env::set_var("EBPFCTL_IO_TIMEOUT", "0.2");
        let started = Instant::now();
        let err = run("slow", "cannot read", |_| {
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        })
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.to_string().contains("no answer"), "{err}");
        // Steady progress is not a stall, however long it takes in total.
        let ok = run("steady", "cannot read", |p| {
            for _ in 0..8 {
                std::thread::sleep(Duration::from_millis(60));
                p.advance(1);
            }
            Ok(())
        });
        std::env::remove_var("EBPFCTL_IO_TIMEOUT");
        assert!(ok.is_ok());
    }
}

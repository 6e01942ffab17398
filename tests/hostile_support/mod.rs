//! Helpers for the hostile-input tests: runs with a deadline, the one-line error check, FIFOs and sockets, and a
//! FUSE file system that never answers (a stand-in for a dead NFS server or a hung FUSE daemon).
#![allow(dead_code)]

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;

/// A fresh scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub fn mkfifo(path: &Path) {
    let status = common::host_command("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A bound unix socket at `path` (kept while the listener lives).
pub fn unix_socket(path: &Path) -> std::os::unix::net::UnixListener {
    let _ = std::fs::remove_file(path);
    std::os::unix::net::UnixListener::bind(path).expect("bind a unix socket")
}

/// Outcome of a bounded run.
pub struct Bounded {
    pub run: common::Run,
    pub took: Duration,
}

/// Runs ebpfctl with `args` and `env`, stdin closed (/dev/null); kills it and fails the test if it is still
/// running after `limit` (the hang this file is about).
pub fn run_bounded(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Bounded {
    let mut cmd = Command::new(common::bin());
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run ebpfctl");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "ebpfctl {args:?} still running after {limit:?} (killed); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    let out = child.wait_with_output().expect("collect output");
    Bounded {
        run: common::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        took,
    }
}

/// Asserts the house's error form for a `-j` run: exit 2, exactly one stderr line `ebpfctl: <object>: …`
/// containing `reason`, and `{"error", "kind"}` on stdout with `kind`. Returns the stderr line.
pub fn assert_error(run: &common::Run, kind: &str, reason: &str) -> String {
    let context = format!("stdout {:?} stderr {:?}", run.stdout, run.stderr);
    assert_eq!(run.code, 2, "{context}");
    assert!(!run.stderr.contains("panicked"), "{context}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one stderr line: {context}");
    assert!(lines[0].starts_with("ebpfctl: "), "{context}");
    assert!(
        lines[0].contains(reason),
        "expected {reason:?} in: {context}"
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON error object");
    assert_eq!(v["kind"], kind, "{context}");
    assert_eq!(
        v["error"].as_str().map(|e| format!("ebpfctl: {e}")),
        Some(lines[0].to_string()),
        "the JSON error is the stderr line"
    );
    lines[0].to_string()
}

/// The words of `map create PATH type TYPE key 4 value VALUE entries ENTRIES name m`.
pub fn map_create(path: &str, map_type: &str, value: u32, entries: u32) -> Vec<String> {
    let (value, entries) = (value.to_string(), entries.to_string());
    let words = [
        "map", "create", path, "type", map_type, "key", "4", "value", &value,
    ];
    let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    args.extend(["entries", &entries, "name", "m"].map(String::from));
    args
}

/// Owned words as the `&[&str]` the runners take.
pub fn words(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// A hash map with 4-byte keys made by root at `path`.
pub fn new_hash_map(path: &str, value: u32, entries: u32) {
    let run = common::ebpfctl(&words(&map_create(path, "hash", value, entries)));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `n` JSON lines for `map update --from`: keys 0..n (4 bytes), each value 1..=8.
pub fn json_lines(n: u32) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"key\":{:?},\"value\":[1,2,3,4,5,6,7,8]}}\n",
                i.to_le_bytes()
            )
        })
        .collect()
}

// ---- A FUSE file system that stops answering ----------------------------------------------------------------

const FUSE_LOOKUP: u32 = 1;
const FUSE_GETATTR: u32 = 3;
const FUSE_OPEN: u32 = 14;
const FUSE_READ: u32 = 15;
const FUSE_RELEASE: u32 = 18;
const FUSE_FLUSH: u32 = 25;
const FUSE_INIT: u32 = 26;
const FUSE_INTERRUPT: u32 = 36;
const FUSE_DESTROY: u32 = 38;
const FUSE_FORGET: u32 = 2;
const FUSE_BATCH_FORGET: u32 = 42;
const FOPEN_DIRECT_IO: u32 = 1;

/// Inodes of the file system: the root, a file whose reads never answer, a file whose open never answers.
const ROOT: u64 = 1;
const READ_STALLS: u64 = 2;
const OPEN_STALLS: u64 = 3;

/// A FUSE mount (the kernel's /dev/fuse protocol spoken directly, no libfuse) whose `read-stalls` file opens
/// but never answers a read, and whose `open-stalls` file never answers its open. A request the kernel
/// interrupts (a reader being killed) is answered with EINTR, as a live daemon would, so the killed reader can go.
pub struct StalledFs {
    pub dir: PathBuf,
    stop: Arc<AtomicBool>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl StalledFs {
    pub fn mount(dir: &Path) -> StalledFs {
        std::fs::create_dir_all(dir).unwrap();
        // SAFETY: a plain open(2) of a NUL-terminated constant path.
        let raw = unsafe { libc::open(c"/dev/fuse".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
        assert!(
            raw >= 0,
            "open /dev/fuse: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: raw is a new fd nobody else owns.
        let fuse = unsafe { OwnedFd::from_raw_fd(raw) };
        let target = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
        let opts = std::ffi::CString::new(format!(
            "fd={raw},rootmode=40000,user_id=0,group_id=0,allow_other"
        ))
        .unwrap();
        // SAFETY: all pointers are NUL-terminated strings valid for the call.
        let rc = unsafe {
            libc::mount(
                c"ebpfctl-stalled".as_ptr(),
                target.as_ptr(),
                c"fuse".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                opts.as_ptr().cast(),
            )
        };
        assert_eq!(rc, 0, "mount fuse: {}", std::io::Error::last_os_error());
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let server = std::thread::spawn(move || serve(fuse, &flag));
        StalledFs {
            dir: dir.to_path_buf(),
            stop,
            server: Some(server),
        }
    }

    pub fn read_stalls(&self) -> PathBuf {
        self.dir.join("read-stalls")
    }

    pub fn open_stalls(&self) -> PathBuf {
        self.dir.join("open-stalls")
    }
}

impl Drop for StalledFs {
    fn drop(&mut self) {
        let target = std::ffi::CString::new(self.dir.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: target is NUL-terminated.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
        self.stop.store(true, Ordering::SeqCst);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

fn serve(fuse: OwnedFd, stop: &AtomicBool) {
    let mut buf = vec![0u8; 1 << 17];
    while !stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd: fuse.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, 100) } <= 0 {
            continue;
        }
        // SAFETY: buf is valid for its length.
        let n = unsafe { libc::read(fuse.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 40 {
            if n < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENODEV) {
                return; // unmounted
            }
            continue;
        }
        let u32_at = |o: usize| u32::from_ne_bytes(buf[o..o + 4].try_into().unwrap());
        let u64_at = |o: usize| u64::from_ne_bytes(buf[o..o + 8].try_into().unwrap());
        let (opcode, unique, node) = (u32_at(4), u64_at(8), u64_at(16));
        let body = &buf[40..n as usize];
        let reply = match opcode {
            FUSE_INIT => Some(init_reply()),
            FUSE_LOOKUP => Some(lookup_reply(body)),
            FUSE_GETATTR => Some(Ok(attr_out(node))),
            FUSE_OPEN if node == OPEN_STALLS => None,
            FUSE_OPEN => Some(Ok([
                0u64.to_ne_bytes(),
                u64::from(FOPEN_DIRECT_IO).to_ne_bytes(),
            ]
            .concat())),
            FUSE_READ => None,
            FUSE_INTERRUPT => {
                // Answer the interrupted request (its unique is the body's first word) with EINTR.
                let target = u64::from_ne_bytes(body[0..8].try_into().unwrap());
                write_reply(&fuse, target, Err(libc::EINTR));
                None
            }
            FUSE_FLUSH | FUSE_RELEASE => Some(Ok(Vec::new())),
            FUSE_FORGET | FUSE_BATCH_FORGET => None,
            FUSE_DESTROY => return,
            _ => Some(Err(libc::ENOSYS)),
        };
        if let Some(reply) = reply {
            write_reply(&fuse, unique, reply);
        }
    }
}

fn write_reply(fuse: &OwnedFd, unique: u64, reply: Result<Vec<u8>, i32>) {
    let (error, body) = match reply {
        Ok(body) => (0i32, body),
        Err(errno) => (-errno, Vec::new()),
    };
    let mut out = Vec::with_capacity(16 + body.len());
    out.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    out.extend_from_slice(&error.to_ne_bytes());
    out.extend_from_slice(&unique.to_ne_bytes());
    out.extend_from_slice(&body);
    // SAFETY: out is valid for its length.
    unsafe { libc::write(fuse.as_raw_fd(), out.as_ptr().cast(), out.len()) };
}

/// fuse_init_out for protocol 7.31: no features asked for.
fn init_reply() -> Result<Vec<u8>, i32> {
    let mut out = Vec::new();
    for word in [7u32, 31, 0, 0] {
        out.extend_from_slice(&word.to_ne_bytes()); // major, minor, max_readahead, flags
    }
    out.extend_from_slice(&1u16.to_ne_bytes()); // max_background
    out.extend_from_slice(&1u16.to_ne_bytes()); // congestion_threshold
    out.extend_from_slice(&4096u32.to_ne_bytes()); // max_write
    out.extend_from_slice(&1u32.to_ne_bytes()); // time_gran
    out.resize(64, 0);
    Ok(out)
}

fn lookup_reply(body: &[u8]) -> Result<Vec<u8>, i32> {
    let name = body.split(|&b| b == 0).next().unwrap_or_default();
    let node = match name {
        b"read-stalls" => READ_STALLS,
        b"open-stalls" => OPEN_STALLS,
        _ => return Err(libc::ENOENT),
    };
    // fuse_entry_out: nodeid, generation, entry_valid, attr_valid, two nsec words, then fuse_attr.
    let mut out = Vec::new();
    for word in [node, 0, 0, 0] {
        out.extend_from_slice(&word.to_ne_bytes());
    }
    out.extend_from_slice(&[0u8; 8]);
    out.extend_from_slice(&attr(node));
    Ok(out)
}

/// fuse_attr_out: attr_valid, attr_valid_nsec, dummy, then fuse_attr.
fn attr_out(node: u64) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    out.extend_from_slice(&attr(node));
    out
}

/// fuse_attr (88 bytes): the root is a directory, the files are 64 KiB regular files.
fn attr(node: u64) -> Vec<u8> {
    let (mode, size) = if node == ROOT {
        (0o040755u32, 0u64)
    } else {
        (0o100644, 65536)
    };
    let mut out = Vec::new();
    for word in [node, size, size / 512, 0, 0, 0] {
        out.extend_from_slice(&word.to_ne_bytes()); // ino, size, blocks, atime, mtime, ctime
    }
    for word in [0u32, 0, 0, mode, 1, 0, 0, 0, 4096, 0] {
        out.extend_from_slice(&word.to_ne_bytes()); // nsecs, mode, nlink, uid, gid, rdev, blksize, flags
    }
    out
}

//! Shared test harness: run the real binary as a subprocess, parse its JSON, ask bpftool as an oracle, and build
//! BPF fixtures from tests/bpf/*.bpf.c with clang.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_ebpfctl");

/// The binary under test: EBPFCTL_BIN overrides (e.g. the static musl build), otherwise cargo's own build.
pub fn bin() -> String {
    std::env::var("EBPFCTL_BIN").unwrap_or_else(|_| BIN.to_string())
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {:?}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs ebpfctl with `args`, whatever its exit status.
pub fn ebpfctl(args: &[&str]) -> Run {
    ensure_fs();
    finish(
        Command::new(bin())
            .args(args)
            .env_remove("NO_COLOR")
            .output()
            .expect("run ebpfctl"),
    )
}

/// Runs `ebpfctl -j args`, asserts exit 0 and returns the parsed JSON.
pub fn ebpfctl_json(args: &[&str]) -> Value {
    let mut full = vec!["-j"];
    full.extend_from_slice(args);
    let run = ebpfctl(&full);
    assert_eq!(
        run.code, 0,
        "ebpfctl {args:?} failed: {}\n{}",
        run.stderr, run.stdout
    );
    run.json()
}

/// A command for a host tool (bpftool, clang, iproute2...). cargo's LD_LIBRARY_PATH for musl test runs points
/// into the build's native library dirs, where the glibc linker script libc.so breaks dynamic host binaries.
pub fn host_command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_remove("LD_LIBRARY_PATH");
    cmd
}

/// bpftool as a test oracle: `bpftool -j args`, parsed. bpftool 7.1 fails a whole listing when an object
/// vanishes between its id walk and its open (tests in other threads unload theirs), so a failed call is retried
/// a few times before it counts.
pub fn bpftool_json(args: &[&str]) -> Value {
    let run = || {
        host_command("bpftool")
            .arg("-j")
            .args(args)
            .output()
            .expect("bpftool is installed by scripts/setup.sh")
    };
    let mut out = run();
    for _ in 0..4 {
        if out.status.success() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        out = run();
    }
    assert!(
        out.status.success(),
        "bpftool {args:?}: {:?} {} {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("bpftool prints JSON")
}

/// bpffs and tracefs, as the tests' own set-up (ebpfctl check mounts them too; tests must not depend on order).
fn ensure_fs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (fs, dir) in [("bpf", "/sys/fs/bpf"), ("tracefs", "/sys/kernel/tracing")] {
            let mounted = std::fs::read_to_string("/proc/mounts")
                .map(|m| m.lines().any(|l| l.split_whitespace().nth(1) == Some(dir)))
                .unwrap_or(false);
            if !mounted {
                let _ = host_command("mount").args(["-t", fs, fs, dir]).status();
            }
        }
    });
}

/// Compiles tests/bpf/NAME.bpf.c (once per test binary run; reused while newer than the source) and returns the
/// object's path.
pub fn fixture(name: &str) -> PathBuf {
    // Tests of one binary run in threads of one process: compile each fixture once, not concurrently.
    static COMPILING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = COMPILING.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("tests/bpf").join(format!("{name}.bpf.c"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bpf-fixtures");
    std::fs::create_dir_all(&out_dir).expect("fixture dir");
    let obj = out_dir.join(format!("{name}.bpf.o"));
    let fresh = |o: &Path| -> bool {
        let (Ok(o), Ok(s)) = (std::fs::metadata(o), std::fs::metadata(&src)) else {
            return false;
        };
        o.modified().ok() >= s.modified().ok()
    };
    if !fresh(&obj) {
        let tmp = out_dir.join(format!("{name}.{}.tmp.o", std::process::id()));
        let status =
            host_command(&std::env::var("BPF_CLANG").unwrap_or_else(|_| "clang-19".into()))
                .args([
                    "-O2",
                    "-g",
                    "-Wall",
                    "-target",
                    "bpf",
                    "-D__TARGET_ARCH_x86",
                ])
                .arg(format!("-I{}", root.join("bpf").display()))
                .arg(format!("-I{}", root.join("tests/bpf").display()))
                .arg(format!("-I{}", env!("EBPFCTL_BPF_INCLUDE")))
                // libbpf's usdt.bpf.h includes <linux/errno.h>, whose <asm/errno.h> is in Debian's multiarch dir.
                .arg("-idirafter/usr/include/x86_64-linux-gnu")
                .arg("-c")
                .arg(&src)
                .arg("-o")
                .arg(&tmp)
                .status()
                .expect("clang-19 is installed by scripts/setup.sh");
        assert!(status.success(), "compiling {}", src.display());
        std::fs::rename(&tmp, &obj).expect("move fixture into place");
    }
    obj
}

/// A private directory on bpffs for one test's pins, removed (with everything pinned in it) when dropped.
pub struct PinDir {
    pub path: PathBuf,
}

impl PinDir {
    pub fn new(test: &str) -> PinDir {
        ensure_fs();
        let path = PathBuf::from(format!(
            "/sys/fs/bpf/ebpfctl-test-{}-{test}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a bpffs test dir");
        PinDir { path }
    }

    /// The path of a pin inside the directory, as a string for command lines.
    pub fn pin(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }
}

impl Drop for PinDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Runs bpftool (plain, not JSON) for set-up, asserting success.
pub fn bpftool(args: &[&str]) {
    let out = host_command("bpftool")
        .args(args)
        .output()
        .expect("bpftool");
    assert!(
        out.status.success(),
        "bpftool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

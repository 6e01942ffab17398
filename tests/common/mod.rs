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

/// Runs ebpfctl with `args` and `input` on its stdin, whatever its exit status. ebpfctl may stop reading early (a
/// bad line, a size limit), so a failed write to its stdin is not an error here.
pub fn ebpfctl_stdin(args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    ensure_fs();
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ebpfctl");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    finish(child.wait_with_output().expect("wait for ebpfctl"))
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

/// `-D__TARGET_ARCH_*` of the architecture the tests run on (build.rs derives it from the target, as for the
/// embedded objects).
pub const BPF_TARGET_ARCH: &str = concat!("-D__TARGET_ARCH_", env!("EBPFCTL_BPF_TARGET_ARCH"));

/// Debian's multiarch triple of this machine (x86_64-linux-gnu, aarch64-linux-gnu): where its libc and the
/// architecture's kernel headers live. Fixtures get it as the string macro MULTIARCH.
pub fn multiarch() -> String {
    format!("{}-linux-gnu", std::env::consts::ARCH)
}

/// Compiles tests/bpf/NAME.bpf.c (once per test binary run; reused while newer than the source) and returns the
/// object's path.
pub fn fixture(name: &str) -> PathBuf {
    try_fixture(name).unwrap_or_else(|e| panic!("compiling tests/bpf/{name}.bpf.c: {e}"))
}

/// `fixture`, or clang's complaint when the source does not compile with the common flags (some fixtures are built
/// by their own tests with other headers or defines).
pub fn try_fixture(name: &str) -> Result<PathBuf, String> {
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
                .args(["-O2", "-g", "-Wall", "-target", "bpf", BPF_TARGET_ARCH])
                .arg(format!("-I{}", root.join("bpf").display()))
                .arg(format!("-I{}", root.join("tests/bpf").display()))
                .arg(format!("-I{}", env!("EBPFCTL_BPF_INCLUDE")))
                // libbpf's usdt.bpf.h includes <linux/errno.h>, whose <asm/errno.h> is in Debian's multiarch dir.
                .arg(format!("-idirafter/usr/include/{}", multiarch()))
                .arg(format!("-DMULTIARCH=\"{}\"", multiarch()))
                .arg("-c")
                .arg(&src)
                .arg("-o")
                .arg(&tmp)
                .output()
                .expect("clang-19 is installed by scripts/setup.sh");
        if !status.status.success() {
            return Err(String::from_utf8_lossy(&status.stderr).into_owned());
        }
        std::fs::rename(&tmp, &obj).expect("move fixture into place");
    }
    Ok(obj)
}

/// A private directory on bpffs for one test's pins, removed (with everything pinned in it) when dropped.
pub struct PinDir {
    pub path: PathBuf,
    /// A bpffs instance of its own (`own_mount`), unmounted when dropped.
    mounted: bool,
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
        PinDir {
            path,
            mounted: false,
        }
    }

    /// A bpffs of its own, mounted with `options` ("" for the kernel's mode 1777, or "mode=0700" as systemd mounts
    /// /sys/fs/bpf), for tests of file modes: how the machine mounted /sys/fs/bpf must not decide what they see.
    pub fn own_mount(test: &str, options: &str) -> PinDir {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let path = PathBuf::from(format!("/tmp/ebpfctl-test-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a mount point");
        let target = CString::new(path.as_os_str().as_bytes()).unwrap();
        let (fstype, data) = (CString::new("bpf").unwrap(), CString::new(options).unwrap());
        // SAFETY: every pointer is a live NUL-terminated string.
        let rc = unsafe {
            libc::mount(
                fstype.as_ptr(),
                target.as_ptr(),
                fstype.as_ptr(),
                0,
                data.as_ptr().cast(),
            )
        };
        assert_eq!(
            rc,
            0,
            "mount bpffs at {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
        PinDir {
            path,
            mounted: true,
        }
    }

    /// The path of a pin inside the directory, as a string for command lines.
    pub fn pin(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }
}

impl Drop for PinDir {
    fn drop(&mut self) {
        if !self.mounted {
            let _ = std::fs::remove_dir_all(&self.path);
            return;
        }
        use std::os::unix::ffi::OsStrExt;
        let target = std::ffi::CString::new(self.path.as_os_str().as_bytes()).unwrap();
        // The pins go with the file system: what they held is released once nothing else holds it.
        // SAFETY: target is a live NUL-terminated string.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
        let _ = std::fs::remove_dir(&self.path);
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

/// One instruction of a loaded program as the kernel holds it (`bpftool prog dump xlated ... opcodes`), indexed by
/// instruction slot (an ldimm64 fills two slots; the second maps to None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlatedInsn {
    /// bpftool's disassembly with map ids blanked (each load creates its own maps).
    pub disasm: String,
    /// The immediate (64-bit for ldimm64; 0 for a map reference, which differs per load).
    pub imm: u64,
    pub off: i16,
}

/// Loads `obj` with `ebpfctl prog load` (custom BTF when given), pins its first program in `pins` and returns that
/// program's xlated instructions by slot. Panics with ebpfctl's stderr when the load fails.
pub fn load_xlated(
    obj: &Path,
    btf: Option<&Path>,
    pins: &PinDir,
    pin: &str,
) -> Vec<Option<XlatedInsn>> {
    let path = pins.pin(pin);
    let obj = obj.display().to_string();
    let mut args = vec!["prog", "load", obj.as_str(), path.as_str()];
    let btf = btf.map(|b| b.display().to_string());
    if let Some(b) = &btf {
        args.extend(["--btf", b.as_str()]);
    }
    let run = ebpfctl(&args);
    assert_eq!(run.code, 0, "ebpfctl {args:?}: {}", run.stderr);
    let dump = bpftool_json(&["prog", "dump", "xlated", "pinned", &path, "opcodes"]);
    let byte = |v: &Value| {
        u8::from_str_radix(v.as_str().unwrap_or("0x0").trim_start_matches("0x"), 16).unwrap()
    };
    let mut slots = Vec::new();
    for insn in dump.as_array().expect("xlated dump is an array") {
        let op = &insn["opcodes"];
        let imm_bytes: Vec<u8> = op["imm"].as_array().unwrap().iter().map(byte).collect();
        let off_bytes: Vec<u8> = op["off"].as_array().unwrap().iter().map(byte).collect();
        // ldimm64 prints 12 imm bytes: imm of the first slot, then code..off of the second, then its imm.
        let imm = match imm_bytes.len() {
            12 => {
                let lo = u32::from_le_bytes(imm_bytes[0..4].try_into().unwrap()) as u64;
                let hi = u32::from_le_bytes(imm_bytes[8..12].try_into().unwrap()) as u64;
                hi << 32 | lo
            }
            _ => u32::from_le_bytes(imm_bytes[0..4].try_into().unwrap()) as u64,
        };
        let disasm = insn["disasm"].as_str().unwrap_or("").to_string();
        let (disasm, imm) = match disasm.find("map[id:") {
            Some(i) => {
                let end = disasm[i..].find(']').map_or(disasm.len(), |e| i + e);
                (format!("{}map[id:N{}", &disasm[..i], &disasm[end..]), 0)
            }
            None => (disasm, imm),
        };
        slots.push(Some(XlatedInsn {
            disasm,
            imm,
            off: i16::from_le_bytes([off_bytes[0], off_bytes[1]]),
        }));
        if imm_bytes.len() == 12 {
            slots.push(None);
        }
    }
    slots
}

/// Loads `obj` with libbpf (CO-RE against `custom_btf` when given, else the running kernel) and returns each
/// program's instructions exactly as libbpf handed them to the kernel, CO-RE relocations applied (slot indices as in
/// the object file; map fds blanked). None when the load fails.
pub fn libbpf_relocated(
    obj: &Path,
    custom_btf: Option<&Path>,
) -> Option<std::collections::BTreeMap<String, Vec<u64>>> {
    libbpf_rs::set_print(None);
    let mut builder = libbpf_rs::ObjectBuilder::default();
    if let Some(b) = custom_btf {
        builder.btf_custom_path(b).ok()?;
    }
    let loaded = builder.open_file(obj).ok()?.load().ok()?;
    let progs = loaded
        .progs()
        .map(|p| {
            let insns = p
                .insns()
                .iter()
                .map(|i| {
                    // SAFETY: bpf_insn is 8 bytes of plain data.
                    let raw = u64::from_ne_bytes(unsafe {
                        std::mem::transmute::<libbpf_sys::bpf_insn, [u8; 8]>(*i)
                    });
                    // A map reference (ldimm64 with a pseudo src_reg) holds the map's fd, which differs per load.
                    let src_reg = (raw >> 12) & 0xf;
                    if raw as u8 == 0x18 && src_reg != 0 {
                        raw & 0xffff_ffff
                    } else {
                        raw
                    }
                })
                .collect();
            (p.name().to_string_lossy().into_owned(), insns)
        })
        .collect();
    Some(progs)
}

/// The value a CO-RE relocation left in an instruction: the offset of a load/store, the immediate of an ALU
/// instruction, the 64-bit immediate of an ldimm64 (which takes `next` as its second half).
pub fn relocated_value(insn: u64, next: u64) -> u64 {
    let code = insn as u8;
    let imm = (insn >> 32) as u32 as u64;
    match code & 0x07 {
        0x01..=0x03 => (insn >> 16) as u16 as u64,
        0x00 if code == 0x18 => imm | (next >> 32) << 32,
        _ => imm,
    }
}

/// What a scripts/*.py checker printed: its last stdout line parsed as the JSON summary, whether it exited 0,
/// and all it wrote (for assertion messages).
pub struct ScriptRun {
    pub summary: Value,
    pub success: bool,
    pub output: String,
}

/// Runs `python3 scripts/NAME ARGS` with ENV added; panics with the output when no summary line came.
/// `run_script` for the scripts that compile BPF objects: ebpfctl's binary first, libbpf's headers on BPF_INCLUDES.
pub fn run_bpf_script(name: &str, args: &[&str]) -> ScriptRun {
    let bin = bin();
    let all: Vec<&str> = std::iter::once(bin.as_str())
        .chain(args.iter().copied())
        .collect();
    run_script(
        name,
        &all,
        &[(
            "BPF_INCLUDES",
            concat!(env!("EBPFCTL_LIBBPF_LIB_DIR"), "/include"),
        )],
    )
}

pub fn run_script(name: &str, args: &[&str], env: &[(&str, &str)]) -> ScriptRun {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name);
    let out = Command::new("python3")
        .arg(&script)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let output = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("{name}: no summary line\n{output}"));
    ScriptRun {
        summary,
        success: out.status.success(),
        output,
    }
}

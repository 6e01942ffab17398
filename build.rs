//! Compiles the embedded CO-RE programs in bpf/*.bpf.c into libbpf-rs skeletons in OUT_DIR.
//! The skeletons carry the object bytes, so the binary reads nothing from disk at run time. libbpf-cargo adds
//! libbpf's own BPF-side headers (bpf_helpers.h, bpf_core_read.h, ...) from libbpf-sys, so they always match the
//! libbpf that loads the objects. The objects are compiled for the target's architecture (`__TARGET_ARCH_*`), so
//! a cross build gets the target's register layout (bpf/target_regs.h), not the build machine's.

use std::env;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

/// Every embedded object; src/bpf.rs includes one skeleton per name.
const OBJECTS: &[&str] = &[
    "check_core",
    "check_ringbuf",
    "check_rawtp",
    "check_uprobe",
    "check_kprobe",
    "check_fentry",
    "check_testrun",
    "prog_profile",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let clang = env::var("BPF_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let arch_define = format!("-D__TARGET_ARCH_{}", bpf_target_arch());
    for name in OBJECTS {
        let src = format!("bpf/{name}.bpf.c");
        println!("cargo:rerun-if-changed={src}");
        SkeletonBuilder::new()
            .source(&src)
            .clang(&clang)
            .clang_args(["-O2", "-g", "-Wall", &arch_define, "-Ibpf"])
            .build_and_generate(out.join(format!("{name}.skel.rs")))
            .unwrap_or_else(|e| panic!("building {src}: {e:#}"));
    }
    export_libbpf_headers(&out.join("include"));
    println!("cargo:rerun-if-changed=bpf/vmlinux.h");
    println!("cargo:rerun-if-changed=bpf/check_common.h");
    println!("cargo:rerun-if-changed=bpf/target_regs.h");
    // Test fixtures (tests/bpf) are compiled for the same architecture as the binary under test.
    println!(
        "cargo:rustc-env=EBPFCTL_BPF_TARGET_ARCH={}",
        bpf_target_arch()
    );
    println!("cargo:rerun-if-env-changed=BPF_CLANG");
    let target = env::var("TARGET").expect("cargo sets TARGET");
    println!("cargo:rustc-env=EBPFCTL_BUILD_TARGET={target}");
    export_libbpf_build(&target);
    link_order(&target, &out);
}

/// The function order for the linker (rust-lld, see .cargo/config.toml), if link-order/ has one for `target`:
/// what the short commands run, first and together, so that their first run faults in a few 64 KiB windows of
/// .text rather than one per function spread over 4 MiB. Written by scripts/gen-link-order.sh.
///
/// Two forms of the one list. ThinLTO renames the functions it promotes to `NAME.llvm.<hash of the module>`,
/// and the hash changes with any edit to the module: a plain --symbol-ordering-file went stale within a few
/// commits (49 of 470 names; 87 -> 100 page faults). So each name also becomes a linker-script pattern for
/// its function section, `.text.NAME` or `.text.NAME.llvm.*`, collected into an output section inserted before
/// .text; the ordering file still places what has no section of its own (musl's functions) at .text's start,
/// right after. A name the build no longer has matches nothing: a stale list costs page faults, never
/// correctness.
/// A legacy-mangled name with its hash (`17h` + 16 hex digits + `E`, which hashes the crate's metadata and so
/// changes with any dependency added) as a glob: the list keeps placing the function after `Cargo.toml` changes.
/// A generic function's instances all match then; they are few among the start-up's functions.
fn without_crate_hash(name: &str) -> String {
    let bytes = name.as_bytes();
    let n = bytes.len();
    let hashed = n > 20
        && name.ends_with('E')
        && &name[n - 20..n - 17] == "17h"
        && bytes[n - 17..n - 1].iter().all(u8::is_ascii_hexdigit);
    match hashed {
        true => format!("{}17h*E", &name[..n - 20]),
        false => name.to_string(),
    }
}

fn link_order(target: &str, out: &std::path::Path) {
    let file = std::path::Path::new("link-order").join(format!("{target}.txt"));
    println!("cargo:rerun-if-changed={}", file.display());
    let Ok(names) = std::fs::read_to_string(&file) else {
        return;
    };
    let mut script = String::from("SECTIONS\n{\n  .text.ebpfctl_start :\n  {\n");
    let mut seen = std::collections::HashSet::new();
    for name in names.lines().map(str::trim).filter(|n| !n.is_empty()) {
        let base = match name.find(".llvm.") {
            Some(cut) => &name[..cut],
            None => name,
        };
        let base = without_crate_hash(base);
        if seen.insert(base.clone()) {
            script.push_str(&format!("    *(.text.{base} .text.{base}.llvm.*)\n"));
        }
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    let script_path = out.join("link-order.ld");
    std::fs::write(&script_path, script).expect("writing the link-order script");
    let list = std::fs::canonicalize(&file).expect("link-order file path");
    println!("cargo:rustc-link-arg-bins=-T{}", script_path.display());
    println!(
        "cargo:rustc-link-arg-bins=--symbol-ordering-file={}",
        list.display()
    );
    println!("cargo:rustc-link-arg-bins=--no-warn-symbol-ordering");
}

/// libbpf's copy of the kernel's UAPI headers, in the libbpf-sys source cargo unpacked: the light skeletons' C
/// loaders include skel_internal.h, which names bpf_attr fields newer than the build host's linux/bpf.h.
fn libbpf_uapi_dir() -> Option<String> {
    let manifest = env::var("CARGO_MANIFEST_DIR").ok()?;
    let lock = std::fs::read_to_string(PathBuf::from(&manifest).join("Cargo.lock")).ok()?;
    let (_, after) = lock.split_once("name = \"libbpf-sys\"\nversion = \"")?;
    let version = after.split('"').next()?;
    let home = env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| env::var("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok()?;
    std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .join(format!("libbpf-sys-{version}/libbpf/include/uapi"))
        })
        .find(|dir| dir.join("linux/bpf.h").is_file())
        .map(|dir| dir.display().to_string())
}

/// Tells the tests where libbpf-sys built libbpf.a, libelf.a and libz.a (and their headers) and which C compiler
/// built them, so a test can compile and link a C loader against the very libbpf the binary embeds (the C
/// skeletons of `gen skeleton` are proven that way).
fn export_libbpf_build(target: &str) {
    // DEP_BPF_INCLUDE: libbpf-sys (links = "bpf") exports OUT_DIR/include to its dependents' build scripts.
    let include = env::var("DEP_BPF_INCLUDE").unwrap_or_default();
    let lib_dir = std::path::Path::new(&include)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=EBPFCTL_LIBBPF_LIB_DIR={lib_dir}");
    println!(
        "cargo:rustc-env=EBPFCTL_LIBBPF_UAPI_DIR={}",
        libbpf_uapi_dir().unwrap_or_default()
    );
    let cc_var = format!("CC_{}", target.replace('-', "_"));
    println!("cargo:rerun-if-env-changed={cc_var}");
    let cc = env::var(&cc_var).unwrap_or_else(|_| "cc".to_string());
    println!("cargo:rustc-env=EBPFCTL_TARGET_CC={cc}");
}

/// The kernel's (and bpf_tracing.h's `__TARGET_ARCH_*`) name of the architecture being built for. Only those
/// bpf/target_regs.h declares registers for; another target fails here rather than with x86's register layout.
fn bpf_target_arch() -> &'static str {
    match env::var("CARGO_CFG_TARGET_ARCH").as_deref() {
        Ok("x86_64") => "x86",
        Ok("aarch64") => "arm64",
        other => panic!(
            "no BPF target architecture for {other:?}: bpf/target_regs.h knows x86_64 and aarch64"
        ),
    }
}

/// Writes libbpf's BPF-side headers to OUT_DIR/include/bpf and tells the tests where they are, so that test
/// fixtures (tests/bpf/*.bpf.c) compile against exactly the headers the embedded objects use.
fn export_libbpf_headers(dir: &std::path::Path) {
    let bpf = dir.join("bpf");
    std::fs::create_dir_all(&bpf).expect("create OUT_DIR/include/bpf");
    for (name, text) in libbpf_sys::API_HEADERS.iter() {
        std::fs::write(bpf.join(name), text).expect("write a libbpf header");
    }
    println!("cargo:rustc-env=EBPFCTL_BPF_INCLUDE={}", dir.display());
}

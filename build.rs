//! Compiles the embedded CO-RE programs in bpf/*.bpf.c into libbpf-rs skeletons in OUT_DIR.
//! The skeletons carry the object bytes, so the binary reads nothing from disk at run time. libbpf-cargo adds
//! libbpf's own BPF-side headers (bpf_helpers.h, bpf_core_read.h, ...) from libbpf-sys, so they always match the
//! libbpf that loads the objects.

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
    for name in OBJECTS {
        let src = format!("bpf/{name}.bpf.c");
        println!("cargo:rerun-if-changed={src}");
        SkeletonBuilder::new()
            .source(&src)
            .clang(&clang)
            .clang_args(["-O2", "-g", "-Wall", "-D__TARGET_ARCH_x86", "-Ibpf"])
            .build_and_generate(out.join(format!("{name}.skel.rs")))
            .unwrap_or_else(|e| panic!("building {src}: {e:#}"));
    }
    export_libbpf_headers(&out.join("include"));
    println!("cargo:rerun-if-changed=bpf/vmlinux.h");
    println!("cargo:rerun-if-changed=bpf/check_common.h");
    println!("cargo:rerun-if-env-changed=BPF_CLANG");
    println!(
        "cargo:rustc-env=EBPFCTL_BUILD_TARGET={}",
        env::var("TARGET").expect("cargo sets TARGET")
    );
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

//! Listing while the kernel's objects come and go (issue #17): threads of this test load and unload thousands of
//! programs, maps, BTF objects and links while `prog|map|link|btf show` (JSON and tables), `perf show`,
//! `net show` and `struct_ops show` run again and again. An id that vanishes between the kernel's id walk and its
//! open is skipped: every run exits 0 and prints a valid listing. The table of cases is docs/reliability.md.

use crate::common;

use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::ebpfctl;

/// `r0 = 0; exit`: the smallest program every type accepts.
const RETURN_ZERO: [u64; 2] = [0x0000_0000_0000_00b7, 0x0000_0000_0000_0095];

fn owned(rc: i32, what: &str) -> OwnedFd {
    assert!(
        rc >= 0,
        "{what}: {}",
        std::io::Error::from_raw_os_error(-rc)
    );
    // SAFETY: a non-negative return of a libbpf fd-returning call is a new fd nobody else owns.
    unsafe { OwnedFd::from_raw_fd(rc) }
}

fn load(prog_type: u32) -> OwnedFd {
    // SAFETY: RETURN_ZERO is two valid 8-byte instructions; names and license are NUL-terminated.
    let rc = unsafe {
        libbpf_sys::bpf_prog_load(
            prog_type,
            c"churn".as_ptr(),
            c"GPL".as_ptr(),
            RETURN_ZERO.as_ptr().cast(),
            RETURN_ZERO.len() as _,
            std::ptr::null_mut(),
        )
    };
    owned(rc, "BPF_PROG_LOAD")
}

/// One INT type, as the smallest valid BTF blob.
fn tiny_btf() -> Vec<u8> {
    let strings = b"\0int\0";
    let mut b = Vec::new();
    b.extend_from_slice(&0xeb9fu16.to_le_bytes());
    b.extend_from_slice(&[1, 0]); // version, flags
    for word in [24u32, 0, 16, 16, strings.len() as u32] {
        b.extend_from_slice(&word.to_le_bytes()); // hdr_len, type_off, type_len, str_off, str_len
    }
    for word in [1u32, 1 << 24, 4, 32] {
        b.extend_from_slice(&word.to_le_bytes()); // name_off, info (KIND_INT), size, encoding/bits
    }
    b.extend_from_slice(strings);
    b
}

/// Loads and closes objects until `stop`; counts what it made.
fn churn(stop: Arc<AtomicBool>, made: Arc<AtomicUsize>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let btf = tiny_btf();
        while !stop.load(Ordering::Relaxed) {
            let prog = load(libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER);
            // SAFETY: name is NUL-terminated; a null opts pointer asks for defaults.
            let map = owned(
                unsafe {
                    libbpf_sys::bpf_map_create(
                        libbpf_sys::BPF_MAP_TYPE_ARRAY,
                        c"churn".as_ptr(),
                        4,
                        8,
                        1,
                        std::ptr::null(),
                    )
                },
                "BPF_MAP_CREATE",
            );
            // SAFETY: btf is valid for its length; null opts.
            let btf_fd = owned(
                unsafe {
                    libbpf_sys::bpf_btf_load(
                        btf.as_ptr().cast(),
                        btf.len() as _,
                        std::ptr::null_mut(),
                    )
                },
                "BPF_BTF_LOAD",
            );
            // A raw tracepoint link on an event that only BPF_PROG_TEST_RUN fires.
            let raw_tp = load(libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT);
            // SAFETY: the name is NUL-terminated and raw_tp a loaded raw tracepoint program.
            let link = owned(
                unsafe {
                    libbpf_sys::bpf_raw_tracepoint_open(
                        c"bpf_test_finish".as_ptr(),
                        std::os::fd::AsRawFd::as_raw_fd(&raw_tp),
                    )
                },
                "BPF_RAW_TRACEPOINT_OPEN",
            );
            drop((link, raw_tp, btf_fd, map, prog));
            made.fetch_add(1, Ordering::Relaxed);
        }
    })
}

#[test]
fn listings_skip_objects_that_vanish_while_thousands_come_and_go() {
    let stop = Arc::new(AtomicBool::new(false));
    let made = Arc::new(AtomicUsize::new(0));
    let churners: Vec<_> = (0..2).map(|_| churn(stop.clone(), made.clone())).collect();
    let listings: [&[&str]; 11] = [
        &["-j", "prog", "show"],
        &["-j", "map", "show"],
        &["-j", "link", "show"],
        &["-j", "btf", "show"],
        &["prog", "show"],
        &["map", "show", "--wide"],
        &["link", "show"],
        &["btf", "show"],
        &["-j", "perf", "show"],
        &["-j", "net", "show"],
        &["-j", "struct_ops", "show"],
    ];
    let until = Instant::now() + Duration::from_secs(12);
    let mut runs = 0;
    while Instant::now() < until {
        for args in listings {
            let run = ebpfctl(args);
            assert_eq!(run.code, 0, "{args:?} under churn: {}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            if args[0] == "-j" {
                assert!(run.json().is_array(), "{args:?}: {}", run.stdout);
            } else {
                assert!(!run.stdout.is_empty(), "{args:?} printed nothing");
            }
            runs += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in churners {
        c.join().unwrap();
    }
    let made = made.load(Ordering::Relaxed);
    eprintln!("{runs} listings while {made} rounds of prog+map+btf+link came and went");
    assert!(made >= 500, "only {made} rounds: the churn did not run");
}

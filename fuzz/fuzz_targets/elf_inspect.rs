//! Arbitrary bytes as a BPF object file: everything `ebpfctl inspect` does to one (sections, programs and their
//! instructions, maps, globals with values, externs, BTF and .BTF.ext with CO-RE specs).
#![no_main]

#[path = "../../src/btf/mod.rs"]
mod btf;
// The BTF value writers format numbers with it; not every target uses all of it.
#[allow(dead_code)]
#[path = "../../src/fastfmt.rs"]
mod fastfmt;
#[path = "../../src/elf/mod.rs"]
mod elf;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(obj) = elf::parse(data, "fuzz.bpf.o") {
        let _ = serde_json::to_vec(&obj);
    }
    let _ = elf::section_data(data, ".BTF");
});

//! Arbitrary bytes as raw BTF: parse and validate, then walk every type every way the tool does (raw dump, C
//! dump, sizes, alignment, value formatting). Any panic, hang or runaway allocation is a bug.
#![no_main]

#[path = "../../src/btf/mod.rs"]
mod btf;
// The BTF value writers format numbers with it; not every target uses all of it.
#[allow(dead_code)]
#[path = "../../src/fastfmt.rs"]
mod fastfmt;

use libfuzzer_sys::fuzz_target;

/// Bytes to format values from: enough for the small types a fuzzer builds, patterned so strings and enums vary.
static VALUE_BYTES: [u8; 4096] = {
    let mut b = [0u8; 4096];
    let mut i = 0;
    while i < b.len() {
        b[i] = (i * 7 % 251) as u8;
        i += 1;
    }
    b
};

fuzz_target!(|data: &[u8]| {
    let Ok(btf) = btf::Btf::parse(data) else { return };
    let mut text = String::new();
    for id in btf.own_ids() {
        let _ = btf.raw_type_json(id);
        btf.raw_type_text(id, &mut text);
        let _ = btf.type_display(id);
        let _ = btf.align_of(id);
        if let Ok(size) = btf.resolve_size(id) {
            if size as usize <= VALUE_BYTES.len() {
                let _ = btf.format_value(id, &VALUE_BYTES);
                // map dump's planned writer and the streaming writer, in both flavors, over the same bytes: they
                // must agree byte for byte.
                let plan = btf.json_plan(id, size as usize);
                for flavor in [btf::Flavor::Json, btf::Flavor::Plain] {
                    let (mut planned, mut written) = (Vec::new(), Vec::new());
                    let p = btf.write_planned(&plan, &VALUE_BYTES[..size as usize], flavor, &mut planned);
                    let w = btf.write_value(id, &VALUE_BYTES[..size as usize], flavor, &mut written);
                    assert_eq!(p.is_ok(), w.is_ok(), "type {id}: planned and streamed writers disagree");
                    assert_eq!(planned, written, "type {id}: planned and streamed output differ");
                }
            }
        }
    }
    let _ = btf::dump_c(&btf, &[], true);
    let _ = btf::dump_c(&btf, &[], false);
    let _ = btf.kind_counts();
});

//! Arbitrary bytes as the JSON an operator types or feeds to `map update --from`: encoded against every type of a
//! BTF with one of each kind (struct, union, bitfields, enum, float, char array, nested arrays, pointer, __int128,
//! a packed struct). Besides "no panic, no hang": what encodes must format, through both JSON writers alike
//! (`formatted` of lookup and of map dump), and the formatted value must encode back to the same bytes' meaning
//! (format ∘ encode ∘ format = format), so a dump can be fed back to `map update --from`.
#![no_main]

#[path = "../../src/btf/mod.rs"]
mod btf;
#[allow(dead_code)]
#[path = "../../src/fastfmt.rs"]
mod fastfmt;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The seed object's BTF (tests/bpf's typed fixture, kept in the btf_parse corpus).
static TYPES: &[u8] = include_bytes!("../corpus/btf_parse/seed_types.btf");

fn types() -> &'static btf::Btf {
    static BTF: OnceLock<btf::Btf> = OnceLock::new();
    BTF.get_or_init(|| btf::Btf::parse(TYPES).expect("seed BTF parses"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let btf = types();
    for id in btf.own_ids() {
        let Ok(bytes) = btf.encode_value(id, &value) else { continue };
        let formatted = btf
            .format_value(id, &bytes)
            .unwrap_or_else(|e| panic!("type {id}: encoded {bytes:?} does not format: {}", e.0));
        // map dump's planned writer must print the same JSON as lookup's, and its text flavor must not fail.
        let plan = btf.json_plan(id, bytes.len());
        let mut planned = Vec::new();
        btf.write_planned(&plan, &bytes, btf::Flavor::Json, &mut planned)
            .unwrap_or_else(|e| panic!("type {id}: planned writer failed on {bytes:?}: {}", e.0));
        btf.write_planned(&plan, &bytes, btf::Flavor::Plain, &mut Vec::new())
            .unwrap_or_else(|e| panic!("type {id}: plain-text writer failed on {bytes:?}: {}", e.0));
        let planned: serde_json::Value = serde_json::from_slice(&planned)
            .unwrap_or_else(|e| panic!("type {id}: planned writer printed invalid JSON: {e}"));
        assert_eq!(planned, formatted, "type {id}: the two writers disagree on {bytes:?}");
        let again = btf
            .encode_value(id, &formatted)
            .unwrap_or_else(|e| panic!("type {id}: formatted {formatted} does not encode back: {}", e.0));
        let reformatted = btf.format_value(id, &again).expect("formats");
        assert_eq!(reformatted, formatted, "type {id}: {formatted} does not survive a round trip");
    }
});

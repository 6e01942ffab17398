//! A map's key and value seen through its BTF: bpftool's `formatted` JSON on the way out, typed JSON
//! (`key '{"pid": 42}'`, `value 7`) on the way in.

use serde_json::Value;

use super::Layout;
use crate::btf::{Btf, Flavor, JsonPlan};

/// The BTF of a map and the type ids of its key and value (0: not described).
pub struct TypedView {
    pub btf: Btf,
    pub key_type: u32,
    pub value_type: u32,
    /// The key's and value's JSON planned once for the map's sizes: a dump formats them for every entry.
    key_plan: JsonPlan,
    value_plan: JsonPlan,
}

impl TypedView {
    pub fn new(btf: Btf, key_type: u32, value_type: u32, layout: Layout) -> TypedView {
        let key_plan = btf.json_plan(key_type, layout.key_size);
        let value_plan = btf.json_plan(value_type, layout.value_size);
        TypedView {
            btf,
            key_type,
            value_type,
            key_plan,
            value_plan,
        }
    }

    fn write_part(
        &self,
        out: &mut Vec<u8>,
        type_id: u32,
        plan: &JsonPlan,
        bytes: &[u8],
        flavor: Flavor,
    ) {
        // A value BTF cannot describe (hostile or mismatched BTF) prints as null rather than failing the dump.
        if type_id == 0 || self.btf.write_planned(plan, bytes, flavor, out).is_err() {
            out.extend_from_slice(b"null");
        }
    }

    /// bpftool's `formatted` object, appended to `out` without building a tree (the dump's hot path):
    /// `{"key":..,"value":..}`, per-CPU `{"key":..,"values":[{"cpu":N,"value":..}]}`; no key when the map has no
    /// key type (global data, queues). `Flavor::Plain` is the text form of `map dump` and `map lookup`.
    pub fn write_formatted(
        &self,
        layout: Layout,
        key: Option<&[u8]>,
        value: &[u8],
        flavor: Flavor,
        out: &mut Vec<u8>,
    ) {
        out.push(b'{');
        let mut first = true;
        let mut field = |out: &mut Vec<u8>, name: &[u8]| {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(name);
        };
        if let Some(key) = key.filter(|_| self.key_type != 0) {
            field(out, b"\"key\":");
            self.write_part(out, self.key_type, &self.key_plan, key, flavor);
        }
        if layout.cpus.is_some() {
            field(out, b"\"values\":[");
            for (cpu, v) in layout.per_cpu_values(value) {
                if cpu > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"cpu\":");
                crate::fastfmt::push_u64(out, cpu as u64);
                out.extend_from_slice(b",\"value\":");
                self.write_part(out, self.value_type, &self.value_plan, v, flavor);
                out.push(b'}');
            }
            out.push(b']');
        } else if self.value_type != 0 {
            field(out, b"\"value\":");
            self.write_part(out, self.value_type, &self.value_plan, value, flavor);
        }
        out.push(b'}');
    }

    /// The formatted element as JSON text, for a single element (lookup, peek, pop).
    pub fn formatted(
        &self,
        layout: Layout,
        key: Option<&[u8]>,
        value: &[u8],
        flavor: Flavor,
    ) -> String {
        let mut out = Vec::new();
        self.write_formatted(layout, key, value, flavor, &mut out);
        // Names and strings are escaped JSON, bare words ASCII: always UTF-8.
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Bytes for typed JSON input (`'{"pid": 42}'`, `7`, `"comm"`), checked against the BTF type.
    pub fn encode(&self, type_id: u32, text: &str) -> Result<Vec<u8>, String> {
        if type_id == 0 {
            return Err("the map's BTF does not describe it".to_string());
        }
        let value: Value = super::dump_json::parse(text)
            .map_err(|e| format!("'{text}' is neither bytes nor JSON ({e})"))?;
        self.encode_json(type_id, &value)
    }

    /// Bytes for an already parsed JSON value (a line of `map update --from`).
    pub fn encode_json(&self, type_id: u32, value: &Value) -> Result<Vec<u8>, String> {
        if type_id == 0 {
            return Err("the map's BTF does not describe it".to_string());
        }
        self.btf.encode_value(type_id, value).map_err(|e| e.0)
    }
}

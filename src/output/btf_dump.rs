//! Text form of `ebpfctl btf dump`: the raw lines or the C header, exactly as built.

use super::{Render, Text};
use serde::Serialize;
use serde_json::Value;

impl Render for BtfDump {
    fn render(&self, text: &mut Text) {
        match self {
            BtfDump::RawText(s) | BtfDump::C(s) => text.raw(s),
            BtfDump::RawJson(_) => {}
        }
    }
}

/// What `btf dump` prints: raw types (text lines or JSON objects) or a C header.
pub enum BtfDump {
    RawText(String),
    RawJson(Vec<Value>),
    C(String),
}

impl Serialize for BtfDump {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Types<'a> {
            types: &'a [Value],
        }
        match self {
            BtfDump::RawJson(types) => Types { types }.serialize(s),
            BtfDump::RawText(text) | BtfDump::C(text) => text.serialize(s),
        }
    }
}

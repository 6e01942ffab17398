//! Text form of `ebpfctl btf dump`: the raw lines or the C header, exactly as built.

use super::{Render, Text};
use crate::cmd::btf_dump::BtfDump;

impl Render for BtfDump {
    fn render(&self, text: &mut Text) {
        match self {
            BtfDump::RawText(s) | BtfDump::C(s) => text.raw(s),
            BtfDump::RawJson(_) => {}
        }
    }
}

//! Map elements in text and JSON, including the streaming dump writer: JSON goes straight from the kernel's
//! buffers into one buffered stdout writer, with no allocation per entry.

use std::io::{self, BufWriter, StdoutLock, Write};
use std::os::fd::AsFd;

use super::stream::{write_hex_text, JsonArray};
use super::{Output, Render, Text};
use crate::fastfmt::push_hex_array;
use crate::fastfmt::push_u64;
use crate::mapdata::typed::TypedView;
use crate::mapdata::Layout;
use serde::Serialize;

fn hex_text(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    let _ = write_hex_text(&mut out, bytes);
    String::from_utf8_lossy(&out).into_owned()
}

impl Render for Element {
    fn render(&self, text: &mut Text) {
        if let Some(formatted) = &self.formatted {
            text.line(formatted_text(formatted));
            return;
        }
        let key = self
            .key
            .as_ref()
            .map(|k| format!("key: {}  ", hex_text(&k.0)))
            .unwrap_or_default();
        match (&self.value, &self.values) {
            (Some(v), _) => text.line(format!("{key}value: {}", hex_text(&v.0))),
            (None, Some(cpus)) => {
                text.line(key.trim_end().to_string());
                for c in cpus {
                    text.line(format!(
                        "value (CPU {:02}): {}",
                        c.cpu,
                        hex_text(&c.value.0)
                    ));
                }
            }
            (None, None) => text.line(key.trim_end().to_string()),
        }
        if let Some(id) = self.inner_map_id {
            text.line(format!("inner_map_id: {id}"));
        }
    }
}

impl Render for NextKey {
    fn render(&self, text: &mut Text) {
        let key = self
            .key
            .as_ref()
            .map_or("(none)".to_string(), |k| hex_text(&k.0));
        let next = self
            .next_key
            .as_ref()
            .map_or("(none: last key)".to_string(), |k| hex_text(&k.0));
        text.line(format!("key: {key}\nnext key: {next}"));
    }
}

impl Render for Created {
    fn render(&self, text: &mut Text) {
        text.line(format!("map id {} pinned at {}", self.id, self.pinned));
    }
}

impl Render for BulkUpdate {
    fn render(&self, text: &mut Text) {
        let how = if self.batched {
            "batched"
        } else {
            "one by one"
        };
        text.line(format!("updated {} element(s), {how}", self.updated));
    }
}

impl Render for DeleteAll {
    fn render(&self, text: &mut Text) {
        text.line(format!("deleted {} element(s)", self.deleted));
    }
}

enum DumpMode {
    Json(JsonArray<std::fs::File>),
    Pretty(Vec<serde_json::Value>),
    Text(BufWriter<StdoutLock<'static>>),
}

/// Prints a dump entry by entry. JSON is bpftool's form: `{"key":[..],"value":[..]}`, per-CPU maps
/// `{"key":[..],"values":[{"cpu":0,"value":[..]}..]}`, maps of maps add `inner_map_id`, maps with BTF add
/// `formatted`.
pub struct DumpPrinter<'a> {
    mode: DumpMode,
    layout: Layout,
    map_of_maps: bool,
    typed: Option<&'a TypedView>,
    count: u64,
}

impl Output {
    pub fn dump_printer<'a>(
        &self,
        layout: Layout,
        map_of_maps: bool,
        typed: Option<&'a TypedView>,
    ) -> io::Result<DumpPrinter<'a>> {
        super::mark_printed();
        let mode = if self.pretty {
            DumpMode::Pretty(Vec::new())
        } else if self.json {
            // A duplicate of stdout written to directly: Stdout's line buffering would scan every 256 KiB block
            // for newlines before passing it on.
            let fd = io::stdout().as_fd().try_clone_to_owned()?;
            DumpMode::Json(JsonArray::begin(std::fs::File::from(fd))?)
        } else {
            DumpMode::Text(BufWriter::with_capacity(1 << 16, io::stdout().lock()))
        };
        Ok(DumpPrinter {
            mode,
            layout,
            map_of_maps,
            typed,
            count: 0,
        })
    }
}

impl DumpPrinter<'_> {
    pub fn entry(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        self.count += 1;
        let (layout, mom, typed) = (self.layout, self.map_of_maps, self.typed);
        match &mut self.mode {
            DumpMode::Json(arr) => {
                write_json_entry(arr.next_element()?, layout, mom, typed, key, value);
                Ok(())
            }
            DumpMode::Text(out) => match typed {
                Some(t) => writeln!(
                    out,
                    "{}",
                    formatted_text(&t.formatted(layout, Some(key), value))
                ),
                None => write_text_entry(out, layout, key, value),
            },
            DumpMode::Pretty(all) => {
                let mut buf = Vec::new();
                write_json_entry(&mut buf, layout, mom, typed, key, value);
                all.push(serde_json::from_slice(&buf).map_err(io::Error::other)?);
                Ok(())
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self.mode {
            DumpMode::Json(arr) => arr.end().map(|_| ()),
            DumpMode::Text(mut out) => {
                let plural = if self.count == 1 { "" } else { "s" };
                writeln!(out, "Found {} element{plural}", self.count)?;
                out.flush()
            }
            DumpMode::Pretty(all) => {
                let mut out = io::stdout().lock();
                serde_json::to_writer_pretty(&mut out, &all)?;
                writeln!(out)
            }
        }
    }
}

/// One entry's JSON, appended to the output buffer.
fn write_json_entry(
    out: &mut Vec<u8>,
    layout: Layout,
    map_of_maps: bool,
    typed: Option<&TypedView>,
    key: &[u8],
    value: &[u8],
) {
    out.extend_from_slice(b"{\"key\":");
    push_hex_array(out, key);
    if layout.cpus.is_some() {
        out.extend_from_slice(b",\"values\":[");
        for (cpu, v) in layout.per_cpu_values(value) {
            if cpu > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"cpu\":");
            push_u64(out, cpu as u64);
            out.extend_from_slice(b",\"value\":");
            push_hex_array(out, v);
            out.push(b'}');
        }
        out.push(b']');
    } else {
        out.extend_from_slice(b",\"value\":");
        push_hex_array(out, value);
    }
    if map_of_maps && value.len() >= 4 {
        out.extend_from_slice(b",\"inner_map_id\":");
        let id = u32::from_ne_bytes([value[0], value[1], value[2], value[3]]);
        push_u64(out, u64::from(id));
    }
    if let Some(t) = typed {
        out.extend_from_slice(b",\"formatted\":");
        t.write_formatted(layout, key, value, out);
    }
    out.push(b'}');
}

/// A formatted element as one text line: `key: 1  value: {"packets":5,"comm":"ab"}`.
fn formatted_text(formatted: &serde_json::Value) -> String {
    let part = |name: &str| formatted.get(name).map(|v| format!("{name}: {v}"));
    ["key", "value", "values"]
        .into_iter()
        .filter_map(part)
        .collect::<Vec<_>>()
        .join("  ")
}

fn write_text_entry<W: Write>(
    out: &mut W,
    layout: Layout,
    key: &[u8],
    value: &[u8],
) -> io::Result<()> {
    out.write_all(b"key: ")?;
    write_hex_text(out, key)?;
    if layout.cpus.is_some() {
        out.write_all(b"\n")?;
        for (cpu, v) in layout.per_cpu_values(value) {
            write!(out, "value (CPU {cpu:02}): ")?;
            write_hex_text(out, v)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    } else {
        out.write_all(b"  value: ")?;
        write_hex_text(out, value)?;
        out.write_all(b"\n")
    }
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub id: u32,
    pub pinned: String,
}

#[derive(Debug, Serialize)]
pub struct BulkUpdate {
    pub updated: usize,
    pub batched: bool,
}

#[derive(Debug, Serialize)]
pub struct DeleteAll {
    pub deleted: u64,
}

/// One element as printed: bpftool's hex `key`/`value` (or per-CPU `values`) plus additive extras.
#[derive(Debug, Serialize)]
pub struct Element {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Hex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<CpuValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_map_id: Option<u32>,
    /// bpftool's typed view of the element, for maps with BTF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct CpuValue {
    pub cpu: usize,
    pub value: Hex,
}

/// Bytes that serialize as bpftool's `["0x01","0x00"]`.
#[derive(Debug, Clone)]
pub struct Hex(pub Vec<u8>);

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in &self.0 {
            seq.serialize_element(&format!("0x{b:02x}"))?;
        }
        seq.end()
    }
}

#[derive(Debug, Serialize)]
pub struct NextKey {
    pub key: Option<Hex>,
    pub next_key: Option<Hex>,
}

//! Map elements in text and JSON, including the streaming dump writer: JSON goes straight from the kernel's
//! buffers into one output buffer, with no allocation per entry. Every form is bpftool's: `-j` JSON, `-p` in its
//! pretty layout, text as bpftool prints it (formatted blocks for maps with BTF, hex otherwise).

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;

use super::map_text::{push_error_entry, push_hex_block, push_plain_entry};
use super::pretty::{layout, Jsonw};
use super::{Output, Render, Text};
use crate::btf::Flavor;
use crate::fastfmt::{push_hex_array, push_u64};
use crate::mapdata::typed::TypedView;
use crate::mapdata::Layout;
use serde::Serialize;
use serde_json::value::RawValue;

impl Render for Element {
    fn render(&self, text: &mut Text) {
        let out = match &self.formatted_text {
            Some(formatted) => layout(formatted.as_bytes()),
            None => {
                let mut out = Vec::new();
                let key = self.key.as_ref().map_or(&[][..], |k| &k.0[..]);
                let value = match (&self.value, &self.values) {
                    (Some(v), _) => v.0.clone(),
                    (None, Some(cpus)) => self.cpu_buffer(cpus),
                    (None, None) => Vec::new(),
                };
                push_plain_entry(&mut out, self.layout, key, &value);
                out
            }
        };
        text.line(String::from_utf8_lossy(&out).trim_end().to_string());
    }
}

impl Element {
    /// The per-CPU values back in the kernel's buffer layout, for the text form.
    fn cpu_buffer(&self, cpus: &[CpuValue]) -> Vec<u8> {
        let stride = self.layout.cpu_stride();
        let mut buf = vec![0u8; stride * cpus.len()];
        for c in cpus {
            let at = c.cpu * stride;
            buf[at..at + c.value.0.len()].copy_from_slice(&c.value.0);
        }
        buf
    }
}

impl Render for NextKey {
    /// bpftool's text: `key:` (or `key: None` for the first key) and `next key:`, each followed by its bytes.
    fn render(&self, text: &mut Text) {
        let mut out = Vec::new();
        match &self.key {
            Some(k) => {
                out.extend_from_slice(b"key:\n");
                push_hex_block(&mut out, &k.0);
            }
            None => out.extend_from_slice(b"key: None"),
        }
        match &self.next_key {
            Some(k) => {
                out.extend_from_slice(b"\nnext key:\n");
                push_hex_block(&mut out, &k.0);
            }
            None => out.extend_from_slice(b"\nnext key: None (the key is the last one)"),
        }
        text.line(String::from_utf8_lossy(&out).into_owned());
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

/// Bytes of output gathered before one write(): big enough that a dump of a million entries makes a few hundred
/// write() calls, small enough to stay in the cache.
const FLUSH_AT: usize = 1 << 18;

enum DumpMode {
    /// `-j`: compact JSON appended straight to the buffer.
    Json,
    /// `-p` (JSON flavor), and the text form of maps with BTF (plain flavor): each element's compact text laid out
    /// by bpftool's pretty writer.
    Layout {
        jw: Jsonw,
        flavor: Flavor,
        scratch: Vec<u8>,
    },
    /// Text of maps without BTF: bpftool's hex blocks and a `Found N elements` line.
    Text,
}

/// Prints a dump entry by entry. JSON is bpftool's form: `{"key":[..],"value":[..]}`, per-CPU maps
/// `{"key":[..],"values":[{"cpu":0,"value":[..]}..]}`, maps of maps add `inner_map_id`, maps with BTF add
/// `formatted`; an entry whose value cannot be read is `{"key":[..],"value":{"error":"why"}}`.
pub struct DumpPrinter<'a> {
    mode: DumpMode,
    /// A duplicate of stdout written to directly: Stdout's line buffering would scan every block for newlines.
    out: File,
    buf: Vec<u8>,
    layout: Layout,
    map_of_maps: bool,
    typed: Option<&'a TypedView>,
    /// Entries printed (error entries not counted, as bpftool counts them).
    count: u64,
    first: bool,
}

impl Output {
    pub fn dump_printer<'a>(
        &self,
        layout: Layout,
        map_of_maps: bool,
        typed: Option<&'a TypedView>,
    ) -> io::Result<DumpPrinter<'a>> {
        super::mark_printed();
        let mode = if self.pretty || (!self.json && typed.is_some()) {
            DumpMode::Layout {
                jw: Jsonw::new(),
                flavor: if self.json {
                    Flavor::Json
                } else {
                    Flavor::Plain
                },
                scratch: Vec::new(),
            }
        } else if self.json {
            DumpMode::Json
        } else {
            DumpMode::Text
        };
        let fd = io::stdout().as_fd().try_clone_to_owned()?;
        let mut printer = DumpPrinter {
            mode,
            out: File::from(fd),
            buf: Vec::with_capacity(FLUSH_AT + (FLUSH_AT >> 2)),
            layout,
            map_of_maps,
            typed,
            count: 0,
            first: true,
        };
        match &mut printer.mode {
            DumpMode::Json => printer.buf.push(b'['),
            DumpMode::Layout { jw, .. } => jw.feed(b"[", &mut printer.buf),
            DumpMode::Text => {}
        }
        Ok(printer)
    }
}

impl DumpPrinter<'_> {
    fn flush_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub fn entry(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        self.count += 1;
        let first = std::mem::replace(&mut self.first, false);
        let (layout, mom, typed) = (self.layout, self.map_of_maps, self.typed);
        match &mut self.mode {
            DumpMode::Json => {
                if !first {
                    self.buf.push(b',');
                }
                write_json_entry(&mut self.buf, layout, mom, typed, key, value);
            }
            DumpMode::Layout {
                jw,
                flavor,
                scratch,
            } => {
                scratch.clear();
                match (*flavor, typed) {
                    // Text with BTF: only the formatted block, as bpftool prints it.
                    (Flavor::Plain, Some(t)) => {
                        t.write_formatted(layout, Some(key), value, Flavor::Plain, scratch)
                    }
                    _ => write_json_entry(scratch, layout, mom, typed, key, value),
                }
                if !first {
                    jw.feed(b",", &mut self.buf);
                }
                jw.feed(scratch, &mut self.buf);
            }
            DumpMode::Text => push_plain_entry(&mut self.buf, layout, key, value),
        }
        self.flush_if_full()
    }

    /// An entry the kernel listed but would not let user space read (perf event arrays, cgroup arrays, empty
    /// slots of socket maps): bpftool lists it with an error object as its value and goes on. `json_error` is what
    /// bpftool's JSON says (glibc's strerror), `text_reason` what the text form says.
    pub fn error_entry(
        &mut self,
        key: &[u8],
        json_error: &str,
        text_reason: &str,
    ) -> io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        let mut json = Vec::new();
        json.extend_from_slice(b"{\"key\":");
        push_hex_array(&mut json, key);
        json.extend_from_slice(b",\"value\":{\"error\":");
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut json, json_error);
        json.extend_from_slice(b"}}");
        match &mut self.mode {
            DumpMode::Json => {
                if !first {
                    self.buf.push(b',');
                }
                self.buf.extend_from_slice(&json);
            }
            DumpMode::Layout {
                jw,
                flavor: Flavor::Json,
                ..
            } => {
                if !first {
                    jw.feed(b",", &mut self.buf);
                }
                jw.feed(&json, &mut self.buf);
            }
            // bpftool prints the text form of an error even between the formatted blocks.
            DumpMode::Layout { .. } | DumpMode::Text => {
                push_error_entry(&mut self.buf, key, text_reason)
            }
        }
        self.flush_if_full()
    }

    pub fn finish(mut self) -> io::Result<()> {
        match &mut self.mode {
            DumpMode::Json => self.buf.extend_from_slice(b"]\n"),
            DumpMode::Layout { jw, .. } => {
                jw.feed(b"]", &mut self.buf);
                self.buf.push(b'\n');
            }
            DumpMode::Text => {
                let plural = if self.count == 1 { "" } else { "s" };
                let _ = writeln!(self.buf, "Found {} element{plural}", self.count);
            }
        }
        self.out.write_all(&self.buf)?;
        self.out.flush()
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
        t.write_formatted(layout, Some(key), value, Flavor::Json, out);
    }
    out.push(b'}');
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

/// One element as printed: bpftool's hex `key`/`value` (or per-CPU `values`) plus additive extras. Keyless maps
/// (queues, stacks) have `"key": []`, as bpftool prints them.
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
    /// bpftool's typed view of the element, for maps with BTF: the dump's very text (members that repeat a name,
    /// as anonymous structs do, all kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<Box<RawValue>>,
    /// The same in bpftool's plain-text flavor, for the text form.
    #[serde(skip)]
    pub formatted_text: Option<String>,
    #[serde(skip)]
    pub layout: Layout,
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

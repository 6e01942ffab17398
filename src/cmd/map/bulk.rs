//! `map update MAP --from FILE|-`: many elements from JSON Lines, all validated before the first write, written
//! with BPF_MAP_UPDATE_BATCH where the kernel has it.

use std::io::{BufRead, BufReader, Read};
use std::os::fd::AsFd;

use serde_json::Value;

use crate::cmd::map::open::OpenMap;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::mapdata::dump_json::DumpJson;
use crate::output::map_data::BulkUpdate;
use crate::sys::map_ops;

/// Bytes given as JSON: `["0x01","0x00"]` (bpftool's dump form, so a dump can be fed back) or `[1, 0]`.
fn json_bytes(v: &Value, expected: usize) -> std::result::Result<Vec<u8>, String> {
    let items = v
        .as_array()
        .ok_or("expected an array of bytes like [\"0x01\", ...] or [1, ...]")?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let byte = match item {
            Value::String(s) => s
                .strip_prefix("0x")
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("'{s}' is not a byte like \"0x2a\""))?,
            Value::Number(n) => n
                .as_u64()
                .filter(|b| *b <= 255)
                .ok_or_else(|| format!("{n} is not a byte"))? as u8,
            other => return Err(format!("{other} is not a byte")),
        };
        out.push(byte);
    }
    if out.len() != expected {
        return Err(format!(
            "got {} byte(s), the map needs {expected}",
            out.len()
        ));
    }
    Ok(out)
}

/// A key or value of a line: bytes as `map dump -j` prints them, or for maps with BTF a typed value as its
/// `formatted` part shows it (`{"key": 7, "value": {"packets": 1}}`).
fn element_bytes(
    map: &OpenMap,
    v: &Value,
    size: usize,
    type_of: fn(&crate::mapdata::typed::TypedView) -> u32,
) -> std::result::Result<Vec<u8>, String> {
    let bytes = json_bytes(v, size);
    let Some(typed) = &map.typed else {
        return bytes;
    };
    bytes.or_else(|bytes_error| {
        // Hex strings mean the byte form was intended: its error is the useful one.
        let hex_form = v.as_array().is_some_and(|a| {
            a.iter()
                .any(|b| b.as_str().is_some_and(|s| s.starts_with("0x")))
        });
        typed.encode_json(type_of(typed), v).map_err(|typed_error| {
            if hex_form {
                bytes_error
            } else {
                typed_error
            }
        })
    })
}

/// One `--from` line: the fields that matter, each at most once (a second "key" would silently win in a plain
/// JSON object); other fields, such as the `formatted` part of a dump, are ignored. Per-CPU dumps print
/// `values` (one per CPU), global data's `formatted` part has no key: both feed back in.
#[derive(serde::Deserialize)]
struct Line {
    key: Option<DumpJson>,
    value: Option<DumpJson>,
    values: Option<Vec<CpuValue>>,
}

#[derive(serde::Deserialize)]
struct CpuValue {
    cpu: usize,
    value: DumpJson,
}

/// The longest line `--from` takes: one key and one value, even of a large struct as formatted JSON, is far less.
const MAX_LINE: u64 = 64 << 20;

/// Every line parsed and checked; the first bad line is the error, naming its number.
fn parse_lines(map: &OpenMap, input: impl Read) -> Result<(Vec<u8>, Vec<u8>, usize)> {
    let klen = map.layout.key_size;
    let (mut keys, mut values, mut count) = (Vec::new(), Vec::new(), 0);
    let mut reader = BufReader::new(input);
    let mut buf = Vec::new();
    for i in 1.. {
        let bad = |why: String| {
            Error::new(
                ErrorKind::InvalidInput,
                &map.label,
                format!("--from line {i}: {why}"),
            )
        };
        buf.clear();
        // Bounded: a stream without newlines (a pipe of zeros) must end in an error, not in all of memory.
        let n = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| bad(e.to_string()))?;
        if n == 0 {
            break;
        }
        if buf.len() as u64 > MAX_LINE {
            return Err(bad(format!("longer than {} MiB", MAX_LINE >> 20)));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| bad("not valid UTF-8".into()))?;
        // A byte-order mark from an editor is not part of the JSON.
        let line = if i == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        let v: Line = serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
        let key = match &v.key {
            Some(DumpJson(key)) => element_bytes(map, key, klen, |t| t.key_type)
                .map_err(|e| bad(format!("key: {e}")))?,
            None => single_entry_key(map).map_err(bad)?,
        };
        let value = line_value(map, &v).map_err(bad)?;
        keys.extend_from_slice(&key);
        values.extend_from_slice(&value);
        count += 1;
    }
    Ok((keys, values, count))
}

/// The key of a line without one: global data (`.bss`, `.data`, ...) prints its `formatted` part without a key,
/// so a map of one array entry takes key 0.
fn single_entry_key(map: &OpenMap) -> std::result::Result<Vec<u8>, String> {
    let single = map.info.map_type == libbpf_sys::BPF_MAP_TYPE_ARRAY && map.info.max_entries == 1;
    if !single || map.layout.key_size != 4 {
        return Err("no \"key\" (only a one-entry array, as global data, may leave it out)".into());
    }
    Ok(vec![0; 4])
}

/// The value bytes of a line, laid out as the kernel takes them. For a per-CPU map: `values` as its dump prints
/// them (CPUs left out are zero), one CPU's `value` copied to every CPU (as `map update` does), or every CPU's
/// slot given whole.
fn line_value(map: &OpenMap, line: &Line) -> std::result::Result<Vec<u8>, String> {
    let (size, vlen) = (map.layout.value_size, map.layout.value_len());
    let one = |v: &Value| element_bytes(map, v, size, |t| t.value_type);
    let Some(cpus) = map.layout.cpus else {
        return match (&line.value, &line.values) {
            (Some(DumpJson(v)), None) => one(v).map_err(|e| format!("value: {e}")),
            (None, Some(_)) => {
                Err("\"values\" is for per-CPU maps; this one takes \"value\"".into())
            }
            _ => Err("expected \"value\"".into()),
        };
    };
    let stride = map.layout.cpu_stride();
    let mut out = vec![0u8; vlen];
    match (&line.value, &line.values) {
        (Some(DumpJson(v)), None) => {
            if let Ok(whole) = json_bytes(v, vlen) {
                return Ok(whole);
            }
            let bytes = one(v).map_err(|e| format!("value: {e}"))?;
            for slot in out.chunks_mut(stride) {
                slot[..size].copy_from_slice(&bytes);
            }
        }
        (None, Some(values)) => {
            let mut seen = vec![false; cpus];
            for CpuValue { cpu, value } in values {
                let slot = seen
                    .get_mut(*cpu)
                    .ok_or_else(|| format!("values: cpu {cpu} does not exist ({cpus} possible)"))?;
                if std::mem::replace(slot, true) {
                    return Err(format!("values: cpu {cpu} given twice"));
                }
                let bytes = one(&value.0).map_err(|e| format!("values: cpu {cpu}: {e}"))?;
                out[cpu * stride..cpu * stride + size].copy_from_slice(&bytes);
            }
        }
        _ => return Err("expected \"value\" or \"values\" (one per CPU)".into()),
    }
    Ok(out)
}

/// Refuses up front what would fill the map part-way: new keys beyond max_entries.
fn check_capacity(map: &OpenMap, keys: &[u8]) -> Result<()> {
    let klen = map.layout.key_size.max(1);
    let mut probe = vec![0u8; map.layout.value_len()];
    let mut distinct_new = std::collections::HashSet::new();
    for key in keys.chunks(klen) {
        if !map_ops::lookup(map.fd.as_fd(), Some(key), &mut probe)
            .map_err(|e| map.error(&e, "lookup failed"))?
        {
            distinct_new.insert(key);
        }
    }
    let mut present = 0u64;
    crate::mapdata::walk::walk_entries(map.fd.as_fd(), map.layout, |_, _| {
        present += 1;
        Ok(())
    })
    .map_err(|e| map.error(&e, "cannot count entries"))?;
    let max = u64::from(map.info.max_entries);
    if present + distinct_new.len() as u64 > max {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &map.label,
            format!(
                "{} new keys would not fit: {present} of {max} entries are in use; nothing written",
                distinct_new.len()
            ),
        ));
    }
    Ok(())
}

pub fn update_from(ctx: &Context, map: &OpenMap, source: &str) -> CmdResult {
    let (keys, values, count) = if source == "-" {
        // A pipe may stream for ever: bounded like any stream, and each line on its own (MAX_LINE).
        let limit = crate::input::STREAM_LIMIT;
        let mut stdin = std::io::stdin().lock().take(limit + 1);
        let parsed = parse_lines(map, &mut stdin)?;
        if stdin.limit() == 0 {
            return Err(crate::input::stream_too_long(&map.label, "--from -"));
        }
        parsed
    } else {
        let data = crate::input::read_whole(std::path::Path::new(source), source, "cannot read")?;
        parse_lines(map, &data[..])?
    };
    if !crate::cmd::map::open::is_array_like(map.info.map_type) {
        check_capacity(map, &keys)?;
    }
    let (klen, vlen) = (map.layout.key_size, map.layout.value_len());
    // Every line or none: Ctrl-C or SIGTERM during the writes takes effect once they are done.
    let hold = crate::sys::signal::hold_termination();
    let (done, result) = map_ops::update_batch(map.fd.as_fd(), &keys, &values, count, 0);
    let batched = match result {
        Ok(()) => true,
        // No batch op here (older kernel, LPM trie...) and nothing written yet: one element at a time.
        Err(e)
            if done == 0
                && matches!(
                    e.raw_os_error(),
                    Some(libc::EINVAL | libc::EOPNOTSUPP | crate::error::ENOTSUPP)
                ) =>
        {
            for i in 0..count {
                let (k, v) = (
                    &keys[i * klen..(i + 1) * klen],
                    &values[i * vlen..(i + 1) * vlen],
                );
                crate::cmd::map::open::write_element(map, Some(k), v, 0)?;
            }
            false
        }
        Err(e) => {
            return Err(map.error(
                &e,
                &format!("batch update stopped after {done} of {count} elements"),
            ))
        }
    };
    drop(hold);
    show(
        ctx,
        &BulkUpdate {
            updated: count,
            batched,
        },
    )?;
    Ok(Outcome::Success)
}

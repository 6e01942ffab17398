//! A type's formatted JSON compiled once into a plan, for the hot loop of a map dump: a dump formats the same key
//! and value types millions of times, so the BTF walk (type lookups, string-table reads, name escaping, char-array
//! and repeated-name checks) is done once per map instead of once per entry. Running a plan only reads bytes and
//! appends pre-escaped names and numbers. The output is byte for byte `write_value_json`'s (tested below); shapes
//! the plan does not model are delegated to the tree formatter exactly as `write_value_json` delegates them, and
//! types whose walk could hit the depth or node bounds are not planned at all (the writer runs instead).

use super::types::{Kind, Type, INT_BOOL, INT_CHAR, INT_SIGNED};
use super::value::{enum_signed, read_uint, sign_extend, NODES_PER_BYTE};
use super::{err, Btf, Result, MAX_DEPTH};
use crate::fastfmt::{push_byte_numbers, push_hex, push_i64, push_u64};

/// The formatted JSON of one type for data of one length (a map's key or value size).
pub struct JsonPlan {
    type_id: u32,
    len: usize,
    body: Body,
}

enum Body {
    /// The walk fails whatever the bytes (unknown size, data too short): `write_value_json` would fail too.
    Fails,
    /// Too deep or too big to plan: run `write_value_json`, which enforces the bounds.
    Writer,
    Plan(Node),
}

/// One JSON value, read from the data at the node's position (the data slice starts there).
enum Node {
    Null,
    /// An unsigned integer of `size` bytes as a number.
    Unsigned {
        size: usize,
    },
    /// A signed integer of `size` bytes, `bits` significant, as a number.
    Signed {
        size: usize,
        bits: u32,
    },
    Bool {
        size: usize,
    },
    /// 128-bit integers and bitfields as `"0x.."`: `size` bytes read, then shifted and masked.
    Hex {
        size: usize,
        shift: u32,
        bits: u32,
    },
    /// A pointer: a number, `null` when the data is too short.
    Ptr {
        size: usize,
    },
    Enum(Box<EnumPlan>),
    /// A char array: a string when printable up to a NUL, else the elements.
    Chars {
        nelems: usize,
        elems: Box<Node>,
    },
    Array(Box<Elems>),
    /// An array of `n` one-byte plain integers (`u8 x[16]`, a char array that is not a string): numbers from a
    /// table.
    Bytes {
        n: usize,
        signed: bool,
    },
    Object(Vec<Field>),
    /// Formatted by the tree formatter (floats, DATASECs, structs with repeated member names).
    Tree(u32),
}

struct Elems {
    elem: Node,
    elem_size: usize,
    nelems: usize,
}

struct EnumPlan {
    size: usize,
    bits: u32,
    signed: bool,
    /// Normalized value and the name as a JSON string, in BTF order (the first match wins).
    names: Vec<(u64, Box<[u8]>)>,
}

struct Field {
    /// `"name":`, with a leading comma after the first member.
    key: ShortBytes,
    offset: usize,
    /// Some((bit offset within the byte, bits)) for bitfield members.
    bitfield: Option<(u32, u32)>,
    node: Node,
}

impl Btf {
    /// Plans the JSON of type `type_id` for data of exactly `len` bytes.
    pub fn json_plan(&self, type_id: u32, len: usize) -> JsonPlan {
        let body = match self.resolve_size(type_id) {
            Ok(size) if (size as usize) <= len => {
                let max_nodes = 1024 + (size as usize).saturating_mul(NODES_PER_BYTE);
                let mut planner = Planner {
                    btf: self,
                    nodes: 0,
                    max_nodes,
                };
                match planner.node(type_id, 0) {
                    Some(node) => Body::Plan(node),
                    None => Body::Writer,
                }
            }
            _ => Body::Fails,
        };
        JsonPlan { type_id, len, body }
    }

    /// Appends the JSON of `data` through `plan` (made by this BTF); on error `out` is left as it was.
    pub fn write_planned(&self, plan: &JsonPlan, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let node = match &plan.body {
            Body::Plan(node) if data.len() == plan.len => node,
            Body::Fails if data.len() == plan.len => return err("value does not fit its type"),
            _ => return self.write_value_json(plan.type_id, data, out),
        };
        let start = out.len();
        let result = Runner { btf: self, out }.node(node, data);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}

struct Planner<'a> {
    btf: &'a Btf,
    /// The most nodes `write_value_json` can visit (char arrays counted as arrays).
    nodes: usize,
    max_nodes: usize,
}

/// An integer: bitfield-like or 128-bit values print as raw hex bits (bpftool prints them so), bools as
/// true/false, the rest as numbers.
fn int_node(t: &Type) -> Node {
    let info = t.int_info();
    let size = t.size() as usize;
    if info.offset != 0 || info.bits != t.size() * 8 {
        Node::Hex {
            size,
            shift: info.offset,
            bits: info.bits,
        }
    } else if info.encoding & INT_BOOL != 0 {
        Node::Bool { size }
    } else if size == 16 {
        Node::Hex {
            size,
            shift: 0,
            bits: 128,
        }
    } else if info.encoding & INT_SIGNED != 0 {
        Node::Signed {
            size,
            bits: info.bits,
        }
    } else {
        Node::Unsigned { size }
    }
}

impl Planner<'_> {
    /// None when the writer could reach its depth or node bound: such types are not planned.
    fn node(&mut self, id: u32, depth: usize) -> Option<Node> {
        self.count(1)?;
        if depth > MAX_DEPTH {
            return None;
        }
        let Some(t) = self.btf.type_by_id(id) else {
            return Some(Node::Null);
        };
        Some(match t.kind() {
            Kind::Int => int_node(&t),
            Kind::Ptr => Node::Ptr {
                size: self.btf.ptr_size() as usize,
            },
            Kind::Enum | Kind::Enum64 => {
                let size = t.size() as usize;
                let bits = t.size().saturating_mul(8).min(64);
                let signed = enum_signed(&t);
                let names = t
                    .enum_values()
                    .map(|v| (normalize(v.value, bits, signed), json_string(v.name)))
                    .collect();
                Node::Enum(Box::new(EnumPlan {
                    size,
                    bits,
                    signed,
                    names,
                }))
            }
            Kind::Array => return self.array(id, depth),
            Kind::Struct | Kind::Union => return self.composite(id, &t, depth),
            Kind::Float | Kind::Datasec => Node::Tree(id),
            Kind::Typedef | Kind::Var | Kind::DeclTag => return self.node(t.type_id(), depth + 1),
            k if k.is_modifier() => return self.node(t.type_id(), depth + 1),
            _ => Node::Null,
        })
    }

    /// A struct or union as an object of its members; one that repeats a member name (anonymous members) is
    /// left to the tree writer, which names them as bpftool does.
    fn composite(&mut self, id: u32, t: &Type, depth: usize) -> Option<Node> {
        let repeated = t
            .members()
            .enumerate()
            .any(|(i, m)| t.members().take(i).any(|p| p.name == m.name));
        if repeated {
            return Some(Node::Tree(id));
        }
        let mut fields = Vec::with_capacity(t.vlen() as usize);
        for (i, m) in t.members().enumerate() {
            let mut key = if i > 0 { b",".to_vec() } else { Vec::new() };
            key.extend_from_slice(&json_string(m.name));
            key.push(b':');
            let (bitfield, node) = if m.bitfield_size != 0 {
                (Some((m.bit_offset % 8, m.bitfield_size)), Node::Null)
            } else {
                (None, self.node(m.type_id, depth + 1)?)
            };
            fields.push(Field {
                key: ShortBytes::new(key),
                offset: (m.bit_offset / 8) as usize,
                bitfield,
                node,
            });
        }
        Some(Node::Object(fields))
    }

    fn array(&mut self, id: u32, depth: usize) -> Option<Node> {
        let a = self.btf.type_by_id(id)?.array();
        let nelems = a.nelems as usize;
        // A size the writer cannot resolve fails it on non-string data: leave such arrays to the writer.
        let elem_size = self.btf.resolve_size(a.elem_type).ok()? as usize;
        // The elements are planned once and repeated: count the nodes the writer would visit for all of them.
        let before = self.nodes;
        let elem = self.node(a.elem_type, depth + 1)?;
        let per_elem = self.nodes - before;
        self.nodes = before;
        self.count(per_elem.saturating_mul(nelems))?;
        let array = match elem {
            Node::Unsigned { size: 1 } if elem_size == 1 => Node::Bytes {
                n: nelems,
                signed: false,
            },
            Node::Signed { size: 1, bits: 8 } if elem_size == 1 => Node::Bytes {
                n: nelems,
                signed: true,
            },
            elem => Node::Array(Box::new(Elems {
                elem,
                elem_size,
                nelems,
            })),
        };
        Some(if self.is_char(a.elem_type) && nelems > 0 {
            Node::Chars {
                nelems,
                elems: Box::new(array),
            }
        } else {
            array
        })
    }

    /// The writer's test for a string: one-byte ints marked char or named `char`, behind modifiers.
    fn is_char(&self, elem: u32) -> bool {
        let Some(t) = self
            .btf
            .skip_modifiers(elem, false)
            .ok()
            .and_then(|id| self.btf.type_by_id(id))
        else {
            return false;
        };
        t.kind() == Kind::Int
            && t.size() == 1
            && (t.int_info().encoding & INT_CHAR != 0 || t.name() == "char")
    }

    fn count(&mut self, n: usize) -> Option<()> {
        self.nodes = self.nodes.saturating_add(n);
        (self.nodes <= self.max_nodes).then_some(())
    }
}

fn normalize(v: u64, bits: u32, signed: bool) -> u64 {
    if bits == 64 {
        v
    } else if signed {
        sign_extend(u128::from(v) & ((1u128 << bits) - 1), bits) as u64
    } else {
        v & ((1u64 << bits) - 1)
    }
}

fn json_string(s: &str) -> Box<[u8]> {
    // Serializing a str into a Vec cannot fail.
    serde_json::to_vec(s).unwrap_or_default().into()
}

struct Runner<'a> {
    btf: &'a Btf,
    out: &'a mut Vec<u8>,
}

impl Runner<'_> {
    #[inline]
    fn uint(&self, data: &[u8], size: usize) -> Option<u128> {
        // Little-endian 1/2/4/8-byte reads are the common case: one load instead of a byte loop.
        if !self.btf.big_endian() {
            let fast = match size {
                1 => data.first().map(|b| u128::from(*b)),
                2 => data
                    .get(..2)
                    .map(|b| u128::from(u16::from_le_bytes([b[0], b[1]]))),
                4 => data
                    .get(..4)
                    .map(|b| u128::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                8 => data
                    .get(..8)
                    .and_then(|b| b.try_into().ok())
                    .map(|b| u128::from(u64::from_le_bytes(b))),
                _ => read_uint(data, size, false),
            };
            return fast;
        }
        read_uint(data, size, true)
    }

    /// Integers, the common members, written without a call: Ok(false) for other nodes.
    #[inline(always)]
    fn int(&mut self, node: &Node, data: &[u8]) -> Result<bool> {
        let (size, v) = match node {
            Node::Unsigned { size }
            | Node::Signed { size, .. }
            | Node::Bool { size }
            | Node::Hex { size, .. } => (*size, self.uint(data, *size)),
            _ => return Ok(false),
        };
        let Some(v) = v else {
            return err(format!("value truncated ({size} bytes needed)"));
        };
        match node {
            Node::Unsigned { .. } => push_u64(self.out, v as u64),
            Node::Signed { bits, .. } => push_i64(self.out, sign_extend(v, *bits) as i64),
            Node::Bool { .. } => {
                self.out
                    .extend_from_slice(if v != 0 { b"true" } else { b"false" })
            }
            Node::Hex { shift, bits, .. } => push_hex(self.out, bitfield(v, *shift, *bits)),
            _ => {}
        }
        Ok(true)
    }

    fn node(&mut self, node: &Node, data: &[u8]) -> Result<()> {
        if self.int(node, data)? {
            return Ok(());
        }
        match node {
            Node::Null => self.out.extend_from_slice(b"null"),
            Node::Unsigned { .. } | Node::Signed { .. } | Node::Bool { .. } | Node::Hex { .. } => {}
            Node::Ptr { size } => match read_uint(data, *size, self.btf.big_endian()) {
                Some(v) if v <= u128::from(u64::MAX) => push_u64(self.out, v as u64),
                Some(v) => push_hex(self.out, v),
                None => self.out.extend_from_slice(b"null"),
            },
            Node::Enum(e) => {
                let raw = read_uint(data, e.size, self.btf.big_endian()).unwrap_or(0) as u64;
                let want = normalize(raw, e.bits, e.signed);
                match e.names.iter().find(|(v, _)| *v == want) {
                    Some((_, name)) => self.out.extend_from_slice(name),
                    None if e.signed => push_i64(self.out, want as i64),
                    None => push_u64(self.out, want),
                }
            }
            Node::Chars { nelems, elems } => {
                if !push_c_string(self.out, data, *nelems) {
                    self.node(elems, data)?;
                }
            }
            Node::Array(a) => {
                self.out.push(b'[');
                for i in 0..a.nelems {
                    let Some(bytes) = data.get(i.saturating_mul(a.elem_size)..) else {
                        return err("array runs past the value");
                    };
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.node(&a.elem, bytes)?;
                }
                self.out.push(b']');
            }
            Node::Bytes { n, signed } => {
                // The writer fails on the first element past the data.
                let Some(bytes) = data.get(..*n) else {
                    return err("array runs past the value");
                };
                push_byte_numbers(self.out, bytes, *signed);
            }
            Node::Object(fields) => {
                self.out.push(b'{');
                for f in fields {
                    let Some(bytes) = data.get(f.offset..) else {
                        return err("member is outside the value");
                    };
                    f.key.push_to(self.out);
                    match f.bitfield {
                        Some((shift, bits)) => {
                            let nbytes = ((shift + bits) as usize).div_ceil(8).min(16);
                            let raw = read_uint(bytes, nbytes, self.btf.big_endian()).unwrap_or(0);
                            push_hex(self.out, bitfield(raw, shift, bits));
                        }
                        None => {
                            if !self.int(&f.node, bytes)? {
                                self.node(&f.node, bytes)?;
                            }
                        }
                    }
                }
                self.out.push(b'}');
            }
            Node::Tree(id) => {
                let v = self.btf.format_value(*id, data)?;
                let _ = serde_json::to_writer(&mut *self.out, &v);
            }
        }
        Ok(())
    }
}

fn bitfield(raw: u128, shift: u32, bits: u32) -> u128 {
    let shifted = if shift >= 128 { 0 } else { raw >> shift };
    let mask = if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    shifted & mask
}

/// bpftool's rule: a char array printable up to a NUL is a string. Appends it and says whether it was one.
fn push_c_string(out: &mut Vec<u8>, data: &[u8], nelems: usize) -> bool {
    let Some(bytes) = data.get(..nelems) else {
        return false;
    };
    let Some(end) = bytes.iter().position(|b| *b == 0) else {
        return false;
    };
    let text = &bytes[..end];
    if text.iter().any(|b| *b <= 0x1f || *b >= 0x7f) {
        return false;
    }
    out.push(b'"');
    // Printable ASCII: only the quote and the backslash are escaped (as serde_json does).
    for chunk in text.split_inclusive(|b| *b == b'"' || *b == b'\\') {
        match chunk.split_last() {
            Some((last, head)) if *last == b'"' || *last == b'\\' => {
                out.extend_from_slice(head);
                out.extend_from_slice(&[b'\\', *last]);
            }
            _ => out.extend_from_slice(chunk),
        }
    }
    out.push(b'"');
    true
}

/// Short byte strings (member names with their quotes) kept padded, appended with a constant-length copy.
struct ShortBytes {
    padded: [u8; 24],
    long: Option<Box<[u8]>>,
    len: usize,
}

impl ShortBytes {
    fn new(bytes: Vec<u8>) -> ShortBytes {
        let mut padded = [0u8; 24];
        let len = bytes.len();
        if len <= padded.len() {
            padded[..len].copy_from_slice(&bytes);
            ShortBytes {
                padded,
                long: None,
                len,
            }
        } else {
            ShortBytes {
                padded,
                long: Some(bytes.into()),
                len,
            }
        }
    }

    fn push_to(&self, out: &mut Vec<u8>) {
        match &self.long {
            None => {
                let start = out.len();
                out.extend_from_slice(&self.padded);
                out.truncate(start + self.len);
            }
            Some(long) => out.extend_from_slice(long),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic bytes that hit strings, NULs, quotes, high bits and negative numbers.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if seed % 4 == 3 {
                    // Text with NULs: char arrays become strings (with quotes and backslashes to escape).
                    return match i % 9 {
                        8 => 0,
                        _ => b" \"\\az~09"[(x % 8) as usize],
                    };
                }
                match i % 13 {
                    3 | 4 | 8 => b'a' + (x % 26) as u8,
                    6 => [b'"', b'\\', b' '][(x % 3) as usize],
                    7 => 0,
                    _ => x as u8,
                }
            })
            .collect()
    }

    /// The planned JSON equals the writer's (itself tested equal to the tree formatter) for many kernel types,
    /// random bytes, and data lengths equal to and above the type's size.
    #[test]
    fn planned_json_equals_the_writer_on_kernel_types() {
        let Ok(raw) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            return; // no kernel BTF on this machine: nothing to compare against
        };
        let btf = Btf::parse(&raw).unwrap();
        let mut planned = 0;
        for id in btf.own_ids().step_by(29) {
            let Ok(size) = btf.resolve_size(id) else {
                continue;
            };
            if size > 4096 {
                continue;
            }
            for (seed, extra) in [(0, 0), (1, 0), (2, 3), (3, 0)] {
                let len = size as usize + extra;
                let data = bytes(u64::from(id) * 31 + seed, len);
                let plan = btf.json_plan(id, len);
                planned += usize::from(matches!(plan.body, Body::Plan(_)));
                let mut want = b"prefix".to_vec();
                let w = btf.write_value_json(id, &data, &mut want);
                let mut got = b"prefix".to_vec();
                let g = btf.write_planned(&plan, &data, &mut got);
                assert_eq!(w.is_ok(), g.is_ok(), "type {id} seed {seed}");
                assert_eq!(
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&got),
                    "type {id} seed {seed}"
                );
            }
        }
        assert!(planned > 3000, "only {planned} values planned");
    }

    #[test]
    fn short_or_long_data_still_formats_like_the_writer() {
        let Ok(raw) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            return;
        };
        let btf = Btf::parse(&raw).unwrap();
        let id = btf.find_by_name("task_struct", Kind::Struct).unwrap();
        let size = btf.resolve_size(id).unwrap() as usize;
        let plan = btf.json_plan(id, size);
        for len in [0, size / 2, size + 8] {
            let data = bytes(7, len);
            let (mut want, mut got) = (Vec::new(), Vec::new());
            let w = btf.write_value_json(id, &data, &mut want);
            let g = btf.write_planned(&plan, &data, &mut got);
            assert_eq!((w.is_ok(), want), (g.is_ok(), got), "len {len}");
        }
    }
}

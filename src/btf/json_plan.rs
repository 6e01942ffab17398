//! A type's formatted JSON compiled once into a plan, for the hot loop of a map dump: a dump formats the same key
//! and value types millions of times, so the BTF walk (type lookups, string-table reads, name escaping, char-array
//! checks, enum normalization) is done once per map instead of once per entry. Running a plan only reads bytes and
//! appends pre-escaped names and numbers. Every shape is planned, global data sections included (the most common
//! maps of a CO-RE program); the output is byte for byte `write_value`'s in both flavors (tested below). Types whose
//! walk could hit the depth or node bounds are not planned at all (the writer runs instead).

use super::json_out::{
    push_ascii_string, push_float, push_int, push_pointer, push_raw_hex, Flavor,
};
use super::types::{Kind, Type};
use super::value::{
    bitfield_bits, bitfield_span, c_string, enum_width, int_shape, normalize_enum, read_uint,
    IntShape, NODES_PER_BYTE,
};
use super::{err, Btf, Result, MAX_DEPTH};
use crate::fastfmt::{push_byte_numbers, push_i64, push_u64};

/// The formatted JSON of one type for data of one length (a map's key or value size).
pub struct JsonPlan {
    type_id: u32,
    len: usize,
    body: Body,
}

enum Body {
    /// The walk fails whatever the bytes (unknown size, data too short): `write_value` would fail too.
    Fails,
    /// Too deep or too big to plan: run `write_value`, which enforces the bounds.
    Writer,
    Plan(Node),
}

/// One JSON value, read from the data at the node's position (the data slice starts there).
enum Node {
    Null,
    Int(IntShape),
    Float {
        size: u32,
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
    /// A variable: `{"name":value}`.
    Var {
        key: ShortBytes,
        node: Box<Node>,
    },
    /// A global data section: `{".data":[` then each variable, read at its offset.
    Section {
        head: Box<[u8]>,
        vars: Vec<SectionVar>,
    },
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
    /// Some((bytes to read, shift, bits)) for bitfield members.
    bitfield: Option<(usize, u32, u32)>,
    node: Node,
}

struct SectionVar {
    offset: usize,
    size: usize,
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
                match planner.node(type_id, 0, 0) {
                    Some(node) => Body::Plan(node),
                    None => Body::Writer,
                }
            }
            _ => Body::Fails,
        };
        JsonPlan { type_id, len, body }
    }

    /// Appends `data` in `flavor` through `plan` (made by this BTF); on error `out` is left as it was.
    pub fn write_planned(
        &self,
        plan: &JsonPlan,
        data: &[u8],
        flavor: Flavor,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let node = match &plan.body {
            Body::Plan(node) if data.len() == plan.len => node,
            Body::Fails if data.len() == plan.len => return err("value does not fit its type"),
            _ => return self.write_value(plan.type_id, data, flavor, out),
        };
        let start = out.len();
        let result = Runner {
            btf: self,
            out,
            flavor,
        }
        .node(node, data);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}

struct Planner<'a> {
    btf: &'a Btf,
    /// The most nodes `write_value` can visit (char arrays counted as arrays).
    nodes: usize,
    max_nodes: usize,
}

impl Planner<'_> {
    /// None when the writer could reach its depth or node bound: such types are not planned. `shift` as in the
    /// writer: bits into the data where an integer starts.
    fn node(&mut self, id: u32, depth: usize, shift: u32) -> Option<Node> {
        self.count(1)?;
        if depth > MAX_DEPTH {
            return None;
        }
        let Some(t) = self.btf.type_by_id(id) else {
            return Some(Node::Null);
        };
        Some(match t.kind() {
            Kind::Int => Node::Int(int_shape(&t, shift)),
            Kind::Float => Node::Float { size: t.size() },
            Kind::Ptr => Node::Ptr {
                size: self.btf.ptr_size() as usize,
            },
            Kind::Enum | Kind::Enum64 => Node::Enum(Box::new(enum_plan(&t))),
            Kind::Array => return self.array(id, depth),
            Kind::Struct | Kind::Union => return self.composite(&t, depth),
            Kind::Typedef | Kind::DeclTag => return self.node(t.type_id(), depth + 1, shift),
            k if k.is_modifier() => return self.node(t.type_id(), depth + 1, shift),
            Kind::Var => Node::Var {
                key: ShortBytes::new(name_key(b"{", t.name())),
                node: Box::new(self.node(t.type_id(), depth + 1, shift)?),
            },
            Kind::Datasec => return self.section(&t, depth),
            _ => Node::Null,
        })
    }

    fn section(&mut self, t: &Type, depth: usize) -> Option<Node> {
        let mut vars = Vec::with_capacity(t.vlen() as usize);
        for v in t.datasec_vars() {
            vars.push(SectionVar {
                offset: v.offset as usize,
                size: v.size as usize,
                node: self.node(v.type_id, depth + 1, 0)?,
            });
        }
        let mut head = name_key(b"{", t.name());
        head.push(b'[');
        Some(Node::Section {
            head: head.into(),
            vars,
        })
    }

    /// A struct or union as an object of its members, every member printed even where names repeat.
    fn composite(&mut self, t: &Type, depth: usize) -> Option<Node> {
        let mut fields = Vec::with_capacity(t.vlen() as usize);
        for (i, m) in t.members().enumerate() {
            let key = name_key(if i > 0 { b"," } else { b"" }, m.name);
            let (bitfield, node) = if m.bitfield_size != 0 {
                let (size, shift) = bitfield_span(m.bit_offset, m.bitfield_size);
                (Some((size, shift, m.bitfield_size)), Node::Null)
            } else {
                (None, self.node(m.type_id, depth + 1, m.bit_offset % 8)?)
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
        let elem = self.node(a.elem_type, depth + 1, 0)?;
        let per_elem = self.nodes - before;
        self.nodes = before;
        self.count(per_elem.saturating_mul(nelems))?;
        let array = match elem {
            Node::Int(IntShape::Unsigned { size: 1 }) if elem_size == 1 => Node::Bytes {
                n: nelems,
                signed: false,
            },
            Node::Int(IntShape::Signed { size: 1, bits: 8 }) if elem_size == 1 => Node::Bytes {
                n: nelems,
                signed: true,
            },
            elem => Node::Array(Box::new(Elems {
                elem,
                elem_size,
                nelems,
            })),
        };
        Some(if self.btf.is_char_elem(a.elem_type) && nelems > 0 {
            Node::Chars {
                nelems,
                elems: Box::new(array),
            }
        } else {
            array
        })
    }

    fn count(&mut self, n: usize) -> Option<()> {
        self.nodes = self.nodes.saturating_add(n);
        (self.nodes <= self.max_nodes).then_some(())
    }
}

fn enum_plan(t: &Type) -> EnumPlan {
    let (bits, signed) = enum_width(t);
    let names = t
        .enum_values()
        .map(|v| (normalize_enum(v.value, bits, signed), json_string(v.name)))
        .collect();
    EnumPlan {
        size: t.size() as usize,
        bits,
        signed,
        names,
    }
}

/// `prefix` then `"name":`, the name escaped once.
fn name_key(prefix: &[u8], name: &str) -> Vec<u8> {
    let mut key = prefix.to_vec();
    key.extend_from_slice(&json_string(name));
    key.push(b':');
    key
}

fn json_string(s: &str) -> Box<[u8]> {
    // Serializing a str into a Vec cannot fail.
    serde_json::to_vec(s).unwrap_or_default().into()
}

struct Runner<'a> {
    btf: &'a Btf,
    out: &'a mut Vec<u8>,
    flavor: Flavor,
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
        let Node::Int(shape) = node else {
            return Ok(false);
        };
        let size = shape.size();
        let Some(v) = self.uint(data, size) else {
            return err(format!("value truncated ({size} bytes needed)"));
        };
        match shape {
            IntShape::Unsigned { .. } => push_u64(self.out, v as u64),
            IntShape::Signed { bits, .. } => {
                push_i64(self.out, super::value::sign_extend(v, *bits) as i64)
            }
            shape => push_int(self.out, *shape, v, self.flavor),
        }
        Ok(true)
    }

    fn node(&mut self, node: &Node, data: &[u8]) -> Result<()> {
        if self.int(node, data)? {
            return Ok(());
        }
        match node {
            Node::Null => self.out.extend_from_slice(b"null"),
            Node::Int(_) => {}
            Node::Float { size } => {
                let raw = read_uint(data, *size as usize, self.btf.big_endian()).unwrap_or(0);
                push_float(self.out, *size, raw, self.flavor);
            }
            Node::Ptr { size } => {
                let v = read_uint(data, *size, self.btf.big_endian());
                push_pointer(self.out, v, self.flavor);
            }
            Node::Enum(e) => {
                let raw = read_uint(data, e.size, self.btf.big_endian()).unwrap_or(0) as u64;
                let want = normalize_enum(raw, e.bits, e.signed);
                match e.names.iter().find(|(v, _)| *v == want) {
                    Some((_, name)) => self.out.extend_from_slice(name),
                    None if e.signed => push_i64(self.out, want as i64),
                    None => push_u64(self.out, want),
                }
            }
            Node::Chars { nelems, elems } => match c_string(data, *nelems) {
                Some(text) => push_ascii_string(self.out, text),
                None => self.node(elems, data)?,
            },
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
            Node::Object(fields) => self.object(fields, data)?,
            Node::Var { key, node } => {
                key.push_to(self.out);
                self.node(node, data)?;
                self.out.push(b'}');
            }
            Node::Section { head, vars } => {
                self.out.extend_from_slice(head);
                for (i, v) in vars.iter().enumerate() {
                    let Some(bytes) = data.get(v.offset..v.offset.saturating_add(v.size)) else {
                        return err(format!(
                            "variable at offset {} is outside the section",
                            v.offset
                        ));
                    };
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.node(&v.node, bytes)?;
                }
                self.out.extend_from_slice(b"]}");
            }
        }
        Ok(())
    }

    fn object(&mut self, fields: &[Field], data: &[u8]) -> Result<()> {
        self.out.push(b'{');
        for f in fields {
            let Some(bytes) = data.get(f.offset..) else {
                return err("member is outside the value");
            };
            f.key.push_to(self.out);
            match f.bitfield {
                Some((size, shift, bits)) => {
                    let raw = read_uint(bytes, size, self.btf.big_endian()).unwrap_or(0);
                    push_raw_hex(self.out, bitfield_bits(raw, shift, bits), self.flavor);
                }
                None => {
                    if !self.int(&f.node, bytes)? {
                        self.node(&f.node, bytes)?;
                    }
                }
            }
        }
        self.out.push(b'}');
        Ok(())
    }
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

    /// The planned output equals the writer's (itself tested against the tree formatter), in both flavors, for
    /// many kernel types, random bytes, and data lengths equal to and above the type's size.
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
                let flavor = if seed % 2 == 0 {
                    Flavor::Json
                } else {
                    Flavor::Plain
                };
                assert_same(&btf, id, &plan, &data, flavor);
            }
        }
        assert!(planned > 3000, "only {planned} values planned");
    }

    fn assert_same(btf: &Btf, id: u32, plan: &JsonPlan, data: &[u8], flavor: Flavor) {
        let mut want = b"prefix".to_vec();
        let w = btf.write_value(id, data, flavor, &mut want);
        let mut got = b"prefix".to_vec();
        let g = btf.write_planned(plan, data, flavor, &mut got);
        assert_eq!(w.is_ok(), g.is_ok(), "type {id} {flavor:?}");
        assert_eq!(
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got),
            "type {id} {flavor:?}"
        );
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
            assert_same(&btf, id, &plan, &bytes(7, len), Flavor::Json);
        }
    }

    /// Sections, variables, anonymous members, CHAR ints, floats and members without kflag inside a byte are
    /// planned (not left to the writer) and print as the writer prints them.
    #[test]
    fn every_shape_is_planned() {
        let (btf, sec) = super::super::value::tests::sample_section();
        let size = btf.resolve_size(sec).unwrap() as usize;
        let plan = btf.json_plan(sec, size);
        assert!(matches!(plan.body, Body::Plan(_)));
        for seed in 0..8 {
            for flavor in [Flavor::Json, Flavor::Plain] {
                assert_same(&btf, sec, &plan, &bytes(seed, size), flavor);
            }
        }
    }
}

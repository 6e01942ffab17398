//! bpftool's raw dump of one type: `[id] KIND 'name' attrs...` as text, and the same fields as a JSON object
//! (`bpftool -j btf dump`), field for field.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::types::{Kind, Type, INT_BOOL, INT_CHAR, INT_SIGNED};
use super::Btf;

fn int_encoding(enc: u8) -> &'static str {
    match enc {
        0 => "(none)",
        INT_SIGNED => "SIGNED",
        INT_CHAR => "CHAR",
        INT_BOOL => "BOOL",
        _ => "UNKN",
    }
}

fn var_linkage(l: u32) -> &'static str {
    match l {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    }
}

fn anon(name: &str) -> &str {
    if name.is_empty() {
        "(anon)"
    } else {
        name
    }
}

fn enum_encoding(t: &Type) -> &'static str {
    if t.kflag() {
        "SIGNED"
    } else {
        "UNSIGNED"
    }
}

fn members_json(t: Type) -> Vec<Value> {
    t.members()
        .map(|m| {
            let mut mo = Map::new();
            mo.insert("name".into(), anon(m.name).into());
            mo.insert("type_id".into(), m.type_id.into());
            mo.insert("bits_offset".into(), m.bit_offset.into());
            if m.bitfield_size != 0 {
                mo.insert("bitfield_size".into(), m.bitfield_size.into());
            }
            Value::Object(mo)
        })
        .collect()
}

/// Enumerator values print signed when the enum is (kflag), as bpftool prints them.
fn enum_values_json(t: Type) -> Vec<Value> {
    let signed = t.kflag();
    t.enum_values()
        .map(|v| {
            let val: Value = if signed {
                (v.value as i64).into()
            } else {
                v.value.into()
            };
            json!({"name": anon(v.name), "val": val})
        })
        .collect()
}

fn members_text(t: &Type, out: &mut String) -> std::fmt::Result {
    write!(out, " size={} vlen={}", t.size(), t.vlen())?;
    for m in t.members() {
        write!(
            out,
            "\n\t'{}' type_id={} bits_offset={}",
            anon(m.name),
            m.type_id,
            m.bit_offset
        )?;
        if m.bitfield_size != 0 {
            write!(out, " bitfield_size={}", m.bitfield_size)?;
        }
    }
    Ok(())
}

impl Btf {
    /// One type as `bpftool -j btf dump` prints it.
    pub fn raw_type_json(&self, id: u32) -> Value {
        let Some(t) = self.type_by_id(id) else {
            return json!({"id": id, "kind": "UNKNOWN", "name": "(anon)"});
        };
        let mut o = Map::new();
        o.insert("id".into(), id.into());
        o.insert("kind".into(), t.kind().name().into());
        o.insert("name".into(), anon(t.name()).into());
        match t.kind() {
            Kind::Int => {
                let i = t.int_info();
                o.insert("size".into(), t.size().into());
                o.insert("bits_offset".into(), i.offset.into());
                o.insert("nr_bits".into(), i.bits.into());
                o.insert("encoding".into(), int_encoding(i.encoding).into());
            }
            Kind::Ptr
            | Kind::Const
            | Kind::Volatile
            | Kind::Restrict
            | Kind::Typedef
            | Kind::TypeTag => {
                o.insert("type_id".into(), t.type_id().into());
            }
            Kind::Array => {
                let a = t.array();
                o.insert("type_id".into(), a.elem_type.into());
                o.insert("index_type_id".into(), a.index_type.into());
                o.insert("nr_elems".into(), a.nelems.into());
            }
            Kind::Struct | Kind::Union => {
                o.insert("size".into(), t.size().into());
                o.insert("vlen".into(), t.vlen().into());
                o.insert("members".into(), members_json(t).into());
            }
            Kind::Enum | Kind::Enum64 => {
                o.insert("encoding".into(), enum_encoding(&t).into());
                o.insert("size".into(), t.size().into());
                o.insert("vlen".into(), t.vlen().into());
                o.insert("values".into(), enum_values_json(t).into());
            }
            Kind::Fwd => {
                let fwd_kind = if t.kflag() { "union" } else { "struct" };
                o.insert("fwd_kind".into(), fwd_kind.into());
            }
            Kind::Func => {
                o.insert("type_id".into(), t.type_id().into());
                o.insert("linkage".into(), var_linkage(t.func_linkage()).into());
            }
            Kind::FuncProto => {
                o.insert("ret_type_id".into(), t.type_id().into());
                o.insert("vlen".into(), t.vlen().into());
                let params = t.params();
                let params = params.map(|p| json!({"name": anon(p.name), "type_id": p.type_id}));
                o.insert("params".into(), params.collect::<Vec<_>>().into());
            }
            Kind::Var => {
                o.insert("type_id".into(), t.type_id().into());
                o.insert("linkage".into(), var_linkage(t.var_linkage()).into());
            }
            Kind::Datasec => {
                o.insert("size".into(), t.size().into());
                o.insert("vlen".into(), t.vlen().into());
                let vars = t.datasec_vars();
                let vars =
                    vars.map(|v| json!({"type_id": v.type_id, "offset": v.offset, "size": v.size}));
                o.insert("vars".into(), vars.collect::<Vec<_>>().into());
            }
            Kind::Float => {
                o.insert("size".into(), t.size().into());
            }
            Kind::DeclTag => {
                o.insert("type_id".into(), t.type_id().into());
                o.insert("component_idx".into(), t.decl_tag_component_idx().into());
            }
            Kind::Unknown => {}
        }
        Value::Object(o)
    }

    /// One type as `bpftool btf dump` prints it, newline-terminated, appended to `out`.
    pub fn raw_type_text(&self, id: u32, out: &mut String) {
        let Some(t) = self.type_by_id(id) else {
            return;
        };
        let _ = write!(out, "[{id}] {} '{}'", t.kind().name(), anon(t.name()));
        let _ = match t.kind() {
            Kind::Int => {
                let i = t.int_info();
                write!(
                    out,
                    " size={} bits_offset={} nr_bits={} encoding={}",
                    t.size(),
                    i.offset,
                    i.bits,
                    int_encoding(i.encoding)
                )
            }
            Kind::Ptr
            | Kind::Const
            | Kind::Volatile
            | Kind::Restrict
            | Kind::Typedef
            | Kind::TypeTag => {
                write!(out, " type_id={}", t.type_id())
            }
            Kind::Array => {
                let a = t.array();
                write!(
                    out,
                    " type_id={} index_type_id={} nr_elems={}",
                    a.elem_type, a.index_type, a.nelems
                )
            }
            Kind::Struct | Kind::Union => members_text(&t, out),
            Kind::Enum | Kind::Enum64 => self.enum_text(&t, out),
            Kind::Fwd => write!(
                out,
                " fwd_kind={}",
                if t.kflag() { "union" } else { "struct" }
            ),
            Kind::Func => write!(
                out,
                " type_id={} linkage={}",
                t.type_id(),
                var_linkage(t.func_linkage())
            ),
            Kind::FuncProto => {
                let _ = write!(out, " ret_type_id={} vlen={}", t.type_id(), t.vlen());
                for p in t.params() {
                    let _ = write!(out, "\n\t'{}' type_id={}", anon(p.name), p.type_id);
                }
                Ok(())
            }
            Kind::Var => write!(
                out,
                " type_id={}, linkage={}",
                t.type_id(),
                var_linkage(t.var_linkage())
            ),
            Kind::Datasec => self.datasec_text(&t, out),
            Kind::Float => write!(out, " size={}", t.size()),
            Kind::DeclTag => write!(
                out,
                " type_id={} component_idx={}",
                t.type_id(),
                t.decl_tag_component_idx()
            ),
            Kind::Unknown => Ok(()),
        };
        out.push('\n');
    }

    fn datasec_text(&self, t: &Type, out: &mut String) -> std::fmt::Result {
        write!(out, " size={} vlen={}", t.size(), t.vlen())?;
        for v in t.datasec_vars() {
            write!(
                out,
                "\n\ttype_id={} offset={} size={}",
                v.type_id, v.offset, v.size
            )?;
            if let Some(var) = self.type_by_id(v.type_id) {
                write!(out, " ({} '{}')", var.kind().name(), anon(var.name()))?;
            }
        }
        Ok(())
    }

    fn enum_text(&self, t: &Type, out: &mut String) -> std::fmt::Result {
        write!(
            out,
            " encoding={} size={} vlen={}",
            enum_encoding(t),
            t.size(),
            t.vlen()
        )?;
        let (is64, signed) = (t.kind() == Kind::Enum64, t.kflag());
        for v in t.enum_values() {
            let name = anon(v.name);
            match (is64, signed) {
                (false, false) => write!(out, "\n\t'{name}' val={}", v.value as u32)?,
                (false, true) => write!(out, "\n\t'{name}' val={}", v.value as i64 as i32)?,
                (true, false) => write!(out, "\n\t'{name}' val={}ULL", v.value)?,
                (true, true) => write!(out, "\n\t'{name}' val={}LL", v.value as i64)?,
            }
        }
        Ok(())
    }
}

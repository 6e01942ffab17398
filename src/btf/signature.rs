//! Types spelled the way bpftool's btf_dumper writes them where a value stands for a function: a struct_ops
//! map's function pointers print as `u32 (struct sock *) bpf_cubic_ssthresh/prog_id:8`. The spelling (a blank
//! after every type word, `* ` for pointers, none before a nameless parameter's comma) is bpftool's, so that
//! `struct_ops dump -j` equals bpftool's output.

use super::types::Kind;
use super::{Btf, MAX_DEPTH};

impl Btf {
    /// `type_id` as bpftool's type-only form, or None where bpftool has no spelling (it then prints the number).
    pub fn bpftool_type_only(&self, type_id: u32) -> Option<String> {
        let mut out = String::new();
        self.type_only(type_id, &mut out, 0)?;
        Some(out)
    }

    fn type_only(&self, id: u32, out: &mut String, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        if id == 0 {
            out.push_str("void ");
            return Some(());
        }
        let t = self.type_by_id(id)?;
        let inner = |out: &mut String| self.type_only(t.type_id(), out, depth + 1);
        match t.kind() {
            Kind::Int | Kind::Typedef | Kind::Float => out.push_str(&format!("{} ", t.name())),
            Kind::Struct => out.push_str(&format!("struct {} ", t.name())),
            Kind::Union => out.push_str(&format!("union {} ", t.name())),
            Kind::Enum | Kind::Enum64 => out.push_str(&format!("enum {} ", t.name())),
            Kind::Fwd => {
                let what = if t.kflag() { "union" } else { "struct" };
                out.push_str(&format!("{what} {} ", t.name()));
            }
            Kind::Array => {
                let array = t.array();
                self.type_only(array.elem_type, out, depth + 1)?;
                out.push_str(&format!("[{}]", array.nelems));
            }
            Kind::Ptr => {
                inner(out)?;
                out.push_str("* ");
            }
            Kind::Volatile | Kind::Const | Kind::Restrict => {
                out.push_str(&format!("{} ", t.kind().name().to_lowercase()));
                inner(out)?;
            }
            Kind::FuncProto => self.func_only(id, None, out, depth)?,
            Kind::Func => self.func_only(t.type_id(), Some(t.name()), out, depth)?,
            Kind::Var => {
                if t.var_linkage() == 0 {
                    out.push_str("static ");
                }
                inner(out)?;
                out.push_str(&format!(" {}", t.name()));
            }
            Kind::Datasec => out.push_str(&format!("section (\"{}\") ", t.name())),
            _ => return None,
        }
        Some(())
    }

    /// `ret name(args)` or `ret (args)`; a nameless parameter loses the blank its type ends with.
    fn func_only(
        &self,
        proto: u32,
        name: Option<&str>,
        out: &mut String,
        depth: usize,
    ) -> Option<()> {
        let p = self
            .type_by_id(proto)
            .filter(|p| p.kind() == Kind::FuncProto)?;
        self.type_only(p.type_id(), out, depth + 1)?;
        out.push_str(name.unwrap_or(""));
        out.push('(');
        for (i, param) in p.params().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if param.type_id == 0 {
                out.push_str("...");
                continue;
            }
            self.type_only(param.type_id, out, depth + 1)?;
            if !param.name.is_empty() {
                out.push_str(param.name);
            } else if out.ends_with(' ') {
                out.pop();
            }
        }
        out.push(')');
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use crate::btf::Btf;

    #[test]
    fn function_pointers_read_as_bpftool_writes_them() {
        let Ok(data) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            return;
        };
        let btf = Btf::parse(&data).unwrap();
        let ops = btf
            .find_by_name("tcp_congestion_ops", crate::btf::Kind::Struct)
            .unwrap();
        let ops = btf.type_by_id(ops).unwrap();
        let ssthresh = ops.members().find(|m| m.name == "ssthresh").unwrap();
        let ptr = btf.type_by_id(ssthresh.type_id).unwrap();
        assert_eq!(
            btf.bpftool_type_only(ptr.type_id()).as_deref(),
            Some("u32 (struct sock *)")
        );
    }
}

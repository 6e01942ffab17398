//! Emitting declarators: the C syntax that wraps a name in pointers, arrays, function prototypes and modifiers
//! (`int (*f[4])(void)`), built from the chain of BTF types that leads to it.

use super::*;

impl<'a> CDumper<'a> {
    /// A declaration of `fname` with type `id`: collects the declarator chain, then prints it inside out.
    pub(super) fn emit_type_decl(&mut self, mut id: u32, fname: &str, lvl: usize) -> Result<()> {
        let mut decls = self.decl_pool.pop().unwrap_or_default();
        decls.clear();
        loop {
            if decls.len() > MAX_DEPTH {
                return err(format!("declarator chain loops at type {id}"));
            }
            let Some(t) = self.btf.type_by_id(id) else {
                decls.push(id);
                break;
            };
            if !(self.strip_mods
                && matches!(t.kind(), Kind::Const | Kind::Volatile | Kind::Restrict))
            {
                decls.push(id);
            }
            match t.kind() {
                Kind::Ptr
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::FuncProto
                | Kind::TypeTag => id = t.type_id(),
                Kind::Array => id = t.array().elem_type,
                _ => break,
            }
        }
        self.enter(id)?;
        let r = self.emit_type_chain(&mut decls, fname, lvl);
        self.depth -= 1;
        self.decl_pool.push(decls);
        r
    }

    pub(super) fn top_kind(&self, decls: &[u32]) -> Option<Kind> {
        decls
            .last()
            .and_then(|id| self.btf.type_by_id(*id))
            .map(|t| t.kind())
    }

    pub(super) fn emit_mods(&mut self, decls: &mut Vec<u32>) {
        loop {
            let word = match self.top_kind(decls) {
                Some(Kind::Volatile) => "volatile ",
                Some(Kind::Const) => "const ",
                Some(Kind::Restrict) => "restrict ",
                _ => return,
            };
            self.out.push_str(word);
            decls.pop();
        }
    }

    pub(super) fn drop_mods(&self, decls: &mut Vec<u32>) {
        while self.top_kind(decls).is_some_and(Kind::is_modifier) {
            decls.pop();
        }
    }

    /// `[N]` of an array declarator.
    fn push_dim(&mut self, nelems: u32) {
        self.out.push('[');
        push_u64(&mut self.out, nelems.into());
        self.out.push(']');
    }

    pub(super) fn emit_name(&mut self, name: &str, last_was_ptr: bool) {
        if !name.is_empty() && !last_was_ptr {
            self.out.push(' ');
        }
        self.out.push_str(name);
    }

    pub(super) fn emit_type_chain(
        &mut self,
        decls: &mut Vec<u32>,
        fname: &str,
        lvl: usize,
    ) -> Result<()> {
        // Whether to separate a `*` from what precedes it: `int ***`, not `int * * *`.
        let mut last_was_ptr = true;
        while let Some(id) = decls.pop() {
            let Some(t) = self.btf.type_by_id(id) else {
                self.emit_mods(decls);
                self.out.push_str("void");
                last_was_ptr = false;
                continue;
            };
            let kind = t.kind();
            match kind {
                Kind::Int | Kind::Float => {
                    self.emit_mods(decls);
                    self.out.push_str(t.name());
                }
                Kind::Struct | Kind::Union => {
                    self.emit_mods(decls);
                    if t.name_off() == 0 {
                        self.emit_struct_def(id, &t, lvl)?;
                    } else {
                        self.emit_struct_fwd(id, &t);
                    }
                }
                Kind::Enum | Kind::Enum64 => {
                    self.emit_mods(decls);
                    if t.name_off() == 0 {
                        self.emit_enum_def(id, &t, lvl);
                    } else {
                        self.emit_enum_fwd(id);
                    }
                }
                Kind::Fwd => {
                    self.emit_mods(decls);
                    self.emit_fwd_def(id, &t);
                }
                Kind::Typedef => {
                    self.emit_mods(decls);
                    self.push_name(id, true);
                }
                Kind::Ptr => self.out.push_str(if last_was_ptr { "*" } else { " *" }),
                Kind::Volatile => self.out.push_str(" volatile"),
                Kind::Const => self.out.push_str(" const"),
                Kind::Restrict => self.out.push_str(" restrict"),
                Kind::TypeTag => {
                    self.emit_mods(decls);
                    let _ = write!(self.out, " __attribute__((btf_type_tag(\"{}\")))", t.name());
                }
                Kind::Array => return self.emit_array_chain(&t, decls, fname, lvl, last_was_ptr),
                Kind::FuncProto => {
                    return self.emit_proto_chain(&t, decls, fname, lvl, last_was_ptr)
                }
                _ => return Ok(()),
            }
            last_was_ptr = kind == Kind::Ptr;
        }
        self.emit_name(fname, last_was_ptr);
        Ok(())
    }

    pub(super) fn emit_array_chain(
        &mut self,
        t: &Type,
        decls: &mut Vec<u32>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) -> Result<()> {
        let nelems = t.array().nelems;
        // GCC adds const/volatile to arrays of const elements; Clang does not, and they mean nothing: drop them.
        self.drop_mods(decls);
        if decls.is_empty() {
            self.emit_name(fname, last_was_ptr);
            self.push_dim(nelems);
            return Ok(());
        }
        let multidim = self.top_kind(decls) == Some(Kind::Array);
        if !fname.is_empty() && !last_was_ptr {
            self.out.push(' ');
        }
        if !multidim {
            self.out.push('(');
        }
        self.emit_type_chain(decls, fname, lvl)?;
        if !multidim {
            self.out.push(')');
        }
        self.push_dim(nelems);
        Ok(())
    }

    pub(super) fn emit_proto_chain(
        &mut self,
        t: &Type,
        decls: &mut Vec<u32>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) -> Result<()> {
        // GCC marks noreturn function pointers volatile; drop such qualifiers as libbpf does.
        self.drop_mods(decls);
        if decls.is_empty() {
            self.emit_name(fname, last_was_ptr);
        } else {
            self.out.push_str(" (");
            self.emit_type_chain(decls, fname, lvl)?;
            self.out.push(')');
        }
        self.out.push('(');
        let params: Vec<_> = t.params().collect();
        // Clang encodes `f(void)` as one void parameter.
        if params.is_empty() || (params.len() == 1 && params[0].type_id == 0) {
            self.out.push_str("void)");
            return Ok(());
        }
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            // A trailing void parameter means varargs.
            if i == params.len() - 1 && p.type_id == 0 {
                self.out.push_str("...");
                break;
            }
            self.emit_type_decl(p.type_id, p.name, lvl)?;
        }
        self.out.push(')');
        Ok(())
    }
}

//! Ordering: which types must be emitted before a type can be (libbpf's btf_dump_order_type): embedded
//! types need full definitions, types behind pointers only forward declarations, and loops are broken there.

use super::*;

impl<'a> CDumper<'a> {
    /// Topological ordering; Ok(true) when the type is a "strong" (definition-requiring) dependency.
    pub(super) fn order_type(&mut self, id: u32, through_ptr: bool) -> Result<bool> {
        self.enter(id)?;
        let r = self.order_type_inner(id, through_ptr);
        self.depth -= 1;
        r
    }

    pub(super) fn order_type_inner(&mut self, id: u32, through_ptr: bool) -> Result<bool> {
        let idx = id as usize;
        if self.order[idx] == State::Done {
            return Ok(true);
        }
        let t = self.t(id)?;
        if self.order[idx] == State::InProgress {
            // A loop is fine when a forward declaration can break it.
            if t.kind().is_composite() && through_ptr && t.name_off() != 0 {
                return Ok(false);
            }
            return err(format!("unsatisfiable type cycle at type {id}"));
        }
        match t.kind() {
            Kind::Int | Kind::Float => {
                self.order[idx] = State::Done;
                Ok(false)
            }
            Kind::Ptr => {
                let r = self.order_type(t.type_id(), true);
                self.order[idx] = State::Done;
                r
            }
            Kind::Array => self.order_type(t.array().elem_type, false),
            Kind::Struct | Kind::Union => {
                // Part of a strong link only when embedded (no pointer on the path) or anonymous (inlined).
                if through_ptr && t.name_off() != 0 {
                    return Ok(false);
                }
                self.order[idx] = State::InProgress;
                for m in t.member_layouts() {
                    self.order_type(m.type_id, false)?;
                }
                if t.name_off() != 0 {
                    self.queue.push(id);
                }
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Enum | Kind::Enum64 | Kind::Fwd => {
                if t.name_off() != 0 || !self.referenced[idx] {
                    self.queue.push(id);
                }
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Typedef => {
                let strong = self.order_type(t.type_id(), through_ptr)?;
                if through_ptr && !strong {
                    return Ok(false);
                }
                self.queue.push(id);
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.order_type(t.type_id(), through_ptr)
            }
            Kind::FuncProto => {
                let mut strong = self.order_type(t.type_id(), through_ptr)?;
                for p in t.param_type_ids() {
                    strong |= self.order_type(p, through_ptr)?;
                }
                Ok(strong)
            }
            Kind::Func | Kind::Var | Kind::Datasec | Kind::DeclTag => {
                self.order[idx] = State::Done;
                Ok(false)
            }
            Kind::Unknown => err(format!("type {id} has an unknown kind")),
        }
    }
}

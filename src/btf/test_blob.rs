//! Hand-made BTF for unit tests: the shapes no compiler here emits (CHAR-encoded ints, members without kflag that
//! start inside a byte) next to the ones it does (DATASEC, VAR, anonymous members), in a few lines per type.

use super::Btf;

const KIND_INT: u32 = 1;
const KIND_STRUCT: u32 = 4;
const KIND_TYPEDEF: u32 = 8;
const KIND_VAR: u32 = 14;
const KIND_DATASEC: u32 = 15;
const KIND_FLOAT: u32 = 16;

#[derive(Default)]
pub struct Blob {
    types: Vec<u32>,
    strings: Vec<u8>,
    count: u32,
}

impl Blob {
    pub fn new() -> Blob {
        Blob {
            strings: vec![0],
            ..Blob::default()
        }
    }

    fn name(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        let off = self.strings.len() as u32;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        off
    }

    fn header(&mut self, name: &str, kind: u32, vlen: u32, kflag: bool, size_or_type: u32) -> u32 {
        let name_off = self.name(name);
        let info = kind << 24 | vlen | u32::from(kflag) << 31;
        self.types
            .extend_from_slice(&[name_off, info, size_or_type]);
        self.count += 1;
        self.count
    }

    /// An INT: `encoding` 1 signed, 2 char, 4 bool; `offset` and `bits` as in BTF_INT_OFFSET / BTF_INT_BITS.
    pub fn int(&mut self, name: &str, size: u32, encoding: u32, offset: u32, bits: u32) -> u32 {
        let id = self.header(name, KIND_INT, 0, false, size);
        self.types.push(encoding << 24 | offset << 16 | bits);
        id
    }

    pub fn float(&mut self, name: &str, size: u32) -> u32 {
        self.header(name, KIND_FLOAT, 0, false, size)
    }

    pub fn typedef(&mut self, name: &str, target: u32) -> u32 {
        self.header(name, KIND_TYPEDEF, 0, false, target)
    }

    /// A struct of (name, type, offset word) members; with `kflag` the offset word holds the bitfield size too.
    pub fn structure(
        &mut self,
        name: &str,
        size: u32,
        kflag: bool,
        members: &[(&str, u32, u32)],
    ) -> u32 {
        let names: Vec<u32> = members.iter().map(|m| self.name(m.0)).collect();
        let id = self.header(name, KIND_STRUCT, members.len() as u32, kflag, size);
        for (m, name_off) in members.iter().zip(names) {
            self.types.extend_from_slice(&[name_off, m.1, m.2]);
        }
        id
    }

    pub fn var(&mut self, name: &str, target: u32) -> u32 {
        let id = self.header(name, KIND_VAR, 0, false, target);
        self.types.push(1);
        id
    }

    /// A section of (var type id, offset, size) entries.
    pub fn datasec(&mut self, name: &str, size: u32, vars: &[(u32, u32, u32)]) -> u32 {
        let id = self.header(name, KIND_DATASEC, vars.len() as u32, false, size);
        for v in vars {
            self.types.extend_from_slice(&[v.0, v.1, v.2]);
        }
        id
    }

    pub fn build(&self) -> Btf {
        let types: Vec<u8> = self.types.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut data = vec![0x9f, 0xeb, 1, 0];
        for w in [
            24,
            0,
            types.len() as u32,
            types.len() as u32,
            self.strings.len() as u32,
        ] {
            data.extend_from_slice(&w.to_le_bytes());
        }
        data.extend_from_slice(&types);
        data.extend_from_slice(&self.strings);
        Btf::parse(&data).expect("test BTF parses")
    }
}

//! Hand-made BTF, a few lines per type: for the maps feature probes create (the kernel types a map value with a
//! spin lock or timer, and local storage, only from BTF), and for unit tests, which need shapes no compiler here
//! emits (CHAR-encoded ints, members without kflag that start inside a byte) next to the ones it does (DATASEC,
//! VAR, anonymous members).

#[cfg(test)]
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

    /// The blob as BPF_BTF_LOAD takes it: header, types, strings, in this machine's byte order.
    pub fn raw(&self) -> Vec<u8> {
        let type_len = (self.types.len() * 4) as u32;
        let mut data = Vec::with_capacity(24 + type_len as usize + self.strings.len());
        // magic, version, flags; then hdr_len, type_off, type_len, str_off, str_len
        data.extend_from_slice(&0xeb9f_u16.to_ne_bytes());
        data.extend_from_slice(&[1, 0]);
        for w in [24, 0, type_len, type_len, self.strings.len() as u32] {
            data.extend_from_slice(&w.to_ne_bytes());
        }
        data.extend(self.types.iter().flat_map(|w| w.to_ne_bytes()));
        data.extend_from_slice(&self.strings);
        data
    }

    #[cfg(test)]
    pub fn build(&self) -> Btf {
        Btf::parse(&self.raw()).expect("test BTF parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the kernel reads: one int, then a struct with one member pointing at it.
    #[test]
    fn lays_out_header_types_and_strings() {
        let mut btf = Blob::new();
        let int = btf.int("int", 4, 1, 0, 32);
        let st = btf.structure("s", 4, false, &[("m", int, 0)]);
        assert_eq!((int, st), (1, 2));
        let raw = btf.raw();
        let word = |at: usize| u32::from_ne_bytes(raw[at..at + 4].try_into().unwrap());
        assert_eq!(&raw[..4], &[0x9f, 0xeb, 1, 0][..]);
        assert_eq!(
            (word(4), word(8), word(12), word(16), word(20)),
            (24, 0, 40, 40, 9)
        );
        assert_eq!(&raw[24 + 40..], b"\0int\0m\0s\0");
        assert_eq!(word(24 + 16), 7, "the struct's name is the string at 7");
        assert_eq!(word(24 + 28), 5, "its member's name");
        assert_eq!(word(24 + 32), 1, "its member's type");
    }
}

//! Small raw BTF blobs for the maps probes create: the kernel types a map value with a spin lock or a timer, and
//! makes local storage, only from BTF. Types are numbered from 1 in the order they are added.

const KIND_INT: u32 = 1;
const KIND_STRUCT: u32 = 4;

#[derive(Default)]
pub struct RawBtf {
    types: Vec<u32>,
    strings: Vec<u8>,
    count: u32,
}

impl RawBtf {
    pub fn new() -> RawBtf {
        RawBtf {
            strings: vec![0],
            ..Default::default()
        }
    }

    fn name(&mut self, name: &str) -> u32 {
        if name.is_empty() {
            return 0;
        }
        let at = self.strings.len() as u32;
        self.strings.extend_from_slice(name.as_bytes());
        self.strings.push(0);
        at
    }

    /// A signed 32-bit `int`; returns its type id.
    pub fn int(&mut self) -> u32 {
        let name = self.name("int");
        self.types.extend([name, KIND_INT << 24, 4, (1 << 24) | 32]);
        self.count += 1;
        self.count
    }

    /// `struct name { members }` of `size` bytes, members as (name, type id, bit offset); returns its type id.
    pub fn structure(&mut self, name: &str, size: u32, members: &[(&str, u32, u32)]) -> u32 {
        let name = self.name(name);
        self.types
            .extend([name, (KIND_STRUCT << 24) | members.len() as u32, size]);
        for &(member, type_id, bit_offset) in members {
            let member = self.name(member);
            self.types.extend([member, type_id, bit_offset]);
        }
        self.count += 1;
        self.count
    }

    /// The blob BPF_BTF_LOAD takes: header, types, strings.
    pub fn finish(&self) -> Vec<u8> {
        let type_len = (self.types.len() * 4) as u32;
        let mut raw = Vec::with_capacity(24 + type_len as usize + self.strings.len());
        raw.extend_from_slice(&0xeb9f_u16.to_ne_bytes()); // magic
        raw.extend_from_slice(&[1, 0]); // version, flags
                                        // hdr_len, type_off, type_len, str_off, str_len
        for word in [24, 0, type_len, type_len, self.strings.len() as u32] {
            raw.extend_from_slice(&word.to_ne_bytes());
        }
        raw.extend(self.types.iter().flat_map(|w| w.to_ne_bytes()));
        raw.extend_from_slice(&self.strings);
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the kernel reads: one int, then a struct with one member pointing at it.
    #[test]
    fn lays_out_header_types_and_strings() {
        let mut btf = RawBtf::new();
        let int = btf.int();
        let st = btf.structure("s", 4, &[("m", int, 0)]);
        assert_eq!((int, st), (1, 2));
        let raw = btf.finish();
        let word = |at: usize| u32::from_ne_bytes(raw[at..at + 4].try_into().unwrap());
        assert_eq!(&raw[..4], &[0x9f, 0xeb, 1, 0][..]);
        assert_eq!(
            (word(4), word(8), word(12), word(16), word(20)),
            (24, 0, 40, 40, 9)
        );
        assert_eq!(&raw[24 + 40..], b"\0int\0s\0m\0");
        assert_eq!(word(24 + 16), 5, "the struct's name is the string at 5");
        assert_eq!(word(24 + 28), 7, "its member's name");
        assert_eq!(word(24 + 32), 1, "its member's type");
    }
}

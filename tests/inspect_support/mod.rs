//! Hand-built BTF blobs for the inspector's tests: well-formed ones (split BTF on top of vmlinux) and hostile ones
//! (loops, huge vlen, bad offsets) that no compiler would emit.
#![allow(dead_code)]

pub const KIND_INT: u32 = 1;
pub const KIND_PTR: u32 = 2;
pub const KIND_STRUCT: u32 = 4;
pub const KIND_TYPEDEF: u32 = 8;

pub struct BtfBuilder {
    types: Vec<u8>,
    strings: Vec<u8>,
    /// Split BTF numbers its strings after the base's.
    str_base: u32,
}

impl BtfBuilder {
    pub fn new() -> Self {
        BtfBuilder {
            types: Vec::new(),
            strings: vec![0],
            str_base: 0,
        }
    }

    /// Split BTF as pahole/libbpf write a module's: its strings continue the base's, without a leading empty one.
    pub fn split(base_str_len: u32) -> Self {
        BtfBuilder {
            types: Vec::new(),
            strings: Vec::new(),
            str_base: base_str_len,
        }
    }

    pub fn str(&mut self, s: &str) -> u32 {
        let off = self.str_base + self.strings.len() as u32;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        off
    }

    /// Appends a type: header words plus its kind-specific tail.
    pub fn raw(&mut self, name_off: u32, kind: u32, vlen: u32, size_or_type: u32, tail: &[u32]) {
        for w in [name_off, kind << 24 | vlen, size_or_type]
            .iter()
            .chain(tail)
        {
            self.types.extend_from_slice(&w.to_le_bytes());
        }
    }

    pub fn int(&mut self, name: &str, size: u32) {
        let n = self.str(name);
        self.raw(n, KIND_INT, 0, size, &[size * 8]);
    }

    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xeb9fu16.to_le_bytes());
        out.extend_from_slice(&[1, 0]);
        for w in [
            24u32,
            0,
            self.types.len() as u32,
            self.types.len() as u32,
            self.strings.len() as u32,
        ] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&self.types);
        out.extend_from_slice(&self.strings);
        out
    }
}

/// A file under the test binary's temp dir, unique per test and process.
pub fn temp_file(name: &str, data: &[u8]) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write temp file");
    path
}

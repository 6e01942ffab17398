//! Map data as bytes: the layout of keys and values, walking every entry fast, and parsing the byte syntax
//! operators type (`key 1 0 0 0`, `key hex 01 00 00 00`). No CLI knowledge; typed (BTF) views live in btf/.

pub mod bytes;
pub mod dump_json;
pub mod typed;
pub mod walk;

/// How one entry of a map is laid out in the buffers the kernel fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub key_size: usize,
    pub value_size: usize,
    /// Per-CPU maps return one value per possible CPU, each padded to 8 bytes.
    pub cpus: Option<usize>,
}

impl Layout {
    /// Bytes of one value slot in a lookup buffer: `value_size`, or the per-CPU stride times the CPU count.
    pub fn value_len(&self) -> usize {
        match self.cpus {
            Some(n) => self.cpu_stride() * n,
            None => self.value_size,
        }
    }

    /// Distance between two CPUs' values in a per-CPU lookup buffer.
    pub fn cpu_stride(&self) -> usize {
        self.value_size.div_ceil(8) * 8
    }

    /// Iterates over (cpu, value) of a per-CPU lookup buffer.
    pub fn per_cpu_values<'a>(
        &self,
        buf: &'a [u8],
    ) -> impl Iterator<Item = (usize, &'a [u8])> + 'a {
        let (stride, size) = (self.cpu_stride(), self.value_size);
        buf.chunks(stride)
            .enumerate()
            .map(move |(cpu, chunk)| (cpu, &chunk[..size.min(chunk.len())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_cpu_values_are_padded_to_eight_bytes() {
        let layout = Layout {
            key_size: 4,
            value_size: 4,
            cpus: Some(3),
        };
        assert_eq!(layout.value_len(), 24);
        let buf: Vec<u8> = (0..24).collect();
        let cpus: Vec<_> = layout.per_cpu_values(&buf).collect();
        assert_eq!(
            cpus,
            vec![(0, &buf[0..4]), (1, &buf[8..12]), (2, &buf[16..20])]
        );
    }
}

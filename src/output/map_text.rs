//! bpftool's plain-text forms of map elements without BTF (its print_entry_plain, print_entry_error_msg and
//! fprint_hex): bytes in groups of 8 and lines of 16, key and value on one line when both are short.

use crate::mapdata::Layout;

/// Bytes as bpftool's fprint_hex writes them: `01 02 03 04 05 06 07 08  09 ..`, a new line every 16 bytes.
pub fn push_hex_block(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(match (i % 16, i % 8) {
                (0, _) => b"\n",
                (_, 0) => b"  ",
                _ => b" ",
            });
        }
        out.extend_from_slice(&[DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize]]);
    }
}

/// One element: `key: 01 00 00 00  value: 2a 00 00 00` when key and value are short, each on lines of its own
/// when either is longer than 16 bytes; per-CPU maps list `value (CPU NN):` per CPU. Ends with a newline.
pub fn push_plain_entry(out: &mut Vec<u8>, layout: Layout, key: &[u8], value: &[u8]) {
    let (ksize, vsize) = (layout.key_size, layout.value_size);
    if layout.cpus.is_some() {
        if ksize > 0 {
            out.extend_from_slice(b"key:\n");
            push_hex_block(out, key);
            out.push(b'\n');
        }
        if vsize > 0 {
            for (cpu, v) in layout.per_cpu_values(value) {
                let sep = if vsize > 16 { '\n' } else { ' ' };
                out.extend_from_slice(format!("value (CPU {cpu:02}):{sep}").as_bytes());
                push_hex_block(out, v);
                out.push(b'\n');
            }
        }
        return;
    }
    let break_names = ksize > 16 || vsize > 16;
    let single_line = ksize + vsize <= 24 && !break_names;
    let sep = if break_names { b'\n' } else { b' ' };
    if ksize > 0 {
        out.extend_from_slice(b"key:");
        out.push(sep);
        push_hex_block(out, key);
        out.extend_from_slice(if single_line { b"  " } else { b"\n" });
    }
    if vsize > 0 {
        out.extend_from_slice(b"value:");
        out.push(sep);
        push_hex_block(out, &value[..vsize.min(value.len())]);
    }
    out.push(b'\n');
}

/// An element whose value could not be read: `key: 00 00 00 00  value: <reason>`, split as bpftool splits it.
pub fn push_error_entry(out: &mut Vec<u8>, key: &[u8], reason: &str) {
    let break_names = key.len() > 16 || reason.len() > 16;
    let single_line = key.len() + reason.len() <= 24 && !break_names;
    let sep = if break_names { b'\n' } else { b' ' };
    out.extend_from_slice(b"key:");
    out.push(sep);
    push_hex_block(out, key);
    out.extend_from_slice(if single_line { b"  " } else { b"\n" });
    out.extend_from_slice(b"value:");
    out.push(sep);
    out.extend_from_slice(reason.as_bytes());
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(key_size: usize, value_size: usize, cpus: Option<usize>) -> Layout {
        Layout {
            key_size,
            value_size,
            cpus,
        }
    }

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn entries_are_laid_out_as_bpftool_lays_them_out() {
        let k = [1u8, 0, 0, 0];
        assert_eq!(
            text(|o| push_plain_entry(o, layout(4, 4, None), &k, &[42, 0, 0, 0])),
            "key: 01 00 00 00  value: 2a 00 00 00\n"
        );
        let v: Vec<u8> = (0..20).collect();
        assert_eq!(
            text(|o| push_plain_entry(o, layout(4, 20, None), &k, &v)),
            "key:\n01 00 00 00\nvalue:\n00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n10 11 12 13\n"
        );
        assert_eq!(
            text(|o| push_plain_entry(o, layout(4, 16, None), &k, &v[..16])),
            "key: 01 00 00 00  value: 00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n"
        );
        assert_eq!(
            text(|o| push_plain_entry(o, layout(12, 16, None), &v[..12], &v[..16])),
            "key: 00 01 02 03 04 05 06 07  08 09 0a 0b\nvalue: 00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n"
        );
        assert_eq!(
            text(|o| push_plain_entry(o, layout(0, 4, None), &[], &[7, 0, 0, 0])),
            "value: 07 00 00 00\n"
        );
        assert_eq!(
            text(|o| push_plain_entry(
                o,
                layout(4, 4, Some(2)),
                &k,
                &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
            )),
            "key:\n01 00 00 00\nvalue (CPU 00): 01 00 00 00\nvalue (CPU 01): 02 00 00 00\n"
        );
        assert_eq!(
            text(|o| push_error_entry(o, &k, "no entry")),
            "key: 01 00 00 00  value: no entry\n"
        );
        assert_eq!(
            text(|o| push_error_entry(o, &k, "Unknown error 524")),
            "key:\n01 00 00 00\nvalue:\nUnknown error 524\n"
        );
    }
}

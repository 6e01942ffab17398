//! Appending numbers and byte arrays as JSON text to a `Vec<u8>` without `fmt`: the hot loop of a map dump writes
//! a few hundred of them per entry, millions of times. Every item is copied as a fixed-size block and then cut to
//! its length, because a copy of constant length compiles to a few moves while one of variable length is a call
//! to memcpy.

/// Two decimal digits for every value below 100.
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

/// A number in decimal, as `v.to_string()`. The digits are written right-aligned ending at byte 20 of a 40-byte
/// block, and the 20 bytes from the first digit on are appended (a copy of constant length) and cut to length.
/// Long numbers are cut into 8-digit chunks so that the digit loops run on 32-bit values.
#[inline]
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    const E8: u64 = 100_000_000;
    let mut buf = [0u8; 40];
    let mut pos = 20;
    let mut v = v;
    for _ in 0..2 {
        if v < E8 {
            break;
        }
        pos -= 8;
        put_8_digits(&mut buf, pos, (v % E8) as u32);
        v /= E8;
    }
    let mut v = v as u32;
    while v >= 100 {
        pos -= 2;
        if let Some(dst) = buf.get_mut(pos..pos + 2) {
            dst.copy_from_slice(&DIGIT_PAIRS[(v % 100) as usize]);
        }
        v /= 100;
    }
    if v >= 10 {
        pos -= 2;
        if let Some(dst) = buf.get_mut(pos..pos + 2) {
            dst.copy_from_slice(&DIGIT_PAIRS[v as usize]);
        }
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    let start = out.len();
    if let Some(digits) = buf.get(pos..pos + 20) {
        out.extend_from_slice(digits);
    }
    out.truncate(start + (20 - pos));
}

/// `v` (below 10^8) as 8 digits with leading zeros, at `buf[at..at + 8]`.
#[inline]
fn put_8_digits(buf: &mut [u8; 40], at: usize, v: u32) {
    let (hi, lo) = (v / 10_000, v % 10_000);
    if let Some(dst) = buf.get_mut(at..at + 8) {
        dst[0..2].copy_from_slice(&DIGIT_PAIRS[(hi / 100) as usize]);
        dst[2..4].copy_from_slice(&DIGIT_PAIRS[(hi % 100) as usize]);
        dst[4..6].copy_from_slice(&DIGIT_PAIRS[(lo / 100) as usize]);
        dst[6..8].copy_from_slice(&DIGIT_PAIRS[(lo % 100) as usize]);
    }
}

#[inline]
pub fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Bytes as lower-case hex digits, two per byte (a tag, a digest): `format!("{b:02x}")` per byte, without a
/// String per byte (a listing formats a tag per program).
pub fn hex_string(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// `"0x2a"`: lower-case hex without leading zeros, as `format!("\"0x{v:x}\"")`.
pub fn push_hex(out: &mut Vec<u8>, v: u128) {
    out.push(b'"');
    push_bare_hex(out, v);
    out.push(b'"');
}

/// `0x2a`: the same without quotes (bpftool's plain-text spelling of raw bits).
pub fn push_bare_hex(out: &mut Vec<u8>, v: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 32];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = DIGITS[(v & 15) as usize];
        v >>= 4;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(b"0x");
    out.extend_from_slice(&buf[i..]);
}

/// An array item: its text with a leading comma, padded to 8 bytes, the length in the last byte.
type Item = [u8; 8];

/// `,"0x2a"` for every byte value: bpftool's hex arrays.
static HEX_ITEMS: [Item; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 8]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [
            b',',
            b'"',
            b'0',
            b'x',
            DIGITS[i >> 4],
            DIGITS[i & 15],
            b'"',
            7,
        ];
        i += 1;
    }
    table
};

/// `,N` for every byte value read unsigned ([0]) and signed ([1]).
static BYTE_NUMBERS: [[Item; 256]; 2] = {
    let mut table = [[[0u8; 8]; 256]; 2];
    let mut signed = 0;
    while signed < 2 {
        let mut b = 0;
        while b < 256 {
            let v: i32 = if signed == 1 && b >= 128 {
                b as i32 - 256
            } else {
                b as i32
            };
            let mut item = [0u8; 8];
            item[0] = b',';
            let mut len = 1;
            if v < 0 {
                item[len] = b'-';
                len += 1;
            }
            let a = v.unsigned_abs();
            if a >= 100 {
                item[len] = b'0' + (a / 100) as u8;
                len += 1;
            }
            if a >= 10 {
                item[len] = b'0' + (a / 10 % 10) as u8;
                len += 1;
            }
            item[len] = b'0' + (a % 10) as u8;
            len += 1;
            item[7] = len as u8;
            table[signed][b] = item;
            b += 1;
        }
        signed += 1;
    }
    table
};

/// Bytes as bpftool's JSON hex array: `["0x01","0x00"]`. Every item is 7 bytes long: blocks of 16 items are
/// filled at fixed strides, with no length bookkeeping per byte, and appended whole (a constant-length copy),
/// then cut to length.
pub fn push_hex_array(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    for chunk in bytes.chunks(16) {
        let mut block = [0u8; 16 * 7];
        for (dst, b) in block.chunks_exact_mut(7).zip(chunk) {
            dst.copy_from_slice(&HEX_ITEMS[*b as usize][..7]);
        }
        let at = out.len();
        out.extend_from_slice(&block);
        out.truncate(at + chunk.len() * 7);
    }
    if bytes.is_empty() {
        out.push(b'[');
    } else {
        out[start] = b'[';
    }
    out.push(b']');
}

/// One-byte integers as a JSON array of numbers: `[1,2,-3]`.
pub fn push_byte_numbers(out: &mut Vec<u8>, bytes: &[u8], signed: bool) {
    push_items(out, bytes, &BYTE_NUMBERS[usize::from(signed)]);
}

/// Items are gathered in a block on the stack, each stored as 8 bytes (one move) with the position advanced by its
/// length; the block is appended whole (a constant-length copy) and cut to length. The first item's comma becomes
/// the opening bracket.
fn push_items(out: &mut Vec<u8>, bytes: &[u8], table: &[Item; 256]) {
    const BLOCK: usize = 128;
    let start = out.len();
    // At most 16 items of up to 8 bytes fill a block.
    for chunk in bytes.chunks(BLOCK / 8) {
        let mut block = [0u8; BLOCK];
        let mut pos = 0;
        for b in chunk {
            let item = &table[*b as usize];
            if let Some(dst) = block.get_mut(pos..pos + 8) {
                dst.copy_from_slice(item);
            }
            pos += item[7] as usize;
        }
        let at = out.len();
        out.extend_from_slice(&block);
        out.truncate(at + pos);
    }
    if bytes.is_empty() {
        out.push(b'[');
    } else {
        out[start] = b'[';
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_std_formatting() {
        let mut x = 1u64;
        for i in 0..2000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Every digit count, powers of ten and their neighbours, and random values.
            let p = 10u64.saturating_pow((i % 20) as u32);
            for v in [x, x >> (i % 64), p, p - 1, p + 1, i, u64::MAX - i] {
                let mut out = b"x".to_vec();
                push_u64(&mut out, v);
                assert_eq!(out, format!("x{v}").into_bytes());
                let s = v as i64;
                let mut out = Vec::new();
                push_i64(&mut out, s);
                assert_eq!(out, s.to_string().into_bytes());
            }
        }
        for v in [0u128, 1, 0x2a, u128::MAX, 1 << 100] {
            let mut out = Vec::new();
            push_hex(&mut out, v);
            assert_eq!(out, format!("\"0x{v:x}\"").into_bytes());
        }
    }

    #[test]
    fn hex_strings_match_std_formatting() {
        let bytes: Vec<u8> = (0..=255).collect();
        let std: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex_string(&bytes), std);
        assert_eq!(hex_string(&[]), "");
    }

    #[test]
    fn byte_arrays_match_std_formatting() {
        // Long enough to cross several stack blocks.
        let all: Vec<u8> = (0..=255u8).chain(0..=255).collect();
        for bytes in [&[][..], &[7], &all] {
            let mut out = b"x".to_vec();
            push_hex_array(&mut out, bytes);
            let items: Vec<String> = bytes.iter().map(|b| format!("\"0x{b:02x}\"")).collect();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("x[{}]", items.join(","))
            );
            for signed in [false, true] {
                let mut out = Vec::new();
                push_byte_numbers(&mut out, bytes, signed);
                let items: Vec<String> = bytes
                    .iter()
                    .map(|b| {
                        if signed {
                            (*b as i8).to_string()
                        } else {
                            b.to_string()
                        }
                    })
                    .collect();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    format!("[{}]", items.join(","))
                );
            }
        }
    }
}

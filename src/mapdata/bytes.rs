//! The byte syntax of bpftool's `DATA := [hex] BYTES`: each word one byte in C notation (`42`, `0x2a`, `052`),
//! or, after `hex`, hexadecimal with or without `0x`, where a word may also hold several bytes (`hex 2a000000`).

/// Parses `words` into exactly `expected` bytes. The error says which word is wrong, or what the count is.
pub fn parse_bytes(words: &[&str], expected: usize) -> Result<Vec<u8>, String> {
    let (hex, words) = match words.first() {
        Some(&"hex") => (true, &words[1..]),
        _ => (false, words),
    };
    let mut out = Vec::with_capacity(expected);
    for word in words {
        if hex {
            push_hex_word(word, &mut out)?;
        } else {
            out.push(parse_c_byte(word)?);
        }
    }
    if out.len() != expected {
        return Err(format!(
            "got {} byte(s), the map needs {expected}",
            out.len()
        ));
    }
    Ok(out)
}

fn parse_c_byte(word: &str) -> Result<u8, String> {
    let parsed = if let Some(h) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        u8::from_str_radix(h, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        u8::from_str_radix(&word[1..], 8)
    } else {
        word.parse::<u8>()
    };
    parsed.map_err(|_| format!("'{word}' is not a byte (0-255, 0x00-0xff or 000-0377)"))
}

fn push_hex_word(word: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let digits = word
        .strip_prefix("0x")
        .or_else(|| word.strip_prefix("0X"))
        .unwrap_or(word);
    let bad = || format!("'{word}' is not hexadecimal bytes");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    // An odd count means a leading nibble: "a" is 0x0a, "abc" is 0x0a 0xbc.
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    for pair in padded.as_bytes().chunks(2) {
        let text = std::str::from_utf8(pair).map_err(|_| bad())?;
        out.push(u8::from_str_radix(text, 16).map_err(|_| bad())?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_notation_bytes() {
        assert_eq!(
            parse_bytes(&["1", "0x2a", "052", "255"], 4).unwrap(),
            vec![1, 42, 42, 255]
        );
        assert!(parse_bytes(&["256"], 1).unwrap_err().contains("'256'"));
        assert!(parse_bytes(&["0xg1"], 1).is_err());
    }

    #[test]
    fn hex_words() {
        assert_eq!(
            parse_bytes(&["hex", "01", "0x02", "0304"], 4).unwrap(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(parse_bytes(&["hex", "abc"], 2).unwrap(), vec![0x0a, 0xbc]);
        assert!(parse_bytes(&["hex", "zz"], 1)
            .unwrap_err()
            .contains("not hexadecimal"));
    }

    #[test]
    fn wrong_count_names_both_sizes() {
        assert_eq!(
            parse_bytes(&["1", "2", "3"], 4).unwrap_err(),
            "got 3 byte(s), the map needs 4"
        );
    }
}

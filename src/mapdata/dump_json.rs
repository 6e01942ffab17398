//! JSON in the shape `map dump` prints it, read back. A struct with two anonymous members prints each under the
//! key `""` (as bpftool does), so one object holds `""` twice, and a plain JSON object keeps only the last: the
//! first member's fields would be lost on the way back in. Here repeated `""` keys are gathered, in order, into one
//! array (an anonymous member is always a struct or union, so its own value is never an array); other repeated
//! keys keep the last value, as serde_json does.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON value whose repeated `""` keys are gathered into an array.
pub struct DumpJson(pub Value);

impl<'de> Deserialize<'de> for DumpJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DumpVisitor).map(DumpJson)
    }
}

/// Parses one JSON text the way `DumpJson` reads it.
pub fn parse(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str::<DumpJson>(text).map(|d| d.0)
}

struct DumpVisitor;

impl<'de> Visitor<'de> for DumpVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(DumpJson(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let DumpJson(v) = map.next_value()?;
            match out.get_mut(&key) {
                Some(Value::Array(seen)) if key.is_empty() => seen.push(v),
                Some(first) if key.is_empty() => {
                    let first = first.take();
                    out.insert(key, Value::Array(vec![first, v]));
                }
                _ => {
                    out.insert(key, v);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_anonymous_members_are_kept_in_order() {
        let v = parse(r#"{"a": 1, "": {"b": 2}, "": {"c": 3}, "": {"d": 4}}"#).unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(v[""], serde_json::json!([{"b": 2}, {"c": 3}, {"d": 4}]));
    }

    #[test]
    fn one_anonymous_member_and_other_keys_read_as_plain_json() {
        let text = r#"{"": {"x": [1, -2, 3.5, "0x2a", null, true]}, "k": 1, "k": 2}"#;
        let v = parse(text).unwrap();
        assert_eq!(
            v[""],
            serde_json::json!({"x": [1, -2, 3.5, "0x2a", null, true]})
        );
        assert_eq!(v["k"], 2);
        assert_eq!(parse("18446744073709551615").unwrap(), u64::MAX);
    }
}

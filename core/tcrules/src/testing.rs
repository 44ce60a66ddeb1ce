//! Test support: a seeded generator, and JSON mutated or written as a person might, for
//! the tests that compare two readers of the same text.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code

use serde_json::Value;

/// A small deterministic generator (xorshift), so failures reproduce.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Values to put where they do not belong.
const ODD: &[&str] = &[
    "null",
    "0",
    "-1",
    "1.5",
    "1e300",
    "18446744073709551616",
    "\"x\"",
    "\"\"",
    "true",
    "[]",
    "{}",
    "[1]",
    "{\"a\":1}",
    "\"2024-02-30\"",
    "\"EURO\"",
    "\"12,000\"",
    "\"2024-13\"",
    "\"2030-2020\"",
    "{\"kind\":\"month\"}",
    "{\"kind\":\"x\"}",
    "{\"kind\":\"year\",\"year\":\"y\"}",
    "[\"P\",\"T\"]",
    "{\"major\":null}",
    "\"\\u00e9\\\"q\\\\\"",
    "{\"USD\":\"1\",\"EURO\":\"2\"}",
];

/// Replaces a node of `v` with an odd value, or adds or removes an object's member.
pub(crate) fn mutate(v: &mut Value, rng: &mut Rng) {
    let odd: Value = serde_json::from_str(ODD[rng.below(ODD.len())]).unwrap();
    let children = match v {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    let here = children == 0 || rng.below(4) == 0;
    match v {
        Value::Object(m) if here => match rng.below(3) {
            0 => {
                let key = ["unknown", "é\"\\.?", "", "currency"][rng.below(4)];
                m.insert(key.into(), odd);
            }
            1 => {
                let key = m.keys().nth(rng.below(children)).cloned();
                key.map(|k| m.remove(&k));
            }
            _ => {
                let key = m.keys().nth(rng.below(children)).cloned();
                key.map(|k| m.insert(k, odd));
            }
        },
        Value::Object(m) => {
            let i = rng.below(children);
            mutate(m.values_mut().nth(i).unwrap(), rng);
        }
        Value::Array(a) if !here => mutate(&mut a[rng.below(children)], rng),
        Value::Array(a) if rng.below(2) == 0 => a.push(odd),
        _ => *v = odd,
    }
}

/// `v` as a person might write it: space and new lines between tokens, members in
/// a random order, now and then a key twice.
pub(crate) fn written(v: &Value, rng: &mut Rng, out: &mut String) {
    let space = |rng: &mut Rng| ["", "", " ", "\n  ", "\t", " \r\n"][rng.below(6)];
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            for i in (1..keys.len()).rev() {
                keys.swap(i, rng.below(i + 1));
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(space(rng));
                    out.push(',');
                }
                out.push_str(space(rng));
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push_str(space(rng));
                out.push(':');
                out.push_str(space(rng));
                if rng.below(30) == 0 {
                    out.push_str("\"twice\",");
                    out.push_str(&Value::from(k.as_str()).to_string());
                    out.push(':');
                }
                written(&m[*k], rng, out);
            }
            out.push_str(space(rng));
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space(rng));
                written(x, rng, out);
                out.push_str(space(rng));
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

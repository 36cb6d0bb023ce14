//! Patterns as the JSON EventBridge and Lambda read: each operator an object of one key, its
//! operand in the form written.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Affix, AnythingBut, EventPattern, Fields, MatchValue, Matcher, OneOrMany, Operator};

impl Operator {
    /// The pattern JSON of this operator: an object with one key.
    pub fn to_json(&self) -> Value {
        let texts = |t: &OneOrMany<String>| match t {
            OneOrMany::One(s) => Value::String(s.clone()),
            OneOrMany::Many(many) => many.iter().cloned().map(Value::String).collect(),
        };
        let affix = |a: &Affix| match a {
            Affix::Text(s) => Value::String(s.clone()),
            Affix::IgnoreCase(s) => one("equals-ignore-case", Value::String(s.clone())),
        };
        match self {
            Operator::Prefix(a) => one("prefix", affix(a)),
            Operator::Suffix(a) => one("suffix", affix(a)),
            Operator::EqualsIgnoreCase(s) => one("equals-ignore-case", Value::String(s.clone())),
            Operator::Wildcard(w) => one("wildcard", Value::String(w.0.clone())),
            Operator::Exists(b) => one("exists", Value::Bool(*b)),
            Operator::Cidr(c) => one("cidr", Value::String(c.0.clone())),
            Operator::Numeric(n) => one("numeric", n.to_json()),
            Operator::AnythingBut(a) => one(
                "anything-but",
                match a {
                    AnythingBut::String(s) => Value::String(s.clone()),
                    AnythingBut::Number(n) => Value::Number(n.clone()),
                    AnythingBut::Strings(v) => v.iter().cloned().map(Value::String).collect(),
                    AnythingBut::Numbers(v) => v.iter().cloned().map(Value::Number).collect(),
                    AnythingBut::Prefix(t) => one("prefix", texts(t)),
                    AnythingBut::Suffix(t) => one("suffix", texts(t)),
                    AnythingBut::EqualsIgnoreCase(t) => one("equals-ignore-case", texts(t)),
                    AnythingBut::Wildcard(w) => one(
                        "wildcard",
                        match w {
                            OneOrMany::One(w) => Value::String(w.0.clone()),
                            OneOrMany::Many(many) => {
                                many.iter().map(|w| Value::String(w.0.clone())).collect()
                            }
                        },
                    ),
                },
            ),
        }
    }
}

fn one(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), value)]))
}

macro_rules! serialize_as_json {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.to_json().serialize(s)
            }
        }
    )*};
}
serialize_as_json!(Fields, Matcher, MatchValue, Operator);

/// The spec's form: `detailType`, as the loader reads it.
impl Serialize for EventPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.render("detailType").serialize(s)
    }
}

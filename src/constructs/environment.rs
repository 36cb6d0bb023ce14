//! A function's environment as Lambda takes it: variable names of its pattern, none of the names
//! it sets itself, and at most 4 KB in all.
//!
//! [`EnvVarName`] cannot hold a name Lambda refuses; [`check_size`] measures a function's
//! variables the way Lambda does.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{Error, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::Value;

/// The names Lambda sets in every function's environment and refuses to take from a template
/// (the reserved list of the Lambda developer guide, "Defined runtime environment variables";
/// cfn-lint's rule E3663 checks the same list).
pub const RESERVED: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// The most a function's variables may take, measured as Lambda does: the bytes of their JSON
/// object (Lambda's refusal quotes the "String measured").
pub const ENVIRONMENT_BYTES: usize = 4_096;

/// The pattern of a name, as the Lambda API documents it (`Environment.Variables` keys).
pub const NAME_PATTERN: &str = "^[a-zA-Z][a-zA-Z0-9_]+$";

/// Why a name is not one Lambda takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvVarNameError {
    #[error(
        "`{0}` is not an environment variable name Lambda takes: a letter, then at least one letter, digit or `_`"
    )]
    Pattern(String),
    #[error("`{0}` is set by Lambda itself in every function; choose another name")]
    Reserved(String),
}

/// An environment variable name Lambda takes: `[a-zA-Z][a-zA-Z0-9_]+`, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvVarName(Arc<str>);

impl EnvVarName {
    /// Validates a name.
    pub fn new(name: &str) -> Result<Self, EnvVarNameError> {
        let mut chars = name.chars();
        let pattern = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.len() >= 2
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !pattern {
            return Err(EnvVarNameError::Pattern(name.to_owned()));
        }
        if RESERVED.contains(&name) {
            return Err(EnvVarNameError::Reserved(name.to_owned()));
        }
        Ok(Self(Arc::from(name)))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnvVarName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EnvVarName {
    type Err = EnvVarNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Serialize for EnvVarName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EnvVarName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for EnvVarName {
    fn schema_name() -> Cow<'static, str> {
        "EnvVarName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An environment variable name: a letter, then at least one letter, digit or `_`; not one Lambda sets itself (`AWS_REGION`, `LAMBDA_TASK_ROOT`, ...).",
            "type": "string",
            "pattern": NAME_PATTERN,
            "not": { "enum": RESERVED },
        })
    }
}

/// `#[serde(deserialize_with = ..)]` of a function's `environment`: unique names, each value
/// text, and a number or a boolean taken as the text it is written as (`PORT: 8080` is
/// `"8080"`), in YAML and JSON alike; Lambda only holds strings, and CloudFormation would turn
/// them into strings too. A number with a fraction is refused (`1.10` would reach the function
/// as `1.1`), and so is null (`""` is the empty value).
pub(crate) fn deserialize_variables<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<IndexMap<EnvVarName, String>, D::Error> {
    let map: IndexMap<EnvVarName, Text> = crate::core::unique_keys(deserializer)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// The JSON Schema of a function's `environment`: names as [`EnvVarName`] takes them, values as
/// [`deserialize_variables`] reads them.
pub(crate) fn variables_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "propertyNames": {"pattern": NAME_PATTERN, "not": {"enum": RESERVED}},
        "additionalProperties": {
            "description": "The value: text; a number or `true`/`false` is written as text (`8080` -> \"8080\"). A number with a fraction must be quoted.",
            "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]
        }
    })
}

/// One value, as text.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor).map(Text)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text, a whole number or `true`/`false`")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<String, E> {
        // JSON Schema's `integer` takes `8080.0`: it is the whole number it equals.
        if v.is_finite() && v.fract() == 0.0 {
            return Ok(format!("{v:.0}"));
        }
        Err(E::custom(format!(
            "a number with a fraction ({v}) is refused: quote the value, so that the function \
             gets the text as written"
        )))
    }

    fn visit_unit<E: Error>(self) -> Result<String, E> {
        Err(E::invalid_value(
            Unexpected::Other("null"),
            &"a value (`\"\"` for an empty one)",
        ))
    }
}

/// How many bytes Lambda counts for `variables`: their compact JSON object. A value known only at
/// deploy time (a `Ref`, an attribute) counts as an empty string, so a valid environment is
/// never refused for what a reference might resolve to.
pub fn measured_size<'a>(variables: impl IntoIterator<Item = (&'a str, &'a Value)>) -> usize {
    let mut size = 2; // {}
    for (i, (name, value)) in variables.into_iter().enumerate() {
        let text = match value {
            Value::Str(s) => json_string_len(s),
            _ => 2,
        };
        size += usize::from(i > 0) + json_string_len(name) + 1 + text;
    }
    size
}

/// The bytes of `s` as a JSON string, quotes and escapes included.
fn json_string_len(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{08}' | '\u{0c}' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

/// Why an environment does not fit, or `None`.
pub fn check_size<'a>(variables: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Option<String> {
    let size = measured_size(variables);
    (size > ENVIRONMENT_BYTES).then(|| {
        format!(
            "the environment takes {size} bytes (as Lambda measures it: its variables as one JSON object); Lambda allows {ENVIRONMENT_BYTES} in all"
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_follow_lambdas_pattern() {
        for ok in [
            "AB",
            "TABLE_NAME",
            "a1",
            "Port_8080",
            "LANG",
            "TZ",
            "AWS_XRAY_CONTEXT_MISSING",
        ] {
            assert!(EnvVarName::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A", "1A", "_A", "A-B", "A B", "Ä1", "A.B"] {
            assert_eq!(
                EnvVarName::new(bad),
                Err(EnvVarNameError::Pattern(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn reserved_names_are_refused() {
        for name in RESERVED.iter().filter(|n| !n.starts_with('_')) {
            assert_eq!(
                EnvVarName::new(name),
                Err(EnvVarNameError::Reserved((*name).to_owned()))
            );
        }
        // `_HANDLER` fails the pattern first; either way it is refused.
        assert!(EnvVarName::new("_HANDLER").is_err());
    }

    #[test]
    fn the_size_is_the_json_object() {
        let v = Value::Str("b".into());
        assert_eq!(measured_size([("a", &v)]), r#"{"a":"b"}"#.len());
        let q = Value::Str("x\"é".into());
        assert_eq!(
            measured_size([("a", &v), ("c", &q)]),
            r#"{"a":"b","c":"x\"é"}"#.len()
        );
        let big = Value::Str("x".repeat(4_096 - 9).into());
        assert_eq!(measured_size([("AB", &big)]), 4_096);
        assert!(check_size([("AB", &big)]).is_none());
        let over = Value::Str("x".repeat(4_096 - 8).into());
        assert!(check_size([("AB", &over)]).is_some());
    }
}

//! The validator over JSON: the grammar ([`super::Fields`]'s deserializer), the operators each
//! service takes and the size, for rule and archive patterns and Lambda filter criteria.

use std::fmt;

use serde_json::Value;

use super::{Affix, AnythingBut, Fields, MatchValue, Matcher, Operator};
use crate::constructs::limits::{
    ARCHIVE_PATTERN_CHARS, EVENT_PATTERN_CHARS, FILTER_PATTERN_CHARS, Limit,
};

/// Why a pattern is refused: where in it, and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PatternError {
    /// The place in the pattern, e.g. `detail.count[0].numeric` (empty for the whole pattern).
    pub path: String,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl PatternError {
    /// The error as a message about the field `field` that holds the pattern:
    /// `filters[0].dynamodb.Keys[0]: ...` (the field path first, as diagnostics name fields).
    pub fn at(&self, field: &str) -> String {
        if self.path.is_empty() {
            format!("{field}: {}", self.message)
        } else {
            format!("{field}.{}: {}", self.path, self.message)
        }
    }

    pub(super) fn new(message: impl Into<String>) -> Self {
        Self {
            path: String::new(),
            message: message.into(),
        }
    }
}

/// Who reads the pattern: EventBridge (rules, archives: one grammar) or Lambda (event source
/// mapping filter criteria, which take fewer operators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Rule,
    Archive,
    LambdaFilter,
}

impl Dialect {
    /// The most characters the pattern may have as JSON.
    pub fn limit(self) -> &'static Limit {
        match self {
            Dialect::Rule => &EVENT_PATTERN_CHARS,
            Dialect::Archive => &ARCHIVE_PATTERN_CHARS,
            Dialect::LambdaFilter => &FILTER_PATTERN_CHARS,
        }
    }
}

/// Checks a pattern given as JSON (a raw resource's, a finished template's) for `dialect`: the
/// grammar, the operators the dialect takes and the size. The first problem is returned.
pub fn validate(pattern: &Value, dialect: Dialect) -> Result<Fields, PatternError> {
    let fields: Fields = serde_path_to_error::deserialize(pattern).map_err(|e| {
        let path = e.path().to_string();
        PatternError {
            path: if path == "." { String::new() } else { path },
            message: e.into_inner().to_string(),
        }
    })?;
    check_size(pattern.to_string().chars().count(), dialect)?;
    if dialect == Dialect::LambdaFilter {
        lambda_operators(&fields)?;
    }
    Ok(fields)
}

/// [`validate`] for a pattern given as a JSON string (as CloudFormation takes it).
pub fn validate_text(pattern: &str, dialect: Dialect) -> Result<Fields, PatternError> {
    let json: Value = serde_json::from_str(pattern)
        .map_err(|e| PatternError::new(format!("the pattern is not JSON: {e}")))?;
    check_size(pattern.chars().count(), dialect)?;
    validate(&json, dialect)
}

fn check_size(chars: usize, dialect: Dialect) -> Result<(), PatternError> {
    let l = dialect.limit();
    if l.contains(chars as i64) {
        return Ok(());
    }
    Err(PatternError::new(format!(
        "length = {chars} is out of range: {} {} allows {}..={}",
        l.resource, l.property, l.min, l.max
    )))
}

/// The operators of the Lambda guide's filter rule syntax: exact values (null, empty, equals),
/// `equals-ignore-case`, `$or`, `anything-but` with values, `numeric`, `exists`, `prefix` and
/// `suffix` with a string. The rest are EventBridge's alone (its "pipe support: no" column).
fn lambda_operators(fields: &Fields) -> Result<(), PatternError> {
    let mut found = Vec::new();
    fields.operators("", &mut found);
    for (path, op) in found {
        let unsupported = match op {
            Operator::Cidr(_) => "`cidr`",
            Operator::Wildcard(_) => "`wildcard`",
            Operator::Prefix(Affix::IgnoreCase(_)) => "`prefix` with `equals-ignore-case`",
            Operator::Suffix(Affix::IgnoreCase(_)) => "`suffix` with `equals-ignore-case`",
            Operator::AnythingBut(AnythingBut::Prefix(_)) => "`anything-but` with `prefix`",
            Operator::AnythingBut(AnythingBut::Suffix(_)) => "`anything-but` with `suffix`",
            Operator::AnythingBut(AnythingBut::EqualsIgnoreCase(_)) => {
                "`anything-but` with `equals-ignore-case`"
            }
            Operator::AnythingBut(AnythingBut::Wildcard(_)) => "`anything-but` with `wildcard`",
            _ => continue,
        };
        return Err(PatternError {
            path,
            message: format!(
                "Lambda event filtering does not support {unsupported} (EventBridge rules do); \
                 filters take exact values, prefix, suffix, equals-ignore-case, anything-but \
                 with values, numeric, exists and $or"
            ),
        });
    }
    Ok(())
}

impl Fields {
    /// Every operator under this object with its path (below `prefix`).
    pub(super) fn operators<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Operator)>) {
        let at = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        for (key, matcher) in &self.fields {
            match matcher {
                Matcher::Fields(nested) => nested.operators(&at(key), out),
                Matcher::Values(values) => {
                    for (i, v) in values.iter().enumerate() {
                        if let MatchValue::Operator(op) = v {
                            out.push((format!("{}[{i}]", at(key)), op));
                        }
                    }
                }
            }
        }
        for (i, alternative) in self.any_of.iter().enumerate() {
            alternative.operators(&format!("{}[{i}]", at("$or")), out);
        }
    }
}

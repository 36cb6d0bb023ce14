//! The request body's fields, taken one by one by the domain's validation, collecting an error for
//! EVERY bad field; what is left over is reported as unknown.

use std::fmt;
use std::str::FromStr;

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use serde_json::{Map, Value};

/// Longest unknown field name echoed back in an error.
const ECHO_MAX_CHARS: usize = 64;

/// One bad field: its name (in the body, or a header's) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the body (or the header's).
    pub field: String,
    /// What is wrong with it ("is required").
    pub detail: String,
}

/// The body's fields not yet taken, and the errors so far.
#[derive(Debug)]
pub struct Fields {
    object: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields {
    /// The fields of a JSON object body.
    pub(crate) fn new(object: Map<String, Value>) -> Self {
        Self {
            object,
            errors: Vec::new(),
        }
    }

    /// Takes field `name` and parses it; missing or bad is an error (and `None`).
    pub fn required<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(Value) -> Result<T, String>,
    ) -> Option<T> {
        match self.object.remove(name) {
            Some(value) => self.parse(name, value, parse),
            None => {
                self.error(name, "is required");
                None
            }
        }
    }

    /// Takes field `name`, if present, and parses it; bad is an error (and `None`).
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(Value) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.object.remove(name)?;
        self.parse(name, value, parse)
    }

    fn parse<T>(
        &mut self,
        name: &str,
        value: Value,
        parse: impl FnOnce(Value) -> Result<T, String>,
    ) -> Option<T> {
        parse(value).map_err(|detail| self.error(name, detail)).ok()
    }

    /// Records an error about `field` (one that involves several fields, say).
    pub fn error(&mut self, field: &str, detail: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            detail: detail.into(),
        });
    }

    /// Whether an error has been recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, followed by one for each field that is left over (unknown).
    pub(crate) fn finish(mut self) -> Vec<FieldError> {
        let unknown = std::mem::take(&mut self.object);
        for name in unknown.keys() {
            let name: String = name.chars().take(ECHO_MAX_CHARS).collect();
            self.error(&name, "unknown field");
        }
        self.errors
    }
}

/// Whether `s` is an RFC 3339 date-time (`2026-03-01T19:30:00+01:00`, `...Z`, fractions allowed).
pub fn is_rfc3339(s: &str) -> bool {
    DateTime::from_str(s, DateTimeFormat::DateTimeWithOffset).is_ok()
}

/// A field that must be a JSON string, parsed by `T`'s `FromStr` (whose error is the detail).
pub fn string<T>(value: Value) -> Result<T, String>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    match value {
        Value::String(s) => s.parse().map_err(|e: T::Err| e.to_string()),
        _ => Err("must be a string".to_owned()),
    }
}

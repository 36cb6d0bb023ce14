//! Reading a spec file: YAML or JSON by extension, errors with file, line, column and the
//! closest valid name for a misspelt field.

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::AppSpec;

/// Why a spec could not be read.
#[derive(Debug, thiserror::Error)]
pub struct SpecError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads and parses a spec file.
pub fn load(file: &Path) -> Result<AppSpec, SpecError> {
    let bytes = std::fs::read(file).map_err(|e| SpecError {
        file: file.to_owned(),
        line: None,
        column: None,
        message: format!("cannot read the app spec: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| SpecError {
        file: file.to_owned(),
        line: None,
        column: None,
        message: format!(
            "the app spec is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse(file, &text)
}

/// Parses spec text; `file` names it in errors and picks the format (`.json` or YAML).
pub fn parse(file: &Path, text: &str) -> Result<AppSpec, SpecError> {
    let err = |line, column, message: String| SpecError {
        file: file.to_owned(),
        line,
        column,
        message: with_suggestion(&message),
    };
    if text.trim().is_empty() {
        return Err(err(
            None,
            None,
            "the app spec is empty; it needs at least `stacks:`".to_owned(),
        ));
    }
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(text).map_err(|e| {
            err(
                Some(e.line()),
                Some(e.column()),
                strip_location(&e.to_string()),
            )
        })
    } else {
        crate::yaml::from_str(text).map_err(|e| {
            let (line, column) = match crate::yaml::location(&e) {
                Some((l, c)) => (Some(l), Some(c)),
                None => (None, None),
            };
            err(line, column, strip_location(&e.to_string()))
        })
    }
}

/// serde_yaml and serde_json append " at line L column C": the location is already in front.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Adds "did you mean `x`?" to serde's "unknown field `a`, expected one of `x`, `y`" messages.
fn with_suggestion(message: &str) -> String {
    let Some(start) = message
        .find("unknown field `")
        .or_else(|| message.find("unknown variant `"))
    else {
        return message.to_owned();
    };
    let rest = &message[start..];
    let Some(open) = rest.find('`') else {
        return message.to_owned();
    };
    let Some(close) = rest[open + 1..].find('`') else {
        return message.to_owned();
    };
    let unknown = &rest[open + 1..open + 1 + close];
    let expected: Vec<&str> = rest
        .split("expected ")
        .nth(1)
        .map(|e| e.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    match crate::core::suggest::closest(unknown, expected.iter().copied()) {
        Some(c) => format!("{message}; did you mean `{c}`?"),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let m =
            with_suggestion("unknown field `handlr`, expected one of `handler`, `architecture`");
        assert!(m.ends_with("did you mean `handler`?"), "{m}");
        let m = with_suggestion("unknown field `zzzzzzzz`, expected `handler`");
        assert!(!m.contains("did you mean"), "{m}");
    }
}

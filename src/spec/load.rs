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

/// The largest spec read, in bytes: an app of hundreds of stacks is a few hundred KiB.
pub const MAX_SPEC_BYTES: u64 = 4 * 1024 * 1024;

/// Reads and parses a spec file.
pub fn load(file: &Path) -> Result<AppSpec, SpecError> {
    let fail = |message: String| SpecError {
        file: file.to_owned(),
        line: None,
        column: None,
        message,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_SPEC_BYTES + 1), &mut bytes)
        })
        .map_err(|e| fail(format!("cannot read the app spec: {e}")))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(fail(format!(
            "the app spec is larger than {MAX_SPEC_BYTES} bytes; split the app, or check that this is the right file"
        )));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(fail(format!(
            "the app spec is not a text file (a NUL byte at offset {at})"
        )));
    }
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
        message: with_suggestion(&plain_words(&message)),
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
            let location = crate::yaml::location(&e);
            let mut message = e.to_string();
            if let Some((line, column)) = location {
                message = message.replacen(&format!(" at line {line} column {column}"), "", 1);
                let at = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .and_then(|l| l.chars().nth(column.saturating_sub(1)));
                if at == Some('\t') {
                    message.push_str(" (a tab: YAML indents with spaces only)");
                }
            }
            err(location.map(|l| l.0), location.map(|l| l.1), message)
        })
    }
}

/// Parser jargon in words a spec author knows.
fn plain_words(message: &str) -> String {
    const WORDS: [(&str, &str); 5] = [
        (
            "recursion limit exceeded",
            "nested too deeply (more than 128 levels)",
        ),
        (
            "repetition limit exceeded",
            "YAML aliases expand to too much data",
        ),
        ("expected struct AppSpec", "expected a map with `stacks:`"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u8", "expected a whole number (0 or more)"),
    ];
    WORDS.iter().fold(message.to_owned(), |m, (jargon, plain)| {
        m.replace(jargon, plain)
    })
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

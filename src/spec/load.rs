//! Reading a spec file: YAML or JSON by extension, errors with file, line, column and the
//! closest valid name for a misspelt field.

use std::fmt;
use std::path::{Path, PathBuf};

use super::data::Model;
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

/// Reads and parses a spec file, and the event contract files it names (relative to it).
pub fn load(file: &Path) -> Result<AppSpec, SpecErrors> {
    let text = read_text(file, "app spec")?;
    parse(file, &text)
}

/// The text of a spec or contract file (`noun` names it in errors): at most [`MAX_SPEC_BYTES`]
/// of UTF-8 text.
pub(crate) fn read_text(file: &Path, noun: &str) -> Result<String, SpecError> {
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
        .map_err(|e| fail(format!("cannot read the {noun}: {e}")))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        let split = if noun == "app spec" {
            "split the app, or "
        } else {
            ""
        };
        return Err(fail(format!(
            "the {noun} is larger than {MAX_SPEC_BYTES} bytes; {split}check that this is the right file"
        )));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(fail(format!(
            "the {noun} is not a text file (a NUL byte at offset {at})"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the {noun} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses one document (JSON for `.json`, else YAML) as `T`, stopping at the first error: its
/// line, column, field path and the closest valid name.
pub(crate) fn parse_document<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, SpecError> {
    // A good JSON document is read without tracking field paths (they only serve the error).
    if is_json(file)
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    parse_as::<T>(is_json(file), text).map_err(|(line, column, message)| SpecError {
        file: file.to_owned(),
        line,
        column,
        message: with_suggestion(&plain_words(&message)),
    })
}

fn is_json(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The most errors one load reports: enough to fix a spec in one go, few enough to read.
pub const MAX_ERRORS: usize = 20;

/// Every error of a spec that could not be read, in the order found (at least one).
#[derive(Debug, thiserror::Error)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// A closing line for more than one error: how many, or that the report stopped at
    /// [`MAX_ERRORS`].
    pub fn summary(&self) -> Option<String> {
        match self.0.len() {
            0 | 1 => None,
            n if n >= MAX_ERRORS => Some(format!(
                "stopped after {MAX_ERRORS} errors; fix these and run again"
            )),
            n => Some(format!("the app spec is invalid ({n} errors)")),
        }
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() >= MAX_ERRORS
            && let Some(summary) = self.summary()
        {
            write!(f, "\n({summary})")?;
        }
        Ok(())
    }
}

impl From<SpecError> for SpecErrors {
    fn from(e: SpecError) -> Self {
        SpecErrors(vec![e])
    }
}

/// Parses spec text; `file` names it in errors and picks the format (`.json` or YAML).
///
/// Every bad field of every stack and construct is reported: after an error the text is parsed
/// again with that field (or, failing that, the whole construct) read past
/// ([`super::unique::every_error`]).
pub fn parse(file: &Path, text: &str) -> Result<AppSpec, SpecErrors> {
    let err = |line, column, message: String| SpecError {
        file: file.to_owned(),
        line,
        column,
        message: with_suggestion(&plain_words(&message)),
    };
    let blank = |line: &str| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---"
    };
    if text.lines().all(blank) {
        return Err(err(
            None,
            None,
            "the app spec is empty; it needs at least `stacks:`".to_owned(),
        )
        .into());
    }
    let is_json = is_json(file);
    let errors = match super::unique::every_error(MAX_ERRORS, || {
        parse_as::<AppSpec>(is_json, text).map_err(|(l, c, m)| err(l, c, m))
    }) {
        Ok(mut spec) => {
            let dir = file.parent().unwrap_or(Path::new(""));
            spec.dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
            spec.source = Some(std::sync::Arc::new(super::SpecSource {
                file: file.to_owned(),
                text: text.to_owned(),
            }));
            load_contracts(&mut spec)?;
            return Ok(spec);
        }
        Err(errors) => errors,
    };
    // A syntax error (or a nesting or alias limit) is reported alone: errors found before it may
    // be its consequences, and parsing past it is not possible.
    // (A JSON `Value` rather than `IgnoredAny`: serde_json's skipping words errors less well.)
    let syntax = if is_json {
        parse_as::<serde_json::Value>(true, text).map(drop)
    } else {
        parse_as::<serde::de::IgnoredAny>(false, text).map(drop)
    };
    syntax.map_err(|(l, c, m)| err(l, c, m))?;
    Err(SpecErrors(errors))
}

/// Reads every event contract file the spec names, relative to the spec's directory; every
/// broken one is reported.
fn load_contracts(spec: &mut AppSpec) -> Result<(), SpecErrors> {
    let dir = spec.dir.clone();
    let mut errors = Vec::new();
    let named = spec
        .stacks
        .values()
        .flat_map(|s| s.stream_to_bus.values())
        .filter_map(|p| p.events.clone());
    for name in named {
        if spec.contracts.contains_key(&name) || errors.len() >= MAX_ERRORS {
            continue;
        }
        match crate::contracts::load(&dir.join(&name)) {
            Ok(contract) => {
                spec.contracts.insert(name, contract);
            }
            Err(e) => errors.extend(e.0),
        }
    }
    errors.truncate(MAX_ERRORS);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors(errors))
    }
}

/// A parser's error: its line and column (where known) and its message, field path in front.
type ParseError = (Option<usize>, Option<usize>, String);

/// One parse of the text as `T`.
fn parse_as<T: serde::de::DeserializeOwned>(is_json: bool, text: &str) -> Result<T, ParseError> {
    if is_json {
        parse_json(text)
    } else {
        parse_yaml(text)
    }
}

/// One JSON parse (serde_json reports no field path: serde_path_to_error tracks it).
fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
    let spec =
        serde::de::DeserializeSeed::deserialize(Model::<T>::new(), tracked).map_err(|e| {
            let mut path = track.path().to_string();
            let message = strip_location(&e.to_string());
            // Like serde_yaml: an unknown field is reported at the map it is in.
            if let Some(field) = message
                .strip_prefix("unknown field `")
                .and_then(|m| m.split('`').next())
                && let Some(parent) = path.strip_suffix(field)
                && (parent.is_empty() || parent.ends_with('.'))
            {
                // (`stacks.S.extra` -> `stacks.S`; a top-level `extra` -> the document itself)
                path = parent.strip_suffix('.').unwrap_or(".").to_owned();
            }
            // A syntax error is about the text, not a field: no path.
            let message = if path == "." || e.classify() != serde_json::error::Category::Data {
                message
            } else {
                format!("{path}: {message}")
            };
            (Some(e.line()), Some(e.column()), message)
        })?;
    de.end().map_err(|e| {
        (
            Some(e.line()),
            Some(e.column()),
            strip_location(&e.to_string()),
        )
    })?;
    Ok(spec)
}

/// One YAML parse (serde_yaml puts the field path in front of its messages).
fn parse_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    crate::yaml::from_str_seed(text, Model::<T>::new()).map_err(|e| {
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
        (location.map(|l| l.0), location.map(|l| l.1), message)
    })
}

/// Parser jargon in words a spec author knows (types give their own `expecting` text; these are
/// the words of serde's primitives and of the parsers themselves).
fn plain_words(message: &str) -> String {
    const WORDS: [(&str, &str); 14] = [
        (
            "recursion limit exceeded",
            "nested too deeply (more than 128 levels)",
        ),
        (
            "repetition limit exceeded",
            "YAML aliases expand to too much data",
        ),
        (
            "deserializing from YAML containing more than one document is not supported",
            "the file holds more than one YAML document (`---`); a spec is one document",
        ),
        ("unit value", "null"),
        ("invalid type: sequence", "invalid type: list"),
        ("unknown variant `", "unknown value `"),
        ("floating point `", "number `"),
        ("expected u8", "expected a whole number (0 or more)"),
        ("expected u16", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected a sequence", "expected a list"),
        ("expected path string", "expected a path (a string)"),
        ("expected any valid JSON value", "expected a JSON value"),
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

/// Adds "did you mean `x`?" to serde's "unknown field `a`, expected one of `x`, `y`" messages
/// (and to "unknown value `a`", serde's unknown variant in plain words).
pub(crate) fn with_suggestion(message: &str) -> String {
    let Some(start) = message
        .find("unknown field `")
        .or_else(|| message.find("unknown value `"))
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
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn errors(name: &str, text: &str) -> Vec<String> {
        let Err(errors) = parse(Path::new(name), text) else {
            panic!("{name} parsed");
        };
        errors.0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_syntax_error_is_reported_alone() {
        let json =
            r#"{"stacks": {"S": {"functions": {"A": {"handlr": "x"}, "B": {"handler": "x",}}}}}"#;
        assert_eq!(errors("app.json", json), ["app.json:1:76: trailing comma"]);
        let yaml = "stacks:\n  S:\n    functions:\n      A: { handlr: x }\n      B: [\n";
        assert_eq!(
            errors("app.yaml", yaml),
            ["app.yaml:6:1: did not find expected node content, while parsing a flow node"]
        );
    }

    #[test]
    fn errors_outside_any_stack_stop_the_search() {
        let found = errors("app.yaml", "stack: {}\nstacks: {}\n");
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn suggests_the_closest_field() {
        let m =
            with_suggestion("unknown field `handlr`, expected one of `handler`, `architecture`");
        assert!(m.ends_with("did you mean `handler`?"), "{m}");
        let m = with_suggestion("unknown field `zzzzzzzz`, expected `handler`");
        assert!(!m.contains("did you mean"), "{m}");
    }
}

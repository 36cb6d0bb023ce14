//! Event contract files: what a publisher promises to put on a bus, read from the file its domain
//! crate writes from its Rust types (`tributary_runtime::contract`).
//!
//! A spec names a contract by path (`streamToBus.<id>.events: ../orders/contract.json`, relative
//! to the spec); Rust code calls [`load`], or builds the contract from the types directly with
//! [`EventContract::of`]. A broken file gets the same errors as a broken spec: file, line and
//! column, the field, what was expected and the closest valid name; values EventBridge would
//! refuse are refused here.

use std::path::Path;

use serde_json::Value as Json;
use tributary_runtime::contract::ContractFile;

use crate::constructs::EventContract;
use crate::spec::{SpecError, SpecErrors};

/// Longest `source` PutEvents accepts, in characters (`PutEventsRequestEntry.Source`).
pub const SOURCE_MAX: usize = 256;
/// The `source` prefix AWS reserves for its own services.
pub const RESERVED_SOURCE_PREFIX: &str = "aws.";
/// Longest `detail-type` PutEvents accepts, in characters (`PutEventsRequestEntry.DetailType`).
pub const DETAIL_TYPE_MAX: usize = 128;
/// Where a contract's `$ref`s point: the named schemas of the registry document.
pub const REF_PREFIX: &str = "#/components/schemas/";

/// Reads the contract file at `path` (JSON, or YAML by any other extension); every problem of
/// the file is reported, each with its line where it has one.
pub fn load(path: &Path) -> Result<EventContract, SpecErrors> {
    let text = crate::spec::read_text(path, "event contract file")?;
    parse(path, &text)
}

/// Parses contract text; `path` names it in errors and picks the format.
pub fn parse(path: &Path, text: &str) -> Result<EventContract, SpecErrors> {
    if text.trim().is_empty() {
        return Err(SpecError {
            file: path.to_owned(),
            line: None,
            column: None,
            message: "the event contract file is empty; it needs `source` and `events`".to_owned(),
        }
        .into());
    }
    let file: ContractFile = crate::spec::parse_document(path, text)?;
    let errors = check(&file);
    if errors.is_empty() {
        return Ok(EventContract::from(file));
    }
    Err(SpecErrors(
        errors
            .into_iter()
            .map(|(key, message)| SpecError {
                file: path.to_owned(),
                line: key.and_then(|k| line_of(text, &k)),
                column: None,
                message,
            })
            .collect(),
    ))
}

/// Every value of a parsed contract file that EventBridge would refuse, each with the key whose
/// line it is on.
fn check(file: &ContractFile) -> Vec<(Option<String>, String)> {
    let mut errors = Vec::new();
    let source = &file.source;
    let source_ok_start = source
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-' | '_'));
    if source.is_empty() || source.chars().count() > SOURCE_MAX {
        errors.push((
            Some("source".to_owned()),
            format!("source: must be 1..={SOURCE_MAX} characters"),
        ));
    } else if source.starts_with(RESERVED_SOURCE_PREFIX) {
        errors.push((
            Some("source".to_owned()),
            format!(
                "source: `{source}` starts with `{RESERVED_SOURCE_PREFIX}`, which AWS reserves for its own services"
            ),
        ));
    } else if !source_ok_start {
        errors.push((
            Some("source".to_owned()),
            format!("source: `{source}` must start with one of A-Z a-z 0-9 / . - _"),
        ));
    }
    if file.events.0.is_empty() {
        errors.push((
            Some("events".to_owned()),
            "events: a contract needs at least one detail-type".to_owned(),
        ));
    }
    for (detail_type, doc) in &file.events.0 {
        let at = Some(detail_type.clone());
        let field = format!("events.{detail_type}");
        if detail_type.is_empty() || detail_type.chars().count() > DETAIL_TYPE_MAX {
            errors.push((
                at.clone(),
                format!("{field}: a detail-type must be 1..={DETAIL_TYPE_MAX} characters"),
            ));
        }
        if !doc.detail.is_object() {
            errors.push((
                at.clone(),
                format!("{field}.detail: expected a schema (a JSON object)"),
            ));
        }
        let mut refs = Vec::new();
        collect_refs(&doc.detail, &mut refs);
        for schema in doc.schemas.values() {
            collect_refs(schema, &mut refs);
        }
        refs.sort();
        refs.dedup();
        for r in refs {
            match r.strip_prefix(REF_PREFIX) {
                Some(name) if doc.schemas.contains_key(name) => {}
                Some(name) => {
                    let hint = crate::core::suggest::hint(
                        name,
                        doc.schemas.keys().map(String::as_str),
                        |all| {
                            if all.is_empty() {
                                "; `schemas` is empty".to_owned()
                            } else {
                                format!(" (schemas: {})", all.join(", "))
                            }
                        },
                    );
                    errors.push((
                        at.clone(),
                        format!("{field}: `$ref` `{r}` names no entry of `schemas`{hint}"),
                    ));
                }
                None => errors.push((
                    at.clone(),
                    format!(
                        "{field}: `$ref` `{r}` must point into `{REF_PREFIX}` (the registry document holds nothing else)"
                    ),
                )),
            }
        }
    }
    errors
}

/// Every `$ref` string in a schema.
fn collect_refs<'a>(schema: &'a Json, out: &mut Vec<&'a str>) {
    match schema {
        Json::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Json::String(r)) => out.push(r),
                    _ => collect_refs(value, out),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The 1-based line of the first `"key":` (JSON) or `key:` (YAML) in `text`.
fn line_of(text: &str, key: &str) -> Option<usize> {
    let json = format!("\"{key}\"");
    let is_key = |line: &str| {
        line.match_indices(&json)
            .any(|(i, m)| line[i + m.len()..].trim_start().starts_with(':'))
            || line
                .trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.starts_with(':'))
    };
    text.lines().position(is_key).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse(Path::new("contract.json"), text) {
            Ok(_) => panic!("parsed: {text}"),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    const GOOD: &str = r##"{
  "source": "orders",
  "events": {
    "OrderPlaced": {
      "description": "An order was placed.",
      "detail": { "$ref": "#/components/schemas/OrderPlaced" },
      "schemas": { "OrderPlaced": { "type": "object" } }
    }
  }
}
"##;

    #[test]
    fn a_good_file_is_a_contract() {
        let c = parse(Path::new("contract.json"), GOOD).unwrap();
        assert_eq!(c.source, "orders");
        assert_eq!(c.detail_types().collect::<Vec<_>>(), ["OrderPlaced"]);
    }

    #[test]
    fn a_misspelt_field_names_the_line_and_the_closest_field() {
        let text = GOOD.replace("\"description\"", "\"descripton\"");
        assert_eq!(
            errors(&text),
            [
                "contract.json:5:18: events.OrderPlaced: unknown field `descripton`, expected one of `description`, `detail`, `schemas`; did you mean `description`?"
            ]
        );
    }

    #[test]
    fn values_eventbridge_refuses_are_errors_with_their_line() {
        let text = GOOD.replace("\"orders\"", "\"aws.orders\"").replace(
            "OrderPlaced\": {\n      \"desc",
            &format!("{}\": {{\n      \"desc", "X".repeat(129)),
        );
        let found = errors(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("contract.json:2: source: `aws.orders` starts with `aws.`"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("contract.json:4: events.XXX"),
            "{found:#?}"
        );
        assert!(
            found[1].ends_with("a detail-type must be 1..=128 characters"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_dangling_ref_suggests_the_closest_schema() {
        let text = GOOD.replace("schemas/OrderPlaced\"", "schemas/OrderPlacd\"");
        assert_eq!(
            errors(&text),
            [
                "contract.json:4: events.OrderPlaced: `$ref` `#/components/schemas/OrderPlacd` names no entry of `schemas`; did you mean `OrderPlaced`?"
            ]
        );
    }

    #[test]
    fn no_events_and_empty_files_are_errors() {
        assert_eq!(
            errors("{\"source\": \"orders\", \"events\": {}}"),
            ["contract.json:1: events: a contract needs at least one detail-type"]
        );
        assert_eq!(
            errors("\n"),
            ["contract.json: the event contract file is empty; it needs `source` and `events`"]
        );
    }
}

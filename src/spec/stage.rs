//! A stage's copy of the app's stacks: each stack's spec with the stage's overrides merged in
//! (a JSON Merge Patch, RFC 7386), read back through the same types as the spec itself.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::model::{StackSpec, StageSpec};
use crate::core::StackName;

/// The sections of a stack whose entries are constructs by id: an override may change an entry
/// the spec has, not add one (a misspelt id would otherwise become a new, half-written
/// construct).
const SECTIONS: &[&str] = &[
    "topics",
    "queues",
    "buses",
    "functions",
    "streamToBus",
    "httpApis",
    "rules",
];

/// The stacks of stage `name`: `stacks` with the stage's overrides merged in; every override
/// that names nothing, or yields a stack the spec's types refuse, is one error message.
pub(crate) fn staged_stacks(
    name: &str,
    stage: &StageSpec,
    stacks: &IndexMap<StackName, StackSpec>,
) -> Result<IndexMap<StackName, StackSpec>, Vec<String>> {
    let mut errors = Vec::new();
    let known: Vec<&str> = stacks.keys().map(StackName::as_str).collect();
    for stack in stage.overrides.stacks.keys() {
        if !known.contains(&stack.as_str()) {
            let hint = crate::core::suggest::hint(stack, known.iter().copied(), |all| {
                format!(" (stacks: {})", all.join(", "))
            });
            errors.push(format!(
                "stages.{name}.overrides.stacks: there is no stack `{stack}` to override{hint}"
            ));
        }
    }
    let mut out = IndexMap::new();
    for (stack_name, spec) in stacks {
        let Some(patch) = stage.overrides.stacks.get(stack_name.as_str()) else {
            out.insert(stack_name.clone(), spec.clone());
            continue;
        };
        let at = format!("stages.{name}.overrides.stacks.{stack_name}");
        let mut doc = match serde_json::to_value(spec) {
            Ok(doc) => doc,
            Err(e) => {
                errors.push(format!("{at}: {e}"));
                continue;
            }
        };
        if let Err(e) = check_entries(&doc, patch, &at) {
            errors.extend(e);
            continue;
        }
        merge(&mut doc, patch);
        match serde_path_to_error::deserialize::<_, StackSpec>(doc) {
            Ok(staged) => {
                out.insert(stack_name.clone(), staged);
            }
            Err(e) => {
                let field = e.path().to_string();
                let field = if field == "." {
                    String::new()
                } else {
                    format!(".{field}")
                };
                errors.push(format!("{at}{field}: {}", e.inner()));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Errors for each construct `patch` names in a section of the stack `doc` has no entry of.
fn check_entries(doc: &Value, patch: &Value, at: &str) -> Result<(), Vec<String>> {
    let Value::Object(patch) = patch else {
        return Err(vec![format!(
            "{at}: an override of a stack is a map of its settings, not {}",
            kind(patch)
        )]);
    };
    let mut errors = Vec::new();
    for (section, entries) in patch {
        if !SECTIONS.contains(&section.as_str()) {
            continue;
        }
        let Value::Object(entries) = entries else {
            continue;
        };
        let base = doc.get(section).and_then(Value::as_object);
        let known: Vec<&str> = base
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for id in entries.keys() {
            if !known.contains(&id.as_str()) {
                let hint = crate::core::suggest::hint(id, known.iter().copied(), |all| {
                    if all.is_empty() {
                        format!(" (the stack has no {section})")
                    } else {
                        format!(" (known: {})", all.join(", "))
                    }
                });
                errors.push(format!(
                    "{at}.{section}: there is no `{id}` to override (a stage changes what the spec has, it adds nothing){hint}"
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Merges `patch` into `target` as RFC 7386 says: a map merges key by key, `null` removes the
/// key, anything else replaces the target.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use serde_json::json;

    #[test]
    fn merge_follows_rfc_7386() {
        // The examples of RFC 7386, appendix A, that a spec can meet.
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            merge(&mut target, &patch);
            assert_eq!(target, expected, "{patch}");
        }
    }
}

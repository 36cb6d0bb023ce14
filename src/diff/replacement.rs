//! What a change to one property path of a resource does to the resource: nothing beyond an
//! update, a replacement, or a possible one — read from the registry schemas' create-only paths
//! (`create_only.rs`, generated) at path granularity, with the schemas' known gaps patched.

use serde::Serialize;
use serde_json::Value;

use super::create_only::TABLE;

/// Whether a change replaces the resource (the order is the severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Replacement {
    /// An update in place.
    #[default]
    Never,
    /// Replaced or not depending on a value known only at deploy, or on how the value changes.
    Conditional,
    /// Replaced: a new physical resource, a new physical ID, every `Ref` and `Fn::GetAtt` of it new.
    Always,
}

impl Replacement {
    pub fn as_str(self) -> &'static str {
        match self {
            Replacement::Never => "never",
            Replacement::Conditional => "conditional",
            Replacement::Always => "always",
        }
    }
}

/// A known gap of a type's registry schema.
#[derive(Debug)]
pub(super) struct Patch {
    pub path: &'static str,
    pub kind: PatchKind,
    pub reason: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PatchKind {
    /// Create-only, though the schema does not say so.
    Always,
    /// An update of the resource that gives it a new stream: its `StreamArn` changes, so what
    /// is created on the stream is replaced.
    NewStream,
}

/// One type's create-only paths: JSON pointers under `Properties`, `*` for any array item.
#[derive(Debug)]
pub(super) struct TypeTable {
    pub always: &'static [&'static str],
    pub conditional: &'static [&'static str],
    pub patches: &'static [Patch],
}

impl TypeTable {
    pub const NONE: TypeTable = TypeTable {
        always: &[],
        conditional: &[],
        patches: &[],
    };
}

fn table(resource_type: &str) -> Option<&'static TypeTable> {
    TABLE
        .binary_search_by(|(t, _)| (*t).cmp(resource_type))
        .ok()
        .map(|i| &TABLE[i].1)
}

/// Whether the registry knows the type.
pub fn known_type(resource_type: &str) -> bool {
    table(resource_type).is_some()
}

/// What a change at `path` (segments below `Properties`) does to a resource of `resource_type`,
/// given its old and new `Properties`; with the reason when it is not an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub replacement: Replacement,
    /// The resource gets a new stream ARN (see [`PatchKind::NewStream`]).
    pub new_stream: bool,
    pub reason: Option<String>,
}

pub fn classify(resource_type: &str, path: &[String], old: &Value, new: &Value) -> Verdict {
    let Some(table) = table(resource_type) else {
        return Verdict {
            replacement: Replacement::Conditional,
            new_stream: false,
            reason: Some(format!(
                "{resource_type} is not in the registry schemas tributary knows: any change may replace it"
            )),
        };
    };
    let mut verdict = Verdict {
        replacement: Replacement::Never,
        new_stream: false,
        reason: None,
    };
    let raise = |level: Replacement, reason: String, verdict: &mut Verdict| {
        if level > verdict.replacement {
            verdict.replacement = level;
            verdict.reason = Some(reason);
        }
    };
    let lists = [
        (table.always, Replacement::Always),
        (table.conditional, Replacement::Conditional),
    ];
    for (pointers, level) in lists {
        for pointer in pointers {
            if let Some(decided) = hit(pointer, path, old, new) {
                let level = if decided {
                    level
                } else {
                    Replacement::Conditional
                };
                let why = if decided {
                    format!("{} is create-only", display(pointer))
                } else {
                    format!(
                        "{} is create-only and its value is only known at deploy",
                        display(pointer)
                    )
                };
                raise(level, why, &mut verdict);
            }
        }
    }
    if let Some(reason) = changed_attribute_type(resource_type, path, old, new) {
        raise(Replacement::Always, reason, &mut verdict);
    }
    for patch in table.patches {
        if let Some(decided) = hit(patch.path, path, old, new) {
            match patch.kind {
                PatchKind::Always => {
                    let level = if decided {
                        Replacement::Always
                    } else {
                        Replacement::Conditional
                    };
                    raise(
                        level,
                        format!("{} is create-only: {}", display(patch.path), patch.reason),
                        &mut verdict,
                    );
                }
                PatchKind::NewStream => {
                    if !verdict.new_stream {
                        verdict.new_stream = true;
                        if verdict.reason.is_none() {
                            verdict.reason = Some(patch.reason.to_owned());
                        }
                    }
                }
            }
        }
    }
    verdict
}

/// The type of a DynamoDB table's attribute definitions that no path of the schema can hold: an
/// attribute defined on both sides whose `AttributeType` changes. Attribute definitions only
/// hold key attributes (of the table or an index), and a key's type cannot change: the table is
/// replaced (adding or removing a definition, for a new index, is an update). The schema and
/// CloudFormation's docs list `AttributeDefinitions` as updatable, since adding one is.
fn changed_attribute_type(
    resource_type: &str,
    path: &[String],
    old: &Value,
    new: &Value,
) -> Option<String> {
    const DEFINITIONS: &str = "AttributeDefinitions";
    if resource_type != "AWS::DynamoDB::Table"
        || path.first().map(String::as_str) != Some(DEFINITIONS)
    {
        return None;
    }
    let types = |props: &Value| -> Vec<(String, Value)> {
        props
            .get(DEFINITIONS)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| {
                let name = d.get("AttributeName")?.as_str()?.to_owned();
                Some((name, d.get("AttributeType")?.clone()))
            })
            .collect()
    };
    let (before, after) = (types(old), types(new));
    // The definitions the changed path is in: one item, or all of them.
    let item_name = |props: &Value| {
        let index = path.get(1)?.parse::<usize>().ok()?;
        props
            .get(DEFINITIONS)?
            .get(index)?
            .get("AttributeName")?
            .as_str()
            .map(str::to_owned)
    };
    let in_scope: Vec<String> = if path.len() >= 2 {
        item_name(old).into_iter().chain(item_name(new)).collect()
    } else {
        before.iter().map(|(n, _)| n.clone()).collect()
    };
    let (name, from, to) = before.iter().find_map(|(name, from)| {
        let (_, to) = after.iter().find(|(n, _)| n == name)?;
        (from != to && in_scope.contains(name)).then_some((name, from, to))
    })?;
    Some(format!(
        "the key attribute {name} changes type ({from} -> {to}): a key's type cannot change, the table is replaced"
    ))
}

/// `A/B/C` of a pointer `/A/B/C`.
fn display(pointer: &str) -> &str {
    pointer.trim_start_matches('/')
}

/// Whether a change at `path` changes what is at `pointer`: `None` when it does not; else
/// whether that is decided (`false` when an intrinsic, resolved only at deploy, is involved).
fn hit(pointer: &str, path: &[String], old: &Value, new: &Value) -> Option<bool> {
    let pattern: Vec<&str> = pointer.split('/').skip(1).collect();
    let common = pattern.len().min(path.len());
    let prefix_matches = pattern[..common]
        .iter()
        .zip(&path[..common])
        .all(|(p, s)| *p == "*" || p == s);
    if !prefix_matches {
        return None;
    }
    // The values under the pointer (or the changed path, whichever is deeper) on each side.
    let deeper: Vec<&str> = if pattern.len() >= path.len() {
        pattern.clone()
    } else {
        path.iter().map(String::as_str).collect()
    };
    let (a, b) = (collect(old, &deeper), collect(new, &deeper));
    if a == b {
        return None;
    }
    let opaque = |values: &[&Value]| values.iter().any(|v| has_intrinsic(v));
    Some(!(opaque(&a) || opaque(&b)))
}

/// Every value at `pattern` (`*` for every item of an array, or every key of an object).
pub(super) fn collect<'a>(value: &'a Value, pattern: &[&str]) -> Vec<&'a Value> {
    let Some((first, rest)) = pattern.split_first() else {
        return vec![value];
    };
    match (value, *first) {
        (Value::Array(items), "*") => items.iter().flat_map(|v| collect(v, rest)).collect(),
        (Value::Object(map), "*") => map.values().flat_map(|v| collect(v, rest)).collect(),
        (Value::Array(items), index) => index
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .map(|v| collect(v, rest))
            .unwrap_or_default(),
        (Value::Object(map), key) => map.get(key).map(|v| collect(v, rest)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Whether the value is, or holds, an intrinsic function (a value known only at deploy).
pub fn has_intrinsic(value: &Value) -> bool {
    match value {
        Value::Object(map) => crate::refs::is_intrinsic(value) || map.values().any(has_intrinsic),
        Value::Array(items) => items.iter().any(has_intrinsic),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn path(p: &str) -> Vec<String> {
        p.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn the_table_is_sorted_and_covers_every_type_tributary_emits() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        for t in crate::core::cfn::ResourceType::ALL {
            assert!(known_type(t.as_str()), "{} has no row", t.as_str());
        }
    }

    #[test]
    fn create_only_paths_are_compared_at_path_granularity() {
        let old = json!({"TableName": "a", "BillingMode": "PAY_PER_REQUEST"});
        let new = json!({"TableName": "b", "BillingMode": "PAY_PER_REQUEST"});
        let v = classify("AWS::DynamoDB::Table", &path("TableName"), &old, &new);
        assert_eq!(v.replacement, Replacement::Always);
        let new = json!({"TableName": "a", "BillingMode": "PROVISIONED"});
        let v = classify("AWS::DynamoDB::Table", &path("BillingMode"), &old, &new);
        assert_eq!(v.replacement, Replacement::Never);
        // Below a create-only path: a key schema item's attribute (conditional in the schema,
        // patched to always: a key schema cannot change).
        let old = json!({"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
        let new = json!({"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
        let v = classify(
            "AWS::DynamoDB::Table",
            &path("KeySchema/0/AttributeName"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Always);
        assert!(v.reason.unwrap().contains("Replacement"));
    }

    #[test]
    fn a_key_attribute_type_change_replaces_the_table_and_a_new_definition_does_not() {
        let old = json!({
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        });
        let new = json!({
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
        });
        let at = path("AttributeDefinitions/0/AttributeType");
        let v = classify("AWS::DynamoDB::Table", &at, &old, &new);
        assert_eq!(v.replacement, Replacement::Always, "{v:?}");
        assert!(v.reason.unwrap().contains("id changes type"));
        // A definition added for a new index, the key's own untouched: an update.
        let new = json!({
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "email", "AttributeType": "S"},
            ],
        });
        let v = classify(
            "AWS::DynamoDB::Table",
            &path("AttributeDefinitions/1"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Never, "{v:?}");
    }

    #[test]
    fn a_nested_update_beside_a_create_only_path_is_an_update() {
        let old = json!({"EventSourceArn": "arn:a", "StartingPosition": "LATEST", "BatchSize": 10});
        let new = json!({"EventSourceArn": "arn:a", "StartingPosition": "LATEST", "BatchSize": 20});
        let v = classify(
            "AWS::Lambda::EventSourceMapping",
            &path("BatchSize"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Never);
        let new =
            json!({"EventSourceArn": "arn:a", "StartingPosition": "TRIM_HORIZON", "BatchSize": 10});
        let v = classify(
            "AWS::Lambda::EventSourceMapping",
            &path("StartingPosition"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Always);
    }

    #[test]
    fn an_intrinsic_in_a_create_only_value_makes_it_conditional() {
        let old = json!({"TableName": "orders"});
        let new = json!({"TableName": {"Ref": "Name"}});
        let v = classify("AWS::DynamoDB::Table", &path("TableName"), &old, &new);
        assert_eq!(v.replacement, Replacement::Conditional);
    }

    #[test]
    fn an_added_object_that_holds_a_create_only_path_replaces() {
        let old = json!({});
        let new = json!({"StreamSpecification": {"StreamViewType": "NEW_IMAGE"}});
        let v = classify(
            "AWS::DynamoDB::Table",
            &path("StreamSpecification"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Never);
        assert!(v.new_stream, "enabling the stream gives a new stream ARN");
        let old = json!({"LocalSecondaryIndexes": []});
        let new = json!({"LocalSecondaryIndexes": [{"IndexName": "a"}]});
        let v = classify(
            "AWS::DynamoDB::Table",
            &path("LocalSecondaryIndexes"),
            &old,
            &new,
        );
        assert_eq!(v.replacement, Replacement::Always, "{v:?}");
    }

    #[test]
    fn a_type_without_a_row_may_always_replace() {
        let v = classify(
            "Custom::Thing",
            &path("A"),
            &json!({"A": 1}),
            &json!({"A": 2}),
        );
        assert_eq!(v.replacement, Replacement::Conditional);
    }
}

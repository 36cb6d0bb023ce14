//! What a template value refers to: the logical IDs in its `Ref`, `Fn::GetAtt` and `Fn::Sub`
//! (with the attribute, and the property path they sit at), and the export names in its
//! `Fn::ImportValue`. The graph draws edges from them; the diff follows replacements through them.

use std::collections::BTreeSet;

use serde_json::Value;

/// One reference found in a template value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A logical ID of the same template (a resource, or a parameter: the builder keeps only
    /// resources).
    Local(String),
    /// The name of an export (`Fn::ImportValue`), of this app's stacks or made outside it.
    Import(String),
}

/// One reference: where it sits (keys and array indices below the walked value; intrinsic
/// functions add no segment), what it names, and the attribute of an `Fn::GetAtt` or `${Id.Attr}`.
pub(crate) struct Found<'a> {
    pub path: &'a [String],
    pub target: Target,
    pub attr: Option<&'a str>,
}

/// Every reference in `value`, in the order they appear, without repeats.
pub(crate) fn targets(value: &Value) -> Vec<Target> {
    let mut out = Vec::new();
    walk(value, &mut |found| out.push(found.target));
    let mut seen = BTreeSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

/// Calls `visit` with every reference in `value`, in the order they appear.
pub(crate) fn walk(value: &Value, visit: &mut dyn FnMut(Found<'_>)) {
    collect(value, &mut Vec::new(), visit);
}

fn collect(value: &Value, path: &mut Vec<String>, visit: &mut dyn FnMut(Found<'_>)) {
    let mut local = |path: &[String], id: &str, attr: Option<&str>| {
        visit(Found {
            path,
            target: Target::Local(id.to_owned()),
            attr,
        });
    };
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                collect(v, path, visit);
                path.pop();
            }
        }
        Value::Object(map) if map.len() == 1 && is_intrinsic_key(map.keys()) => {
            let Some((key, arg)) = map.iter().next() else {
                return;
            };
            match key.as_str() {
                "Ref" => {
                    if let Some(id) = arg.as_str().filter(|id| !id.starts_with("AWS::")) {
                        local(path, id, None);
                    }
                }
                "Fn::GetAtt" => match arg {
                    Value::Array(parts) => match parts.first() {
                        Some(Value::String(id)) => {
                            local(path, id, parts.get(1).and_then(Value::as_str));
                        }
                        _ => parts.iter().for_each(|v| collect(v, path, visit)),
                    },
                    Value::String(dotted) => {
                        let (id, attr) = match dotted.split_once('.') {
                            Some((id, attr)) => (id, Some(attr)),
                            None => (dotted.as_str(), None),
                        };
                        if !id.is_empty() {
                            local(path, id, attr);
                        }
                    }
                    other => collect(other, path, visit),
                },
                "Fn::Sub" => sub(arg, path, visit),
                // A computed export name: what it is built from is not what it imports.
                "Fn::ImportValue" => {
                    if let Value::String(name) = arg {
                        visit(Found {
                            path,
                            target: Target::Import(name.clone()),
                            attr: None,
                        });
                    }
                }
                _ => collect(arg, path, visit),
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                collect(v, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether the value is an intrinsic function call: a one-key map whose key is `Ref` or `Fn::...`.
pub(crate) fn is_intrinsic(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && is_intrinsic_key(m.keys()))
}

/// Whether a one-key map's key names an intrinsic function.
fn is_intrinsic_key<'a>(mut keys: impl Iterator<Item = &'a String>) -> bool {
    keys.next()
        .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// `Fn::Sub`: `"...${Id}...${Id.Attr}..."`, or `[string, {Var: value}]` where the variables
/// are the map's (their values are searched instead).
fn sub(arg: &Value, path: &mut Vec<String>, visit: &mut dyn FnMut(Found<'_>)) {
    let (text, vars) = match arg {
        Value::String(text) => (text.as_str(), None),
        Value::Array(parts) => match (parts.first(), parts.get(1)) {
            (Some(Value::String(text)), vars) => (text.as_str(), vars.and_then(Value::as_object)),
            _ => {
                parts.iter().for_each(|v| collect(v, path, visit));
                return;
            }
        },
        other => {
            collect(other, path, visit);
            return;
        }
    };
    for name in placeholders(text) {
        let (id, attr) = match name.split_once('.') {
            Some((id, attr)) => (id, Some(attr)),
            None => (name, None),
        };
        match vars.and_then(|vars| vars.get(id)) {
            Some(value) => collect(value, path, visit),
            None if id.starts_with("AWS::") || id.is_empty() => {}
            None => visit(Found {
                path,
                target: Target::Local(id.to_owned()),
                attr,
            }),
        }
    }
}

/// The names between `${` and `}`, skipping the literal form `${!...}`.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split("${").skip(1).filter_map(|rest| {
        let name = rest.split('}').next()?;
        (rest.contains('}') && !name.starts_with('!')).then(|| name.trim())
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn local(id: &str) -> Target {
        Target::Local(id.to_owned())
    }

    #[test]
    fn finds_every_form_of_reference_once() {
        let value = json!({
            "A": {"Ref": "Table"},
            "B": [{"Fn::GetAtt": ["Table", "StreamArn"]}, {"Fn::GetAtt": "Bus.Arn"}],
            "C": {"Fn::Sub": "arn:${AWS::Partition}:x:${Queue}/${Fn.Arn}/${!Literal}"},
            "D": {"Fn::Sub": ["${Var}-${Other}", {"Var": {"Ref": "Topic"}}]},
            "E": {"Fn::ImportValue": "Stack:Export"},
            "F": {"Ref": "AWS::Region"},
            "G": {"Fn::Join": ["", [{"Ref": "Table"}, "/*"]]},
        });
        assert_eq!(
            targets(&value),
            vec![
                local("Table"),
                local("Bus"),
                local("Queue"),
                local("Fn"),
                local("Topic"),
                local("Other"),
                Target::Import("Stack:Export".to_owned()),
            ]
        );
    }

    #[test]
    fn each_reference_has_its_path_and_attribute() {
        let value = json!({
            "Arn": {"Fn::GetAtt": ["Table", "StreamArn"]},
            "Env": {"Variables": {"NAME": {"Ref": "Table"}}},
            "List": [{"Fn::Sub": "${Bus.Arn}/x"}, {"Fn::GetAtt": "Queue.Arn"}],
        });
        let mut found = Vec::new();
        walk(&value, &mut |f| {
            found.push((f.path.join("/"), f.target, f.attr.map(str::to_owned)));
        });
        assert_eq!(
            found,
            vec![
                (
                    "Arn".to_owned(),
                    local("Table"),
                    Some("StreamArn".to_owned())
                ),
                ("Env/Variables/NAME".to_owned(), local("Table"), None),
                ("List/0".to_owned(), local("Bus"), Some("Arn".to_owned())),
                ("List/1".to_owned(), local("Queue"), Some("Arn".to_owned())),
            ]
        );
    }

    #[test]
    fn malformed_intrinsics_do_not_panic() {
        for value in [
            json!({"Ref": 3}),
            json!({"Fn::GetAtt": []}),
            json!({"Fn::GetAtt": ""}),
            json!({"Fn::Sub": ["${", 1]}),
            json!({"Fn::Sub": 7}),
            json!({"Fn::Sub": "${}${ }${unterminated"}),
            json!({"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-x"}}),
        ] {
            let _ = targets(&value);
        }
        assert_eq!(targets(&json!({"Fn::Sub": "${ A }"})), vec![local("A")]);
    }
}

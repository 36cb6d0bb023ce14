//! What a template value refers to: the logical IDs in its `Ref`, `Fn::GetAtt` and `Fn::Sub`,
//! and the export names in its `Fn::ImportValue` (resolved against the app's other stacks by
//! the graph builder).

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

/// Every reference in `value`, in the order they appear, without repeats.
pub(crate) fn targets(value: &Value) -> Vec<Target> {
    let mut out = Vec::new();
    collect(value, &mut out);
    let mut seen = BTreeSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

fn collect(value: &Value, out: &mut Vec<Target>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) if map.len() == 1 => {
            // A one-key map is an intrinsic function when the key says so.
            let Some((key, arg)) = map.iter().next() else {
                return;
            };
            match key.as_str() {
                "Ref" => {
                    if let Some(id) = arg.as_str().filter(|id| !id.starts_with("AWS::")) {
                        out.push(Target::Local(id.to_owned()));
                    }
                }
                "Fn::GetAtt" => match arg {
                    Value::Array(parts) => match parts.first() {
                        Some(Value::String(id)) => out.push(Target::Local(id.clone())),
                        _ => parts.iter().for_each(|v| collect(v, out)),
                    },
                    Value::String(dotted) => {
                        if let Some(id) = dotted.split('.').next().filter(|id| !id.is_empty()) {
                            out.push(Target::Local(id.to_owned()));
                        }
                    }
                    other => collect(other, out),
                },
                "Fn::Sub" => sub(arg, out),
                // A computed export name: what it is built from is not what it imports.
                "Fn::ImportValue" => {
                    if let Value::String(name) = arg {
                        out.push(Target::Import(name.clone()));
                    }
                }
                _ => collect(arg, out),
            }
        }
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// `Fn::Sub`: `"...${Id}...${Id.Attr}..."`, or `[string, {Var: value}]` where the variables
/// are the map's (their values are searched instead).
fn sub(arg: &Value, out: &mut Vec<Target>) {
    let (text, vars) = match arg {
        Value::String(text) => (text.as_str(), None),
        Value::Array(parts) => match (parts.first(), parts.get(1)) {
            (Some(Value::String(text)), vars) => (text.as_str(), vars.and_then(Value::as_object)),
            _ => {
                parts.iter().for_each(|v| collect(v, out));
                return;
            }
        },
        other => {
            collect(other, out);
            return;
        }
    };
    for name in placeholders(text) {
        let id = name.split('.').next().unwrap_or(name);
        match vars.and_then(|vars| vars.get(id)) {
            Some(value) => collect(value, out),
            None if id.starts_with("AWS::") || id.is_empty() => {}
            None => out.push(Target::Local(id.to_owned())),
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

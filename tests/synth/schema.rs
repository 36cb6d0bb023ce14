//! The app spec's JSON Schema: checked in, complete, and named by every example.

use serde_json::Value;

use crate::common::root;

#[test]
fn checked_in_schema_is_current() {
    let path = root().join("schema/app.schema.json");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == tributary::spec::json_schema(),
        "schema/app.schema.json is stale: review the spec change, then run \
         `cargo run -- schema --out schema/app.schema.json` and commit"
    );
}

/// `(path, property schema, required)` of every property of every object in the schema.
fn properties(schema: &Value) -> Vec<(String, Value, bool)> {
    let mut out = Vec::new();
    let mut objects = vec![("AppSpec".to_owned(), schema.clone())];
    if let Some(defs) = schema["$defs"].as_object() {
        objects.extend(defs.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    while let Some((name, object)) = objects.pop() {
        for variant in ["oneOf", "anyOf"] {
            for (i, v) in object[variant].as_array().into_iter().flatten().enumerate() {
                objects.push((format!("{name}.{variant}[{i}]"), v.clone()));
            }
        }
        let required: Vec<&str> = object["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties = object["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        // An enum variant with data (`{provisioned: {...}}`): the variant's description speaks
        // for its one key.
        let variant_wrapper = properties.len() == 1 && object.get("description").is_some();
        for (key, property) in properties {
            if property.get("properties").is_some() {
                objects.push((format!("{name}.{key}"), property.clone()));
            }
            if variant_wrapper && property.get("description").is_none() {
                continue;
            }
            out.push((
                format!("{name}.{key}"),
                property.clone(),
                required.contains(&key.as_str()),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_field_says_what_it_is_its_default_and_its_range() {
    let schema: Value = serde_json::from_str(&tributary::spec::json_schema()).unwrap();
    let mut missing = Vec::new();
    for (path, property, required) in properties(&schema) {
        let description = property["description"].as_str().unwrap_or_default();
        if description.is_empty() {
            missing.push(format!("{path}: no description"));
            continue;
        }
        if !required && !description.contains("Default") {
            missing.push(format!(
                "{path}: optional, but the description gives no default"
            ));
        }
        let numeric = property["type"] == "integer"
            || property["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "integer"));
        let ranged = property.get("minimum").is_some() || description.contains("..");
        if numeric && !ranged {
            missing.push(format!("{path}: a number without a range"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn examples_name_the_schema_for_their_editors() {
    let modeline = "# yaml-language-server: $schema=../schema/app.schema.json";
    let dir = root().join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(text.lines().next(), Some(modeline), "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 0);
}

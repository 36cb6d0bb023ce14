//! The data model read from YAML and JSON.

#![allow(clippy::unwrap_used)]

use serde::de::DeserializeSeed;

use super::Model;

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
enum Billing {
    OnDemand,
    Provisioned { read: u32, write: u32 },
    Named(String),
}

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    billing: Billing,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    size: u32,
}

fn yaml(text: &str) -> Result<Table, String> {
    crate::yaml::from_str_seed(text, Model::<Table>::new()).map_err(|e| e.to_string())
}

fn json(text: &str) -> Result<Table, String> {
    Model::<Table>::new()
        .deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| e.to_string())
}

#[test]
fn enums_read_the_same_from_yaml_and_json() {
    let provisioned = Table {
        billing: Billing::Provisioned { read: 5, write: 5 },
        name: None,
        size: 0,
    };
    assert_eq!(
        yaml("billing: {provisioned: {read: 5, write: 5}}").unwrap(),
        provisioned
    );
    assert_eq!(
        yaml("billing:\n  provisioned:\n    read: 5\n    write: 5\n").unwrap(),
        provisioned
    );
    assert_eq!(
        json(r#"{"billing": {"provisioned": {"read": 5, "write": 5}}}"#).unwrap(),
        provisioned
    );
    assert_eq!(
        yaml("billing: onDemand").unwrap().billing,
        Billing::OnDemand
    );
    assert_eq!(
        json(r#"{"billing": "onDemand"}"#).unwrap().billing,
        Billing::OnDemand
    );
    assert_eq!(
        yaml("billing: {named: x}").unwrap().billing,
        Billing::Named("x".into())
    );
}

#[test]
fn enum_mistakes_say_the_form_to_write() {
    let tag = yaml("billing: !provisioned {read: 5, write: 5}").unwrap_err();
    assert!(
        tag.starts_with("billing: `!provisioned`: YAML tags are not part"),
        "{tag}"
    );
    let unit = json(r#"{"billing": {"onDemand": null}}"#).unwrap_err();
    assert!(unit.contains("`onDemand` takes no settings"), "{unit}");
    let bare = yaml("billing: provisioned").unwrap_err();
    assert!(bare.contains("`provisioned` needs its settings"), "{bare}");
    let two = yaml("billing: {provisioned: {read: 1, write: 1}, onDemand: x}").unwrap_err();
    assert!(two.contains("expected a map with one key"), "{two}");
    let none = json(r#"{"billing": {}}"#).unwrap_err();
    assert!(none.contains("not an empty map"), "{none}");
}

#[test]
fn text_numbers_and_structs_are_what_they_are() {
    let number = yaml("billing: onDemand\nname: 123").unwrap_err();
    assert!(
        number.contains("invalid type: integer `123`, expected a string"),
        "{number}"
    );
    let tagged = yaml("billing: onDemand\nname: !Sub x").unwrap_err();
    assert!(tagged.contains("`!Sub`: YAML tags"), "{tagged}");
    assert_eq!(
        yaml("billing: onDemand\nname: '123'")
            .unwrap()
            .name
            .as_deref(),
        Some("123")
    );
    assert_eq!(yaml("billing: onDemand\nname:").unwrap().name, None);
    // JSON Schema's `integer` takes 256.0; so do both readers.
    assert_eq!(yaml("billing: onDemand\nsize: 256.0").unwrap().size, 256);
    assert_eq!(
        json(r#"{"billing": "onDemand", "size": 2.56e2}"#)
            .unwrap()
            .size,
        256
    );
    assert!(json(r#"{"billing": "onDemand", "size": 2.5}"#).is_err());
    // serde takes a struct's fields as a list in order; the data model does not.
    assert!(json(r#"["onDemand"]"#).is_err());
    assert!(yaml("[onDemand]").is_err());
    // An empty YAML value is null, not an empty map.
    assert!(yaml("billing: {provisioned: }").is_err());
}

//! The JSON Schema of patterns: what the loader (module `de`) reads, as far as a schema can say
//! it; the rules it cannot (a numeric lower bound below the upper one, IPv6 addresses in full,
//! field names inside `$or`) are named in the descriptions.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use super::{EventPattern, Fields, MatchValue, Matcher, Operator};

/// The schema of a field's list of values (`NonEmpty<MatchValue>`).
pub(super) struct ValuesList;

fn described(mut schema: Schema, description: &str) -> Schema {
    schema.insert("description".to_owned(), description.into());
    schema
}

impl JsonSchema for EventPattern {
    fn schema_name() -> Cow<'static, str> {
        "EventPattern".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let values = g.subschema_for::<ValuesList>();
        json_schema!({
            "description": "Which events match: everything named must match (at least one of `source`, `detailType`, `detail`, `$or`; an empty pattern matches every event and EventBridge refuses it).",
            "type": "object",
            "properties": {
                "source": described(values.clone(), "Event sources to match, e.g. `[reservations]` or `[{prefix: reserv}]`. Default: any."),
                "detailType": described(values, "Detail types to match, e.g. `[ReservationCreated]`. Default: any."),
                "detail": described(g.subschema_for::<Fields>(), "Matchers on the event's detail. Default: any."),
                "$or": {
                    "description": "Alternative patterns, at least two, one of which must match. Default: none.",
                    "type": "array",
                    "minItems": 2,
                    "items": g.subschema_for::<EventPattern>()
                }
            },
            "additionalProperties": false,
            "minProperties": 1
        })
    }
}

impl JsonSchema for Fields {
    fn schema_name() -> Cow<'static, str> {
        "PatternFields".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An object of a pattern: each field is matched by a list of values or by nested fields, and `$or` lists alternatives. At least one entry. Inside `$or`, a field cannot be named like an operator (`prefix`, `numeric`, `=`...).",
            "type": "object",
            "minProperties": 1,
            "properties": {
                "$or": {
                    "description": "Alternatives, at least two objects of fields, one of which must match. Default: none.",
                    "type": "array",
                    "minItems": 2,
                    "items": g.subschema_for::<Fields>()
                }
            },
            "additionalProperties": g.subschema_for::<Matcher>()
        })
    }
}

impl JsonSchema for Matcher {
    fn schema_name() -> Cow<'static, str> {
        "Matcher".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "What a field of a pattern is matched by: a list of values and operators, or an object of nested fields.",
            "anyOf": [g.subschema_for::<ValuesList>(), g.subschema_for::<Fields>()]
        })
    }
}

impl JsonSchema for ValuesList {
    fn schema_name() -> Cow<'static, str> {
        "PatternValues".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A list of values and operators, at least one; the field matches if any of them does.",
            "type": "array",
            "minItems": 1,
            "items": g.subschema_for::<MatchValue>()
        })
    }
}

impl JsonSchema for MatchValue {
    fn schema_name() -> Cow<'static, str> {
        "PatternValue".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A value the field must equal, or an operator.",
            "anyOf": [
                {"type": ["string", "number", "boolean", "null"]},
                g.subschema_for::<Operator>()
            ]
        })
    }
}

/// An operator object: one key.
fn operator(name: &str, description: &str, operand: Value) -> Value {
    json!({
        "description": description,
        "type": "object",
        "properties": {name: operand},
        "required": [name],
        "additionalProperties": false
    })
}

/// `prefix` and `suffix`: a string, or `{equals-ignore-case: string}`.
fn affix(what: &str) -> Value {
    json!({"anyOf": [
        {"type": "string"},
        operator("equals-ignore-case", &format!("{what}, in any case."), json!({"type": "string"}))
    ]})
}

/// A string or a non-empty list of them.
fn texts(text: Value) -> Value {
    json!({"anyOf": [text.clone(), {"type": "array", "minItems": 1, "items": text}]})
}

/// No two `*` in a row; a backslash escapes only `*` or `\`.
const WILDCARD: &str = r"^(?:[^*\\]|\\[*\\])*(?:\*(?:[^*\\]|\\[*\\])+)*\*?$";

/// IPv4 with a prefix length of 0..=31, or (checked in full by the loader) IPv6 with 0..=127.
const CIDR: &str = concat!(
    r"^(?:(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    r"/(?:0{0,2}[0-9]|0?[12][0-9]|0?3[01])",
    r"|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*/(?:0{0,2}[0-9]|0?[1-9][0-9]|1[01][0-9]|12[0-7]))$"
);

impl JsonSchema for Operator {
    fn schema_name() -> Cow<'static, str> {
        "PatternOperator".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let number = json!({"type": "number"});
        let wildcard = json!({"type": "string", "pattern": WILDCARD});
        let non_empty = json!({"type": "string", "minLength": 1});
        let lower = json!({"enum": [">", ">="]});
        let upper = json!({"enum": ["<", "<="]});
        let numeric = json!({
            "type": "array",
            "anyOf": [
                {"prefixItems": [{"const": "="}, number], "minItems": 2, "maxItems": 2},
                {"prefixItems": [{"enum": [">", ">=", "<", "<="]}, number], "minItems": 2, "maxItems": 2},
                {"prefixItems": [lower, number, upper, number], "minItems": 4, "maxItems": 4}
            ]
        });
        let anything_but = json!({"anyOf": [
            {"type": "string"},
            number,
            {"type": "array", "minItems": 1, "items": {"type": "string"}},
            {"type": "array", "minItems": 1, "items": number},
            operator("prefix", "Strings not starting with any of these (non-empty).", texts(non_empty.clone())),
            operator("suffix", "Strings not ending with any of these (non-empty).", texts(non_empty)),
            operator("equals-ignore-case", "Strings other than these, in any case.", texts(json!({"type": "string"}))),
            operator("wildcard", "Strings matching none of these wildcards.", texts(wildcard.clone()))
        ]});
        json_schema!({
            "description": "An operator: an object with one key. Lambda filter criteria take only exact values, `prefix` and `suffix` with a string, `equals-ignore-case`, `anything-but` with values, `numeric`, `exists` and `$or`.",
            "anyOf": [
                operator("prefix", "A string starting with this (or `{equals-ignore-case: ...}`, in any case).", affix("Starts with this")),
                operator("suffix", "A string ending with this (or `{equals-ignore-case: ...}`, in any case).", affix("Ends with this")),
                operator("equals-ignore-case", "This string, in any case.", json!({"type": "string"})),
                operator("wildcard", "A string matching this, `*` standing for any characters: no two `*` in a row; `\\` escapes `*` or `\\`.", wildcard),
                operator("anything-but", "Anything except: a string, a number, a list of only strings or only numbers, or `{prefix|suffix|equals-ignore-case|wildcard: ...}`.", anything_but),
                operator("numeric", "A number in range: `[\"=\", n]`, one bound (`[\">\", 0]`), or a lower bound then an upper one (`[\">\", 0, \"<=\", 5]`, the lower below the upper).", numeric),
                operator("exists", "Whether the field is present.", json!({"type": "boolean"})),
                operator("cidr", "An IP address in this block: IPv4 with a prefix length of 0..=31 or IPv6 with 0..=127 (one address is an exact value).", json!({"type": "string", "pattern": CIDR}))
            ]
        })
    }
}

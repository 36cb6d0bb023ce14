//! The validator on hand-built resources: each constraint kind, intrinsics left alone, and the
//! generated schemas themselves (a schema for every type, sorted properties, the patterns the
//! `regex` crate cannot compile).

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use super::model::compile;
use super::model::{Node, property_order};
use super::{check_resource, schema, schemas};
use crate::core::cfn::{Attr, ResourceType};
use crate::core::{LogicalId, Map, Pseudo, Reference, Resource, StackName, Value};

fn findings(resource: Resource) -> Vec<String> {
    check_resource(&resource)
}

/// A function with what its schema requires, plus `name: value`.
fn function(name: &'static str, value: impl Into<Value>) -> Resource {
    Resource::new(ResourceType::LambdaFunction)
        .prop("Code", Value::map([("ZipFile", Value::from("x"))]))
        .prop("Role", reference_arn())
        .prop(name, value)
}

fn reference() -> Reference {
    Reference {
        stack: StackName::new("S").unwrap(),
        logical_id: LogicalId::new("Role").unwrap(),
    }
}

fn reference_arn() -> Value {
    Value::GetAtt(reference(), Attr::Arn)
}

#[test]
fn string_lengths_count_characters_not_bytes() {
    assert_eq!(
        findings(function("Description", "d".repeat(300))),
        ["Properties.Description: 300 characters; AWS::Lambda::Function allows at most 256"]
    );
    // 256 two-byte characters are 512 bytes, and within the limit.
    assert!(findings(function("Description", "é".repeat(256))).is_empty());
    assert_eq!(
        findings(function("Description", "é".repeat(257))),
        ["Properties.Description: 257 characters; AWS::Lambda::Function allows at most 256"]
    );
    let rule = Resource::new(ResourceType::EventsRule)
        .prop(
            "EventPattern",
            Value::Json(serde_json::json!({"source": ["a"]})),
        )
        .prop("Name", "");
    assert_eq!(
        findings(rule),
        [
            "Properties.Name: 0 characters; AWS::Events::Rule needs at least 1",
            "Properties.Name: `` does not match `^[\\.\\-_A-Za-z0-9]+$`, the pattern AWS::Events::Rule allows",
        ]
    );
}

#[test]
fn patterns_search_unless_anchored() {
    let rule = |name: &'static str| {
        Resource::new(ResourceType::EventsRule)
            .prop(
                "EventPattern",
                Value::Json(serde_json::json!({"source": ["a"]})),
            )
            .prop("Name", name)
    };
    assert!(findings(rule("orders.created-1")).is_empty());
    assert_eq!(
        findings(rule("orders created")),
        [
            "Properties.Name: `orders created` does not match `^[\\.\\-_A-Za-z0-9]+$`, the pattern AWS::Events::Rule allows"
        ]
    );
    // Not anchored: the ARN may sit inside a longer string, as JSON Schema's search allows.
    let arn = "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefg";
    assert!(findings(function("CodeSigningConfigArn", format!("<{arn}>"))).is_empty());
    assert_eq!(
        findings(function("CodeSigningConfigArn", "csc-1")).len(),
        1,
        "an ARN that is not one"
    );
}

#[test]
fn enumerations_list_few_values_and_hint_among_many() {
    assert_eq!(
        findings(function("PackageType", "zip")),
        ["Properties.PackageType: `zip`; AWS::Lambda::Function allows only `Image`, `Zip`"]
    );
    assert_eq!(
        findings(function("Runtime", "provided.al2024")),
        [
            "Properties.Runtime: `provided.al2024`; AWS::Lambda::Function allows one of 51 values; did you mean `provided.al2023`?"
        ]
    );
    let log_group =
        |days: Value| Resource::new(ResourceType::LogsLogGroup).prop("RetentionInDays", days);
    assert!(findings(log_group(Value::Int(30))).is_empty());
    assert!(findings(log_group(Value::from("30"))).is_empty());
    assert_eq!(
        findings(log_group(Value::Int(31))),
        [
            "Properties.RetentionInDays: 31; AWS::Logs::LogGroup allows only `1`, `3`, `5`, `7`, `14`, `30`, `60`, `90`, `120`, `150`, `180`, `365`, `400`, `545`, `731`, `1096`, `1827`, `2192`, `2557`, `2922`, `3288`, `3653`"
        ]
    );
}

#[test]
fn types_as_cloudformation_converts_them() {
    assert!(findings(function("Timeout", "30")).is_empty());
    assert!(findings(function("Description", Value::Int(7))).is_empty());
    assert!(findings(function("PublishToLatestPublished", "true")).is_empty());
    assert_eq!(
        findings(function("Timeout", "thirty")),
        ["Properties.Timeout: a string (`thirty`); AWS::Lambda::Function expects an integer"]
    );
    assert_eq!(
        findings(function("MemorySize", true)),
        ["Properties.MemorySize: a boolean (true); AWS::Lambda::Function expects an integer"]
    );
    assert_eq!(
        findings(function("Architectures", "arm64")),
        ["Properties.Architectures: a string (`arm64`); AWS::Lambda::Function expects an array"]
    );
    assert_eq!(
        findings(function("Environment", Value::Null)),
        ["Properties.Environment: null; AWS::Lambda::Function expects an object"]
    );
}

#[test]
fn numeric_ranges() {
    assert_eq!(
        findings(function("Timeout", Value::Int(0))),
        ["Properties.Timeout: 0; AWS::Lambda::Function needs at least 1"]
    );
    assert_eq!(
        findings(function("Timeout", "6000")),
        ["Properties.Timeout: 6000; AWS::Lambda::Function allows at most 5400"]
    );
}

#[test]
fn array_sizes_items_and_repeats() {
    assert_eq!(
        findings(function("Architectures", Value::strs(["x86_64", "arm64"]))),
        ["Properties.Architectures: 2 items; AWS::Lambda::Function allows at most 1"]
    );
    assert_eq!(
        findings(function("Architectures", Value::strs(["arm"]))),
        ["Properties.Architectures[0]: `arm`; AWS::Lambda::Function allows only `x86_64`, `arm64`"]
    );
    let role = |arns: Value| {
        Resource::new(ResourceType::IamRole)
            .prop(
                "AssumeRolePolicyDocument",
                Value::map([("Version", Value::from("2012-10-17"))]),
            )
            .prop("ManagedPolicyArns", arns)
    };
    let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    assert_eq!(
        findings(role(Value::strs([arn, arn]))),
        ["Properties.ManagedPolicyArns[1]: repeats item [0]; AWS::IAM::Role allows each item once"]
    );
    // Two equal intrinsics are not compared: they need not resolve to one value.
    let sub = || Value::sub("arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess");
    assert!(findings(role(Value::List(vec![sub(), sub()]))).is_empty());
}

#[test]
fn intrinsics_are_not_checked_but_literal_joins_are() {
    let long = "d".repeat(300);
    assert!(findings(function("Timeout", Value::Ref(reference()))).is_empty());
    assert!(findings(function("Timeout", Value::Pseudo(Pseudo::Region))).is_empty());
    assert!(
        findings(function(
            "Description",
            Value::sub_with(format!("{long}${{X}}"), [("X", Value::Ref(reference()))])
        ))
        .is_empty()
    );
    assert!(
        findings(function(
            "Description",
            Value::ImportValue(Box::new("Shared:Text".into()))
        ))
        .is_empty()
    );
    let fn_if = Value::map([(
        "Fn::If",
        Value::List(vec!["IsProd".into(), Value::Int(9000), Value::Int(3)]),
    )]);
    assert!(findings(function("Timeout", fn_if)).is_empty());
    let json_if = serde_json::json!({"Fn::If": ["IsProd", 9000, 3]});
    assert!(findings(function("Timeout", Value::Json(json_if))).is_empty());
    // Literal parts make a literal string.
    let join = Value::Join("-".into(), vec![Value::from(long.clone()), "x".into()]);
    assert_eq!(
        findings(function("Description", join)),
        ["Properties.Description: 302 characters; AWS::Lambda::Function allows at most 256"]
    );
    assert_eq!(
        findings(function("Description", Value::sub(long))),
        ["Properties.Description: 300 characters; AWS::Lambda::Function allows at most 256"]
    );
    // A join with an intrinsic part is not.
    let join = Value::Join(
        "-".into(),
        vec!["d".repeat(300).into(), Value::Pseudo(Pseudo::Region)],
    );
    assert!(findings(function("Description", join)).is_empty());
}

#[test]
fn unknown_read_only_and_missing_properties() {
    assert_eq!(
        findings(Resource::new(ResourceType::SqsQueue).prop("VisibilityTimout", Value::Int(30))),
        [
            "Properties.VisibilityTimout: AWS::SQS::Queue has no such property; did you mean `VisibilityTimeout`?"
        ]
    );
    assert_eq!(
        findings(Resource::new(ResourceType::SqsQueue).prop("Arn", "arn:aws:sqs:us-east-1:1:q")),
        ["Properties.Arn: read-only: AWS::SQS::Queue sets it (read it with Fn::GetAtt)"]
    );
    assert_eq!(
        findings(Resource::new(ResourceType::LambdaFunction)),
        [
            "Properties: AWS::Lambda::Function requires `Code`",
            "Properties: AWS::Lambda::Function requires `Role`",
        ]
    );
    // Nested objects: unknown and missing properties there, with the path.
    let env = Value::map([("Variables", Value::map([("A", Value::from("1"))]))]);
    assert_eq!(
        findings(function("Environment", env)),
        [
            "Properties.Environment.Variables.A: AWS::Lambda::Function has no such property (names must match `[a-zA-Z][a-zA-Z0-9_]+`)"
        ]
    );
    let logging = Value::map([
        ("LogFormat", Value::from("JSON")),
        ("LogGroup", Value::Int(1)),
    ]);
    assert!(findings(function("LoggingConfig", logging)).is_empty());
    let code = Value::map([("S3Bucket", Value::from("b")), ("S3Keys", Value::from("k"))]);
    let messages = findings(function("Code", code));
    assert!(
        messages.contains(&"Properties.Code.S3Keys: AWS::Lambda::Function has no such property; did you mean `S3Key`?".to_owned()),
        "{messages:?}"
    );
}

#[test]
fn a_policy_document_counts_as_present_and_one_of_the_principals_is_required() {
    let policy = Resource::new(ResourceType::IamPolicy)
        .prop("PolicyName", "p")
        .with_policy_document();
    assert_eq!(
        findings(policy.clone()),
        ["Properties: AWS::IAM::Policy needs one of `Users`, `Groups`, `Roles`"]
    );
    assert!(findings(policy.prop("Roles", Value::List(vec![Value::Ref(reference())]))).is_empty());
}

#[test]
fn embedded_json_is_walked_too() {
    let alarm = |metric: serde_json::Value| {
        Resource::new(ResourceType::CloudWatchAlarm)
            .prop("ComparisonOperator", "GreaterThanThreshold")
            .prop("EvaluationPeriods", Value::Int(1))
            .prop("Metrics", Value::Json(serde_json::json!([metric])))
    };
    assert!(findings(alarm(serde_json::json!({"Id": "m1", "Expression": "a+b"}))).is_empty());
    assert_eq!(
        findings(alarm(serde_json::json!({"Id": "m1", "Expresion": "a+b"}))),
        [
            "Properties.Metrics[0].Expresion: AWS::CloudWatch::Alarm has no such property; did you mean `Expression`?"
        ]
    );
}

#[test]
fn an_empty_map_is_an_object() {
    assert!(findings(function("Environment", Value::Map(Map::new()))).is_empty());
}

/// Every node reachable from the resource roots, once.
fn nodes() -> Vec<&'static Node> {
    let mut seen = HashSet::new();
    let mut todo: Vec<&'static Node> = schemas::RESOURCES.iter().map(|(_, n)| *n).collect();
    let mut out = Vec::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(std::ptr::from_ref(n)) {
            continue;
        }
        out.push(n);
        todo.extend(n.items);
        todo.extend(n.also);
        todo.extend(n.properties.iter().map(|(_, c)| *c));
        todo.extend(n.pattern_properties.iter().map(|(_, c)| *c));
    }
    out
}

#[test]
fn every_resource_type_has_a_schema_and_properties_are_in_search_order() {
    for kind in ResourceType::ALL {
        assert!(
            schema(kind.as_str()).is_some(),
            "{kind} has no registry schema"
        );
    }
    let names: Vec<&str> = schemas::RESOURCES.iter().map(|(n, _)| *n).collect();
    assert!(names.is_sorted(), "RESOURCES is not sorted");
    for n in nodes() {
        let props: Vec<&str> = n.properties.iter().map(|(p, _)| *p).collect();
        assert!(
            props
                .windows(2)
                .all(|w| property_order(w[0], w[1]) == std::cmp::Ordering::Less),
            "{props:?}"
        );
    }
}

#[test]
fn patterns_mean_what_they_mean_in_ecmascript() {
    use super::model::{Classes, translate};
    let t = |p| translate(p, Classes::Unicode).unwrap();
    assert_eq!(t(r"^[\w+=,.@-]+$"), r"^[0-9A-Za-z_+=,.@-]+$");
    assert_eq!(t(r"\d{12}:\D"), r"[0-9]{12}:[^0-9]");
    assert_eq!(t(r"[a&&b~~c[]"), r"[a\&\&b\~\~c\[]");
    // Over bytes, a negated class or `.` takes a whole character of several bytes.
    assert_eq!(
        translate(r"^[^\s]+$", Classes::Ascii).unwrap(),
        r"^(?:[^\t\n\x0B\x0C\r \x80-\xFF]|[\xC0-\xF7][\x80-\xBF]+)+$"
    );
    assert_eq!(
        translate(r"^.$", Classes::Ascii).unwrap(),
        r"^(?:[^\n\x80-\xFF]|[\xC0-\xF7][\x80-\xBF]+)$"
    );
    assert_eq!(translate(r"^[\p{L}]+$", Classes::Ascii), None);
    assert_eq!(translate(r"^[\u0020-\u00FF]+$", Classes::Ascii), None);
    // Java's and Python's end of the text, as some schemas write it.
    assert_eq!(t(r"^[a-z]{1,5}\Z"), r"^[a-z]{1,5}\z");
    assert_eq!(t(r"a\\Z"), r"a\\Z", "an escaped backslash, then Z");
    let matches = |p: &str, s: &str| compile(p).unwrap().is_match(s.as_bytes());
    assert!(!matches(r"^\d+$", "١٢"), "ECMAScript's digits are ASCII");
    assert!(matches(r"^[^\s]+$", "bootstrap") && !matches(r"^[^\s]+$", "a b"));
    assert!(
        matches(r"^[^.]([a-z]+)", "Éa") && matches(r"^.$", "é"),
        "a character, not a byte"
    );
    assert!(matches(r"^[\p{L}\p{Z}]+$", "Zoë Ω") && !matches(r"^[\p{L}]+$", "a1"));
    let log_group =
        |name: &'static str| Resource::new(ResourceType::LogsLogGroup).prop("LogGroupName", name);
    assert!(findings(log_group("/aws/lambda/orders")).is_empty());
    assert_eq!(findings(log_group("/aws/lambda/orders?")).len(), 1);
}

/// The engines agree on every pattern of the schemas: the automaton `compile` builds (over
/// bytes with Unicode off where it can), the same pattern with Unicode on, and the light engine
/// of a pattern's first uses, on values that match some patterns, and on characters of several
/// bytes. (Not on non-ASCII spaces: over bytes those count as other characters, which accepts
/// more, never less.)
#[test]
fn the_pattern_engines_agree() {
    use super::model::{Classes, translate};
    let probes = [
        "",
        "x",
        "a b",
        "bootstrap",
        "TABLE_NAME",
        "TRIM_HORIZON",
        "$LATEST",
        "lambda:InvokeFunction",
        "orders.created-1",
        "/aws/lambda/orders",
        "arn:aws:iam::123456789012:role/service-role/x",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:events:us-east-1:123456789012:event-bus/b",
        "é",
        "aé",
        "Éa-1",
        "日本語",
        "é.é",
        "lambda:é",
        "/aws/lambda/é",
        "arn:aws:iam::123456789012:role/é",
        "ü:1",
        "aé1",
        "x.é",
    ];
    let mut compared = 0;
    for p in schemas::PATTERNS {
        let Some(full) = p.compiled() else {
            assert!(
                p.light().is_none(),
                "`{}`: only the light engine compiles it",
                p.source
            );
            continue;
        };
        let unicode = regex::bytes::Regex::new(&translate(p.source, Classes::Unicode).unwrap());
        compared += 1;
        for probe in probes {
            let expected = full.is_match(probe.as_bytes());
            if let Ok(unicode) = &unicode {
                assert_eq!(
                    unicode.is_match(probe.as_bytes()),
                    expected,
                    "`{}` on `{probe}`",
                    p.source
                );
            }
            if let Some(light) = p.light() {
                assert_eq!(
                    light.is_match(probe),
                    expected,
                    "`{}` (light) on `{probe}`",
                    p.source
                );
            }
        }
    }
    assert!(compared > 50, "{compared} patterns compared");
    let light = schemas::PATTERNS
        .iter()
        .filter(|p| p.light().is_some())
        .count();
    assert!(light > 50, "the light engine compiles {light} patterns");
}

/// The registry patterns the `regex` crate cannot compile (lookarounds): they are not checked.
/// A new one in a cfn-lint update shows up here.
#[test]
fn patterns_the_regex_crate_cannot_compile() {
    let mut unchecked: Vec<&str> = schemas::PATTERNS
        .iter()
        .filter(|p| p.compiled().is_none())
        .map(|p| p.source)
        .collect();
    unchecked.sort_unstable();
    assert_eq!(
        unchecked,
        [
            r"^(?!\s*$).+$",
            r"^(^(?!(system\x2e)))(^[_a-zA-Z0-9])([^$]*)$",
            r"^[0-9A-Za-z\.\-_]*(?<!\.)$",
        ]
    );
}

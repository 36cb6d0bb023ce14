//! The limits table (`src/constructs/limits.rs`) checked against the CloudFormation registry
//! schemas that cfn-lint ships: the numeric ranges, and the length and characters of each name
//! the synthesizer derives. `.ci/run` points `TRIBUTARY_CFN_LINT_SCHEMAS` at them; without it
//! the test is skipped locally and fails in CI.

use std::path::PathBuf;

use tributary::constructs::limits;
use tributary::core::names::{self, NameRule};

/// Where we are deliberately stricter than the schema, and why.
const NARROWER: &[(&str, &str, &str)] = &[
    (
        "AWS::Lambda::EventSourceMapping",
        "MaximumRetryAttempts",
        "-1 (infinite) is a separate, opt-in choice",
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        "MaximumRecordAgeInSeconds",
        "-1 is a separate choice; 0..=59 is rejected by the service",
    ),
    (
        "AWS::Lambda::Function",
        "MemorySize",
        "above 10,240 MB needs Lambda Managed Instances, which tributary does not create",
    ),
    (
        "AWS::Lambda::Function",
        "Timeout",
        "above 900 s needs Lambda Managed Instances, which tributary does not create",
    ),
];

/// cfn-lint's schema directory, from `TRIBUTARY_CFN_LINT_SCHEMAS`; `None` (the test is skipped)
/// only outside CI.
fn cfn_lint_schemas() -> Option<PathBuf> {
    let dir = std::env::var_os("TRIBUTARY_CFN_LINT_SCHEMAS").map(PathBuf::from);
    if dir.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "TRIBUTARY_CFN_LINT_SCHEMAS must be set in CI (see .ci/run)"
        );
        eprintln!("skipped: TRIBUTARY_CFN_LINT_SCHEMAS is not set");
    }
    dir
}

fn read_json(path: PathBuf) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

#[test]
fn limits_agree_with_cfn_lint_schemas() {
    let Some(dir) = cfn_lint_schemas() else {
        return;
    };
    let providers = read_json(dir.join("providers/us-east-1.json"));
    let mut problems = Vec::new();
    for limit in limits::ALL {
        let file = providers[limit.resource.as_str()].as_str().unwrap();
        let schema = read_json(dir.join("resources").join(format!("{file}.json")));
        let property = &schema["properties"][limit.property];
        let (min, max) = (
            property["minimum"].as_i64().unwrap(),
            property["maximum"].as_i64().unwrap(),
        );
        let narrower = NARROWER
            .iter()
            .any(|(r, p, _)| *r == limit.resource.as_str() && *p == limit.property);
        let ok = if narrower {
            limit.min >= min && limit.max <= max
        } else {
            limit.min == min && limit.max == max
        };
        if !ok {
            problems.push(format!(
                "{} {}: ours {}..={}, schema {min}..={max}",
                limit.resource, limit.property, limit.min, limit.max
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "limits disagree with cfn-lint's schemas:\n{}",
        problems.join("\n")
    );
}

/// Name rules the registry schema states no length or characters for, and where ours come from.
const NOT_IN_SCHEMA: &[(&str, &str, &str)] = &[
    (
        "AWS::EventSchemas::Registry",
        "RegistryName",
        "the EventBridge Schemas API: 1..=64 of [.-_A-Za-z0-9]",
    ),
    (
        "AWS::ApiGatewayV2::Api",
        "Name",
        "the API Gateway v2 API model (botocore): StringWithLengthBetween1And128",
    ),
];

/// The characters of the first `[...]` class of a registry pattern, among printable ASCII.
fn class_of(pattern: &str) -> Vec<char> {
    let start = pattern.find('[').unwrap() + 1;
    let mut items: Vec<char> = Vec::new();
    let mut chars = pattern[start..].chars().peekable();
    let mut set = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            ']' => break,
            '\\' => match chars.next().unwrap() {
                'w' => {
                    set.extend(('A'..='Z').chain('a'..='z').chain('0'..='9'));
                    set.push('_');
                }
                escaped => items.push(escaped),
            },
            '-' if !items.is_empty() && chars.peek().is_some_and(|n| *n != ']') => {
                let lo = items.pop().unwrap();
                let hi = chars.next().unwrap();
                set.extend(lo..=hi);
            }
            c => items.push(c),
        }
    }
    set.extend(items);
    (' '..='~').filter(|c| set.contains(c)).collect()
}

/// The printable ASCII characters a rule allows.
fn allowed(rule: &NameRule) -> Vec<char> {
    (' '..='~').filter(|c| rule.allows(*c)).collect()
}

#[test]
fn the_pattern_reader_reads_the_classes_the_schemas_use() {
    let s = |v: Vec<char>| v.into_iter().collect::<String>();
    assert_eq!(s(class_of(r"^[a-c.\-_]+$")), "-._abc");
    assert_eq!(s(class_of(r"^[\w+=,.@-]+$")).len(), 63 + 6);
    assert_eq!(
        s(class_of(r"^[/\.\-_A-Z]+$")),
        "-./ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    );
}

#[test]
fn name_rules_agree_with_cfn_lint_schemas() {
    let Some(dir) = cfn_lint_schemas() else {
        return;
    };
    let providers = read_json(dir.join("providers/us-east-1.json"));
    let mut problems = Vec::new();
    for rule in limits::NAMES {
        let Some((resource, prop)) = rule.property else {
            continue;
        };
        let file = providers[resource.as_str()].as_str().unwrap();
        let schema = read_json(dir.join("resources").join(format!("{file}.json")));
        let property = &schema["properties"][prop];
        let documented = NOT_IN_SCHEMA
            .iter()
            .any(|(r, p, _)| *r == resource.as_str() && *p == prop);
        match property["maxLength"].as_u64() {
            Some(max) if max as usize != rule.max_len => problems.push(format!(
                "{resource} {prop}: ours at most {}, schema {max}",
                rule.max_len
            )),
            None if !documented => problems.push(format!(
                "{resource} {prop}: the schema has no maxLength; say where ours comes from in NOT_IN_SCHEMA"
            )),
            _ => {}
        }
        if property["minLength"].as_u64().is_some_and(|min| min != 1) {
            problems.push(format!("{resource} {prop}: schema minLength is not 1"));
        }
        if let Some(pattern) = property["pattern"].as_str() {
            if class_of(pattern) != allowed(rule) {
                problems.push(format!(
                    "{resource} {prop}: ours allow {:?}, the schema's {pattern} {:?}",
                    allowed(rule),
                    class_of(pattern)
                ));
            }
        } else if !documented && !rule.chars.is_empty() {
            problems.push(format!("{resource} {prop}: the schema has no pattern"));
        }
    }
    // Logical IDs (resources, outputs, parameters) as the template schemas take them.
    for section in ["resources", "outputs", "parameters"] {
        let schema = read_json(dir.join("other").join(section).join("configuration.json"));
        let max = schema["propertyNames"]["maxLength"].as_u64().unwrap() as usize;
        let patterns: Vec<&String> = schema["patternProperties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        if max != names::LOGICAL_ID.max_len
            || patterns.len() != 1
            || class_of(patterns[0]) != allowed(&names::LOGICAL_ID)
        {
            problems.push(format!(
                "{section} ids: schema {patterns:?} at most {max}, ours differ"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "name rules disagree with cfn-lint's schemas:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_rule_says_its_characters_in_words() {
    for rule in limits::NAMES {
        let spelled: String = rule
            .chars
            .iter()
            .flat_map(|(lo, hi)| [*lo, *hi])
            .filter(|c| !c.is_ascii_alphanumeric())
            .collect();
        for c in spelled.chars() {
            assert!(
                rule.chars_text.contains(c),
                "{}: `{c}` is allowed but not said in {:?}",
                rule.what,
                rule.chars_text
            );
        }
    }
}

/// Every region cfn-lint has schemas for is one tributary knows (a region it does not know only
/// warns, but a new region AWS opened should not).
#[test]
fn known_regions_cover_cfn_lints() {
    let Some(dir) = cfn_lint_schemas() else {
        return;
    };
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir.join("providers")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(region) = name.strip_suffix(".json")
            && region != "sam"
            && !tributary::core::KNOWN_REGIONS.contains(&region)
        {
            missing.push(region.to_owned());
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "regions cfn-lint knows and tributary does not: {missing:?}"
    );
}

//! The limits table (`src/constructs/limits.rs`) checked against the CloudFormation registry
//! schemas that cfn-lint ships. `.ci/run` points `TRIBUTARY_CFN_LINT_SCHEMAS` at them; without it
//! the test is skipped locally and fails in CI.

use std::path::PathBuf;

use tributary::constructs::limits;

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

#[test]
fn limits_agree_with_cfn_lint_schemas() {
    let Some(dir) = std::env::var_os("TRIBUTARY_CFN_LINT_SCHEMAS").map(PathBuf::from) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TRIBUTARY_CFN_LINT_SCHEMAS must be set in CI (see .ci/run)"
        );
        eprintln!("skipped: TRIBUTARY_CFN_LINT_SCHEMAS is not set");
        return;
    };
    let read = |p: PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
    };
    let providers = read(dir.join("providers/us-east-1.json"));
    let mut problems = Vec::new();
    for limit in limits::ALL {
        let file = providers[limit.resource.as_str()].as_str().unwrap();
        let schema = read(dir.join("resources").join(format!("{file}.json")));
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

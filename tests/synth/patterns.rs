//! Event patterns: refused at load with the file, line, field and plain words (rule patterns and
//! stream filter criteria alike), refused at synth where only Lambda refuses an operator, checked
//! in raw resources by the same validator (TRB012), and a spec using every operator accepted.
//!
//! The accepted spec's templates go to `target/patterns/` (cfn-lint in `.ci/run` finds 0 errors
//! and 0 warnings in them), with the refused specs under `target/patterns/refused/`, which the
//! JSON Schema must refuse too (`.ci/run` checks each against `schema/app.schema.json`).

use std::path::{Path, PathBuf};

use serde_json::json;
use tributary::assembly::{TemplateFormat, render_template};
use tributary::constructs::*;
use tributary::core::cfn::ResourceType;
use tributary::core::{ConstructPath, Resource, Suppression, Value};

use crate::common::{errors, function, one_stack, root, table_with_stream};

/// A spec with one rule whose pattern is `pattern` and one mapping whose filters are `filters`
/// (YAML flow style).
fn spec(pattern: &str, filters: &str) -> String {
    format!(
        "stacks:
  S:
    functions:
      Notify: {{ handler: notify-staff }}
    streamToBus:
      Orders:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
        stream:
          filters: {filters}
    rules:
      R:
        bus: Orders
        pattern: {pattern}
        targets: [{{ function: Notify }}]
"
    )
}

const FILTERS: &str = "[{ eventName: [INSERT] }]";
const PATTERN: &str = "{ source: [orders] }";

/// Where the specs and templates for the outside tools go.
fn out_dir() -> PathBuf {
    let dir = root().join("target/patterns");
    std::fs::create_dir_all(dir.join("refused")).unwrap();
    std::fs::create_dir_all(dir.join("loader-only")).unwrap();
    dir
}

/// The refusals a JSON Schema cannot express (the schema's descriptions name them): a numeric
/// lower bound at or above the upper one, a field inside `$or` named like an operator.
/// And numbers JSON Schema takes and a pattern cannot keep: beyond 64 bits, or YAML's `.inf`.
const LOADER_ONLY: [&str; 4] = [
    "numeric-empty-range",
    "or-operator-name",
    "number-too-large",
    "not-finite",
];

/// The load error of a spec whose rule has `pattern`; the spec is kept for the schema check
/// under `name`.
fn refused_pattern(name: &str, pattern: &str) -> String {
    refused(name, &spec(pattern, FILTERS))
}

/// The load error of a spec whose mapping has `filters`.
fn refused_filters(name: &str, filters: &str) -> String {
    refused(name, &spec(PATTERN, filters))
}

fn refused(name: &str, yaml: &str) -> String {
    let dir = if LOADER_ONLY.contains(&name) {
        "loader-only"
    } else {
        "refused"
    };
    std::fs::write(out_dir().join(dir).join(format!("{name}.yaml")), yaml).unwrap();
    match tributary::spec::parse(Path::new("app.yaml"), yaml) {
        Ok(_) => "loaded".to_owned(),
        Err(e) => e.to_string(),
    }
}

fn synth_errors(yaml: &str) -> String {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    errors(tributary::spec::build(&spec, &root()).synth())
}

#[test]
fn empty_lists_and_objects_are_refused_not_dropped() {
    insta::assert_snapshot!(refused_pattern("empty-source", "{ source: [] }"), @"app.yaml:14:28: stacks.S.rules.R.pattern.source: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(refused_pattern("empty-detail-type", "{ source: [orders], detailType: [] }"), @"app.yaml:14:50: stacks.S.rules.R.pattern.detailType: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(refused_pattern("empty-pattern", "{}"), @"app.yaml:14:18: stacks.S.rules.R.pattern: an empty pattern matches every event (and EventBridge refuses it): name at least a source or detail type");
    insta::assert_snapshot!(refused_pattern("empty-detail", "{ source: [orders], detail: {} }"), @"app.yaml:14:46: stacks.S.rules.R.pattern.detail: an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out");
    insta::assert_snapshot!(refused_pattern("empty-nested", "{ detail: { a: {} } }"), @"app.yaml:14:33: stacks.S.rules.R.pattern.detail.a: an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out");
    insta::assert_snapshot!(refused_pattern("empty-leaf", "{ detail: { a: [] } }"), @"app.yaml:14:33: stacks.S.rules.R.pattern.detail.a: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(refused_filters("empty-filter-leaf", "[{ eventName: [] }]"), @"app.yaml:10:34: stacks.S.streamToBus.Orders.stream.filters[0].eventName: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(refused_filters("empty-filter", "[{}]"), @"app.yaml:10:21: stacks.S.streamToBus.Orders.stream.filters[0]: an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out");
}

#[test]
fn every_leaf_is_a_flat_list() {
    insta::assert_snapshot!(refused_pattern("source-string", "{ source: orders }"), @r#"app.yaml:14:28: stacks.S.rules.R.pattern.source: a pattern field takes a list of values like ["x"], not a string "orders": write ["orders"]"#);
    insta::assert_snapshot!(refused_pattern("leaf-number", "{ detail: { seats: 2 } }"), @"app.yaml:14:37: stacks.S.rules.R.pattern.detail.seats: a pattern field takes a list of values like [\"x\"], not the number 2: write [2]");
    insta::assert_snapshot!(refused_pattern("nested-list", "{ detail: { a: [[x]] } }"), @"app.yaml:14:34: stacks.S.rules.R.pattern.detail.a[0]: a list inside a list is refused: write the values in one flat list");
    insta::assert_snapshot!(refused_pattern("operator-out-of-list", "{ detail: { a: { prefix: x } } }"), @r#"app.yaml:14:43: stacks.S.rules.R.pattern.detail.a.prefix: `prefix` is an operator: write it as an entry of the field's list, [{"prefix": "x"}]"#);
    insta::assert_snapshot!(refused_pattern("detail-list", "{ detail: [x] }"), @r#"app.yaml:14:28: stacks.S.rules.R.pattern.detail: a pattern is an object of fields like {"status": ["x"]}, not a list"#);
    insta::assert_snapshot!(refused_filters("filter-string", "[ x ]"), @r#"app.yaml:10:22: stacks.S.streamToBus.Orders.stream.filters[0]: a pattern is an object of fields like {"status": ["x"]}, not a string "x""#);
    insta::assert_snapshot!(refused_filters("filter-leaf-string", "[{ eventName: INSERT }]"), @r#"app.yaml:10:34: stacks.S.streamToBus.Orders.stream.filters[0].eventName: a pattern field takes a list of values like ["x"], not a string "INSERT": write ["INSERT"]"#);
    insta::assert_snapshot!(refused_filters("filter-nested-list", "[{ dynamodb: { Keys: [[1]] } }]"), @"app.yaml:10:42: stacks.S.streamToBus.Orders.stream.filters[0].dynamodb.Keys[0]: a list inside a list is refused: write the values in one flat list");
}

#[test]
fn operands_of_the_wrong_type_are_named() {
    insta::assert_snapshot!(refused_pattern("numeric-string", "{ detail: { n: [{ numeric: \"5\" }] } }"), @r#"app.yaml:14:45: stacks.S.rules.R.pattern.detail.n[0].numeric: `numeric` takes a list of comparisons like [">", 0, "<=", 5], not a string "5""#);
    insta::assert_snapshot!(refused_pattern("prefix-number", "{ detail: { n: [{ prefix: 5 }] } }"), @r#"app.yaml:14:44: stacks.S.rules.R.pattern.detail.n[0].prefix: `prefix` takes a string, or {"equals-ignore-case": "..."}, not the number 5"#);
    insta::assert_snapshot!(refused_pattern("exists-string", "{ detail: { n: [{ exists: yes }] } }"), @r#"app.yaml:14:44: stacks.S.rules.R.pattern.detail.n[0].exists: `exists` takes true or false, not a string "yes""#);
    insta::assert_snapshot!(refused_pattern("suffix-list", "{ detail: { n: [{ suffix: [a] }] } }"), @r#"app.yaml:14:44: stacks.S.rules.R.pattern.detail.n[0].suffix: `suffix` takes a string, or {"equals-ignore-case": "..."}, not a list"#);
    insta::assert_snapshot!(refused_pattern("cidr-number", "{ detail: { ip: [{ cidr: 10 }] } }"), @r#"app.yaml:14:43: stacks.S.rules.R.pattern.detail.ip[0].cidr: `cidr` takes an IP block like "10.0.0.0/24", not the number 10"#);
    insta::assert_snapshot!(refused_pattern("anything-but-bool", "{ detail: { s: [{ anything-but: true }] } }"), @r#"app.yaml:14:50: stacks.S.rules.R.pattern.detail.s[0].anything-but: `anything-but` takes a string, a number, a list of only strings or only numbers, or an object like {"prefix": "x"}, not true"#);
    insta::assert_snapshot!(refused_pattern("anything-but-mixed", "{ detail: { s: [{ anything-but: [a, 1] }] } }"), @"app.yaml:14:50: stacks.S.rules.R.pattern.detail.s[0].anything-but: an `anything-but` list takes only strings or only numbers, not both");
    insta::assert_snapshot!(refused_filters("filter-exists-string", "[{ dynamodb: { NewImage: { a: [{ exists: \"true\" }] } } }]"), @r#"app.yaml:10:61: stacks.S.streamToBus.Orders.stream.filters[0].dynamodb.NewImage.a[0].exists: `exists` takes true or false, not a string "true""#);
    insta::assert_snapshot!(refused_filters("filter-numeric-string", "[{ dynamodb: { NewImage: { n: { N: [{ numeric: [\">\", \"5\"] }] } } } }]"), @r#"app.yaml:10:67: stacks.S.streamToBus.Orders.stream.filters[0].dynamodb.NewImage.n.N[0].numeric: `numeric` takes a comparison then a number, like [">", 0] or [">", 0, "<=", 5]; ">" is followed by "5", not a number"#);
}

#[test]
fn what_yaml_can_say_and_a_pattern_cannot_is_named() {
    insta::assert_snapshot!(refused_pattern("number-too-large", "{ detail: { n: [{ numeric: ['>', 123456789012345678901234567890] }] } }"), @"app.yaml:14:51: stacks.S.rules.R.pattern.detail.n[0].numeric[1]: the number 123456789012345678901234567890 is larger than 64 bits and would not be kept exactly; write it as a string if the event has it as one");
    insta::assert_snapshot!(refused_pattern("yaml-tag", "{ detail: { t: [!upper x] } }"), @"app.yaml:14:34: stacks.S.rules.R.pattern.detail.t[0]: `!upper`: YAML tags are not part of the spec format (it is plain data, as in JSON); remove the tag");
    insta::assert_snapshot!(refused_pattern("not-finite", "{ detail: { n: [{ numeric: ['<', .inf] }] } }"), @r#"app.yaml:14:51: stacks.S.rules.R.pattern.detail.n[0].numeric[1]: each term of `numeric` is a comparison ("<", "<=", "=", ">=", ">") or a number, not the number inf (not a finite number)"#);
}

#[test]
fn unknown_operators_get_the_closest_name() {
    insta::assert_snapshot!(refused_pattern("operator-typo", "{ detail: { n: [{ prefx: a }] } }"), @"app.yaml:14:34: stacks.S.rules.R.pattern.detail.n[0]: unknown operator `prefx`; did you mean `prefix`?");
    insta::assert_snapshot!(refused_pattern("operator-unknown", "{ detail: { n: [{ contains: a }] } }"), @"app.yaml:14:34: stacks.S.rules.R.pattern.detail.n[0]: unknown operator `contains` (the operators are prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)");
    insta::assert_snapshot!(refused_pattern("two-operators", "{ detail: { n: [{ prefix: a, suffix: b }] } }"), @"app.yaml:14:34: stacks.S.rules.R.pattern.detail.n[0]: an operator object holds one operator, and `prefix` has `suffix` beside it: write them as two entries of the list");
    insta::assert_snapshot!(refused_pattern("anything-but-inside", "{ detail: { n: [{ anything-but: { sufix: a } }] } }"), @"app.yaml:14:50: stacks.S.rules.R.pattern.detail.n[0].anything-but: `anything-but` does not take `sufix` inside it; did you mean `suffix`?");
    insta::assert_snapshot!(refused_pattern("pattern-field-typo", "{ detailtype: [x] }"), @"app.yaml:14:18: stacks.S.rules.R.pattern: unknown field `detailtype`, expected one of `source`, `detailType`, `detail`, `$or`; did you mean `detailType`?");
    insta::assert_snapshot!(refused_filters("filter-operator-typo", "[{ eventName: [{ anythingbut: [REMOVE] }] }]"), @"app.yaml:10:35: stacks.S.streamToBus.Orders.stream.filters[0].eventName[0]: unknown operator `anythingbut`; did you mean `anything-but`?");
}

#[test]
fn numeric_ranges_cidr_blocks_and_wildcards_are_checked() {
    insta::assert_snapshot!(refused_pattern("numeric-two-lower", "{ detail: { n: [{ numeric: ['>', 5, '>', 6] }] } }"), @r#"app.yaml:14:45: stacks.S.rules.R.pattern.detail.n[0].numeric: `numeric` takes one lower bound (> or >=) and one upper bound (< or <=); ">" and ">" are both lower bounds"#);
    insta::assert_snapshot!(refused_pattern("numeric-empty-range", "{ detail: { n: [{ numeric: ['>', 6, '<=', 5] }] } }"), @"app.yaml:14:45: stacks.S.rules.R.pattern.detail.n[0].numeric: `numeric`: the lower bound 6 is not below the upper bound 5, so nothing would match");
    insta::assert_snapshot!(refused_pattern("numeric-upper-first", "{ detail: { n: [{ numeric: ['<', 6, '>', 5] }] } }"), @r#"app.yaml:14:45: stacks.S.rules.R.pattern.detail.n[0].numeric: `numeric` takes the lower bound first: [">", 5, "<", 6]"#);
    insta::assert_snapshot!(refused_pattern("numeric-not-equal", "{ detail: { n: [{ numeric: ['!=', 5] }] } }"), @r#"app.yaml:14:45: stacks.S.rules.R.pattern.detail.n[0].numeric: "!=" is not a comparison of `numeric`; use <, <=, =, >= or >"#);
    insta::assert_snapshot!(refused_pattern("cidr-no-prefix", "{ detail: { ip: [{ cidr: 10.0.0.0 }] } }"), @r#"app.yaml:14:43: stacks.S.rules.R.pattern.detail.ip[0].cidr: `cidr` takes an IP block like "10.0.0.0/24"; "10.0.0.0" has no `/` and prefix length"#);
    insta::assert_snapshot!(refused_pattern("cidr-bad-address", "{ detail: { ip: [{ cidr: 10.0.0.256/8 }] } }"), @r#"app.yaml:14:43: stacks.S.rules.R.pattern.detail.ip[0].cidr: `cidr` takes an IP block like "10.0.0.0/24"; "10.0.0.256/8" does not start with an IPv4 or IPv6 address"#);
    insta::assert_snapshot!(refused_pattern("cidr-one-address", "{ detail: { ip: [{ cidr: 10.0.0.1/32 }] } }"), @r#"app.yaml:14:43: stacks.S.rules.R.pattern.detail.ip[0].cidr: `cidr` takes an IP block like "10.0.0.0/24"; "10.0.0.1/32" has a prefix length over 31; match one address as an exact value: ["10.0.0.1"]"#);
    insta::assert_snapshot!(refused_pattern("wildcard-double-star", "{ detail: { f: [{ wildcard: 'a**b' }] } }"), @r#"app.yaml:14:46: stacks.S.rules.R.pattern.detail.f[0].wildcard: `wildcard` "a**b" has two `*` in a row, which EventBridge refuses; one `*` already matches any characters"#);
}

#[test]
fn or_takes_at_least_two_alternatives() {
    insta::assert_snapshot!(refused_pattern("or-one", "{ source: [orders], $or: [{ detail: { a: [x] } }] }"), @"app.yaml:14:43: stacks.S.rules.R.pattern.$or: `$or` takes at least two alternatives (EventBridge refuses fewer), not 1");
    insta::assert_snapshot!(refused_pattern("or-not-a-list", "{ detail: { $or: { a: [x] } } }"), @"app.yaml:14:35: stacks.S.rules.R.pattern.detail.$or: `$or` takes a list of at least two alternatives, each an object of fields, not an object");
    insta::assert_snapshot!(refused_pattern("or-operator-name", "{ detail: { $or: [{ a: [x] }, { prefix: [y] }] } }"), @"app.yaml:14:48: stacks.S.rules.R.pattern.detail.$or[1]: inside `$or` a field cannot be named `prefix`, like an operator (EventBridge refuses it)");
    insta::assert_snapshot!(refused_filters("filter-or-empty", "[{ $or: [] }]"), @"app.yaml:10:28: stacks.S.streamToBus.Orders.stream.filters[0].$or: `$or` takes at least two alternatives (EventBridge refuses fewer), not 0");
}

#[test]
fn json_specs_get_the_same_words() {
    let json = |pattern: &str| {
        format!(
            r#"{{"stacks": {{"S": {{"functions": {{"Notify": {{"handler": "notify-staff"}}}},
  "streamToBus": {{"Orders": {{"table": {{"partitionKey": {{"name": "id"}}}}, "publisher": {{"handler": "stream-publisher"}}}}}},
  "rules": {{"R": {{"bus": "Orders", "targets": [{{"function": "Notify"}}],
    "pattern": {pattern}}}}}}}}}}}"#
        )
    };
    let load = |text: String| match tributary::spec::parse(Path::new("app.json"), &text) {
        Ok(_) => "loaded".to_owned(),
        Err(e) => e.to_string(),
    };
    insta::assert_snapshot!(load(json(r#"{"source": []}"#)), @"app.json:4:28: stacks.S.rules.R.pattern.source: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(load(json(r#"{"detail": {"n": [{"numeric": "5"}]}}"#)), @r#"app.json:4:48: stacks.S.rules.R.pattern.detail.n[0].numeric: `numeric` takes a list of comparisons like [">", 0, "<=", 5], not a string "5""#);
    insta::assert_snapshot!(load(json(r#"{"detail": {"n": [{"prefx": "a"}]}}"#)), @"app.json:4:41: stacks.S.rules.R.pattern.detail.n[0]: unknown operator `prefx`; did you mean `prefix`?");
}

#[test]
fn filters_refuse_the_operators_lambda_does_not_take() {
    let filter = |op: &str| {
        spec(
            PATTERN,
            &format!("[{{ dynamodb: {{ NewImage: {{ f: {{ S: [{op}] }} }} }} }}]"),
        )
    };
    insta::assert_snapshot!(synth_errors(&filter("{ wildcard: '*.png' }")), @"error: app.yaml:10:56: S/Orders/StreamSource: filters[0].dynamodb.NewImage.f.S[0]: Lambda event filtering does not support `wildcard` (EventBridge rules do); filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or");
    insta::assert_snapshot!(synth_errors(&filter("{ cidr: 10.0.0.0/8 }")), @"error: app.yaml:10:56: S/Orders/StreamSource: filters[0].dynamodb.NewImage.f.S[0]: Lambda event filtering does not support `cidr` (EventBridge rules do); filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or");
    insta::assert_snapshot!(synth_errors(&filter("{ anything-but: { prefix: x } }")), @"error: app.yaml:10:56: S/Orders/StreamSource: filters[0].dynamodb.NewImage.f.S[0]: Lambda event filtering does not support `anything-but` with `prefix` (EventBridge rules do); filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or");
    insta::assert_snapshot!(synth_errors(&filter("{ prefix: { equals-ignore-case: x } }")), @"error: app.yaml:10:56: S/Orders/StreamSource: filters[0].dynamodb.NewImage.f.S[0]: Lambda event filtering does not support `prefix` with `equals-ignore-case` (EventBridge rules do); filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or");
    // The same operators are fine in a rule.
    let rule = spec(
        "{ detail: { f: [{ wildcard: '*.png' }, { cidr: 10.0.0.0/8 }, { anything-but: { prefix: x } }] } }",
        FILTERS,
    );
    let loaded = tributary::spec::parse(Path::new("app.yaml"), &rule).unwrap();
    tributary::spec::build(&loaded, &root()).synth().unwrap();
}

#[test]
fn every_operator_is_accepted_and_written_as_eventbridge_reads_it() {
    let path = root().join("tests/synth/patterns/every_operator.yaml");
    let spec = tributary::spec::load(&path).unwrap();
    let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
    let stack = &synth.stacks[0];
    let rendered = render_template(stack, TemplateFormat::Json).unwrap();
    std::fs::write(
        out_dir().join(format!("{}.template.json", stack.name)),
        &rendered,
    )
    .unwrap();
    let template: serde_json::Value = serde_json::from_slice(&rendered).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    let of_type = |kind: &'static str| {
        resources
            .values()
            .find(|r| r["Type"] == kind)
            .map(|r| &r["Properties"])
            .unwrap()
    };
    let rule = of_type("AWS::Events::Rule");
    assert_eq!(
        rule["EventPattern"],
        json!({
            "source": ["orders", {"prefix": "orders."}],
            "detail-type": ["OrderPlaced", {"suffix": "Changed"}, {"equals-ignore-case": "orderremoved"}],
            "detail": {
                "id": [{"wildcard": "ord-*-2026"}],
                "region": [{"prefix": {"equals-ignore-case": "EU-"}}, {"suffix": {"equals-ignore-case": "-WEST-1"}}],
                "state": [
                    {"anything-but": "initializing"},
                    {"anything-but": 404},
                    {"anything-but": ["stopped", "overloaded"]},
                    {"anything-but": [100, 200]},
                    {"anything-but": {"prefix": "init"}},
                    {"anything-but": {"suffix": [".tmp", ".bak"]}},
                    {"anything-but": {"equals-ignore-case": "STOPPED"}},
                    {"anything-but": {"wildcard": "*/lib/*"}}
                ],
                "count": [{"numeric": [">=", 1, "<", 100]}, {"numeric": ["<=", -1]}],
                "sourceIp": [{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}],
                "coupon": [{"exists": false}],
                "exact": ["a", 5, 2.5, true, null],
                "customer": {
                    "tier": ["gold"],
                    "$or": [{"email": [{"exists": true}]}, {"phone": [{"prefix": "+44"}]}]
                }
            },
            "$or": [{"detail": {"priority": ["high"]}}, {"detail": {"vip": [true]}}]
        })
    );
    let mapping = of_type("AWS::Lambda::EventSourceMapping");
    let filters: Vec<serde_json::Value> = mapping["FilterCriteria"]["Filters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::from_str(f["Pattern"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(
        filters,
        [
            json!({
                "eventName": ["INSERT", "MODIFY"],
                "dynamodb": {"NewImage": {
                    "status": {"S": ["CONFIRMED", {"prefix": "conf"}, {"suffix": "ed"}, {"equals-ignore-case": "confirmed"}]},
                    "note": {"S": ["", null, {"anything-but": "spam"}, {"anything-but": ["spam", "junk"]}]},
                    "seats": {"N": [{"numeric": [">", 0, "<=", 12]}, {"numeric": ["=", 2]}, {"anything-but": [0, 13]}]},
                    "phone": {"S": [{"exists": true}]}
                }}
            }),
            json!({"$or": [
                {"eventName": ["REMOVE"]},
                {"dynamodb": {"OldImage": {"status": {"S": [{"exists": false}]}}}}
            ]}),
        ]
    );
    let archive = of_type("AWS::Events::Archive");
    assert_eq!(
        archive["EventPattern"],
        json!({
            "source": ["orders"],
            "detail": {
                "amount": [{"numeric": [">", 100]}],
                "$or": [{"vip": [true]}, {"channel": [{"anything-but": "test"}]}]
            }
        })
    );
    // The finished template passes the check on finished templates too (TRB012 is silent).
    assert!(synth.warnings.iter().all(|w| w.code != Some("TRB012")));
}

#[test]
fn archive_patterns_are_patterns_and_need_an_archive() {
    let bus = |bus: &str| {
        spec(PATTERN, FILTERS).replace(
            "        publisher: { handler: stream-publisher }\n",
            &format!("        publisher: {{ handler: stream-publisher }}\n        bus: {bus}\n"),
        )
    };
    insta::assert_snapshot!(refused("archive-empty-source", &bus("{ archivePattern: { source: [] } }")), @"app.yaml:9:42: stacks.S.streamToBus.Orders.bus.archivePattern.source: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out");
    insta::assert_snapshot!(synth_errors(&bus("{ archiveRetentionDays: null, archivePattern: { source: [orders] } }")), @"error: app.yaml:9:44: S/Orders/Bus: archivePattern filters an archive, but archiveRetentionDays is null (no archive): give a retention, or leave the pattern out");
}

/// Raw resources (the escape hatch) are checked on the finished template by the same validator.
#[test]
fn raw_patterns_are_checked_by_the_same_validator() {
    let result = one_stack(|s| {
        let root = ConstructPath::root(s.name());
        s.suppress(
            &root,
            Suppression::new("TRB009", "this case is about event patterns"),
        );
        let p = s.construct("Bus");
        let bus = EventBus::new(s, p, &EventBusProps::default());
        let p = s.construct("Inbox");
        let q = Queue::new(s, p, &QueueProps::default());
        let target = Value::map([
            ("Id", "T0".into()),
            ("Arn", q.arn()),
            ("DeadLetterConfig", Value::map([("Arn", q.arn())])),
            (
                "RetryPolicy",
                Value::map([("MaximumRetryAttempts", 3.into())]),
            ),
        ]);
        let p = s.construct("RawRule");
        s.add(
            &p,
            Resource::new(ResourceType::EventsRule)
                .prop("EventBusName", bus.name())
                .prop("EventPattern", Value::Json(json!({"source": []})))
                .prop("Targets", Value::List(vec![target])),
        );
        let p = s.construct("RawArchive");
        s.add(
            &p,
            Resource::new(ResourceType::EventsArchive)
                .prop("SourceArn", bus.arn())
                .prop(
                    "EventPattern",
                    Value::Str(r#"{"detail": {"n": [{"numeric": [">", "5"]}]}}"#.into()),
                ),
        );
        let table = table_with_stream(s);
        let f = function(s, "Consumer");
        let p = s.construct("RawMapping");
        s.add(
            &p,
            Resource::new(ResourceType::LambdaEventSourceMapping)
                .prop("FunctionName", f.name())
                .prop("EventSourceArn", table.stream_arn())
                .prop("StartingPosition", "TRIM_HORIZON")
                .prop("MaximumRetryAttempts", 3)
                .prop("MaximumRecordAgeInSeconds", 3600)
                .prop("BisectBatchOnFunctionError", true)
                .prop(
                    "DestinationConfig",
                    Value::map([("OnFailure", Value::map([("Destination", q.arn())]))]),
                )
                .prop(
                    "FilterCriteria",
                    Value::map([(
                        "Filters",
                        Value::List(vec![
                            Value::map([("Pattern", r#"{"eventName": ["INSERT"]}"#.into())]),
                            Value::map([(
                                "Pattern",
                                r#"{"dynamodb": {"Keys": [{"cidr": "10.0.0.0/8"}]}}"#.into(),
                            )]),
                            Value::map([("Pattern", "{not json".into())]),
                        ]),
                    )]),
                ),
        );
    });
    let found: Vec<String> = errors(result)
        .lines()
        .filter(|l| l.contains("TRB012"))
        .map(str::to_owned)
        .collect();
    insta::assert_snapshot!(found.join("\n"), @r#"
    error[TRB012]: Test/RawRule: EventPattern.source: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out (pattern-leaf-not-array). Fix: Write each leaf as a non-empty list (`source: [reservations]`) of values and operators with the operands they take; the message names the place.
    error[TRB012]: Test/RawArchive: EventPattern.detail.n[0].numeric: `numeric` takes a comparison then a number, like [">", 0] or [">", 0, "<=", 5]; ">" is followed by "5", not a number (pattern-leaf-not-array). Fix: Write each leaf as a non-empty list (`source: [reservations]`) of values and operators with the operands they take; the message names the place.
    error[TRB012]: Test/RawMapping: FilterCriteria.Filters[1].Pattern.dynamodb.Keys[0]: Lambda event filtering does not support `cidr` (EventBridge rules do); filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or (pattern-leaf-not-array). Fix: Write each leaf as a non-empty list (`source: [reservations]`) of values and operators with the operands they take; the message names the place.
    error[TRB012]: Test/RawMapping: FilterCriteria.Filters[2].Pattern: the pattern is not JSON: key must be a string at line 1 column 2 (pattern-leaf-not-array). Fix: Write each leaf as a non-empty list (`source: [reservations]`) of values and operators with the operands they take; the message names the place.
    "#);
}

/// Rust users build patterns with constructors; what EventBridge refuses is refused at synth with
/// the construct path.
#[test]
fn constructs_refuse_patterns_built_in_rust() {
    let result = one_stack(|s| {
        let p = s.construct("Bus");
        let bus = EventBus::new(s, p, &EventBusProps::default());
        let p = s.construct("Dlq");
        let dlq = Queue::new(s, p, &QueueProps::default());
        let f = function(s, "Target");
        let mut detail = Fields::new();
        detail
            .any_of
            .push(Fields::new().with("a", Matcher::exact("x")));
        let pattern = EventPattern {
            detail,
            ..EventPattern::of("orders", "OrderPlaced")
        };
        let p = s.construct("Rule");
        Rule::new(
            s,
            p,
            &bus,
            &RuleProps {
                pattern,
                description: None,
                enabled: true,
            },
            &[Target {
                kind: TargetKind::Function(f),
                retry: TargetRetry::default(),
            }],
            &dlq,
        );
    });
    insta::assert_snapshot!(errors(result), @"
    error: Test/Rule: pattern.detail.$or: `$or` takes at least two alternatives (EventBridge refuses fewer), not 1
    error[TRB023]: Test/Target: the asynchronously invoked function has no alarm on AWS/Lambda AsyncEventsDropped (dimensions FunctionName): events Lambda drops (too old, or retries run out) are lost (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).
    ");
}

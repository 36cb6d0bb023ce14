#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::json;

use super::*;

/// "ok", or the refusal, for `pattern` read by `dialect`.
fn check(pattern: Value, dialect: Dialect) -> String {
    match validate(&pattern, dialect) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}

fn rule(pattern: Value) -> String {
    check(pattern, Dialect::Rule)
}

#[test]
fn every_operator_is_read_and_written_back_as_given() {
    let pattern = json!({
        "source": ["orders", {"prefix": "orders."}],
        "detail": {
            "exact": ["a", 5, 2.5, true, null, ""],
            "prefix": [{"prefix": "us-"}, {"prefix": {"equals-ignore-case": "EU-"}}],
            "suffix": [{"suffix": ".png"}, {"suffix": {"equals-ignore-case": ".JPG"}}],
            "case": [{"equals-ignore-case": "alice"}],
            "glob": [{"wildcard": "dir/*/file\\*.txt"}],
            "but": [
                {"anything-but": "a"},
                {"anything-but": 5},
                {"anything-but": ["a", "b"]},
                {"anything-but": [1, 2]},
                {"anything-but": {"prefix": "init"}},
                {"anything-but": {"prefix": ["a", "b"]}},
                {"anything-but": {"suffix": ".tmp"}},
                {"anything-but": {"equals-ignore-case": ["X", "Y"]}},
                {"anything-but": {"wildcard": "*/lib/*"}},
                {"anything-but": {"wildcard": ["*.a", "*.b"]}}
            ],
            "count": [
                {"numeric": ["=", 3.018e2]},
                {"numeric": [">", 0]},
                {"numeric": ["<=", 5]},
                {"numeric": [">", 0, "<=", 5]},
                {"numeric": [">=", -1.5, "<", 1e3]}
            ],
            "present": [{"exists": true}],
            "absent": [{"exists": false}],
            "ip": [{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}],
            "nested": {"deeper": ["x"]},
            "$or": [{"a": ["x"]}, {"b": [{"numeric": [">", 1]}]}]
        },
        "$or": [{"x": ["1"]}, {"y": ["2"]}, {"z": {"$or": [{"p": ["q"]}, {"r": ["s"]}]}}]
    });
    let fields = validate(&pattern, Dialect::Rule).unwrap();
    assert_eq!(fields.to_json(), pattern);
    let reread: Fields = serde_json::from_value(fields.to_json()).unwrap();
    assert_eq!(reread, fields);
}

#[test]
fn leaves_are_non_empty_lists_of_scalars_and_operators() {
    let cases = [
        (
            json!({"source": []}),
            "source: an empty list is refused by EventBridge and Lambda (it would match nothing): list at least one value, or leave the field out",
        ),
        (
            json!({"source": "orders"}),
            "source: a pattern field takes a list of values like [\"x\"], not a string \"orders\": write [\"orders\"]",
        ),
        (
            json!({"a": {"b": 5}}),
            "a.b: a pattern field takes a list of values like [\"x\"], not the number 5: write [5]",
        ),
        (
            json!({"a": true}),
            "a: a pattern field takes a list of values like [\"x\"], not true: write [true]",
        ),
        (
            json!({"a": null}),
            "a: a pattern field takes a list of values like [\"x\"] or an object of fields, not null",
        ),
        (
            json!({"a": [["x"]]}),
            "a[0]: a list inside a list is refused: write the values in one flat list",
        ),
        (
            json!({"detail": {}}),
            "detail: an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out",
        ),
        (
            json!({}),
            "an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out",
        ),
        (
            json!(["x"]),
            "a pattern is an object of fields like {\"status\": [\"x\"]}, not a list",
        ),
        (
            json!({"a": [{}]}),
            "a[0]: an empty object in a list of values: write an operator like {\"prefix\": \"x\"}, or the value itself",
        ),
        (
            json!({"a": {"prefix": "x"}}),
            "a.prefix: `prefix` is an operator: write it as an entry of the field's list, [{\"prefix\": \"x\"}]",
        ),
        (
            json!({"a": {"exists": true}}),
            "a.exists: `exists` is an operator: write it as an entry of the field's list, [{\"exists\": true}]",
        ),
    ];
    for (pattern, expected) in cases {
        assert_eq!(rule(pattern.clone()), expected, "{pattern}");
    }
    // A field named like an operator is still a field, outside `$or`, when it holds a list.
    assert_eq!(rule(json!({"prefix": ["x"]})), "ok");
}

#[test]
fn operators_take_their_operand_types() {
    let cases = [
        (
            json!({"n": [{"numeric": "5"}]}),
            "n[0].numeric: `numeric` takes a list of comparisons like [\">\", 0, \"<=\", 5], not a string \"5\"",
        ),
        (
            json!({"n": [{"prefix": 5}]}),
            "n[0].prefix: `prefix` takes a string, or {\"equals-ignore-case\": \"...\"}, not the number 5",
        ),
        (
            json!({"n": [{"suffix": ["x"]}]}),
            "n[0].suffix: `suffix` takes a string, or {\"equals-ignore-case\": \"...\"}, not a list",
        ),
        (
            json!({"n": [{"prefix": {"wildcard": "x"}}]}),
            "n[0].prefix: `prefix` takes a string, or {\"equals-ignore-case\": \"...\"}, not an object with `wildcard`",
        ),
        (
            json!({"n": [{"prefix": {"equals-ignore-case": 5}}]}),
            "n[0].prefix.equals-ignore-case: `equals-ignore-case` takes a string, not the number 5",
        ),
        (
            json!({"n": [{"exists": "yes"}]}),
            "n[0].exists: `exists` takes true or false, not a string \"yes\"",
        ),
        (
            json!({"n": [{"equals-ignore-case": ["x"]}]}),
            "n[0].equals-ignore-case: `equals-ignore-case` takes a string, not a list",
        ),
        (
            json!({"n": [{"wildcard": 5}]}),
            "n[0].wildcard: `wildcard` takes a string like \"*.png\", not the number 5",
        ),
        (
            json!({"n": [{"cidr": 10}]}),
            "n[0].cidr: `cidr` takes an IP block like \"10.0.0.0/24\", not the number 10",
        ),
        (
            json!({"n": [{"anything-but": true}]}),
            "n[0].anything-but: `anything-but` takes a string, a number, a list of only strings or only numbers, or an object like {\"prefix\": \"x\"}, not true",
        ),
        (
            json!({"n": [{"anything-but": []}]}),
            "n[0].anything-but: `anything-but` takes a string, a number, a list of only strings or only numbers, or an object like {\"prefix\": \"x\"}, not an empty list",
        ),
        (
            json!({"n": [{"anything-but": ["a", 1]}]}),
            "n[0].anything-but: an `anything-but` list takes only strings or only numbers, not both",
        ),
        (
            json!({"n": [{"anything-but": [null]}]}),
            "n[0].anything-but[0]: an `anything-but` list takes strings or numbers, not null",
        ),
        (
            json!({"n": [{"anything-but": {"prefix": ""}}]}),
            "n[0].anything-but.prefix: `anything-but` `prefix` takes non-empty strings (an empty one would exclude everything)",
        ),
        (
            json!({"n": [{"anything-but": {"suffix": []}}]}),
            "n[0].anything-but.suffix: `anything-but` `suffix` takes a string or a list of strings, not an empty list",
        ),
        (
            json!({"n": [{"anything-but": {"prefx": "a"}}]}),
            "n[0].anything-but: `anything-but` does not take `prefx` inside it; did you mean `prefix`?",
        ),
        (
            json!({"n": [{"anything-but": {"numeric": [">", 1]}}]}),
            "n[0].anything-but: `anything-but` does not take `numeric` inside it (it takes prefix, suffix, equals-ignore-case, wildcard)",
        ),
        (
            json!({"n": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}),
            "n[0].anything-but: `anything-but` takes one operator inside it, and `prefix` has `suffix` beside it",
        ),
        (
            json!({"n": [{"anything-but": {"wildcard": "a**"}}]}),
            "n[0].anything-but.wildcard: `wildcard` \"a**\" has two `*` in a row, which EventBridge refuses; one `*` already matches any characters",
        ),
    ];
    for (pattern, expected) in cases {
        assert_eq!(rule(pattern.clone()), expected, "{pattern}");
    }
}

#[test]
fn unknown_operators_are_named_with_the_closest_one() {
    assert_eq!(
        rule(json!({"n": [{"prefx": "x"}]})),
        "n[0]: unknown operator `prefx`; did you mean `prefix`?"
    );
    assert_eq!(
        rule(json!({"n": [{"anythingbut": "x"}]})),
        "n[0]: unknown operator `anythingbut`; did you mean `anything-but`?"
    );
    assert_eq!(
        rule(json!({"n": [{"contains": "x"}]})),
        "n[0]: unknown operator `contains` (the operators are prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)"
    );
    assert_eq!(
        rule(json!({"n": [{"prefix": "x", "suffix": "y"}]})),
        "n[0]: an operator object holds one operator, and `prefix` has `suffix` beside it: write them as two entries of the list"
    );
}

#[test]
fn numeric_takes_one_comparison_or_a_lower_then_an_upper_bound() {
    let ok = [
        json!(["=", 5]),
        json!([">", 0]),
        json!([">=", 0]),
        json!(["<", 0]),
        json!(["<=", 0]),
        json!([">", 0, "<", 5]),
        json!([">=", -5.5, "<=", -5.25]),
    ];
    for terms in ok {
        assert_eq!(rule(json!({"n": [{"numeric": terms}]})), "ok", "{terms}");
    }
    let refused = [
        (
            json!([">", 5, ">", 6]),
            "`numeric` takes one lower bound (> or >=) and one upper bound (< or <=); \">\" and \">\" are both lower bounds",
        ),
        (
            json!(["<", 5, "<=", 6]),
            "`numeric` takes one lower bound (> or >=) and one upper bound (< or <=); \"<\" and \"<=\" are both upper bounds",
        ),
        (
            json!(["<", 6, ">", 5]),
            "`numeric` takes the lower bound first: [\">\", 5, \"<\", 6]",
        ),
        (
            json!([">", 6, "<", 5]),
            "`numeric`: the lower bound 6 is not below the upper bound 5, so nothing would match",
        ),
        (
            json!([">=", 5, "<=", 5]),
            "`numeric`: the lower bound 5 is not below the upper bound 5, so nothing would match",
        ),
        (
            json!(["=", 6, "<", 5]),
            "`numeric` \"=\" stands alone: [\"=\", 5]",
        ),
        (
            json!([">", 1, "<", 5, "<", 6]),
            "`numeric` takes at most two comparisons: a lower bound, then an upper one",
        ),
        (
            json!([">", "5"]),
            "`numeric` takes a comparison then a number, like [\">\", 0] or [\">\", 0, \"<=\", 5]; \">\" is followed by \"5\", not a number",
        ),
        (
            json!([5]),
            "`numeric` takes a comparison then a number, like [\">\", 0] or [\">\", 0, \"<=\", 5]; the number 5 has no comparison before it",
        ),
        (
            json!([">"]),
            "`numeric` takes a comparison then a number, like [\">\", 0] or [\">\", 0, \"<=\", 5]; \">\" has no number after it",
        ),
        (
            json!([]),
            "`numeric` takes a comparison then a number, like [\">\", 0] or [\">\", 0, \"<=\", 5], not an empty list",
        ),
        (
            json!(["!=", 5]),
            "\"!=\" is not a comparison of `numeric`; use <, <=, =, >= or >",
        ),
        (
            json!([">", true]),
            "each term of `numeric` is a comparison (\"<\", \"<=\", \"=\", \">=\", \">\") or a number, not true",
        ),
    ];
    for (terms, expected) in refused {
        let found = rule(json!({"n": [{"numeric": terms}]}));
        let message = found.split_once(": ").map(|(_, m)| m).unwrap_or(&found);
        assert_eq!(message, expected, "{terms}");
    }
}

#[test]
fn cidr_takes_an_ipv4_or_ipv6_block() {
    for block in [
        "10.0.0.0/24",
        "0.0.0.0/0",
        "10.0.0.5/31",
        "2001:db8::/32",
        "::/0",
        "fe80::1/127",
    ] {
        assert_eq!(rule(json!({"ip": [{"cidr": block}]})), "ok", "{block}");
    }
    let refused = [
        ("10.0.0.0", "has no `/` and prefix length"),
        ("10.0.0.0/", "has no prefix length after the `/`"),
        ("10.0.0.0/x", "has no prefix length after the `/`"),
        ("10.0.0.0/8/8", "has no prefix length after the `/`"),
        ("300.0.0.0/8", "does not start with an IPv4 or IPv6 address"),
        ("10.0.0/8", "does not start with an IPv4 or IPv6 address"),
        (
            "::ffff:1.2.3.4/96",
            "does not start with an IPv4 or IPv6 address",
        ),
        (
            "example.com/8",
            "does not start with an IPv4 or IPv6 address",
        ),
        (
            "10.0.0.1/32",
            "has a prefix length over 31; match one address as an exact value: [\"10.0.0.1\"]",
        ),
        (
            "2001:db8::1/128",
            "has a prefix length over 127; match one address as an exact value: [\"2001:db8::1\"]",
        ),
    ];
    for (block, why) in refused {
        assert_eq!(
            rule(json!({"ip": [{"cidr": block}]})),
            format!("ip[0].cidr: `cidr` takes an IP block like \"10.0.0.0/24\"; \"{block}\" {why}"),
        );
    }
}

#[test]
fn wildcards_have_no_double_star_and_escape_only_star_and_backslash() {
    for w in ["*", "a*b*c", "\\*literal", "back\\\\slash", "*.png", ""] {
        assert_eq!(rule(json!({"f": [{"wildcard": w}]})), "ok", "{w}");
    }
    assert_eq!(
        rule(json!({"f": [{"wildcard": "a**b"}]})),
        "f[0].wildcard: `wildcard` \"a**b\" has two `*` in a row, which EventBridge refuses; one `*` already matches any characters"
    );
    assert_eq!(
        rule(json!({"f": [{"wildcard": "a\\b"}]})),
        "f[0].wildcard: `wildcard` \"a\\b\" has a backslash that escapes neither `*` nor `\\`; write `\\\\` for a backslash"
    );
    assert_eq!(
        rule(json!({"f": [{"wildcard": "trailing\\"}]})),
        "f[0].wildcard: `wildcard` \"trailing\\\" has a backslash that escapes neither `*` nor `\\`; write `\\\\` for a backslash"
    );
}

#[test]
fn or_takes_two_or_more_objects_without_operator_names() {
    let cases = [
        (
            json!({"$or": []}),
            "$or: `$or` takes at least two alternatives (EventBridge refuses fewer), not 0",
        ),
        (
            json!({"$or": [{"a": ["x"]}]}),
            "$or: `$or` takes at least two alternatives (EventBridge refuses fewer), not 1",
        ),
        (
            json!({"$or": {"a": ["x"]}}),
            "$or: `$or` takes a list of at least two alternatives, each an object of fields, not an object",
        ),
        (
            json!({"$or": [{"a": ["x"]}, 5]}),
            "$or[1]: a pattern is an object of fields like {\"status\": [\"x\"]}, not the number 5",
        ),
        (
            json!({"$or": [{"a": ["x"]}, {}]}),
            "$or[1]: an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out",
        ),
        (
            json!({"$or": [{"a": ["x"]}, {"numeric": [1]}]}),
            "$or[1]: inside `$or` a field cannot be named `numeric`, like an operator (EventBridge refuses it)",
        ),
        (
            json!({"$or": [{"a": ["x"]}, {"b": {">": [1]}}]}),
            "$or[1].b: inside `$or` a field cannot be named `>`, like an operator (EventBridge refuses it)",
        ),
    ];
    for (pattern, expected) in cases {
        assert_eq!(rule(pattern.clone()), expected, "{pattern}");
    }
    assert_eq!(
        rule(json!({"a": {"$or": [{"b": ["x"]}, {"c": ["y"]}]}})),
        "ok"
    );
}

#[test]
fn lambda_filters_take_fewer_operators_than_rules() {
    let eventbridge_only = [
        (json!({"cidr": "10.0.0.0/8"}), "`cidr`"),
        (json!({"wildcard": "*.png"}), "`wildcard`"),
        (
            json!({"prefix": {"equals-ignore-case": "x"}}),
            "`prefix` with `equals-ignore-case`",
        ),
        (
            json!({"suffix": {"equals-ignore-case": "x"}}),
            "`suffix` with `equals-ignore-case`",
        ),
        (
            json!({"anything-but": {"prefix": "x"}}),
            "`anything-but` with `prefix`",
        ),
        (
            json!({"anything-but": {"suffix": "x"}}),
            "`anything-but` with `suffix`",
        ),
        (
            json!({"anything-but": {"equals-ignore-case": "x"}}),
            "`anything-but` with `equals-ignore-case`",
        ),
        (
            json!({"anything-but": {"wildcard": "x*"}}),
            "`anything-but` with `wildcard`",
        ),
    ];
    for (op, name) in eventbridge_only {
        let pattern = json!({"dynamodb": {"NewImage": {"f": {"S": ["ok", op]}}}});
        assert_eq!(rule(pattern.clone()), "ok", "{pattern}");
        assert_eq!(
            check(pattern, Dialect::LambdaFilter),
            format!(
                "dynamodb.NewImage.f.S[1]: Lambda event filtering does not support {name} (EventBridge rules do); \
                 filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or"
            )
        );
    }
    // Inside `$or` alternatives too.
    assert_eq!(
        check(
            json!({"$or": [{"a": ["x"]}, {"b": [{"cidr": "10.0.0.0/8"}]}]}),
            Dialect::LambdaFilter
        ),
        "$or[1].b[0]: Lambda event filtering does not support `cidr` (EventBridge rules do); \
         filters take exact values, prefix, suffix, equals-ignore-case, anything-but with values, numeric, exists and $or"
    );
    let lambda = json!({
        "eventName": ["INSERT", "MODIFY"],
        "dynamodb": {"NewImage": {
            "a": {"S": [{"prefix": "p"}, {"suffix": "s"}, {"equals-ignore-case": "e"}, "", null]},
            "b": {"S": [{"anything-but": "x"}, {"anything-but": ["x", "y"]}]},
            "c": {"N": [{"numeric": [">", 0, "<=", 5]}, {"exists": true}]}
        }},
        "$or": [{"x": ["1"]}, {"y": [{"exists": false}]}]
    });
    assert_eq!(check(lambda, Dialect::LambdaFilter), "ok");
}

#[test]
fn size_is_bounded_per_dialect() {
    // {"k":["<n x>"]} is n + 10 characters.
    let sized = |n: usize| json!({"k": ["x".repeat(n - 10)]});
    for dialect in [Dialect::Rule, Dialect::Archive, Dialect::LambdaFilter] {
        assert_eq!(check(sized(4096), dialect), "ok");
    }
    assert_eq!(
        check(sized(4097), Dialect::Rule),
        "length = 4097 is out of range: AWS::Events::Rule EventPattern allows 1..=4096"
    );
    assert_eq!(
        check(sized(4097), Dialect::Archive),
        "length = 4097 is out of range: AWS::Events::Archive EventPattern allows 1..=4096"
    );
    assert_eq!(
        check(sized(4097), Dialect::LambdaFilter),
        "length = 4097 is out of range: AWS::Lambda::EventSourceMapping FilterCriteria.Filters.Pattern allows 1..=4096"
    );
    // Text is measured as written (spaces count).
    let text = format!("{{ \"k\": [\"{}\"] }}", "x".repeat(4086));
    assert_eq!(
        validate_text(&text, Dialect::Rule).unwrap_err().to_string(),
        "length = 4099 is out of range: AWS::Events::Rule EventPattern allows 1..=4096"
    );
    assert_eq!(
        validate_text("{\"k\": [", Dialect::Rule)
            .unwrap_err()
            .to_string(),
        "the pattern is not JSON: EOF while parsing a list at line 1 column 7"
    );
}

#[test]
fn constructors_write_what_eventbridge_reads() {
    let p = EventPattern::of("orders", "OrderPlaced")
        .with_detail("status", Matcher::exact("CONFIRMED"))
        .with_detail("region", Matcher::prefix("eu-"))
        .with_detail("file", Matcher::suffix(".png"))
        .with_detail("name", Matcher::equals_ignore_case("alice"))
        .with_detail("glob", Matcher::wildcard("*.png").unwrap())
        .with_detail("ip", Matcher::cidr("10.0.0.0/24").unwrap())
        .with_detail("gone", Matcher::exists(false))
        .with_detail(
            "state",
            Matcher::anything_but(AnythingBut::Strings(
                NonEmpty::from_vec(vec!["a".into(), "b".into()]).unwrap(),
            )),
        )
        .with_detail(
            "count",
            Matcher::numeric(Numeric::between(Lower::Above(0.0), Upper::AtMost(5.0)).unwrap()),
        )
        .with_detail(
            "price",
            Matcher::numeric(Numeric::lower(Lower::AtLeast(2.5)).unwrap()),
        )
        .with_detail("n", Matcher::numeric(Numeric::equals(3.0).unwrap()))
        .with_detail(
            "m",
            Matcher::numeric(Numeric::upper(Upper::Below(-1.0)).unwrap()),
        )
        .with_detail(
            "any",
            Matcher::values([MatchValue::from("a"), Operator::Exists(true).into()]).unwrap(),
        );
    let json = p.to_json();
    assert_eq!(
        json,
        json!({
            "source": ["orders"],
            "detail-type": ["OrderPlaced"],
            "detail": {
                "status": ["CONFIRMED"],
                "region": [{"prefix": "eu-"}],
                "file": [{"suffix": ".png"}],
                "name": [{"equals-ignore-case": "alice"}],
                "glob": [{"wildcard": "*.png"}],
                "ip": [{"cidr": "10.0.0.0/24"}],
                "gone": [{"exists": false}],
                "state": [{"anything-but": ["a", "b"]}],
                "count": [{"numeric": [">", 0, "<=", 5]}],
                "price": [{"numeric": [">=", 2.5]}],
                "n": [{"numeric": ["=", 3]}],
                "m": [{"numeric": ["<", -1]}],
                "any": ["a", {"exists": true}]
            }
        })
    );
    assert_eq!(check(json, Dialect::Rule), "ok");
    // The spec's form reads back to the same pattern.
    let spec = serde_json::to_value(&p).unwrap();
    assert!(spec.get("detailType").is_some());
    assert_eq!(serde_json::from_value::<EventPattern>(spec).unwrap(), p);
}

#[test]
fn constructors_refuse_what_eventbridge_refuses() {
    assert!(Matcher::values(Vec::<MatchValue>::new()).is_none());
    assert_eq!(
        Numeric::between(Lower::AtLeast(5.0), Upper::Below(1.0))
            .unwrap_err()
            .to_string(),
        "`numeric`: the lower bound 5 is not below the upper bound 1, so nothing would match"
    );
    assert_eq!(
        Numeric::equals(f64::NAN).unwrap_err().to_string(),
        "`numeric` takes finite numbers, not NaN"
    );
    assert!(Matcher::cidr("10.0.0.0/32").is_err());
    assert!(Matcher::wildcard("**").is_err());
    assert_eq!(Scalar::number(f64::INFINITY), None);
    assert!(EventPattern::default().is_empty());
}

//! The policy rule pack: each rule has a case that triggers it, the default pattern triggers
//! none, and suppressions need a known rule and a reason and are recorded in the template.

use std::collections::BTreeSet;

use serde_json::json;
use tributary::checks::{RULES, template_size};
use tributary::constructs::*;
use tributary::core::cfn::ResourceType;
use tributary::core::{
    ConstructPath, Output, RemovalPolicy, Resource, Severity, Stack, StackName, Statement,
    Suppression, Synthesized, Value,
};
use tributary::patterns::{StreamToBus, StreamToBusProps};

use crate::common::{function, one_stack, table_with_stream, template};

/// The rule codes a stack built by `f` triggers (errors and warnings).
fn codes(f: impl FnOnce(&mut Stack)) -> BTreeSet<&'static str> {
    let diagnostics = match one_stack(f) {
        Ok(synth) => synth.warnings,
        Err(d) => d.0,
    };
    diagnostics.iter().filter_map(|d| d.code).collect()
}

/// A mapping from a streamed table to a function, with these props and destination.
fn mapping(
    s: &mut Stack,
    props: StreamSourceProps,
    on_failure: impl FnOnce(&mut Stack) -> OnFailure,
) {
    let table = table_with_stream(s);
    let f = function(s, "Consumer");
    let on_failure = on_failure(s);
    let p = s.construct("Mapping");
    StreamSource::new(s, p, &table, &f, &on_failure, &props);
}

/// A bucket destination whose mapping is alarmed as the pattern does it.
fn alarmed_bucket(s: &mut Stack) -> OnFailure {
    let p = s.construct("Kept");
    OnFailure::Bucket(Bucket::new(s, p))
}

/// A raw stream mapping (the escape hatch): every safe property unless `edit` changes it.
fn raw_mapping(s: &mut Stack, edit: impl FnOnce(Resource, &Table, &Queue) -> Resource) {
    let table = table_with_stream(s);
    let f = function(s, "Consumer");
    let p = s.construct("Dlq");
    let q = Queue::new(s, p, &QueueProps::default());
    let r = Resource::new(ResourceType::LambdaEventSourceMapping)
        .prop("FunctionName", f.name())
        .prop("EventSourceArn", table.stream_arn())
        .prop("StartingPosition", "TRIM_HORIZON")
        .prop("MaximumRetryAttempts", 3)
        .prop("MaximumRecordAgeInSeconds", 3600)
        .prop("BisectBatchOnFunctionError", true)
        .prop(
            "DestinationConfig",
            Value::map([("OnFailure", Value::map([("Destination", q.arn())]))]),
        );
    let r = edit(r, &table, &q);
    let p = s.construct("Raw");
    s.add(&p, r);
}

/// A raw rule on a bus with these targets and pattern.
fn raw_rule(s: &mut Stack, pattern: serde_json::Value, target: impl FnOnce(&Queue) -> Value) {
    let p = s.construct("Bus");
    let bus = EventBus::new(s, p, &EventBusProps::default());
    let p = s.construct("Inbox");
    let q = Queue::new(s, p, &QueueProps::default());
    let p = s.construct("Rule");
    s.add(
        &p,
        Resource::new(ResourceType::EventsRule)
            .prop("EventBusName", bus.name())
            .prop("EventPattern", Value::Json(pattern))
            .prop("Targets", Value::List(vec![target(&q)])),
    );
}

fn no_destination_alarm(s: &mut Stack) {
    let root = ConstructPath::root(s.name());
    for rule in ["TRB009", "TRB023"] {
        s.suppress(
            &root,
            Suppression::new(rule, "this case is about another rule"),
        );
    }
}

#[test]
fn each_rule_has_a_case_that_triggers_it() {
    type Case = (&'static str, Box<dyn FnOnce(&mut Stack)>);
    let cases: Vec<Case> = vec![
        (
            "TRB001",
            Box::new(|s| mapping(s, StreamSourceProps::default(), |_| OnFailure::None)),
        ),
        (
            "TRB002",
            Box::new(|s| {
                mapping(
                    s,
                    StreamSourceProps {
                        retries: Retries::Infinite,
                        ..Default::default()
                    },
                    alarmed_bucket,
                )
            }),
        ),
        (
            "TRB003",
            Box::new(|s| {
                mapping(
                    s,
                    StreamSourceProps {
                        max_record_age: RecordAge::Unlimited,
                        ..Default::default()
                    },
                    alarmed_bucket,
                )
            }),
        ),
        (
            "TRB004",
            Box::new(|s| {
                mapping(
                    s,
                    StreamSourceProps {
                        bisect_on_error: false,
                        ..Default::default()
                    },
                    alarmed_bucket,
                )
            }),
        ),
        (
            "TRB005",
            Box::new(|s| {
                raw_mapping(s, |mut r, _, _| {
                    r.properties = r
                        .properties
                        .iter()
                        .filter(|(k, _)| *k != "StartingPosition")
                        .map(|(k, v)| (k.to_owned(), v.clone()))
                        .collect();
                    r
                })
            }),
        ),
        (
            "TRB006",
            Box::new(|s| raw_mapping(s, |r, _, _| r.prop("MaximumRecordAgeInSeconds", 30))),
        ),
        (
            "TRB007",
            Box::new(|s| {
                let p = s.construct("Plain");
                let plain = Table::new(s, p, &TableProps::new(Attribute::string("pk")));
                raw_mapping(s, |r, _, _| r.prop("EventSourceArn", plain.stream_arn()));
            }),
        ),
        (
            "TRB008",
            Box::new(|s| {
                let table = table_with_stream(s);
                let f = function(s, "Consumer");
                for id in ["One", "Two", "Three"] {
                    let on_failure = alarmed_bucket_named(s, &format!("{id}Kept"));
                    let p = s.construct(id);
                    StreamSource::new(s, p, &table, &f, &on_failure, &StreamSourceProps::default());
                }
            }),
        ),
        ("TRB009", Box::new(|s| raw_mapping(s, |r, _, _| r))),
        (
            "TRB010",
            Box::new(|s| {
                let table = table_with_stream(s);
                let f = function(s, "Consumer");
                let p = s.construct("Short");
                let q = Queue::new(
                    s,
                    p,
                    &QueueProps {
                        retention_seconds: 345_600,
                        ..Default::default()
                    },
                );
                let p = s.construct("Mapping");
                StreamSource::new(
                    s,
                    p,
                    &table,
                    &f,
                    &OnFailure::Queue(q),
                    &StreamSourceProps::default(),
                );
            }),
        ),
        (
            "TRB011",
            Box::new(|s| {
                raw_rule(s, json!({"source": ["reservations"]}), |q| {
                    Value::map([("Id", "T0".into()), ("Arn", q.arn())])
                })
            }),
        ),
        (
            "TRB012",
            Box::new(|s| {
                raw_rule(s, json!({"source": "reservations"}), |q| {
                    Value::map([
                        ("Id", "T0".into()),
                        ("Arn", q.arn()),
                        ("DeadLetterConfig", Value::map([("Arn", q.arn())])),
                        (
                            "RetryPolicy",
                            Value::map([("MaximumRetryAttempts", 3.into())]),
                        ),
                    ])
                })
            }),
        ),
        (
            "TRB013",
            Box::new(|s| {
                raw_mapping(s, |r, _, q| {
                    r.prop(
                        "DestinationConfig",
                        Value::map([("OnFailure", Value::map([("Destination", q.url())]))]),
                    )
                })
            }),
        ),
        (
            "TRB014",
            Box::new(|s| {
                let p = s.construct("Bare");
                s.add(
                    &p,
                    Resource::new(ResourceType::LambdaFunction).prop("Runtime", "provided.al2023"),
                );
            }),
        ),
        (
            "TRB015",
            Box::new(|s| {
                let table = table_with_stream(s);
                let f = function(s, "Greedy");
                f.grant(s, Statement::allow(&["dynamodb:*"], vec![table.arn()]));
                f.grant(s, Statement::allow(&["s3:GetObject"], vec!["*".into()]));
            }),
        ),
        (
            "TRB016",
            Box::new(|s| {
                let p = s.construct("Doomed");
                s.add(
                    &p,
                    Resource::new(ResourceType::DynamoDbTable).retain(RemovalPolicy::Delete),
                );
            }),
        ),
        (
            "TRB022",
            Box::new(|s| {
                let f = function(s, "Handler");
                let p = s.construct("Api");
                let api = HttpApi::new(s, p, &HttpApiProps::default(), None);
                let open = "/open".parse().unwrap();
                api.add_route(s, HttpMethod::Get, &open, &f, &RouteAuth::None);
            }),
        ),
        ("TRB017", Box::new(|s| topics(s, 401))),
        ("TRB018", Box::new(|s| topics(s, 501))),
        (
            "TRB019",
            Box::new(|s| {
                topics(s, 1);
                for i in 0..201 {
                    s.add_output(
                        &format!("Out{i}"),
                        Output {
                            description: None,
                            value: i.into(),
                            export_name: None,
                        },
                    );
                }
            }),
        ),
        (
            "TRB023",
            Box::new(|s| {
                // A raw API: nothing alarms its 5xx.
                let p = s.construct("RawApi");
                s.add(
                    &p,
                    Resource::new(ResourceType::ApiGatewayV2Api)
                        .prop("Name", "raw")
                        .prop("ProtocolType", "HTTP"),
                );
            }),
        ),
    ];
    let mut covered = BTreeSet::new();
    for (rule, case) in cases {
        let found = codes(case);
        assert!(found.contains(rule), "{rule}: found {found:?}");
        covered.insert(rule);
    }
    let too_big = template_size(&StackName::new("Big").unwrap(), 1_000_001).unwrap();
    assert_eq!(too_big.code, Some("TRB020"));
    assert!(template_size(&StackName::new("Big").unwrap(), 1_000_000).is_none());
    covered.insert("TRB020");
    // TRB021: a raw resource the registry schema of its type refuses.
    let found = codes(|s| {
        let p = s.construct("Odd");
        s.add(
            &p,
            Resource::new(ResourceType::SqsQueue).prop("DelaySeconds", Value::Int(901)),
        );
    });
    assert!(found.contains("TRB021"), "TRB021: found {found:?}");
    covered.insert("TRB021");
    let all: BTreeSet<_> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(covered, all, "every rule has a triggering case");
}

fn alarmed_bucket_named(s: &mut Stack, id: &str) -> OnFailure {
    let p = s.construct(id);
    OnFailure::Bucket(Bucket::new(s, p))
}

fn topics(s: &mut Stack, n: usize) {
    for i in 0..n {
        let p = s.construct(&format!("T{i}"));
        s.add(&p, Resource::new(ResourceType::SnsTopic));
    }
}

/// The pattern with its defaults, a writer and a rule: what `synth` must accept as it is.
fn default_pattern(s: &mut Stack) {
    let p = s.construct("Orders");
    let orders = StreamToBus::new(
        s,
        p,
        &StreamToBusProps::new(
            TableProps::new(Attribute::string("orderId")),
            FunctionProps::new("stream-publisher"),
        ),
        None,
    );
    let writer = function(s, "Writer");
    orders.add_writer(s, &writer);
    let target = function(s, "Target");
    let p = s.construct("OnOrder");
    orders.add_rule(
        s,
        p,
        &RuleProps {
            pattern: EventPattern::of("orders", "OrderPlaced"),
            description: None,
            enabled: true,
        },
        &[Target {
            kind: TargetKind::Function(target),
            retry: TargetRetry::default(),
        }],
    );
}

/// The mapping rules TRB001-TRB008 a bare raw mapping (a function and a source, nothing else)
/// triggers.
fn bare_mapping_codes(source: Value) -> Vec<&'static str> {
    codes(|s| {
        let f = function(s, "Consumer");
        let p = s.construct("Raw");
        let r = Resource::new(ResourceType::LambdaEventSourceMapping)
            .prop("FunctionName", f.name())
            .prop("EventSourceArn", source);
        s.add(&p, r);
    })
    .into_iter()
    .filter(|c| ("TRB001"..="TRB008").contains(c))
    .collect()
}

/// A stream mapping is recognised without a `StartingPosition` (the mistake TRB005 is for) when
/// its source is an imported or written-out stream ARN; a queue or a Kafka cluster is not one.
#[test]
fn raw_mappings_on_literal_and_imported_stream_arns_are_checked() {
    let unsafe_stream = ["TRB001", "TRB002", "TRB003", "TRB004", "TRB005"];
    let streams = [
        Value::from(
            "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2026-01-01T00:00:00.000",
        ),
        Value::sub("arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks"),
        Value::Join(
            ":".to_owned(),
            vec![
                Value::from("arn"),
                Value::Pseudo(tributary::core::Pseudo::Partition),
                Value::from("dynamodb"),
                Value::from("eu-west-1:123456789012:table/Orders/stream/2026-01-01T00:00:00.000"),
            ],
        ),
        Value::ImportValue(Box::new(Value::from("Orders-TableStreamArn"))),
    ];
    for source in streams {
        assert_eq!(
            bare_mapping_codes(source.clone()),
            unsafe_stream,
            "{source:?}"
        );
    }
    let not_streams = [
        Value::from("arn:aws:sqs:eu-west-1:123456789012:jobs"),
        Value::from("arn:aws:kafka:eu-west-1:123456789012:cluster/c/abc"),
        Value::ImportValue(Box::new(Value::from("Jobs-QueueArn"))),
    ];
    for source in not_streams {
        assert_eq!(
            bare_mapping_codes(source.clone()),
            [] as [&str; 0],
            "{source:?}"
        );
    }
}

#[test]
fn the_default_pattern_triggers_no_rule() {
    let synth = one_stack(default_pattern).unwrap();
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
    assert!(!template(&synth).contains("tributary:suppressions"));
}

#[test]
fn the_example_app_triggers_no_rule() {
    let app = tributary::spec::build(
        &tributary::spec::load(&crate::common::root().join("examples/reservations.yaml")).unwrap(),
        &crate::common::root(),
    );
    let synth = app.synth().unwrap();
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
}

fn suppressed(s: &mut Stack, rule: &str, reason: &str) {
    no_destination_alarm(s);
    let table = table_with_stream(s);
    let f = function(s, "Consumer");
    let on_failure = alarmed_bucket(s);
    let p = s.construct("Mapping");
    StreamSource::new(
        s,
        p,
        &table,
        &f,
        &on_failure,
        &StreamSourceProps {
            retries: Retries::Infinite,
            suppress: vec![Suppression::new(rule, reason)],
            ..Default::default()
        },
    );
}

#[test]
fn a_suppression_silences_its_rule_and_is_recorded_where_it_applied() {
    for rule in ["TRB002", "infinite-retries"] {
        let synth: Synthesized =
            one_stack(|s| suppressed(s, rule, "ordering matters more than progress")).unwrap();
        let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
        let recorded = t["Resources"]["Mapping"]["Metadata"]["tributary:suppressions"]
            .as_array()
            .unwrap()
            .clone();
        assert!(
            recorded.contains(
                &json!({ "rule": "TRB002", "reason": "ordering matters more than progress" })
            ),
            "{rule}: {recorded:?}"
        );
    }
}

#[test]
fn suppressions_need_a_known_rule_a_reason_and_a_finding() {
    let bad = |rule: &str, reason: &str| match one_stack(|s| suppressed(s, rule, reason)) {
        Ok(synth) => synth
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(d) => d.to_string(),
    };
    insta::assert_snapshot!(bad("infinite-retry", "ordering matters more than progress"), @"
    error: Test/Mapping: there is no rule `infinite-retry` to suppress; did you mean `infinite-retries`?
    error[TRB002]: Test/Mapping: the mapping retries a failing batch forever (infinite-retries). Fix: Set a finite retry count (default 3).
    ");
    insta::assert_snapshot!(bad("TRB002", "because"), @"
    error: Test/Mapping: the suppression of `TRB002` needs a reason (a few words for reviewers)
    error[TRB002]: Test/Mapping: the mapping retries a failing batch forever (infinite-retries). Fix: Set a finite retry count (default 3).
    ");
    let unused = one_stack(|s| {
        default_pattern(s);
        let p = ConstructPath::root(s.name()).child("Orders");
        s.suppress(
            &p,
            Suppression::new("bisect-off", "copied from another service's spec"),
        );
    })
    .unwrap();
    let warnings: Vec<_> = unused.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["warning: Test/Orders: the suppression of `bisect-off` silences nothing here: remove it"]
    );
    assert!(
        unused
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning)
    );
}

#[test]
fn a_checkov_suppression_becomes_checkov_skip_metadata_under_its_construct() {
    let synth = one_stack(|s| {
        default_pattern(s);
        let p = ConstructPath::root(s.name()).child("Writer");
        s.suppress(
            &p,
            Suppression::new(
                "CKV_AWS_50",
                "X-Ray tracing is off for this service on purpose",
            ),
        );
    })
    .unwrap();
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    let skips = |id: &str| t["Resources"][id]["Metadata"]["checkov"]["skip"].to_string();
    assert!(skips("Writer").contains("CKV_AWS_50"));
    assert!(skips("WriterLogGroup").contains("CKV_AWS_50"));
    assert!(!skips("Target").contains("CKV_AWS_50"));
}

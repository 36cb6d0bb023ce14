//! Constructs: each one's rendered resources (snapshots under `snapshots/`), the pattern with
//! non-default options, and the range checks at each limit's edges.

use tributary::constructs::limits::{self, Limit};
use tributary::constructs::*;
use tributary::core::{AccountId, ConstructPath, Stack, Suppression, Value};
use tributary::patterns::{FailureDestination, StreamToBus, StreamToBusProps};

use crate::common::{
    errors, function, one_stack, outcome, resources, snapshot_settings, table_with_stream,
};

/// Construct tests build raw constructs, without the alarms the pattern adds: they suppress the
/// rule that asks for them (a real app gets them from `StreamToBus`).
fn without_alarms(s: &mut Stack) {
    let root = ConstructPath::root(s.name());
    for rule in ["destination-without-alarm", "unalarmed-failure-path"] {
        s.suppress(
            &root,
            Suppression::new(rule, "raw constructs under test, alarms are the pattern's"),
        );
    }
}

#[test]
fn table_defaults_and_options() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            let p = s.construct("Defaults");
            Table::new(s, p, &TableProps::new(Attribute::string("id")));
            let p = s.construct("Everything");
            Table::new(
                s,
                p,
                &TableProps {
                    sort_key: Some(Attribute::number("at")),
                    billing: Billing::Provisioned { read: 5, write: 2 },
                    stream: Some(StreamViewType::KeysOnly),
                    point_in_time_recovery: false,
                    time_to_live_attribute: Some("expiresAt".into()),
                    deletion_protection: false,
                    ..TableProps::new(Attribute::string("id"))
                },
            );
        })
        .unwrap();
        insta::assert_snapshot!("construct_table", resources(&synth));
    });
}

#[test]
fn queue_topic_bucket() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            let p = s.construct("Queue");
            Queue::new(s, p, &QueueProps::default());
            let p = s.construct("Topic");
            Topic::new(
                s,
                p,
                &TopicProps {
                    display_name: Some("Ops".into()),
                    email_subscriptions: vec!["a@example.com".parse().unwrap()],
                },
            );
            let p = s.construct("Bucket");
            Bucket::new(s, p);
        })
        .unwrap();
        insta::assert_snapshot!("construct_queue_topic_bucket", resources(&synth));
    });
}

#[test]
fn function_with_options() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            let p = s.construct("Fn");
            let mut props = FunctionProps::new("notify-staff");
            props.architecture = Some(tributary::core::Architecture::Arm64);
            props.memory_size = 512;
            props.timeout_seconds = 60;
            props.tracing = true;
            props.log_retention_days = 90;
            props.reserved_concurrency = Some(5);
            props
                .environment
                .insert("MODE".parse().unwrap(), "strict".into());
            let f = Function::new(s, p, &props);
            f.set_environment(s, "BUS", Value::from("bus"), "a test binding");
        })
        .unwrap();
        insta::assert_snapshot!("construct_function", resources(&synth));
    });
}

#[test]
fn stream_source_every_property_and_each_destination() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            without_alarms(s);
            let table = table_with_stream(s);
            let f = function(s, "Consumer");
            let p = s.construct("Topic");
            let topic = Topic::new(s, p, &TopicProps::default());
            let p = s.construct("Bucket");
            let bucket = Bucket::new(s, p);
            let props = StreamSourceProps {
                starting_position: StartingPosition::Latest,
                batch_size: 10_000,
                max_batching_window_seconds: 300,
                retries: Retries::Attempts(10_000),
                max_record_age: RecordAge::Seconds(86_399),
                parallelization_factor: 10,
                tumbling_window_seconds: Some(900),
                filters: vec![Fields::new().with("eventName", Matcher::exact("INSERT"))],
                enabled: false,
                ..StreamSourceProps::default()
            };
            let p = s.construct("ToTopic");
            StreamSource::new(s, p, &table, &f, &OnFailure::Topic(topic), &props);
            let p = s.construct("ToBucket");
            StreamSource::new(
                s,
                p,
                &table,
                &f,
                &OnFailure::Bucket(bucket),
                &StreamSourceProps::default(),
            );
            let p = s.construct("Nowhere");
            StreamSource::new(
                s,
                p,
                &table,
                &f,
                &OnFailure::None,
                &StreamSourceProps {
                    retries: Retries::Infinite,
                    suppress: vec![
                        Suppression::new("infinite-retries", "ordering matters more than progress"),
                        Suppression::new("TRB001", "replayed from the archive"),
                    ],
                    ..StreamSourceProps::default()
                },
            );
        })
        .unwrap();
        insta::assert_snapshot!("construct_stream_source", resources(&synth));
    });
}

#[test]
fn bus_rule_targets_api_alarms() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            without_alarms(s);
            let p = s.construct("Bus");
            let bus = EventBus::new(
                s,
                p,
                &EventBusProps {
                    name: Some("orders".into()),
                    archive_retention_days: Some(7),
                    archive_pattern: None,
                    description: None,
                    allow_accounts: vec![AccountId::new("111111111111").unwrap()],
                    allow_organization: Some("o-a1b2c3d4e5".to_owned().try_into().unwrap()),
                    tags: Default::default(),
                },
            );
            let f = function(s, "Target");
            let p = s.construct("Inbox");
            let inbox = Queue::new(s, p, &QueueProps::default());
            let p = s.construct("Dlq");
            let dlq = Queue::new(s, p, &QueueProps::default());
            let p = s.construct("Rule");
            let rule = Rule::new(
                s,
                p,
                &bus,
                &RuleProps {
                    pattern: EventPattern {
                        source: Some(NonEmpty::new("orders".into())),
                        ..EventPattern::default()
                    }
                    .with_detail("status", Matcher::exact("CONFIRMED")),
                    description: None,
                    enabled: true,
                },
                &[
                    Target {
                        kind: TargetKind::Function(f.clone()),
                        retry: TargetRetry::default(),
                    },
                    Target {
                        kind: TargetKind::Queue(inbox),
                        retry: TargetRetry {
                            max_attempts: 0,
                            max_event_age_seconds: 60,
                        },
                    },
                ],
                &dlq,
            );
            let p = s.construct("Api");
            let api = HttpApi::new(s, p, &HttpApiProps::default(), None);
            api.add_route(
                s,
                HttpMethod::Get,
                &"/orders/{id}".parse().unwrap(),
                &f,
                &RouteAuth::Iam,
            );
            let p = s.construct("Alerts");
            let alerts = Topic::new(s, p, &TopicProps::default());
            let p = s.construct("RuleAlarm");
            Alarm::rule_failed_invocations(s, p, &rule, &alerts);
        })
        .unwrap();
        insta::assert_snapshot!("construct_bus_rule_api_alarm", resources(&synth));
    });
}

#[test]
fn pattern_with_non_default_options() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            let mut props = StreamToBusProps::new(
                TableProps::new(Attribute::string("orderId")),
                FunctionProps {
                    timeout_seconds: 60,
                    ..FunctionProps::new("stream-publisher")
                },
            );
            props.on_failure = FailureDestination::Bucket;
            props.stream.batch_size = 25;
            props.stream.parallelization_factor = 2;
            props.bus.archive_retention_days = None;
            props.alarms.iterator_age_seconds = 60;
            props.alarms.emails = vec!["team@example.com".parse().unwrap()];
            let p = s.construct("Orders");
            StreamToBus::new(s, p, &props, None);
        })
        .unwrap();
        insta::assert_snapshot!("pattern_bucket_destination", resources(&synth));
    });
}

/// Builds a mapping with `props` and returns its errors (or "ok").
fn mapping_errors(props: StreamSourceProps) -> String {
    let result = one_stack(|s| {
        without_alarms(s);
        let table = table_with_stream(s);
        let f = function(s, "Consumer");
        let p = s.construct("Queue");
        let q = Queue::new(s, p, &QueueProps::default());
        let p = s.construct("Mapping");
        StreamSource::new(s, p, &table, &f, &OnFailure::Queue(q), &props);
    });
    outcome(result)
}

/// Checks a limit at min-1, min, max and max+1.
fn edges(limit: Limit, build: impl Fn(i64) -> String) {
    assert_eq!(build(limit.min), "ok", "{} at its minimum", limit.property);
    assert_eq!(build(limit.max), "ok", "{} at its maximum", limit.property);
    let below = build(limit.min - 1);
    assert!(
        below.contains("out of range") || below.contains("must be"),
        "{} below minimum: {below}",
        limit.property
    );
    let above = build(limit.max + 1);
    assert!(
        above.contains("out of range") || above.contains("must be"),
        "{} above maximum: {above}",
        limit.property
    );
}

#[test]
fn stream_source_ranges_at_their_edges() {
    edges(limits::BATCH_SIZE, |v| {
        mapping_errors(StreamSourceProps {
            batch_size: v as u32,
            ..Default::default()
        })
    });
    // A table stream keeps records 24 h: below that, not Lambda's 604,800, is the maximum.
    let table_stream = limits::Limit {
        max: i64::from(tributary::constructs::stream_source::STREAM_RETENTION_SECONDS) - 1,
        ..limits::MAXIMUM_RECORD_AGE_SECONDS
    };
    edges(table_stream, |v| {
        mapping_errors(StreamSourceProps {
            max_record_age: RecordAge::Seconds(v as u32),
            ..Default::default()
        })
    });
    edges(limits::PARALLELIZATION_FACTOR, |v| {
        mapping_errors(StreamSourceProps {
            parallelization_factor: v as u32,
            ..Default::default()
        })
    });
    edges(limits::MAXIMUM_BATCHING_WINDOW_SECONDS, |v| {
        if v < 0 {
            return "out of range (unsigned)".to_owned();
        }
        mapping_errors(StreamSourceProps {
            max_batching_window_seconds: v as u32,
            ..Default::default()
        })
    });
    edges(limits::TUMBLING_WINDOW_SECONDS, |v| {
        if v < 0 {
            return "out of range (unsigned)".to_owned();
        }
        mapping_errors(StreamSourceProps {
            tumbling_window_seconds: Some(v as u32),
            ..Default::default()
        })
    });
    edges(limits::MAXIMUM_RETRY_ATTEMPTS, |v| {
        if v < 0 {
            return "out of range (unsigned)".to_owned();
        }
        mapping_errors(StreamSourceProps {
            retries: Retries::Attempts(v as u32),
            ..Default::default()
        })
    });
    insta::assert_snapshot!(
        mapping_errors(StreamSourceProps { max_record_age: RecordAge::Seconds(59), ..Default::default() }),
        @"error: Test/Mapping: maxRecordAge = 59 is out of range: AWS::Lambda::EventSourceMapping MaximumRecordAgeInSeconds allows 60..=604800"
    );
}

#[test]
fn unsafe_mappings_are_refused_unless_suppressed_with_a_reason() {
    insta::assert_snapshot!(
        mapping_errors(StreamSourceProps { retries: Retries::Infinite, ..Default::default() }),
        @"error[TRB002]: Test/Mapping: the mapping retries a failing batch forever (infinite-retries). Fix: Set a finite retry count (default 3)."
    );
    let result = one_stack(|s| {
        let table = table_with_stream(s);
        let f = function(s, "Consumer");
        let p = s.construct("Mapping");
        StreamSource::new(
            s,
            p,
            &table,
            &f,
            &OnFailure::None,
            &StreamSourceProps::default(),
        );
    });
    insta::assert_snapshot!(errors(result), @"
    error[TRB001]: Test/Mapping: the mapping has no on-failure destination (no-on-failure-destination). Fix: Give the mapping an on-failure destination (the pattern's default is a bucket that keeps whole records).
    error[TRB023]: Test/Mapping: the stream mapping has no alarm on AWS/Lambda DroppedEventCount (dimensions EventSourceMappingUUID): records it drops are lost (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).
    error[TRB023]: Test/Mapping: the stream mapping has no alarm on AWS/Lambda IteratorAge (dimensions FunctionName): its records expire from the stream after 24 h while it falls behind (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).
    ");
    insta::assert_snapshot!(
        mapping_errors(StreamSourceProps {
            retries: Retries::Infinite,
            suppress: vec![Suppression::new("infinite-retries", " ")],
            ..Default::default()
        }),
        @"
    error: Test/Mapping: the suppression of `infinite-retries` needs a reason (a few words for reviewers)
    error[TRB002]: Test/Mapping: the mapping retries a failing batch forever (infinite-retries). Fix: Set a finite retry count (default 3).
    "
    );
}

#[test]
fn mapping_of_a_table_without_stream_is_an_error() {
    let result = one_stack(|s| {
        without_alarms(s);
        let p = s.construct("Table");
        let table = Table::new(s, p, &TableProps::new(Attribute::string("pk")));
        let f = function(s, "Consumer");
        let p = s.construct("Queue");
        let q = Queue::new(s, p, &QueueProps::default());
        let p = s.construct("Mapping");
        StreamSource::new(
            s,
            p,
            &table,
            &f,
            &OnFailure::Queue(q),
            &StreamSourceProps::default(),
        );
    });
    insta::assert_snapshot!(errors(result), @"error[TRB007]: Test/Mapping: EventSourceArn is the StreamArn of table `Table`, which has no stream (table-without-stream). Fix: Give the table a StreamSpecification (NEW_AND_OLD_IMAGES).");
}

fn queue_errors(props: QueueProps) -> String {
    outcome(one_stack(|s| {
        let p = s.construct("Queue");
        Queue::new(s, p, &props);
    }))
}

fn function_errors(props: FunctionProps) -> String {
    outcome(one_stack(|s| {
        let p = s.construct("Fn");
        Function::new(s, p, &props);
    }))
}

#[test]
fn queue_and_function_ranges_at_their_edges() {
    edges(limits::MESSAGE_RETENTION_SECONDS, |v| {
        queue_errors(QueueProps {
            retention_seconds: v as u32,
            ..Default::default()
        })
    });
    edges(limits::MAXIMUM_MESSAGE_SIZE, |v| {
        queue_errors(QueueProps {
            maximum_message_size: Some(v as u32),
            ..Default::default()
        })
    });
    edges(limits::VISIBILITY_TIMEOUT_SECONDS, |v| {
        if v < 0 {
            return "out of range (unsigned)".to_owned();
        }
        queue_errors(QueueProps {
            visibility_timeout_seconds: v as u32,
            ..Default::default()
        })
    });
    edges(limits::MEMORY_SIZE_MB, |v| {
        function_errors(FunctionProps {
            memory_size: v as u32,
            ..FunctionProps::new("notify-staff")
        })
    });
    edges(limits::TIMEOUT_SECONDS, |v| {
        function_errors(FunctionProps {
            timeout_seconds: v as u32,
            ..FunctionProps::new("notify-staff")
        })
    });
    insta::assert_snapshot!(
        function_errors(FunctionProps { log_retention_days: 2, ..FunctionProps::new("notify-staff") }),
        @"error: Test/Fn: logRetentionDays = 2 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
    );
}

#[test]
fn unknown_handler_suggests_the_closest() {
    let out = function_errors(FunctionProps::new("stream-publsher"));
    insta::assert_snapshot!(out, @"error: Test/Fn: handler `stream-publsher`: the cargo workspace has no package `stream-publsher`; did you mean `stream-publisher`?");
}

#[test]
fn rule_targets_are_limited_to_five() {
    let result = one_stack(|s| {
        without_alarms(s);
        let p = s.construct("Bus");
        let bus = EventBus::new(s, p, &EventBusProps::default());
        let f = function(s, "Target");
        let p = s.construct("Dlq");
        let dlq = Queue::new(s, p, &QueueProps::default());
        let targets: Vec<Target> = (0..6)
            .map(|_| Target {
                kind: TargetKind::Function(f.clone()),
                retry: TargetRetry::default(),
            })
            .collect();
        let p = s.construct("Rule");
        Rule::new(
            s,
            p,
            &bus,
            &RuleProps {
                pattern: EventPattern::of("a", "b"),
                description: None,
                enabled: true,
            },
            &targets,
            &dlq,
        );
    });
    insta::assert_snapshot!(errors(result), @"error: Test/Rule: targets = 6 is out of range: AWS::Events::Rule Targets allows 1..=5");
}

fn rule_errors(retry: TargetRetry) -> String {
    outcome(one_stack(|s| {
        without_alarms(s);
        let p = s.construct("Bus");
        let bus = EventBus::new(s, p, &EventBusProps::default());
        let f = function(s, "Target");
        let p = s.construct("Dlq");
        let dlq = Queue::new(s, p, &QueueProps::default());
        let p = s.construct("Rule");
        let props = RuleProps {
            pattern: EventPattern::of("a", "b"),
            description: None,
            enabled: true,
        };
        Rule::new(
            s,
            p,
            &bus,
            &props,
            &[Target {
                kind: TargetKind::Function(f),
                retry,
            }],
            &dlq,
        );
    }))
}

#[test]
fn target_retry_ranges_at_their_edges() {
    edges(limits::TARGET_RETRY_ATTEMPTS, |v| {
        if v < 0 {
            return "out of range (unsigned)".to_owned();
        }
        rule_errors(TargetRetry {
            max_attempts: v as u32,
            ..TargetRetry::default()
        })
    });
    edges(limits::TARGET_EVENT_AGE_SECONDS, |v| {
        rule_errors(TargetRetry {
            max_event_age_seconds: v as u32,
            ..TargetRetry::default()
        })
    });
}

#[test]
fn filter_count_and_size_at_their_edges() {
    let filters = |n: usize| {
        (0..n)
            .map(|i| Fields::new().with("eventName", Matcher::exact(format!("E{i}"))))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        mapping_errors(StreamSourceProps {
            filters: filters(20),
            ..Default::default()
        }),
        "ok"
    );
    insta::assert_snapshot!(
        mapping_errors(StreamSourceProps { filters: filters(21), ..Default::default() }),
        @"error: Test/Mapping: filters = 21 is out of range: AWS::Lambda::EventSourceMapping FilterCriteria.Filters allows 1..=20"
    );
    // {"k":["<n x>"]} is n + 10 characters.
    let sized = |n: usize| vec![Fields::new().with("k", Matcher::exact("x".repeat(n - 10)))];
    assert_eq!(
        mapping_errors(StreamSourceProps {
            filters: sized(4096),
            ..Default::default()
        }),
        "ok"
    );
    insta::assert_snapshot!(
        mapping_errors(StreamSourceProps { filters: sized(4097), ..Default::default() }),
        @"error: Test/Mapping: filters[0]: length = 4097 is out of range: AWS::Lambda::EventSourceMapping FilterCriteria.Filters.Pattern allows 1..=4096"
    );
}

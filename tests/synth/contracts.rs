//! The event contract: schema registry entries from the handlers' types, rule patterns checked
//! against it, and what the pattern does for failed batches and rule targets.

use reservations::events::{BusinessEvent, DETAIL_TYPES, ReservationCreated, Reservations, SOURCE};
use serde_json::Value as Json;
use tributary::constructs::*;
use tributary::core::{Stack, Synthesized};
use tributary::patterns::{FailureDestination, StreamToBus, StreamToBusProps};

use crate::common::{one_stack, outcome};

fn pattern(s: &mut Stack, on_failure: FailureDestination) -> StreamToBus {
    let mut props = StreamToBusProps::new(
        TableProps::new(Attribute::string("reservationId")),
        FunctionProps::new("stream-publisher"),
    );
    props.on_failure = on_failure;
    props.events = Some(EventContract::of::<Reservations>());
    let p = s.construct("Reservations");
    StreamToBus::new(s, p, &props, None)
}

fn rule(s: &mut Stack, bus: &StreamToBus, pattern: EventPattern) {
    let p = s.construct("Notify");
    let f = Function::new(s, p, &FunctionProps::new("notify-staff"));
    let p = s.construct("OnEvent");
    bus.add_rule(
        s,
        p,
        &RuleProps {
            pattern,
            description: None,
            enabled: true,
        },
        &[Target {
            kind: TargetKind::Function(f),
            retry: TargetRetry::default(),
        }],
    );
}

fn resources_of<'a>(template: &'a Json, kind: &str) -> Vec<(&'a String, &'a Json)> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

fn template(synth: &Synthesized) -> Json {
    serde_json::from_str(&crate::common::template(synth)).unwrap()
}

/// The example's contract file is what its Rust types give (the domain crate's own test keeps it
/// current): a spec naming the file and Rust code building from the types get one registry.
#[test]
fn the_contract_file_reads_as_the_contract_of_its_types() {
    let path = crate::common::root().join("handlers/reservations/contract.json");
    let loaded = tributary::contracts::load(&path).unwrap();
    assert_eq!(loaded, EventContract::of::<Reservations>());
    assert_eq!(loaded.source, SOURCE);
    assert_eq!(loaded.detail_types().collect::<Vec<_>>(), DETAIL_TYPES);
}

#[test]
fn every_event_of_the_contract_is_in_the_registry_as_openapi() {
    let synth = one_stack(|s| {
        pattern(s, FailureDestination::Bucket);
    })
    .unwrap();
    let template = template(&synth);
    let registries = resources_of(&template, "AWS::EventSchemas::Registry");
    assert_eq!(registries.len(), 1);
    assert_eq!(
        registries[0].1["Properties"]["RegistryName"],
        "Test-Reservations"
    );
    let schemas = resources_of(&template, "AWS::EventSchemas::Schema");
    let names: Vec<_> = schemas
        .iter()
        .map(|(_, r)| r["Properties"]["SchemaName"].as_str().unwrap())
        .collect();
    let expected: Vec<_> = DETAIL_TYPES
        .iter()
        .map(|t| format!("{SOURCE}@{t}"))
        .collect();
    assert_eq!(names, expected);
    for (_, schema) in schemas {
        let props = &schema["Properties"];
        assert_eq!(props["Type"], "OpenApi3");
        let content: Json = serde_json::from_str(props["Content"].as_str().unwrap()).unwrap();
        let components = &content["components"]["schemas"];
        let event = &components["AWSEvent"];
        assert_eq!(event["x-amazon-events-source"], SOURCE);
        let detail_type = event["x-amazon-events-detail-type"].as_str().unwrap();
        assert_eq!(
            props["SchemaName"].as_str().unwrap(),
            format!("{SOURCE}@{detail_type}")
        );
        // Every reference resolves inside the document.
        let text = props["Content"].as_str().unwrap();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(components.get(name).is_some(), "{detail_type}: {name}");
        }
        assert_eq!(
            components["Reservation"]["properties"]["partySize"]["maximum"],
            20
        );
        assert!(components["Status"].to_string().contains("CANCELLED"));
    }
}

#[test]
fn rules_must_match_what_the_contract_publishes() {
    let ok = one_stack(|s| {
        let bus = pattern(s, FailureDestination::Bucket);
        rule(
            s,
            &bus,
            EventPattern::of(SOURCE, ReservationCreated::DETAIL_TYPE),
        );
    });
    assert_eq!(outcome(ok), "ok");

    let wrong = one_stack(|s| {
        let bus = pattern(s, FailureDestination::Bucket);
        rule(
            s,
            &bus,
            EventPattern::of("reservation", "ReservationCreatd"),
        );
    });
    insta::assert_snapshot!(outcome(wrong), @r"
    error: Test/OnEvent: pattern.source: `reservation` is not published on Test/Reservations/Bus, which carries `reservations` (did you mean `reservations`?)
    error: Test/OnEvent: pattern.detailType: `ReservationCreatd` is not an event of `reservations` (did you mean `ReservationCreated`?)
    ");
}

#[test]
fn failed_batches_go_to_a_bucket_with_alarms_by_default() {
    let synth = one_stack(|s| {
        let mut props = StreamToBusProps::new(
            TableProps::new(Attribute::string("id")),
            FunctionProps::new("stream-publisher"),
        );
        props.events = None;
        let p = s.construct("Orders");
        StreamToBus::new(s, p, &props, None);
    })
    .unwrap();
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
    let template = template(&synth);
    let mapping = &resources_of(&template, "AWS::Lambda::EventSourceMapping")[0].1["Properties"];
    assert_eq!(
        mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
        "OrdersFailedBatches"
    );
    assert_eq!(mapping["MetricsConfig"]["Metrics"][0], "EventCount");
    let metrics: Vec<_> = resources_of(&template, "AWS::CloudWatch::Alarm")
        .iter()
        .map(|(_, a)| a["Properties"]["MetricName"].as_str().unwrap().to_owned())
        .collect();
    for metric in [
        "OnFailureDestinationDeliveredEventCount",
        "DroppedEventCount",
        "DestinationDeliveryFailures",
        "IteratorAge",
    ] {
        assert!(metrics.iter().any(|m| m == metric), "{metric}: {metrics:?}");
    }
    let bucket = &resources_of(&template, "AWS::S3::Bucket")[0].1;
    assert_eq!(bucket["DeletionPolicy"], "Retain");
}

#[test]
fn an_on_failure_queue_warns_that_bodies_are_lost() {
    let synth = one_stack(|s| {
        pattern(s, FailureDestination::Queue);
    })
    .unwrap();
    let warnings: Vec<_> = synth.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "warning: Test/Reservations/OnFailureQueue: an on-failure queue receives only metadata"
        ),
        "{warnings:?}"
    );
}

#[test]
fn a_target_function_sends_its_failed_events_to_a_queue() {
    let synth = one_stack(|s| {
        let bus = pattern(s, FailureDestination::Bucket);
        rule(
            s,
            &bus,
            EventPattern::of(SOURCE, ReservationCreated::DETAIL_TYPE),
        );
    })
    .unwrap();
    let template = template(&synth);
    let configs = resources_of(&template, "AWS::Lambda::EventInvokeConfig");
    assert_eq!(configs.len(), 1);
    let (_, config) = configs[0];
    assert_eq!(config["Properties"]["Qualifier"], "$LATEST");
    assert_eq!(config["Properties"]["MaximumRetryAttempts"], 2);
    assert_eq!(
        config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
        "NotifyAsyncFailureQueue"
    );
    assert_eq!(config["DependsOn"][0], "NotifyServiceRoleDefaultPolicy");
    let policy = template["Resources"]["NotifyServiceRoleDefaultPolicy"].to_string();
    assert!(policy.contains("sqs:SendMessage") && policy.contains("NotifyAsyncFailureQueue"));
    let alarms = template["Resources"]["NotifyAsyncFailureQueueAlarm"].to_string();
    assert!(
        alarms.contains("ApproximateNumberOfMessagesVisible"),
        "{alarms}"
    );
}

#[test]
fn send_email_from_grants_ses_on_those_identities_only() {
    let synth = one_stack(|s| {
        let p = s.construct("Notify");
        Function::new(
            s,
            p,
            &FunctionProps {
                send_email_from: vec![
                    "reservations@example.com".parse().unwrap(),
                    "example.org".parse().unwrap(),
                ],
                ..FunctionProps::new("notify-staff")
            },
        );
    })
    .unwrap();
    let template = template(&synth);
    let statements = &template["Resources"]["NotifyServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]
        ["Statement"];
    let ses = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == "ses:SendEmail")
        .unwrap();
    let resources: Vec<_> = ses["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Fn::Sub"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        resources,
        ["reservations@example.com", "example.com", "example.org"]
    );

    let bad: Vec<String> = ["not an address", "@example.com", "a@@example.com"]
        .into_iter()
        .map(|t| {
            t.parse::<tributary::constructs::SesIdentity>()
                .unwrap_err()
                .to_string()
        })
        .collect();
    insta::assert_snapshot!(bad.join("\n"), @r"
    `not an address` is not a mail domain: the domain may only hold letters, digits, `-` and `.`
    `@example.com` is not an email address: nothing comes before the `@`
    `a@@example.com` is not an email address: it has more than one `@`
    ");
}

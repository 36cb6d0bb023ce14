//! Buses as constructs of their own: a central bus with a resource policy for other accounts or
//! an organization, several patterns publishing to it (one source each), rules on it, and
//! existing buses by ARN.

use std::path::Path;

use serde_json::{Value as Json, json};
use tributary::constructs::*;
use tributary::core::{Diagnostics, Synthesized};
use tributary::patterns::{StreamToBus, StreamToBusProps};

use crate::common::{errors, of_type, one_stack, root, stack_json};

/// A spec in a temporary directory beside two contracts: the example's (`reservations.json`,
/// source `reservations`) and one with source `payments` (`payments.json`).
fn synth(yaml: &str) -> Result<Synthesized, Diagnostics> {
    let dir = tempfile::tempdir().unwrap();
    let contract =
        std::fs::read_to_string(root().join("handlers/reservations/contract.json")).unwrap();
    std::fs::write(dir.path().join("reservations.json"), &contract).unwrap();
    let payments = contract.replacen(
        "\"source\": \"reservations\"",
        "\"source\": \"payments\"",
        1,
    );
    assert_ne!(payments, contract);
    std::fs::write(dir.path().join("payments.json"), payments).unwrap();
    let spec = tributary::spec::parse(&dir.path().join("app.yaml"), yaml).unwrap();
    let spec = crate::common::shown_as(spec, Path::new("app.yaml"));
    tributary::spec::build(&spec, &root()).synth()
}

const PLATFORM: &str = "stacks:
  Platform:
    buses:
      Central:
        name: central
        allowAccounts: [111111111111, '022222222222']
        allowOrganization: o-a1b2c3d4e5
  Bookings:
    streamToBus:
      Reservations:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        bus: Platform/Central
        events: reservations.json
  Billing:
    streamToBus:
      Payments:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        bus: Platform/Central
        events: payments.json
  Consumers:
    topics:
      Alerts: {}
    functions:
      Notify: { handler: notify-staff }
    rules:
      OnBooking:
        bus: Platform/Central
        alertTopic: Alerts
        pattern: { source: [reservations], detailType: [ReservationCreated] }
        targets: [{ function: Notify }]
";

#[test]
fn a_central_bus_lets_named_accounts_and_an_organization_put_events() {
    let synth = synth(PLATFORM).unwrap();
    let t = stack_json(&synth, "Platform");
    let (_, bus) = of_type(&t, "AWS::Events::EventBus").pop().unwrap();
    insta::assert_json_snapshot!(bus["Properties"], @r#"
    {
      "Name": "central",
      "Policy": {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Sid": "PutEventsFrom111111111111",
            "Effect": "Allow",
            "Principal": {
              "AWS": {
                "Fn::Sub": "arn:${AWS::Partition}:iam::111111111111:root"
              }
            },
            "Action": "events:PutEvents",
            "Resource": {
              "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/central"
            }
          },
          {
            "Sid": "PutEventsFrom022222222222",
            "Effect": "Allow",
            "Principal": {
              "AWS": {
                "Fn::Sub": "arn:${AWS::Partition}:iam::022222222222:root"
              }
            },
            "Action": "events:PutEvents",
            "Resource": {
              "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/central"
            }
          },
          {
            "Sid": "PutEventsFromOrganization",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": {
              "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/central"
            },
            "Condition": {
              "StringEquals": {
                "aws:PrincipalOrgID": "o-a1b2c3d4e5"
              }
            }
          }
        ]
      }
    }
    "#);
    // Its archive is there and retained, as a pattern's own bus has it.
    let (_, archive) = of_type(&t, "AWS::Events::Archive").pop().unwrap();
    assert_eq!(archive["DeletionPolicy"], "Retain");
}

#[test]
fn two_patterns_publish_to_one_bus_and_a_rule_sits_on_it() {
    let synth = synth(PLATFORM).unwrap();
    for service in ["Bookings", "Billing"] {
        let t = stack_json(&synth, service);
        assert!(
            of_type(&t, "AWS::Events::EventBus").is_empty(),
            "{service} has no bus of its own"
        );
        let (_, publisher) = of_type(&t, "AWS::Lambda::Function")
            .into_iter()
            .find(|(id, _)| id.ends_with("Publisher"))
            .unwrap();
        assert_eq!(
            publisher["Properties"]["Environment"]["Variables"]["EVENT_BUS_NAME"],
            json!({"Fn::ImportValue": "Platform:ExportsOutputRefCentral"})
        );
        let grants: Vec<&Json> = of_type(&t, "AWS::IAM::Policy")
            .into_iter()
            .flat_map(|(_, p)| {
                p["Properties"]["PolicyDocument"]["Statement"]
                    .as_array()
                    .unwrap()
            })
            .filter(|s| s["Action"] == "events:PutEvents")
            .collect();
        assert_eq!(
            grants[0]["Resource"],
            json!({"Fn::ImportValue": "Platform:ExportsOutputFnGetAttCentralArn"})
        );
    }
    let t = stack_json(&synth, "Consumers");
    let (_, rule) = of_type(&t, "AWS::Events::Rule").pop().unwrap();
    assert_eq!(
        rule["Properties"]["EventBusName"],
        json!({"Fn::ImportValue": "Platform:ExportsOutputRefCentral"})
    );
    // Its alarms go to the topic it names.
    let (_, alarm) = of_type(&t, "AWS::CloudWatch::Alarm")
        .into_iter()
        .find(|(_, a)| a["Properties"]["MetricName"] == "FailedInvocations")
        .unwrap();
    assert_eq!(
        alarm["Properties"]["AlarmActions"],
        json!([{"Ref": "Alerts"}])
    );
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
}

#[test]
fn a_rule_on_a_shared_bus_is_checked_against_every_publisher_s_contract() {
    let yaml = PLATFORM.replace(
        "pattern: { source: [reservations], detailType: [ReservationCreated] }",
        "pattern: { source: [payment], detailType: [ReservationCreatd] }",
    );
    insta::assert_snapshot!(errors(synth(&yaml)), @"
    error: app.yaml:31:20: Consumers/OnBooking: pattern.source: `payment` is not published on Platform/Central, which carries `reservations`, `payments` (did you mean `payments`?)
    error: app.yaml:31:39: Consumers/OnBooking: pattern.detailType: `ReservationCreatd` is not an event of `reservations` or `payments` (did you mean `ReservationCreated`?)
    ");
}

#[test]
fn two_contracts_with_one_source_on_one_bus_are_refused() {
    let yaml = PLATFORM.replace("events: payments.json", "events: reservations.json");
    insta::assert_snapshot!(errors(synth(&yaml)), @"error: app.yaml:17:7: Billing/Payments: event source `reservations` is also the event source of `Bookings/Reservations`, and event sources must be unique within event bus Platform/Central; rename one of them");
}

#[test]
fn a_rule_on_a_bus_of_buses_without_an_alert_topic_gets_a_topic_of_its_own() {
    let yaml = PLATFORM.replace("        alertTopic: Alerts\n", "");
    let synth = synth(&yaml).unwrap();
    let t = stack_json(&synth, "Consumers");
    let topics: Vec<&String> = of_type(&t, "AWS::SNS::Topic")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    insta::assert_debug_snapshot!(topics, @r#"
    [
        "Alerts",
        "OnBookingAlerts",
    ]
    "#);
}

#[test]
fn a_pattern_may_publish_to_an_existing_bus_of_another_account_by_arn() {
    let yaml = "stacks:
  Bookings:
    env: { account: 333333333333, region: eu-west-1 }
    streamToBus:
      Reservations:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        bus: arn:aws:events:eu-west-1:111111111111:event-bus/central
";
    let synth = synth(yaml).unwrap();
    let t = stack_json(&synth, "Bookings");
    assert!(of_type(&t, "AWS::Events::EventBus").is_empty());
    let (_, publisher) = of_type(&t, "AWS::Lambda::Function")
        .into_iter()
        .find(|(id, _)| id.ends_with("Publisher"))
        .unwrap();
    // PutEvents takes the ARN to reach another account's bus.
    assert_eq!(
        publisher["Properties"]["Environment"]["Variables"]["EVENT_BUS_NAME"],
        "arn:aws:events:eu-west-1:111111111111:event-bus/central"
    );
    assert!(
        serde_json::to_string(&t)
            .unwrap()
            .contains("\"Resource\":\"arn:aws:events:eu-west-1:111111111111:event-bus/central\"")
    );
}

#[test]
fn bad_bus_references_are_named_with_what_was_expected() {
    let bad_arn = PLATFORM.replacen(
        "bus: Platform/Central",
        "bus: arn:aws:sqs:eu-west-1:111111111111:central",
        1,
    );
    insta::assert_snapshot!(errors(synth(&bad_arn)), @"error: app.yaml:13:9: Bookings/Reservations: bus: `arn:aws:sqs:eu-west-1:111111111111:central` is not an event bus ARN (its service is not `events`): it reads `arn:<partition>:events:<region>:<account>:event-bus/<name>`");
    let misspelt = PLATFORM.replacen("bus: Platform/Central", "bus: Platform/Centrl", 1);
    insta::assert_snapshot!(errors(synth(&misspelt)), @"error: app.yaml:13:9: Bookings/Reservations: bus: there is no bus `Platform/Centrl`; did you mean `Platform/Central`?");
    let bad_org = PLATFORM.replace("o-a1b2c3d4e5", "o-short");
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(tributary::spec::parse(&dir.path().join("app.yaml"), &bad_org).unwrap_err().to_string().replace(&dir.path().display().to_string(), "<dir>"), @"<dir>/app.yaml:5:9: stacks.Platform.buses.Central: `o-short` is not an AWS Organization ID: `o-` and 10 to 32 lowercase letters or digits");
    let foreign_rule = "stacks:
  Consumers:
    env: { account: 333333333333, region: eu-west-1 }
    functions:
      Notify: { handler: notify-staff }
    rules:
      OnBooking:
        bus: arn:aws:events:eu-west-1:111111111111:event-bus/central
        pattern: { source: [reservations] }
        targets: [{ function: Notify }]
";
    insta::assert_snapshot!(errors(synth(foreign_rule)), @"error: app.yaml:7:7: Consumers/OnBooking: a rule sits on a bus of its own account and region, and `arn:aws:events:eu-west-1:111111111111:event-bus/central` is in 111111111111 eu-west-1; put the rule in a stack of that account, or forward the events to a bus of this one");
}

#[test]
fn a_pattern_on_a_shared_bus_takes_no_settings_for_a_bus_of_its_own() {
    let found = errors(one_stack(|s| {
        let p = s.construct("Central");
        let central = EventBus::new(s, p, &EventBusProps::default());
        let mut props = StreamToBusProps::new(
            TableProps::new(Attribute::string("id")),
            FunctionProps::new("stream-publisher"),
        );
        props.publish_to = Some(central);
        props.bus.archive_retention_days = Some(7);
        let p = s.construct("Orders");
        StreamToBus::new(s, p, &props, None);
    }));
    insta::assert_snapshot!(found, @"error: Test/Orders: the bus settings configure a bus of the pattern's own, but it publishes to Test/Central; set them on that bus, or leave them out");
}

#[test]
fn a_bus_of_buses_takes_tags_of_its_own_and_a_bad_one_is_named_at_its_line() {
    let tagged = PLATFORM.replace(
        "        allowOrganization: o-a1b2c3d4e5\n",
        "        allowOrganization: o-a1b2c3d4e5\n        tags: { data-class: business-events }\n",
    );
    let done = synth(&("tags: { team: platform }\n".to_owned() + &tagged)).unwrap();
    let t = stack_json(&done, "Platform");
    let (_, bus) = of_type(&t, "AWS::Events::EventBus").pop().unwrap();
    assert_eq!(
        bus["Properties"]["Tags"],
        json!([
            {"Key": "data-class", "Value": "business-events"},
            {"Key": "team", "Value": "platform"}
        ])
    );
    let bad = PLATFORM.replace(
        "        allowOrganization: o-a1b2c3d4e5\n",
        "        allowOrganization: o-a1b2c3d4e5\n        tags: { 'aws:owner': me }\n",
    );
    insta::assert_snapshot!(errors(synth(&bad)), @"error: app.yaml:8:9: Platform/Central: tags: key `aws:owner` starts with `aws:`, which AWS reserves for its own tags");
}

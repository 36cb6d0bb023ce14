//! Alarms that fire on every failure path (TRB023), and the hardening of grants, the archive and
//! the failed-batches bucket.

use std::path::Path;

use serde_json::{Value as Json, json};
use tributary::constructs::*;
use tributary::core::cfn::ResourceType;
use tributary::core::{Diagnostics, Resource, Stack, Suppression, Synthesized, Value};

use crate::common::{errors, function, of_type, one_stack, root, stack_json};

fn build(yaml: &str) -> Result<Synthesized, Diagnostics> {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    tributary::spec::build(&spec, &root()).synth()
}

/// The metric names and dimension names of every alarm of `t`, sorted.
fn alarms(t: &Json) -> Vec<String> {
    let mut out: Vec<String> = of_type(t, "AWS::CloudWatch::Alarm")
        .iter()
        .map(|(_, a)| {
            let p = &a["Properties"];
            let dims: Vec<&str> = p["Dimensions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["Name"].as_str().unwrap())
                .collect();
            format!("{} {}", p["MetricName"].as_str().unwrap(), dims.join("+"))
        })
        .collect();
    out.sort();
    out
}

/// The example app, as the spec describes it.
fn example() -> Synthesized {
    let spec = tributary::spec::load(&root().join("examples/reservations.yaml")).unwrap();
    tributary::spec::build(&spec, &root()).synth().unwrap()
}

const TWO_STACKS: &str = "stacks:
  Orders:
    topics:
      Alerts: {}
    functions:
      Writer: { handler: create-reservation }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        alertTopic: Alerts
        writers: [Writer]
    httpApis:
      Api:
        alertTopic: Alerts
        defaultAuth: iam
        routes:
          - { method: POST, path: /orders, function: Writer }
  Shipping:
    functions:
      Ship: { handler: notify-staff }
    rules:
      OnOrder:
        bus: Orders/Orders
        pattern: { source: [orders] }
        targets: [{ function: Ship }]
";

#[test]
fn a_rule_on_a_custom_bus_is_alarmed_under_both_of_its_dimensions() {
    let synth = build(TWO_STACKS).unwrap();
    let t = stack_json(&synth, "Shipping");
    let (_, alarm) = of_type(&t, "AWS::CloudWatch::Alarm")
        .into_iter()
        .find(|(_, a)| a["Properties"]["MetricName"] == "FailedInvocations")
        .unwrap();
    let (_, rule) = of_type(&t, "AWS::Events::Rule").pop().unwrap();
    let dims = &alarm["Properties"]["Dimensions"];
    assert_eq!(dims[0]["Name"], "EventBusName");
    // The rule's own bus name, imported from the bus's stack like the rule's EventBusName.
    assert_eq!(dims[0]["Value"], rule["Properties"]["EventBusName"]);
    assert_eq!(
        dims[1],
        json!({"Name": "RuleName", "Value": rule["Properties"]["Name"]})
    );
}

#[test]
fn every_lambda_target_and_the_api_get_their_failure_alarms() {
    let synth = build(TWO_STACKS).unwrap();
    insta::assert_debug_snapshot!(alarms(&stack_json(&synth, "Shipping")), @r#"
    [
        "ApproximateNumberOfMessagesVisible QueueName",
        "ApproximateNumberOfMessagesVisible QueueName",
        "AsyncEventsDropped FunctionName",
        "DestinationDeliveryFailures FunctionName",
        "Errors FunctionName",
        "FailedInvocations EventBusName+RuleName",
    ]
    "#);
    insta::assert_debug_snapshot!(alarms(&stack_json(&synth, "Orders")), @r#"
    [
        "5xx ApiId",
        "DestinationDeliveryFailures FunctionName",
        "DroppedEventCount EventSourceMappingUUID",
        "Errors FunctionName",
        "Errors FunctionName",
        "IteratorAge FunctionName",
        "OnFailureDestinationDeliveredEventCount EventSourceMappingUUID",
    ]
    "#);
}

#[test]
fn an_api_alarms_to_its_own_topic_unless_given_one() {
    let own = "stacks:
  S:
    functions:
      F: { handler: create-reservation }
    httpApis:
      Api:
        alarms: { emails: [oncall@example.com] }
        routes: []
";
    let synth = build(own).unwrap();
    let t = stack_json(&synth, "S");
    let (topic, _) = of_type(&t, "AWS::SNS::Topic").pop().unwrap();
    assert!(topic.starts_with("ApiAlerts"), "{topic}");
    let (_, sub) = of_type(&t, "AWS::SNS::Subscription").pop().unwrap();
    assert_eq!(sub["Properties"]["Endpoint"], "oncall@example.com");

    let both = "stacks:
  S:
    topics:
      Alerts: {}
    functions:
      F: { handler: create-reservation }
    httpApis:
      Api:
        alertTopic: Alerts
        alarms: { emails: [oncall@example.com] }
        routes: []
";
    insta::assert_snapshot!(errors(build(both)), @"error: app.yaml:10:19: S/Api: alarms.emails would be dropped: with an alert topic given, the API has no topic of its own to subscribe them to; subscribe them on the alert topic (`emailSubscriptions`) instead");
}

/// A rule on a custom bus whose failed-invocations alarm is written as `edit` says.
fn rule_with_alarm(s: &mut Stack, edit: impl FnOnce(Resource, &Rule) -> Resource) {
    let p = s.construct("Bus");
    let bus = EventBus::new(s, p, &EventBusProps::default());
    let p = s.construct("Dlq");
    let dlq = Queue::new(s, p, &QueueProps::default());
    let p = s.construct("Alerts");
    let alerts = Topic::new(s, p, &TopicProps::default());
    let p = s.construct("DlqAlarm");
    Alarm::dlq_depth(s, p, &dlq, &alerts);
    let p = s.construct("Inbox");
    let inbox = Queue::new(s, p, &QueueProps::default());
    let p = s.construct("InboxAlarm");
    Alarm::dlq_depth(s, p, &inbox, &alerts);
    let p = s.construct("Rule");
    let rule = Rule::new(
        s,
        p,
        &bus,
        &RuleProps {
            pattern: EventPattern::of("orders", "OrderPlaced"),
            description: None,
            enabled: true,
        },
        &[Target {
            kind: TargetKind::Queue(inbox),
            retry: TargetRetry::default(),
        }],
        &dlq,
    );
    let p = s.construct("RuleAlarm");
    let alarm = Alarm::rule_failed_invocations(s, p, &rule, &alerts);
    let r = s.resource_mut(&alarm.reference).unwrap().clone();
    let edited = edit(r, &rule);
    *s.resource_mut(&alarm.reference).unwrap() = edited;
}

fn trb023(f: impl FnOnce(&mut Stack)) -> Vec<String> {
    let messages: Vec<String> = match one_stack(f) {
        Ok(synth) => synth.warnings.iter().map(ToString::to_string).collect(),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    };
    messages
        .into_iter()
        .filter(|m| m.contains("TRB023"))
        .collect()
}

#[test]
fn an_alarm_that_cannot_fire_or_tells_nobody_is_a_finding() {
    assert_eq!(trb023(|s| rule_with_alarm(s, |r, _| r)), [] as [String; 0]);
    // What tributary wrote before: the rule's name alone reads the default bus.
    let rule_name_only = trb023(|s| {
        rule_with_alarm(s, |r, rule| {
            r.prop(
                "Dimensions",
                Value::List(vec![Value::map([
                    ("Name", "RuleName".into()),
                    ("Value", rule.name.clone().into()),
                ])]),
            )
        })
    });
    insta::assert_snapshot!(rule_name_only.join("\n"), @"error[TRB023]: Test/Rule: the rule has no alarm on AWS/Events FailedInvocations (dimensions EventBusName and RuleName): events it cannot deliver are lost; a rule on a custom bus publishes it only under both dimensions (an alarm on RuleName alone reads the default bus and never fires) (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).");
    let silent =
        trb023(|s| rule_with_alarm(s, |r, _| r.prop("AlarmActions", Value::List(Vec::new()))));
    assert!(
        silent[0].contains("has an alarm without an action on AWS/Events FailedInvocations"),
        "{silent:?}"
    );
    let disabled = trb023(|s| rule_with_alarm(s, |r, _| r.prop("ActionsEnabled", false)));
    assert!(disabled[0].contains("without an action"), "{disabled:?}");
}

#[test]
fn unalarmed_apis_functions_and_mappings_are_findings() {
    // A raw API, and a function a topic invokes: neither alarmed.
    let found = trb023(|s| {
        let p = s.construct("RawApi");
        s.add(
            &p,
            Resource::new(ResourceType::ApiGatewayV2Api)
                .prop("Name", "raw")
                .prop("ProtocolType", "HTTP"),
        );
        let f = function(s, "Listener");
        let p = s.construct("Invoke");
        s.add(
            &p,
            Resource::new(ResourceType::LambdaPermission)
                .prop("Action", "lambda:InvokeFunction")
                .prop("FunctionName", f.arn())
                .prop("Principal", "sns.amazonaws.com"),
        );
    });
    insta::assert_snapshot!(found.join("\n"), @"
    error[TRB023]: Test/RawApi: the HTTP API has no alarm on AWS/ApiGateway 5xx (dimensions ApiId): its clients get server errors nobody sees (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).
    error[TRB023]: Test/Listener: the asynchronously invoked function has no alarm on AWS/Lambda AsyncEventsDropped (dimensions FunctionName): events Lambda drops (too old, or retries run out) are lost (unalarmed-failure-path). Fix: Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).
    ");
    // A stream mapping with only its destination alarmed.
    let mapping = trb023(|s| {
        let table = crate::common::table_with_stream(s);
        let f = function(s, "Consumer");
        let p = s.construct("Kept");
        let kept = OnFailure::Bucket(Bucket::new(s, p));
        let p = s.construct("Mapping");
        StreamSource::new(s, p, &table, &f, &kept, &StreamSourceProps::default());
        s.suppress(
            &tributary::core::ConstructPath::root(s.name()),
            Suppression::new("TRB009", "this case is about another rule"),
        );
    });
    assert_eq!(mapping.len(), 2, "{mapping:?}");
    assert!(mapping[0].contains("DroppedEventCount"), "{mapping:?}");
    assert!(mapping[1].contains("IteratorAge"), "{mapping:?}");
}

#[test]
fn the_examples_leave_no_failure_path_unalarmed() {
    let synth = example();
    assert!(
        synth.warnings.iter().all(|w| w.code != Some("TRB023")),
        "{:?}",
        synth.warnings
    );
    let t = stack_json(&synth, "StaffNotifications");
    assert!(alarms(&t).contains(&"FailedInvocations EventBusName+RuleName".to_owned()));
    assert!(alarms(&t).contains(&"AsyncEventsDropped FunctionName".to_owned()));
    assert!(alarms(&stack_json(&synth, "Reservations")).contains(&"5xx ApiId".to_owned()));
}

#[test]
fn the_failed_batches_grant_is_for_a_bucket_of_the_own_account() {
    let synth = example();
    let t = stack_json(&synth, "Reservations");
    let policies = of_type(&t, "AWS::IAM::Policy");
    let statements: Vec<&Json> = policies
        .iter()
        .flat_map(|(_, p)| {
            p["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap()
        })
        .filter(|s| {
            let a = &s["Action"];
            a == "s3:PutObject" || a == "s3:ListBucket"
        })
        .collect();
    assert_eq!(statements.len(), 2);
    for s in statements {
        assert_eq!(
            s["Condition"],
            json!({"StringEquals": {"s3:ResourceAccount": {"Ref": "AWS::AccountId"}}})
        );
    }
}

#[test]
fn the_archive_is_retained_and_an_unretained_one_is_a_finding() {
    let t = stack_json(&example(), "Reservations");
    let (_, archive) = of_type(&t, "AWS::Events::Archive").pop().unwrap();
    assert_eq!(archive["DeletionPolicy"], "Retain");
    assert_eq!(archive["UpdateReplacePolicy"], "Retain");
    let found: Vec<String> = match one_stack(|s| {
        let p = s.construct("Doomed");
        s.add(
            &p,
            Resource::new(ResourceType::EventsArchive).prop(
                "SourceArn",
                "arn:aws:events:eu-west-1:123456789012:event-bus/b",
            ),
        );
    }) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    };
    assert!(found.iter().any(|m| m.contains("TRB016")), "{found:?}");
}

const BUCKET: &str = "stacks:
  S:
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
";

#[test]
fn the_failed_batches_bucket_expires_objects_when_told_to() {
    let lifecycle = |extra: &str| {
        let synth = build(&format!("{BUCKET}{extra}")).unwrap();
        let t = stack_json(&synth, "S");
        let (_, bucket) = of_type(&t, "AWS::S3::Bucket").pop().unwrap();
        bucket["Properties"]["LifecycleConfiguration"]["Rules"].clone()
    };
    let default = lifecycle("");
    assert_eq!(default.as_array().unwrap().len(), 1);
    assert_eq!(
        default[0]["NoncurrentVersionExpiration"]["NoncurrentDays"],
        90
    );
    let expiring = lifecycle("        failedBatches: { expireAfterDays: 30 }\n");
    insta::assert_json_snapshot!(expiring, @r#"
    [
      {
        "Id": "ExpireOldVersionsAndUploads",
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {
          "NoncurrentDays": 30
        },
        "AbortIncompleteMultipartUpload": {
          "DaysAfterInitiation": 7
        }
      },
      {
        "Id": "ExpireObjects",
        "Status": "Enabled",
        "ExpirationInDays": 30
      }
    ]
    "#);
    let long = lifecycle("        failedBatches: { expireAfterDays: 365 }\n");
    assert_eq!(long[0]["NoncurrentVersionExpiration"]["NoncurrentDays"], 90);

    insta::assert_snapshot!(errors(build(&format!("{BUCKET}        failedBatches: {{ expireAfterDays: 0 }}\n"))), @"error: app.yaml:4:7: S/Orders/FailedBatches: expireAfterDays = 0 is out of range: AWS::S3::Bucket LifecycleConfiguration.Rules[].ExpirationInDays allows 1..=2147483647");
    insta::assert_snapshot!(errors(build(&format!("{BUCKET}        onFailure: queue\n        failedBatches: {{ expireAfterDays: 30 }}\n"))), @"error: app.yaml:8:9: S/Orders: failedBatches is set but not used: it configures the on-failure bucket, and onFailure is not `bucket`; remove it, or set `onFailure: bucket`");
}

const WRITERS: &str = "stacks:
  S:
    functions:
      A: { handler: create-reservation }
      B: { handler: create-reservation }
      C: { handler: create-reservation }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
";

/// The DynamoDB actions each function's policy allows on the table.
fn table_actions(synth: &Synthesized) -> Vec<(String, Json)> {
    let t = stack_json(synth, "S");
    let mut out = Vec::new();
    for (id, p) in of_type(&t, "AWS::IAM::Policy") {
        for s in p["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
        {
            let actions = match &s["Action"] {
                Json::String(a) => vec![Json::String(a.clone())],
                Json::Array(a) => a.clone(),
                _ => continue,
            };
            let dynamodb: Vec<Json> = actions
                .into_iter()
                .filter(|a| a.as_str().unwrap().starts_with("dynamodb:"))
                .collect();
            if !dynamodb.is_empty() && !id.starts_with("OrdersPublisher") {
                out.push((id.clone(), Json::Array(dynamodb)));
            }
        }
    }
    out
}

#[test]
fn a_writer_gets_put_and_get_unless_it_names_a_broader_level() {
    let yaml = format!(
        "{WRITERS}        writers: [A, {{ function: B, access: write }}, {{ function: C, access: readWrite }}]\n"
    );
    let synth = build(&yaml).unwrap();
    insta::assert_debug_snapshot!(table_actions(&synth));
    let typo = format!("{WRITERS}        writers: [{{ function: B, access: writ }}]\n");
    insta::assert_snapshot!(tributary::spec::parse(Path::new("app.yaml"), &typo).unwrap_err().to_string(), @"app.yaml:11:42: stacks.S.streamToBus.Orders.writers[0].access: unknown value `writ`, expected one of `create`, `write`, `readWrite`; did you mean `write`?");
    let unknown = format!("{WRITERS}        writers: [{{ function: B, acess: write }}]\n");
    insta::assert_snapshot!(tributary::spec::parse(Path::new("app.yaml"), &unknown).unwrap_err().to_string(), @"app.yaml:11:34: stacks.S.streamToBus.Orders.writers[0]: unknown field `acess`, expected `function` or `access`; did you mean `access`?");
    let dangling = format!("{WRITERS}        writers: [{{ function: D }}]\n");
    insta::assert_snapshot!(errors(build(&dangling)), @"error: app.yaml:11:21: S/Orders: writers[0].function: there is no function `D` in stack `S`; did you mean `A`?");
}

#[test]
fn in_the_ses_sandbox_the_grant_covers_the_recipients() {
    let yaml = |extra: &str| {
        format!(
            "stacks:
  S:
    functions:
      Mailer:
        handler: notify-staff
        sendEmailFrom: [orders@example.com]
{extra}"
        )
    };
    let resources = |synth: &Synthesized| {
        let t = stack_json(synth, "S");
        let (_, policy) = of_type(&t, "AWS::IAM::Policy").pop().unwrap();
        policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Action"] == "ses:SendEmail")
            .unwrap()["Resource"]
            .clone()
    };
    let outside = resources(&build(&yaml("")).unwrap());
    assert_eq!(outside.as_array().unwrap().len(), 2, "{outside}");
    let sandbox = resources(
        &build(&yaml(
            "        sesSandboxRecipients: [staff@example.com, team@example.org]\n",
        ))
        .unwrap(),
    );
    insta::assert_json_snapshot!(sandbox, @r#"
    [
      {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/orders@example.com"
      },
      {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com"
      },
      {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/staff@example.com"
      },
      {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/team@example.org"
      },
      {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.org"
      }
    ]
    "#);
    let no_sender = "stacks:
  S:
    functions:
      Mailer:
        handler: notify-staff
        sesSandboxRecipients: [staff@example.com]
";
    insta::assert_snapshot!(errors(build(no_sender)), @"error: app.yaml:6:9: S/Mailer: sesSandboxRecipients are granted only beside a sender: give `sendEmailFrom` (the verified identity the function sends from) too");
}

/// Every example, every stage: no failure path without an alarm with an action, and none
/// suppressed.
#[test]
fn no_example_leaves_a_failure_path_unalarmed() {
    for (name, synth) in crate::common::every_example() {
        assert!(
            synth.warnings.iter().all(|w| w.code != Some("TRB023")),
            "{name}: {:?}",
            synth.warnings
        );
        assert!(!crate::common::suppresses(&synth, "TRB023"), "{name}");
    }
}

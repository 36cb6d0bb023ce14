//! Rule targets beyond a function of the rule's stack: a queue of `queues:`, another event bus
//! (of the app, or by ARN in another account or region), and a function of an earlier stack.

use std::path::Path;

use serde_json::{Value as Json, json};
use tributary::constructs::*;
use tributary::core::{App, Diagnostics, Environment, StackName, Synthesized};
use tributary::patterns::{StreamToBus, StreamToBusProps, add_rule_on};

use crate::common::{errors, of_type, root, stack_json};

fn synth(yaml: &str) -> Result<Synthesized, Diagnostics> {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    tributary::spec::build(&spec, &root()).synth()
}

fn load_error(yaml: &str) -> String {
    tributary::spec::parse(Path::new("app.yaml"), yaml)
        .unwrap_err()
        .to_string()
}

/// The resource of `t` whose logical ID is `id`.
fn resource<'a>(t: &'a Json, id: &str) -> &'a Json {
    let r = &t["Resources"][id];
    assert!(r.is_object(), "no resource {id}");
    r
}

const APP: &str = "stacks:
  Shared:
    functions:
      Audit: { handler: notify-staff }
    buses:
      Central: {}
  Orders:
    topics:
      Alerts: {}
    queues:
      Work: { visibilityTimeoutSeconds: 60 }
    functions:
      Notify: { handler: notify-staff }
    streamToBus:
      Reservations:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        alertTopic: Alerts
    rules:
      ToQueue:
        bus: Reservations
        pattern: { source: [reservations] }
        targets:
          - queue: Work
            retry: { maxAttempts: 10 }
      ToBuses:
        bus: Reservations
        pattern: { source: [reservations] }
        targets:
          - bus: Shared/Central
          - bus: arn:aws:events:eu-west-1:111111111111:event-bus/partner
      ToAudit:
        bus: Reservations
        pattern: { source: [reservations] }
        targets: [{ function: Shared/Audit }, { function: Notify }]
";

#[test]
fn a_queue_target_lets_only_its_rule_send_and_is_alarmed() {
    let synth = synth(APP).unwrap();
    let t = stack_json(&synth, "Orders");
    let rule = resource(&t, "ToQueue");
    insta::assert_json_snapshot!(rule["Properties"]["Targets"], @r#"
    [
      {
        "Id": "Target0",
        "Arn": {
          "Fn::GetAtt": [
            "Work",
            "Arn"
          ]
        },
        "DeadLetterConfig": {
          "Arn": {
            "Fn::GetAtt": [
              "ToQueueDeadLetterQueue",
              "Arn"
            ]
          }
        },
        "RetryPolicy": {
          "MaximumRetryAttempts": 10,
          "MaximumEventAgeInSeconds": 86400
        }
      }
    ]
    "#);
    let queue = resource(&t, "Work");
    assert_eq!(queue["Properties"]["SqsManagedSseEnabled"], json!(true));
    assert_eq!(queue["Properties"]["VisibilityTimeout"], json!(60));
    insta::assert_json_snapshot!(resource(&t, "WorkPolicy")["Properties"], @r#"
    {
      "PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Effect": "Allow",
            "Principal": {
              "Service": "events.amazonaws.com"
            },
            "Action": "sqs:SendMessage",
            "Resource": {
              "Fn::GetAtt": [
                "Work",
                "Arn"
              ]
            },
            "Condition": {
              "ArnEquals": {
                "aws:SourceArn": {
                  "Fn::GetAtt": [
                    "ToQueue",
                    "Arn"
                  ]
                }
              }
            }
          }
        ]
      },
      "Queues": [
        {
          "Ref": "Work"
        }
      ]
    }
    "#);
    // Its readers falling behind, not its depth (a queue being read has messages).
    let alarm = &resource(&t, "WorkOldestMessageAlarm")["Properties"];
    assert_eq!(alarm["MetricName"], "ApproximateAgeOfOldestMessage");
    assert_eq!(alarm["Threshold"], 3600);
    assert_eq!(
        alarm["Dimensions"],
        json!([{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Work", "QueueName"]}}])
    );
    assert_eq!(alarm["AlarmActions"], json!([{"Ref": "Alerts"}]));
}

#[test]
fn a_bus_target_in_another_account_gets_a_role_that_may_put_events_on_it_only() {
    let synth = synth(APP).unwrap();
    let t = stack_json(&synth, "Orders");
    let rule = resource(&t, "ToBuses");
    let targets = rule["Properties"]["Targets"].as_array().unwrap();
    assert_eq!(
        targets[1]["Arn"],
        "arn:aws:events:eu-west-1:111111111111:event-bus/partner"
    );
    for target in targets {
        // EventBridge takes no retry policy for a bus target; the DLQ it does take.
        assert!(target.get("RetryPolicy").is_none(), "{target}");
        assert_eq!(
            target["DeadLetterConfig"]["Arn"],
            json!({"Fn::GetAtt": ["ToBusesDeadLetterQueue", "Arn"]})
        );
        assert_eq!(
            target["RoleArn"],
            json!({"Fn::GetAtt": ["ToBusesEventsRole", "Arn"]})
        );
    }
    // The bus of another stack of the app, by its exported ARN.
    assert_eq!(
        targets[0]["Arn"],
        json!({"Fn::ImportValue": "Shared:ExportsOutputFnGetAttCentralArn"})
    );
    // The rule puts events only once its role may.
    assert_eq!(rule["DependsOn"], json!(["ToBusesEventsRoleDefaultPolicy"]));
    let roles = of_type(&t, "AWS::IAM::Role");
    let (_, role) = roles
        .iter()
        .find(|(id, _)| id.as_str() == "ToBusesEventsRole")
        .unwrap();
    insta::assert_json_snapshot!(role["Properties"], @r#"
    {
      "AssumeRolePolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Effect": "Allow",
            "Principal": {
              "Service": "events.amazonaws.com"
            },
            "Action": "sts:AssumeRole",
            "Condition": {
              "StringEquals": {
                "aws:SourceAccount": {
                  "Ref": "AWS::AccountId"
                }
              },
              "ArnEquals": {
                "aws:SourceArn": {
                  "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/Orders-ReservationsBus/Orders-ToBuses"
                }
              }
            }
          }
        ]
      }
    }
    "#);
    // The ARN the trust names is the rule's: its bus and name, as the rule has them.
    assert_eq!(rule["Properties"]["Name"], "Orders-ToBuses");
    assert_eq!(
        resource(&t, "ReservationsBus")["Properties"]["Name"],
        "Orders-ReservationsBus"
    );
    insta::assert_json_snapshot!(resource(&t, "ToBusesEventsRoleDefaultPolicy")["Properties"]["PolicyDocument"], @r#"
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "events:PutEvents",
          "Resource": {
            "Fn::ImportValue": "Shared:ExportsOutputFnGetAttCentralArn"
          }
        },
        {
          "Effect": "Allow",
          "Action": "events:PutEvents",
          "Resource": "arn:aws:events:eu-west-1:111111111111:event-bus/partner"
        }
      ]
    }
    "#);
}

#[test]
fn the_events_role_has_the_permissions_boundary_as_every_role() {
    let yaml = format!("permissionsBoundary: team-boundary\n{APP}");
    let synth = synth(&yaml).unwrap();
    let t = stack_json(&synth, "Orders");
    assert_eq!(
        resource(&t, "ToBusesEventsRole")["Properties"]["PermissionsBoundary"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team-boundary"})
    );
}

#[test]
fn a_function_of_an_earlier_stack_is_invoked_with_a_permission_of_the_rules_stack() {
    let synth = synth(APP).unwrap();
    let orders = stack_json(&synth, "Orders");
    insta::assert_json_snapshot!(resource(&orders, "ToAuditAllowInvokeTarget0")["Properties"], @r#"
    {
      "Action": "lambda:InvokeFunction",
      "FunctionName": {
        "Fn::ImportValue": "Shared:ExportsOutputFnGetAttAuditArn"
      },
      "Principal": "events.amazonaws.com",
      "SourceArn": {
        "Fn::GetAtt": [
          "ToAudit",
          "Arn"
        ]
      }
    }
    "#);
    let order: Vec<&str> = synth.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(order, ["Shared", "Orders"]);
    let deps = &synth.stacks[1].dependencies;
    assert!(deps.iter().any(|d| d.as_str() == "Shared"), "{deps:?}");
    // Its alarms and failed-event queue are in its own stack (which deploys first, so they
    // alarm on a topic of that stack), and only there.
    let shared = stack_json(&synth, "Shared");
    let config = resource(&shared, "AuditAsyncInvokeConfig");
    assert_eq!(
        config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"],
        json!({"Fn::GetAtt": ["AuditAsyncFailureQueue", "Arn"]})
    );
    for alarm in [
        "AuditErrorsAlarm",
        "AuditAsyncFailureQueueAlarm",
        "AuditDestinationFailuresAlarm",
        "AuditAsyncEventsDroppedAlarm",
    ] {
        assert_eq!(
            resource(&shared, alarm)["Properties"]["AlarmActions"],
            json!([{"Ref": "AuditAlerts"}]),
            "{alarm}"
        );
    }
    assert_eq!(of_type(&orders, "AWS::Lambda::EventInvokeConfig").len(), 1);
}

#[test]
fn a_function_wired_by_a_rule_of_its_own_stack_is_not_wired_twice() {
    let yaml = "stacks:
  Shared:
    functions:
      Audit: { handler: notify-staff }
    streamToBus:
      Local:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      Mine:
        bus: Local
        pattern: { source: [local] }
        targets: [{ function: Audit }]
  Orders:
    streamToBus:
      Reservations:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      ToAudit:
        bus: Reservations
        pattern: { source: [reservations] }
        targets: [{ function: Shared/Audit }]
      AgainToAudit:
        bus: Reservations
        pattern: { source: [reservations] }
        targets: [{ function: Shared/Audit }]
";
    let synth = synth(yaml).unwrap();
    let shared = stack_json(&synth, "Shared");
    assert_eq!(of_type(&shared, "AWS::Lambda::EventInvokeConfig").len(), 1);
    // The alarms go to the topic of the rule that wired them: there is no `Audit/Alerts`.
    assert!(shared["Resources"].get("AuditAlerts").is_none());
    assert_eq!(
        resource(&shared, "AuditErrorsAlarm")["Properties"]["AlarmActions"],
        json!([{"Ref": "LocalAlerts"}])
    );
}

#[test]
fn a_rule_may_not_target_its_own_bus() {
    let yaml = "stacks:
  S:
    buses:
      Central: {}
    rules:
      Loop:
        bus: Central
        pattern: { source: [orders] }
        targets: [{ bus: Central }]
      LoopByArn:
        bus: arn:aws:events:eu-west-1:111111111111:event-bus/shared
        pattern: { source: [orders] }
        targets: [{ bus: 'arn:aws:events:eu-west-1:111111111111:event-bus/shared' }]
";
    insta::assert_snapshot!(errors(synth(yaml)), @r"
    error: app.yaml:9:19: S/Loop: targets[0]: the target is the rule's own event bus S/Central: every event it forwards would match the rule again (an event loop); target another bus
    error: app.yaml:13:19: S/LoopByArn: targets[0]: the target is the rule's own event bus `arn:aws:events:eu-west-1:111111111111:event-bus/shared`: every event it forwards would match the rule again (an event loop); target another bus
    ");
}

#[test]
fn the_rust_api_refuses_the_rules_own_bus_and_a_queue_of_another_stack() {
    let mut app = App::new(tributary::assets::Workspace::open(&root()));
    let other = app.add_stack(StackName::new("Other").unwrap(), Environment::agnostic());
    let path = other.construct("Elsewhere");
    let elsewhere = Queue::new(other, path, &QueueProps::default());
    let stack = app.add_stack(StackName::new("S").unwrap(), Environment::agnostic());
    let path = stack.construct("Orders");
    let props = StreamToBusProps::new(
        TableProps::new(Attribute::string("id")),
        FunctionProps::new("stream-publisher"),
    );
    let pattern = StreamToBus::new(stack, path, &props, None);
    let retry = TargetRetry::default();
    let targets = [
        Target {
            kind: TargetKind::Bus(pattern.bus.clone()),
            retry,
        },
        Target {
            kind: TargetKind::Queue(elsewhere),
            retry,
        },
    ];
    let rule_path = stack.construct("Loop");
    let rule_props = RuleProps {
        pattern: serde_json::from_value(json!({"source": ["orders"]})).unwrap(),
        description: None,
        enabled: true,
    };
    let alerts = pattern.alerts.clone();
    add_rule_on(
        stack,
        rule_path,
        &pattern.bus,
        &[],
        &rule_props,
        &targets,
        &alerts,
    );
    insta::assert_snapshot!(errors(app.synth()), @r"
    error: S/Loop: targets[0]: the target is the rule's own event bus S/Orders/Bus: every event it forwards would match the rule again (an event loop); target another bus
    error: S/Loop: targets[1]: queue Other/Elsewhere is of stack `Other`; a queue target must be of the rule's stack (`S`): the queue's one policy, which lets the rule send, is written where the queue is
    ");
}

#[test]
fn target_mistakes_name_file_line_field_and_the_closest_name() {
    let yaml = "stacks:
  S:
    queues:
      Work: {}
    buses:
      Central: {}
    functions:
      Notify: { handler: notify-staff }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      R:
        bus: Orders
        pattern: { source: [orders] }
        targets:
          - queue: Wrk
          - bus: Centrl
          - function: T/Notify
          - { function: Notify, queue: Work }
      ByArn:
        bus: Orders
        pattern: { source: [orders] }
        targets:
          - bus: arn:aws:events:eu-west-1:111111111111:bus/nope
          - { bus: Central, retry: { maxAttempts: 3 } }
          - queue: T/Work
";
    insta::assert_snapshot!(errors(synth(yaml)), @r"
    error: app.yaml:18:13: S/R: targets[0].queue: there is no queue `Wrk` in stack `S`; did you mean `Work`?
    error: app.yaml:19:13: S/R: targets[1].bus: there is no bus or stream-to-bus pattern `Centrl`; did you mean `Central`?
    error: app.yaml:20:13: S/R: targets[2].function: stack `T` has no functions, or comes after `S` (a stack may only refer to earlier stacks)
    error: app.yaml:21:13: S/R: targets[3]: a target names a function and a queue; give exactly one of `function`, `queue` or `bus`
    error: app.yaml:26:13: S/ByArn: targets[0].bus: `arn:aws:events:eu-west-1:111111111111:bus/nope` is not an event bus ARN (its resource is not `event-bus/<name>`): it reads `arn:<partition>:events:<region>:<account>:event-bus/<name>`
    error: app.yaml:27:29: S/ByArn: targets[1].retry: EventBridge takes no retry policy for an event bus target (it retries on its own; undelivered events go to the rule's dead-letter queue); leave `retry` out
    error: app.yaml:28:13: S/ByArn: targets[2].queue: `T/Work` is a queue of another stack; a queue target must be of the rule's stack (the queue's one policy, which lets the rule send, is written where the queue is): write `Id` of `queues:` of this stack
    ");
    let typo = "stacks:\n  S:\n    rules:\n      R:\n        bus: B\n        pattern: { source: [o] }\n        targets: [{ queu: Work }]\n";
    insta::assert_snapshot!(load_error(typo), @"app.yaml:7:21: stacks.S.rules.R.targets[0]: unknown field `queu`, expected one of `function`, `queue`, `bus`, `retry`; did you mean `queue`?");
    let typo = "stacks:\n  S:\n    queues:\n      Work: { retentionSecond: 60 }\n";
    insta::assert_snapshot!(load_error(typo), @"app.yaml:4:15: stacks.S.queues.Work: unknown field `retentionSecond`, expected one of `retentionSeconds`, `visibilityTimeoutSeconds`, `maximumMessageSize`, `tags`; did you mean `retentionSeconds`?");
}

#[test]
fn bus_targets_across_stages_stay_in_their_stage() {
    let yaml = "stages:
  dev: {}
  prod: {}
stacks:
  Shared:
    buses:
      Central: {}
  Orders:
    streamToBus:
      Reservations:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      Forward:
        bus: Reservations
        pattern: { source: [reservations] }
        targets: [{ bus: prod-Shared/Central }]
";
    insta::assert_snapshot!(errors(synth(yaml)), @r"
    error: app.yaml:17:21: dev-Orders/Forward: targets[0].bus: `prod-Shared/Central` is in stage `prod`, and a stack of stage `dev` refers only to stacks of its own stage (write `Shared/Central` for this stage's copy, or an ARN for a resource of another environment)
    error: app.yaml:17:21: prod-Orders/Forward: targets[0].bus: `prod-Shared/Central` names a stack by its staged name; within stage `prod` write `Shared/Central`
    ");
}

#[test]
fn apps_with_every_target_kind_pass_the_rule_pack_and_synthesize_alike_twice() {
    let a = synth(APP).unwrap();
    let b = synth(APP).unwrap();
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    for (x, y) in a.stacks.iter().zip(&b.stacks) {
        assert_eq!(
            stack_json(&a, x.name.as_str()),
            stack_json(&b, y.name.as_str())
        );
    }
}

/// In Rust, a function of another stack is wired in its own stack by the caller: TRB023 reports
/// it until then.
#[test]
fn the_rust_api_wires_a_function_of_another_stack_in_that_stack() {
    fn app(guard: bool) -> Result<Synthesized, Diagnostics> {
        let mut app = App::new(tributary::assets::Workspace::open(&root()));
        let shared = app.add_stack(StackName::new("Shared").unwrap(), Environment::agnostic());
        let path = shared.construct("Audit");
        let audit = Function::new(shared, path, &FunctionProps::new("notify-staff"));
        if guard {
            let path = shared.construct("Alerts");
            let alerts = Topic::new(shared, path, &TopicProps::default());
            tributary::patterns::guard_async_target(shared, &audit, &alerts);
        }
        let stack = app.add_stack(StackName::new("S").unwrap(), Environment::agnostic());
        let path = stack.construct("Orders");
        let props = StreamToBusProps::new(
            TableProps::new(Attribute::string("id")),
            FunctionProps::new("stream-publisher"),
        );
        let pattern = StreamToBus::new(stack, path, &props, None);
        let rule_path = stack.construct("ToAudit");
        let rule_props = RuleProps {
            pattern: serde_json::from_value(json!({"source": ["orders"]})).unwrap(),
            description: None,
            enabled: true,
        };
        let targets = [Target {
            kind: TargetKind::Function(audit),
            retry: TargetRetry::default(),
        }];
        let alerts = pattern.alerts.clone();
        add_rule_on(
            stack,
            rule_path,
            &pattern.bus,
            &[],
            &rule_props,
            &targets,
            &alerts,
        );
        app.synth()
    }
    let unguarded = errors(app(false));
    assert!(
        unguarded.contains("TRB023") && unguarded.contains("AsyncEventsDropped"),
        "{unguarded}"
    );
    let synth = app(true).unwrap();
    let shared = stack_json(&synth, "Shared");
    assert_eq!(of_type(&shared, "AWS::Lambda::EventInvokeConfig").len(), 1);
}

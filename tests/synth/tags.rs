//! Guard rails for every resource: tags of the app, a stack or a construct on every resource
//! whose type takes tags (in the shape its registry schema gives), the nearest scope winning; a
//! permissions boundary on every role; a prefix on every generated name. Each refused value is
//! reported at the construct (or stack) it was given for.
//!
//! Accepted cases are written under the target directory and, when `TRIBUTARY_CFN_LINT_SCHEMAS`
//! points at cfn-lint's schemas (as `.ci/run` does), linted by that cfn-lint: 0 errors, 0 warnings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value as Json, json};
use tributary::assembly::{TemplateFormat, write_assembly};
use tributary::core::cfn::{ResourceType, TagShape};
use tributary::core::{Resource, Synthesized};

use crate::common::{errors, function, one_stack, resources, root};

/// A spec written to `dir` (as `app.yaml`, beside the example's contract file) and synthesized.
fn synth_in(dir: &Path, yaml: &str) -> Result<Synthesized, tributary::core::Diagnostics> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(
        root().join("handlers/reservations/contract.json"),
        dir.join("reservations.json"),
    )
    .unwrap();
    let file = dir.join("app.yaml");
    std::fs::write(&file, yaml).unwrap();
    let spec = tributary::spec::load(&file).unwrap();
    tributary::spec::build(&spec, &root()).synth()
}

/// The errors a spec gives (its directory shown as `<dir>`).
fn refused(yaml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    errors(synth_in(dir.path(), yaml)).replace(&dir.path().display().to_string(), "<dir>")
}

fn case_dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("tags")
        .join(case)
}

/// Synthesizes an accepted case and writes its assembly under the target directory; returns
/// the manifest and every template by stack name.
fn accepted(case: &str, yaml: &str) -> (Json, BTreeMap<String, Json>) {
    let dir = case_dir(case);
    let synth = match synth_in(&dir, yaml) {
        Ok(s) => s,
        Err(e) => panic!("{case}: refused:\n{e}"),
    };
    let out = dir.join("cdk.out");
    write_assembly(&out, &synth, None, TemplateFormat::Json).unwrap();
    let read = |f: &str| serde_json::from_slice(&std::fs::read(out.join(f)).unwrap()).unwrap();
    let templates = synth
        .stacks
        .iter()
        .map(|s| {
            let name = s.name.to_string();
            let t = read(&format!("{name}.template.json"));
            (name, t)
        })
        .collect();
    (read("manifest.json"), templates)
}

/// An app with every kind of construct the spec has, tagged at every level.
const TAGGED: &str = "tags: { team: payments, env: prod, owner: platform }
stacks:
  Reservations:
    tags: { env: staging, cost-center: '4711' }
    topics:
      Alerts:
        emailSubscriptions: [oncall@example.com]
        tags: { pager: 'yes' }
    functions:
      CreateReservation:
        handler: create-reservation
        tags: { owner: api-team }
    streamToBus:
      Reservations:
        table: { partitionKey: { name: reservationId } }
        publisher:
          handler: stream-publisher
          tags: { owner: publisher-team }
        alertTopic: Alerts
        writers: [CreateReservation]
        events: reservations.json
        tags: { owner: stream-team, data: personal }
    httpApis:
      Api:
        defaultAuth: iam
        routes:
          - { method: POST, path: /reservations, function: CreateReservation }
        tags: { owner: api-team }
  Staff:
    functions:
      Notify: { handler: notify-staff }
    rules:
      OnCreated:
        bus: Reservations/Reservations
        pattern: { source: [reservations] }
        targets: [{ function: Notify }]
        tags: { owner: staff-team }
";

/// The tags of a resource as key -> value, in its type's shape (`None`: it has none).
fn tags_of(resource: &Json, shape: TagShape) -> Option<Vec<(String, String)>> {
    let tags = resource["Properties"].get("Tags")?;
    Some(match shape {
        TagShape::List => tags
            .as_array()
            .expect("a list of tags")
            .iter()
            .map(|t| {
                let o = t.as_object().expect("{Key, Value}");
                assert_eq!(o.len(), 2, "{t}");
                (
                    t["Key"].as_str().unwrap().to_owned(),
                    t["Value"].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
        TagShape::Map => tags
            .as_object()
            .expect("a map of tags")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect(),
    })
}

fn resource_type(name: &str) -> ResourceType {
    ResourceType::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .unwrap_or_else(|| panic!("{name} is not a type tributary emits"))
}

#[test]
fn every_taggable_resource_gets_its_scopes_tags_in_its_shape() {
    let (_, templates) = accepted("tagged", TAGGED);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut shapes = BTreeSet::new();
    for (stack, template) in &templates {
        for (id, r) in template["Resources"].as_object().unwrap() {
            let kind = resource_type(r["Type"].as_str().unwrap());
            match kind.tagging() {
                None => assert!(
                    r["Properties"].get("Tags").is_none(),
                    "{stack}/{id}: {kind} takes no tags"
                ),
                Some(tagging) => {
                    let tags = tags_of(r, tagging.shape)
                        .unwrap_or_else(|| panic!("{stack}/{id} ({kind}) has no tags"));
                    let keys: Vec<&str> = tags.iter().map(|(k, _)| k.as_str()).collect();
                    let mut sorted = keys.clone();
                    sorted.sort_unstable();
                    assert_eq!(keys, sorted, "{stack}/{id}: tags sorted by key");
                    let get = |k: &str| tags.iter().find(|(key, _)| key == k).map(|(_, v)| v);
                    assert_eq!(
                        get("team").map(String::as_str),
                        Some("payments"),
                        "{stack}/{id}"
                    );
                    seen.insert(kind.as_str());
                    shapes.insert(format!("{:?}", tagging.shape));
                }
            }
        }
    }
    // Every taggable type this app emits was tagged, list- and map-shaped ones alike.
    assert_eq!(shapes.len(), 2, "{shapes:?}");
    let emitted: BTreeSet<&str> = templates
        .values()
        .flat_map(|t| t["Resources"].as_object().unwrap().values())
        .map(|r| r["Type"].as_str().unwrap())
        .filter(|t| resource_type(t).tagging().is_some())
        .collect();
    assert_eq!(seen, emitted);
    // ...and it emits every taggable type tributary has but the one it only inspects.
    let taggable: BTreeSet<&str> = ResourceType::ALL
        .into_iter()
        .filter(|t| t.tagging().is_some() && *t != ResourceType::KinesisStream)
        .map(ResourceType::as_str)
        .collect();
    assert_eq!(
        taggable.difference(&emitted).collect::<Vec<_>>(),
        Vec::<&&str>::new()
    );
}

/// `key` of every resource of `stack`, by logical id (`-` for none).
fn tag_by_resource(templates: &BTreeMap<String, Json>, stack: &str, key: &str) -> String {
    templates[stack]["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(id, r)| {
            let tagging = resource_type(r["Type"].as_str().unwrap()).tagging()?;
            let tags = tags_of(r, tagging.shape).unwrap_or_default();
            let v = tags
                .iter()
                .find(|(k, _)| k == key)
                .map_or("-".to_owned(), |(_, v)| v.clone());
            Some(format!("{id}: {v}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_nearest_scope_wins() {
    let (_, templates) = accepted("tagged", TAGGED);
    insta::assert_snapshot!(tag_by_resource(&templates, "Reservations", "owner"), @"
    Alerts: platform
    CreateReservationLogGroup: api-team
    CreateReservationServiceRole: api-team
    CreateReservation: api-team
    ReservationsTable: stream-team
    ReservationsBus: stream-team
    ReservationsPublisherLogGroup: publisher-team
    ReservationsPublisherServiceRole: publisher-team
    ReservationsPublisher: publisher-team
    ReservationsSchemas: stream-team
    ReservationsSchemasReservationCreated: stream-team
    ReservationsSchemasReservationConfirmed: stream-team
    ReservationsSchemasReservationDeclined: stream-team
    ReservationsSchemasReservationCancelled: stream-team
    ReservationsFailedBatches: stream-team
    ReservationsStreamSource: stream-team
    ReservationsIteratorAgeAlarm: stream-team
    ReservationsPublisherErrorsAlarm: stream-team
    ReservationsGivenUpAlarm: stream-team
    ReservationsDestinationFailuresAlarm: stream-team
    ReservationsDroppedAlarm: stream-team
    CreateReservationErrorsAlarm: api-team
    Api: api-team
    ApiAlerts: api-team
    ApiServerErrorsAlarm: api-team
    ApiAccessLogs: api-team
    ApiDefaultStage: api-team
    ");
    insta::assert_snapshot!(tag_by_resource(&templates, "Reservations", "env"), @"
    Alerts: staging
    CreateReservationLogGroup: staging
    CreateReservationServiceRole: staging
    CreateReservation: staging
    ReservationsTable: staging
    ReservationsBus: staging
    ReservationsPublisherLogGroup: staging
    ReservationsPublisherServiceRole: staging
    ReservationsPublisher: staging
    ReservationsSchemas: staging
    ReservationsSchemasReservationCreated: staging
    ReservationsSchemasReservationConfirmed: staging
    ReservationsSchemasReservationDeclined: staging
    ReservationsSchemasReservationCancelled: staging
    ReservationsFailedBatches: staging
    ReservationsStreamSource: staging
    ReservationsIteratorAgeAlarm: staging
    ReservationsPublisherErrorsAlarm: staging
    ReservationsGivenUpAlarm: staging
    ReservationsDestinationFailuresAlarm: staging
    ReservationsDroppedAlarm: staging
    CreateReservationErrorsAlarm: staging
    Api: staging
    ApiAlerts: staging
    ApiServerErrorsAlarm: staging
    ApiAccessLogs: staging
    ApiDefaultStage: staging
    ");
    insta::assert_snapshot!(tag_by_resource(&templates, "Staff", "owner"), @"
    NotifyLogGroup: platform
    NotifyServiceRole: platform
    Notify: platform
    OnCreatedDeadLetterQueue: staff-team
    OnCreated: staff-team
    OnCreatedDeadLetterQueueAlarm: staff-team
    OnCreatedFailedInvocationsAlarm: staff-team
    NotifyErrorsAlarm: platform
    NotifyAsyncFailureQueue: platform
    NotifyAsyncFailureQueueAlarm: platform
    NotifyDestinationFailuresAlarm: platform
    NotifyAsyncEventsDroppedAlarm: platform
    ");
}

#[test]
fn untaggable_types_are_untouched_and_map_shaped_types_get_maps() {
    let (_, templates) = accepted("tagged", TAGGED);
    let api = &templates["Reservations"]["Resources"]["Api"];
    assert_eq!(
        api["Properties"]["Tags"],
        json!({"cost-center": "4711", "env": "staging", "owner": "api-team", "team": "payments"})
    );
    let route = templates["Reservations"]["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::ApiGatewayV2::Route")
        .unwrap();
    assert!(route["Properties"].get("Tags").is_none());
}

#[test]
fn the_manifest_tags_each_stack_with_the_apps_and_its_own_tags() {
    let (manifest, _) = accepted("tagged", TAGGED);
    let artifact = |s: &str| &manifest["artifacts"][s];
    assert_eq!(
        artifact("Reservations")["properties"]["tags"],
        json!({"cost-center": "4711", "env": "staging", "owner": "platform", "team": "payments"})
    );
    assert_eq!(
        artifact("Staff")["properties"]["tags"],
        json!({"env": "prod", "owner": "platform", "team": "payments"})
    );
    assert_eq!(
        artifact("Staff")["metadata"]["/Staff"],
        json!([{"type": "aws:cdk:stack-tags", "data": [
            {"Key": "env", "Value": "prod"},
            {"Key": "owner", "Value": "platform"},
            {"Key": "team", "Value": "payments"},
        ]}])
    );
}

#[test]
fn an_untagged_app_changes_nothing() {
    let (manifest, templates) = accepted(
        "untagged",
        "stacks:\n  S:\n    functions:\n      F: { handler: notify-staff }\n",
    );
    assert!(
        manifest["artifacts"]["S"]["properties"]
            .get("tags")
            .is_none()
    );
    assert!(manifest["artifacts"]["S"].get("metadata").is_none());
    for r in templates["S"]["Resources"].as_object().unwrap().values() {
        assert!(r["Properties"].get("Tags").is_none(), "{r}");
        assert!(r["Properties"].get("PermissionsBoundary").is_none(), "{r}");
    }
}

#[test]
fn rust_tags_reach_escape_hatches_and_merge_with_a_resources_own() {
    let mut app = tributary::core::App::new(tributary::core::NamedAssets);
    app.tag("team", "payments");
    let stack = app.add_stack(
        tributary::core::StackName::new("Test").unwrap(),
        tributary::core::Environment::agnostic(),
    );
    stack.add_tag("env", "dev");
    let f = function(stack, "Fn");
    stack.tag(&f.path, "owner", "fn-team");
    let q = stack.construct("Raw");
    let raw = stack.child(&q, "Resource");
    stack.add(
        &raw,
        Resource::new(ResourceType::SqsQueue)
            .prop("SqsManagedSseEnabled", true)
            .prop(
                "Tags",
                tributary::core::Value::List(vec![tributary::core::Value::map([
                    ("Key", "env".into()),
                    ("Value", "own".into()),
                ])]),
            ),
    );
    let synth = app.synth().unwrap();
    let t: Json = serde_json::from_str(&crate::common::template(&synth)).unwrap();
    assert_eq!(
        t["Resources"]["Raw"]["Properties"]["Tags"],
        json!([
            {"Key": "env", "Value": "own"},
            {"Key": "team", "Value": "payments"},
        ])
    );
    assert_eq!(
        t["Resources"]["Fn"]["Properties"]["Tags"],
        json!([
            {"Key": "env", "Value": "dev"},
            {"Key": "owner", "Value": "fn-team"},
            {"Key": "team", "Value": "payments"},
        ])
    );
    assert_eq!(synth.stacks[0].tags.len(), 2);
}

#[test]
fn tags_aws_refuses_are_errors_at_their_construct() {
    let yaml = format!(
        "tags: {{ 'aws:owner': x, ok: '' }}
stacks:
  S:
    tags: {{ {long}: x, 'a*b': x }}
    functions:
      F:
        handler: notify-staff
        tags: {{ k: {value}, v: \"tab\\there\" }}
",
        long = "k".repeat(129),
        value = "v".repeat(257)
    );
    insta::assert_snapshot!(refused(&yaml), @r"
    error: app tags: key `aws:owner` starts with `aws:`, which AWS reserves for its own tags
    error: app tags: the value of `ok` is empty; CloudFormation takes stack tags of 1..=256 characters (an empty value is only for a construct's tags)
    error: <dir>/app.yaml:4:5: S: tags: key `a*b` contains '*'; tags take letters, digits, spaces and _.:/=+-@
    error: <dir>/app.yaml:4:5: S: tags: key `kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk` is 129 characters long; AWS takes at most 128
    error: <dir>/app.yaml:8:9: S/F: tags: the value of `k` is 257 characters long; AWS takes at most 256
    error: <dir>/app.yaml:8:9: S/F: tags: the value of `v` contains '\t'; tags take letters, digits, spaces and _.:/=+-@
    ");
    // An empty value is a construct's to give, where the type takes one: alarms take none.
    let yaml = "stacks:
  S:
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        tags: { reviewed: '' }
";
    insta::assert_snapshot!(refused(yaml), @r"
    error[TRB021]: <dir>/app.yaml:4:7: S/Orders/IteratorAgeAlarm: Properties.Tags[0].Value: 0 characters; AWS::CloudWatch::Alarm needs at least 1 (registry-schema)
    error[TRB021]: <dir>/app.yaml:4:7: S/Orders/PublisherErrorsAlarm: Properties.Tags[0].Value: 0 characters; AWS::CloudWatch::Alarm needs at least 1 (registry-schema)
    error[TRB021]: <dir>/app.yaml:4:7: S/Orders/GivenUpAlarm: Properties.Tags[0].Value: 0 characters; AWS::CloudWatch::Alarm needs at least 1 (registry-schema)
    error[TRB021]: <dir>/app.yaml:4:7: S/Orders/DestinationFailuresAlarm: Properties.Tags[0].Value: 0 characters; AWS::CloudWatch::Alarm needs at least 1 (registry-schema)
    error[TRB021]: <dir>/app.yaml:4:7: S/Orders/DroppedAlarm: Properties.Tags[0].Value: 0 characters; AWS::CloudWatch::Alarm needs at least 1 (registry-schema)
    ");
}

#[test]
fn more_than_fifty_tags_on_a_resource_is_an_error() {
    let tags = |prefix: &str, n: usize| {
        (0..n)
            .map(|i| format!("{prefix}{i}: x"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let yaml = format!(
        "tags: {{ {} }}
stacks:
  S:
    functions:
      F:
        handler: notify-staff
        tags: {{ {} }}
",
        tags("app", 30),
        tags("fn", 21)
    );
    insta::assert_snapshot!(refused(&yaml), @r"
    error: <dir>/app.yaml:7:9: S/F/LogGroup: tags: `FLogGroup` (AWS::Logs::LogGroup) would get 51 tags from its scopes; AWS takes at most 50 per resource
    error: <dir>/app.yaml:7:9: S/F/ServiceRole: tags: `FServiceRole` (AWS::IAM::Role) would get 51 tags from its scopes; AWS takes at most 50 per resource
    error: <dir>/app.yaml:7:9: S/F: tags: `F` (AWS::Lambda::Function) would get 51 tags from its scopes; AWS takes at most 50 per resource
    ");
    let yaml = format!(
        "tags: {{ {} }}\nstacks:\n  S:\n    functions:\n      F: {{ handler: notify-staff }}\n",
        tags("app", 51)
    );
    insta::assert_snapshot!(refused(&yaml), @r"
    error: <dir>/app.yaml:3:3: S: tags: the stack has 51 tags (the app's and its own); CloudFormation takes at most 50 per stack
    error: <dir>/app.yaml:5:7: S/F/LogGroup: tags: `FLogGroup` (AWS::Logs::LogGroup) would get 51 tags from its scopes; AWS takes at most 50 per resource
    error: <dir>/app.yaml:5:7: S/F/ServiceRole: tags: `FServiceRole` (AWS::IAM::Role) would get 51 tags from its scopes; AWS takes at most 50 per resource
    error: <dir>/app.yaml:5:7: S/F: tags: `F` (AWS::Lambda::Function) would get 51 tags from its scopes; AWS takes at most 50 per resource
    ");
}

const BOUNDED: &str = "permissionsBoundary: org-boundary
stacks:
  ByName:
    functions:
      F: { handler: notify-staff }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      OnOrder:
        bus: Orders
        pattern: { source: [orders] }
        targets: [{ function: F }]
  ByArn:
    permissionsBoundary: arn:aws:iam::123456789012:policy/boundaries/strict
    streamToBus:
      Changes:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
";

#[test]
fn every_role_gets_the_permissions_boundary_of_its_scope() {
    let (_, templates) = accepted("bounded", BOUNDED);
    let boundaries = |stack: &str| {
        let roles: Vec<&Json> = templates[stack]["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == "AWS::IAM::Role")
            .map(|r| &r["Properties"]["PermissionsBoundary"])
            .collect();
        assert!(!roles.is_empty());
        roles
    };
    for b in boundaries("ByName") {
        assert_eq!(
            *b,
            json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/org-boundary"})
        );
    }
    for b in boundaries("ByArn") {
        assert_eq!(
            *b,
            json!("arn:aws:iam::123456789012:policy/boundaries/strict")
        );
    }
}

#[test]
fn a_boundary_that_is_neither_an_arn_nor_a_name_is_an_error() {
    let yaml = "permissionsBoundary: 'not a policy'
stacks:
  S:
    permissionsBoundary: arn:aws:iam::123:policy/x
    functions:
      F: { handler: notify-staff }
";
    insta::assert_snapshot!(refused(yaml), @r"
    error: app permissionsBoundary `not a policy` contains ' ' in its policy name; IAM takes A-Z, a-z, 0-9 and + = , . @ _ -
    error: <dir>/app.yaml:4:5: S: permissionsBoundary `arn:aws:iam::123:policy/x` is not a managed policy ARN (`arn:<partition>:iam::<12-digit account or aws>:policy/<name>`) or a policy name
    ");
}

const PREFIXED: &str = "namePrefix: acme
stacks:
  Orders:
    streamToBus:
      Changes:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        events: reservations.json
      Given:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        bus: { name: my-bus }
    functions:
      F: { handler: notify-staff }
    httpApis:
      Api:
        defaultAuth: iam
        routes:
          - { method: POST, path: /x, function: F }
    rules:
      OnChange:
        bus: Changes
        pattern: { source: [reservations] }
        targets: [{ function: F }]
  Team:
    namePrefix: team-b
    functions:
      G: { handler: notify-staff }
    rules:
      OnChangeForTheTeamWithAVeryLongRuleIdThatMustBeShortenedXyz:
        bus: Orders/Changes
        pattern: { source: [reservations] }
        targets: [{ function: G }]
";

#[test]
fn generated_names_get_the_prefix_and_given_names_do_not() {
    let (_, templates) = accepted("prefixed", PREFIXED);
    let names: Vec<String> = templates
        .iter()
        .flat_map(|(stack, t)| {
            t["Resources"]
                .as_object()
                .unwrap()
                .iter()
                .filter_map(move |(id, r)| {
                    let p = &r["Properties"];
                    let name = p.get("Name").or_else(|| p.get("RegistryName"))?.as_str()?;
                    Some(format!("{stack}/{id}: {name} ({})", name.chars().count()))
                })
        })
        .collect();
    insta::assert_snapshot!(names.join("\n"), @r"
    Orders/ChangesBus: acme-Orders-ChangesBus (22)
    Orders/ChangesSchemas: acme-Orders-Changes (19)
    Orders/GivenBus: my-bus (6)
    Orders/Api: acme-Orders-Api (15)
    Orders/OnChange: acme-Orders-OnChange (20)
    Team/OnChangeForTheTeamWithAVeryLongRuleIdThatMustBeShortenedXyz: team-b-Team-OnChangeForTheTeamWIdThatMustBeShortenedXyz-8E124F12 (64)
    ");
}

#[test]
fn a_prefix_a_name_refuses_is_an_error_naming_the_rule() {
    let yaml = "stacks:
  S:
    namePrefix: 'acme corp'
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
";
    insta::assert_snapshot!(refused(yaml), @"error: <dir>/app.yaml:3:5: S/Orders/Bus: namePrefix `acme corp` contains ' ', which event bus names refuse (only A-Z, a-z, 0-9, ., -, _ and / are allowed)");
    let yaml = format!(
        "namePrefix: '{}'\nstacks:\n  S:\n    functions:\n      F: {{ handler: notify-staff }}\n",
        "p".repeat(33)
    );
    insta::assert_snapshot!(refused(&yaml), @"error: app namePrefix `ppppppppppppppppppppppppppppppppp` is 33 characters long; a name prefix takes 1..=32");
}

#[test]
fn a_prefix_set_after_names_were_generated_is_an_error() {
    let result = one_stack(|s| {
        let p = s.construct("Bus");
        tributary::constructs::EventBus::new(s, p, &Default::default());
        s.set_name_prefix("late");
    });
    insta::assert_snapshot!(errors(result), @"error: Test: namePrefix `late` is set after constructs generated names without it; set it before adding constructs");
}

#[test]
fn a_construct_of_another_stack_is_not_tagged_through_this_one() {
    let result = one_stack(|s| {
        let f = function(s, "Fn");
        let elsewhere = tributary::core::ConstructPath::root(
            &tributary::core::StackName::new("Other").unwrap(),
        )
        .child("Fn");
        s.tag(&elsewhere, "team", "x");
        s.tag(&f.path, "aws:team", "x");
    });
    insta::assert_snapshot!(errors(result), @r"
    error: Test: tags: `Other/Fn` is not a construct of stack `Test`; tag it through its own stack
    error: Test/Fn: tags: key `aws:team` starts with `aws:`, which AWS reserves for its own tags
    ");
}

#[test]
fn tagged_resources_render_deterministically() {
    let a = one_stack(|s| {
        s.add_tag("b", "2");
        s.add_tag("a", "1");
        function(s, "Fn");
    })
    .unwrap();
    insta::assert_snapshot!(resources(&a), @r#"
    {
      "FnLogGroup": {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
          "RetentionInDays": 30,
          "Tags": [
            {
              "Key": "a",
              "Value": "1"
            },
            {
              "Key": "b",
              "Value": "2"
            }
          ]
        },
        "UpdateReplacePolicy": "Retain",
        "DeletionPolicy": "Retain",
        "Metadata": {
          "checkov": {
            "skip": [
              {
                "id": "CKV_AWS_158",
                "comment": "CloudWatch Logs encrypts log data at rest with its service key; a customer-managed key is not required here."
              }
            ]
          }
        }
      },
      "FnServiceRole": {
        "Type": "AWS::IAM::Role",
        "Properties": {
          "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
              {
                "Effect": "Allow",
                "Principal": {
                  "Service": "lambda.amazonaws.com"
                },
                "Action": "sts:AssumeRole"
              }
            ]
          },
          "Tags": [
            {
              "Key": "a",
              "Value": "1"
            },
            {
              "Key": "b",
              "Value": "2"
            }
          ]
        }
      },
      "FnServiceRoleDefaultPolicy": {
        "Type": "AWS::IAM::Policy",
        "Properties": {
          "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
              {
                "Effect": "Allow",
                "Action": [
                  "logs:CreateLogStream",
                  "logs:PutLogEvents"
                ],
                "Resource": {
                  "Fn::GetAtt": [
                    "FnLogGroup",
                    "Arn"
                  ]
                }
              }
            ]
          },
          "PolicyName": "FnServiceRoleDefaultPolicy",
          "Roles": [
            {
              "Ref": "FnServiceRole"
            }
          ]
        }
      },
      "Fn": {
        "Type": "AWS::Lambda::Function",
        "Properties": {
          "Code": {
            "S3Bucket": {
              "Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
            },
            "S3Key": "e9e6c263e838d5e567a89f167473bc8367512900607c63076371477d44e7f350.zip"
          },
          "Handler": "bootstrap",
          "Runtime": "provided.al2023",
          "Architectures": [
            "x86_64"
          ],
          "MemorySize": 256,
          "Timeout": 10,
          "Role": {
            "Fn::GetAtt": [
              "FnServiceRole",
              "Arn"
            ]
          },
          "LoggingConfig": {
            "LogFormat": "JSON",
            "LogGroup": {
              "Ref": "FnLogGroup"
            }
          },
          "Tags": [
            {
              "Key": "a",
              "Value": "1"
            },
            {
              "Key": "b",
              "Value": "2"
            }
          ]
        },
        "DependsOn": [
          "FnServiceRoleDefaultPolicy"
        ],
        "Metadata": {
          "checkov": {
            "skip": [
              {
                "id": "CKV_AWS_117",
                "comment": "Calls only AWS service endpoints; there is no private network to reach, and a VPC would add NAT or endpoint cost and ENI cold starts."
              },
              {
                "id": "CKV_AWS_173",
                "comment": "Environment variables hold resource names and addresses, no secrets; Lambda encrypts them at rest with its AWS-managed key."
              },
              {
                "id": "CKV_AWS_115",
                "comment": "Concurrency is bounded by what invokes it (API throttling, stream shards, async retries); reserving some takes it from the account's unreserved pool. Set reservedConcurrency to cap it."
              }
            ]
          }
        }
      }
    }
    "#);
}

/// The bundled example with every guard rail on: tags at each level, a boundary, a prefix.
fn guarded_example() -> String {
    let yaml = std::fs::read_to_string(root().join("examples/reservations.yaml")).unwrap();
    let yaml = yaml
        .replace(
            "../handlers/reservations/contract.json",
            "reservations.json",
        )
        .replace(
            "  Reservations:\n    description:",
            "  Reservations:\n    tags: { cost-center: '4711' }\n    description:",
        );
    format!(
        "tags: {{ team: payments, env: prod }}\npermissionsBoundary: org-boundary\nnamePrefix: acme\n{yaml}"
    )
}

#[test]
fn the_example_with_every_guard_rail_keeps_its_resources_and_tags_them_all() {
    let (manifest, templates) = accepted("example", &guarded_example());
    assert_eq!(
        manifest["artifacts"]["Reservations"]["properties"]["tags"],
        json!({"cost-center": "4711", "env": "prod", "team": "payments"})
    );
    for (stack, t) in &templates {
        for (id, r) in t["Resources"].as_object().unwrap() {
            let kind = resource_type(r["Type"].as_str().unwrap());
            if let Some(tagging) = kind.tagging() {
                let tags = tags_of(r, tagging.shape).unwrap_or_default();
                assert!(
                    tags.iter().any(|(k, v)| k == "team" && v == "payments"),
                    "{stack}/{id}"
                );
            }
            if kind == ResourceType::IamRole {
                assert!(
                    r["Properties"].get("PermissionsBoundary").is_some(),
                    "{stack}/{id}"
                );
            }
        }
    }
}

/// cfn-lint over every accepted case's templates, when the CI's cfn-lint is known.
#[test]
fn accepted_cases_are_cfn_lint_clean() {
    let Some(schemas) = std::env::var_os("TRIBUTARY_CFN_LINT_SCHEMAS").map(PathBuf::from) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TRIBUTARY_CFN_LINT_SCHEMAS must be set in CI (see .ci/run)"
        );
        eprintln!("skipped: TRIBUTARY_CFN_LINT_SCHEMAS is not set");
        return;
    };
    let cfn_lint = schemas
        .ancestors()
        .map(|p| p.join("bin/cfn-lint"))
        .find(|p| p.is_file())
        .expect("cfn-lint beside its schemas");
    let mut files = Vec::new();
    let example = guarded_example();
    for (case, yaml) in [
        ("lint-tagged", TAGGED),
        ("lint-bounded", BOUNDED),
        ("lint-prefixed", PREFIXED),
        ("lint-example", example.as_str()),
    ] {
        accepted(case, yaml);
        for f in std::fs::read_dir(case_dir(case).join("cdk.out")).unwrap() {
            let f = f.unwrap().path();
            if f.to_string_lossy().ends_with(".template.json") {
                files.push(f);
            }
        }
    }
    let run = Command::new(&cfn_lint).args(&files).output().unwrap();
    assert!(
        run.status.success(),
        "cfn-lint on {} templates:\n{}{}",
        files.len(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

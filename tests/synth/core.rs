//! Core: intrinsics, cross-stack references, logical IDs.

use tributary::assets::Workspace;
use tributary::core::cfn::{Attr, ResourceType};
use tributary::core::{App, Environment, Pseudo, Reference, Resource, StackName, Value};

use crate::common::{errors, one_stack, root, template};

fn render(value: Value) -> String {
    let synth = one_stack(|s| {
        let p = s.construct("Thing");
        // A property the registry schema takes in any form (object or string).
        s.add(
            &p,
            Resource::new(ResourceType::SqsQueue).prop("RedrivePolicy", value),
        );
    })
    .unwrap();
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    t["Resources"]["Thing"]["Properties"]["RedrivePolicy"].to_string()
}

fn reference(stack: &str, id: &str) -> Reference {
    Reference {
        stack: StackName::new(stack).unwrap(),
        logical_id: tributary::core::LogicalId::new(id).unwrap(),
    }
}

#[test]
fn intrinsics_render_as_cloudformation() {
    let r = || reference("Test", "Thing");
    assert_eq!(render(Value::Ref(r())), r#"{"Ref":"Thing"}"#);
    assert_eq!(
        render(Value::GetAtt(r(), Attr::Arn)),
        r#"{"Fn::GetAtt":["Thing","Arn"]}"#
    );
    assert_eq!(
        render(Value::Pseudo(Pseudo::Region)),
        r#"{"Ref":"AWS::Region"}"#
    );
    assert_eq!(
        render(Value::sub("a-${AWS::AccountId}")),
        r#"{"Fn::Sub":"a-${AWS::AccountId}"}"#
    );
    assert_eq!(
        render(Value::sub_with(
            "${X}/*",
            [("X", Value::GetAtt(r(), Attr::Arn))]
        )),
        r#"{"Fn::Sub":["${X}/*",{"X":{"Fn::GetAtt":["Thing","Arn"]}}]}"#
    );
    assert_eq!(
        render(Value::Join(":".into(), vec!["a".into(), Value::Ref(r())])),
        r#"{"Fn::Join":[":",["a",{"Ref":"Thing"}]]}"#
    );
    assert_eq!(
        render(Value::ImportValue(Box::new("Shared:Vpc".into()))),
        r#"{"Fn::ImportValue":"Shared:Vpc"}"#
    );
    assert_eq!(render(Value::Map(tributary::core::Map::new())), "{}");
}

#[test]
fn cross_stack_reference_becomes_export_import_and_dependency() {
    let mut app = App::new(Workspace::open(&root()));
    let producer = app.add_stack(StackName::new("Producer").unwrap(), Environment::agnostic());
    let p = producer.construct("Queue");
    let queue = producer.add(&p, Resource::new(ResourceType::SqsQueue));
    let consumer = app.add_stack(StackName::new("Consumer").unwrap(), Environment::agnostic());
    let p = consumer.construct("Alarm");
    consumer.add(
        &p,
        Resource::new(ResourceType::SnsTopic)
            .prop("TopicName", Value::GetAtt(queue, Attr::QueueName)),
    );
    let synth = app.synth().unwrap();
    let names: Vec<&str> = synth.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Producer", "Consumer"]);
    assert_eq!(
        synth.stacks[1].dependencies,
        [StackName::new("Producer").unwrap()]
    );
    let producer = template(&synth);
    assert!(
        producer.contains(r#""ExportsOutputFnGetAttQueueQueueName": {"#),
        "{producer}"
    );
    assert!(producer.contains(r#""Name": "Producer:ExportsOutputFnGetAttQueueQueueName""#));
    let consumer: serde_json::Value = serde_json::from_str(
        &String::from_utf8(
            tributary::assembly::render_template(&synth.stacks[1], Default::default()).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        consumer["Resources"]["Alarm"]["Properties"]["TopicName"].to_string(),
        r#"{"Fn::ImportValue":"Producer:ExportsOutputFnGetAttQueueQueueName"}"#
    );
}

#[test]
fn stacks_are_ordered_by_dependency_and_cycles_are_errors() {
    let mut app = App::new(Workspace::open(&root()));
    let a = app.add_stack(StackName::new("A").unwrap(), Environment::agnostic());
    let p = a.construct("X");
    a.add(
        &p,
        Resource::new(ResourceType::SqsQueue).prop("QueueName", Value::Ref(reference("B", "Y"))),
    );
    let b = app.add_stack(StackName::new("B").unwrap(), Environment::agnostic());
    let p = b.construct("Y");
    b.add(
        &p,
        Resource::new(ResourceType::SqsQueue).prop("QueueName", Value::Ref(reference("A", "X"))),
    );
    insta::assert_snapshot!(errors(app.synth()), @"error: stacks depend on each other in a cycle: A -> B -> A; move the shared resources into one stack");
}

#[test]
fn cross_environment_references_are_refused() {
    let mut app = App::new(Workspace::open(&root()));
    let env = Environment {
        account: Some(tributary::core::AccountId::new("123456789012").unwrap()),
        region: Some(tributary::core::Region::new("eu-west-1").unwrap()),
    };
    let a = app.add_stack(StackName::new("A").unwrap(), env);
    let p = a.construct("X");
    let x = a.add(&p, Resource::new(ResourceType::SqsQueue));
    let b = app.add_stack(StackName::new("B").unwrap(), Environment::agnostic());
    let p = b.construct("Y");
    b.add(
        &p,
        Resource::new(ResourceType::SqsQueue).prop("QueueName", Value::Ref(x)),
    );
    insta::assert_snapshot!(errors(app.synth()), @"error: stack `B` (aws://unknown-account/unknown-region) references stack `A` (aws://123456789012/eu-west-1); cross-stack references only work within one account and region");
}

#[test]
fn logical_id_collisions_name_both_paths() {
    let result = one_stack(|s| {
        let a = s.construct("OrdersTable");
        s.add(&a, Resource::new(ResourceType::SqsQueue));
        let b = s.construct("Orders");
        let b = s.child(&b, "Table");
        s.add(&b, Resource::new(ResourceType::SqsQueue));
    });
    insta::assert_snapshot!(errors(result), @"error: Test/Orders/Table: logical ID `OrdersTable` is also derived from `Test/OrdersTable`; rename one of the constructs or override its logical ID");
}

#[test]
fn overrides_keep_logical_ids_and_unused_ones_are_errors() {
    let synth = one_stack(|s| {
        s.override_logical_id("Renamed/Resource", "OldName")
            .unwrap();
        let p = s.construct("Renamed");
        let p = s.child(&p, "Resource");
        s.add(&p, Resource::new(ResourceType::SqsQueue));
    })
    .unwrap();
    assert!(template(&synth).contains(r#""OldName": {"#));

    let result = one_stack(|s| {
        s.override_logical_id("Typo/Resource", "OldName").unwrap();
        let p = s.construct("Other");
        s.add(&p, Resource::new(ResourceType::SqsQueue));
    });
    insta::assert_snapshot!(errors(result), @"error: logical ID override `OldName` is for `Test/Typo/Resource`, but no resource was created there");
}

#[test]
fn duplicate_construct_ids_and_invalid_ids_are_errors() {
    let result = one_stack(|s| {
        let p = s.construct("Same");
        s.add(&p, Resource::new(ResourceType::SqsQueue));
        s.construct("Same");
        s.construct("bad id");
    });
    insta::assert_snapshot!(errors(result), @r"
    error: Test/Same: there is already a construct with this path; give each construct a unique id
    error: Test/bad id: construct id `bad id` contains ` `; only A-Z, a-z, 0-9, -, _ and . are allowed
    ");
}

#[test]
fn every_template_carries_the_bootstrap_version_check() {
    let synth = one_stack(|s| {
        let p = s.construct("Q");
        s.add(&p, Resource::new(ResourceType::SqsQueue));
    })
    .unwrap();
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    assert_eq!(
        t["Parameters"]["BootstrapVersion"]["Default"],
        "/cdk-bootstrap/hnb659fds/version"
    );
    assert_eq!(
        t["Rules"]["CheckBootstrapVersion"]["Assertions"][0]["Assert"].to_string(),
        r#"{"Fn::Not":[{"Fn::Contains":[["1","2","3","4","5"],{"Ref":"BootstrapVersion"}]}]}"#
    );
}

/// The core is pure: no file system, no processes, and no call up into a layer above it
/// (assets and checks reach it through `AssetResolver` and `TemplateChecks`).
#[test]
fn the_core_reads_no_file_and_names_no_layer_above_it() {
    const FORBIDDEN: [&str; 10] = [
        "std::fs",
        "std::process",
        "std::net",
        "crate::assets",
        "crate::assembly",
        "crate::checks",
        "crate::cli",
        "crate::constructs",
        "crate::patterns",
        "crate::spec",
    ];
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(&crate::common::root().join("src/core"), &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for name in FORBIDDEN {
                if code.contains(name) {
                    found.push(format!("{}:{}: {name}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

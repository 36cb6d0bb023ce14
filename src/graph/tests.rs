#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};

use super::*;

fn key(stack: &str, id: &str) -> NodeKey {
    NodeKey {
        stack: stack.to_owned(),
        logical_id: id.to_owned(),
    }
}

/// A producer stack (API -> writer -> table -> mapping -> publisher -> bus) and a consumer
/// stack (rule on the imported bus -> target, with a DLQ, an async failure queue and alarms),
/// written with names no tributary app uses.
fn producer() -> Value {
    json!({
        "Resources": {
            "Hook": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "hook"}},
            "HookRoute": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
                "ApiId": {"Ref": "Hook"}, "RouteKey": "PUT /things/{id}",
                "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "HookIntegration"}]]}}},
            "HookIntegration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
                "ApiId": {"Ref": "Hook"}, "IntegrationUri": {"Fn::GetAtt": ["Writer", "Arn"]}}},
            "WriterRole": {"Type": "AWS::IAM::Role", "Properties": {}},
            "WriterPolicy": {"Type": "AWS::IAM::Policy", "Properties": {
                "Roles": [{"Ref": "WriterRole"}],
                "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": {"Fn::GetAtt": ["Things", "Arn"]}},
                    {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["Other", "Arn"]}}
                ]}}},
            "Writer": {"Type": "AWS::Lambda::Function", "Properties": {
                "Role": {"Fn::GetAtt": ["WriterRole", "Arn"]}}},
            "Things": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "Other": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "PubRole": {"Type": "AWS::IAM::Role", "Properties": {}},
            "PubPolicy": {"Type": "AWS::IAM::Policy", "Properties": {
                "Roles": [{"Ref": "PubRole"}],
                "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Parked", "Arn"]}}
                ]}}},
            "Pub": {"Type": "AWS::Lambda::Function", "Properties": {
                "Role": {"Fn::GetAtt": ["PubRole", "Arn"]},
                "Environment": {"Variables": {"BUS": {"Ref": "Bus"}}}}},
            "Feed": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Things", "StreamArn"]},
                "FunctionName": {"Ref": "Pub"},
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Parked", "Arn"]}}}}},
            "Parked": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "bus"}},
            "Pager": {"Type": "AWS::SNS::Topic", "Properties": {}},
        },
        "Outputs": {
            "BusOut": {"Value": {"Ref": "Bus"}, "Export": {"Name": "p:bus"}},
            "PagerOut": {"Value": {"Ref": "Pager"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}:pager"}}},
        }
    })
}

fn consumer() -> Value {
    json!({
        "Resources": {
            "Route": {"Type": "AWS::Events::Rule", "Properties": {
                "Name": "consumer-route",
                "EventBusName": {"Fn::ImportValue": "p:bus"},
                "Targets": [{"Id": "T0", "Arn": {"Fn::GetAtt": ["Handler", "Arn"]},
                             "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["RouteDlq", "Arn"]}}},
                            {"Id": "T1", "Arn": "arn:aws:sqs:eu-west-1:123456789012:outside"}]}},
            "RouteDlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Handler": {"Type": "AWS::Lambda::Function", "Properties": {}},
            "HandlerInvoke": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
                "FunctionName": {"Ref": "Handler"},
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["HandlerFailed", "Arn"]}}}}},
            "HandlerFailed": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "RouteAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                "Dimensions": [{"Name": "RuleName", "Value": "consumer-route"}],
                "AlarmActions": [{"Fn::ImportValue": "producer:pager"}],
                "OKActions": [{"Fn::ImportValue": "producer:pager"}]}},
        }
    })
}

fn graph() -> Graph {
    let (p, c) = (producer(), consumer());
    Graph::from_templates(&[
        StackTemplate {
            name: "producer",
            template: &p,
        },
        StackTemplate {
            name: "consumer",
            template: &c,
        },
    ])
}

fn edges(g: &Graph) -> Vec<String> {
    g.edges
        .iter()
        .map(|e| {
            format!(
                "{}/{} {:?}{} {}/{}",
                e.from.stack,
                e.from.logical_id,
                e.kind,
                e.label
                    .as_deref()
                    .map(|l| format!("({l})"))
                    .unwrap_or_default(),
                e.to.stack,
                e.to.logical_id
            )
        })
        .collect()
}

#[test]
fn the_data_path_failure_paths_and_alarms_come_from_references() {
    let g = graph();
    let nodes: Vec<_> = g
        .stacks
        .iter()
        .flat_map(|(_, n)| n)
        .map(|n| n.key.logical_id.as_str())
        .collect();
    assert_eq!(
        nodes,
        [
            "Hook",
            "HookRoute",
            "Writer",
            "Things",
            "Other",
            "Pub",
            "Feed",
            "Parked",
            "Bus",
            "Pager",
            "Route",
            "RouteDlq",
            "Handler",
            "HandlerFailed",
            "RouteAlarm"
        ],
        "plumbing (roles, policies, integrations, invoke configs) is folded"
    );
    assert_eq!(
        edges(&g),
        [
            "producer/Hook Data producer/HookRoute",
            "producer/HookRoute Data producer/Writer",
            "producer/Pub Data producer/Bus",
            "producer/Things Data producer/Feed",
            "producer/Feed Data producer/Pub",
            "producer/Feed Failure(on failure) producer/Parked",
            "producer/Bus Data consumer/Route",
            "consumer/Route Data consumer/Handler",
            "consumer/Route Failure(DLQ) consumer/RouteDlq",
            "consumer/Handler Failure(on failure) consumer/HandlerFailed",
            "consumer/Route Watch consumer/RouteAlarm",
            "consumer/RouteAlarm Notify producer/Pager",
            // a write grant draws an edge (a read grant does not; the publisher's grant to its
            // mapping's failure queue is the dashed edge already)
            "producer/Writer Data producer/Things",
        ]
    );
    let route = g.node(&key("producer", "HookRoute")).unwrap();
    assert_eq!(route.kind, Kind::Route);
    assert_eq!(route.detail.as_deref(), Some("PUT /things/{id}"));
    assert_eq!(
        g.owners[&key("producer", "WriterPolicy")],
        key("producer", "Writer")
    );
    assert_eq!(
        g.owners[&key("producer", "WriterRole")],
        key("producer", "Writer")
    );
    assert_eq!(
        g.owners[&key("producer", "HookIntegration")],
        key("producer", "HookRoute")
    );
    assert_eq!(
        g.owners[&key("consumer", "HandlerInvoke")],
        key("consumer", "Handler")
    );
}

#[test]
fn mermaid_and_dot_draw_failures_dashed_and_alarms_apart() {
    let g = graph();
    let m = g.render(Format::Mermaid, &Marks::new());
    assert!(m.starts_with("flowchart LR\n  subgraph cluster_Sproducer [\"producer\"]\n"));
    assert!(m.contains("  producer__Feed -.->|\"on failure\"| producer__Parked\n"));
    assert!(m.contains("  producer__Things --> producer__Feed\n"));
    assert!(m.contains("    consumer__RouteAlarm>\"RouteAlarm<br/>CloudWatch::Alarm\"]\n"));
    assert!(m.contains("  class consumer__RouteAlarm alarm\n"));
    assert!(m.contains(
        "producer__HookRoute[/\"HookRoute<br/>ApiGatewayV2::Route<br/>PUT /things/{id}\"/]"
    ));
    let d = g.render(Format::Dot, &Marks::new());
    assert!(d.starts_with("digraph tributary {\n"));
    assert!(d.contains("  subgraph \"cluster_Sconsumer\" {\n    label=\"consumer\";\n"));
    assert!(d.contains(
        "  \"producer__Feed\" -> \"producer__Parked\" [style=dashed, label=\"on failure\"];\n"
    ));
    assert!(d.contains(
        "\"consumer__RouteAlarm\" [label=\"RouteAlarm\\nCloudWatch::Alarm\", shape=octagon"
    ));
    assert_eq!(
        m,
        graph().render(Format::Mermaid, &Marks::new()),
        "deterministic"
    );
    assert_eq!(
        d,
        graph().render(Format::Dot, &Marks::new()),
        "deterministic"
    );
}

#[test]
fn ids_are_escaped_injectively_and_never_keywords() {
    let ids: Vec<String> = [
        ("end", "end"),
        ("a-b", "c"),
        ("a_b", "c"),
        ("a", "b__c"),
        ("a__b", "c"),
        ("o", "x"),
        ("St", "Ünï cödé\"'"),
    ]
    .iter()
    .map(|(s, l)| render::node_id(&key(s, l)))
    .collect();
    assert_eq!(
        ids,
        [
            "end__end",
            "a_hb__c",
            "a_ub__c",
            "a__b_u_uc",
            "a_u_ub__c",
            "o__x",
            "St___xdcxn_xefx_x20xc_xf6xd_xe9x_x22x_x27x"
        ]
    );
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    for id in &ids {
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert!(id.contains("__"), "{id}: a Mermaid keyword has no `__`");
    }
}

#[test]
fn labels_are_escaped_for_each_format() {
    let t = json!({"Resources": {
        "R": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "GET /a\"b\"<c>#d&e\\f\ng"}}
    }});
    let stacks = [StackTemplate {
        name: "S\"1",
        template: &t,
    }];
    let m = mermaid(&stacks);
    assert!(
        m.contains("subgraph cluster_SS_x22x1 [\"S#quot;1\"]"),
        "{m}"
    );
    assert!(
        m.contains("GET /a#quot;b#quot;#lt;c#gt;#35;d#amp;e\\f g\"/]"),
        "{m}"
    );
    let d = dot(&stacks);
    assert!(d.contains("label=\"S\\\"1\";"), "{d}");
    assert!(d.contains("GET /a\\\"b\\\"<c>#d&e\\\\f g\""), "{d}");
}

#[test]
fn marks_style_nodes_and_folded_resources_mark_their_owner() {
    let mut marks = Marks::new();
    marks.insert(("producer".into(), "Things".into()), Mark::Replaced);
    marks.insert(("producer".into(), "WriterPolicy".into()), Mark::Modified);
    marks.insert(("consumer".into(), "HandlerInvoke".into()), Mark::Added);
    marks.insert(("consumer".into(), "Handler".into()), Mark::Added);
    marks.insert(("nowhere".into(), "Ghost".into()), Mark::Removed);
    let m = graph().render(Format::Mermaid, &marks);
    assert!(m.ends_with(
        "  classDef added fill:#dafbe1,stroke:#1a7f37,stroke-width:2px\n  class consumer__Handler added\n  classDef modified fill:#fff8c5,stroke:#9a6700,stroke-width:2px\n  class producer__Writer modified\n  classDef replaced fill:#ffebe9,stroke:#cf222e,stroke-width:3px\n  class producer__Things replaced\n"
    ), "{m}");
    let d = graph().render(Format::Dot, &marks);
    assert!(d.contains("\"producer__Things\" [label=\"Things\\nDynamoDB::Table\", shape=cylinder, fillcolor=\"#ffebe9\", class=\"replaced\", style=\"filled,bold\"];"), "{d}");
}

#[test]
fn a_merged_base_draws_what_was_removed() {
    let (p, c) = (producer(), consumer());
    let current = Graph::from_templates(&[StackTemplate {
        name: "producer",
        template: &p,
    }]);
    let base = Graph::from_templates(&[
        StackTemplate {
            name: "producer",
            template: &p,
        },
        StackTemplate {
            name: "consumer",
            template: &c,
        },
    ]);
    let mut g = current.clone();
    g.merge(base.clone());
    assert_eq!(g.stacks, base.stacks);
    assert_eq!(g.owners, base.owners);
    let (mut merged, mut all) = (edges(&g), edges(&base));
    merged.sort();
    all.sort();
    assert_eq!(
        merged, all,
        "the base's edges are added after the current graph's"
    );
    let mut marks = Marks::new();
    marks.insert(("consumer".into(), "Route".into()), Mark::Removed);
    let m = g.render(Format::Mermaid, &marks);
    assert!(m.contains("  class consumer__Route removed\n"));
    assert!(m.contains("stroke-dasharray:5 5"));
}

#[test]
fn any_json_draws_without_panicking() {
    for t in [
        json!(null),
        json!([]),
        json!({"Resources": []}),
        json!({"Resources": {"A": 1, "B": {"Type": 2}, "C": {"Type": "AWS::Events::Rule", "Properties": {"Targets": 5, "EventBusName": {"Ref": "C"}}}}}),
        json!({"Resources": {"M": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": []}}}),
        json!({"Resources": {"Q": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Dimensions": [1, {"Value": [{"Ref": "Q"}]}], "AlarmActions": "x"}}}, "Outputs": {"O": {"Export": {"Name": 3}}}}),
    ] {
        let stacks = [
            StackTemplate {
                name: "",
                template: &t,
            },
            StackTemplate {
                name: "",
                template: &t,
            },
        ];
        let _ = mermaid(&stacks);
        let _ = dot(&stacks);
    }
}

#[test]
fn aliases_and_versions_stand_for_their_function() {
    let t = json!({"Resources": {
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "F": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "F"}}},
        "A": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "V"}}},
        "M": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "A"}}},
        // a cycle of aliases ends
        "X": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Y"}}},
        "Y": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "X"}}},
        "N": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"FunctionName": {"Ref": "X"}}},
    }});
    let g = Graph::from_templates(&[StackTemplate {
        name: "s",
        template: &t,
    }]);
    assert_eq!(edges(&g), ["s/Q Data s/M", "s/M Data s/F"]);
    assert_eq!(g.owners[&key("s", "A")], key("s", "F"));
}

#[test]
fn edges_are_drawn_data_path_first() {
    let m = graph().render(Format::Mermaid, &Marks::new());
    let first_failure = m.find("-.->").unwrap();
    let last_data = m.rfind(" --> producer__Pager").unwrap();
    assert!(m.find("producer__Writer --> producer__Things").unwrap() < first_failure);
    assert!(first_failure < last_data, "alarms' edges come last");
}

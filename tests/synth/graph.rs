//! `tributary graph`: the example app's picture (snapshots, and the README's copy of it), the
//! CLI, and diagrams written for the real Mermaid and Graphviz parsers (`.ci/check-graph.mjs`,
//! run here when `.ci/node_modules` is installed, and by `.ci/run`).

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;
use tributary::graph::{self, Format, Mark, Marks, StackTemplate};

use crate::common::{root, snapshot_settings, tributary};

fn example_templates() -> Vec<(String, serde_json::Value)> {
    let spec = tributary::spec::load(&root().join("examples/reservations.yaml")).unwrap();
    let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
    graph::templates(&synth).unwrap()
}

fn example(format: Format) -> String {
    graph::render(&graph::borrow(&example_templates()), format, &Marks::new())
}

#[test]
fn example_mermaid() {
    snapshot_settings(|| {
        insta::assert_snapshot!("graph_example_mermaid", example(Format::Mermaid))
    });
}

#[test]
fn example_dot() {
    snapshot_settings(|| insta::assert_snapshot!("graph_example_dot", example(Format::Dot)));
}

/// The README's diagram is what `tributary graph` prints for the example
/// (`TRIBUTARY_UPDATE_README=1` rewrites it).
#[test]
fn readme_diagram_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find("```mermaid\n")
        .expect("the README has a ```mermaid block")
        + "```mermaid\n".len();
    let end = start
        + readme[start..]
            .find("```\n")
            .expect("the mermaid block ends");
    let current = example(Format::Mermaid);
    if readme[start..end] != current && std::env::var_os("TRIBUTARY_UPDATE_README").is_some() {
        std::fs::write(
            &path,
            format!("{}{current}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert!(
        readme[start..end] == current,
        "README.md's diagram is stale: run `TRIBUTARY_UPDATE_README=1 cargo test --test synth graph::readme`"
    );
}

#[test]
fn cli_prints_the_graph_of_the_selected_stacks() {
    let (code, mermaid, stderr) = tributary(&["graph"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(mermaid, example(Format::Mermaid));
    let (code, dot, _) = tributary(&["graph", "--format", "dot"]);
    assert_eq!(code, 0);
    assert_eq!(dot, example(Format::Dot));
    assert_eq!(
        tributary(&["graph", "--format", "dot"]).1,
        dot,
        "deterministic"
    );

    // A stack and the stacks it depends on, as `synth --stack` selects.
    let (code, one, _) = tributary(&["graph", "--stack", "Reservations"]);
    assert_eq!(code, 0);
    assert!(one.contains("subgraph cluster_SReservations") && !one.contains("StaffNotifications"));
    let (code, both, _) = tributary(&["graph", "--stack", "StaffNotifications"]);
    assert_eq!((code, both), (0, mermaid));

    let (code, _, stderr) = tributary(&["graph", "--stack", "Nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("there is no stack `Nope`"), "{stderr}");
    let (code, _, stderr) = tributary(&["graph", "--format", "svg"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values: mermaid, dot"), "{stderr}");
    let (code, _, stderr) = tributary(&["graph", "--app", "examples/missing.yaml"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("missing.yaml"), "{stderr}");
}

/// Names chosen to break a careless writer: Mermaid keywords, `o`/`x` that Mermaid reads as
/// arrow heads, quotes, `#`, `<`, `&`, non-ASCII, and every mark.
fn adversarial() -> (serde_json::Value, serde_json::Value) {
    let a = json!({"Resources": {
        "end": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {}},
        "o": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "end"}, "RouteKey": "GET /a\"b\"/<c>/#d/&e/{f}/|g|",
            "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "I"}]]}}},
        "I": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"IntegrationUri": {"Fn::GetAtt": ["x", "Arn"]}}},
        "x": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {"T": {"Ref": "subgraph"}}}}},
        "subgraph": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        "graph": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["subgraph", "StreamArn"]}, "FunctionName": {"Ref": "x"},
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["class", "Arn"]}}}}},
        "class": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "style": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["class", "QueueName"]}}],
            "AlarmActions": [{"Ref": "click"}]}},
        "click": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Ünïcode": {"Type": "Custom::Thing", "Properties": {}},
    }, "Outputs": {"E": {"Value": {"Ref": "click"}, "Export": {"Name": "end:click"}}}});
    let b = json!({"Resources": {
        "direction": {"Type": "AWS::Events::Rule", "Properties": {
            "Targets": [{"Arn": {"Fn::GetAtt": ["x", "Arn"]}, "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["linkStyle", "Arn"]}}}]}},
        "x": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "linkStyle": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "classDef": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"Fn::ImportValue": "end:click"}]}},
    }});
    (a, b)
}

/// Where the diagrams for the real parsers go (`.ci/check-graph.mjs target/graph/*`).
fn out_dir() -> PathBuf {
    let dir = root().join("target/graph");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_diagrams() -> Vec<PathBuf> {
    let (a, b) = adversarial();
    let stacks = [
        StackTemplate {
            name: "end",
            template: &a,
        },
        StackTemplate {
            name: "o-\"x\" & #1",
            template: &b,
        },
    ];
    let mut marks = Marks::new();
    for (id, mark) in [
        ("end", Mark::Added),
        ("x", Mark::Modified),
        ("subgraph", Mark::Replaced),
        ("style", Mark::Removed),
    ] {
        marks.insert(("end".to_owned(), id.to_owned()), mark);
    }
    marks.insert(
        ("o-\"x\" & #1".to_owned(), "direction".to_owned()),
        Mark::Added,
    );
    let dir = out_dir();
    let mut written = Vec::new();
    for (name, text) in [
        ("example.mmd", example(Format::Mermaid)),
        ("example.dot", example(Format::Dot)),
        (
            "adversarial.mmd",
            graph::render(&stacks, Format::Mermaid, &marks),
        ),
        (
            "adversarial.dot",
            graph::render(&stacks, Format::Dot, &marks),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        written.push(path);
    }
    written
}

/// The real parsers accept every diagram (and refuse broken ones: the checker's self-test),
/// when the CI's npm packages are installed; skipped without them, except in CI.
#[test]
fn real_parsers_accept_the_diagrams() {
    let written = write_diagrams();
    let checker = root().join(".ci/check-graph.mjs");
    if !root().join(".ci/node_modules/mermaid").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            ".ci/node_modules is missing in CI (see .ci/run: npm ci)"
        );
        eprintln!("skipped: no .ci/node_modules (cd .ci && npm ci)");
        return;
    }
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Command::new("node")
            .arg(&checker)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok, output) = run(&[std::ffi::OsStr::new("--self-test")]);
    assert!(ok, "{output}");
    let args: Vec<&std::ffi::OsStr> = written.iter().map(|p| p.as_os_str()).collect();
    let (ok, output) = run(&args);
    assert!(ok, "{output}");
    // A diagram broken on purpose is refused (outside target/graph, which CI checks).
    let broken_dir = root().join("target/graph-broken");
    std::fs::create_dir_all(&broken_dir).unwrap();
    let broken = broken_dir.join("broken.mmd");
    let good = example(Format::Mermaid);
    std::fs::write(
        &broken,
        good.replacen("  end\n", "", 1).replace("-.->", "-.-->>"),
    )
    .unwrap();
    let (ok, output) = run(&[broken.as_os_str()]);
    assert!(!ok && output.contains("syntax error"), "{output}");
    let broken = broken_dir.join("broken.dot");
    std::fs::write(&broken, example(Format::Dot).replacen(" -> ", " -> -> ", 1)).unwrap();
    let (ok, output) = run(&[broken.as_os_str()]);
    assert!(!ok && output.contains("syntax error"), "{output}");
}

/// `diff --graph`: the example with its table's key renamed and its writer renamed, drawn from
/// the current templates and the base's, each changed node marked.
#[test]
fn a_diff_marks_what_it_adds_modifies_replaces_and_removes() {
    let text = std::fs::read_to_string(root().join("examples/reservations.yaml"))
        .unwrap()
        .replace("name: reservationId, type: S", "name: id, type: S")
        .replace("CreateReservation", "CreateBooking");
    let spec = tributary::spec::parse(&root().join("examples/reservations.yaml"), &text).unwrap();
    let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
    let base_json =
        tributary::diff::read_base_json(&root().join("templates/reservations")).unwrap();
    let base: tributary::diff::Templates = base_json
        .iter()
        .map(|(n, j)| (n.clone(), tributary::diff::Template::from_json(j).unwrap()))
        .collect();
    let result = tributary::diff::diff(&base, &tributary::diff::templates_of(&synth).unwrap());
    let marks = tributary::diff::marks(&result);
    let key = |id: &str| ("Reservations".to_owned(), id.to_owned());
    assert_eq!(marks.get(&key("ReservationsTable")), Some(&Mark::Replaced));
    assert_eq!(marks.get(&key("CreateBooking")), Some(&Mark::Added));
    assert_eq!(marks.get(&key("CreateReservation")), Some(&Mark::Removed));
    let now = graph::templates(&synth).unwrap();
    let mut picture = graph::Graph::from_templates(&graph::borrow(&now));
    picture.merge(graph::Graph::from_templates(&graph::borrow(&base_json)));
    let mermaid = picture.render(Format::Mermaid, &marks);
    let class_of = |class: &str| {
        mermaid
            .lines()
            .find(|l| {
                l.trim_start().starts_with("class ") && l.trim_end().ends_with(&format!(" {class}"))
            })
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        class_of("replaced").contains("Reservations__ReservationsTable"),
        "{mermaid}"
    );
    assert!(
        class_of("added").contains("Reservations__CreateBooking"),
        "{mermaid}"
    );
    assert!(
        class_of("removed").contains("Reservations__CreateReservation"),
        "{mermaid}"
    );
    // For the real parser (`.ci/run` checks every diagram in target/graph).
    std::fs::write(out_dir().join("diff-example.mmd"), &mermaid).unwrap();
}

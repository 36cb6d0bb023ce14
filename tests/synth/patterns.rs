//! Event patterns through the spec: bad ones refused at load (file, line, field, plain words) or
//! at synth (construct path), and one using every operator accepted and lint-clean.

use std::path::Path;

use crate::common::root;

/// A spec with one rule whose pattern is `pattern` (YAML, indented for `pattern:`), and one stream
/// mapping whose filters are `filters`.
fn spec(pattern: &str, filters: &str) -> String {
    format!(
        "stacks:
  S:
    functions:
      Notify: {{ handler: notify-staff }}
    streamToBus:
      Orders:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
        stream:
          filters: {filters}
    rules:
      R:
        bus: Orders
        pattern: {pattern}
        targets: [{{ function: Notify }}]
"
    )
}

fn load_error(yaml: &str) -> String {
    match tributary::spec::parse(Path::new("app.yaml"), yaml) {
        Ok(_) => "loaded".to_owned(),
        Err(e) => e.to_string(),
    }
}

fn synth_errors(yaml: &str) -> String {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    match tributary::spec::build(&spec, &root()).synth() {
        Ok(_) => "ok".to_owned(),
        Err(d) => d
            .errors()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn explore() {
    let ok_filters = "[{ eventName: [INSERT] }]";
    let ok_pattern = "{ source: [orders] }";
    for p in [
        "{ source: [] }",
        "{ source: orders }",
        "{ }",
        "{ detail: {} }",
        "{ detail: { n: [{ numeric: \"5\" }] } }",
        "{ detail: { n: [{ prefix: 5 }] } }",
        "{ detail: { n: [{ exists: yes }] } }",
        "{ detail: { n: [{ prefx: a }] } }",
        "{ detail: { n: [[a]] } }",
        "{ detail: { n: [{ numeric: ['>', 5, '>', 6] }] } }",
        "{ detailtype: [x] }",
        "{ source: [orders], $or: [{ detail: { a: [x] } }] }",
    ] {
        println!("{p}\n  => {}", load_error(&spec(p, ok_filters)));
    }
    for f in [
        "[{ eventName: [] }]",
        "[{}]",
        "[ x ]",
        "[{ dynamodb: { NewImage: { name: { S: [{ wildcard: '*.png' }] } } } }]",
    ] {
        println!("{f}\n  => {}", load_error(&spec(ok_pattern, f)));
        if load_error(&spec(ok_pattern, f)) == "loaded" {
            println!("  synth => {}", synth_errors(&spec(ok_pattern, f)));
        }
    }
}

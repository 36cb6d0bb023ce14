//! Spec errors: file, line, column, field and the closest valid name.

use std::path::Path;

use crate::common::root;

fn load_error(yaml: &str) -> String {
    tributary::spec::parse(Path::new("app.yaml"), yaml)
        .unwrap_err()
        .to_string()
}

fn synth_errors(yaml: &str) -> String {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    crate::common::errors(tributary::spec::build(&spec, &root()).synth())
}

#[test]
fn misspelt_field_names_file_line_and_suggestion() {
    let yaml = "stacks:\n  S:\n    functions:\n      F:\n        handlr: notify-staff\n";
    insta::assert_snapshot!(load_error(yaml), @"app.yaml:5:9: stacks.S.functions.F: unknown field `handlr`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `handler`?");
}

#[test]
fn wrong_types_and_empty_files() {
    insta::assert_snapshot!(load_error("stacks:\n  S:\n    functions:\n      F:\n        handler: notify-staff\n        memorySize: lots\n"), @"app.yaml:6:21: stacks.S.functions.F.memorySize: invalid type: string \"lots\", expected a whole number (0 or more)");
    insta::assert_snapshot!(load_error("  \n"), @"app.yaml: the app spec is empty; it needs at least `stacks:`");
    insta::assert_snapshot!(load_error("stacks:\n  bad_name: {}\n"), @"app.yaml:2:3: stacks: `bad_name` contains `_`; only A-Z, a-z, 0-9 and - are allowed");
}

#[test]
fn dangling_references_suggest_the_closest_name() {
    let yaml = "stacks:
  S:
    functions:
      Writer: { handler: create-reservation }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        writers: [Writr]
    rules:
      R:
        bus: Ordrs
        pattern: { source: [orders] }
        targets: [{ function: Writer }]
";
    insta::assert_snapshot!(synth_errors(yaml), @"
    error: app.yaml:9:19: S/Orders: writers[0]: there is no function `Writr` in stack `S`; did you mean `Writer`?
    error: app.yaml:12:9: S/R: bus: there is no bus or stream-to-bus pattern `Ordrs`; did you mean `Orders`?
    ");
}

#[test]
fn every_error_of_a_spec_is_reported() {
    let yaml = "stacks:
  S:
    functions:
      A: { handler: notify-staff, memorySize: 64, timeoutSeconds: 901 }
      B: { handler: no-such-handler-at-all }
";
    let out = synth_errors(yaml);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains("memorySize = 64"), "{out}");
    assert!(out.contains("timeoutSeconds = 901"), "{out}");
    assert!(
        out.contains("the cargo workspace has no package `no-such-handler-at-all`"),
        "{out}"
    );
}

/// A spec in `dir` (as `app.yaml`) next to the example's contract file, copied there.
fn spec_beside_contract(dir: &Path, yaml: &str) -> Result<tributary::spec::AppSpec, String> {
    std::fs::copy(
        root().join("handlers/reservations/contract.json"),
        dir.join("reservations.json"),
    )
    .unwrap();
    tributary::spec::parse(&dir.join("app.yaml"), yaml)
        .map(|spec| crate::common::shown_as(spec, Path::new("app.yaml")))
        .map_err(|e| e.to_string())
}

#[test]
fn a_contract_file_that_cannot_be_read_is_named_with_the_path_tried() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "stacks:
  S:
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        events: orders.json
";
    let error = spec_beside_contract(dir.path(), yaml).unwrap_err();
    let error = error.replace(&dir.path().display().to_string(), "<dir>");
    assert_eq!(
        error,
        "<dir>/orders.json: cannot read the event contract file: No such file or directory (os error 2)"
    );
}

#[test]
fn unpublished_events_are_named_with_the_closest_detail_type() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "stacks:
  S:
    functions:
      Notify: { handler: notify-staff }
    streamToBus:
      Reservations:
        table: { partitionKey: { name: reservationId } }
        publisher: { handler: stream-publisher }
        events: reservations.json
    rules:
      R:
        bus: Reservations
        pattern: { source: [reservatons], detailType: [ReservationConfirmed, ReservationRemoved] }
        targets: [{ function: Notify }]
";
    let spec = spec_beside_contract(dir.path(), yaml).unwrap();
    let errors = crate::common::errors(tributary::spec::build(&spec, &root()).synth());
    insta::assert_snapshot!(errors, @"
    error: app.yaml:13:20: S/R: pattern.source: `reservatons` is not published on S/Reservations/Bus, which carries `reservations` (did you mean `reservations`?)
    error: app.yaml:13:43: S/R: pattern.detailType: `ReservationRemoved` is not an event of `reservations` (did you mean `ReservationCreated`?)
    ");
}

#[test]
fn a_broken_contract_file_gets_its_own_line_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "stacks:
  S:
    streamToBus:
      Reservations:
        table: { partitionKey: { name: reservationId } }
        publisher: { handler: stream-publisher }
        events: reservations.json
";
    spec_beside_contract(dir.path(), yaml).unwrap();
    let path = dir.path().join("reservations.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"source\"", "\"sorce\"", 1)).unwrap();
    let error = tributary::spec::parse(&dir.path().join("app.yaml"), yaml).unwrap_err();
    let error = error
        .to_string()
        .replace(&dir.path().display().to_string(), "<dir>");
    assert_eq!(
        error,
        "<dir>/reservations.json:2:9: unknown field `sorce`, expected `source` or `events`; did you mean `source`?"
    );
}

//! One physical-name scheme: derived names that fit are unchanged, longer ones keep a readable
//! beginning and end and a hash; names that must be unique in an account and region are checked
//! across the whole app, with both construct paths; a name a user gave is checked, never cut.
//!
//! Accepted cases are written under the target directory and, when `TRIBUTARY_CFN_LINT_SCHEMAS`
//! points at cfn-lint's schemas (as `.ci/run` does), linted by that cfn-lint: 0 errors, 0 warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;
use tributary::assembly::{TemplateFormat, write_assembly};
use tributary::core::{Output, Synthesized};

use crate::common::{errors, one_stack, root};

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

/// Where the accepted cases are written (`names/<test>/<case>` under the target directory).
fn case_dir(test: &str, case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("names")
        .join(test)
        .join(case)
}

/// Synthesizes an accepted case and writes its assembly (templates, no zips) under the target
/// directory; returns every template by stack name.
fn accepted(case: &str, yaml: &str) -> Vec<(String, Json)> {
    accepted_in(&case_dir("cases", case), yaml)
}

fn accepted_in(dir: &Path, yaml: &str) -> Vec<(String, Json)> {
    let case = dir.display();
    let synth = match synth_in(dir, yaml) {
        Ok(s) => s,
        Err(e) => panic!("{case}: refused:\n{e}"),
    };
    let out = dir.join("cdk.out");
    write_assembly(&out, &synth, None, TemplateFormat::Json).unwrap();
    synth
        .stacks
        .iter()
        .map(|s| {
            let file = out.join(format!("{}.template.json", s.name));
            let t = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            (s.name.to_string(), t)
        })
        .collect()
}

/// `property` of every resource of type `kind` in `template`.
fn property<'a>(template: &'a Json, kind: &str, property: &str) -> Vec<&'a str> {
    template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == kind)
        .map(|r| r["Properties"][property].as_str().unwrap())
        .collect()
}

/// `s` with every run of more than five equal characters written `[c×n]`, so long names read.
fn squeeze(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| **c == chars[i]).count();
        if run > 5 {
            out.push_str(&format!("[{}×{run}]", chars[i]));
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// Every export name of `template`.
fn exports(template: &Json) -> Vec<&str> {
    template["Outputs"]
        .as_object()
        .map(|o| {
            o.values()
                .filter_map(|o| o["Export"]["Name"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

const LONG_PREFIX_RULES: &str = "stacks:
  Reservations:
    functions:
      Notify: { handler: notify-staff }
    streamToBus:
      Orders:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
    rules:
      OnReservationCreatedForTheRestaurantStaffNotificationsFirst:
        bus: Orders
        pattern: { source: [orders] }
        targets: [{ function: Notify }]
      OnReservationCreatedForTheRestaurantStaffNotificationsSecond:
        bus: Orders
        pattern: { source: [orders] }
        targets: [{ function: Notify }]
";

#[test]
fn rules_whose_ids_share_a_long_prefix_get_distinct_bounded_names() {
    let templates = accepted("long_prefix_rules", LONG_PREFIX_RULES);
    let names = property(&templates[0].1, "AWS::Events::Rule", "Name");
    insta::assert_snapshot!(names.join("\n"), @r"
    Reservations-OnReservationCrrantStaffNotificationsFirst-514425BA
    Reservations-OnReservationCrantStaffNotificationsSecond-129F1C29
    ");
}

/// A stack name of 128 characters (the most CloudFormation takes).
fn long_stack() -> String {
    format!("S{}", "t".repeat(127))
}

/// A construct id of 64 characters (the most a construct id may have).
fn long_id(first: char) -> String {
    format!("{first}{}", "x".repeat(63))
}

/// Every id at its longest: a 128-character stack, 64-character pattern, API and rule ids.
fn longest_ids() -> String {
    let (stack, pattern, rule, api) = (long_stack(), long_id('P'), long_id('R'), long_id('A'));
    format!(
        "stacks:
  {stack}:
    functions:
      Writer: {{ handler: create-reservation }}
    streamToBus:
      {pattern}:
        table: {{ partitionKey: {{ name: reservationId }} }}
        publisher: {{ handler: stream-publisher }}
        events: reservations.json
    httpApis:
      {api}:
        routes:
          - {{ method: POST, path: /reservations, function: Writer, auth: iam }}
  Consumer:
    functions:
      Notify: {{ handler: notify-staff }}
    rules:
      {rule}:
        bus: {stack}/{pattern}
        pattern: {{ source: [reservations] }}
        targets: [{{ function: Notify }}]
"
    )
}

#[test]
fn the_longest_valid_ids_give_shortened_names_never_errors() {
    let yaml = longest_ids();
    let templates = accepted("longest_ids", &yaml);
    let (producer, consumer) = (&templates[0].1, &templates[1].1);
    let mut names = property(producer, "AWS::EventSchemas::Registry", "RegistryName");
    names.extend(property(producer, "AWS::Events::EventBus", "Name"));
    names.extend(property(producer, "AWS::ApiGatewayV2::Api", "Name"));
    names.extend(property(consumer, "AWS::Events::Rule", "Name"));
    names.extend(exports(producer));
    let shown = names
        .iter()
        .map(|n| format!("{} {}", n.chars().count(), squeeze(n)))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(shown, @r"
    64 S[t×27][x×27]-7030480C
    196 S[t×127]-P[x×63]Bus
    128 S[t×59][x×59]-9F739E3A
    64 Consumer-R[x×45]-BE7CB89A
    212 S[t×127]:ExportsOutputRefP[x×63]Bus
    215 S[t×127]:ExportsOutputRefP[x×63]Alerts
    ");
}

/// `Resource`, the id the CDK gives a construct's main resource, as a user's construct id.
const RESOURCE_IDS: &str = "stacks:
  T:
    streamToBus:
      Resource:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
  S:
    functions:
      Resource: { handler: notify-staff }
    rules:
      R:
        bus: T/Resource
        pattern: { source: [orders] }
        targets: [{ function: Resource }]
";

#[test]
fn a_construct_may_be_named_resource() {
    let yaml = RESOURCE_IDS;
    let templates = accepted("resource_id", yaml);
    let ids: Vec<String> = templates
        .iter()
        .map(|(stack, t)| {
            let ids: Vec<&str> = t["Resources"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .filter(|id| id.starts_with("Resource"))
                .collect();
            format!("{stack}: {}", ids.join(" "))
        })
        .collect();
    insta::assert_snapshot!(ids.join("\n"), @"
    T: ResourceTable ResourceAlerts ResourceBus ResourceBusArchive ResourcePublisherLogGroup ResourcePublisherServiceRole ResourcePublisherServiceRoleDefaultPolicy ResourcePublisher ResourceFailedBatches ResourceFailedBatchesPolicy ResourceStreamSource ResourceIteratorAgeAlarm ResourcePublisherErrorsAlarm ResourceGivenUpAlarm ResourceDestinationFailuresAlarm ResourceDroppedAlarm
    S: ResourceLogGroup ResourceServiceRole ResourceServiceRoleDefaultPolicy Resource ResourceErrorsAlarm ResourceAsyncFailureQueue ResourceAsyncInvokeConfig ResourceAsyncFailureQueueAlarm ResourceDestinationFailuresAlarm ResourceAsyncEventsDroppedAlarm
    ");
}

#[test]
fn an_explicit_bus_name_equal_to_a_derived_one_names_both_paths() {
    let yaml = "stacks:
  S:
    streamToBus:
      A:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
      B:
        table: { partitionKey: { name: id } }
        publisher: { handler: stream-publisher }
        bus: { name: S-ABus }
";
    insta::assert_snapshot!(refused(yaml), @"error: <dir>/app.yaml:10:9: S/B/Bus: event bus name `S-ABus` is also the event bus name of `S/A/Bus`, and event bus names must be unique in an account and region; rename one of them");
}

/// A stream-to-bus pattern whose bus is named `name`.
fn pattern_with_bus(name: &str) -> String {
    format!(
        "    streamToBus:
      Orders:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
        bus: {{ name: {name} }}
"
    )
}

/// One bus name in two stacks of one account and different regions.
fn one_bus_name_two_regions() -> String {
    let env = |region: &str| format!("    env: {{ account: '123456789012', region: {region} }}\n");
    format!(
        "stacks:\n  A:\n{}{}  B:\n{}{}",
        env("eu-west-1"),
        pattern_with_bus("shared"),
        env("eu-central-1"),
        pattern_with_bus("shared")
    )
}

#[test]
fn bus_names_are_unique_across_stacks_of_one_environment_only() {
    let yaml = format!(
        "stacks:\n  A:\n{}  B:\n{}",
        pattern_with_bus("shared"),
        pattern_with_bus("shared")
    );
    insta::assert_snapshot!(refused(&yaml), @"error: <dir>/app.yaml:13:9: B/Orders/Bus: event bus name `shared` is also the event bus name of `A/Orders/Bus`, and event bus names must be unique in an account and region; rename one of them");
    let templates = accepted("one_bus_name_two_regions", &one_bus_name_two_regions());
    assert_eq!(templates.len(), 2);
}

#[test]
fn a_given_bus_name_is_checked_not_shortened() {
    let yaml = format!(
        "stacks:
  S:
    streamToBus:
      A:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
        bus: {{ name: {} }}
      B:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
        bus: {{ name: 'a bus' }}
",
        "b".repeat(257)
    );
    insta::assert_snapshot!(squeeze(&refused(&yaml)), @r"
    error: <dir>/app.yaml:7:9: S/A/Bus: event bus name `[b×257]` is 257 characters long; at most 256 are allowed
    error: <dir>/app.yaml:11:9: S/B/Bus: event bus name `a bus` contains ` `; only A-Z, a-z, 0-9, ., -, _ and / are allowed
    ");
}

#[test]
fn a_logical_id_equal_to_the_bootstrap_parameter_is_refused() {
    let yaml = "stacks:
  S:
    topics:
      BootstrapVersion: {}
  T:
    functions:
      F: { handler: notify-staff }
    logicalIdOverrides:
      F/Resource: BootstrapVersion
";
    insta::assert_snapshot!(refused(yaml), @r"
    error: <dir>/app.yaml:4:7: S/BootstrapVersion/Resource: logical ID `BootstrapVersion` is the name of the template's bootstrap version parameter, and CloudFormation refuses a resource and a parameter of one name; rename the construct or override its logical ID
    error: <dir>/app.yaml:7:7: T/F/Resource: logical ID `BootstrapVersion` is the name of the template's bootstrap version parameter, and CloudFormation refuses a resource and a parameter of one name; rename the construct or override its logical ID
    ");
}

#[test]
fn a_stack_without_resources_is_refused_by_name() {
    let yaml = "stacks:
  S:
    topics:
      Alerts: {}
  Empty:
    description: nothing yet
";
    insta::assert_snapshot!(refused(yaml), @"error: <dir>/app.yaml:5:3: Empty: the stack has no resources, and CloudFormation refuses a template without any; add a construct to it or remove the stack");
}

/// The 255 characters of the longest logical ID, as an override of a bus another stack uses.
fn long_override() -> String {
    format!("Bus{}", "X".repeat(252))
}

fn long_override_export() -> String {
    format!(
        "stacks:
  {stack}:
    streamToBus:
      Orders:
        table: {{ partitionKey: {{ name: id }} }}
        publisher: {{ handler: stream-publisher }}
    logicalIdOverrides:
      Orders/Bus/Resource: {over}
  Consumer:
    functions:
      Notify: {{ handler: notify-staff }}
    rules:
      R:
        bus: {stack}/Orders
        pattern: {{ source: [orders] }}
        targets: [{{ function: Notify }}]
",
        stack = long_stack(),
        over = long_override()
    )
}

#[test]
fn a_long_logical_id_override_gives_a_shortened_export_name() {
    let yaml = long_override_export();
    let templates = accepted("long_override_export", &yaml);
    let producer = &templates[0].1;
    let outputs: Vec<String> = producer["Outputs"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(id, o)| {
            let name = o["Export"]["Name"].as_str()?;
            Some(format!(
                "{} {}\n{} {}",
                id.len(),
                squeeze(id),
                name.chars().count(),
                squeeze(name)
            ))
        })
        .collect();
    let shown = outputs.join("\n");
    insta::assert_snapshot!(shown, @r"
    255 ExportsOutputRefBus[X×228]3ECE6E89
    255 S[t×122][X×123]:AC50412E
    28 ExportsOutputRefOrdersAlerts
    157 S[t×127]:ExportsOutputRefOrdersAlerts
    ");
    // The consumer imports exactly the name the producer exports.
    let consumer = templates[1].1.to_string();
    let name = exports(producer)[0];
    assert!(consumer.contains(&format!("\"Fn::ImportValue\":\"{name}\"")));
}

#[test]
fn a_given_export_name_over_255_characters_is_refused() {
    let result = one_stack(|s| {
        crate::common::table_with_stream(s);
        s.add_output(
            "Long",
            Output {
                description: None,
                value: 1.into(),
                export_name: Some("e".repeat(256)),
            },
        );
        s.add_output(
            "Shared",
            Output {
                description: None,
                value: 1.into(),
                export_name: Some("Shared".to_owned()),
            },
        );
        s.add_output(
            "SharedToo",
            Output {
                description: None,
                value: 1.into(),
                export_name: Some("Shared".to_owned()),
            },
        );
    });
    insta::assert_snapshot!(squeeze(&errors(result)), @r"
    error: Test/Long: export name `[e×256]` is 256 characters long; at most 255 are allowed
    error: Test/SharedToo: export name `Shared` is also the export name of `Test/Shared`, and export names must be unique in an account and region; rename one of them
    ");
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
    // <venv>/lib/python3.x/site-packages/cfnlint/data/schemas -> <venv>/bin/cfn-lint
    let cfn_lint = schemas
        .ancestors()
        .map(|p| p.join("bin/cfn-lint"))
        .find(|p| p.is_file())
        .expect("cfn-lint beside its schemas");
    let cases = [
        ("long_prefix_rules", LONG_PREFIX_RULES.to_owned()),
        ("longest_ids", longest_ids()),
        ("resource_ids", RESOURCE_IDS.to_owned()),
        ("one_bus_name_two_regions", one_bus_name_two_regions()),
        ("long_override_export", long_override_export()),
    ];
    let mut files = Vec::new();
    for (case, yaml) in &cases {
        let dir = case_dir("lint", case);
        accepted_in(&dir, yaml);
        for f in std::fs::read_dir(dir.join("cdk.out")).unwrap() {
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

//! Stages: one spec, several environments. Each stage gets a copy of every stack, named
//! `<stage>-<stack>`, in its environment, with its tags and overrides; `--stage` picks stages;
//! references stay within a stage.

use serde_json::{Value as Json, json};
use tributary::core::{Diagnostics, Synthesized};

use crate::common::{errors, root, stack_json, tributary_in};

const EXAMPLE: &str = include_str!("../../examples/reservations.yaml");

const STAGES: &str = "
stages:
  dev:
    env: { account: 111111111111, region: eu-west-1 }
    tags: { stage: dev }
    overrides:
      stacks:
        Reservations:
          topics:
            Alerts: { emailSubscriptions: [dev-team@example.com] }
          functions:
            CreateReservation: { memorySize: 512 }
  prod:
    env: { account: 222222222222, region: eu-west-1 }
    tags: { stage: prod }
    overrides:
      stacks:
        StaffNotifications:
          functions:
            NotifyStaff: { logRetentionDays: 365 }
";

/// The example with `stages` appended, as if it were `examples/staged.yaml` (its contract path
/// stays right).
fn staged(stages: &str) -> tributary::spec::AppSpec {
    let text = format!("{EXAMPLE}{stages}");
    let spec = tributary::spec::parse(&root().join("examples/staged.yaml"), &text).unwrap();
    crate::common::shown_as(spec, std::path::Path::new("examples/staged.yaml"))
}

fn synth(stages: &str) -> Result<Synthesized, Diagnostics> {
    tributary::spec::build(&staged(stages), &root()).synth()
}

fn resource<'a>(t: &'a Json, id: &str) -> &'a Json {
    &t["Resources"][id]
}

#[test]
fn each_stage_gets_a_copy_of_every_stack_in_its_environment() {
    let synth = synth(STAGES).unwrap();
    let stacks: Vec<String> = synth
        .stacks
        .iter()
        .map(|s| format!("{} {}", s.name, s.env.to_assembly_uri()))
        .collect();
    insta::assert_debug_snapshot!(stacks, @r#"
    [
        "dev-Reservations aws://111111111111/eu-west-1",
        "dev-StaffNotifications aws://111111111111/eu-west-1",
        "prod-Reservations aws://222222222222/eu-west-1",
        "prod-StaffNotifications aws://222222222222/eu-west-1",
    ]
    "#);
    // Within a stage, the consumer imports the stage's own bus and topic.
    let t = serde_json::to_string(&stack_json(&synth, "dev-StaffNotifications")).unwrap();
    assert!(
        t.contains("dev-Reservations:ExportsOutputRefReservationsBus"),
        "{t}"
    );
    assert!(!t.contains("prod-Reservations"), "{t}");
}

#[test]
fn a_stage_s_overrides_and_tags_apply_to_its_copy_only() {
    let synth = synth(STAGES).unwrap();
    let memory = |stack: &str| {
        resource(&stack_json(&synth, stack), "CreateReservation")["Properties"]["MemorySize"]
            .clone()
    };
    assert_eq!(memory("dev-Reservations"), json!(512));
    assert_eq!(memory("prod-Reservations"), json!(256));
    let email = |stack: &str| {
        resource(&stack_json(&synth, stack), "AlertsEmail0")["Properties"]["Endpoint"].clone()
    };
    assert_eq!(email("dev-Reservations"), json!("dev-team@example.com"));
    assert_eq!(email("prod-Reservations"), json!("oncall@example.com"));
    let retention = |stack: &str| {
        resource(&stack_json(&synth, stack), "NotifyStaffLogGroup")["Properties"]["RetentionInDays"]
            .clone()
    };
    assert_eq!(retention("dev-StaffNotifications"), json!(30));
    assert_eq!(retention("prod-StaffNotifications"), json!(365));
    let tags =
        |stack: &str| resource(&stack_json(&synth, stack), "Alerts")["Properties"]["Tags"].clone();
    assert_eq!(
        tags("dev-Reservations"),
        json!([{"Key": "stage", "Value": "dev"}])
    );
    assert_eq!(
        tags("prod-Reservations"),
        json!([{"Key": "stage", "Value": "prod"}])
    );
}

#[test]
fn a_reference_into_another_stage_is_an_error() {
    let text = STAGES.to_owned()
        + "          rules:\n            OnReservationCreated: { bus: dev-Reservations/Reservations }\n";
    // Appended to prod's override of StaffNotifications, the last one.
    insta::assert_snapshot!(errors(synth(&text)), @"error: examples/staged.yaml:61:9: prod-StaffNotifications/OnReservationCreated: bus: `dev-Reservations/Reservations` is in stage `dev`, and a stack of stage `prod` refers only to stacks of its own stage (write `Reservations/Reservations` for this stage's copy, or an ARN for a resource of another environment)");
}

#[test]
fn overrides_name_what_the_spec_has_and_are_read_as_the_spec_is() {
    let unknown_stack = STAGES.replace("        Reservations:\n", "        Reservatons:\n");
    insta::assert_snapshot!(errors(synth(&unknown_stack)), @"error: examples/staged.yaml:76:9: stages.dev.overrides.stacks: there is no stack `Reservatons` to override; did you mean `Reservations`?");
    let unknown_construct = STAGES.replace(
        "            CreateReservation: {",
        "            CreateReservaton: {",
    );
    insta::assert_snapshot!(errors(synth(&unknown_construct)), @"error: examples/staged.yaml:80:13: stages.dev.overrides.stacks.Reservations.functions: there is no `CreateReservaton` to override (a stage changes what the spec has, it adds nothing); did you mean `CreateReservation`?");
    let bad_field = STAGES.replace("{ memorySize: 512 }", "{ memorySise: 512 }");
    insta::assert_snapshot!(errors(synth(&bad_field)), @"error: examples/staged.yaml:80:34: stages.dev.overrides.stacks.Reservations.functions.CreateReservation.memorySise: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`");
    let bad_value = STAGES.replace("{ memorySize: 512 }", "{ memorySize: 64 }");
    insta::assert_snapshot!(errors(synth(&bad_value)), @"error: examples/staged.yaml:17:7: dev-Reservations/CreateReservation: memorySize = 64 is out of range: AWS::Lambda::Function MemorySize allows 128..=10240");
    let bad_name = STAGES.replace("  dev:\n", "  dev_1:\n");
    insta::assert_snapshot!(errors(synth(&bad_name)), @"error: examples/staged.yaml:71:3: stages.dev_1: stage `dev_1`: a stage name is a letter, then letters and digits, at most 32 characters (it prefixes its stacks' names)");
}

#[test]
fn stage_selects_stages_on_the_command_line() {
    // Inside the workspace (its handlers build the functions), beside nothing else.
    let dir = root().join("target/tmp/stages");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("staged.yaml");
    let text = format!("{EXAMPLE}{STAGES}").replace(
        "../handlers/reservations/contract.json",
        "../../../handlers/reservations/contract.json",
    );
    std::fs::write(&spec, text).unwrap();
    let spec = spec.to_str().unwrap();
    let (code, stdout, stderr) = tributary_in(&root(), &["list", "--app", spec, "--stage", "prod"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("prod-Reservations"), "{stdout}");
    assert!(!stdout.contains("dev-"), "{stdout}");
    let (code, _, stderr) = tributary_in(&root(), &["validate", "--app", spec, "--stage", "prd"]);
    assert_eq!(code, 2, "{stderr}");
    insta::assert_snapshot!(stderr.trim(), @"error: there is no stage `prd`; did you mean `prod`?");
    let (code, _, stderr) = tributary_in(
        &root(),
        &[
            "list",
            "--app",
            &root()
                .join("examples/reservations.yaml")
                .display()
                .to_string(),
            "--stage",
            "dev",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    insta::assert_snapshot!(stderr.trim(), @"error: there is no stage `dev` (the spec has no `stages:`)");
}

//! The CLI as users run it: output, exit codes, and the previous output surviving a failed synth.

use crate::common::{root, snapshot_settings, tributary, tributary_in};

#[test]
fn list_shows_stacks_resources_and_dependencies() {
    let (code, stdout, _) = tributary(&["list"]);
    assert_eq!(code, 0);
    snapshot_settings(|| insta::assert_snapshot!("cli_list", stdout));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = tributary(&["synth", "--frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unexpected argument '--frobnicate'"),
        "{stderr}"
    );
    let (code, _, stderr) = tributary(&["synth", "--exclusively"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--stack <NAME>"), "{stderr}");
    let (code, _, stderr) = tributary(&[
        "synth",
        "--stack",
        "Reservatons",
        "--out",
        "target/never-written",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim_end(),
        "error: there is no stack `Reservatons`; did you mean `Reservations`?"
    );
}

#[test]
fn invalid_app_exits_1_and_leaves_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("previous.txt"), "keep me").unwrap();
    let spec = dir.path().join("bad.yaml");
    std::fs::write(
        &spec,
        "stacks:\n  S:\n    functions:\n      F: { handler: notify-staff, timeoutSeconds: 0 }\n",
    )
    .unwrap();
    let (code, _, stderr) = tributary(&[
        "synth",
        "--app",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let stderr = stderr.replace(dir.path().to_str().unwrap(), "[dir]");
    snapshot_settings(|| insta::assert_snapshot!("cli_invalid_app", stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("previous.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary directory left behind"
    );
}

#[test]
fn spec_syntax_error_exits_1_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("typo.yaml");
    std::fs::write(&spec, "stacks:\n  S:\n    fuctions: {}\n").unwrap();
    let (code, _, stderr) = tributary(&["list", "--app", spec.to_str().unwrap()]);
    assert_eq!(code, 1);
    let stderr = stderr.replace(dir.path().to_str().unwrap(), "[dir]");
    insta::assert_snapshot!(stderr, @"error: [dir]/typo.yaml:3:5: stacks.S: unknown field `fuctions`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `functions`?");
}

#[test]
fn validate_reports_the_default_app_valid_and_lists_the_rules() {
    let (code, stdout, _) = tributary(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.trim_end(),
        format!(
            "valid: 2 stack(s), {} rules, 0 errors, 0 warning(s), 0 suppressed finding(s) recorded in the templates",
            tributary::checks::RULES.len()
        )
    );
    let (code, stdout, _) = tributary(&["validate", "--rules"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = tributary::checks::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
}

#[test]
fn validate_exits_1_with_every_finding_of_an_unsafe_app() {
    // Inside the project, so the spec finds its handler crates.
    let dir = tempfile::tempdir_in(root().join("target")).unwrap();
    let spec = dir.path().join("unsafe.yaml");
    std::fs::write(
        &spec,
        "stacks:\n  S:\n    streamToBus:\n      Orders:\n        table: { partitionKey: { name: id } }\n        publisher: { handler: stream-publisher }\n        stream: { retries: infinite, bisectOnError: false }\n",
    )
    .unwrap();
    let (code, stdout, _) = tributary(&["validate", "--app", spec.to_str().unwrap()]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|l| l.split(']').next())
        .collect();
    assert_eq!(codes, ["TRB002", "TRB004"], "{stdout}");
    assert!(
        stdout.ends_with("invalid: 2 error(s), 0 warning(s)\n"),
        "{stdout}"
    );
}

#[test]
fn schema_writes_and_checks_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema/app.schema.json");
    let path = file.to_str().unwrap();
    let (code, stdout, _) = tributary(&["schema"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, tributary::spec::json_schema());
    let (code, _, _) = tributary(&["schema", "--out", path, "--check"]);
    assert_eq!(code, 1, "a missing file is not current");
    let (code, _, _) = tributary(&["schema", "--out", path]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        tributary::spec::json_schema()
    );
    let (code, _, stderr) = tributary(&["schema", "--out", path, "--check"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(&file, "{}").unwrap();
    let (code, _, stderr) = tributary(&["schema", "--out", path, "--check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("is not the schema of this version"),
        "{stderr}"
    );
    let (code, _, _) = tributary(&["schema", "--check"]);
    assert_eq!(code, 2, "--check needs --out");
}

#[test]
fn every_bad_construct_of_a_spec_is_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("typos.yaml");
    std::fs::write(
        &spec,
        "stacks:\n  S:\n    functions:\n      A: { handlr: notify-staff }\n      B: { handler: notify-staff, tracing: sometimes }\n  T:\n    topic: {}\n",
    )
    .unwrap();
    let (code, _, stderr) = tributary(&["validate", "--app", spec.to_str().unwrap()]);
    assert_eq!(code, 1);
    let stderr = stderr.replace(dir.path().to_str().unwrap(), "[dir]");
    insta::assert_snapshot!(stderr, @r#"
    error: [dir]/typos.yaml:4:12: stacks.S.functions.A: unknown field `handlr`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `handler`?
    error: [dir]/typos.yaml:5:44: stacks.S.functions.B.tracing: invalid type: string "sometimes", expected a boolean
    error: [dir]/typos.yaml:7:5: stacks.T: unknown field `topic`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `topics`?
    error: the app spec is invalid (3 errors)
    "#);
}

#[test]
fn an_unchanged_app_synthesizes_fresh_and_any_changed_input_or_output_synthesizes_again() {
    use std::fs;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = []\n\n[workspace.metadata.tributary]\ndefault-app = \"app.yaml\"\n",
    )
    .unwrap();
    let zip = |bytes: &[u8]| {
        let zip = tributary::assets::write_bootstrap_zip(bytes, std::io::Cursor::new(Vec::new()))
            .unwrap()
            .into_inner();
        fs::write(root.join("publisher.zip"), zip).unwrap();
    };
    zip(b"\x7fELF one");
    fs::copy(
        crate::common::root().join("handlers/reservations/contract.json"),
        root.join("contract.json"),
    )
    .unwrap();
    let spec = "stacks:\n  Orders:\n    streamToBus:\n      Orders:\n        table:\n          partitionKey: { name: id, type: S }\n        publisher: { code: publisher.zip }\n        events: contract.json\n";
    fs::write(root.join("app.yaml"), spec).unwrap();
    let template = || fs::read(root.join("out/Orders.template.json")).unwrap();
    // Outputs written in the last few milliseconds are not trusted to show a change by their
    // stamps: wait them out before the synth that records them.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(120));
    let synth = |out: &str| {
        let (code, _, stderr) = tributary_in(root, &["synth", "--quiet", "--out", out]);
        assert_eq!(code, 0, "{stderr}");
        stderr.contains("(fresh: nothing changed since the last synth)")
    };
    // Once the outputs are older than a timestamp tick, a synth remembers them; the next one
    // is fresh.
    let warm = |out: &str| {
        settle();
        synth(out);
        assert!(synth(out), "an unchanged app synthesized again");
    };
    assert!(!synth("out"));
    assert!(!synth("out"), "fresh while its outputs were just written");
    warm("out");
    let first = template();
    let (_, _, stderr) = tributary_in(root, &["synth", "--quiet", "--out", "out"]);
    assert!(
        stderr.contains("Orders") && stderr.contains("resources"),
        "a fresh synth repeats the report: {stderr}"
    );

    // Each input that reaches the output makes the next synth a full one.
    fs::write(root.join("app.yaml"), format!("{spec}\n# edited\n")).unwrap();
    assert!(!synth("out"), "an edited spec was fresh");
    warm("out");
    let contract = fs::read_to_string(root.join("contract.json")).unwrap();
    fs::write(root.join("contract.json"), format!("{contract}\n")).unwrap();
    assert!(!synth("out"), "an edited contract was fresh");
    warm("out");
    zip(b"\x7fELF two");
    assert!(!synth("out"), "a new zip was fresh");
    assert_ne!(
        template(),
        first,
        "the zip's new hash is not in the template"
    );
    warm("out");
    // A zip the output links to, written again (the same bytes: the same hash), is a new file:
    // a full synth checks the output against it.
    let bytes = fs::read(root.join("publisher.zip")).unwrap();
    fs::remove_file(root.join("publisher.zip")).unwrap();
    fs::write(root.join("publisher.zip"), bytes).unwrap();
    assert!(!synth("out"), "a re-created asset zip was fresh");
    warm("out");
    // So does a change to the output, and another output directory or other arguments.
    let changed = template();
    fs::write(root.join("out/Orders.template.json"), "{}").unwrap();
    assert!(!synth("out"), "an edited output was fresh");
    assert_eq!(template(), changed, "the edited output was not restored");
    warm("out");
    fs::remove_file(root.join("out/manifest.json")).unwrap();
    assert!(!synth("out"), "a deleted output was fresh");
    assert!(root.join("out/manifest.json").is_file());
    assert!(!synth("other"), "another output directory was fresh");
    let (code, _, stderr) = tributary_in(
        root,
        &["synth", "--quiet", "--out", "out", "--format", "yaml"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("(fresh"), "other arguments were fresh");
}

/// A base folder: the checked-in templates of the example, each edited by `edit`.
fn diff_base(edit: impl Fn(&str, &mut serde_json::Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Reservations", "StaffNotifications"] {
        let file = format!("{name}.template.json");
        let text = std::fs::read_to_string(root().join("templates/reservations").join(&file));
        let mut template: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
        edit(name, &mut template);
        std::fs::write(dir.path().join(file), template.to_string()).unwrap();
    }
    dir
}

fn diff_with(base: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let base = base.to_str().unwrap();
    let mut args = vec![
        "diff",
        "--app",
        "examples/reservations.yaml",
        "--base",
        base,
    ];
    args.extend_from_slice(extra);
    tributary(&args)
}

#[test]
fn diff_exits_1_with_fail_on_only_when_the_change_holds_that_kind() {
    // The deployed stack has a table the app no longer has: the app loses it.
    let loses_a_table = diff_base(|name, t| {
        if name == "Reservations" {
            let table = t["Resources"]["ReservationsTable"].clone();
            t["Resources"]["OldTable"] = table;
        }
    });
    let (code, stdout, _) = diff_with(loses_a_table.path(), &[]);
    assert_eq!(code, 0, "without --fail-on the diff is computed: {stdout}");
    assert!(stdout.contains("OldTable"), "{stdout}");
    let (code, _, stderr) = diff_with(loses_a_table.path(), &["--fail-on", "data-loss"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("data-loss (--fail-on)"), "{stderr}");
    // A bigger batch deployed: the app's change is an update, nothing lost.
    let an_update = diff_base(|name, t| {
        if name == "Reservations" {
            t["Resources"]["ReservationsStreamSource"]["Properties"]["BatchSize"] = 500.into();
        }
    });
    let (code, stdout, stderr) = diff_with(
        an_update.path(),
        &["--fail-on", "data-loss,replace,iam-widening"],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("BatchSize: 500 -> 100"), "{stdout}");
}

#[test]
fn diff_usage_and_base_errors() {
    let base = diff_base(|_, _| {});
    let (code, _, stderr) = diff_with(base.path(), &["--fail-on", "data-los"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid value 'data-los'"), "{stderr}");
    let missing = base.path().join("missing");
    let (code, stdout, stderr) = diff_with(&missing, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("cannot read the base") && stderr.contains("missing"),
        "{stderr}"
    );
}

#[test]
fn diff_formats_markdown_and_json() {
    let base = diff_base(|name, t| {
        if name == "Reservations" {
            t["Resources"]["ReservationsStreamSource"]["Properties"]["BatchSize"] = 500.into();
        }
    });
    let (code, stdout, stderr) = diff_with(base.path(), &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["summary"],
        serde_json::json!({"replacements": 0, "dataLoss": 0, "iamWidening": 0})
    );
    let stack = &json["stacks"][0];
    assert_eq!(stack["name"], "Reservations");
    assert_eq!(stack["status"], "modified");
    assert_eq!(
        stack["resources"][0]["logicalId"],
        "ReservationsStreamSource"
    );
    assert_eq!(
        stack["resources"][0]["properties"][0],
        serde_json::json!({"path": "BatchSize", "old": 500, "new": 100, "replacement": "never"})
    );
    let (code, stdout, stderr) = diff_with(base.path(), &["--format", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("| Reservations |"), "{stdout}");
    assert!(stdout.contains("`ReservationsStreamSource`"), "{stdout}");
}

#[test]
fn diff_selects_stacks_colours_on_request_and_refuses_a_graph_in_json() {
    let base = diff_base(|name, t| {
        if name == "Reservations" {
            t["Resources"]["ReservationsStreamSource"]["Properties"]["BatchSize"] = 500.into();
        }
    });
    // Only the named stack is compared.
    let (code, stdout, stderr) = diff_with(base.path(), &["--stack", "StaffNotifications"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("Stack StaffNotifications (unchanged)"),
        "{stdout}"
    );
    assert!(!stdout.contains("Reservations ("), "{stdout}");
    // An unknown stack is a usage error with the closest name.
    let (code, _, stderr) = diff_with(base.path(), &["--stack", "Reservation"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no stack `Reservation`") && stderr.contains("Reservations"),
        "{stderr}"
    );
    // Colour only when asked (stdout is a pipe here).
    let (_, plain, _) = diff_with(base.path(), &[]);
    assert!(!plain.contains('\x1b'), "{plain}");
    let (_, coloured, _) = diff_with(base.path(), &["--color", "always"]);
    assert!(
        coloured.contains("\x1b[33m[~] AWS::Lambda::EventSourceMapping"),
        "{coloured}"
    );
    // The graph is Mermaid: not with JSON; with Markdown, a fenced block with the change marked.
    let (code, _, stderr) = diff_with(base.path(), &["--graph", "--format", "json"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, stderr) = diff_with(base.path(), &["--graph", "--format", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("```mermaid\nflowchart"), "{stdout}");
    assert!(
        stdout.contains("Reservations__ReservationsStreamSource modified"),
        "{stdout}"
    );
}

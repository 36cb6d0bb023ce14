//! The malformed-spec corpus (`tests/synth/malformed/`): the exact message each file gives.
//! None panics; each names the file (with line and column where the parser knows them) or the
//! construct path, and says what was expected.

use std::path::Path;

use crate::common::root;

/// What loading and synthesizing a corpus file reports ("ok" if nothing).
fn message(name: &str) -> String {
    let file = root().join("tests/synth/malformed").join(name);
    report(&file, Path::new("malformed").join(name).as_path())
}

/// Loads and synthesizes `file`, naming it `shown` in the message.
fn report(file: &Path, shown: &Path) -> String {
    let spec = match tributary::spec::load(file) {
        Ok(spec) => spec,
        Err(mut errors) => {
            for e in &mut errors.0 {
                e.file = shown.to_owned();
            }
            return errors.to_string();
        }
    };
    let spec = crate::common::shown_as(spec, shown);
    match tributary::spec::build(&spec, &root()).synth() {
        Ok(_) => "ok".to_owned(),
        Err(d) => d.to_string(),
    }
}

#[test]
fn every_corpus_file_has_its_case_below() {
    let mut names: Vec<_> = std::fs::read_dir(root().join("tests/synth/malformed"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let source = include_str!("malformed.rs");
    for name in &names {
        assert!(
            source.contains(&format!("message(\"{name}\")")),
            "{name} has no case"
        );
    }
    assert_eq!(names.len(), CORPUS_FILES);
}

/// Files in the corpus (plus the generated huge one below).
const CORPUS_FILES: usize = 33;

#[test]
fn a_huge_spec_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.yaml");
    let mut text = String::from("stacks:\n  S:\n    description: |\n");
    while text.len() <= 4 * 1024 * 1024 {
        text.push_str(
            "      0123456789012345678901234567890123456789012345678901234567890123456789\n",
        );
    }
    std::fs::write(&file, text).unwrap();
    insta::assert_snapshot!(report(&file, Path::new("huge.yaml")), @"huge.yaml: the app spec is larger than 4194304 bytes; split the app, or check that this is the right file");
}

#[test]
fn at_most_twenty_errors_are_reported() {
    let mut yaml = String::from("stacks:\n  S:\n    functions:\n");
    for i in 0..30 {
        yaml.push_str(&format!(
            "      F{i}: {{ handler: notify-staff, memorySise: 512 }}\n"
        ));
    }
    let errors = tributary::spec::parse(Path::new("app.yaml"), &yaml).unwrap_err();
    assert_eq!(errors.0.len(), tributary::spec::MAX_ERRORS);
    let text = errors.to_string();
    assert!(text.contains("stacks.S.functions.F19: unknown field `memorySise`"));
    assert!(!text.contains("F20"));
    assert!(
        text.ends_with("(stopped after 20 errors; fix these and run again)"),
        "{text}"
    );
}

#[test]
fn alias_bomb_yaml() {
    insta::assert_snapshot!(message("alias_bomb.yaml"), @"malformed/alias_bomb.yaml: YAML aliases expand to too much data");
}

#[test]
fn bad_construct_id_yaml() {
    insta::assert_snapshot!(message("bad_construct_id.yaml"), @"malformed/bad_construct_id.yaml:4:7: stacks.S.functions: `1st` must start with a letter");
}

#[test]
fn bad_stack_name_yaml() {
    insta::assert_snapshot!(message("bad_stack_name.yaml"), @"malformed/bad_stack_name.yaml:2:3: stacks: `my stack` contains ` `; only A-Z, a-z, 0-9 and - are allowed");
}

#[test]
fn bad_suppression_yaml() {
    insta::assert_snapshot!(message("bad_suppression.yaml"), @"error: malformed/bad_suppression.yaml:4:7: S/F: the suppression of `iam-wildcards` needs a reason (a few words for reviewers)");
}

#[test]
fn binary_yaml() {
    insta::assert_snapshot!(message("binary.yaml"), @"malformed/binary.yaml: the app spec is not a text file (a NUL byte at offset 10)");
}

#[test]
fn dangling_reference_yaml() {
    insta::assert_snapshot!(message("dangling_reference.yaml"), @"error: malformed/dangling_reference.yaml:9:19: S/Orders: writers[0]: there is no function `Writr` in stack `S`; did you mean `Writer`?");
}

#[test]
fn deep_nesting_json() {
    insta::assert_snapshot!(message("deep_nesting.json"), @"malformed/deep_nesting.json:1:290: nested too deeply (more than 128 levels)");
}

#[test]
fn deep_nesting_yaml() {
    insta::assert_snapshot!(message("deep_nesting.yaml"), @"malformed/deep_nesting.yaml:7:635: nested too deeply (more than 128 levels)");
}

#[test]
fn duplicate_key_json() {
    insta::assert_snapshot!(message("duplicate_key.json"), @"malformed/duplicate_key.json:1:69: stacks.S.functions: `F` is defined twice; names must be unique");
}

#[test]
fn duplicate_key_yaml() {
    insta::assert_snapshot!(message("duplicate_key.yaml"), @"malformed/duplicate_key.yaml:4:7: stacks.S.functions: `F` is defined twice; names must be unique");
}

#[test]
fn empty_yaml() {
    insta::assert_snapshot!(message("empty.yaml"), @"malformed/empty.yaml: the app spec is empty; it needs at least `stacks:`");
}

#[test]
fn json_syntax_json() {
    insta::assert_snapshot!(message("json_syntax.json"), @"malformed/json_syntax.json:1:21: trailing comma");
}

#[test]
fn latin1_yaml() {
    insta::assert_snapshot!(message("latin1.yaml"), @"malformed/latin1.yaml: the app spec is not UTF-8 text (invalid byte at offset 33)");
}

#[test]
fn many_errors_json() {
    insta::assert_snapshot!(message("many_errors.json"), @r#"
    malformed/many_errors.json:1:90: stacks.Orders.functions.Api: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `memorySize`?
    malformed/many_errors.json:1:121: stacks.Orders.functions.Api.timeoutSeconds: invalid type: string "long", expected a whole number (0 or more)
    malformed/many_errors.json:1:228: stacks.Orders.functions.Publisher.tracing: invalid type: string "sometimes", expected a boolean
    malformed/many_errors.json:1:255: stacks.Staff: unknown field `descripton`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `description`?
    malformed/many_errors.json:1:295: stacks.Staff.functions.Notify: unknown field `handlr`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `handler`?
    "#);
}

#[test]
fn many_errors_yaml() {
    insta::assert_snapshot!(message("many_errors.yaml"), @"
    malformed/many_errors.yaml:5:43: stacks.Orders.functions.Api: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `memorySize`?
    malformed/many_errors.yaml:6:63: stacks.Orders.functions.Publisher.timeoutSeconds: invalid value: integer `-1`, expected a whole number (0 or more)
    malformed/many_errors.yaml:10:22: stacks.Orders.functions.Env.environment: `MODE` is defined twice; names must be unique
    malformed/many_errors.yaml:12:7: stacks.Orders.topics: `2nd` must start with a letter
    malformed/many_errors.yaml:14:5: stacks.Staff: unknown field `descripton`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `description`?
    ");
}

#[test]
fn many_errors_in_one_yaml() {
    insta::assert_snapshot!(message("many_errors_in_one.yaml"), @r#"
    malformed/many_errors_in_one.yaml:9:9: stacks.Orders.functions.Api: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `memorySize`?
    malformed/many_errors_in_one.yaml:10:18: stacks.Orders.functions.Api.tracing: invalid type: string "sometimes", expected a boolean
    malformed/many_errors_in_one.yaml:11:25: stacks.Orders.functions.Api.timeoutSeconds: invalid value: integer `-1`, expected a whole number (0 or more)
    malformed/many_errors_in_one.yaml:13:18: stacks.Orders.functions.Publisher.handler: invalid type: list, expected a string
    malformed/many_errors_in_one.yaml:14:9: stacks.Orders.functions.Publisher: unknown field `descripton`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `description`?
    malformed/many_errors_in_one.yaml:16:18: stacks.Orders.functions.Notify.tracing: invalid type: string "maybe", expected a boolean
    malformed/many_errors_in_one.yaml:18:9: stacks.Orders.functions.NoHandler: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `memorySize`?
    malformed/many_errors_in_one.yaml:19:5: stacks.Orders: unknown field `functons`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `functions`?
    malformed/many_errors_in_one.yaml:24:49: stacks.Orders.streamToBus.Changes.publisher: unknown field `memmory`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`
    malformed/many_errors_in_one.yaml:25:42: stacks.Orders.streamToBus.Changes.stream.retries: retries must be a number or `infinite`, not `forever`
    malformed/many_errors_in_one.yaml:30:22: stacks.Orders.httpApis.Api.description: invalid type: list, expected a string
    "#);
}

#[test]
fn misspelt_nested_yaml() {
    insta::assert_snapshot!(message("misspelt_nested.yaml"), @"malformed/misspelt_nested.yaml:4:35: stacks.S.functions.F: unknown field `memorySise`, expected one of `handler`, `code`, `architecture`, `memorySize`, `timeoutSeconds`, `environment`, `logRetentionDays`, `tracing`, `reservedConcurrency`, `description`, `sendEmailFrom`, `sesSandboxRecipients`, `suppress`, `tags`; did you mean `memorySize`?");
}

#[test]
fn misspelt_top_level_json() {
    insta::assert_snapshot!(message("misspelt_top_level.json"), @"malformed/misspelt_top_level.json:1:8: unknown field `stack`, expected one of `$schema`, `tags`, `permissionsBoundary`, `namePrefix`, `stacks`, `stages`; did you mean `stacks`?");
}

#[test]
fn misspelt_top_level_yaml() {
    insta::assert_snapshot!(message("misspelt_top_level.yaml"), @"malformed/misspelt_top_level.yaml:1:1: unknown field `stack`, expected one of `$schema`, `tags`, `permissionsBoundary`, `namePrefix`, `stacks`, `stages`; did you mean `stacks`?");
}

#[test]
fn negative_number_yaml() {
    insta::assert_snapshot!(message("negative_number.yaml"), @"malformed/negative_number.yaml:4:51: stacks.S.functions.F.timeoutSeconds: invalid value: integer `-5`, expected a whole number (0 or more)");
}

#[test]
fn no_stacks_yaml() {
    insta::assert_snapshot!(message("no_stacks.yaml"), @"malformed/no_stacks.yaml:1:1: unknown field `description`, expected one of `$schema`, `tags`, `permissionsBoundary`, `namePrefix`, `stacks`, `stages`");
}

#[test]
fn not_a_map_yaml() {
    insta::assert_snapshot!(message("not_a_map.yaml"), @"malformed/not_a_map.yaml:1:1: invalid type: list, expected a map with `stacks:`");
}

#[test]
fn nul_byte_yaml() {
    insta::assert_snapshot!(message("nul_byte.yaml"), @"malformed/nul_byte.yaml: the app spec is not a text file (a NUL byte at offset 16)");
}

#[test]
fn only_comments_yaml() {
    insta::assert_snapshot!(message("only_comments.yaml"), @"malformed/only_comments.yaml: the app spec is empty; it needs at least `stacks:`");
}

#[test]
fn out_of_range_yaml() {
    insta::assert_snapshot!(message("out_of_range.yaml"), @"
    error: malformed/out_of_range.yaml:4:35: S/F: memorySize = 64 is out of range: AWS::Lambda::Function MemorySize allows 128..=10240
    error: malformed/out_of_range.yaml:4:51: S/F: timeoutSeconds = 901 is out of range: AWS::Lambda::Function Timeout allows 1..=900
    error: malformed/out_of_range.yaml:4:72: S/F: logRetentionDays = 8 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
    ");
}

#[test]
fn same_id_twice_yaml() {
    insta::assert_snapshot!(message("same_id_twice.yaml"), @"error: malformed/same_id_twice.yaml:4:7: S/Alerts: `Alerts` names both a topic and a function; ids must be unique within a stack");
}

#[test]
fn scalar_yaml() {
    insta::assert_snapshot!(message("scalar.yaml"), @r#"malformed/scalar.yaml:1:1: invalid type: string "reservations", expected a map with `stacks:`"#);
}

#[test]
fn tabs_yaml() {
    insta::assert_snapshot!(message("tabs.yaml"), @"malformed/tabs.yaml:2:1: found character that cannot start any token, while scanning for the next token (a tab: YAML indents with spaces only)");
}

#[test]
fn unknown_handler_yaml() {
    insta::assert_snapshot!(message("unknown_handler.yaml"), @"error: malformed/unknown_handler.yaml:4:12: S/F: handler `notify-staf`: the cargo workspace has no package `notify-staf`; did you mean `notify-staff`?");
}

#[test]
fn unknown_variant_yaml() {
    insta::assert_snapshot!(message("unknown_variant.yaml"), @"malformed/unknown_variant.yaml:4:49: stacks.S.functions.F.architecture: unknown value `arm`, expected `x86_64` or `arm64`; did you mean `arm64`?");
}

#[test]
fn unsafe_mapping_yaml() {
    insta::assert_snapshot!(message("unsafe_mapping.yaml"), @"
    error[TRB002]: malformed/unsafe_mapping.yaml:7:9: S/Orders/StreamSource: the mapping retries a failing batch forever (infinite-retries). Fix: Set a finite retry count (default 3).
    error[TRB003]: malformed/unsafe_mapping.yaml:7:9: S/Orders/StreamSource: the mapping has no maximum record age (unlimited-record-age). Fix: Set maxRecordAge (default 3600 s), so records leave for the on-failure destination while still readable.
    error[TRB004]: malformed/unsafe_mapping.yaml:7:9: S/Orders/StreamSource: the mapping does not bisect failed batches (bisect-off). Fix: Turn bisectOnError on (the default).
    ");
}

#[test]
fn wrong_type_yaml() {
    insta::assert_snapshot!(message("wrong_type.yaml"), @r#"malformed/wrong_type.yaml:4:47: stacks.S.functions.F.memorySize: invalid type: string "big", expected a whole number (0 or more)"#);
}

#[test]
fn yaml_syntax_yaml() {
    insta::assert_snapshot!(message("yaml_syntax.yaml"), @"malformed/yaml_syntax.yaml:5:1: found unexpected end of stream, while scanning a quoted scalar at line 4 column 21");
}

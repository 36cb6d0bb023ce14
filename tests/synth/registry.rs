//! TRB021 through the public API: what the CloudFormation registry schemas refuse is refused at
//! synth, whether a construct, an escape-hatch edit or a raw resource wrote it; the examples have
//! no such finding.

use serde_json::json;
use tributary::constructs::{Function, FunctionProps};
use tributary::core::cfn::ResourceType;
use tributary::core::{Resource, Suppression, Synthesized, Value};

use crate::common::{errors, one_stack, root};
use crate::examples::reservations;

/// A rule written as a raw resource, with `name` for its name.
fn raw_rule(name: &'static str) -> Resource {
    Resource::new(ResourceType::EventsRule)
        .prop("Name", name)
        .prop("State", "ON")
        .prop("EventPattern", Value::Json(json!({"source": ["orders"]})))
}

#[test]
fn escape_hatch_edits_and_raw_resources_are_refused_with_the_property_path() {
    let result = one_stack(|s| {
        let p = s.construct("Notify");
        let f = Function::new(s, p, &FunctionProps::new("notify-staff"));
        // The escape hatch: the function's resource edited after the construct built it.
        if let Some(r) = s.resource_mut(&f.reference) {
            r.properties
                .insert("Description", Value::from("d".repeat(300)));
            // Replaced in place: its finding comes in the template's order of properties.
            r.properties.insert("MemorySize", Value::from("lots"));
        }
        let p = s.construct("Raw");
        s.add(&p, raw_rule("orders created"));
    });
    insta::assert_snapshot!(errors(result), @r"
    error[TRB021]: Test/Notify: Properties.MemorySize: a string (`lots`); AWS::Lambda::Function expects an integer (registry-schema)
    error[TRB021]: Test/Notify: Properties.Description: 300 characters; AWS::Lambda::Function allows at most 256 (registry-schema)
    error[TRB021]: Test/Raw: Properties.Name: `orders created` does not match `^[\.\-_A-Za-z0-9]+$`, the pattern AWS::Events::Rule allows (registry-schema)
    error[TRB021]: Test/Raw: Properties.State: `ON`; AWS::Events::Rule allows only `DISABLED`, `ENABLED`, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (registry-schema)
    ");
}

#[test]
fn a_construct_property_is_checked_too() {
    let result = one_stack(|s| {
        let p = s.construct("Notify");
        Function::new(
            s,
            p,
            &FunctionProps {
                description: Some("é".repeat(257)),
                ..FunctionProps::new("notify-staff")
            },
        );
    });
    insta::assert_snapshot!(errors(result), @"error[TRB021]: Test/Notify: Properties.Description: 257 characters; AWS::Lambda::Function allows at most 256 (registry-schema)");
}

#[test]
fn a_construct_that_reported_an_error_is_not_reported_again() {
    let result = one_stack(|s| {
        let p = s.construct("Odd");
        s.error(&p, "this construct refuses its props");
        let resource = s.child(&p, "Rule");
        s.add(&resource, raw_rule("not a name"));
    });
    insta::assert_snapshot!(errors(result), @"error: Test/Odd: this construct refuses its props");
}

#[test]
fn a_finding_can_be_suppressed_with_a_reason() {
    let synth = one_stack(|s| {
        let p = s.construct("Raw");
        s.add(&p, raw_rule("orders created"));
        s.suppress(
            &p,
            Suppression::new(
                "registry-schema",
                "the rule name pattern is out of date here",
            ),
        );
    })
    .unwrap();
    let resource = &synth.stacks[0].template.resources;
    let raw = resource.values().next().unwrap();
    assert_eq!(
        raw.metadata["tributary:suppressions"],
        json!([{"rule": "TRB021", "reason": "the rule name pattern is out of date here"}])
    );
}

/// The rules a synth's templates suppress (by id), and its warnings' codes.
fn registry_mentions(synth: &Synthesized) -> Vec<String> {
    let suppressed = synth
        .stacks
        .iter()
        .flat_map(|s| s.template.resources.values())
        .filter_map(|r| r.metadata.get("tributary:suppressions"))
        .filter(|s| s.to_string().contains("TRB021"))
        .map(ToString::to_string);
    let warned = synth
        .warnings
        .iter()
        .filter(|d| d.code == Some("TRB021"))
        .map(ToString::to_string);
    suppressed.chain(warned).collect()
}

#[test]
fn the_examples_have_no_registry_findings() {
    let spec = tributary::spec::load(&root().join("examples/reservations.yaml")).unwrap();
    let from_spec = tributary::spec::build(&spec, &root()).synth().unwrap();
    let from_rust = reservations::app(&root()).unwrap().synth().unwrap();
    for synth in [from_spec, from_rust] {
        assert!(synth.stacks.len() == 2, "both stacks");
        assert_eq!(registry_mentions(&synth), Vec::<String>::new());
    }
}

#[test]
fn a_spec_value_is_reported_at_its_file_line_and_construct_path() {
    // Inside the project, so the spec finds its handler crates.
    let dir = tempfile::tempdir_in(root().join("target")).unwrap();
    let file = dir.path().join("long.yaml");
    let description = "d".repeat(300);
    std::fs::write(
        &file,
        format!(
            "stacks:\n  S:\n    functions:\n      Notify:\n        handler: notify-staff\n        description: {description}\n"
        ),
    )
    .unwrap();
    let spec = tributary::spec::load(&file).unwrap();
    let result = tributary::spec::build(&spec, &root()).synth();
    let errors = errors(result).replace(dir.path().to_str().unwrap(), "[dir]");
    insta::assert_snapshot!(errors, @"error[TRB021]: [dir]/long.yaml:6:9: S/Notify: Properties.Description: 300 characters; AWS::Lambda::Function allows at most 256 (registry-schema)");
}

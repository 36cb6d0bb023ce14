//! The examples: checked-in templates (write mode: `TRIBUTARY_UPDATE_TEMPLATES=1`), the Rust
//! and spec routes giving byte-identical assemblies, and determinism.

use std::path::Path;

use tributary::assembly::{TemplateFormat, render_template, write_assembly};
use tributary::core::Synthesized;

use crate::common::{assembly_files, read_dir, root};

#[path = "../../examples/reservations.rs"]
#[allow(dead_code)]
pub(crate) mod reservations;

#[path = "../../examples/platform.rs"]
#[allow(dead_code)]
mod platform;

fn synth_spec(file: &str) -> Synthesized {
    let path = root().join("examples").join(file);
    let spec = tributary::spec::load(&path).unwrap();
    tributary::spec::build(&spec, &root()).synth().unwrap()
}

/// Every `examples/*.yaml` synthesizes to exactly what `templates/<example>/` holds.
#[test]
fn checked_in_templates_are_current() {
    let update = std::env::var_os("TRIBUTARY_UPDATE_TEMPLATES").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    for example in examples {
        let name = example.file_stem().unwrap().to_string_lossy().into_owned();
        let synth = synth_spec(example.file_name().unwrap().to_str().unwrap());
        let dir = root().join("templates").join(&name);
        for stack in &synth.stacks {
            let file = dir.join(format!("{}.template.json", stack.name));
            let rendered = render_template(stack, TemplateFormat::Json).unwrap();
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&file, &rendered).unwrap();
            } else if std::fs::read(&file).ok().as_deref() != Some(&rendered[..]) {
                stale.push(file.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale templates (review the infrastructure change, then run \
         `TRIBUTARY_UPDATE_TEMPLATES=1 cargo test --test synth checked_in_templates` and commit): {stale:?}"
    );
}

/// The Rust route and the spec route give byte-identical assemblies.
#[test]
fn rust_and_spec_give_identical_assemblies() {
    let rust = reservations::app(&root()).unwrap().synth().unwrap();
    let spec = synth_spec("reservations.yaml");
    let (a, b) = (assembly_files(&rust), assembly_files(&spec));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between examples/reservations.rs and .yaml"
        );
    }
}

/// The platform example's Rust twin (stages, shared bus, every target kind) gives the bytes of
/// its spec, stage by stage.
#[test]
fn platform_rust_and_spec_give_identical_assemblies() {
    let rust = platform::app(&root()).unwrap().synth().unwrap();
    let spec = synth_spec("platform.yaml");
    let (a, b) = (assembly_files(&rust), assembly_files(&spec));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a.keys().any(|k| k.starts_with("dev-")) && a.keys().any(|k| k.starts_with("prod-")));
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between examples/platform.rs and .yaml"
        );
    }
}

/// A JSON spec is the same app as its YAML form.
#[test]
fn json_specs_work_like_yaml() {
    let yaml = tributary::spec::load(&root().join("examples/reservations.yaml")).unwrap();
    let json = serde_json::to_string_pretty(&yaml).unwrap();
    let from_json =
        tributary::spec::parse(&root().join("examples/reservations.json"), &json).unwrap();
    assert_eq!(from_json, yaml);
    let a = assembly_files(&tributary::spec::build(&from_json, &root()).synth().unwrap());
    assert_eq!(a, assembly_files(&synth_spec("reservations.yaml")));
    let err = tributary::spec::parse(
        Path::new("bad.json"),
        "{\"stacks\": {\"S\": {\"functons\": {}}}}",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.json:1:28: stacks.S: unknown field `functons`, expected one of `env`, `description`, `terminationProtection`, `tags`, `permissionsBoundary`, `namePrefix`, `logicalIdOverrides`, `topics`, `queues`, `functions`, `buses`, `streamToBus`, `httpApis`, `rules`; did you mean `functions`?"
    );
}

/// `--format yaml` adds a YAML copy of each template; the manifest keeps naming the JSON one,
/// the only format the CDK CLI parses.
#[test]
fn yaml_format_adds_copies_and_keeps_json_in_the_manifest() {
    let synth = synth_spec("reservations.yaml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    let written = write_assembly(&out, &synth, None, TemplateFormat::Yaml).unwrap();
    assert_eq!(written[0].template_file, "Reservations.template.yaml");
    let files = read_dir(&out);
    let json = assembly_files(&synth);
    for (name, bytes) in &json {
        if name != "manifest.json" && !name.ends_with(".assets.json") {
            assert_eq!(
                &files[name], bytes,
                "{name} differs from the JSON-format assembly"
            );
        }
    }
    assert_eq!(files["manifest.json"], json["manifest.json"]);
    let yaml = String::from_utf8(files["Reservations.template.yaml"].clone()).unwrap();
    assert!(
        yaml.starts_with("Description: Restaurant reservations"),
        "{yaml}"
    );
    assert!(yaml.contains("Fn::GetAtt:"), "{yaml}");
}

/// Synthesizing twice gives byte-identical templates and manifests.
#[test]
fn synth_is_deterministic() {
    let a = assembly_files(&synth_spec("reservations.yaml"));
    let b = assembly_files(&synth_spec("reservations.yaml"));
    assert_eq!(a, b);
    assert!(a.contains_key("manifest.json") && a.contains_key("Reservations.template.json"));
}

/// The example's shape: two stacks, the second importing the bus and alert topic of the first.
#[test]
fn reservations_stacks_and_cross_stack_imports() {
    let synth = synth_spec("reservations.yaml");
    let names: Vec<&str> = synth.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Reservations", "StaffNotifications"]);
    assert_eq!(synth.stacks[1].dependencies.len(), 1);
    let notify =
        String::from_utf8(render_template(&synth.stacks[1], TemplateFormat::Json).unwrap())
            .unwrap();
    assert!(
        notify.contains(r#""Fn::ImportValue": "Reservations:ExportsOutputRefReservationsBus""#)
    );
    let core = String::from_utf8(render_template(&synth.stacks[0], TemplateFormat::Json).unwrap())
        .unwrap();
    assert!(core.contains(r#""Name": "Reservations:ExportsOutputRefReservationsBus""#));
}

fn names(synth: &Synthesized) -> Vec<&str> {
    synth.stacks.iter().map(|s| s.name.as_str()).collect()
}

/// `--stack` keeps the named stacks and what they depend on (as `cdk deploy` does);
/// `--exclusively` only the named ones, and says which dependencies it left out.
#[test]
fn stack_selection_follows_dependencies_unless_exclusive() {
    let mut all = synth_spec("reservations.yaml");
    assert_eq!(all.select(&[], false).unwrap(), []);
    assert_eq!(names(&all), ["Reservations", "StaffNotifications"]);

    let staff = vec!["StaffNotifications".to_owned()];
    let mut with_deps = synth_spec("reservations.yaml");
    assert_eq!(with_deps.select(&staff, false).unwrap(), []);
    assert_eq!(names(&with_deps), ["Reservations", "StaffNotifications"]);

    let mut exclusive = synth_spec("reservations.yaml");
    let dropped = exclusive.select(&staff, true).unwrap();
    assert_eq!(names(&exclusive), ["StaffNotifications"]);
    assert!(exclusive.stacks[0].dependencies.is_empty());
    let dropped: Vec<_> = dropped.iter().map(|(s, d)| format!("{s} -> {d}")).collect();
    assert_eq!(dropped, ["StaffNotifications -> Reservations"]);

    let mut producer = synth_spec("reservations.yaml");
    producer
        .select(&["Reservations".to_owned()], false)
        .unwrap();
    assert_eq!(names(&producer), ["Reservations"]);

    let err = synth_spec("reservations.yaml")
        .select(&["Staff".to_owned()], false)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no stack `Staff` (stacks: Reservations, StaffNotifications)"
    );
}

/// An app large enough to be rendered on several threads (2,000 resources and up) keeps its
/// stacks' order, and each template is the bytes it renders to alone.
#[test]
fn a_large_app_renders_each_stack_as_it_renders_alone_in_order() {
    let mut app = tributary::core::App::new(tributary::core::NamedAssets);
    let names: Vec<String> = (0..60).map(|i| format!("Service{i:02}")).collect();
    for name in &names {
        let stack = app.add_stack(
            tributary::core::StackName::new(name).unwrap(),
            tributary::core::Environment::agnostic(),
        );
        for f in 0..10 {
            crate::common::function(stack, &format!("F{f}"));
        }
    }
    let synth = app.synth().unwrap();
    let resources: usize = synth
        .stacks
        .iter()
        .map(|s| s.template.resources.len())
        .sum();
    assert!(resources >= 2_000, "{resources} resources");
    let order: Vec<&str> = synth.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(order, names);
    for stack in &synth.stacks {
        let alone = render_template(stack, TemplateFormat::Json).unwrap();
        assert!(
            stack.rendered.as_deref() == Some(&alone[..]),
            "{}",
            stack.name
        );
    }
}

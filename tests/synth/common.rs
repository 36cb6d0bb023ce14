//! Helpers shared by the test modules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tributary::assembly::{TemplateFormat, render_template, write_assembly};
use tributary::assets::Workspace;
use tributary::constructs::{
    Attribute, Function, FunctionProps, StreamViewType, Table, TableProps,
};
use tributary::core::{App, Diagnostics, Environment, Stack, StackName, Synthesized};

/// The repository root.
/// Runs the `tributary` binary in `dir`: its exit code, stdout and stderr.
pub fn tributary_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the `tributary` binary in the repository root.
pub fn tributary(args: &[&str]) -> (i32, String, String) {
    tributary_in(&root(), args)
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `f` with insta writing snapshots under `snapshots/`, with asset hashes redacted (they
/// change whenever handler code changes, which `templates/` already shows).
pub fn snapshot_settings(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"[0-9a-f]{64}\.zip", "[asset-hash].zip");
    settings.bind(f);
}

/// An app with one environment-agnostic stack built by `f`.
pub fn one_stack(f: impl FnOnce(&mut Stack)) -> Result<Synthesized, Diagnostics> {
    let mut app = App::new(Workspace::open(&root()));
    let stack = app.add_stack(StackName::new("Test").unwrap(), Environment::agnostic());
    f(stack);
    app.synth()
}

/// The JSON template of the first stack.
pub fn template(synth: &Synthesized) -> String {
    String::from_utf8(render_template(&synth.stacks[0], TemplateFormat::Json).unwrap()).unwrap()
}

/// The resources of the first stack's template, as pretty JSON (what construct snapshots show).
pub fn resources(synth: &Synthesized) -> String {
    let t: serde_json::Value = serde_json::from_str(&template(synth)).unwrap();
    serde_json::to_string_pretty(&t["Resources"]).unwrap()
}

/// The error messages of a failed synth, one per line.
pub fn errors(result: Result<Synthesized, Diagnostics>) -> String {
    match result {
        Ok(_) => panic!("expected the synth to fail"),
        Err(d) => d
            .errors()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// "ok", or the error messages of a failed synth: what range-check tests compare.
pub fn outcome(result: Result<Synthesized, Diagnostics>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => errors(Err(e)),
    }
}

/// Writes the assembly (templates and manifests, no zips) and returns every file by name.
pub fn assembly_files(synth: &Synthesized) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    write_assembly(&out, synth, None, TemplateFormat::Json).unwrap();
    read_dir(&out)
}

/// Every file of a directory by name.
pub fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A function of the `stream-publisher` handler at `id`.
pub fn function(s: &mut Stack, id: &str) -> Function {
    let p = s.construct(id);
    Function::new(s, p, &FunctionProps::new("stream-publisher"))
}

/// A table `Table` (partition key `pk`) with a stream of new and old images.
pub fn table_with_stream(s: &mut Stack) -> Table {
    let p = s.construct("Table");
    Table::new(
        s,
        p,
        &TableProps {
            stream: Some(StreamViewType::NewAndOldImages),
            ..TableProps::new(Attribute::string("pk"))
        },
    )
}

/// `spec` with its source file shown as `name` in diagnostics (temporary and absolute paths
/// would make snapshots depend on the machine).
pub fn shown_as(mut spec: tributary::spec::AppSpec, name: &Path) -> tributary::spec::AppSpec {
    if let Some(source) = spec.source.take() {
        spec.source = Some(std::sync::Arc::new(tributary::spec::SpecSource {
            file: name.to_owned(),
            text: source.text.clone(),
        }));
    }
    spec
}

/// The JSON template of the stack named `name`.
pub fn stack_json(synth: &Synthesized, name: &str) -> serde_json::Value {
    let stack = synth
        .stacks
        .iter()
        .find(|s| s.name.as_str() == name)
        .unwrap_or_else(|| panic!("no stack {name}"));
    serde_json::from_slice(&render_template(stack, TemplateFormat::Json).unwrap()).unwrap()
}

/// The resources of template `t` of type `kind`, by logical ID.
pub fn of_type<'a>(
    t: &'a serde_json::Value,
    kind: &str,
) -> Vec<(&'a String, &'a serde_json::Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

/// Every `examples/*.yaml`, by file name, synthesized (all stages).
pub fn every_example() -> Vec<(String, Synthesized)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the examples: {files:?}");
    files
        .into_iter()
        .map(|path| {
            let spec = tributary::spec::load(&path).unwrap();
            let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                synth,
            )
        })
        .collect()
}

/// Whether any resource of the synth records a suppression of `rule`.
pub fn suppresses(synth: &Synthesized, rule: &str) -> bool {
    synth.stacks.iter().any(|s| {
        s.template.resources.values().any(|r| {
            r.metadata
                .get("tributary:suppressions")
                .is_some_and(|m| m.to_string().contains(rule))
        })
    })
}

//! What the corpus of mistakes (`mistakes.rs`) runs: an edit of the example spec, loaded and
//! synthesized as `tributary synth` would.

use std::path::Path;

use tributary::assembly::{TemplateFormat, write_assembly};

use crate::common::root;

/// The example spec, as the edits apply to it.
const EXAMPLE: &str = include_str!("../../examples/reservations.yaml");

/// The example spec with `edits` applied: each `from` must occur (a case whose edit no longer
/// applies fails instead of testing the unedited example).
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = EXAMPLE.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "the edit does not apply: examples/reservations.yaml has no\n{from}"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// Loads and synthesizes the edited spec: `Err` with every message as the CLI prints it, or the
/// synthesized app.
fn synth(edits: &[(&str, &str)]) -> Result<tributary::core::Synthesized, String> {
    let text = edited(edits);
    // Relative to the repository root (the tests' working directory), as a user runs it.
    let file = Path::new("examples/reservations.yaml");
    let spec = tributary::spec::parse(file, &text).map_err(|errors| {
        let mut lines: Vec<String> = errors.0.iter().map(|e| format!("error: {e}")).collect();
        lines.extend(errors.summary().map(|s| format!("error: {s}")));
        lines.join("\n")
    })?;
    tributary::spec::build(&spec, &root())
        .synth()
        .map_err(|d| d.to_string())
}

/// The messages of a case that must be refused, or `accepted: ...` (which its snapshot then
/// shows as the wrong verdict).
pub fn refused(edits: &[(&str, &str)]) -> String {
    match synth(edits) {
        Err(messages) => messages,
        Ok(synth) => {
            let warnings: Vec<String> = synth.warnings.iter().map(ToString::to_string).collect();
            format!("accepted (wrongly)\n{}", warnings.join("\n"))
        }
    }
}

/// Synthesizes a case that must be accepted, without errors, and writes its templates to
/// `target/tributary-corpus/<name>/` for cfn-lint.
pub fn accepted(name: &str, edits: &[(&str, &str)]) {
    let synth = match synth(edits) {
        Ok(synth) => synth,
        Err(messages) => panic!("`{name}` must be accepted, but:\n{messages}"),
    };
    let out = root().join("target/tributary-corpus").join(name);
    let _ = std::fs::remove_dir_all(&out);
    write_assembly(&out, &synth, None, TemplateFormat::Json).unwrap();
}

/// The warnings of a case that must be accepted with warnings (its templates are written for
/// cfn-lint as an accepted case's are).
pub fn warned(name: &str, edits: &[(&str, &str)]) -> String {
    let synth = match synth(edits) {
        Ok(synth) => synth,
        Err(messages) => panic!("`{name}` must be accepted, but:\n{messages}"),
    };
    let out = root().join("target/tributary-corpus").join(name);
    let _ = std::fs::remove_dir_all(&out);
    write_assembly(&out, &synth, None, TemplateFormat::Json).unwrap();
    let warnings: Vec<String> = synth.warnings.iter().map(ToString::to_string).collect();
    warnings.join("\n")
}

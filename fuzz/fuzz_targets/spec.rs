//! Any bytes as an app spec (YAML, and JSON when the input starts with `{`): loading either
//! fails with a message or succeeds, and a loaded spec synthesizes (with its errors) and renders
//! without panicking. Handler assets are only named (no file is read for them), never built.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tributary::core::{App, NamedAssets};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = if text.trim_start().starts_with('{') {
        "app.json"
    } else {
        "app.yaml"
    };
    let Ok(spec) = tributary::spec::parse(Path::new(name), text) else {
        return;
    };
    if let Ok(synth) = tributary::spec::build_into(&spec, App::new(NamedAssets)).synth() {
        let _ = tributary::assembly::render_assembly(
            &synth,
            tributary::assembly::TemplateFormat::Json,
            |_, _| Ok(()),
        );
    }
});

//! Any bytes as an app spec (YAML, and JSON when the input starts with `{`): loading either
//! fails with a message or succeeds, and a loaded spec synthesizes (with its errors) and renders
//! without panicking. Handler assets are hashed from the real project, never built.

#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use tributary::assets::Catalog;
use tributary::core::App;

/// The project's handler catalog, hashed once.
fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            Arc::new(Catalog::discover(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            ))
        })
        .clone()
}

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
    if let Ok(synth) = tributary::spec::build_into(&spec, App::with_catalog(catalog())).synth() {
        let _ = tributary::assembly::render_assembly(
            &synth,
            tributary::assembly::TemplateFormat::Json,
            |_, _| Ok(()),
        );
    }
});

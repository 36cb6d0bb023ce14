//! Writing the cloud assembly (`cdk.out`): manifest, one template per stack, asset manifests and
//! asset files, atomically — a failed synth leaves the previous output untouched.

mod manifest;
mod write;

pub use manifest::{ASSEMBLY_VERSION, asset_manifest, manifest};
pub use write::{
    AssemblyError, RenderedTemplate, TemplateFormat, WrittenStack, render_assembly,
    render_template, rendered_json, rendered_templates, write_assembly,
};

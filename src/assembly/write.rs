//! Rendering templates and writing the assembly directory atomically.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::manifest::{StackFiles, asset_manifest, asset_path, assets_file, manifest};
use crate::core::AssetUse;
use crate::core::{StackName, Synthesized, SynthesizedStack};

/// The template file format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TemplateFormat {
    #[default]
    Json,
    Yaml,
}

impl TemplateFormat {
    fn extension(self) -> &'static str {
        match self {
            TemplateFormat::Json => "json",
            TemplateFormat::Yaml => "yaml",
        }
    }
}

/// Why the assembly could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
    #[error("cannot render template of stack `{stack}`: {message}")]
    Render { stack: String, message: String },
    #[error("no zip for the asset of handler `{0}`")]
    MissingAsset(String),
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> AssemblyError {
    let context = context.into();
    move |source| AssemblyError::Io { context, source }
}

/// What was written for one stack.
#[derive(Debug, Clone)]
pub struct WrittenStack {
    pub name: StackName,
    pub template_file: String,
    pub resources: usize,
    pub template_bytes: usize,
}

/// A stack's JSON template: the bytes the pipeline rendered, or rendered now for a stack it did
/// not.
pub fn rendered_json(stack: &SynthesizedStack) -> Result<Cow<'_, [u8]>, AssemblyError> {
    match &stack.rendered {
        Some(bytes) => Ok(Cow::Borrowed(bytes.as_slice())),
        None => render_template(stack, TemplateFormat::Json).map(Cow::Owned),
    }
}

/// A stack's name and its JSON template.
pub type RenderedTemplate<'a> = (String, Cow<'a, [u8]>);

/// Each stack's [`rendered_json`], by stack name in deployment order.
pub fn rendered_templates(
    synth: &crate::core::Synthesized,
) -> Result<Vec<RenderedTemplate<'_>>, AssemblyError> {
    synth
        .stacks
        .iter()
        .map(|stack| Ok((stack.name.as_str().to_owned(), rendered_json(stack)?)))
        .collect()
}

/// Renders a stack's template: JSON with one-space indentation (as the CDK writes it) or YAML.
pub fn render_template(
    stack: &SynthesizedStack,
    format: TemplateFormat,
) -> Result<Vec<u8>, AssemblyError> {
    let rendered = stack.template.render(&stack.name);
    let err = |message: String| AssemblyError::Render {
        stack: stack.name.to_string(),
        message,
    };
    match format {
        TemplateFormat::Json => {
            let mut out = Vec::with_capacity(16 * 1024);
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            rendered
                .serialize(&mut ser)
                .map_err(|e| err(e.to_string()))?;
            out.push(b'\n');
            Ok(out)
        }
        TemplateFormat::Yaml => crate::yaml::to_string(&rendered)
            .map(String::into_bytes)
            .map_err(|e| err(e.to_string())),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::assets::hex(&Sha256::digest(bytes))
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a serde_json::Value into a Vec cannot fail.
    let _ = value.serialize(&mut ser);
    out.push(b'\n');
    out
}

/// Writes the assembly of `synth` to `out`: the JSON template of each stack (what the manifest
/// names: the CDK CLI reads JSON only) plus, for [`TemplateFormat::Yaml`], a YAML copy for tools
/// that prefer it. It is written first into a temporary directory next to it, then
/// swapped in with renames, so a failure at any point leaves the previous `out` as it was.
/// `zips` maps asset hashes to built zips; `None` writes templates and manifests only.
pub fn write_assembly(
    out: &Path,
    synth: &Synthesized,
    zips: Option<&BTreeMap<String, PathBuf>>,
    format: TemplateFormat,
) -> Result<Vec<WrittenStack>, AssemblyError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // Everything but the zips, rendered once: when `out` already holds exactly this assembly
    // (the usual warm synth), nothing is written at all.
    let mut rendered: Vec<(String, Vec<u8>)> = Vec::new();
    let written = render_assembly(synth, format, |name, bytes| {
        rendered.push((name.to_owned(), bytes.to_vec()));
        Ok(())
    })?;
    if is_current(out, synth, zips, &rendered) {
        return Ok(written);
    }
    fs::create_dir_all(&parent).map_err(io_err(format!("creating {}", parent.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(".tributary-out-")
        .tempdir_in(&parent)
        .map_err(io_err(format!(
            "creating a temporary directory in {}",
            parent.display()
        )))?;
    fill(tmp.path(), synth, zips, &rendered)?;
    swap_in(tmp, out)?;
    Ok(written)
}

/// Whether `out` holds exactly these files and no other: the rendered ones byte for byte, and
/// each asset zip as a hard link of the cached zip of its hash (a zip's name is its hash and a
/// cached zip is only ever written whole, by rename).
fn is_current(
    out: &Path,
    synth: &Synthesized,
    zips: Option<&BTreeMap<String, PathBuf>>,
    rendered: &[(String, Vec<u8>)],
) -> bool {
    let Ok(entries) = fs::read_dir(out) else {
        return false;
    };
    let mut expected: std::collections::BTreeSet<String> =
        rendered.iter().map(|(n, _)| n.clone()).collect();
    let mut assets = BTreeMap::new();
    if let Some(zips) = zips {
        for asset in synth.stacks.iter().flat_map(|s| &s.assets) {
            let Some(src) = zips.get(&asset.hash) else {
                return false;
            };
            expected.insert(asset_path(asset));
            assets.insert(asset_path(asset), src);
        }
    }
    let found: Option<std::collections::BTreeSet<String>> = entries
        .map(|e| e.ok().and_then(|e| e.file_name().into_string().ok()))
        .collect();
    if found.as_ref() != Some(&expected) {
        return false;
    }
    let same_file = |a: &Path, b: &Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            matches!((fs::metadata(a), fs::metadata(b)), (Ok(x), Ok(y)) if x.dev() == y.dev() && x.ino() == y.ino())
        }
        #[cfg(not(unix))]
        {
            let _ = (a, b);
            false
        }
    };
    rendered
        .iter()
        .all(|(name, bytes)| fs::read(out.join(name)).is_ok_and(|old| old == *bytes))
        && assets
            .iter()
            .all(|(name, src)| same_file(&out.join(name), src))
}

fn fill(
    dir: &Path,
    synth: &Synthesized,
    zips: Option<&BTreeMap<String, PathBuf>>,
    rendered: &[(String, Vec<u8>)],
) -> Result<(), AssemblyError> {
    for (name, bytes) in rendered {
        fs::write(dir.join(name), bytes).map_err(io_err(format!("writing {name}")))?;
    }
    if let Some(zips) = zips {
        let mut copied = std::collections::BTreeSet::new();
        for asset in synth.stacks.iter().flat_map(|s| &s.assets) {
            if copied.insert(&asset.hash) {
                copy_asset(dir, asset, zips)?;
            }
        }
    }
    Ok(())
}

/// Renders every file of the assembly but the asset zips — templates, asset manifests,
/// `manifest.json`, `cdk.out` — handing each to `emit` with its file name.
pub fn render_assembly(
    synth: &Synthesized,
    format: TemplateFormat,
    mut emit: impl FnMut(&str, &[u8]) -> Result<(), AssemblyError>,
) -> Result<Vec<WrittenStack>, AssemblyError> {
    let names: Vec<&StackName> = synth.stacks.iter().map(|s| &s.name).collect();
    let mut files = Vec::with_capacity(synth.stacks.len());
    let mut written = Vec::with_capacity(synth.stacks.len());
    for stack in &synth.stacks {
        // The manifest always names the JSON template: the CDK CLI parses templates as JSON.
        let template: std::borrow::Cow<'_, [u8]> = match &stack.rendered {
            Some(bytes) => bytes.as_slice().into(),
            None => render_template(stack, TemplateFormat::Json)?.into(),
        };
        let template_file = format!("{}.template.json", stack.name);
        emit(&template_file, &template)?;
        let shown_file = match format {
            TemplateFormat::Json => template_file.clone(),
            TemplateFormat::Yaml => {
                let yaml = render_template(stack, TemplateFormat::Yaml)?;
                let file = format!("{}.template.{}", stack.name, format.extension());
                emit(&file, &yaml)?;
                file
            }
        };
        let stack_files = StackFiles {
            stack,
            template_file,
            template_hash: sha256_hex(&template),
            dependencies: stack
                .dependencies
                .iter()
                .filter(|d| names.contains(d))
                .map(ToString::to_string)
                .collect(),
        };
        emit(
            &assets_file(stack.name.as_str()),
            &json_bytes(&asset_manifest(&stack_files)),
        )?;
        written.push(WrittenStack {
            name: stack.name.clone(),
            template_file: shown_file,
            resources: stack.template.resources.len(),
            template_bytes: template.len(),
        });
        files.push(stack_files);
    }
    emit("manifest.json", &json_bytes(&manifest(&files)))?;
    emit(
        "cdk.out",
        &json_bytes(&serde_json::json!({ "version": super::ASSEMBLY_VERSION })),
    )?;
    Ok(written)
}

fn copy_asset(
    dir: &Path,
    asset: &AssetUse,
    zips: &BTreeMap<String, PathBuf>,
) -> Result<(), AssemblyError> {
    let src = zips
        .get(&asset.hash)
        .ok_or_else(|| AssemblyError::MissingAsset(asset.label()))?;
    let dest = dir.join(asset_path(asset));
    if fs::hard_link(src, &dest).is_err() {
        fs::copy(src, &dest).map_err(io_err(format!("copying {}", src.display())))?;
    }
    Ok(())
}

/// Moves the finished `tmp` to `out`, keeping the old `out` until the new one is in place.
fn swap_in(tmp: tempfile::TempDir, out: &Path) -> Result<(), AssemblyError> {
    let new = tmp.keep();
    let backup = if out.exists() {
        let backup = new.with_file_name(format!(
            "{}.old",
            new.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(".tributary-out")
        ));
        fs::rename(out, &backup).map_err(io_err(format!(
            "moving the previous {} aside",
            out.display()
        )))?;
        Some(backup)
    } else {
        None
    };
    if let Err(e) = fs::rename(&new, out) {
        if let Some(backup) = &backup {
            let _ = fs::rename(backup, out);
        }
        let _ = fs::remove_dir_all(&new);
        return Err(io_err(format!(
            "moving the new assembly to {}",
            out.display()
        ))(e));
    }
    if let Some(backup) = backup {
        let _ = fs::remove_dir_all(backup);
    }
    Ok(())
}

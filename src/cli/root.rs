//! Finding the project: the cargo workspace root and its default app.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use serde::Deserialize;

/// The parts of a root manifest read here (the rest is parsed past, not kept).
#[derive(Debug, Default, Deserialize)]
struct Manifest {
    workspace: Option<Section>,
    package: Option<Section>,
}

#[derive(Debug, Default, Deserialize)]
struct Section {
    metadata: Option<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    tributary: Option<Tributary>,
}

#[derive(Debug, Default, Deserialize)]
struct Tributary {
    #[serde(rename = "default-app")]
    default_app: Option<String>,
}

/// The manifest in `dir` if it declares a `[workspace]`.
fn workspace_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    // (Most manifests on the way up are members: they name no workspace table.)
    if !text.contains("workspace") {
        return None;
    }
    let manifest: Manifest = toml::from_str(&text).ok()?;
    manifest.workspace.is_some().then_some(manifest)
}

fn find_project(start: &Path) -> Option<(PathBuf, Manifest)> {
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find_map(|dir| workspace_manifest(dir).map(|m| (dir.to_owned(), m)))
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares a `[workspace]`.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    find_project(start).map(|(dir, _)| dir)
}

/// The default app: `default-app` of `[workspace.metadata.tributary]` in the workspace's
/// `Cargo.toml` (or of the root package's `[package.metadata.tributary]`), relative to the
/// workspace root.
pub fn default_app() -> anyhow::Result<PathBuf> {
    default_app_and_root().map(|(app, _)| app)
}

/// The default app and the workspace root it was found in.
pub(crate) fn default_app_and_root() -> anyhow::Result<(PathBuf, PathBuf)> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let (root, manifest) = find_project(&cwd).ok_or_else(|| {
        anyhow!(
            "no --app given and no Cargo workspace above {} to take the default app from",
            cwd.display()
        )
    })?;
    let setting = |section: Option<Section>| section?.metadata?.tributary?.default_app;
    let app = setting(manifest.workspace)
        .or_else(|| setting(manifest.package))
        .ok_or_else(|| {
            anyhow!(
                "no --app given and {} has no `default-app` in [workspace.metadata.tributary]",
                root.join("Cargo.toml").display()
            )
        })?;
    Ok((root.join(app), root))
}

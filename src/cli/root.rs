//! Finding the project: the cargo workspace root and its default app.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

/// The nearest directory at or above `start` whose `Cargo.toml` declares a `[workspace]`.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let doc: toml::Table = toml::from_str(&manifest).ok()?;
        doc.contains_key("workspace").then(|| dir.to_owned())
    })
}

/// The default app: `default-app` of `[workspace.metadata.tributary]` in the workspace's
/// `Cargo.toml` (or of the root package's `[package.metadata.tributary]`), relative to the
/// workspace root.
pub fn default_app() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = find_project_root(&cwd).ok_or_else(|| {
        anyhow!(
            "no --app given and no Cargo workspace above {} to take the default app from",
            cwd.display()
        )
    })?;
    let manifest_path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let doc: toml::Table = toml::from_str(&manifest)
        .with_context(|| format!("cannot parse {}", manifest_path.display()))?;
    let setting = |table: &str| {
        doc.get(table)
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get("tributary"))
            .and_then(|t| t.get("default-app"))
            .and_then(|a| a.as_str())
    };
    let app = setting("workspace")
        .or_else(|| setting("package"))
        .ok_or_else(|| {
            anyhow!(
                "no --app given and {} has no `default-app` in [workspace.metadata.tributary]",
                manifest_path.display()
            )
        })?;
    Ok(root.join(app))
}

//! Building handler binaries with cargo into reproducible zips, cached by input hash.
//!
//! Assets build in a target dir of their own (`<target>/lambda`) so they never wait on the lock of
//! a running `cargo test`, one package per cargo invocation (feature unification would otherwise
//! make a binary depend on what it happens to be built with), each executable zipped as soon as
//! its build ends. A prebuilt zip is used as it is.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::glibc::{MAX_GLIBC, max_glibc_version};
use super::workspace::Workspace;
use super::zip::write_bootstrap_zip;
use crate::core::{Architecture, AssetSource, AssetUse};

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Print cargo's progress (on stderr). Off: cargo's output is captured and shown on failure.
    pub verbose: bool,
}

/// Why an asset build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("could not run cargo: {0}")]
    Spawn(std::io::Error),
    #[error("cargo build of `{package}` ({arch}) failed{output}")]
    Cargo {
        package: String,
        arch: Architecture,
        output: String,
    },
    #[error("cargo built no executable for handler `{0}`")]
    Missing(String),
    #[error(
        "handler `{handler}` needs GLIBC_{}.{} but provided.al2023 ships glibc {}.{}: build on an older distribution or use a musl target",
        found.0, found.1, MAX_GLIBC.0, MAX_GLIBC.1
    )]
    Glibc { handler: String, found: (u32, u32) },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BuildError {
    let context = context.into();
    move |source| BuildError::Io { context, source }
}

/// The directory zips are cached in, by hash.
pub fn cache_dir(workspace: &Workspace) -> PathBuf {
    workspace
        .target_dir()
        .join("lambda")
        .join("tributary-assets")
}

/// Makes sure the zip of every asset in `uses` exists, building with cargo only what the cache
/// lacks. Returns each asset's zip path by hash.
pub fn build_assets(
    workspace: &Workspace,
    uses: &[AssetUse],
    options: &BuildOptions,
) -> Result<BTreeMap<String, PathBuf>, BuildError> {
    let cache = cache_dir(workspace);
    let mut zips = BTreeMap::new();
    // (package, arch) -> the binaries to build, each with the hash it is zipped under.
    let mut stale: BTreeMap<(String, Architecture), BTreeMap<String, String>> = BTreeMap::new();
    for asset in uses {
        match &asset.source {
            AssetSource::Zip(path) => {
                zips.insert(asset.hash.clone(), path.clone());
            }
            AssetSource::Binary { package, binary } => {
                let zip = cache.join(asset.file_name());
                if !zip.is_file() {
                    stale
                        .entry((package.clone(), asset.arch))
                        .or_default()
                        .insert(binary.clone(), asset.hash.clone());
                }
                zips.insert(asset.hash.clone(), zip);
            }
        }
    }
    for ((package, arch), binaries) in &stale {
        build_package(workspace, package, *arch, binaries, &cache, options)?;
    }
    for (hash, zip) in &zips {
        if !zip.is_file() {
            let label = uses
                .iter()
                .find(|u| &u.hash == hash)
                .map_or_else(String::new, AssetUse::label);
            return Err(BuildError::Missing(label));
        }
    }
    Ok(zips)
}

fn build_package(
    workspace: &Workspace,
    package: &str,
    arch: Architecture,
    binaries: &BTreeMap<String, String>,
    cache: &Path,
    options: &BuildOptions,
) -> Result<(), BuildError> {
    let root = workspace.root();
    let profile = workspace.profile();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--locked", "--profile", &profile, "--target"])
        .arg(arch.target_triple())
        .arg("--target-dir")
        .arg(workspace.target_dir().join("lambda"))
        .args(["--message-format=json-render-diagnostics", "-p", package])
        .stdout(Stdio::piped())
        .stderr(if options.verbose {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
    for binary in binaries.keys() {
        cmd.args(["--bin", binary]);
    }
    let names: Vec<&str> = binaries.keys().map(String::as_str).collect();
    eprintln!(
        "building {package} ({}) for {arch}: cargo build --profile {profile} --target {}",
        names.join(", "),
        arch.target_triple()
    );
    let mut child = cmd.spawn().map_err(BuildError::Spawn)?;
    let mut executables: BTreeMap<String, PathBuf> = BTreeMap::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(io("reading cargo's output"))?;
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" || msg["package_id"].is_null() {
                continue;
            }
            if let (Some(name), Some(exe)) =
                (msg["target"]["name"].as_str(), msg["executable"].as_str())
            {
                executables.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
    }
    let output = child.wait_with_output().map_err(io("waiting for cargo"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        let output = if tail.is_empty() {
            String::new()
        } else {
            format!(
                ":\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        };
        return Err(BuildError::Cargo {
            package: package.to_owned(),
            arch,
            output,
        });
    }
    fs::create_dir_all(cache).map_err(io(format!("creating {}", cache.display())))?;
    for (binary, hash) in binaries {
        let exe = executables
            .get(binary)
            .ok_or_else(|| BuildError::Missing(format!("{package}/{binary}")))?;
        let bytes = fs::read(exe).map_err(io(format!("reading {}", exe.display())))?;
        if let Some(found) = max_glibc_version(&bytes).filter(|v| *v > MAX_GLIBC) {
            return Err(BuildError::Glibc {
                handler: format!("{package}/{binary}"),
                found,
            });
        }
        let zip = write_bootstrap_zip(&bytes, Cursor::new(Vec::new()))
            .map_err(|e| io(format!("zipping {binary}"))(std::io::Error::other(e)))?
            .into_inner();
        let name = format!("{hash}.zip");
        let dest = cache.join(&name);
        let tmp = cache.join(format!(".{name}.tmp"));
        fs::write(&tmp, zip).map_err(io(format!("writing {}", tmp.display())))?;
        fs::rename(&tmp, &dest).map_err(io(format!("writing {}", dest.display())))?;
    }
    Ok(())
}

//! Building handler crates with cargo into reproducible zips, cached by input hash.
//!
//! Assets build in a target dir of their own (`target/lambda`) so they never wait on the lock of a
//! running `cargo test`, always as the same sorted set of packages (feature unification makes a
//! binary depend on what it is built with), and each executable is zipped as soon as its build ends.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::catalog::{Architecture, AssetUse, Catalog, LAMBDA_PROFILE};
use super::glibc::{MAX_GLIBC, max_glibc_version};
use super::zip::write_bootstrap_zip;

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
    #[error("cargo build of the handlers ({arch}) failed{output}")]
    Cargo { arch: Architecture, output: String },
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
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join("target")
        .join(LAMBDA_PROFILE)
        .join("tributary-assets")
}

/// Makes sure the zip of every asset in `uses` exists, building with cargo only what the cache
/// lacks. Returns each asset's zip path by hash.
pub fn build_assets(
    catalog: &Catalog,
    uses: &[AssetUse],
    options: &BuildOptions,
) -> Result<BTreeMap<String, PathBuf>, BuildError> {
    let cache = cache_dir(catalog.root());
    let mut zips = BTreeMap::new();
    let mut stale: BTreeMap<Architecture, ()> = BTreeMap::new();
    for asset in uses {
        let zip = cache.join(asset.file_name());
        if !zip.is_file() {
            stale.insert(asset.arch, ());
        }
        zips.insert(asset.hash.clone(), zip);
    }
    for arch in stale.into_keys() {
        build_arch(catalog, arch, &cache, options)?;
    }
    for (hash, zip) in &zips {
        if !zip.is_file() {
            let handler = uses
                .iter()
                .find(|u| &u.hash == hash)
                .map_or_else(String::new, |u| u.handler.clone());
            return Err(BuildError::Missing(handler));
        }
    }
    Ok(zips)
}

fn build_arch(
    catalog: &Catalog,
    arch: Architecture,
    cache: &Path,
    options: &BuildOptions,
) -> Result<(), BuildError> {
    let root = catalog.root();
    let handlers: Vec<&str> = catalog.handler_names().collect();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--locked",
            "--profile",
            LAMBDA_PROFILE,
            "--target",
            arch.target_triple(),
        ])
        .arg("--target-dir")
        .arg(root.join("target").join(LAMBDA_PROFILE))
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(if options.verbose {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
    for h in &handlers {
        cmd.args(["-p", h]);
    }
    eprintln!(
        "building handler assets for {arch} ({}): cargo build --profile {LAMBDA_PROFILE} --target {}",
        handlers.join(", "),
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
            if msg["reason"] != "compiler-artifact" {
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
        return Err(BuildError::Cargo { arch, output });
    }
    fs::create_dir_all(cache).map_err(io(format!("creating {}", cache.display())))?;
    for name in handlers {
        let exe = executables
            .get(name)
            .ok_or_else(|| BuildError::Missing(name.to_owned()))?;
        let bytes = fs::read(exe).map_err(io(format!("reading {}", exe.display())))?;
        if let Some(found) = max_glibc_version(&bytes).filter(|v| *v > MAX_GLIBC) {
            return Err(BuildError::Glibc {
                handler: name.to_owned(),
                found,
            });
        }
        let asset = catalog
            .handler(name, arch)
            .map_err(|e| io("hashing handler inputs")(std::io::Error::other(e.to_string())))?;
        let zip = write_bootstrap_zip(&bytes, Cursor::new(Vec::new()))
            .map_err(|e| io(format!("zipping {name}"))(std::io::Error::other(e)))?
            .into_inner();
        let dest = cache.join(asset.file_name());
        let tmp = cache.join(format!(".{}.tmp", asset.file_name()));
        fs::write(&tmp, zip).map_err(io(format!("writing {}", tmp.display())))?;
        fs::rename(&tmp, &dest).map_err(io(format!("writing {}", dest.display())))?;
    }
    Ok(())
}

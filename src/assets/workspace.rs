//! The user's cargo workspace as the asset resolver sees it: its members and their binary
//! targets (from `cargo metadata`), the project settings of `[workspace.metadata.tributary]`, and
//! the part of every handler's build inputs that only changes with a manifest or the lock file.
//!
//! The model is cached in `target/tributary/` under the hash of the files it was read from (the
//! manifests, `Cargo.lock`, `.cargo/config.toml`, the toolchain file), so a warm synth runs no
//! cargo at all; a changed file, or a handler the cached model does not know, reads it again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::digests::Digests;
use super::inputs::{self, hex};
use crate::core::{Architecture, AssetResolver, AssetSource, AssetUse, Code, HandlerRef, suggest};

/// Bumped whenever what the cached model holds, or how asset hashes are made, changes.
const MODEL_VERSION: u32 = 1;

/// The asset build profile when the workspace defines no `[profile.lambda]` and names none.
pub const FALLBACK_PROFILE: &str = "release";
/// The profile assets are built with when the workspace defines it.
pub const LAMBDA_PROFILE: &str = "lambda";

/// `[workspace.metadata.tributary]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    /// The app `tributary` synthesizes without `--app`, relative to the workspace root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_app: Option<PathBuf>,
    /// The cargo profile handler assets are built with. Default: `lambda` when the workspace
    /// defines `[profile.lambda]`, else `release`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The architecture of functions that name none. Default: `x86_64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
}

/// One package the handlers may be built from: a workspace member, or a path dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Package {
    /// Its directory (absolute).
    dir: PathBuf,
    /// Its version (what its `Cargo.lock` entry is found by).
    version: String,
    member: bool,
    /// Binary targets that build with default features.
    bins: Vec<String>,
    /// Binary targets that need features (not handlers unless the features are on by default).
    feature_bins: Vec<String>,
    /// Path packages it depends on (normal and build dependencies), by name.
    path_deps: Vec<String>,
    /// Hex SHA-256 of its build inputs outside its source files: its `Cargo.lock` closure, the
    /// workspace entries its manifests inherit, the profiles, patches and build configuration.
    fixed_inputs: String,
}

/// What is cached between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Model {
    version: u32,
    /// Hash of `key_files`' contents.
    key: String,
    /// The files the model depends on, relative to the root where inside it.
    key_files: Vec<PathBuf>,
    target_dir: PathBuf,
    settings: Settings,
    profile: String,
    packages: BTreeMap<String, Package>,
}

/// Where the workspace model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// The cache: every file it was read from is unchanged (no cargo was run).
    Cache,
    /// `cargo metadata`.
    Cargo,
}

/// The handler binaries of one cargo workspace: an [`AssetResolver`].
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    model: Mutex<(Arc<Result<Model, String>>, ModelSource)>,
    /// Assets resolved so far in this run (one hash per package, binary and architecture).
    resolved: Mutex<HashMap<(Code, Architecture), Result<AssetUse, String>>>,
    /// Source digests of packages hashed so far in this run.
    sources: Mutex<HashMap<String, Result<[u8; 32], String>>>,
    /// File digests by stamp, remembered across runs.
    digests: Mutex<Digests>,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if let Ok(digests) = self.digests.lock() {
            digests.save(&digests_file(&self.root));
        }
    }
}

impl Workspace {
    /// The workspace at `root` (the directory of its root `Cargo.toml`). Problems reading it are
    /// reported when a function asks for a handler.
    pub fn open(root: &Path) -> Self {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
        let mut digests = Digests::load(&digests_file(&root));
        let (model, source) = load_model(&root, &mut digests);
        Self {
            root,
            model: Mutex::new((Arc::new(model), source)),
            resolved: Mutex::default(),
            sources: Mutex::default(),
            digests: Mutex::new(digests),
        }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The hash of the files the workspace model was read from (the manifests, `Cargo.lock`,
    /// the build configuration): what may change any asset or setting. `None` when the model
    /// could not be read.
    pub fn fingerprint(&self) -> Option<String> {
        match &*self.model().0 {
            Ok(m) => Some(m.key.clone()),
            Err(_) => None,
        }
    }

    /// The SHA-256 of the content of `path` (`None` when there is no such file), remembered
    /// across runs by the file's stamp like the digests of handler sources.
    pub fn digest(&self, path: &Path) -> std::io::Result<Option<[u8; 32]>> {
        match self.digests.lock() {
            Ok(mut digests) => digests.digest(path),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    fn model(&self) -> (Arc<Result<Model, String>>, ModelSource) {
        match self.model.lock() {
            Ok(m) => (m.0.clone(), m.1),
            Err(e) => (Arc::new(Err(e.to_string())), ModelSource::Cargo),
        }
    }

    /// Where the workspace model came from: a warm synth answers from the cache.
    pub fn model_source(&self) -> ModelSource {
        self.model().1
    }

    /// The project settings (`[workspace.metadata.tributary]`).
    pub fn settings(&self) -> Result<Settings, String> {
        match &*self.model().0 {
            Ok(m) => Ok(m.settings.clone()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The cargo profile assets are built with.
    pub fn profile(&self) -> String {
        match &*self.model().0 {
            Ok(m) => m.profile.clone(),
            Err(_) => FALLBACK_PROFILE.to_owned(),
        }
    }

    /// cargo's target directory.
    pub fn target_dir(&self) -> PathBuf {
        match &*self.model().0 {
            Ok(m) => m.target_dir.clone(),
            Err(_) => self.root.join("target"),
        }
    }

    fn resolve_binary(&self, handler: &HandlerRef, arch: Architecture) -> Result<AssetUse, String> {
        let (mut model, source) = self.model();
        // A package the cached model does not know may be a member added since (a glob in
        // `workspace.members` picks it up without a manifest changing): ask cargo once.
        let known = |m: &Result<Model, String>| {
            m.as_ref()
                .is_ok_and(|m| m.packages.get(handler.package()).is_some_and(|p| p.member))
        };
        if source == ModelSource::Cache && !known(&model) {
            let fresh = match self.digests.lock() {
                Ok(mut digests) => read_model(&self.root, &mut digests),
                Err(e) => Err(e.to_string()),
            };
            let fresh = Arc::new(fresh.inspect(|m| store_model(&self.root, m)));
            if let Ok(mut m) = self.model.lock() {
                *m = (fresh.clone(), ModelSource::Cargo);
            }
            model = fresh;
        }
        let model = model.as_ref().as_ref().map_err(Clone::clone)?;
        let members = || {
            model
                .packages
                .iter()
                .filter(|(_, p)| p.member)
                .map(|(n, _)| n.as_str())
        };
        let name = handler.package();
        let package = model
            .packages
            .get(name)
            .filter(|p| p.member)
            .ok_or_else(|| {
                let hint = suggest::hint(name, members(), |all| {
                    let with_bins: Vec<_> = all
                        .into_iter()
                        .filter(|n| model.packages.get(*n).is_some_and(|p| !p.bins.is_empty()))
                        .collect();
                    if with_bins.is_empty() {
                        "; no member has a binary target".to_owned()
                    } else {
                        format!(" (members with binaries: {})", with_bins.join(", "))
                    }
                });
                format!("handler `{handler}`: the cargo workspace has no package `{name}`{hint}")
            })?;
        let binary = match handler.binary() {
            Some(b) if package.bins.iter().any(|x| x == b) => b.to_owned(),
            Some(b) if package.feature_bins.iter().any(|x| x == b) => {
                return Err(format!(
                    "handler `{handler}`: binary `{b}` needs features that are not on by default (`required-features`); a handler is built with the package's default features"
                ));
            }
            Some(b) => {
                let hint = suggest::hint(b, package.bins.iter().map(String::as_str), |all| {
                    format!(" (its binaries: {})", all.join(", "))
                });
                return Err(format!(
                    "handler `{handler}`: package `{name}` has no binary `{b}`{hint}"
                ));
            }
            None if package.bins.iter().any(|x| x == name) => name.to_owned(),
            None => match package.bins.as_slice() {
                [only] => only.clone(),
                [] => {
                    return Err(format!(
                        "handler `{handler}`: package `{name}` has no binary target (a handler is `src/main.rs` or a `[[bin]]`)"
                    ));
                }
                many => {
                    return Err(format!(
                        "handler `{handler}`: package `{name}` has several binaries ({}); name one as `{name}/<binary>`",
                        many.join(", ")
                    ));
                }
            },
        };
        let mut h = Sha256::new();
        h.update(format!("tributary-asset-v{MODEL_VERSION}\0").as_bytes());
        for (dep, package) in path_closure(&model.packages, name) {
            h.update(dep.as_bytes());
            h.update([0]);
            h.update(package.fixed_inputs.as_bytes());
            h.update(self.source_digest(dep, package)?);
        }
        h.update(
            format!(
                "{name}\0{binary}\0{}\0{}",
                arch.target_triple(),
                model.profile
            )
            .as_bytes(),
        );
        Ok(AssetUse {
            hash: hex(&h.finalize()),
            source: AssetSource::Binary {
                package: name.to_owned(),
                binary,
            },
            arch,
        })
    }

    fn source_digest(&self, name: &str, package: &Package) -> Result<[u8; 32], String> {
        let mut cache = self.sources.lock().map_err(|e| e.to_string())?;
        if let Some(found) = cache.get(name) {
            return found.clone();
        }
        let digest = match self.digests.lock() {
            Ok(mut digests) => inputs::source_digest(&self.root, &package.dir, &mut digests)
                .map_err(|e| format!("cannot hash the sources of `{name}`: {e}")),
            Err(e) => Err(e.to_string()),
        };
        cache.insert(name.to_owned(), digest.clone());
        digest
    }

    fn resolve_zip(&self, path: &Path, arch: Architecture) -> Result<AssetUse, String> {
        let path = self.root.join(path);
        let bytes = fs::read(&path)
            .map_err(|e| format!("code `{}`: cannot read the zip: {e}", path.display()))?;
        inputs::check_bootstrap_zip(&bytes)
            .map_err(|e| format!("code `{}`: {e}", path.display()))?;
        Ok(AssetUse {
            hash: hex(&Sha256::digest(&bytes)),
            source: AssetSource::Zip(path),
            arch,
        })
    }
}

impl AssetResolver for Workspace {
    fn resolve(&self, code: &Code, arch: Architecture) -> Result<AssetUse, String> {
        let key = (code.clone(), arch);
        if let Some(found) = self.resolved.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return found;
        }
        let result = match code {
            Code::Handler(h) => self.resolve_binary(h, arch),
            Code::Zip(p) => self.resolve_zip(p, arch),
        };
        if let Ok(mut cache) = self.resolved.lock() {
            cache.insert(key, result.clone());
        }
        result
    }

    fn workspace_root(&self) -> Option<&Path> {
        Some(&self.root)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn default_architecture(&self) -> Architecture {
        self.settings()
            .ok()
            .and_then(|s| s.architecture)
            .unwrap_or_default()
    }
}

/// `name` and every path package it depends on, sorted by name.
fn path_closure<'a>(
    packages: &'a BTreeMap<String, Package>,
    name: &'a str,
) -> Vec<(&'a str, &'a Package)> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name];
    while let Some(n) = todo.pop() {
        if seen.insert(n)
            && let Some(p) = packages.get(n)
        {
            todo.extend(p.path_deps.iter().map(String::as_str));
        }
    }
    seen.into_iter()
        .filter_map(|n| packages.get_key_value(n).map(|(n, p)| (n.as_str(), p)))
        .collect()
}

/// Where file digests are remembered.
fn digests_file(root: &Path) -> PathBuf {
    root.join("target")
        .join("tributary")
        .join(format!("digests-v{}.json", super::digests::DIGESTS_VERSION))
}

/// Where the model is cached.
fn cache_file(root: &Path) -> PathBuf {
    root.join("target")
        .join("tributary")
        .join(format!("workspace-v{MODEL_VERSION}.json"))
}

/// The cached model if every file it was read from is unchanged, else a fresh one from cargo.
fn load_model(root: &Path, digests: &mut Digests) -> (Result<Model, String>, ModelSource) {
    let cached = fs::read(cache_file(root))
        .ok()
        .and_then(|b| serde_json::from_slice::<Model>(&b).ok())
        .filter(|m| m.version == MODEL_VERSION);
    if let Some(model) = cached
        && inputs::key_of(root, &model.key_files, digests).is_ok_and(|k| k == model.key)
    {
        return (Ok(model), ModelSource::Cache);
    }
    let model = read_model(root, digests);
    if let Ok(model) = &model {
        store_model(root, model);
    }
    (model, ModelSource::Cargo)
}

/// Writes the model to the cache (best effort: a failure only costs the next run a cargo call).
fn store_model(root: &Path, model: &Model) {
    if let Ok(bytes) = serde_json::to_vec(model) {
        let file = cache_file(root);
        if let Some(dir) = file.parent()
            && fs::create_dir_all(dir).is_ok()
        {
            let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
            if fs::write(&tmp, bytes).is_ok() {
                let _ = fs::rename(&tmp, &file);
            }
        }
    }
}

/// The parts of `cargo metadata --no-deps` used here.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_members: Vec<String>,
    target_directory: PathBuf,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    version: String,
    manifest_path: PathBuf,
    targets: Vec<MetaTarget>,
    dependencies: Vec<MetaDependency>,
}

#[derive(Deserialize)]
struct MetaTarget {
    name: String,
    kind: Vec<String>,
    #[serde(default, rename = "required-features")]
    required_features: Vec<String>,
}

#[derive(Deserialize)]
struct MetaDependency {
    name: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    path: Option<PathBuf>,
}

/// Reads the workspace with `cargo metadata --no-deps` (offline, a few tens of milliseconds).
fn read_model(root: &Path, digests: &mut Digests) -> Result<Model, String> {
    if !root.join("Cargo.toml").is_file() {
        return Err(format!(
            "there is no cargo workspace at {} (no Cargo.toml): handlers are binaries of one",
            root.display()
        ));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Asset hashes cover the lock file, and builds run `--locked`: make it the way any cargo
    // build would, once.
    if !root.join("Cargo.lock").is_file() {
        let output = Command::new(&cargo)
            .current_dir(root)
            .arg("generate-lockfile")
            .output()
            .map_err(|e| {
                format!(
                    "cannot run `cargo generate-lockfile` in {}: {e}",
                    root.display()
                )
            })?;
        if !output.status.success() {
            return Err(format!(
                "{} has no Cargo.lock and `cargo generate-lockfile` failed: {}",
                root.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
    }
    let output = Command::new(&cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .map_err(|e| format!("cannot run `cargo metadata` in {}: {e}", root.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`cargo metadata` failed in {}: {}",
            root.display(),
            stderr.trim()
        ));
    }
    let meta: Metadata = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read `cargo metadata` output: {e}"))?;
    let settings: Settings = match meta.metadata.as_ref().and_then(|m| m.get("tributary")) {
        None => Settings::default(),
        Some(t) => serde_json::from_value(t.clone()).map_err(|e| {
            format!(
                "{}: [workspace.metadata.tributary]: {}",
                root.join("Cargo.toml").display(),
                crate::spec::with_suggestion(&e.to_string())
            )
        })?,
    };
    let manifest = inputs::read_toml(&root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let profile = settings.profile.clone().unwrap_or_else(|| {
        let defined = manifest
            .get("profile")
            .and_then(|p| p.get(LAMBDA_PROFILE))
            .is_some();
        if defined {
            LAMBDA_PROFILE
        } else {
            FALLBACK_PROFILE
        }
        .to_owned()
    });
    let lock = inputs::read_toml(&root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let lock = inputs::Lock::new(&lock);
    let members: BTreeSet<&str> = meta.workspace_members.iter().map(String::as_str).collect();

    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    let mut key_files = vec![PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")];
    // Hashed present or not: one appearing changes how everything builds.
    key_files.extend(inputs::BUILD_CONFIG_FILES.iter().map(PathBuf::from));
    // Members, then the path packages outside the workspace they reach.
    let mut todo: Vec<PathBuf> = Vec::new();
    // Each member's dev-dependencies: the lock file lists them with the others, and they never
    // reach a binary.
    let mut dev: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &meta.packages {
        dev.insert(p.name.clone(), dev_only(&p.dependencies));
        let member = members.contains(p.id.as_str());
        let dir = p.manifest_path.parent().unwrap_or(root).to_owned();
        let path_deps: Vec<(String, PathBuf)> = p
            .dependencies
            .iter()
            .filter(|d| d.kind.as_deref() != Some("dev"))
            .filter_map(|d| Some((d.name.clone(), d.path.clone()?)))
            .collect();
        todo.extend(path_deps.iter().map(|(_, dir)| dir.clone()));
        let (bins, feature_bins) = binaries(&p.targets);
        let manifest_file = relative(root, &p.manifest_path);
        key_files.push(manifest_file);
        let package = Package {
            dir,
            version: p.version.clone(),
            member,
            bins,
            feature_bins,
            path_deps: path_deps.into_iter().map(|(n, _)| n).collect(),
            fixed_inputs: String::new(),
        };
        packages.insert(p.name.clone(), package);
    }
    // Path dependencies outside the workspace: read their manifests directly.
    while let Some(dir) = todo.pop() {
        let manifest_path = dir.join("Cargo.toml");
        let Ok(toml) = inputs::read_toml(&manifest_path) else {
            continue;
        };
        let Some(name) = toml
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        else {
            continue;
        };
        if packages.contains_key(name) {
            continue;
        }
        let version = toml
            .get("package")
            .and_then(|p| p.get("version"))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned();
        let deps = inputs::path_dependencies(&toml, &dir);
        todo.extend(deps.iter().map(|(_, d)| d.clone()));
        key_files.push(relative(root, &manifest_path));
        packages.insert(
            name.to_owned(),
            Package {
                dir,
                version,
                member: false,
                bins: Vec::new(),
                feature_bins: Vec::new(),
                path_deps: deps.into_iter().map(|(n, _)| n).collect(),
                fixed_inputs: String::new(),
            },
        );
    }
    let mut shared = inputs::workspace_inputs(&manifest);
    let config: Vec<PathBuf> = inputs::BUILD_CONFIG_FILES
        .iter()
        .map(PathBuf::from)
        .collect();
    shared.extend(
        inputs::key_of(root, &config, digests)
            .map_err(|e| e.to_string())?
            .as_bytes(),
    );
    let no_dev = BTreeSet::new();
    let mut fixed = BTreeMap::new();
    for name in packages.keys() {
        let mut h = Sha256::new();
        h.update(&shared);
        for (dep, package) in path_closure(&packages, name) {
            let skip = dev.get(dep).unwrap_or(&no_dev);
            for entry in lock.closure(dep, &package.version, skip) {
                h.update(entry.as_bytes());
                h.update([0]);
            }
            let own = inputs::read_toml(&package.dir.join("Cargo.toml")).unwrap_or_default();
            for line in inputs::inherited_entries(&own, &manifest) {
                h.update(line.as_bytes());
                h.update([0]);
            }
        }
        fixed.insert(name.clone(), hex(&h.finalize()));
    }
    for (name, digest) in fixed {
        if let Some(p) = packages.get_mut(&name) {
            p.fixed_inputs = digest;
        }
    }
    key_files.sort();
    key_files.dedup();
    let key = inputs::key_of(root, &key_files, digests).map_err(|e| e.to_string())?;
    Ok(Model {
        version: MODEL_VERSION,
        key,
        key_files,
        target_dir: meta.target_directory,
        settings,
        profile,
        packages,
    })
}

/// The names a package depends on only as dev-dependencies.
fn dev_only(deps: &[MetaDependency]) -> BTreeSet<String> {
    let built: BTreeSet<&str> = deps
        .iter()
        .filter(|d| d.kind.as_deref() != Some("dev"))
        .map(|d| d.name.as_str())
        .collect();
    deps.iter()
        .filter(|d| d.kind.as_deref() == Some("dev") && !built.contains(d.name.as_str()))
        .map(|d| d.name.clone())
        .collect()
}

/// A package's binary targets: those that build with default features, and those that need
/// features.
fn binaries(targets: &[MetaTarget]) -> (Vec<String>, Vec<String>) {
    let (mut plain, mut featured) = (Vec::new(), Vec::new());
    for t in targets.iter().filter(|t| t.kind.iter().any(|k| k == "bin")) {
        if t.required_features.is_empty() {
            plain.push(t.name.clone());
        } else {
            featured.push(t.name.clone());
        }
    }
    plain.sort();
    featured.sort();
    (plain, featured)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}

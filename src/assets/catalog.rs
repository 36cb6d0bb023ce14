//! The handler crates of a project (`handlers/<name>`, package and binary named `<name>`) and the
//! hashes of their build inputs.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The cargo profile assets are built with (defined in the workspace's root `Cargo.toml`).
pub const LAMBDA_PROFILE: &str = "lambda";

/// Where handler crates live, relative to the project root.
pub const HANDLERS_DIR: &str = "handlers";

/// The instruction set a function runs on.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// `x86_64`: the default, built natively on x86_64 build machines.
    #[default]
    X86_64,
    /// `arm64` (Graviton): cheaper per GB-second; needs the `aarch64-unknown-linux-gnu` Rust
    /// target and a cross linker on the build machine.
    Arm64,
}

impl Architecture {
    /// The name Lambda uses in `Architectures`.
    pub fn lambda_name(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }

    /// The Rust target triple assets are built for.
    pub fn target_triple(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64-unknown-linux-gnu",
            Architecture::Arm64 => "aarch64-unknown-linux-gnu",
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.lambda_name())
    }
}

/// One handler binary for one architecture, identified by the hash of its build inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetUse {
    /// Hex SHA-256 of the build inputs, handler name, target and profile.
    pub hash: String,
    /// The handler crate (package and binary name).
    pub handler: String,
    pub arch: Architecture,
}

impl AssetUse {
    /// The zip's file name in the cloud assembly and its S3 object key.
    pub fn file_name(&self) -> String {
        format!("{}.zip", self.hash)
    }
}

/// Why a handler could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetError {
    #[error("handler crate `{name}` not found under {dir}/{hint}")]
    UnknownHandler {
        name: String,
        dir: String,
        hint: String,
    },
    #[error("cannot read the handler crates: {0}")]
    Io(String),
}

/// The handler crates of one project and the hash of everything their binaries are built from.
#[derive(Debug, Clone)]
pub struct Catalog {
    root: PathBuf,
    handlers: BTreeMap<String, PathBuf>,
    inputs: Result<[u8; 32], String>,
}

impl Catalog {
    /// Finds the handler crates under `root/handlers` and hashes their build inputs.
    pub fn discover(root: &Path) -> Self {
        let dir = root.join(HANDLERS_DIR);
        let mut handlers = BTreeMap::new();
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.join("Cargo.toml").is_file()
                    && path.join("src/main.rs").is_file()
                    && let Some(name) = path.file_name().and_then(|n| n.to_str())
                {
                    handlers.insert(name.to_owned(), path.clone());
                }
            }
        }
        let inputs = hash_inputs(root).map_err(|e| e.to_string());
        Self {
            root: root.to_owned(),
            handlers,
            inputs,
        }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The names of every handler crate (all are built together; see [`super::build_assets`]).
    pub fn handler_names(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }

    /// The asset of a handler crate for an architecture.
    pub fn handler(&self, name: &str, arch: Architecture) -> Result<AssetUse, AssetError> {
        if !self.handlers.contains_key(name) {
            let names = self.handlers.keys().map(String::as_str);
            let hint = crate::core::suggest::hint(name, names, |all| {
                if all.is_empty() {
                    "; there are no handler crates there".to_owned()
                } else {
                    format!("; the handler crates are: {}", all.join(", "))
                }
            });
            return Err(AssetError::UnknownHandler {
                name: name.to_owned(),
                dir: HANDLERS_DIR.to_owned(),
                hint,
            });
        }
        let inputs = self
            .inputs
            .as_ref()
            .map_err(|e| AssetError::Io(e.clone()))?;
        let mut h = Sha256::new();
        h.update(inputs);
        h.update(name.as_bytes());
        h.update([0]);
        h.update(arch.target_triple().as_bytes());
        h.update([0]);
        h.update(LAMBDA_PROFILE.as_bytes());
        Ok(AssetUse {
            hash: hex_digest(&h.finalize()),
            handler: name.to_owned(),
            arch,
        })
    }
}

/// Hashes what every handler binary is built from (they are built together, and feature
/// unification makes each binary depend on the whole set): every file of every handler crate
/// except its benches, tests and examples (cargo compiles those only for other targets), the
/// `Cargo.lock` entries of the packages they depend on (transitively), the root manifest's
/// `[workspace.dependencies]` entries the handler manifests inherit and its `lambda` and
/// `release` profiles. Changes to the synthesizer's own dependencies therefore leave asset
/// hashes alone.
fn hash_inputs(root: &Path) -> std::io::Result<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"tributary-asset-inputs-v4\0");
    let mut files = Vec::new();
    let dir = root.join(HANDLERS_DIR);
    if dir.is_dir() {
        collect_files(&dir, &mut files)?;
    }
    files.sort();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        hash_file(&mut h, &rel, path)?;
    }
    let members: Vec<String> = files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml"))
        .filter_map(|p| p.parent()?.file_name()?.to_str().map(str::to_owned))
        .collect();
    let lock = read_toml(&root.join("Cargo.lock"))?;
    let closure = lock_closure(&lock, &members);
    for entry in &closure {
        h.update(entry.as_bytes());
        h.update([0]);
    }
    let manifest = read_toml(&root.join("Cargo.toml"))?;
    let mut names = std::collections::BTreeSet::new();
    for path in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml"))
    {
        names.extend(inherited_dependencies(&read_toml(path)?));
    }
    let section = |path: &[&str]| {
        path.iter()
            .try_fold(&manifest, |t, k| t.get(*k).and_then(toml::Value::as_table))
            .cloned()
    };
    if let Some(deps) = section(&["workspace", "dependencies"]) {
        for (name, spec) in deps.iter().filter(|(n, _)| names.contains(n.as_str())) {
            h.update(
                format!(
                    "dep {name} = {}\0",
                    serde_json::to_string(spec).unwrap_or_default()
                )
                .as_bytes(),
            );
        }
    }
    for profile in ["release", LAMBDA_PROFILE] {
        if let Some(p) = section(&["profile", profile]) {
            h.update(
                format!(
                    "profile {profile} = {}\0",
                    serde_json::to_string(&p).unwrap_or_default()
                )
                .as_bytes(),
            );
        }
    }
    Ok(h.finalize().into())
}

/// The dependencies a crate manifest takes from `[workspace.dependencies]` (`x.workspace = true`),
/// in every dependency table, target-specific ones included.
fn inherited_dependencies(manifest: &toml::Table) -> Vec<String> {
    const TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let targets = manifest
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.values().filter_map(toml::Value::as_table));
    std::iter::once(manifest)
        .chain(targets)
        .flat_map(|t| TABLES.iter().filter_map(|k| t.get(*k)?.as_table()))
        .flat_map(|deps| deps.iter())
        .filter(|(_, spec)| {
            spec.get("workspace")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false)
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn read_toml(path: &Path) -> std::io::Result<toml::Table> {
    match fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(e),
    }
}

/// The lock entries (`name version source checksum`, sorted) of `roots` and everything they
/// depend on.
fn lock_closure(lock: &toml::Table, roots: &[String]) -> Vec<String> {
    let packages: Vec<&toml::Table> = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
        .unwrap_or_default();
    let field = |p: &toml::Table, k: &str| {
        p.get(k)
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let mut by_name: BTreeMap<String, Vec<&toml::Table>> = BTreeMap::new();
    for p in &packages {
        by_name.entry(field(p, "name")).or_default().push(p);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut todo: Vec<(String, Option<String>)> = roots.iter().map(|r| (r.clone(), None)).collect();
    while let Some((name, version)) = todo.pop() {
        for p in by_name.get(&name).into_iter().flatten() {
            if version.as_ref().is_some_and(|v| *v != field(p, "version")) {
                continue;
            }
            let entry = format!(
                "{name} {} {} {}",
                field(p, "version"),
                field(p, "source"),
                field(p, "checksum")
            );
            if !seen.insert(entry) {
                continue;
            }
            for dep in p
                .get("dependencies")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                let mut parts = dep.as_str().unwrap_or("").split(' ');
                let dep_name = parts.next().unwrap_or("").to_owned();
                todo.push((dep_name, parts.next().map(str::to_owned)));
            }
        }
    }
    seen.into_iter().collect()
}

fn hash_file(h: &mut Sha256, rel: &str, path: &Path) -> std::io::Result<()> {
    let bytes = fs::read(path)?;
    h.update(rel.as_bytes());
    h.update([0]);
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(&bytes);
    Ok(())
}

/// Directories of a crate that cargo compiles only for targets other than its binaries.
const NOT_IN_BINARIES: [&str; 3] = ["benches", "examples", "tests"];

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let crate_root = dir.join("Cargo.toml").is_file();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let ty = entry.file_type()?;
        if ty.is_dir() && crate_root && NOT_IN_BINARIES.contains(&name.as_ref()) {
            continue;
        }
        if ty.is_dir() {
            collect_files(&entry.path(), out)?;
        } else if ty.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

pub fn hex_digest(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A project with one handler that inherits `serde` from the workspace.
    fn project(root_deps: &str, lock_extra: &str, main_rs: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("handlers/h/src")).unwrap();
        fs::write(
            root.join("handlers/h/Cargo.toml"),
            "[package]\nname = \"h\"\n[dependencies]\nserde.workspace = true\n",
        )
        .unwrap();
        fs::write(root.join("handlers/h/src/main.rs"), main_rs).unwrap();
        fs::write(
            root.join("Cargo.toml"),
            format!("[workspace.dependencies]\n{root_deps}\n[profile.lambda]\nstrip = true\n"),
        )
        .unwrap();
        fs::write(
            root.join("Cargo.lock"),
            format!(
                "version = 4\n\n[[package]]\nname = \"h\"\nversion = \"0.1.0\"\ndependencies = [\"serde\"]\n\n\
                 [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry\"\nchecksum = \"aa\"\ndependencies = [\"itoa\"]\n\n\
                 [[package]]\nname = \"itoa\"\nversion = \"1.0.0\"\nsource = \"registry\"\nchecksum = \"cc\"\n{lock_extra}"
            ),
        )
        .unwrap();
        dir
    }

    fn inputs(dir: &tempfile::TempDir) -> [u8; 32] {
        hash_inputs(dir.path()).unwrap()
    }

    #[test]
    fn the_synthesizers_own_dependencies_leave_asset_hashes_alone() {
        let base = inputs(&project("serde = \"1\"", "", "fn main() {}"));
        // `itoa` is in the handler's lock closure (through serde), but the handler does not
        // inherit it: the synthesizer does.
        let synth_only = project(
            "serde = \"1\"\nclap = \"4\"\nitoa = \"1\"",
            "\n[[package]]\nname = \"clap\"\nversion = \"4.0.0\"\nsource = \"registry\"\nchecksum = \"bb\"\n",
            "fn main() {}",
        );
        assert_eq!(inputs(&synth_only), base);
    }

    #[test]
    fn handler_sources_and_inherited_dependencies_change_asset_hashes() {
        let base = inputs(&project("serde = \"1\"", "", "fn main() {}"));
        assert_ne!(
            inputs(&project("serde = \"1\"", "", "fn main() { println!() }")),
            base
        );
        assert_ne!(
            inputs(&project(
                "serde = { version = \"1\", features = [\"derive\"] }",
                "",
                "fn main() {}"
            )),
            base
        );
    }

    #[test]
    fn benches_tests_and_examples_leave_asset_hashes_alone() {
        let dir = project("serde = \"1\"", "", "fn main() {}");
        let base = inputs(&dir);
        for file in ["benches/b.rs", "tests/t.rs", "examples/e.rs"] {
            let path = dir.path().join("handlers/h").join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "fn main() {}").unwrap();
            assert_eq!(inputs(&dir), base, "{file} moved the hash");
        }
        // A module directory of that name under src/ is part of the binary.
        fs::create_dir_all(dir.path().join("handlers/h/src/tests")).unwrap();
        fs::write(dir.path().join("handlers/h/src/tests/mod.rs"), "").unwrap();
        assert_ne!(inputs(&dir), base);
    }

    #[test]
    fn inherited_dependencies_include_target_tables() {
        let manifest: toml::Table = toml::from_str(
            "[dependencies]\na.workspace = true\nb = \"1\"\n[dev-dependencies]\nc = { workspace = true }\n\
             [target.'cfg(unix)'.dependencies]\nd.workspace = true\n",
        )
        .unwrap();
        let mut names = inherited_dependencies(&manifest);
        names.sort();
        assert_eq!(names, ["a", "c", "d"]);
    }
}

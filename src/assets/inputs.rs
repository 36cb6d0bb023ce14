//! What a handler binary is built from, hashed: its package's and its path dependencies' source
//! files, their `Cargo.lock` closure, the workspace entries their manifests inherit, the profiles,
//! patches and build configuration of the workspace. Nothing that cargo never compiles into the
//! binary (benches, tests, examples, other members) moves the hash.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::digests::{Digests, Listing};

/// Workspace files that change how every binary is built, hashed when present.
pub const BUILD_CONFIG_FILES: [&str; 4] = [
    ".cargo/config.toml",
    ".cargo/config",
    "rust-toolchain.toml",
    "rust-toolchain",
];

/// Directories of a crate that cargo compiles only for targets other than its binaries.
const NOT_IN_BINARIES: [&str; 3] = ["benches", "examples", "tests"];

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A TOML file as a table; a missing file is an empty table.
pub fn read_toml(path: &Path) -> std::io::Result<toml::Table> {
    match fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(e),
    }
}

/// The hash of `files` (relative to `root`, or absolute), a missing one counting as missing.
pub fn key_of(root: &Path, files: &[PathBuf], digests: &mut Digests) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for file in files {
        h.update(file.to_string_lossy().as_bytes());
        h.update([0]);
        match digests.digest(&root.join(file))? {
            Some(digest) => h.update(digest),
            None => h.update(b"missing"),
        }
    }
    Ok(hex(&h.finalize()))
}

/// The parts of the root manifest that change every binary: the inherited package fields, the
/// profiles, patches and replacements.
pub fn workspace_inputs(manifest: &toml::Table) -> Vec<u8> {
    let mut out = Vec::new();
    let parts = [
        manifest.get("workspace").and_then(|w| w.get("package")),
        manifest.get("profile"),
        manifest.get("patch"),
        manifest.get("replace"),
    ];
    for (i, part) in parts.iter().enumerate() {
        out.extend(format!("{i}=").as_bytes());
        if let Some(part) = part {
            out.extend(serde_json::to_vec(part).unwrap_or_default());
        }
        out.push(0);
    }
    out
}

/// The dependency tables that reach a binary (not `dev-dependencies`), target-specific ones
/// included.
fn build_dependency_tables(manifest: &toml::Table) -> Vec<&toml::Table> {
    const TABLES: [&str; 2] = ["dependencies", "build-dependencies"];
    let targets = manifest
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.values().filter_map(toml::Value::as_table));
    std::iter::once(manifest)
        .chain(targets)
        .flat_map(|t| TABLES.iter().filter_map(|k| t.get(*k)?.as_table()))
        .collect()
}

/// `[workspace.dependencies]` entries of `root` that `manifest` inherits (`x.workspace = true`)
/// in the tables that reach a binary, as `dep <name> = <json>` lines.
pub fn inherited_entries(manifest: &toml::Table, root: &toml::Table) -> Vec<String> {
    let shared = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table);
    let mut names = BTreeSet::new();
    for deps in build_dependency_tables(manifest) {
        for (name, spec) in deps {
            if spec.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                names.insert(name.as_str());
            }
        }
    }
    names
        .into_iter()
        .filter_map(|n| {
            let spec = shared?.get(n)?;
            Some(format!(
                "dep {n} = {}",
                serde_json::to_string(spec).unwrap_or_default()
            ))
        })
        .collect()
}

/// The path dependencies of a manifest at `dir` (not dev ones): package name and directory.
pub fn path_dependencies(manifest: &toml::Table, dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for deps in build_dependency_tables(manifest) {
        for (key, spec) in deps {
            if let Some(path) = spec.get("path").and_then(toml::Value::as_str) {
                let name = spec
                    .get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(key);
                out.push((name.to_owned(), dir.join(path)));
            }
        }
    }
    out
}

/// `Cargo.lock`, indexed by package name.
#[derive(Debug)]
pub struct Lock<'a> {
    by_name: BTreeMap<&'a str, Vec<&'a toml::Table>>,
}

impl<'a> Lock<'a> {
    pub fn new(lock: &'a toml::Table) -> Self {
        let mut by_name: BTreeMap<&str, Vec<&toml::Table>> = BTreeMap::new();
        for p in lock
            .get("package")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_table)
        {
            if let Some(name) = p.get("name").and_then(toml::Value::as_str) {
                by_name.entry(name).or_default().push(p);
            }
        }
        Self { by_name }
    }

    /// The entries (`name version source checksum`, sorted) of package `name` at `version` and
    /// everything it depends on, leaving out its own direct dependencies named in `skip` (its
    /// dev-dependencies: the lock file lists them with the others for workspace members).
    pub fn closure(&self, name: &str, version: &str, skip: &BTreeSet<String>) -> Vec<String> {
        let field = |p: &toml::Table, k: &str| {
            p.get(k)
                .and_then(toml::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let mut seen = BTreeSet::new();
        let mut todo: Vec<(String, Option<String>, bool)> =
            vec![(name.to_owned(), Some(version.to_owned()), true)];
        while let Some((name, version, root)) = todo.pop() {
            for p in self.by_name.get(name.as_str()).into_iter().flatten() {
                if version
                    .as_ref()
                    .is_some_and(|v| !v.is_empty() && *v != field(p, "version"))
                {
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
                    if root && skip.contains(&dep_name) {
                        continue;
                    }
                    todo.push((dep_name, parts.next().map(str::to_owned), false));
                }
            }
        }
        seen.into_iter().collect()
    }
}

/// The hash of a package's source files: every file under `dir` but its `target/`, hidden
/// entries, its benches, tests and examples, and nested packages; each by its path relative to
/// `root` and its content.
pub fn source_digest(root: &Path, dir: &Path, digests: &mut Digests) -> std::io::Result<[u8; 32]> {
    let mut files = Vec::new();
    let listing = digests.listing(dir)?;
    collect_files(dir, &listing, true, &mut files, digests)?;
    files.sort();
    let mut h = Sha256::new();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        h.update(rel.as_bytes());
        h.update([0]);
        match digests.digest(path)? {
            Some(digest) => h.update(digest),
            // Gone between listing and reading: counts as missing, like a key file.
            None => h.update(b"missing"),
        }
    }
    Ok(h.finalize().into())
}

fn collect_files(
    dir: &Path,
    listing: &Listing,
    crate_root: bool,
    out: &mut Vec<PathBuf>,
    digests: &mut Digests,
) -> std::io::Result<()> {
    let skipped = |name: &str| name.starts_with('.') || (crate_root && name == "target");
    for name in listing.files.iter().filter(|n| !skipped(n)) {
        out.push(dir.join(name));
    }
    for name in listing.dirs.iter().filter(|n| !skipped(n)) {
        if crate_root && NOT_IN_BINARIES.contains(&name.as_str()) {
            continue;
        }
        let path = dir.join(name);
        let sub = digests.listing(&path)?;
        if !sub.manifest {
            collect_files(&path, &sub, false, out, digests)?;
        }
    }
    Ok(())
}

/// Largest deployment package Lambda takes, unzipped (the account limit `CodeSizeUnzipped`,
/// 262,144,000 bytes by default): the sum of a zip's entries is checked against it.
pub const MAX_ZIP_BYTES: usize = 262_144_000;

/// Refuses what Lambda would refuse at deploy or first start: a file that is not a zip, one that
/// holds more than [`MAX_ZIP_BYTES`] unzipped, one without a top-level `bootstrap` (a custom runtime starts it).
pub fn check_bootstrap_zip(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip file: {e}"))?;
    let mut unzipped: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| format!("not a zip file: {e}"))?;
        unzipped = unzipped.saturating_add(entry.size());
    }
    if unzipped > MAX_ZIP_BYTES as u64 {
        return Err(format!(
            "the zip holds {unzipped} bytes unzipped; Lambda takes at most {MAX_ZIP_BYTES}"
        ));
    }
    let entry = archive.by_name("bootstrap").map_err(|_| {
        "the zip has no top-level `bootstrap`, the executable provided.al2023 starts".to_owned()
    })?;
    if entry.is_dir() {
        return Err("`bootstrap` in the zip is a directory, not an executable".to_owned());
    }
    if entry.unix_mode().is_some_and(|m| m & 0o111 == 0) {
        return Err("`bootstrap` in the zip is not executable (give it mode 0755)".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_lock_closure_follows_dependencies_and_skips_dev_ones() {
        let lock: toml::Table = toml::from_str(
            "[[package]]\nname = \"h\"\nversion = \"0.1.0\"\ndependencies = [\"serde\", \"criterion\"]\n\n\
             [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry\"\nchecksum = \"aa\"\ndependencies = [\"itoa\"]\n\n\
             [[package]]\nname = \"itoa\"\nversion = \"1.0.0\"\nsource = \"registry\"\nchecksum = \"cc\"\n\n\
             [[package]]\nname = \"criterion\"\nversion = \"0.8.0\"\nsource = \"registry\"\nchecksum = \"dd\"\n",
        )
        .unwrap();
        let lock = Lock::new(&lock);
        let all = lock.closure("h", "0.1.0", &BTreeSet::new());
        assert_eq!(all.len(), 4);
        let skip = BTreeSet::from(["criterion".to_owned()]);
        let names: Vec<_> = lock
            .closure("h", "0.1.0", &skip)
            .iter()
            .map(|e| e.split(' ').next().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["h", "itoa", "serde"]);
    }

    #[test]
    fn inherited_entries_cover_target_tables_but_not_dev_dependencies() {
        let manifest: toml::Table = toml::from_str(
            "[dependencies]\na.workspace = true\nb = \"1\"\n[dev-dependencies]\nc = { workspace = true }\n\
             [target.'cfg(unix)'.dependencies]\nd.workspace = true\n",
        )
        .unwrap();
        let root: toml::Table = toml::from_str(
            "[workspace.dependencies]\na = \"1\"\nc = \"2\"\nd = { version = \"3\", features = [\"x\"] }\n",
        )
        .unwrap();
        assert_eq!(
            inherited_entries(&manifest, &root),
            [
                "dep a = \"1\"",
                "dep d = {\"features\":[\"x\"],\"version\":\"3\"}"
            ]
        );
    }

    #[test]
    fn benches_tests_examples_and_nested_packages_leave_the_source_digest_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("h/src")).unwrap();
        fs::write(root.join("h/Cargo.toml"), "[package]\nname = \"h\"\n").unwrap();
        fs::write(root.join("h/src/main.rs"), "fn main() {}").unwrap();
        let digest = || source_digest(root, &root.join("h"), &mut Digests::default()).unwrap();
        let base = digest();
        for file in [
            "benches/b.rs",
            "tests/t.rs",
            "examples/e.rs",
            "inner/Cargo.toml",
            "target/x",
        ] {
            let path = root.join("h").join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "x").unwrap();
            assert_eq!(digest(), base, "{file}");
        }
        // A module directory of that name under src/ is part of the binary.
        fs::create_dir_all(root.join("h/src/tests")).unwrap();
        fs::write(root.join("h/src/tests/mod.rs"), "").unwrap();
        assert_ne!(digest(), base);
    }

    #[test]
    fn a_zip_without_an_executable_bootstrap_is_refused() {
        let good = crate::assets::write_bootstrap_zip(b"\x7fELF", std::io::Cursor::new(Vec::new()))
            .unwrap()
            .into_inner();
        check_bootstrap_zip(&good).unwrap();
        assert!(
            check_bootstrap_zip(b"not a zip")
                .unwrap_err()
                .starts_with("not a zip")
        );
        let mut other = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        other
            .start_file("handler", zip::write::SimpleFileOptions::default())
            .unwrap();
        let other = other.finish().unwrap().into_inner();
        assert!(
            check_bootstrap_zip(&other)
                .unwrap_err()
                .contains("no top-level `bootstrap`")
        );
    }
}

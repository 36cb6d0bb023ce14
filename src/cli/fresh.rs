//! A warm synth whose inputs did not change since the last synth into the same directory only
//! says so, the way cargo answers "Fresh" for a crate it need not compile.
//!
//! What a synth of a spec reads is all in its key: the tool (its version and the stamp of its
//! executable), the arguments, the workspace model's fingerprint (manifests, lock file, build
//! configuration), the content of the spec and of every event contract it read, and the hash of
//! every asset it used (re-resolved: a handler's sources are statted, as they are for any synth).
//! Given the same key the synth writes the same bytes, so when the output directory still holds
//! exactly what the last synth left there (every file's stamp, and the directory's), there is
//! nothing to do: the report of that synth is printed again.
//!
//! Everything is content-hashed but the output check. Its stamps are only taken when the files
//! are older than the file system's timestamp tick ([`settled`]), so a later change to an output
//! always moves its stamp.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assets::{Stamp, Workspace, hex};
use crate::core::{Architecture, AssetResolver, AssetSource, AssetUse, Code};

/// Bumped when the record or the key changes.
const VERSION: u32 = 1;

/// What the last synth into one output directory read and wrote.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    version: u32,
    key: String,
    /// The event contract files the spec read.
    contracts: Vec<PathBuf>,
    /// Every asset the app used.
    assets: Vec<Asset>,
    /// The output directory's stamp, and each of its files' (sorted by name).
    dir: Stamp,
    files: Vec<(String, Stamp)>,
    /// The cached asset zips the output's are links of: deleting the cache means a rebuild.
    cached: Vec<(PathBuf, Stamp)>,
    /// What the synth printed but its timing.
    report: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Asset {
    /// `package/binary` for a binary of the workspace, else the path of a prebuilt zip.
    handler: Option<String>,
    zip: Option<PathBuf>,
    arch: Architecture,
    hash: String,
}

impl Asset {
    fn of(asset: &AssetUse) -> Self {
        let (handler, zip) = match &asset.source {
            AssetSource::Binary { package, binary } => (Some(format!("{package}/{binary}")), None),
            AssetSource::Zip(path) => (None, Some(path.clone())),
        };
        Self {
            handler,
            zip,
            arch: asset.arch,
            hash: asset.hash.clone(),
        }
    }

    /// Its hash as the workspace resolves it now.
    fn resolve(&self, workspace: &Workspace) -> Option<String> {
        let code = match (&self.handler, &self.zip) {
            (Some(h), None) => Code::Handler(h.parse().ok()?),
            (None, Some(z)) => Code::Zip(z.clone()),
            _ => return None,
        };
        workspace.resolve(&code, self.arch).ok().map(|a| a.hash)
    }
}

/// The inputs of one synth that do not come from the spec's content: the tool, the arguments,
/// the spec file and the workspace.
pub(crate) struct Fresh {
    out: PathBuf,
    /// The key's hash over the tool, the arguments, the workspace and the spec.
    base: Sha256,
    record_file: PathBuf,
}

impl Fresh {
    /// `None` when a part of the key cannot be read (then every synth is a full one).
    pub(crate) fn new(
        workspace: &Workspace,
        spec: &Path,
        out: &Path,
        arguments: &str,
    ) -> Option<Self> {
        let spec = fs::canonicalize(spec).ok()?;
        let out = absolute(out)?;
        let exe = fs::metadata(std::env::current_exe().ok()?).ok()?;
        let mut base = Sha256::new();
        let mut part = |bytes: &[u8]| {
            base.update((bytes.len() as u64).to_le_bytes());
            base.update(bytes);
        };
        part(format!("tributary-fresh-v{VERSION}").as_bytes());
        part(env!("CARGO_PKG_VERSION").as_bytes());
        part(&serde_json::to_vec(&Stamp::of(&exe)).ok()?);
        part(arguments.as_bytes());
        part(out.to_string_lossy().as_bytes());
        part(workspace.root().to_string_lossy().as_bytes());
        part(workspace.fingerprint()?.as_bytes());
        part(spec.to_string_lossy().as_bytes());
        part(&workspace.digest(&spec).ok()??);
        let record_file = workspace
            .root()
            .join("target")
            .join("tributary")
            .join("fresh")
            .join(format!(
                "{}.json",
                &hex(&Sha256::digest(out.to_string_lossy().as_bytes()))[..16]
            ));
        Some(Self {
            out,
            base,
            record_file,
        })
    }

    /// The key of a synth that read these contracts and used these assets.
    fn key(
        &self,
        workspace: &Workspace,
        contracts: &[PathBuf],
        assets: &[Asset],
    ) -> Option<String> {
        let mut h = self.base.clone();
        for file in contracts {
            h.update(file.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(workspace.digest(file).ok()??);
        }
        for asset in assets {
            h.update(serde_json::to_vec(asset).ok()?);
            h.update([0]);
        }
        Some(hex(&h.finalize()))
    }

    /// The report of the last synth into this directory, when its inputs and its output are
    /// unchanged.
    pub(crate) fn current(&self, workspace: &Workspace) -> Option<String> {
        let record: Record = serde_json::from_slice(&fs::read(&self.record_file).ok()?).ok()?;
        if record.version != VERSION {
            return None;
        }
        // The assets as the workspace resolves them now (a changed source moves a hash).
        let mut assets = Vec::with_capacity(record.assets.len());
        for asset in &record.assets {
            assets.push(Asset {
                hash: asset.resolve(workspace)?,
                ..asset.clone()
            });
        }
        if self.key(workspace, &record.contracts, &assets)? != record.key {
            return None;
        }
        let (dir, files) = outputs(&self.out, &record.files)?;
        let cached = record
            .cached
            .iter()
            .all(|(path, stamp)| fs::metadata(path).is_ok_and(|m| Stamp::of(&m) == *stamp));
        (dir == record.dir && files == record.files && cached).then_some(record.report)
    }

    /// Remembers a synth that read `contracts`, used `assets`, printed `report` and left the
    /// output directory as it is now (best effort: a failure only costs the next run a synth).
    pub(crate) fn remember(
        &self,
        workspace: &Workspace,
        contracts: &[PathBuf],
        assets: &[AssetUse],
        zips: &[PathBuf],
        report: &str,
    ) {
        let mut assets: Vec<Asset> = assets.iter().map(Asset::of).collect();
        assets.sort();
        assets.dedup();
        let mut contracts = contracts.to_vec();
        contracts.sort();
        contracts.dedup();
        let Some(key) = self.key(workspace, &contracts, &assets) else {
            return;
        };
        let Some((dir, files)) = listed_outputs(&self.out) else {
            return;
        };
        let mut cached = Vec::with_capacity(zips.len());
        for zip in zips {
            let Ok(meta) = fs::metadata(zip) else {
                return;
            };
            cached.push((zip.clone(), Stamp::of(&meta)));
        }
        cached.sort_by(|a, b| a.0.cmp(&b.0));
        cached.dedup_by(|a, b| a.0 == b.0);
        let now = SystemTime::now();
        if !settled(&dir, now)
            || files.iter().any(|(_, s)| !settled(s, now))
            || cached.iter().any(|(_, s)| !settled(s, now))
        {
            // Just written: its stamps could still hide a change made in the same tick.
            let _ = fs::remove_file(&self.record_file);
            return;
        }
        let record = Record {
            version: VERSION,
            key,
            contracts,
            assets,
            dir,
            files,
            cached,
            report: report.to_owned(),
        };
        if let (Some(parent), Ok(bytes)) = (self.record_file.parent(), serde_json::to_vec(&record))
            && fs::create_dir_all(parent).is_ok()
        {
            let tmp = self
                .record_file
                .with_extension(format!("{}.tmp", std::process::id()));
            if fs::write(&tmp, bytes).is_ok() && fs::rename(&tmp, &self.record_file).is_err() {
                let _ = fs::remove_file(&tmp);
            }
        }
    }
}

/// `path` made absolute against the current directory (it need not exist).
fn absolute(path: &Path) -> Option<PathBuf> {
    std::path::absolute(path).ok()
}

/// The stamps of the output directory and of the files `expected` names.
fn outputs(out: &Path, expected: &[(String, Stamp)]) -> Option<(Stamp, Vec<(String, Stamp)>)> {
    let dir = Stamp::of(&fs::metadata(out).ok()?);
    let mut files = Vec::with_capacity(expected.len());
    for (name, _) in expected {
        files.push((
            name.clone(),
            Stamp::of(&fs::symlink_metadata(out.join(name)).ok()?),
        ));
    }
    Some((dir, files))
}

/// The stamps of the output directory and of every file in it.
fn listed_outputs(out: &Path) -> Option<(Stamp, Vec<(String, Stamp)>)> {
    let dir = Stamp::of(&fs::metadata(out).ok()?);
    let mut files = Vec::new();
    for entry in fs::read_dir(out).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name().into_string().ok()?;
        files.push((name, Stamp::of(&entry.metadata().ok()?)));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Some((dir, files))
}

/// Whether a change made after this stamp was taken is sure to move it: the file last changed
/// more than one timestamp tick ago. File systems with nanosecond timestamps tick at the
/// kernel's coarse clock (a few milliseconds); one whose stamps carry no fraction of a second
/// is taken to tick once a second or two (FAT: two).
fn settled(stamp: &Stamp, now: SystemTime) -> bool {
    let fine = stamp.subsecond_nanos() != 0;
    let tick = if fine {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    };
    now.duration_since(UNIX_EPOCH)
        .is_ok_and(|now| now.as_nanos() > stamp.latest_ns() + tick.as_nanos())
}

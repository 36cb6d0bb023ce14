//! Content digests of files, remembered across runs by each file's stamp (size, modification and
//! change times, inode), so a warm synth stats the inputs of its assets instead of reading and
//! hashing them. A digest is always of the content: the stamp only says when it must be taken
//! again.
//!
//! A file changed twice within one tick of the file system's clock keeps its stamp: like git's
//! "racily clean" entries, a digest is not remembered while its file changed in the last
//! [`RACY_SECONDS`], so it is read again on the next run.
//!
//! Directory listings are remembered the same way, by the directory's own stamp (adding, removing
//! or renaming an entry changes it), so a warm synth stats each source directory once instead of
//! opening and reading it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How recently a file may have changed for its digest still to be taken again next run.
pub const RACY_SECONDS: u64 = 2;

/// Bumped whenever what the digests file holds changes (it names the file).
pub const DIGESTS_VERSION: u32 = 2;

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified_ns: u128,
    changed_ns: u128,
    inode: u64,
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Self {
        let ns = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos())
        };
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            let changed = u128::try_from(meta.ctime()).unwrap_or(0) * 1_000_000_000
                + u128::try_from(meta.ctime_nsec()).unwrap_or(0);
            (changed, meta.ino())
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (0, 0);
        Self {
            len: meta.len(),
            modified_ns: ns(meta.modified()),
            changed_ns,
            inode,
        }
    }

    /// The later of its modification and change times, in nanoseconds since the epoch.
    pub fn latest_ns(&self) -> u128 {
        self.modified_ns.max(self.changed_ns)
    }

    /// The fraction of a second of its modification time, in nanoseconds: 0 on a file system
    /// whose timestamps are whole seconds.
    pub fn subsecond_nanos(&self) -> u32 {
        u32::try_from(self.modified_ns % 1_000_000_000).unwrap_or(0)
    }

    /// Whether the file changed so recently that another change in the same clock tick would
    /// keep this stamp.
    pub fn is_racy(&self, now: SystemTime) -> bool {
        let now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_nanos();
        let latest = self.modified_ns.max(self.changed_ns);
        latest + u128::from(RACY_SECONDS) * 1_000_000_000 >= now
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// Hex SHA-256 of the content.
    sha256: String,
}

/// The regular files and directories of one directory (other kinds of entry, such as symbolic
/// links, are not sources), each sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub files: Vec<String>,
    pub dirs: Vec<String>,
    /// Whether it holds a `Cargo.toml` (a file or a link to one): the root of another package.
    pub manifest: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Remembered {
    stamp: Stamp,
    listing: Listing,
}

/// What the digests file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored<F, D> {
    files: F,
    dirs: D,
}

/// Remembered digests and directory listings, by absolute path.
#[derive(Debug, Default)]
pub struct Digests {
    entries: HashMap<PathBuf, Entry>,
    listings: HashMap<PathBuf, Remembered>,
    changed: bool,
}

impl Digests {
    /// The digests remembered in `file` (none if it is missing or unreadable).
    pub fn load(file: &Path) -> Self {
        let stored: Stored<_, _> = fs::read(file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Self {
            entries: stored.files,
            listings: stored.dirs,
            changed: false,
        }
    }

    /// Writes the digests to `file` if any changed (best effort: a failure only costs the next
    /// run some reading).
    pub fn save(&self, file: &Path) {
        if !self.changed {
            return;
        }
        let now = SystemTime::now();
        let kept = Stored {
            files: self
                .entries
                .iter()
                .filter(|(_, e)| !e.stamp.is_racy(now))
                .collect::<HashMap<_, _>>(),
            dirs: self
                .listings
                .iter()
                .filter(|(_, l)| !l.stamp.is_racy(now))
                .collect::<HashMap<_, _>>(),
        };
        if let (Some(dir), Ok(bytes)) = (file.parent(), serde_json::to_vec(&kept))
            && fs::create_dir_all(dir).is_ok()
        {
            let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
            if fs::write(&tmp, bytes).is_ok() {
                let _ = fs::rename(&tmp, file);
            }
        }
    }

    /// The SHA-256 of the content of `path`, or `None` when there is no such file.
    pub fn digest(&mut self, path: &Path) -> std::io::Result<Option<[u8; 32]>> {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let stamp = Stamp::of(&meta);
        if let Some(entry) = self.entries.get(path)
            && entry.stamp == stamp
            && let Some(digest) = from_hex(&entry.sha256)
        {
            return Ok(Some(digest));
        }
        let digest: [u8; 32] = Sha256::digest(fs::read(path)?).into();
        self.entries.insert(
            path.to_owned(),
            Entry {
                stamp,
                sha256: super::hex(&digest),
            },
        );
        self.changed = true;
        Ok(Some(digest))
    }
}

impl Digests {
    /// The listing of directory `dir`: remembered while the directory's stamp is unchanged, read
    /// again when it moved (an entry was added, removed or renamed).
    pub fn listing(&mut self, dir: &Path) -> std::io::Result<Listing> {
        let stamp = Stamp::of(&fs::metadata(dir)?);
        if let Some(r) = self.listings.get(dir)
            && r.stamp == stamp
        {
            return Ok(r.listing.clone());
        }
        let mut listing = Listing::default();
        let mut textual = true;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let ty = entry.file_type()?;
            let Ok(name) = entry.file_name().into_string() else {
                // (A name that is not UTF-8 cannot be stored: the listing is read every run.)
                textual = false;
                continue;
            };
            if name == "Cargo.toml" && (ty.is_file() || ty.is_symlink()) {
                listing.manifest = true;
            }
            if ty.is_dir() {
                listing.dirs.push(name);
            } else if ty.is_file() {
                listing.files.push(name);
            }
        }
        listing.files.sort();
        listing.dirs.sort();
        if textual {
            self.listings.insert(
                dir.to_owned(),
                Remembered {
                    stamp,
                    listing: listing.clone(),
                },
            );
            self.changed = true;
        }
        Ok(listing)
    }
}

fn from_hex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_digest_is_of_the_content_and_taken_again_when_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        fs::write(&file, "one").unwrap();
        let mut digests = Digests::default();
        let one = digests.digest(&file).unwrap().unwrap();
        assert_eq!(one, <[u8; 32]>::from(Sha256::digest(b"one")));
        fs::write(&file, "two").unwrap();
        assert_eq!(
            digests.digest(&file).unwrap().unwrap(),
            <[u8; 32]>::from(Sha256::digest(b"two"))
        );
        assert_eq!(digests.digest(&dir.path().join("missing")).unwrap(), None);
    }

    /// The stamp of `path` as if it last changed an hour ago (so it is not racy).
    fn an_hour_old(path: &Path) -> Stamp {
        let old = (SystemTime::now() - Duration::from_secs(3600))
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        Stamp {
            modified_ns: old,
            changed_ns: old,
            ..Stamp::of(&fs::metadata(path).unwrap())
        }
    }

    #[test]
    fn a_listing_is_remembered_until_its_directory_changes() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.rs"), "").unwrap();
        fs::write(dir.path().join("a.rs"), "").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let mut digests = Digests::default();
        let first = digests.listing(dir.path()).unwrap();
        assert_eq!(first.files, ["a.rs", "b.rs"]);
        assert_eq!(first.dirs, ["sub"]);
        assert!(!first.manifest);
        // Remembered: the same listing without reading the directory.
        assert_eq!(digests.listing(dir.path()).unwrap(), first);
        // An entry added (or removed) moves the directory's stamp: read again.
        fs::write(dir.path().join("Cargo.toml"), "").unwrap();
        let second = digests.listing(dir.path()).unwrap();
        assert_eq!(second.files, ["Cargo.toml", "a.rs", "b.rs"]);
        assert!(second.manifest);
        fs::remove_file(dir.path().join("a.rs")).unwrap();
        assert_eq!(
            digests.listing(dir.path()).unwrap().files,
            ["Cargo.toml", "b.rs"]
        );
        assert!(digests.listing(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn remembered_listings_survive_a_run_but_racy_ones_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("digests.json");
        let mut digests = Digests::default();
        digests.listing(dir.path()).unwrap();
        digests.save(&store);
        assert!(Digests::load(&store).listings.is_empty());
        let stamp = an_hour_old(dir.path());
        let listing = Listing {
            files: vec!["lib.rs".to_owned()],
            ..Listing::default()
        };
        let mut digests = Digests::default();
        digests.listings.insert(
            dir.path().to_owned(),
            Remembered {
                stamp,
                listing: listing.clone(),
            },
        );
        digests.changed = true;
        digests.save(&store);
        let loaded = Digests::load(&store);
        assert_eq!(loaded.listings[dir.path()].listing, listing);
        assert_eq!(loaded.listings[dir.path()].stamp, stamp);
    }

    #[test]
    fn remembered_digests_survive_a_run_but_racy_ones_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        fs::write(&file, "one").unwrap();
        let store = dir.path().join("digests.json");
        let mut digests = Digests::default();
        digests.digest(&file).unwrap();
        // Just written: racy, so not remembered.
        digests.save(&store);
        assert!(Digests::load(&store).entries.is_empty());
        // A file last changed an hour ago is remembered across a save and a load.
        let stamp = an_hour_old(&file);
        assert!(!stamp.is_racy(SystemTime::now()));
        let mut digests = Digests::default();
        digests.entries.insert(
            file.clone(),
            Entry {
                stamp,
                sha256: super::super::hex(&[7u8; 32]),
            },
        );
        digests.changed = true;
        digests.save(&store);
        let loaded = Digests::load(&store);
        assert_eq!(loaded.entries.len(), 1);
        assert_eq!(loaded.entries[&file].stamp, stamp);
        assert_eq!(from_hex(&loaded.entries[&file].sha256), Some([7u8; 32]));
    }
}

//! Function code as the core sees it: what a function names (a handler binary of the workspace,
//! or a prebuilt zip), the asset that resolves to (identified by the hash of its inputs), and the
//! interface through which the outer layer resolves one. The core never reads a file: the
//! [`AssetResolver`] (implemented by `crate::assets::Workspace`) does.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
#[serde(expecting = "`x86_64` or `arm64`")]
pub enum Architecture {
    /// `x86_64`: built natively on x86_64 build machines.
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

/// A binary target of a cargo workspace member: `<package>` (its binary of the same name, or its
/// only binary) or `<package>/<binary>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, JsonSchema)]
#[schemars(
    with = "String",
    extend("pattern" = "^[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64})?$")
)]
pub struct HandlerRef {
    package: String,
    binary: Option<String>,
}

/// Why a handler reference does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "handler `{0}` must be `<package>` or `<package>/<binary>` (cargo names: letters, digits, `-` and `_`)"
)]
pub struct HandlerRefError(String);

impl HandlerRef {
    /// The package.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The binary, when named.
    pub fn binary(&self) -> Option<&str> {
        self.binary.as_deref()
    }
}

impl FromStr for HandlerRef {
    type Err = HandlerRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let cargo_name = |n: &str| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        };
        let (package, binary) = match s.split_once('/') {
            Some((p, b)) => (p, Some(b)),
            None => (s, None),
        };
        if !cargo_name(package) || binary.is_some_and(|b| !cargo_name(b)) {
            return Err(HandlerRefError(s.to_owned()));
        }
        Ok(Self {
            package: package.to_owned(),
            binary: binary.map(str::to_owned),
        })
    }
}

impl fmt::Display for HandlerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.binary {
            Some(b) => write!(f, "{}/{b}", self.package),
            None => f.write_str(&self.package),
        }
    }
}

impl Serialize for HandlerRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HandlerRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a function's code is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Code {
    /// A binary of the workspace, built by cargo.
    Handler(HandlerRef),
    /// A ready zip (holding an executable `bootstrap`), for code cargo does not build.
    Zip(PathBuf),
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Handler(h) => write!(f, "handler `{h}`"),
            Code::Zip(p) => write!(f, "zip `{}`", p.display()),
        }
    }
}

/// Where an asset's zip comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetSource {
    /// Built by cargo: the package and the binary (resolved: always named).
    Binary { package: String, binary: String },
    /// A prebuilt zip at this path.
    Zip(PathBuf),
}

/// One function asset for one architecture, identified by the hash of its build inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetUse {
    /// Hex SHA-256 of the inputs (for a zip: of its bytes).
    pub hash: String,
    pub source: AssetSource,
    pub arch: Architecture,
}

impl AssetUse {
    /// The zip's file name in the cache and its S3 object key.
    pub fn file_name(&self) -> String {
        format!("{}.zip", self.hash)
    }

    /// What to call it in messages.
    pub fn label(&self) -> String {
        match &self.source {
            AssetSource::Binary { package, binary } if package == binary => package.clone(),
            AssetSource::Binary { package, binary } => format!("{package}/{binary}"),
            // The file name only: the assembly must not depend on where the project is.
            AssetSource::Zip(path) => path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        }
    }
}

/// Resolves function code to assets: implemented by the layer that can read the workspace.
pub trait AssetResolver: fmt::Debug + Send + Sync {
    /// The asset of `code` built for `arch`; the error says what was searched and the closest
    /// name.
    fn resolve(&self, code: &Code, arch: Architecture) -> Result<AssetUse, String>;

    /// The architecture of functions that do not name one. Default: x86_64.
    fn default_architecture(&self) -> Architecture {
        Architecture::default()
    }

    /// The root of the cargo workspace the handlers are built in, when there is one (a resolver
    /// that only names assets has none, and its apps cannot be deployed).
    fn workspace_root(&self) -> Option<&std::path::Path> {
        None
    }

    /// The resolver as [`std::any::Any`], so the layer that made it can find its own type again
    /// (the CLI builds the assets with the workspace that hashed them).
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A resolver that hashes nothing: every asset's hash is derived from its name alone. For apps
/// synthesized only to look at (tests, benchmarks, the fuzzer), never for deploying.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamedAssets;

impl AssetResolver for NamedAssets {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn resolve(&self, code: &Code, arch: Architecture) -> Result<AssetUse, String> {
        use sha2::{Digest, Sha256};
        let (source, key) = match code {
            Code::Handler(h) => {
                let binary = h.binary().unwrap_or(h.package()).to_owned();
                let key = format!("{}/{binary}", h.package());
                (
                    AssetSource::Binary {
                        package: h.package().to_owned(),
                        binary,
                    },
                    key,
                )
            }
            Code::Zip(p) => (AssetSource::Zip(p.clone()), p.display().to_string()),
        };
        let digest = Sha256::digest(format!("named\0{key}\0{}", arch.target_triple()));
        Ok(AssetUse {
            hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
            source,
            arch,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn handler_refs_parse_package_and_binary() {
        let h: HandlerRef = "stream-publisher".parse().unwrap();
        assert_eq!((h.package(), h.binary()), ("stream-publisher", None));
        let h: HandlerRef = "orders/publish_v2".parse().unwrap();
        assert_eq!((h.package(), h.binary()), ("orders", Some("publish_v2")));
        assert_eq!(h.to_string(), "orders/publish_v2");
        for bad in ["", "a/b/c", "a/", "/b", "a b", "ä"] {
            assert!(bad.parse::<HandlerRef>().is_err(), "{bad}");
        }
    }
}

//! Function assets: the handler binaries of the user's cargo workspace (found through cargo's
//! metadata), the hash of each one's build inputs, building them with cargo, reproducible zips, and
//! prebuilt zips.
//!
//! An asset's hash is a hash of its INPUTS, so templates are synthesized (and snapshot-tested)
//! without compiling anything, and a warm synth finds every zip in the cache and runs no cargo.
//! [`Workspace`] is the [`crate::core::AssetResolver`] the CLI gives an app.

mod build;
mod digests;
mod glibc;
mod inputs;
mod workspace;
mod zip;

pub use build::{BuildError, BuildOptions, build_assets, cache_dir};
pub use digests::Stamp;
pub use glibc::{MAX_GLIBC, max_glibc_version};
pub use inputs::{MAX_ZIP_BYTES, hex};
pub use workspace::{FALLBACK_PROFILE, LAMBDA_PROFILE, ModelSource, Settings, Workspace};
pub use zip::write_bootstrap_zip;

//! Handler assets: which crates exist, the hash of their build inputs, building them with cargo,
//! and reproducible zips.
//!
//! An asset's hash is a hash of its INPUTS, so templates are synthesized (and snapshot-tested)
//! without compiling anything, and a warm synth finds every zip in the cache and skips cargo.

mod build;
mod catalog;
mod glibc;
mod zip;

pub use build::{BuildError, BuildOptions, build_assets, cache_dir};
pub use catalog::{Architecture, AssetError, AssetUse, Catalog, LAMBDA_PROFILE, hex_digest};
pub use glibc::{MAX_GLIBC, max_glibc_version};
pub use zip::write_bootstrap_zip;

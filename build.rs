//! Links the `tributary` binary as a position-dependent executable on Linux.
//!
//! The tool's generated tables (registry schemas, tagging metadata, the replacement table) are
//! hundreds of kilobytes of string pointers. In a position-independent executable the loader
//! relocates every one of them at every start (about 19,000 relocations over some 110 pages),
//! which was a quarter of the time of a warm, fresh `tributary synth`. Without PIE those pointers
//! are fixed at link time and their pages are only read when used. The handlers (Lambda binaries)
//! and the library are not affected: only this package's binaries get the flag.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

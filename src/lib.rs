//! tributary: typed constructs for the DynamoDB Streams -> Lambda -> EventBridge pattern, and a
//! CLI that synthesizes them into a cloud assembly the AWS CDK CLI deploys.
//!
//! Layers, each depending only on those below it:
//!
//! ```text
//! cli          subcommands; exit codes in one place
//!  pipeline    App::synth: the core's synth, the rule pack, each template rendered once
//!  spec        the app spec: loading (every error, with file and line), resolution to constructs
//!  contracts   event contract files (read through the spec's loader)
//!  checks      the policy rule pack over finished templates
//!  graph       the synthesized templates drawn as Mermaid or dot
//!  patterns    StreamToBus
//!  constructs  Table, Function, EventBus, Rule, ... with typed props and grants
//!  core        App, Stack, ids, intrinsics, templates, diagnostics; AssetResolver (no file I/O)
//!  assembly    the cloud assembly, written atomically
//!  assets      assets::Workspace (an AssetResolver over a cargo workspace), builds, zips
//! ```
//!
//! The runtime library handlers are built on is the `tributary-runtime` crate; the synthesizer
//! uses it (without features) for the contract file model and the environment variable names.

pub mod assembly;
pub mod assets;
pub mod checks;
pub mod cli;
pub mod constructs;
pub mod contracts;
pub mod core;
pub mod diff;
pub mod graph;
pub mod patterns;
mod pipeline;
mod refs;
pub mod spec;
mod yaml;

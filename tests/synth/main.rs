//! The integration tests: one binary (so it links once), one module per concern.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adopt;
mod assets;
mod buses;
mod checks;
mod cli;
mod common;
mod constructs;
mod contracts;
mod core;
mod diff;
mod errors;
mod examples;
mod failure_paths;
mod forms;
mod graph;
mod http_auth;
mod init;
mod limits;
mod malformed;
mod mistakes;
mod mistakes_support;
mod names;
mod patterns;
mod registry;
mod schema;
mod stages;
mod tags;
mod targets;

//! tributary: typed constructs for the DynamoDB Streams -> Lambda -> EventBridge pattern, and a
//! CLI that synthesizes them into a cloud assembly the AWS CDK CLI deploys.
//!
//! Layers, each depending only on those below it: [`cli`] -> [`spec`] -> [`patterns`] ->
//! [`constructs`] -> [`core`] -> [`assembly`] + [`assets`].

pub mod assembly;
pub mod assets;
pub mod checks;
pub mod cli;
pub mod constructs;
pub mod contracts;
pub mod core;
pub mod patterns;
pub mod spec;
mod yaml;

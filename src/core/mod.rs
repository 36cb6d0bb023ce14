//! The core model: app, stacks, construct paths, logical IDs, intrinsics, templates, diagnostics.

mod app;
mod asset;
pub mod bootstrap;
pub mod cfn;
mod diagnostic;
mod env;
mod id;
pub mod names;
mod policy;
pub mod scope;
mod stack;
pub mod suggest;
mod suppression;
mod template;
mod unique_keys;
mod value;

pub(crate) use app::TemplateChecks;
pub use app::{App, STAGE_NAME_MAX_CHARS, Stage, Synthesized, SynthesizedStack, UnknownStack};
pub use asset::{
    Architecture, AssetResolver, AssetSource, AssetUse, Code, HandlerRef, HandlerRefError,
    NamedAssets,
};
pub use diagnostic::{Diagnostic, Diagnostics, Locate, Severity};
pub use env::{AccountId, EnvError, Environment, KNOWN_REGIONS, Region};
pub use id::{CONSTRUCT_ID_MAX_LEN, ConstructId, ConstructPath, LogicalId, NameError, StackName};
pub use policy::{Effect, PolicyDocument, Principal, Statement};
pub use scope::{NamePrefix, PermissionsBoundary, Scope, Tags};
pub use stack::Stack;
pub(crate) use stack::StackParts;
pub use suppression::{MIN_REASON_CHARS, Suppression};
pub use template::{Output, Parameter, RemovalPolicy, Rendered, Resource, Template, TemplateRule};
pub use unique_keys::unique_keys;
pub use value::{Map, Pseudo, Reference, Text, Value, export_name};

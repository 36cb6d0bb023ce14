//! The CloudFormation vocabulary, typed and in one place: the resource types the project emits or
//! inspects, the attributes `Fn::GetAtt` reads, the IAM actions, principals and condition keys
//! grants use, and the builders of every ARN a template spells out.
//!
//! It lives in the core because the core's own model takes it ([`crate::core::Resource::new`]
//! takes a [`ResourceType`], [`crate::core::Value::GetAtt`] an [`Attr`]) and the bootstrap
//! contract needs its ARNs; constructs, patterns and the policy checks all name things through
//! it. It is pure data and [`crate::core::Value`] builders: no I/O, nothing from a layer above.

pub mod arn;
mod attr;
pub mod iam;
mod resource_type;
mod tagging;

pub use attr::Attr;
pub use resource_type::{ResourceType, TagShape, Tagging};

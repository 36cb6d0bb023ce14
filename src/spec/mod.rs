//! The declarative app spec (YAML or JSON): the same props types as the Rust API, plus names
//! where Rust code holds handles. Loading reports the file, line and column of a bad field.

mod load;
mod model;
mod resolve;

pub use load::{SpecError, load, parse};
pub use model::{
    AppSpec, FunctionRef, HttpApiSpec, RouteSpec, RuleSpec, StackSpec, StreamToBusSpec, TargetSpec,
};
pub use resolve::build;

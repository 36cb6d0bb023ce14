//! The declarative app spec (YAML or JSON): the same props types as the Rust API, plus names
//! where Rust code holds handles. Loading reports the file, line and column of a bad field.

mod data;
mod load;
mod locate;
mod model;
mod resolve;
mod unique;

pub use load::{MAX_ERRORS, SpecError, SpecErrors, load, parse};
pub(crate) use load::{parse_document, read_text, with_suggestion};
pub use locate::SpecSource;
pub use model::{
    AppSpec, FunctionRef, HttpApiSpec, RouteSpec, RuleSpec, StackSpec, StreamToBusSpec, TargetSpec,
};
pub use resolve::{build, build_into};
pub use unique::{RECOVERY_DEPTH, every_error, unique_entries};

/// The app spec's JSON Schema (draft 2020-12), pretty-printed with a final newline: what
/// `tributary schema` writes and `schema/app.schema.json` holds.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(AppSpec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

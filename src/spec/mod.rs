//! The declarative app spec (YAML or JSON): the same props types as the Rust API, plus names
//! where Rust code holds handles. Loading reports the file, line and column of a bad field.

mod data;
mod load;
mod locate;
mod model;
mod resolve;
mod stage;
mod unique;

pub use load::{MAX_ERRORS, SpecError, SpecErrors, load, parse};
pub(crate) use load::{parse_document, read_text, with_suggestion};
pub use locate::SpecSource;
pub use model::{
    AppSpec, AuthorizerSpec, FunctionRef, HttpApiSpec, JwtRouteAuth, QueueSpec, RouteAuthSpec,
    RouteSpec, RuleSpec, StackSpec, StageOverrides, StageSpec, StreamToBusSpec, TargetSpec,
    TopicSpec,
};
pub use resolve::{build, build_into, build_stages};
pub use unique::{RECOVERY_DEPTH, every_error, unique_entries};

/// The app spec's JSON Schema (draft 2020-12), pretty-printed with a final newline: what
/// `tributary schema` writes and `schema/app.schema.json` holds.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::default()
        .with_transform(whole_number_bounds)
        .into_generator()
        .into_root_schema_for::<AppSpec>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Gives every `u32` field its upper bound: schemars says `"format": "uint32"`, which validators
/// do not check, so without it the schema took `4294967296` where the loader refuses it.
fn whole_number_bounds(schema: &mut schemars::Schema) {
    if schema.get("format").and_then(serde_json::Value::as_str) == Some("uint32")
        && schema.get("maximum").is_none()
    {
        schema.insert("maximum".to_owned(), u32::MAX.into());
    }
    schemars::transform::transform_subschemas(&mut whole_number_bounds, schema);
}

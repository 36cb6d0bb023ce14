//! `create-reservation`: the HTTP API's `POST /reservations` handler (validate, conditional put, 201/400/409).
//!
//! `main` only wires things up: tracing, configuration from the environment, the SDK client; the logic lives in
//! [`handler::handle`], which takes its table through the [`store::Store`] trait.

mod dynamo;
mod fields;
mod handler;
mod request;
mod reservation;
mod response;
mod store;

use lambda_http::{Error, Request, run, service_fn};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The environment variable (set by the synthesizer) naming the reservations table.
pub const TABLE_NAME_ENV: &str = "TABLE_NAME";

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let table_name = required_env(TABLE_NAME_ENV)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = dynamo::DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table_name);
    let store = &store;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handler::handle(store, req).await)
    }))
    .await
}

/// JSON logs without ANSI colours (CloudWatch), level from `RUST_LOG` (default `info`).
fn init_tracing() -> Result<(), Error> {
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env()?;
    tracing_subscriber::fmt()
        .json()
        .with_ansi(false)
        .with_current_span(false)
        .with_env_filter(filter)
        .try_init()
}

fn required_env(name: &str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) => Err(format!("environment variable {name} is empty").into()),
        Err(e) => Err(format!("environment variable {name}: {e}").into()),
    }
}

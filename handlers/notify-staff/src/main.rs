//! `notify-staff`: the EventBridge rule target that tells a restaurant's staff about a new reservation.
//!
//! `main` only wires things up; the logic lives in [`handler::handle`], which notifies through the
//! [`notifier::Notifier`] trait (a structured log line today, email later).

mod handler;
mod notifier;
mod reservation;

use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use serde_json::Value;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let notifier = &notifier::LogNotifier;
    run(service_fn(move |event: LambdaEvent<Value>| {
        handler::handle(notifier, event.payload)
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

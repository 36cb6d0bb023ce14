//! `stream-publisher`: turns the reservations table's stream records into business events on an EventBridge bus.
//!
//! `main` only wires things up: tracing, configuration from the environment, the SDK client; the logic lives in
//! [`batch::process`], which publishes through the [`bus::Bus`] trait.

mod batch;
mod bus;
mod eventbridge;
mod events;
mod mapping;
mod reservation;

use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The environment variable (set by the synthesizer) naming the bus events are put on.
pub const EVENT_BUS_NAME_ENV: &str = "EVENT_BUS_NAME";

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let bus_name = required_env(EVENT_BUS_NAME_ENV)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let bus = eventbridge::EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&config), bus_name);
    let bus = &bus;
    run(service_fn(move |event: LambdaEvent<batch::StreamBatch>| {
        batch::process(bus, event.payload)
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

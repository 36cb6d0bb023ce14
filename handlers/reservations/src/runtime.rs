//! What every handler binary does at startup: JSON logs, and configuration from the environment.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The error type handlers return from `main`.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// JSON logs without ANSI colours (CloudWatch), level from `RUST_LOG` (default `info`).
pub fn init_tracing() -> Result<(), Error> {
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

/// The value of an environment variable the synthesizer sets; missing or empty is an error that
/// names it (the function fails at its first invocation, visibly, instead of misbehaving).
pub fn required_env(name: &str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(format!("environment variable {name} is empty").into()),
        Err(e) => Err(format!("environment variable {name}: {e}").into()),
    }
}

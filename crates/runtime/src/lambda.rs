//! What every handler binary does: JSON logs, configuration from the environment, the AWS SDK
//! configuration, and the errors Lambda reports, each with a readable `errorType`.
//!
//! lambda_runtime 1.x names an error by its Rust type (`Diagnostic::from` uses
//! `std::any::type_name`), so a boxed error reaches CloudWatch and the async failure queue as
//! `alloc::boxed::Box<dyn core::error::Error + ...>`. Handlers of this library return [`Error`]
//! instead, whose [`Error::error_type`] is the variant's name.

use std::future::Future;

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde::de::IgnoredAny;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// Any error, boxed: what `main` returns.
pub type BoxError = lambda_runtime::Error;

/// Why an invocation failed, as Lambda reports it (`errorType` is the variant's name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value the function reads from its environment is missing or empty: every invocation
    /// fails with this until the configuration is fixed.
    #[error("environment variable {name} {problem}")]
    MissingConfiguration {
        /// The variable's name.
        name: String,
        /// What is wrong with it ("is empty").
        problem: String,
    },
    /// Part of a stream batch could not be published and no record can be reported in its place:
    /// the whole batch is retried.
    #[error("{0}")]
    PublishFailed(String),
    /// The event is not what the function handles (not an EventBridge event, another source or
    /// `detail-type`, a detail that does not parse).
    #[error("{0}")]
    InvalidEvent(String),
    /// The handler's own work failed (a downstream call, say).
    #[error("{0}")]
    HandlerFailed(String),
}

impl Error {
    /// The `errorType` Lambda reports.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::MissingConfiguration { .. } => "MissingConfiguration",
            Self::PublishFailed(_) => "PublishFailed",
            Self::InvalidEvent(_) => "InvalidEvent",
            Self::HandlerFailed(_) => "HandlerFailed",
        }
    }
}

impl From<Error> for Diagnostic {
    fn from(error: Error) -> Self {
        Diagnostic {
            error_type: error.error_type().to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// JSON logs without ANSI colours (CloudWatch), level from `RUST_LOG` (default `info`).
///
/// Fails on an invalid `RUST_LOG` or when a subscriber is already set.
pub fn init_tracing() -> Result<(), BoxError> {
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

/// The value of an environment variable the function needs; missing or empty is
/// [`Error::MissingConfiguration`], naming it.
pub fn required_env(name: &str) -> Result<String, Error> {
    let missing = |problem: String| Error::MissingConfiguration {
        name: name.to_owned(),
        problem,
    };
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(missing("is empty".to_owned())),
        Err(e) => Err(missing(format!("cannot be read: {e}"))),
    }
}

/// The SDK configuration from the function's environment (region, credentials, endpoint).
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// Runs the function with `error` as the answer to every invocation: a misconfigured function
/// fails visibly, with its `errorType`, at each invocation instead of crashing at start-up (which
/// Lambda reports only as `Runtime.ExitError`).
pub async fn fail_every_invocation(error: Error) -> Result<(), BoxError> {
    tracing::error!(error = %error, error_type = error.error_type(), "the function cannot start");
    lambda_runtime::run(service_fn(move |_: LambdaEvent<IgnoredAny>| {
        let error = error.clone();
        async move { Err::<(), Error>(error) }
    }))
    .await
}

/// Tracing, the SDK configuration, then the value `setup` builds from it (else
/// [`fail_every_invocation`] with its error), then `serve` with it: how every `run` helper of this
/// library starts, for handlers of another kind to start the same way.
pub async fn start<T, S, F>(
    setup: impl AsyncFnOnce(&aws_config::SdkConfig) -> Result<T, Error>,
    serve: S,
) -> Result<(), BoxError>
where
    S: FnOnce(T) -> F,
    F: Future<Output = Result<(), BoxError>>,
{
    init_tracing()?;
    let config = aws_config().await;
    match setup(&config).await {
        Ok(value) => serve(value).await,
        Err(error) => fail_every_invocation(error).await,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn lambda_sees_the_variant_name_as_error_type() {
        let cases = [
            (
                Error::MissingConfiguration {
                    name: "TABLE_NAME".into(),
                    problem: "is empty".into(),
                },
                "MissingConfiguration",
                "environment variable TABLE_NAME is empty",
            ),
            (Error::PublishFailed("p".into()), "PublishFailed", "p"),
            (Error::InvalidEvent("i".into()), "InvalidEvent", "i"),
            (Error::HandlerFailed("h".into()), "HandlerFailed", "h"),
        ];
        for (error, error_type, message) in cases {
            let diagnostic = Diagnostic::from(error);
            let json = serde_json::to_value(&diagnostic).unwrap();
            assert_eq!(
                json,
                serde_json::json!({ "errorType": error_type, "errorMessage": message })
            );
        }
    }

    #[test]
    fn a_missing_variable_is_named() {
        let e = required_env("TRIBUTARY_TEST_SURELY_UNSET").unwrap_err();
        assert_eq!(e.error_type(), "MissingConfiguration");
        assert!(e.to_string().contains("TRIBUTARY_TEST_SURELY_UNSET"), "{e}");
    }
}

//! The Lambda function: configuration from the environment, the SES client, then
//! [`notify_staff::handler::handle`] for every event.

use lambda_runtime::{LambdaEvent, run, service_fn};
use notify_staff::ses::SesNotifier;
use notify_staff::{RECIPIENT_ENV, SENDER_ENV, handler};
use reservations::runtime::{Error, init_tracing, required_env};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let sender = required_env(SENDER_ENV)?;
    let recipient = required_env(RECIPIENT_ENV)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let notifier = SesNotifier::new(aws_sdk_sesv2::Client::new(&config), sender, recipient);
    let notifier = &notifier;
    run(service_fn(move |event: LambdaEvent<Value>| {
        handler::handle(notifier, event.payload)
    }))
    .await
}

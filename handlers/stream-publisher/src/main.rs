//! The Lambda function: configuration from the environment, the SDK client, then
//! [`stream_publisher::batch::process`] for every invocation.

use lambda_runtime::{LambdaEvent, run, service_fn};
use reservations::runtime::{Error, init_tracing, required_env};
use stream_publisher::batch::{self, StreamBatch};
use stream_publisher::{EVENT_BUS_NAME_ENV, eventbridge::EventBridgeBus};

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let bus_name = required_env(EVENT_BUS_NAME_ENV)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let bus = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&config), bus_name);
    let bus = &bus;
    run(service_fn(move |event: LambdaEvent<StreamBatch>| {
        batch::process(bus, event.payload)
    }))
    .await
}

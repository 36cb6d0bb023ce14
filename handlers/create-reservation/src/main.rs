//! The Lambda function: configuration from the environment, the SDK client, then
//! [`create_reservation::handler::handle`] for every request.

use create_reservation::dynamo::DynamoStore;
use create_reservation::{TABLE_NAME_ENV, handler};
use lambda_http::{Request, run, service_fn};
use reservations::runtime::{Error, init_tracing, required_env};

#[tokio::main]
async fn main() -> Result<(), Error> {
    init_tracing()?;
    let table_name = required_env(TABLE_NAME_ENV)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table_name);
    let store = &store;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handler::handle(store, req).await)
    }))
    .await
}

//! The Lambda function: [`payments::DepositMapping`] on the runtime library's publisher (bus from
//! `EVENT_BUS_NAME`).

use tributary_runtime::lambda::BoxError;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::stream::run(payments::DepositMapping).await
}

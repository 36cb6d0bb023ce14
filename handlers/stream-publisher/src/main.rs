//! The Lambda function: [`stream_publisher::ReservationMapping`] on the runtime library's
//! publisher (bus from `EVENT_BUS_NAME`).

use tributary_runtime::lambda::BoxError;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::stream::run(stream_publisher::ReservationMapping).await
}

//! The Lambda function: [`create_reservation::ReservationsApi`] on the runtime library's
//! idempotent writer (table from `TABLE_NAME`).

use tributary_runtime::lambda::BoxError;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::api::run(create_reservation::ReservationsApi).await
}

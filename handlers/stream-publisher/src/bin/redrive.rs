//! `redrive`: publishes the stream batches kept in the on-failure bucket, once their cause is fixed.
//!
//! ```text
//! cargo run -p stream-publisher --features redrive --bin redrive -- \
//!     --bucket <failed-batches bucket> --bus <event bus name> [--prefix aws/lambda/] [--dry-run]
//! ```
//!
//! Runs with the operator's AWS credentials and region (the standard SDK configuration, including
//! `AWS_ENDPOINT_URL`). Exit code 0 when every batch was published, 1 when any stays, 2 on a
//! usage error.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tributary_runtime::redrive::main(stream_publisher::ReservationMapping).await
}

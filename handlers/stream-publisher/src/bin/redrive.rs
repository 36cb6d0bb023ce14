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

use clap::Parser;
use stream_publisher::eventbridge::EventBridgeBus;
use stream_publisher::redrive::{FAILED_PREFIX, FailedBatches, Outcome, redrive};

/// Publish the DynamoDB stream batches an S3 on-failure destination kept.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The on-failure bucket (the stack's failed-batches bucket).
    #[arg(long)]
    bucket: String,
    /// The event bus to publish on (the publisher's EVENT_BUS_NAME).
    #[arg(long)]
    bus: String,
    /// Only objects under this key prefix.
    #[arg(long, default_value = FAILED_PREFIX)]
    prefix: String,
    /// Read and check the objects, publish nothing, move nothing.
    #[arg(long)]
    dry_run: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let batches = FailedBatches::new(aws_sdk_s3::Client::new(&config), args.bucket);
    let bus = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&config), args.bus);
    let outcomes = match redrive(&batches, &bus, &args.prefix, args.dry_run).await {
        Ok(outcomes) => outcomes,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let verb = if args.dry_run {
        "would publish"
    } else {
        "published"
    };
    let mut failed = 0;
    for outcome in &outcomes {
        match outcome {
            Outcome::Published { key, records } => println!("{verb} {key} ({records} records)"),
            Outcome::Failed { key, reason } => {
                failed += 1;
                println!("kept {key}: {reason}");
            }
        }
    }
    println!(
        "{} batch(es), {} {verb}, {failed} kept",
        outcomes.len(),
        outcomes.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

//! The `redrive` operator command: arguments, the run, what it prints, the exit code.

use std::process::ExitCode;

use clap::Parser;

use crate::redrive::{FAILED_PREFIX, FailedBatches, Outcome, redrive};
use crate::stream::{EventBridgeBus, Mapping};

/// Publish the DynamoDB stream batches an S3 on-failure destination kept.
///
/// Runs with the operator's AWS credentials and region (the standard SDK configuration, including
/// `AWS_ENDPOINT_URL`). Exit code 0 when every batch was published, 1 when any stays, 2 on a
/// usage error.
#[derive(Debug, Parser)]
#[command(name = "redrive", version)]
pub struct Args {
    /// The on-failure bucket (the stack's failed-batches bucket).
    #[arg(long)]
    pub bucket: String,
    /// The event bus to publish on (the publisher's EVENT_BUS_NAME).
    #[arg(long)]
    pub bus: String,
    /// Only objects under this key prefix.
    #[arg(long, default_value = FAILED_PREFIX)]
    pub prefix: String,
    /// Read and check the objects, publish nothing, move nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The whole command: parses the process's arguments (clap exits with 2 on a usage error), then
/// re-drives with `mapping` and prints one line per batch and a summary.
pub async fn main<M: Mapping>(mapping: M) -> ExitCode {
    let args = Args::parse();
    let config = crate::lambda::aws_config().await;
    let batches = FailedBatches::new(aws_sdk_s3::Client::new(&config), args.bucket);
    let bus = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&config), args.bus);
    let outcomes = match redrive(&mapping, &batches, &bus, &args.prefix, args.dry_run).await {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_arguments_are_those_the_readme_shows() {
        Args::command().debug_assert();
        let args =
            Args::try_parse_from(["redrive", "--bucket", "b", "--bus", "e", "--dry-run"]).unwrap();
        assert_eq!((args.bucket.as_str(), args.bus.as_str()), ("b", "e"));
        assert_eq!(args.prefix, FAILED_PREFIX);
        assert!(args.dry_run);
        assert!(Args::try_parse_from(["redrive", "--bus", "e"]).is_err());
    }
}

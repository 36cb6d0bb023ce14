//! Re-driving the batches an S3 on-failure destination kept.
//!
//! When a batch keeps failing (retries and bisection used up, or records too old), Lambda writes an
//! [`InvocationRecord`] to the bucket: the batch's metadata plus `payload`, the original invocation
//! event as a JSON string, so the record bodies survive the stream's 24-hour retention. Once the
//! cause is fixed (a deploy of the publisher, a bus policy, an outage over), [`redrive`] feeds each
//! kept batch through the same [`crate::stream::process`] the function runs, with the same
//! [`Mapping`], and moves every object
//! whose batch is now fully published under [`DONE_PREFIX`]. An object whose batch still fails
//! stays where it is, and the outcome names the record and why.
//!
//! Events published before a still-failing record are published again by the next re-drive:
//! delivery is at least once, as everywhere on EventBridge.
//!
//! [`main`] is the operator command (a `redrive` binary of the publisher's crate is one call):
//!
//! ```no_run
//! # struct MyMapping;
//! # impl tributary_runtime::stream::Mapping for MyMapping {
//! #     type Error = String;
//! #     fn map(&self, _: &tributary_runtime::stream::StreamRecord<'_>)
//! #         -> Result<Option<tributary_runtime::stream::Event>, String> { Ok(None) }
//! # }
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     tributary_runtime::redrive::main(MyMapping).await
//! }
//! ```

mod cli;

pub use cli::{Args, main};

use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use serde::Deserialize;

use crate::stream::{self, Bus, Mapping, StreamBatch};

/// Where Lambda writes invocation records: `aws/lambda/<ESM UUID>/<shard>/YYYY/MM/DD/...`.
pub const FAILED_PREFIX: &str = "aws/lambda/";
/// Where re-driven objects are moved (same key after the prefix).
pub const DONE_PREFIX: &str = "redriven/";

/// The document Lambda writes to an S3 on-failure destination for a DynamoDB stream batch
/// (the fields used here; others are ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvocationRecord {
    /// Why and from which function.
    pub request_context: RequestContext,
    /// Which records the batch held.
    #[serde(rename = "DDBStreamBatchInfo")]
    pub batch_info: BatchInfo,
    /// The original invocation event (`{"Records": [...]}`) as a JSON string.
    pub payload: String,
}

/// Why the batch was given up on.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// `RetryAttemptsExhausted`, or the record-age condition.
    pub condition: String,
    /// The function that gave up on it.
    pub function_arn: String,
}

/// Which records of which stream the batch held.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchInfo {
    /// The stream's shard.
    pub shard_id: String,
    /// The first record's sequence number.
    pub start_sequence_number: String,
    /// The last record's sequence number.
    pub end_sequence_number: String,
    /// How many records.
    pub batch_size: u64,
    /// The stream.
    pub stream_arn: String,
}

impl InvocationRecord {
    /// The batch Lambda could not process.
    pub fn batch(&self) -> Result<StreamBatch, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

/// What happened to one kept batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every record was published (or meant nothing to publish); the object was moved.
    Published {
        /// The object's key (before the move).
        key: String,
        /// How many records the batch held.
        records: usize,
    },
    /// The object stays: the batch is unreadable, or a record still fails.
    Failed {
        /// The object's key.
        key: String,
        /// Why it stays.
        reason: String,
    },
}

/// The kept batches in one bucket.
#[derive(Debug, Clone)]
pub struct FailedBatches {
    client: Client,
    bucket: String,
}

impl FailedBatches {
    /// The kept batches in `bucket`, read with `client`.
    pub fn new(client: Client, bucket: String) -> Self {
        Self { client, bucket }
    }

    /// The keys under `prefix`, in key order (which is time order within a shard).
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, String> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                format!(
                    "listing s3://{}/{prefix}: {}",
                    self.bucket,
                    DisplayErrorContext(e)
                )
            })?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
        }
        keys.sort();
        Ok(keys)
    }

    /// The invocation record stored under `key`.
    pub async fn get(&self, key: &str) -> Result<InvocationRecord, String> {
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| format!("reading {key}: {}", DisplayErrorContext(e)))?;
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| format!("reading {key}: {e}"))?
            .into_bytes();
        serde_json::from_slice(&bytes)
            .map_err(|e| format!("{key} is not a Lambda invocation record: {e}"))
    }

    /// Moves `key` under [`DONE_PREFIX`] (copy, then delete).
    pub async fn mark_done(&self, key: &str) -> Result<(), String> {
        let done = format!("{DONE_PREFIX}{key}");
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{key}", self.bucket))
            .key(&done)
            .send()
            .await
            .map_err(|e| format!("copying {key} to {done}: {}", DisplayErrorContext(e)))?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| format!("deleting {key}: {}", DisplayErrorContext(e)))?;
        Ok(())
    }
}

/// Re-drives every batch kept under `prefix` through `mapping` and `bus`, oldest key first. With
/// `dry_run`, only reads and checks the objects.
pub async fn redrive<M: Mapping, B: Bus>(
    mapping: &M,
    batches: &FailedBatches,
    bus: &B,
    prefix: &str,
    dry_run: bool,
) -> Result<Vec<Outcome>, String> {
    let mut outcomes = Vec::new();
    for key in batches.keys(prefix).await? {
        let failed = |reason: String| Outcome::Failed {
            key: key.clone(),
            reason,
        };
        let record = match batches.get(&key).await {
            Ok(record) => record,
            Err(reason) => {
                outcomes.push(failed(reason));
                continue;
            }
        };
        let batch = match record.batch() {
            Ok(batch) => batch,
            Err(e) => {
                outcomes.push(failed(format!("the payload is not a stream batch: {e}")));
                continue;
            }
        };
        let records = batch.records.len();
        if dry_run {
            outcomes.push(Outcome::Published { key, records });
            continue;
        }
        let outcome = match stream::process(mapping, bus, batch).await {
            Ok(response) if response.batch_item_failures.is_empty() => {
                match batches.mark_done(&key).await {
                    Ok(()) => Outcome::Published { key, records },
                    Err(reason) => failed(reason),
                }
            }
            Ok(response) => {
                let first = response
                    .batch_item_failures
                    .first()
                    .and_then(|f| f.item_identifier.clone())
                    .unwrap_or_default();
                failed(format!(
                    "record {first} still fails (see the log above); the object stays"
                ))
            }
            Err(e) => failed(format!("{e}; the object stays")),
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const RECORD: &str = include_str!("redrive/fixtures/s3_invocation_record.json");

    #[test]
    fn the_documented_invocation_record_carries_the_whole_batch() {
        let record: InvocationRecord = serde_json::from_str(RECORD).unwrap();
        assert_eq!(record.request_context.condition, "RetryAttemptsExhausted");
        assert_eq!(record.batch_info.batch_size, 2);
        let batch = record.batch().unwrap();
        assert_eq!(batch.records.len(), 2);
        let last: serde_json::Value = serde_json::from_str(batch.records[1].get()).unwrap();
        assert_eq!(
            last["dynamodb"]["SequenceNumber"],
            record.batch_info.end_sequence_number
        );
    }
}

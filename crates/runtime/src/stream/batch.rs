//! One invocation: map the batch's records in stream order, PutEvents in bounded requests, report
//! the first failure.
//!
//! Lambda checkpoints a stream batch at the LOWEST reported sequence number and re-sends everything
//! after it, so processing stops at the first record that cannot be mapped or published, and only
//! that record is reported. Records after it are not published now (they come back in the retry),
//! which keeps events in stream order. Entries that PutEvents accepted after a rejected one in the
//! same request are published again on the retry: delivery is at least once, as it is with
//! EventBridge anyway, so consumers key on the item's id.

use std::fmt;

use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::lambda::Error;
use crate::stream::record::RawRecord;
use crate::stream::{
    Bus, Entry, EntryStatus, MAX_ENTRIES_PER_REQUEST, MAX_ENTRY_BYTES, MAX_REQUEST_BYTES, Mapping,
    StreamRecord,
};

/// A DynamoDB stream event whose records are kept as raw JSON and parsed one by one, so one odd
/// record fails alone (and no intermediate `Value` tree is built).
#[derive(Debug, Deserialize)]
pub struct StreamBatch {
    /// The records, each kept as its raw JSON.
    #[serde(rename = "Records")]
    pub records: Vec<Box<RawValue>>,
}

impl From<Vec<Value>> for StreamBatch {
    fn from(records: Vec<Value>) -> Self {
        let records = records
            .iter()
            .filter_map(|r| serde_json::value::to_raw_value(r).ok())
            .collect();
        Self { records }
    }
}

/// Why a record cannot be published. The record is reported as failed, never dropped.
#[derive(Debug)]
pub enum RecordError {
    /// Not a DynamoDB stream record at all.
    Record(serde_json::Error),
    /// An `eventName` other than INSERT, MODIFY, REMOVE.
    UnknownEventName(String),
    /// The mapping refused the record (its error, displayed).
    Mapping(String),
    /// The event detail could not be serialized.
    Detail(String),
    /// The entry is larger than EventBridge accepts.
    TooLarge {
        /// The entry's size as EventBridge counts it.
        size: usize,
    },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(e) => write!(f, "not a DynamoDB stream record: {e}"),
            Self::UnknownEventName(name) => write!(f, "unknown eventName {name:?}"),
            Self::Mapping(e) => f.write_str(e),
            Self::Detail(e) => write!(f, "cannot serialize the event detail: {e}"),
            Self::TooLarge { size } => write!(
                f,
                "the event is {size} bytes; EventBridge accepts at most {MAX_ENTRY_BYTES}"
            ),
        }
    }
}

impl std::error::Error for RecordError {}

/// A raw record's `SequenceNumber` (if it has one), and its PutEvents entry under `mapping`:
/// `Ok(None)` when it means nothing to publish.
pub fn entry<M: Mapping>(
    mapping: &M,
    raw: &RawValue,
) -> (Option<String>, Result<Option<Entry>, RecordError>) {
    let record = match serde_json::from_str::<RawRecord<'_>>(raw.get()) {
        Ok(record) => record,
        Err(e) => return (sequence_number(raw), Err(RecordError::Record(e))),
    };
    let sequence_number = record.dynamodb.sequence_number.clone();
    let entry = StreamRecord::new(record)
        .map_err(RecordError::UnknownEventName)
        .and_then(|record| {
            mapping
                .map(&record)
                .map_err(|e| RecordError::Mapping(e.to_string()))
        })
        .and_then(|event| event.map(|e| e.into_entry()).transpose());
    (sequence_number, entry)
}

/// The `SequenceNumber` of a record that is not a valid stream record, if it has one.
fn sequence_number(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Change {
        #[serde(rename = "SequenceNumber")]
        sequence_number: Option<String>,
    }
    #[derive(Deserialize)]
    struct Record {
        dynamodb: Option<Change>,
    }
    let record: Record = serde_json::from_str(raw.get()).ok()?;
    record.dynamodb?.sequence_number
}

/// The first record that failed, by its `SequenceNumber` (if it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failed(Option<String>);

/// Publishes the batch's events; the response names the first failed record, if any.
///
/// `Err` ([`Error::PublishFailed`]: the whole batch is retried) only when a failed record has no
/// sequence number to report.
pub async fn process<M: Mapping, B: Bus>(
    mapping: &M,
    bus: &B,
    batch: StreamBatch,
) -> Result<DynamoDbEventResponse, Error> {
    let mut sequence_numbers = Vec::new();
    let mut entries = Vec::new();
    let mut failed = None;
    for raw in &batch.records {
        let (sequence_number, mapped) = entry(mapping, raw);
        match mapped {
            Ok(Some(entry)) => {
                sequence_numbers.push(sequence_number);
                entries.push(entry);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, ?sequence_number, "stream record cannot be published");
                failed = Some(Failed(sequence_number));
                break;
            }
        }
    }
    // Everything queued precedes the failed record, so a publishing failure is the earlier one.
    if let Some(publish_failure) = publish(bus, &sequence_numbers, &entries).await {
        failed = Some(publish_failure);
    }
    let mut response = DynamoDbEventResponse::default();
    match failed {
        None => {}
        Some(Failed(Some(sequence_number))) => {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence_number);
            response.batch_item_failures.push(failure);
        }
        Some(Failed(None)) => {
            return Err(Error::PublishFailed(
                "a record without a SequenceNumber failed: retrying the whole batch".to_owned(),
            ));
        }
    }
    Ok(response)
}

/// Splits `entries` into PutEvents requests, in order: at most [`MAX_ENTRIES_PER_REQUEST`] entries
/// and [`MAX_REQUEST_BYTES`] each. Every entry fits in a request on its own (larger ones are
/// refused before). Returns the end index of each request.
pub fn request_bounds(entries: &[Entry]) -> Vec<usize> {
    let mut bounds = Vec::new();
    let (mut count, mut bytes) = (0, 0);
    for (i, entry) in entries.iter().enumerate() {
        let size = entry.size();
        if count == MAX_ENTRIES_PER_REQUEST || (count > 0 && bytes + size > MAX_REQUEST_BYTES) {
            bounds.push(i);
            (count, bytes) = (0, 0);
        }
        count += 1;
        bytes += size;
    }
    if count > 0 {
        bounds.push(entries.len());
    }
    bounds
}

/// PutEvents in order, one request per [`request_bounds`], stopping at the first failed entry or
/// request.
async fn publish<B: Bus>(
    bus: &B,
    sequence_numbers: &[Option<String>],
    entries: &[Entry],
) -> Option<Failed> {
    let mut start = 0;
    for end in request_bounds(entries) {
        let (sequence_numbers, entries) = (&sequence_numbers[start..end], &entries[start..end]);
        start = end;
        let statuses = match bus.put_events(entries).await {
            Ok(statuses) => statuses,
            Err(e) => {
                tracing::error!(error = %e, entries = entries.len(), "PutEvents failed");
                return Some(Failed(sequence_numbers.first().cloned().flatten()));
            }
        };
        for (i, sequence_number) in sequence_numbers.iter().enumerate() {
            match statuses.get(i) {
                Some(EntryStatus::Accepted) => {}
                Some(EntryStatus::Failed { code, message }) => {
                    tracing::error!(%code, %message, ?sequence_number, "PutEvents rejected an entry");
                    return Some(Failed(sequence_number.clone()));
                }
                None => {
                    tracing::error!(
                        ?sequence_number,
                        "PutEvents returned no result for an entry"
                    );
                    return Some(Failed(sequence_number.clone()));
                }
            }
        }
    }
    None
}

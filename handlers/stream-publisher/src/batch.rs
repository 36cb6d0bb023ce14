//! One invocation: map the batch's records in stream order, PutEvents in bounded requests, report
//! the first failure.
//!
//! Lambda checkpoints a stream batch at the LOWEST reported sequence number and re-sends everything
//! after it, so processing stops at the first record that cannot be mapped or published, and only
//! that record is reported. Records after it are not published now (they come back in the retry),
//! which keeps events in stream order. Entries that PutEvents accepted after a rejected one in the
//! same request are published again on the retry: delivery is at least once, as it is with
//! EventBridge anyway, so consumers key on `reservationId`.

use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::bus::{Bus, EntryStatus};
use crate::entry::{Entry, MAX_ENTRIES_PER_REQUEST, MAX_REQUEST_BYTES};
use crate::mapping;

/// A DynamoDB stream event whose records are kept as raw JSON and parsed one by one, so one odd
/// record fails alone (and no intermediate `Value` tree is built).
#[derive(Debug, Deserialize)]
pub struct StreamBatch {
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

/// The first record that failed, by its `SequenceNumber` (if it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failed(Option<String>);

/// Publishes the batch's events; the response names the first failed record, if any.
///
/// `Err` (the whole batch is retried) only when a failed record has no sequence number to report.
pub async fn process<B: Bus>(
    bus: &B,
    batch: StreamBatch,
) -> Result<DynamoDbEventResponse, lambda_runtime::Error> {
    let mut sequence_numbers = Vec::new();
    let mut entries = Vec::new();
    let mut failed = None;
    for raw in &batch.records {
        let (sequence_number, mapped) = mapping::entry(raw);
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
            return Err(
                "a record without a SequenceNumber failed: retrying the whole batch".into(),
            );
        }
    }
    Ok(response)
}

/// Splits `entries` into PutEvents requests, in order: at most [`MAX_ENTRIES_PER_REQUEST`] entries
/// and [`MAX_REQUEST_BYTES`] each. Every entry fits in a request on its own (the mapping refuses
/// larger ones). Returns the end index of each request.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::Mutex;

    use serde_json::json;

    use super::*;
    use reservations::events::{
        BusinessEvent, ReservationCancelled, ReservationConfirmed, ReservationCreated,
        ReservationDeclined, SOURCE,
    };

    use crate::entry::MAX_ENTRY_BYTES;

    const THREE_INSERTS: &str = include_str!("fixtures/three_inserts.json");
    const UNMAPPABLE: &str = include_str!("fixtures/unmappable_record.json");
    const LIFE_CYCLE: &str = include_str!("fixtures/life_cycle.json");

    /// An in-memory bus: records every request; can reject one entry or a whole request.
    #[derive(Debug, Default)]
    struct FakeBus {
        calls: Mutex<Vec<Vec<Entry>>>,
        /// (request index, entry index) answered with an `ErrorCode`.
        reject_entry: Option<(usize, usize)>,
        /// Request index that fails as a whole.
        fail_request: Option<usize>,
        /// Answer with one status fewer than entries.
        short_answer: bool,
    }

    impl Bus for FakeBus {
        async fn put_events(
            &self,
            entries: &[Entry],
        ) -> Result<Vec<EntryStatus>, lambda_runtime::Error> {
            assert!(entries.len() <= MAX_ENTRIES_PER_REQUEST);
            assert!(entries.iter().map(Entry::size).sum::<usize>() <= MAX_REQUEST_BYTES);
            let mut calls = self.calls.lock().unwrap();
            let call = calls.len();
            calls.push(entries.to_vec());
            if self.fail_request == Some(call) {
                return Err("ThrottlingException".into());
            }
            let mut statuses: Vec<_> = (0..entries.len())
                .map(|i| match self.reject_entry {
                    Some(rejected) if rejected == (call, i) => EntryStatus::Failed {
                        code: "InternalFailure".to_owned(),
                        message: "try again".to_owned(),
                    },
                    _ => EntryStatus::Accepted,
                })
                .collect();
            if self.short_answer {
                statuses.pop();
            }
            Ok(statuses)
        }
    }

    impl FakeBus {
        fn calls(&self) -> Vec<Vec<Entry>> {
            self.calls.lock().unwrap().clone()
        }

        fn published_ids(&self) -> Vec<String> {
            self.calls()
                .concat()
                .iter()
                .map(|e| {
                    detail(e)["reservation"]["reservationId"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect()
        }
    }

    /// The records of a fixture batch, to edit before `.into()` a [`StreamBatch`].
    fn batch(fixture: &str) -> Vec<Value> {
        let batch: Value = serde_json::from_str(fixture).unwrap();
        batch["Records"].as_array().unwrap().clone()
    }

    fn detail(entry: &Entry) -> Value {
        serde_json::from_str(&entry.detail).unwrap()
    }

    fn failures(response: &DynamoDbEventResponse) -> Vec<&str> {
        response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_deref().unwrap())
            .collect()
    }

    /// `n` INSERT records built from the first record of [`THREE_INSERTS`], numbered from 1.
    fn inserts(n: u64) -> Vec<Value> {
        let template = batch(THREE_INSERTS).remove(0);
        (1..=n)
            .map(|i| {
                let mut record = template.clone();
                record["dynamodb"]["SequenceNumber"] = json!(format!("{}", 5000 + i));
                record["dynamodb"]["NewImage"]["reservationId"]["S"] = json!(format!("res-{i:04}"));
                record
            })
            .collect()
    }

    #[tokio::test]
    async fn three_inserts_become_three_created_events_in_order() {
        let bus = FakeBus::default();
        let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

        assert!(response.batch_item_failures.is_empty());
        let calls = bus.calls();
        assert_eq!(calls.len(), 1);
        assert!(
            calls[0]
                .iter()
                .all(|e| e.source == SOURCE && e.detail_type == ReservationCreated::DETAIL_TYPE)
        );
        assert_eq!(bus.published_ids(), ["res-0001", "res-0002", "res-0003"]);
        assert_eq!(
            detail(&calls[0][0]),
            json!({ "reservation": {
                "reservationId": "res-0001",
                "restaurantId": "trattoria-42",
                "customerName": "Guest 1",
                "partySize": 3,
                "time": "2026-03-14T19:30:00+01:00",
                "status": "PENDING",
                "createdAt": "2026-03-01T18:40:01Z",
            }})
        );
    }

    #[tokio::test]
    async fn a_batch_read_the_way_lambda_runtime_reads_payloads_is_published() {
        // lambda_runtime 1.x: serde_path_to_error over serde_json::Deserializer::from_slice.
        let mut json = serde_json::Deserializer::from_slice(THREE_INSERTS.as_bytes());
        let batch: StreamBatch = serde_path_to_error::deserialize(&mut json).unwrap();
        let bus = FakeBus::default();
        let response = process(&bus, batch).await.unwrap();

        assert!(response.batch_item_failures.is_empty());
        assert_eq!(bus.published_ids(), ["res-0001", "res-0002", "res-0003"]);
    }

    #[tokio::test]
    async fn rejected_second_entry_reports_the_second_record() {
        let bus = FakeBus {
            reject_entry: Some((0, 1)),
            ..FakeBus::default()
        };
        let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

        assert_eq!(failures(&response), ["4000000000000000000002"]);
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({ "batchItemFailures": [{ "itemIdentifier": "4000000000000000000002" }] })
        );
    }

    #[tokio::test]
    async fn unmappable_record_is_reported_and_nothing_after_it_is_published() {
        let bus = FakeBus::default();
        let response = process(&bus, batch(UNMAPPABLE).into()).await.unwrap();

        assert_eq!(failures(&response), ["4000000000000000000002"]);
        assert_eq!(bus.published_ids(), ["res-0001"]);
    }

    #[tokio::test]
    async fn bad_attribute_types_and_odd_records_are_reported_not_dropped() {
        let cases = [
            ("/dynamodb/NewImage/partySize", json!({ "S": "four" })),
            ("/dynamodb/NewImage", json!({})),
            ("/eventName", json!("UPSERT")),
            ("/dynamodb/SizeBytes", json!("big")),
        ];
        for (pointer, value) in cases {
            let mut records = batch(THREE_INSERTS);
            *records[0].pointer_mut(pointer).unwrap() = value;
            let bus = FakeBus::default();
            let response = process(&bus, records.into()).await.unwrap();
            assert_eq!(failures(&response), ["4000000000000000000001"], "{pointer}");
            assert!(bus.calls().is_empty(), "{pointer}");
        }
    }

    #[tokio::test]
    async fn failure_without_sequence_number_fails_the_whole_batch() {
        let mut records = batch(THREE_INSERTS);
        records[1] = json!({ "eventName": "INSERT" });
        let bus = FakeBus::default();
        assert!(process(&bus, records.into()).await.is_err());
        assert_eq!(bus.published_ids(), ["res-0001"]);
    }

    #[tokio::test]
    async fn twenty_five_records_take_three_requests_of_10_10_5() {
        let bus = FakeBus::default();
        let response = process(&bus, inserts(25).into()).await.unwrap();

        assert!(response.batch_item_failures.is_empty());
        let sizes: Vec<_> = bus.calls().iter().map(Vec::len).collect();
        assert_eq!(sizes, [10, 10, 5]);
        let expected: Vec<_> = (1..=25).map(|i| format!("res-{i:04}")).collect();
        assert_eq!(bus.published_ids(), expected);
    }

    #[tokio::test]
    async fn failed_request_reports_its_first_record_and_stops() {
        let bus = FakeBus {
            fail_request: Some(1),
            ..FakeBus::default()
        };
        let response = process(&bus, inserts(25).into()).await.unwrap();

        assert_eq!(failures(&response), ["5011"]);
        assert_eq!(bus.calls().len(), 2);
    }

    #[tokio::test]
    async fn missing_entry_results_count_as_failed() {
        let bus = FakeBus {
            short_answer: true,
            ..FakeBus::default()
        };
        let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

        assert_eq!(failures(&response), ["4000000000000000000003"]);
    }

    #[tokio::test]
    async fn the_life_cycle_becomes_one_event_per_announced_change() {
        let bus = FakeBus::default();
        let response = process(&bus, batch(LIFE_CYCLE).into()).await.unwrap();

        assert!(response.batch_item_failures.is_empty());
        let entries = bus.calls().concat();
        let kinds: Vec<_> = entries
            .iter()
            .map(|e| {
                let d = detail(e);
                format!(
                    "{} {} {}",
                    e.detail_type,
                    d["reservation"]["reservationId"].as_str().unwrap(),
                    d["previousStatus"].as_str().unwrap_or("-")
                )
            })
            .collect();
        // res-0003 changed another attribute; res-0007 was removed after it had been declined.
        assert_eq!(
            kinds,
            [
                format!("{} res-0001 -", ReservationCreated::DETAIL_TYPE),
                format!("{} res-0002 PENDING", ReservationConfirmed::DETAIL_TYPE),
                format!("{} res-0004 PENDING", ReservationDeclined::DETAIL_TYPE),
                format!("{} res-0005 CONFIRMED", ReservationCancelled::DETAIL_TYPE),
                format!("{} res-0006 CONFIRMED", ReservationCancelled::DETAIL_TYPE),
            ]
        );
        assert_eq!(detail(&entries[4])["reservation"]["status"], "CANCELLED");
    }

    #[tokio::test]
    async fn a_backward_status_change_is_reported_not_published() {
        let mut records = batch(LIFE_CYCLE);
        records[1]["dynamodb"]["OldImage"]["status"]["S"] = json!("CANCELLED");
        let bus = FakeBus::default();
        let response = process(&bus, records.into()).await.unwrap();

        assert_eq!(failures(&response), ["4000000000000000000002"]);
        assert_eq!(bus.published_ids(), ["res-0001"]);
    }

    #[tokio::test]
    async fn an_oversized_entry_is_reported_and_stops_the_batch() {
        let mut records = batch(THREE_INSERTS);
        let name = "x".repeat(MAX_ENTRY_BYTES);
        records[1]["dynamodb"]["NewImage"]["customerName"]["S"] = json!(name);
        let bus = FakeBus::default();
        let response = process(&bus, records.into()).await.unwrap();

        assert_eq!(failures(&response), ["4000000000000000000002"]);
        assert_eq!(bus.published_ids(), ["res-0001"]);
    }

    #[tokio::test]
    async fn large_entries_split_requests_by_size_and_keep_order() {
        // Four entries of ~400 KB: two fit in 1 MB, a third does not.
        let mut records = inserts(4);
        for record in &mut records {
            record["dynamodb"]["NewImage"]["customerName"]["S"] = json!("y".repeat(400_000));
        }
        let bus = FakeBus::default();
        let response = process(&bus, records.into()).await.unwrap();

        assert!(response.batch_item_failures.is_empty());
        let sizes: Vec<_> = bus.calls().iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2]);
        assert_eq!(
            bus.published_ids(),
            ["res-0001", "res-0002", "res-0003", "res-0004"]
        );
    }

    #[test]
    fn request_bounds_respect_count_and_bytes() {
        let entry = |bytes: usize| Entry {
            source: SOURCE,
            detail_type: "T",
            detail: "d".repeat(bytes - SOURCE.len() - 1),
        };
        let small: Vec<_> = (0..21).map(|_| entry(100)).collect();
        assert_eq!(request_bounds(&small), [10, 20, 21]);
        let big = [
            entry(MAX_REQUEST_BYTES),
            entry(100),
            entry(MAX_REQUEST_BYTES - 100),
            entry(100),
        ];
        assert_eq!(request_bounds(&big), [1, 3, 4]);
        assert!(request_bounds(&[]).is_empty());
    }

    #[tokio::test]
    async fn empty_batch_publishes_nothing() {
        let bus = FakeBus::default();
        let response = process(&bus, Vec::<Value>::new().into()).await.unwrap();
        assert!(response.batch_item_failures.is_empty());
        assert!(bus.calls().is_empty());
    }
}

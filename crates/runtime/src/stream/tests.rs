//! The publishing paths on JSON fixtures, with a small test contract: INSERT -> `Created`, a
//! MODIFY that changes the status -> `StatusChanged`, anything else -> nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lambda_runtime::Diagnostic;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;
use crate::contract::{BusinessEvent, Contract, Visitor};

const THREE_INSERTS: &str = include_str!("fixtures/three_inserts.json");
const UNMAPPABLE: &str = include_str!("fixtures/unmappable_record.json");

struct Bookings;
impl Contract for Bookings {
    const SOURCE: &'static str = "bookings";
    fn for_each(visitor: &mut impl Visitor) {
        visitor.visit::<Created>();
        visitor.visit::<StatusChanged>();
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Booking {
    reservation_id: String,
    restaurant_id: String,
    customer_name: String,
    party_size: u8,
    time: String,
    status: String,
    created_at: String,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Created {
    reservation: Booking,
}
impl BusinessEvent for Created {
    type Contract = Bookings;
    const DETAIL_TYPE: &'static str = "Created";
    const DESCRIPTION: &'static str = "A booking was made.";
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct StatusChanged {
    reservation: Booking,
    previous_status: String,
}
impl BusinessEvent for StatusChanged {
    type Contract = Bookings;
    const DETAIL_TYPE: &'static str = "StatusChanged";
    const DESCRIPTION: &'static str = "A booking's status changed.";
}

#[derive(Deserialize)]
struct StatusOnly {
    status: String,
}

struct BookingMapping;
impl Mapping for BookingMapping {
    type Error = ImageError;
    fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, ImageError> {
        match record.event_name() {
            EventName::Insert => Ok(Some(Event::of(&Created {
                reservation: record.new_image()?,
            }))),
            EventName::Modify => {
                let reservation: Booking = record.new_image()?;
                let StatusOnly { status } = record.old_image()?;
                Ok((status != reservation.status).then(|| {
                    Event::of(&StatusChanged {
                        reservation,
                        previous_status: status,
                    })
                }))
            }
            EventName::Remove => Ok(None),
        }
    }
}

async fn process(bus: &MemoryBus, batch: StreamBatch) -> Result<DynamoDbEventResponse, Error> {
    super::process(&BookingMapping, bus, batch).await
}

use crate::lambda::Error;
use aws_lambda_events::streams::DynamoDbEventResponse;

fn published_ids(bus: &MemoryBus) -> Vec<String> {
    bus.entries()
        .iter()
        .map(|e| {
            detail(e)["reservation"]["reservationId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
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

/// Every request the bus got stays within the PutEvents limits.
fn assert_within_limits(bus: &MemoryBus) {
    for request in bus.requests() {
        assert!(request.len() <= MAX_ENTRIES_PER_REQUEST);
        assert!(request.iter().map(Entry::size).sum::<usize>() <= MAX_REQUEST_BYTES);
    }
}

#[tokio::test]
async fn three_inserts_become_three_events_in_order_under_the_contract_s_source() {
    let bus = MemoryBus::default();
    let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

    assert!(response.batch_item_failures.is_empty());
    let requests = bus.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .iter()
            .all(|e| e.source == "bookings" && e.detail_type == "Created")
    );
    assert_eq!(published_ids(&bus), ["res-0001", "res-0002", "res-0003"]);
    assert_eq!(
        detail(&requests[0][0]),
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
    let bus = MemoryBus::default();
    let response = process(&bus, batch).await.unwrap();

    assert!(response.batch_item_failures.is_empty());
    assert_eq!(published_ids(&bus), ["res-0001", "res-0002", "res-0003"]);
}

#[tokio::test]
async fn rejected_second_entry_reports_the_second_record() {
    let bus = MemoryBus::default().reject_entry(0, 1);
    let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

    assert_eq!(failures(&response), ["4000000000000000000002"]);
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({ "batchItemFailures": [{ "itemIdentifier": "4000000000000000000002" }] })
    );
}

#[tokio::test]
async fn unmappable_record_is_reported_and_nothing_after_it_is_published() {
    let bus = MemoryBus::default();
    let response = process(&bus, batch(UNMAPPABLE).into()).await.unwrap();

    assert_eq!(failures(&response), ["4000000000000000000002"]);
    assert_eq!(published_ids(&bus), ["res-0001"]);
}

#[tokio::test]
async fn bad_attribute_types_and_odd_records_are_reported_not_dropped() {
    let cases = [
        ("/dynamodb/NewImage/partySize", json!({ "S": "four" })),
        ("/dynamodb/NewImage/partySize", json!({ "N": 4 })),
        ("/dynamodb/NewImage", json!({})),
        ("/dynamodb/NewImage", json!(null)),
        ("/eventName", json!("UPSERT")),
        ("/dynamodb/SizeBytes", json!("big")),
    ];
    for (pointer, value) in cases {
        let mut records = batch(THREE_INSERTS);
        *records[0].pointer_mut(pointer).unwrap() = value.clone();
        let bus = MemoryBus::default();
        let response = process(&bus, records.into()).await.unwrap();
        assert_eq!(
            failures(&response),
            ["4000000000000000000001"],
            "{pointer} = {value}"
        );
        assert!(bus.requests().is_empty(), "{pointer}");
    }
}

#[test]
fn record_errors_say_what_is_wrong() {
    let mut records = batch(THREE_INSERTS);
    records[0]["eventName"] = json!("UPSERT");
    records[1]["dynamodb"]["NewImage"]
        .as_object_mut()
        .unwrap()
        .remove("customerName");
    records[2] = json!({ "dynamodb": { "SequenceNumber": "9" } });
    let batch = StreamBatch::from(records);
    let errors: Vec<_> = batch
        .records
        .iter()
        .map(|raw| {
            let (sequence_number, entry) = entry(&BookingMapping, raw);
            (sequence_number.unwrap(), entry.unwrap_err().to_string())
        })
        .collect();
    assert_eq!(errors[0].1, "unknown eventName \"UPSERT\"");
    assert!(
        errors[1].1.starts_with("NewImage: ") && errors[1].1.contains("customerName"),
        "{}",
        errors[1].1
    );
    assert_eq!(errors[2].0, "9");
    assert!(
        errors[2].1.starts_with("not a DynamoDB stream record"),
        "{}",
        errors[2].1
    );
}

#[tokio::test]
async fn failure_without_sequence_number_fails_the_whole_batch_as_publish_failed() {
    let mut records = batch(THREE_INSERTS);
    records[1] = json!({ "eventName": "INSERT" });
    let bus = MemoryBus::default();
    let error = process(&bus, records.into()).await.unwrap_err();
    assert_eq!(published_ids(&bus), ["res-0001"]);
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "PublishFailed");
    assert!(diagnostic.error_message.contains("SequenceNumber"));
}

#[tokio::test]
async fn twenty_five_records_take_three_requests_of_10_10_5() {
    let bus = MemoryBus::default();
    let response = process(&bus, inserts(25).into()).await.unwrap();

    assert!(response.batch_item_failures.is_empty());
    assert_within_limits(&bus);
    let sizes: Vec<_> = bus.requests().iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);
    let expected: Vec<_> = (1..=25).map(|i| format!("res-{i:04}")).collect();
    assert_eq!(published_ids(&bus), expected);
}

#[tokio::test]
async fn failed_request_reports_its_first_record_and_stops() {
    let bus = MemoryBus::default().fail_request(1);
    let response = process(&bus, inserts(25).into()).await.unwrap();

    assert_eq!(failures(&response), ["5011"]);
    assert_eq!(bus.requests().len(), 2);
}

#[tokio::test]
async fn missing_entry_results_count_as_failed() {
    let bus = MemoryBus::default().short_answer();
    let response = process(&bus, batch(THREE_INSERTS).into()).await.unwrap();

    assert_eq!(failures(&response), ["4000000000000000000003"]);
}

#[tokio::test]
async fn records_that_mean_nothing_are_skipped_and_do_not_hide_a_later_failure() {
    let mut records = batch(THREE_INSERTS);
    // A MODIFY that changes another attribute, then a MODIFY without its old image.
    let mut same = records[0].clone();
    same["eventName"] = json!("MODIFY");
    same["dynamodb"]["OldImage"] = same["dynamodb"]["NewImage"].clone();
    same["dynamodb"]["SequenceNumber"] = json!("4000000000000000000010");
    let mut changed = same.clone();
    changed["dynamodb"]["OldImage"]["status"]["S"] = json!("NEW");
    changed["dynamodb"]["SequenceNumber"] = json!("4000000000000000000011");
    let mut broken = same.clone();
    broken["dynamodb"]
        .as_object_mut()
        .unwrap()
        .remove("OldImage");
    broken["dynamodb"]["SequenceNumber"] = json!("4000000000000000000012");
    records.splice(1..1, [same, changed, broken]);
    let bus = MemoryBus::default();
    let response = process(&bus, records.into()).await.unwrap();

    assert_eq!(failures(&response), ["4000000000000000000012"]);
    let kinds: Vec<_> = bus.entries().iter().map(|e| e.detail_type).collect();
    assert_eq!(kinds, ["Created", "StatusChanged"]);
    assert_eq!(detail(&bus.entries()[1])["previousStatus"], "NEW");
}

#[tokio::test]
async fn an_oversized_entry_is_reported_and_stops_the_batch() {
    let mut records = batch(THREE_INSERTS);
    let name = "x".repeat(MAX_ENTRY_BYTES);
    records[1]["dynamodb"]["NewImage"]["customerName"]["S"] = json!(name);
    let bus = MemoryBus::default();
    let response = process(&bus, records.into()).await.unwrap();

    assert_eq!(failures(&response), ["4000000000000000000002"]);
    assert_eq!(published_ids(&bus), ["res-0001"]);
}

#[tokio::test]
async fn large_entries_split_requests_by_size_and_keep_order() {
    // Four entries of ~400 KB: two fit in 1 MB, a third does not.
    let mut records = inserts(4);
    for record in &mut records {
        record["dynamodb"]["NewImage"]["customerName"]["S"] = json!("y".repeat(400_000));
    }
    let bus = MemoryBus::default();
    let response = process(&bus, records.into()).await.unwrap();

    assert!(response.batch_item_failures.is_empty());
    assert_within_limits(&bus);
    let sizes: Vec<_> = bus.requests().iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2]);
    assert_eq!(
        published_ids(&bus),
        ["res-0001", "res-0002", "res-0003", "res-0004"]
    );
}

#[test]
fn request_bounds_respect_count_and_bytes() {
    let entry = |bytes: usize| Entry {
        source: "s",
        detail_type: "T",
        detail: "d".repeat(bytes - 2),
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

#[test]
fn an_event_is_measured_as_eventbridge_counts_it() {
    let event = Event::of(&StatusChanged {
        reservation: Booking {
            reservation_id: "r".into(),
            restaurant_id: "t".into(),
            customer_name: "Ada".into(),
            party_size: 2,
            time: "now".into(),
            status: "DONE".into(),
            created_at: "then".into(),
        },
        previous_status: "NEW".into(),
    });
    assert_eq!(
        (event.source(), event.detail_type()),
        ("bookings", "StatusChanged")
    );
    let entry = event.into_entry().unwrap();
    assert_eq!(
        entry.size(),
        "bookings".len() + "StatusChanged".len() + entry.detail.len()
    );
}

#[tokio::test]
async fn empty_batch_publishes_nothing() {
    let bus = MemoryBus::default();
    let response = process(&bus, Vec::<Value>::new().into()).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert!(bus.requests().is_empty());
}

//! The data path on a local AWS: API -> table -> stream -> publisher -> bus -> rule -> queue; the
//! failed-batch path through S3 and the re-drive; the staff email through SES.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use create_reservation::ReservationsApi;
use lambda_http::http::StatusCode;
use notify_staff::ses::SesNotifier;
use notify_staff::{Notifier, NotifyStaff};
use reservations::events::{
    BusinessEvent, ReservationConfirmed, ReservationCreated, ReservationEvent, SOURCE,
};
use reservations::{Reservation, Status};
use serde_json::{Value, json};
use stream_publisher::ReservationMapping;
use tributary_moto_tests::*;
use tributary_runtime::api::DynamoStore;
use tributary_runtime::redrive::{DONE_PREFIX, FAILED_PREFIX, FailedBatches, Outcome};
use tributary_runtime::stream::{EventBridgeBus, StreamBatch};

/// The create-reservation function's work for one request.
async fn post(
    store: &DynamoStore,
    request: lambda_http::Request,
) -> lambda_http::Response<lambda_http::Body> {
    tributary_runtime::api::handle(&ReservationsApi, store, request).await
}

/// The stream publisher's work for one batch.
async fn publish(
    bus: &EventBridgeBus,
    batch: StreamBatch,
) -> tributary_runtime::stream::DynamoDbEventResponse {
    tributary_runtime::stream::process(&ReservationMapping, bus, batch)
        .await
        .unwrap()
}

/// The re-drive command's work.
async fn redrive(batches: &FailedBatches, bus: &EventBridgeBus, dry_run: bool) -> Vec<Outcome> {
    tributary_runtime::redrive::redrive(&ReservationMapping, batches, bus, FAILED_PREFIX, dry_run)
        .await
        .unwrap()
}

/// How long delivered events may take to reach a queue.
const DELIVERY: Duration = Duration::from_secs(20);
/// How long to listen for events that must not arrive.
const QUIET: Duration = Duration::from_secs(2);

fn reservation_body(name: &str, party: u8) -> Value {
    json!({
        "restaurantId": "trattoria-42",
        "customerName": name,
        "partySize": party,
        "time": "2026-12-24T19:30:00+01:00",
    })
}

fn json_body(response: &lambda_http::Response<lambda_http::Body>) -> Value {
    serde_json::from_slice(response.body()).unwrap()
}

/// `(detail-type, reservationId, previousStatus)` of each delivered event, checked against the
/// contract's types.
fn summary(bodies: &[Value]) -> Vec<(String, String, Option<Status>)> {
    let mut out: Vec<_> = bodies
        .iter()
        .map(|b| {
            assert_eq!(b["source"], SOURCE);
            let detail_type = b["detail-type"].as_str().unwrap();
            let event = ReservationEvent::from_detail(detail_type, b["detail"].clone()).unwrap();
            let previous = match &event {
                ReservationEvent::Confirmed(e) => Some(e.previous_status),
                _ => None,
            };
            (
                detail_type.to_owned(),
                event.reservation().reservation_id.clone(),
                previous,
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_reservation_travels_from_the_api_to_the_synthesized_rule_s_queue() {
    let Some(aws) = local_aws().await else { return };
    let table = unique("reservations");
    let stream_arn = create_table(&aws, &table).await;
    let bus = unique("bus");
    // The rule the synthesizer emitted for NotifyStaff, and one for every reservation event.
    let created_queue = bus_with_rule_to_queue(&aws, &bus, &synthesized_rule_pattern()).await;
    let all = json!({ "source": [SOURCE] }).to_string();
    let all_queue = bus_with_rule_to_queue(&aws, &bus, &all).await;

    // The API: two new reservations, a replay, a conflicting reuse of the key.
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&aws), table.clone());
    let ada = reservation_body("Ada Lovelace", 4);
    let first = post(&store, api_request(&ada, Some("order-1"), "req-1")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let replay = post(&store, api_request(&ada, Some("order-1"), "req-2")).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(json_body(&replay), json_body(&first));
    let other = reservation_body("Ada Lovelace", 6);
    let conflict = post(&store, api_request(&other, Some("order-1"), "req-3")).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    let mut grace = reservation_body("Grace Hopper", 2);
    grace["reservationId"] = json!("client-0001");
    let second = post(&store, api_request(&grace, None, "req-4")).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let ada_id = json_body(&first)["reservationId"]
        .as_str()
        .unwrap()
        .to_owned();

    // The restaurant confirms Ada's reservation.
    aws_sdk_dynamodb::Client::new(&aws)
        .update_item()
        .table_name(&table)
        .key(
            "reservationId",
            aws_sdk_dynamodb::types::AttributeValue::S(ada_id.clone()),
        )
        .update_expression("SET #s = :confirmed")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(
            ":confirmed",
            aws_sdk_dynamodb::types::AttributeValue::S("CONFIRMED".into()),
        )
        .send()
        .await
        .unwrap();

    // Lambda's part: the stream's records, as one batch, to the publisher.
    let records = read_stream(&aws, &stream_arn).await;
    let names: Vec<_> = records
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["INSERT", "INSERT", "MODIFY"],
        "nothing but the 3 changes was written"
    );
    let publisher = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&aws), bus.clone());
    let response = publish(&publisher, StreamBatch::from(records)).await;
    assert!(response.batch_item_failures.is_empty());

    let created = summary(&receive(&aws, &created_queue, 2, DELIVERY).await);
    assert_eq!(
        created,
        [
            (
                ReservationCreated::DETAIL_TYPE.to_owned(),
                ada_id.clone(),
                None
            ),
            (
                ReservationCreated::DETAIL_TYPE.to_owned(),
                "client-0001".to_owned(),
                None
            ),
        ]
    );
    let every = summary(&receive(&aws, &all_queue, 3, DELIVERY).await);
    assert!(every.contains(&(
        ReservationConfirmed::DETAIL_TYPE.to_owned(),
        ada_id,
        Some(Status::Pending)
    )));
    assert_eq!(every.len(), 3);
}

#[tokio::test]
async fn failed_batches_keep_their_records_and_the_redrive_publishes_them() {
    let Some(aws) = local_aws().await else { return };
    let table = unique("reservations");
    let stream_arn = create_table(&aws, &table).await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&aws), table.clone());
    for (name, key) in [("Ada Lovelace", "k-1"), ("Grace Hopper", "k-2")] {
        let response = post(
            &store,
            api_request(&reservation_body(name, 3), Some(key), key),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let records = read_stream(&aws, &stream_arn).await;
    assert_eq!(records.len(), 2);

    // The publisher is misconfigured (its bus does not exist): the first record is reported, so
    // Lambda would retry from it and, retries used up, give the batch to the on-failure bucket.
    let broken = EventBridgeBus::new(
        aws_sdk_eventbridge::Client::new(&aws),
        unique("no-such-bus"),
    );
    let response = publish(&broken, StreamBatch::from(records.clone())).await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(
        failed,
        [records[0]["dynamodb"]["SequenceNumber"].as_str().unwrap()]
    );

    let bucket = unique("failed-batches");
    let s3 = aws_sdk_s3::Client::new(&aws);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let document = invocation_record(
        &records,
        &stream_arn,
        "arn:aws:lambda:us-east-1:123456789012:function:Reservations-Publisher",
    );
    let key = format!(
        "{FAILED_PREFIX}6f1c2d3e-0000-4000-8000-000000000001/shardId-00000001541626099285-f35f62ef/2026/11/26/2026-11-26T19.00.00-0d3e"
    );
    put_object(&aws, &bucket, &key, document.to_string().into_bytes()).await;

    // The bodies are kept: the stream's 24 hours no longer matter.
    let batches = FailedBatches::new(s3.clone(), bucket.clone());
    let kept = batches.get(&key).await.unwrap().batch().unwrap();
    let names: Vec<_> = kept
        .records
        .iter()
        .map(|r| {
            let record: Value = serde_json::from_str(r.get()).unwrap();
            record["dynamodb"]["NewImage"]["customerName"]["S"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["Ada Lovelace", "Grace Hopper"]);

    // Fixed: the bus exists. A dry run changes nothing; the re-drive publishes and moves.
    let bus = unique("bus");
    let queue = bus_with_rule_to_queue(&aws, &bus, &synthesized_rule_pattern()).await;
    let fixed = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&aws), bus);
    let dry = redrive(&batches, &fixed, true).await;
    assert_eq!(
        dry,
        [Outcome::Published {
            key: key.clone(),
            records: 2
        }]
    );
    assert!(receive(&aws, &queue, 1, QUIET).await.is_empty());

    let outcomes = redrive(&batches, &fixed, false).await;
    assert_eq!(
        outcomes,
        [Outcome::Published {
            key: key.clone(),
            records: 2
        }]
    );
    let delivered = summary(&receive(&aws, &queue, 2, DELIVERY).await);
    assert_eq!(delivered.len(), 2);
    assert!(batches.keys(FAILED_PREFIX).await.unwrap().is_empty());
    assert_eq!(
        batches.keys(DONE_PREFIX).await.unwrap(),
        [format!("{DONE_PREFIX}{key}")]
    );
}

#[tokio::test]
async fn a_batch_that_still_fails_stays_in_the_bucket() {
    let Some(aws) = local_aws().await else { return };
    let bucket = unique("failed-batches");
    let s3 = aws_sdk_s3::Client::new(&aws);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let record = json!({
        "eventName": "MODIFY",
        "dynamodb": {
            "SequenceNumber": "1100000000000000000001",
            "NewImage": { "reservationId": { "S": "r-1" } },
            "OldImage": { "status": { "S": "PENDING" } },
        },
    });
    let key = format!("{FAILED_PREFIX}esm/shard/2026/11/26/broken");
    let document = invocation_record(
        &[record],
        "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
        "arn:f",
    );
    put_object(&aws, &bucket, &key, document.to_string().into_bytes()).await;
    let garbage = format!("{FAILED_PREFIX}esm/shard/2026/11/26/not-json");
    put_object(&aws, &bucket, &garbage, b"{".to_vec()).await;

    let bus = EventBridgeBus::new(aws_sdk_eventbridge::Client::new(&aws), unique("bus"));
    let batches = FailedBatches::new(s3, bucket);
    let outcomes = redrive(&batches, &bus, false).await;
    assert_eq!(outcomes.len(), 2);
    for outcome in &outcomes {
        assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    }
    let Outcome::Failed { reason, .. } = &outcomes[0] else {
        unreachable!()
    };
    assert!(
        reason.contains("1100000000000000000001 still fails"),
        "{reason}"
    );
    assert_eq!(batches.keys(FAILED_PREFIX).await.unwrap(), [key, garbage]);
}

#[tokio::test]
async fn the_staff_email_goes_out_through_ses_from_a_verified_sender_only() {
    let Some(aws) = local_aws().await else { return };
    let sender = format!("{}@example.com", unique("reservations"));
    let reservation = Reservation {
        reservation_id: "res-0001".into(),
        restaurant_id: "trattoria-42".into(),
        customer_name: "Ada Lovelace".into(),
        party_size: 4,
        time: "2026-12-24T19:30:00+01:00".into(),
        status: Status::Pending,
        created_at: "2026-11-26T19:00:00Z".into(),
    };
    let ses = aws_sdk_sesv2::Client::new(&aws);
    let unverified = SesNotifier::new(ses.clone(), sender.clone(), "staff@example.com".into());
    let error = unverified.notify(&reservation).await.unwrap_err();
    assert!(
        error.to_string().contains("SES SendEmail failed"),
        "{error}"
    );

    ses.create_email_identity()
        .email_identity(&sender)
        .send()
        .await
        .unwrap();
    let notifier = SesNotifier::new(ses, sender, "staff@example.com".into());
    let event = json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": ReservationCreated::DETAIL_TYPE,
        "source": SOURCE,
        "account": "123456789012",
        "time": "2026-11-26T19:00:01Z",
        "region": "us-east-1",
        "resources": [],
        "detail": { "reservation": reservation },
    });
    tributary_runtime::target::handle(&NotifyStaff(notifier), event)
        .await
        .unwrap();
}

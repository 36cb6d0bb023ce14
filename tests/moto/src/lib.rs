//! A harness for running the handlers against a local AWS: moto server on 127.0.0.1.
//!
//! The tests use the SDK's standard configuration, exactly as the Lambda functions do
//! (`aws_config::load_defaults`): `AWS_ENDPOINT_URL` points every client at moto, and
//! `AWS_REGION`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` hold anything. `.ci/with-moto
//! <command>` starts moto on a free port, exports those, runs the command and stops moto.
//!
//! Without `AWS_ENDPOINT_URL` the tests say they are skipped and pass, except under CI (`CI` set),
//! where they fail. An endpoint that is not on loopback is refused: these tests create resources.
//!
//! Moto runs no Lambda functions here (that needs Docker), so the harness plays Lambda's part: it
//! reads the table's stream and hands the records to the publisher as an invocation event, and
//! writes the on-failure invocation record to S3 in the documented format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    StreamSpecification, StreamViewType,
};
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use aws_sdk_eventbridge::types::Target;
use serde_json::{Value, json};

/// The SDK configuration of the local AWS, or `None` (skip) when there is none outside CI.
pub async fn local_aws() -> Option<SdkConfig> {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) => {
            let local = ["http://127.0.0.1:", "http://localhost:"]
                .iter()
                .any(|p| url.starts_with(p));
            assert!(
                local,
                "refusing to run against {url}: these tests create resources; point \
                 AWS_ENDPOINT_URL at a local moto server (.ci/with-moto)"
            );
            Some(aws_config::load_defaults(BehaviorVersion::latest()).await)
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI runs these tests against moto: run them through .ci/with-moto")
        }
        Err(_) => {
            eprintln!("skipped: no local AWS; run through .ci/with-moto to include this test");
            None
        }
    }
}

/// A name no other test (or earlier run against the same server) uses: lowercase, so it is a valid
/// table, bus, queue and bucket name.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// Creates the reservations table as the synthesizer declares it (partition key `reservationId`,
/// stream with new and old images); returns its stream ARN.
pub async fn create_table(config: &SdkConfig, name: &str) -> String {
    let client = aws_sdk_dynamodb::Client::new(config);
    let output = client
        .create_table()
        .table_name(name)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("reservationId")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("reservationId")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    output
        .table_description
        .and_then(|t| t.latest_stream_arn)
        .expect("the table has a stream")
}

/// Every record of the stream so far, in order, shaped as Lambda delivers them to a function.
pub async fn read_stream(config: &SdkConfig, stream_arn: &str) -> Vec<Value> {
    let client = aws_sdk_dynamodbstreams::Client::new(config);
    let stream = client
        .describe_stream()
        .stream_arn(stream_arn)
        .send()
        .await
        .unwrap()
        .stream_description
        .unwrap();
    let mut records = Vec::new();
    for shard in stream.shards() {
        let mut iterator = client
            .get_shard_iterator()
            .stream_arn(stream_arn)
            .shard_id(shard.shard_id().unwrap())
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap()
            .shard_iterator;
        while let Some(it) = iterator {
            let page = client
                .get_records()
                .shard_iterator(it)
                .send()
                .await
                .unwrap();
            if page.records().is_empty() {
                break;
            }
            records.extend(page.records().iter().map(|r| lambda_record(r, stream_arn)));
            iterator = page.next_shard_iterator;
        }
    }
    records
}

fn item(
    attributes: Option<&HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>,
) -> Option<Value> {
    let attributes = attributes?;
    let map: HashMap<String, serde_dynamo::AttributeValue> = attributes
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    Some(serde_json::to_value(serde_dynamo::Item::from(map)).unwrap())
}

/// One stream record as Lambda's DynamoDB event carries it.
fn lambda_record(r: &aws_sdk_dynamodbstreams::types::Record, stream_arn: &str) -> Value {
    let d = r.dynamodb().unwrap();
    let mut change = json!({
        "ApproximateCreationDateTime": d.approximate_creation_date_time().map(|t| t.secs()),
        "Keys": item(d.keys()),
        "SequenceNumber": d.sequence_number(),
        "SizeBytes": d.size_bytes(),
        "StreamViewType": d.stream_view_type().map(|v| v.as_str()),
    });
    if let Some(image) = item(d.new_image()) {
        change["NewImage"] = image;
    }
    if let Some(image) = item(d.old_image()) {
        change["OldImage"] = image;
    }
    json!({
        "eventID": r.event_id(),
        "eventName": r.event_name().map(|n| n.as_str()),
        "eventVersion": r.event_version(),
        "eventSource": "aws:dynamodb",
        "awsRegion": r.aws_region(),
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    })
}

/// Creates `bus`, a queue, and a rule on the bus with `pattern` that delivers to the queue;
/// returns the queue URL.
pub async fn bus_with_rule_to_queue(config: &SdkConfig, bus: &str, pattern: &str) -> String {
    let events = aws_sdk_eventbridge::Client::new(config);
    let sqs = aws_sdk_sqs::Client::new(config);
    let _ = events.create_event_bus().name(bus).send().await;
    let queue_url = sqs
        .create_queue()
        .queue_name(unique("events"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .unwrap();
    let rule = unique("rule");
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(bus)
        .event_pattern(pattern)
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(bus)
        .targets(
            Target::builder()
                .id("Queue")
                .arn(queue_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    queue_url
}

/// Receives (and deletes) messages until `count` arrived or `within` passed; bodies as JSON.
pub async fn receive(
    config: &SdkConfig,
    queue_url: &str,
    count: usize,
    within: Duration,
) -> Vec<Value> {
    let sqs = aws_sdk_sqs::Client::new(config);
    let deadline = Instant::now() + within;
    let mut bodies = Vec::new();
    while bodies.len() < count && Instant::now() < deadline {
        let output = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for message in output.messages() {
            bodies.push(serde_json::from_str(message.body().unwrap()).unwrap());
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    bodies
}

/// The event pattern of the synthesized `OnReservationCreated` rule, from the checked-in
/// template (kept current by the synthesizer's tests).
pub fn synthesized_rule_pattern() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../templates/reservations/StaffNotifications.template.json"
    );
    let template: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rule = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::Events::Rule")
        .expect("the template has a rule");
    rule["Properties"]["EventPattern"].to_string()
}

/// An HTTP API (payload 2.0) `POST /reservations` event with `body`, an optional
/// `Idempotency-Key`, and API Gateway's request id.
pub fn api_request(body: &Value, key: Option<&str>, request_id: &str) -> lambda_http::Request {
    let mut headers = json!({ "content-type": "application/json" });
    if let Some(key) = key {
        headers["idempotency-key"] = json!(key);
    }
    let event = json!({
        "version": "2.0",
        "routeKey": "POST /reservations",
        "rawPath": "/reservations",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "local.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "local",
            "http": { "method": "POST", "path": "/reservations", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "moto-tests" },
            "requestId": request_id,
            "routeKey": "POST /reservations",
            "stage": "$default",
            "time": "26/Nov/2026:19:00:00 +0000",
            "timeEpoch": 1_795_719_600_000_i64,
        },
        "body": body.to_string(),
        "isBase64Encoded": false,
    });
    lambda_http::request::from_str(&event.to_string()).unwrap()
}

/// What Lambda writes to an S3 on-failure destination for a batch it gave up on (the documented
/// invocation record: metadata plus the whole invocation event as a JSON string).
pub fn invocation_record(records: &[Value], stream_arn: &str, function_arn: &str) -> Value {
    let sequence = |r: &Value| r["dynamodb"]["SequenceNumber"].clone();
    json!({
        "requestContext": {
            "requestId": "7c1f0d9e-3b1a-4c55-9d0e-6a1b2c3d4e5f",
            "functionArn": function_arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 4,
        },
        "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
        "version": "1.0",
        "timestamp": "2026-11-26T19:00:00.000Z",
        "DDBStreamBatchInfo": {
            "shardId": "shardId-00000001541626099285-f35f62ef",
            "startSequenceNumber": sequence(&records[0]),
            "endSequenceNumber": sequence(&records[records.len() - 1]),
            "approximateArrivalOfFirstRecord": "2026-11-26T19:00:00Z",
            "approximateArrivalOfLastRecord": "2026-11-26T19:00:00Z",
            "batchSize": records.len(),
            "streamArn": stream_arn,
        },
        "payload": json!({ "Records": records }).to_string(),
    })
}

/// Writes `body` to `s3://bucket/key`.
pub async fn put_object(config: &SdkConfig, bucket: &str, key: &str, body: Vec<u8>) {
    aws_sdk_s3::Client::new(config)
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.into())
        .send()
        .await
        .unwrap();
}

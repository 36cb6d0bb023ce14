//! The IAM vocabulary grants use, in one place: actions, service principals and condition keys.
//! Apps never write IAM: wiring a mapping, a target or a route adds exactly these, scoped to the
//! ARNs of the handles involved.

use crate::core::value::Value;

/// Write one item of a table (conditional puts included) and read it back.
pub const TABLE_WRITE: &[&str] = &[
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:ConditionCheckItem",
];
/// Read items of a table.
pub const TABLE_READ: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
];
/// Read a table's stream (scoped to the stream ARN).
pub const STREAM_READ: &[&str] = &[
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
];
/// List streams: only valid with `Resource: "*"` (AWS has no resource type for it).
pub const STREAM_LIST: &[&str] = &["dynamodb:ListStreams"];
/// Send to a queue.
pub const QUEUE_SEND: &[&str] = &["sqs:SendMessage"];
/// Publish to a topic.
pub const TOPIC_PUBLISH: &[&str] = &["sns:Publish"];
/// Write objects (an S3 on-failure destination).
pub const BUCKET_PUT: &[&str] = &["s3:PutObject"];
/// List a bucket (an S3 on-failure destination checks the bucket).
pub const BUCKET_LIST: &[&str] = &["s3:ListBucket"];
/// Sending email with SES v2 `SendEmail` (scoped to the sending identities).
pub const SES_SEND: &[&str] = &["ses:SendEmail"];
/// Put events on a bus.
pub const BUS_PUT_EVENTS: &[&str] = &["events:PutEvents"];
/// Write a function's logs to its log group.
pub const LOGS_WRITE: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];
/// Send X-Ray traces: only valid with `Resource: "*"`.
pub const XRAY_WRITE: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
/// Assume a role (a trust policy's only action).
pub const ASSUME_ROLE: &[&str] = &["sts:AssumeRole"];
/// Everything on a bucket: only in the Deny statement that refuses plain-HTTP requests.
pub const BUCKET_ALL: &[&str] = &["s3:*"];
/// Invoke a function.
pub const LAMBDA_INVOKE: &str = "lambda:InvokeFunction";

/// The Lambda service principal.
pub const LAMBDA_SERVICE: &str = "lambda.amazonaws.com";
/// The EventBridge service principal.
pub const EVENTS_SERVICE: &str = "events.amazonaws.com";
/// The API Gateway service principal.
pub const APIGATEWAY_SERVICE: &str = "apigateway.amazonaws.com";

/// The condition key that says whether a request came over TLS.
pub const SECURE_TRANSPORT_KEY: &str = "aws:SecureTransport";
/// The condition key holding the ARN of the resource a service principal acts for.
pub const SOURCE_ARN_KEY: &str = "aws:SourceArn";

/// The condition of a statement about plain-HTTP requests: `{"Bool": {"aws:SecureTransport": "false"}}`.
pub fn insecure_transport() -> Value {
    Value::map([("Bool", Value::map([(SECURE_TRANSPORT_KEY, "false".into())]))])
}

/// The condition that scopes a service principal to one source resource:
/// `{"ArnEquals": {"aws:SourceArn": <arn>}}`.
pub fn source_arn_equals(arn: Value) -> Value {
    Value::map([("ArnEquals", Value::map([(SOURCE_ARN_KEY, arn)]))])
}

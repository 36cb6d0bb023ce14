//! The IAM vocabulary grants use, in one place: actions, service principals and condition keys.
//! Apps never write IAM: wiring a mapping, a target or a route adds exactly these, scoped to the
//! ARNs of the handles involved.

use std::fmt;

use crate::core::value::{Pseudo, Value};

/// An IAM action a grant allows (or, for [`Action::S3All`], the bucket policy denies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `dynamodb:PutItem`.
    DynamoDbPutItem,
    /// `dynamodb:UpdateItem`.
    DynamoDbUpdateItem,
    /// `dynamodb:DeleteItem`.
    DynamoDbDeleteItem,
    /// `dynamodb:GetItem`.
    DynamoDbGetItem,
    /// `dynamodb:ConditionCheckItem`.
    DynamoDbConditionCheckItem,
    /// `dynamodb:Query`.
    DynamoDbQuery,
    /// `dynamodb:BatchGetItem`.
    DynamoDbBatchGetItem,
    /// `dynamodb:DescribeStream`.
    DynamoDbDescribeStream,
    /// `dynamodb:GetRecords`.
    DynamoDbGetRecords,
    /// `dynamodb:GetShardIterator`.
    DynamoDbGetShardIterator,
    /// `dynamodb:ListStreams`.
    DynamoDbListStreams,
    /// `events:PutEvents`.
    EventsPutEvents,
    /// `lambda:InvokeFunction`.
    LambdaInvokeFunction,
    /// `logs:CreateLogStream`.
    LogsCreateLogStream,
    /// `logs:PutLogEvents`.
    LogsPutLogEvents,
    /// `s3:*` (only in the Deny statement that refuses plain-HTTP requests).
    S3All,
    /// `s3:ListBucket`.
    S3ListBucket,
    /// `s3:PutObject`.
    S3PutObject,
    /// `ses:SendEmail`.
    SesSendEmail,
    /// `sns:Publish`.
    SnsPublish,
    /// `sqs:SendMessage`.
    SqsSendMessage,
    /// `sts:AssumeRole`.
    StsAssumeRole,
    /// `xray:PutTelemetryRecords`.
    XRayPutTelemetryRecords,
    /// `xray:PutTraceSegments`.
    XRayPutTraceSegments,
}

impl Action {
    /// Every action, in the order of the enum.
    pub const ALL: [Action; 24] = [
        Self::DynamoDbPutItem,
        Self::DynamoDbUpdateItem,
        Self::DynamoDbDeleteItem,
        Self::DynamoDbGetItem,
        Self::DynamoDbConditionCheckItem,
        Self::DynamoDbQuery,
        Self::DynamoDbBatchGetItem,
        Self::DynamoDbDescribeStream,
        Self::DynamoDbGetRecords,
        Self::DynamoDbGetShardIterator,
        Self::DynamoDbListStreams,
        Self::EventsPutEvents,
        Self::LambdaInvokeFunction,
        Self::LogsCreateLogStream,
        Self::LogsPutLogEvents,
        Self::S3All,
        Self::S3ListBucket,
        Self::S3PutObject,
        Self::SesSendEmail,
        Self::SnsPublish,
        Self::SqsSendMessage,
        Self::StsAssumeRole,
        Self::XRayPutTelemetryRecords,
        Self::XRayPutTraceSegments,
    ];

    /// The name a policy statement's `Action` carries, e.g. `sqs:SendMessage`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DynamoDbPutItem => "dynamodb:PutItem",
            Self::DynamoDbUpdateItem => "dynamodb:UpdateItem",
            Self::DynamoDbDeleteItem => "dynamodb:DeleteItem",
            Self::DynamoDbGetItem => "dynamodb:GetItem",
            Self::DynamoDbConditionCheckItem => "dynamodb:ConditionCheckItem",
            Self::DynamoDbQuery => "dynamodb:Query",
            Self::DynamoDbBatchGetItem => "dynamodb:BatchGetItem",
            Self::DynamoDbDescribeStream => "dynamodb:DescribeStream",
            Self::DynamoDbGetRecords => "dynamodb:GetRecords",
            Self::DynamoDbGetShardIterator => "dynamodb:GetShardIterator",
            Self::DynamoDbListStreams => "dynamodb:ListStreams",
            Self::EventsPutEvents => "events:PutEvents",
            Self::LambdaInvokeFunction => "lambda:InvokeFunction",
            Self::LogsCreateLogStream => "logs:CreateLogStream",
            Self::LogsPutLogEvents => "logs:PutLogEvents",
            Self::S3All => "s3:*",
            Self::S3ListBucket => "s3:ListBucket",
            Self::S3PutObject => "s3:PutObject",
            Self::SesSendEmail => "ses:SendEmail",
            Self::SnsPublish => "sns:Publish",
            Self::SqsSendMessage => "sqs:SendMessage",
            Self::StsAssumeRole => "sts:AssumeRole",
            Self::XRayPutTelemetryRecords => "xray:PutTelemetryRecords",
            Self::XRayPutTraceSegments => "xray:PutTraceSegments",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Action> for &'static str {
    fn from(action: Action) -> Self {
        action.as_str()
    }
}

impl From<Action> for Value {
    /// The action's name, for the `Action` property of an `AWS::Lambda::Permission`.
    fn from(action: Action) -> Self {
        Value::from(action.as_str())
    }
}

/// Put items of a table (conditional puts included) and read one back: what a writer of new
/// records needs.
pub const TABLE_CREATE: &[Action] = &[Action::DynamoDbPutItem, Action::DynamoDbGetItem];
/// Put, update and delete items of a table, and read one back.
pub const TABLE_WRITE: &[Action] = &[
    Action::DynamoDbPutItem,
    Action::DynamoDbUpdateItem,
    Action::DynamoDbDeleteItem,
    Action::DynamoDbGetItem,
    Action::DynamoDbConditionCheckItem,
];
/// Read items of a table.
pub const TABLE_READ: &[Action] = &[
    Action::DynamoDbGetItem,
    Action::DynamoDbQuery,
    Action::DynamoDbBatchGetItem,
];
/// Write items of a table and read them, one or by query.
pub const TABLE_READ_WRITE: &[Action] = &[
    Action::DynamoDbPutItem,
    Action::DynamoDbUpdateItem,
    Action::DynamoDbDeleteItem,
    Action::DynamoDbGetItem,
    Action::DynamoDbConditionCheckItem,
    Action::DynamoDbQuery,
    Action::DynamoDbBatchGetItem,
];
/// Read a table's stream (scoped to the stream ARN).
pub const STREAM_READ: &[Action] = &[
    Action::DynamoDbDescribeStream,
    Action::DynamoDbGetRecords,
    Action::DynamoDbGetShardIterator,
];
/// List streams: only valid with `Resource: "*"` (AWS has no resource type for it).
pub const STREAM_LIST: &[Action] = &[Action::DynamoDbListStreams];
/// Send to a queue.
pub const QUEUE_SEND: &[Action] = &[Action::SqsSendMessage];
/// Publish to a topic.
pub const TOPIC_PUBLISH: &[Action] = &[Action::SnsPublish];
/// Write objects (an S3 on-failure destination).
pub const BUCKET_PUT: &[Action] = &[Action::S3PutObject];
/// List a bucket (an S3 on-failure destination checks the bucket).
pub const BUCKET_LIST: &[Action] = &[Action::S3ListBucket];
/// Sending email with SES v2 `SendEmail` (scoped to the sending identities).
pub const SES_SEND: &[Action] = &[Action::SesSendEmail];
/// Put events on a bus.
pub const BUS_PUT_EVENTS: &[Action] = &[Action::EventsPutEvents];
/// Write a function's logs to its log group.
pub const LOGS_WRITE: &[Action] = &[Action::LogsCreateLogStream, Action::LogsPutLogEvents];
/// Send X-Ray traces: only valid with `Resource: "*"`.
pub const XRAY_WRITE: &[Action] = &[
    Action::XRayPutTraceSegments,
    Action::XRayPutTelemetryRecords,
];
/// Assume a role (a trust policy's only action).
pub const ASSUME_ROLE: &[Action] = &[Action::StsAssumeRole];
/// Everything on a bucket: only in the Deny statement that refuses plain-HTTP requests.
pub const BUCKET_ALL: &[Action] = &[Action::S3All];
/// Invoke a function (the action of the `AWS::Lambda::Permission`s that rules and routes add).
pub const LAMBDA_INVOKE: Action = Action::LambdaInvokeFunction;

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

/// The condition key holding the account of the resource a service principal acts for.
pub const SOURCE_ACCOUNT_KEY: &str = "aws:SourceAccount";

/// The condition key holding the account that owns the S3 bucket a request is for.
pub const S3_RESOURCE_ACCOUNT_KEY: &str = "s3:ResourceAccount";

/// The condition that a request is for a bucket of the stack's own account:
/// `{"StringEquals": {"s3:ResourceAccount": {"Ref": "AWS::AccountId"}}}`. A grant on a bucket
/// named by its name alone would also reach a bucket of that name in another account (bucket
/// names are global): if the bucket is ever deleted and its name taken, the writes would go there.
pub fn resource_account_is_own() -> Value {
    Value::map([(
        "StringEquals",
        Value::map([(S3_RESOURCE_ACCOUNT_KEY, Value::Pseudo(Pseudo::AccountId))]),
    )])
}

/// The condition of a statement about plain-HTTP requests: `{"Bool": {"aws:SecureTransport": "false"}}`.
pub fn insecure_transport() -> Value {
    Value::map([("Bool", Value::map([(SECURE_TRANSPORT_KEY, "false".into())]))])
}

/// The condition that scopes a service principal to one source resource:
/// `{"ArnEquals": {"aws:SourceArn": <arn>}}`.
pub fn source_arn_equals(arn: Value) -> Value {
    Value::map([("ArnEquals", Value::map([(SOURCE_ARN_KEY, arn)]))])
}

/// The condition that scopes a service principal to one source resource of the stack's own
/// account: `{"StringEquals": {"aws:SourceAccount": <account>}, "ArnEquals": {"aws:SourceArn":
/// <arn>}}` (a trust policy's guard against the confused deputy).
pub fn source_of_own_account(arn: Value) -> Value {
    Value::map([
        (
            "StringEquals",
            Value::map([(SOURCE_ACCOUNT_KEY, Value::Pseudo(Pseudo::AccountId))]),
        ),
        ("ArnEquals", Value::map([(SOURCE_ARN_KEY, arn)])),
    ])
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn actions_are_distinct_service_and_name() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            let (service, name) = a.as_str().split_once(':').unwrap_or_default();
            assert!(!service.is_empty() && !name.is_empty(), "{a}");
            assert!(seen.insert(a.as_str()), "{a} twice");
        }
    }
}

//! The checkov checks that do not apply to what the constructs build, each with the reason the
//! constructs record next to the resource (`Metadata.checkov.skip`), so a scan of the output
//! fails only on what someone should look at.

/// A checkov check id and why it does not apply.
pub type Skip = (&'static str, &'static str);

/// CKV_AWS_117 (function in a VPC).
pub const LAMBDA_VPC: Skip = (
    "CKV_AWS_117",
    "Calls only AWS service endpoints; there is no private network to reach, and a VPC would add NAT or endpoint cost and ENI cold starts.",
);
/// CKV_AWS_173 (environment variables encrypted with a customer key).
pub const LAMBDA_ENV_KMS: Skip = (
    "CKV_AWS_173",
    "Environment variables hold resource names and addresses, no secrets; Lambda encrypts them at rest with its AWS-managed key.",
);
/// CKV_AWS_115 (reserved concurrency).
pub const LAMBDA_CONCURRENCY: Skip = (
    "CKV_AWS_115",
    "Concurrency is bounded by what invokes it (API throttling, stream shards, async retries); reserving some takes it from the account's unreserved pool. Set reservedConcurrency to cap it.",
);
/// CKV_AWS_116 (function dead-letter queue) for a function behind an HTTP API.
pub const LAMBDA_DLQ_SYNC: Skip = (
    "CKV_AWS_116",
    "Invoked synchronously by API Gateway: the client gets the error, a dead-letter queue would never receive anything.",
);
/// CKV_AWS_116 for a stream consumer.
pub const LAMBDA_DLQ_STREAM: Skip = (
    "CKV_AWS_116",
    "Invoked by a stream event source mapping: failed batches go to the mapping's on-failure destination, never to a function dead-letter queue.",
);
/// CKV_AWS_116 for an asynchronously invoked function with an on-failure destination.
pub const LAMBDA_DLQ_ASYNC: Skip = (
    "CKV_AWS_116",
    "Asynchronous failures go to the on-failure destination of its EventInvokeConfig (AsyncFailureQueue, alarmed), which receives more than a dead-letter queue would.",
);
/// CKV_AWS_158 (log group encrypted with a customer key).
pub const LOGS_KMS: Skip = (
    "CKV_AWS_158",
    "CloudWatch Logs encrypts log data at rest with its service key; a customer-managed key is not required here.",
);
/// CKV_AWS_26 (topic encrypted).
pub const TOPIC_KMS: Skip = (
    "CKV_AWS_26",
    "Carries alarm notifications only; CloudWatch alarms cannot publish to a topic encrypted with aws/sns, so encryption would need a customer-managed key.",
);
/// CKV_AWS_27 (queue encrypted): checkov's CloudFormation check reads only `KmsMasterKeyId`.
pub const QUEUE_SSE: Skip = (
    "CKV_AWS_27",
    "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled: true), which this check does not recognise (checkov#7381); aws/sqs would break EventBridge dead-letter delivery.",
);
/// CKV_AWS_119 (table encrypted with a customer key).
pub const TABLE_KMS: Skip = (
    "CKV_AWS_119",
    "Encrypted at rest with the AWS-managed KMS key (SSEEnabled: true); a customer-managed key is not required here.",
);
/// CKV_AWS_18 (bucket access logging).
pub const BUCKET_ACCESS_LOGS: Skip = (
    "CKV_AWS_18",
    "Private, TLS-only bucket written by Lambda alone; server access logs would need a log bucket of their own (CloudTrail data events are the audit trail).",
);

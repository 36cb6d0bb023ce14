//! SQS queue: SSE-SQS encryption on, retention and visibility in range; retained by default
//! (a dead-letter queue holds messages that exist nowhere else).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::limits::{MAXIMUM_MESSAGE_SIZE, MESSAGE_RETENTION_SECONDS, VISIBILITY_TIMEOUT_SECONDS};
use crate::core::cfn::{Attr, ResourceType};
use crate::core::{ConstructPath, Reference, RemovalPolicy, Resource, Stack, Value};

/// Fourteen days, the longest SQS keeps a message.
pub const FOURTEEN_DAYS: u32 = 1_209_600;

fn fourteen_days() -> u32 {
    FOURTEEN_DAYS
}

fn thirty() -> u32 {
    30
}

/// Queue props.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the queue's settings (`{}` for the defaults)")]
pub struct QueueProps {
    /// How long a message is kept, in seconds: 60..=1,209,600. Default: 1,209,600 (14 days,
    /// the maximum: a dead-letter queue must outlive the on-call rotation that reads it).
    #[serde(default = "fourteen_days")]
    #[schemars(range(min = MESSAGE_RETENTION_SECONDS.min, max = MESSAGE_RETENTION_SECONDS.max))]
    pub retention_seconds: u32,
    /// How long a received message stays hidden, in seconds: 0..=43,200. Default: 30.
    #[serde(default = "thirty")]
    #[schemars(range(min = VISIBILITY_TIMEOUT_SECONDS.min, max = VISIBILITY_TIMEOUT_SECONDS.max))]
    pub visibility_timeout_seconds: u32,
    /// Largest message in bytes: 1,024..=1,048,576. Default: 1,048,576 (the SQS default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = MAXIMUM_MESSAGE_SIZE.min, max = MAXIMUM_MESSAGE_SIZE.max))]
    pub maximum_message_size: Option<u32>,
}

impl Default for QueueProps {
    fn default() -> Self {
        Self {
            retention_seconds: FOURTEEN_DAYS,
            visibility_timeout_seconds: 30,
            maximum_message_size: None,
        }
    }
}

/// A queue handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub path: ConstructPath,
    pub reference: Reference,
}

impl Queue {
    /// Adds a standard queue, encrypted with SSE-SQS (an AWS-managed KMS key would stop
    /// EventBridge from delivering to it as a target DLQ).
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &QueueProps) -> Self {
        MESSAGE_RETENTION_SECONDS.check(
            stack,
            &path,
            "retentionSeconds",
            props.retention_seconds.into(),
        );
        VISIBILITY_TIMEOUT_SECONDS.check(
            stack,
            &path,
            "visibilityTimeoutSeconds",
            props.visibility_timeout_seconds.into(),
        );
        if let Some(size) = props.maximum_message_size {
            MAXIMUM_MESSAGE_SIZE.check(stack, &path, "maximumMessageSize", size.into());
        }
        let r = Resource::new(ResourceType::SqsQueue)
            .checkov_skip(super::checkov::QUEUE_SSE)
            .prop("MessageRetentionPeriod", props.retention_seconds)
            .prop("VisibilityTimeout", props.visibility_timeout_seconds)
            .prop_opt("MaximumMessageSize", props.maximum_message_size)
            .prop("SqsManagedSseEnabled", true)
            .retain(RemovalPolicy::Retain);
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        Self { path, reference }
    }

    /// The queue ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }

    /// The queue name (for metrics).
    pub fn name(&self) -> Value {
        Self::name_of(&self.reference)
    }

    /// The name (`QueueName` attribute) of the queue resource `reference`.
    pub fn name_of(reference: &Reference) -> Value {
        Value::GetAtt(reference.clone(), Attr::QueueName)
    }

    /// The queue URL (`Ref`): what queue policies and SDK calls take; never where an ARN is required.
    pub fn url(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// The queue's one resource policy in `stack` (created on first use); grants append to it.
    pub fn policy(&self, stack: &mut Stack) -> Reference {
        let path = self.path.clone();
        let url = self.url();
        stack.attached(
            &self.reference,
            ResourceType::SqsQueuePolicy.as_str(),
            |s| s.child(&path, "Policy"),
            || {
                Resource::new(ResourceType::SqsQueuePolicy)
                    .with_policy_document()
                    .prop("Queues", Value::List(vec![url]))
            },
        )
    }
}

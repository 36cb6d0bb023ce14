//! The resource attributes `Fn::GetAtt` reads.

use std::fmt;

/// An attribute of a resource, as `Fn::GetAtt` (and the cross-stack export made of it) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    /// `Arn`: the resource's ARN (queues, topics, buckets, functions, roles, buses, rules, log
    /// groups).
    Arn,
    /// `StreamArn`: a DynamoDB table's stream.
    StreamArn,
    /// `QueueName`: an SQS queue's name (what its metrics are keyed by).
    QueueName,
    /// `RegistryName`: an EventSchemas registry's name.
    RegistryName,
}

impl Attr {
    /// The name `Fn::GetAtt` takes, e.g. `StreamArn`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Arn => "Arn",
            Self::StreamArn => "StreamArn",
            Self::QueueName => "QueueName",
            Self::RegistryName => "RegistryName",
        }
    }
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

//! AWS limits in ONE table: each `const` is used by the construct that checks it and quoted by the
//! doc comment of the prop it bounds, so documentation and validation cannot drift. CI checks the
//! table against the CloudFormation registry schemas that cfn-lint ships (`tests/limits.rs`).

use crate::core::cfn::ResourceType;
use crate::core::names::{self, NameRule};
use crate::core::{ConstructPath, Stack};

/// An inclusive range a property must be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The CloudFormation resource type the property belongs to.
    pub resource: ResourceType,
    /// The property (a `.`-path for nested ones).
    pub property: &'static str,
    pub min: i64,
    pub max: i64,
}

impl Limit {
    /// Whether `value` is allowed.
    pub fn contains(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// Reports an error at `path` unless `value` is in range; `field` names the prop.
    pub fn check(&self, stack: &mut Stack, path: &ConstructPath, field: &str, value: i64) -> bool {
        if self.contains(value) {
            return true;
        }
        stack.error(
            path,
            format!(
                "{field} = {value} is out of range: {} {} allows {}..={}",
                self.resource, self.property, self.min, self.max
            ),
        );
        false
    }
}

/// Records per batch a stream mapping reads: 1..=10,000 (AWS default 100).
pub const BATCH_SIZE: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "BatchSize",
    min: 1,
    max: 10_000,
};
/// Retries of a failed batch: 0..=10,000 (-1, infinite, is AWS's default and refused here).
pub const MAXIMUM_RETRY_ATTEMPTS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "MaximumRetryAttempts",
    min: 0,
    max: 10_000,
};
/// The oldest record a mapping still sends: 60..=604,800 s (-1, unlimited, is AWS's default).
pub const MAXIMUM_RECORD_AGE_SECONDS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "MaximumRecordAgeInSeconds",
    min: 60,
    max: 604_800,
};
/// Concurrent batches per shard: 1..=10 (AWS default 1).
pub const PARALLELIZATION_FACTOR: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "ParallelizationFactor",
    min: 1,
    max: 10,
};
/// Tumbling window: 0..=900 s.
pub const TUMBLING_WINDOW_SECONDS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "TumblingWindowInSeconds",
    min: 0,
    max: 900,
};
/// How long a mapping gathers records before invoking: 0..=300 s (AWS default 0).
pub const MAXIMUM_BATCHING_WINDOW_SECONDS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "MaximumBatchingWindowInSeconds",
    min: 0,
    max: 300,
};
/// Filters per mapping: 1..=20.
pub const FILTERS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "FilterCriteria.Filters",
    min: 1,
    max: 20,
};
/// Characters in one filter pattern: at most 4,096 (the registry schema's `Filter.Pattern`).
pub const FILTER_PATTERN_CHARS: Limit = Limit {
    resource: ResourceType::LambdaEventSourceMapping,
    property: "FilterCriteria.Filters.Pattern",
    min: 1,
    max: 4_096,
};

/// How long a queue keeps a message: 60..=1,209,600 s (14 days; AWS default 4 days).
pub const MESSAGE_RETENTION_SECONDS: Limit = Limit {
    resource: ResourceType::SqsQueue,
    property: "MessageRetentionPeriod",
    min: 60,
    max: 1_209_600,
};
/// Largest message: 1,024..=1,048,576 bytes.
pub const MAXIMUM_MESSAGE_SIZE: Limit = Limit {
    resource: ResourceType::SqsQueue,
    property: "MaximumMessageSize",
    min: 1_024,
    max: 1_048_576,
};
/// Visibility timeout: 0..=43,200 s (AWS default 30).
pub const VISIBILITY_TIMEOUT_SECONDS: Limit = Limit {
    resource: ResourceType::SqsQueue,
    property: "VisibilityTimeout",
    min: 0,
    max: 43_200,
};

/// Function memory: 128..=10,240 MB.
pub const MEMORY_SIZE_MB: Limit = Limit {
    resource: ResourceType::LambdaFunction,
    property: "MemorySize",
    min: 128,
    max: 10_240,
};
/// Function timeout: 1..=900 s.
pub const TIMEOUT_SECONDS: Limit = Limit {
    resource: ResourceType::LambdaFunction,
    property: "Timeout",
    min: 1,
    max: 900,
};

/// Targets per rule: at most 5.
pub const RULE_TARGETS: Limit = Limit {
    resource: ResourceType::EventsRule,
    property: "Targets",
    min: 1,
    max: 5,
};
/// Retries of a rule target: 0..=185 (EventBridge default 185).
pub const TARGET_RETRY_ATTEMPTS: Limit = Limit {
    resource: ResourceType::EventsRule,
    property: "Targets.RetryPolicy.MaximumRetryAttempts",
    min: 0,
    max: 185,
};
/// Age after which a rule target stops retrying: 60..=86,400 s (EventBridge default 86,400).
pub const TARGET_EVENT_AGE_SECONDS: Limit = Limit {
    resource: ResourceType::EventsRule,
    property: "Targets.RetryPolicy.MaximumEventAgeInSeconds",
    min: 60,
    max: 86_400,
};
/// Retries of a failed asynchronous invocation (an EventBridge target): 0..=2 (default 2).
pub const ASYNC_RETRY_ATTEMPTS: Limit = Limit {
    resource: ResourceType::LambdaEventInvokeConfig,
    property: "MaximumRetryAttempts",
    min: 0,
    max: 2,
};
/// Age after which Lambda drops an asynchronous event: 60..=21,600 s (default 21,600).
pub const ASYNC_EVENT_AGE_SECONDS: Limit = Limit {
    resource: ResourceType::LambdaEventInvokeConfig,
    property: "MaximumEventAgeInSeconds",
    min: 60,
    max: 21_600,
};
/// Characters in a rule's event pattern (JSON): at most 4,096 (the `EventPattern` shape of the
/// EventBridge API model, botocore `events/2015-10-07`, which `PutRule` takes).
pub const EVENT_PATTERN_CHARS: Limit = Limit {
    resource: ResourceType::EventsRule,
    property: "EventPattern",
    min: 1,
    max: 4_096,
};
/// Characters in an archive's event pattern (JSON): at most 4,096 (the same `EventPattern` shape,
/// which `CreateArchive` takes).
pub const ARCHIVE_PATTERN_CHARS: Limit = Limit {
    resource: ResourceType::EventsArchive,
    property: "EventPattern",
    min: 1,
    max: 4_096,
};

/// Days an event archive keeps events (0 = forever).
pub const ARCHIVE_RETENTION_DAYS: Limit = Limit {
    resource: ResourceType::EventsArchive,
    property: "RetentionDays",
    min: 0,
    max: 2_147_483_647,
};

/// Days after its creation a lifecycle rule deletes an object: a positive 32-bit integer (S3
/// `LifecycleExpiration.Days`: "a non-zero positive integer").
pub const OBJECT_EXPIRY_DAYS: Limit = Limit {
    resource: ResourceType::S3Bucket,
    property: "LifecycleConfiguration.Rules[].ExpirationInDays",
    min: 1,
    max: 2_147_483_647,
};

/// How long browsers cache an HTTP API's CORS preflight answer: -1..=86,400 s (-1: not at all).
/// The registry schema has no range; the API Gateway V2 API reference types `MaxAge` as an
/// integer between -1 and 86400 (so it is not in [`ALL`], which is checked against the schemas).
pub const CORS_MAX_AGE_SECONDS: Limit = Limit {
    resource: ResourceType::ApiGatewayV2Api,
    property: "CorsConfiguration.MaxAge",
    min: -1,
    max: 86_400,
};

/// The longest JWT authorizer issuer API Gateway takes (a URI of 1..=2,048 characters in the API
/// Gateway V2 API reference; the registry schema has no bound).
pub const JWT_ISSUER_MAX_CHARS: usize = 2_048;

/// The retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Checks a log retention against [`LOG_RETENTION_DAYS`].
pub fn check_log_retention(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    days: u32,
) -> bool {
    if LOG_RETENTION_DAYS.contains(&days) {
        return true;
    }
    let allowed: Vec<String> = LOG_RETENTION_DAYS.iter().map(u32::to_string).collect();
    stack.error(
        path,
        format!(
            "{field} = {days} is not a retention CloudWatch Logs accepts; use one of {}",
            allowed.join(", ")
        ),
    );
    false
}

/// Every range of the table, for the check against cfn-lint's schemas.
pub const ALL: &[Limit] = &[
    BATCH_SIZE,
    MAXIMUM_RETRY_ATTEMPTS,
    MAXIMUM_RECORD_AGE_SECONDS,
    PARALLELIZATION_FACTOR,
    TUMBLING_WINDOW_SECONDS,
    MAXIMUM_BATCHING_WINDOW_SECONDS,
    MESSAGE_RETENTION_SECONDS,
    MAXIMUM_MESSAGE_SIZE,
    VISIBILITY_TIMEOUT_SECONDS,
    MEMORY_SIZE_MB,
    TIMEOUT_SECONDS,
    ASYNC_RETRY_ATTEMPTS,
    ASYNC_EVENT_AGE_SECONDS,
];

/// Letters, digits, `.`, `-` and `_`.
const WORD_DOT_DASH: &[(char, char)] = &[
    ('A', 'Z'),
    ('a', 'z'),
    ('0', '9'),
    ('.', '.'),
    ('-', '-'),
    ('_', '_'),
];

/// A rule name: 1..=64 of `[.\-_A-Za-z0-9]`, unique on its bus. Default: `<stack>-<rule's logical
/// ID>`, shortened with a hash when longer.
pub const RULE_NAME: NameRule = NameRule {
    what: "rule name",
    property: Some((ResourceType::EventsRule, "Name")),
    max_len: 64,
    chars: WORD_DOT_DASH,
    chars_text: "only A-Z, a-z, 0-9, ., - and _ are allowed",
    separator: "-",
};
/// An event bus name: 1..=256 of `[/\.\-_A-Za-z0-9]`, unique in an account and region. Default:
/// `<stack>-<bus's logical ID>`, shortened with a hash when longer; a given name is checked.
pub const EVENT_BUS_NAME: NameRule = NameRule {
    what: "event bus name",
    property: Some((ResourceType::EventsEventBus, "Name")),
    max_len: 256,
    chars: &[
        ('A', 'Z'),
        ('a', 'z'),
        ('0', '9'),
        ('.', '.'),
        ('-', '-'),
        ('_', '_'),
        ('/', '/'),
    ],
    chars_text: "only A-Z, a-z, 0-9, ., -, _ and / are allowed",
    separator: "-",
};
/// A schema registry name: 1..=64 of `[.\-_A-Za-z0-9]`, unique in an account and region (the
/// registry schema states no limit; the EventBridge Schemas API does). Default: `<stack>-<pattern's
/// logical ID>`, shortened with a hash when longer.
pub const SCHEMA_REGISTRY_NAME: NameRule = NameRule {
    what: "schema registry name",
    property: Some((ResourceType::EventSchemasRegistry, "RegistryName")),
    max_len: 64,
    chars: WORD_DOT_DASH,
    chars_text: "only A-Z, a-z, 0-9, ., - and _ are allowed",
    separator: "-",
};
/// An HTTP API name: 1..=128 characters (API Gateway's `StringWithLengthBetween1And128`; the
/// registry schema states no limit), not unique. Default: `<stack>-<api id>`, shortened with a
/// hash when longer.
pub const HTTP_API_NAME: NameRule = NameRule {
    what: "HTTP API name",
    property: Some((ResourceType::ApiGatewayV2Api, "Name")),
    max_len: 128,
    chars: &[],
    chars_text: "control characters are not allowed",
    separator: "-",
};
/// An inline IAM policy name: 1..=128 of `[\w+=,.@-]`. Default: the policy's logical ID,
/// shortened with a hash when longer.
pub const IAM_POLICY_NAME: NameRule = NameRule {
    what: "IAM policy name",
    property: Some((ResourceType::IamPolicy, "PolicyName")),
    max_len: 128,
    chars: &[
        ('A', 'Z'),
        ('a', 'z'),
        ('0', '9'),
        ('_', '_'),
        ('+', '+'),
        ('=', '='),
        (',', ','),
        ('.', '.'),
        ('@', '@'),
        ('-', '-'),
    ],
    chars_text: "only A-Z, a-z, 0-9 and the characters _+=,.@- are allowed",
    separator: "-",
};

/// Every name rule: the physical names constructs derive and the core's logical IDs and export
/// names, for the check against cfn-lint's schemas.
pub const NAMES: &[NameRule] = &[
    RULE_NAME,
    EVENT_BUS_NAME,
    SCHEMA_REGISTRY_NAME,
    HTTP_API_NAME,
    IAM_POLICY_NAME,
    names::LOGICAL_ID,
    names::EXPORT_NAME,
];

/// Outputs (and parameters) per stack: CloudFormation refuses more than 200.
pub const STACK_OUTPUTS: usize = 200;
/// Resources per stack: CloudFormation refuses more than 500.
pub const STACK_RESOURCES: usize = 500;
/// Resources per stack from which a warning is given.
pub const STACK_RESOURCES_WARN: usize = 400;

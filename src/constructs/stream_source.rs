//! The event source mapping from a table's stream to a function, with every property of LIMITS.md,
//! an on-failure destination as an enum over queue/topic/bucket, and exactly the grants it needs.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::bucket::Bucket;
use super::function::Function;
use super::limits::{
    BATCH_SIZE, FILTERS, MAXIMUM_BATCHING_WINDOW_SECONDS, MAXIMUM_RECORD_AGE_SECONDS,
    MAXIMUM_RETRY_ATTEMPTS, PARALLELIZATION_FACTOR, TUMBLING_WINDOW_SECONDS,
};
use super::pattern::{self, Dialect, Fields};
use super::queue::Queue;
use super::table::Table;
use super::topic::Topic;
use crate::core::cfn::ResourceType;
use crate::core::cfn::iam::{
    BUCKET_LIST, BUCKET_PUT, QUEUE_SEND, STREAM_LIST, STREAM_READ, TOPIC_PUBLISH,
};
use crate::core::{ConstructPath, Reference, Resource, Stack, Statement, Suppression, Value};

/// Where a mapping starts reading a stream. Changing it REPLACES the mapping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(expecting = "`TRIM_HORIZON` or `LATEST`")]
pub enum StartingPosition {
    /// The oldest record still in the stream: nothing written before the mapping exists is lost.
    #[default]
    TrimHorizon,
    /// Only records written after the mapping is enabled.
    Latest,
}

impl StartingPosition {
    fn as_str(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
        }
    }
}

/// How often a failing batch is retried. Written as a number or `infinite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retries {
    /// At most this many retries: 0..=10,000.
    Attempts(u32),
    /// Until the record expires from the stream (24 h): one poison record blocks its shard that
    /// long. Refused unless opted out.
    Infinite,
}

/// How old a record may get before it goes to the on-failure destination. A number of seconds
/// or `unlimited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAge {
    /// At most this many seconds: 60..=604,800.
    Seconds(u32),
    /// No limit (the record still expires from the stream after 24 h).
    Unlimited,
}

/// How long a DynamoDB stream keeps a record: 24 h (DynamoDB developer guide, "Change data
/// capture for DynamoDB Streams"). A record age limit must stay below it to mean anything.
pub const STREAM_RETENTION_SECONDS: u32 = 86_400;

fn yes() -> bool {
    true
}
fn batch_size() -> u32 {
    100
}
fn retries() -> Retries {
    Retries::Attempts(3)
}
fn record_age() -> RecordAge {
    RecordAge::Seconds(3_600)
}
fn parallelization() -> u32 {
    1
}

/// Stream mapping options (everything but the ends it connects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the mapping's settings (`{}` for the defaults)")]
pub struct StreamSourceProps {
    /// Where reading starts. Default: `TRIM_HORIZON` (nothing already written is skipped).
    #[serde(default)]
    pub starting_position: StartingPosition,
    /// Records per invocation: 1..=10,000. Default: 100 (AWS's default).
    #[serde(default = "batch_size")]
    #[schemars(range(min = BATCH_SIZE.min, max = BATCH_SIZE.max))]
    pub batch_size: u32,
    /// Seconds to gather records before invoking: 0..=300. Default: 0 (lowest latency).
    #[serde(default)]
    #[schemars(range(min = MAXIMUM_BATCHING_WINDOW_SECONDS.min, max = MAXIMUM_BATCHING_WINDOW_SECONDS.max))]
    pub max_batching_window_seconds: u32,
    /// Retries of a failing batch: 0..=10,000 or `infinite`. Default: 3 — bisection splits do not
    /// use up retries, so 3 isolates a poison record and moves on instead of blocking the shard.
    #[serde(default = "retries")]
    pub retries: Retries,
    /// Oldest record still sent, in seconds: 60..=604,800 or `unlimited` (on a table stream,
    /// which keeps records 24 h, below 86,400: an error otherwise). Default: 3,600 (1 h): a
    /// record that cannot be published within an hour goes to the on-failure destination while it
    /// is still readable from the stream for 23 more hours.
    #[serde(default = "record_age")]
    pub max_record_age: RecordAge,
    /// Split a failing batch in two and retry each half. Default: on (isolates poison records);
    /// off is refused unless the rule `bisect-off` is suppressed.
    #[serde(default = "yes")]
    pub bisect_on_error: bool,
    /// Concurrent batches per shard: 1..=10. Default: 1 (strict order per shard).
    #[serde(default = "parallelization")]
    #[schemars(range(min = PARALLELIZATION_FACTOR.min, max = PARALLELIZATION_FACTOR.max))]
    pub parallelization_factor: u32,
    /// Tumbling window in seconds: 0..=900. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = TUMBLING_WINDOW_SECONDS.min, max = TUMBLING_WINDOW_SECONDS.max))]
    pub tumbling_window_seconds: Option<u32>,
    /// Let the function report the failed records of a batch (`batchItemFailures`) so only they
    /// and what follows them are retried. Default: on.
    #[serde(default = "yes")]
    pub report_batch_item_failures: bool,
    /// Event filter patterns: 1..=20 objects of fields of the stream record (`eventName`,
    /// `dynamodb.NewImage`...), each at most 4,096 characters as JSON; a record is sent when any
    /// matches. Lambda filtering takes exact values, `prefix` and `suffix` with a string,
    /// `equals-ignore-case`, `anything-but` with values, `numeric`, `exists` and `$or` (not
    /// `cidr`, `wildcard` or the object forms of `anything-but`). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = FILTERS.max))]
    pub filters: Vec<Fields>,
    /// Whether the mapping polls. Default: on.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Policy rules knowingly switched off for this mapping (e.g. `infinite-retries`), each
    /// with its reason. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
}

impl Default for StreamSourceProps {
    fn default() -> Self {
        Self {
            starting_position: StartingPosition::TrimHorizon,
            batch_size: batch_size(),
            max_batching_window_seconds: 0,
            retries: retries(),
            max_record_age: record_age(),
            bisect_on_error: true,
            parallelization_factor: 1,
            tumbling_window_seconds: None,
            report_batch_item_failures: true,
            filters: Vec::new(),
            enabled: true,
            suppress: Vec::new(),
        }
    }
}

/// Where a batch goes after its retries run out.
#[derive(Debug, Clone, PartialEq)]
pub enum OnFailure {
    /// A standard queue: receives the batch's METADATA only (shard, sequence numbers).
    Queue(Queue),
    /// A standard topic: receives METADATA only.
    Topic(Topic),
    /// A bucket: receives the full invocation record, bodies included.
    Bucket(Bucket),
    /// Nowhere: failed records are dropped. Refused unless the rule `no-on-failure-destination` is suppressed.
    None,
}

/// A mapping handle.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSource {
    pub path: ConstructPath,
    pub reference: Reference,
}

impl StreamSource {
    /// The mapping's UUID (`Ref`), the dimension of its metrics.
    pub fn uuid(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// Maps `table`'s stream to `function`, granting the function exactly what the mapping needs.
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        table: &Table,
        function: &Function,
        on_failure: &OnFailure,
        props: &StreamSourceProps,
    ) -> Self {
        for s in &props.suppress {
            stack.suppress(&path, s.clone());
        }
        // A table without stream is refused by the policy rule `table-without-stream`.
        BATCH_SIZE.check(stack, &path, "batchSize", props.batch_size.into());
        MAXIMUM_BATCHING_WINDOW_SECONDS.check(
            stack,
            &path,
            "maxBatchingWindowSeconds",
            props.max_batching_window_seconds.into(),
        );
        let retries = match props.retries {
            Retries::Attempts(n) => {
                MAXIMUM_RETRY_ATTEMPTS.check(stack, &path, "retries", n.into());
                i64::from(n)
            }
            // Refused by the policy rule `infinite-retries` unless suppressed.
            Retries::Infinite => -1,
        };
        let age = match props.max_record_age {
            RecordAge::Seconds(s) => {
                if MAXIMUM_RECORD_AGE_SECONDS.check(stack, &path, "maxRecordAge", s.into())
                    && s >= STREAM_RETENTION_SECONDS
                {
                    stack.error(
                        &path,
                        format!(
                            "maxRecordAge = {s} must be below the table stream's 24 h retention: a record that old has expired from the stream, so it is lost instead of sent to the on-failure destination; use at most {}",
                            STREAM_RETENTION_SECONDS - 1
                        ),
                    );
                }
                i64::from(s)
            }
            // Refused by the policy rule `unlimited-record-age` unless suppressed.
            RecordAge::Unlimited => -1,
        };
        PARALLELIZATION_FACTOR.check(
            stack,
            &path,
            "parallelizationFactor",
            props.parallelization_factor.into(),
        );
        if let Some(w) = props.tumbling_window_seconds {
            TUMBLING_WINDOW_SECONDS.check(stack, &path, "tumblingWindowSeconds", w.into());
        }
        if !props.filters.is_empty() {
            FILTERS.check(stack, &path, "filters", props.filters.len() as i64);
        }
        let mut filters = Vec::new();
        for (i, f) in props.filters.iter().enumerate() {
            let pattern = f.to_json();
            if let Err(e) = pattern::validate(&pattern, Dialect::LambdaFilter) {
                stack.error(&path, e.at(&format!("filters[{i}]")));
            }
            filters.push(Value::map([("Pattern", pattern.to_string().into())]));
        }
        if function.timeout_seconds > 300 {
            stack.warn(
                &path,
                format!(
                    "the function's timeout ({} s) lets one batch block its shard that long",
                    function.timeout_seconds
                ),
            );
        }

        function.grant(
            stack,
            Statement::allow(STREAM_READ, vec![table.stream_arn()]),
        );
        function.grant(stack, Statement::allow(STREAM_LIST, vec!["*".into()]));
        let destination = match on_failure {
            OnFailure::Queue(q) => {
                function.grant(stack, Statement::allow(QUEUE_SEND, vec![q.arn()]));
                Some(q.arn())
            }
            OnFailure::Topic(t) => {
                function.grant(stack, Statement::allow(TOPIC_PUBLISH, vec![t.arn()]));
                Some(t.arn())
            }
            OnFailure::Bucket(b) => {
                let own = crate::core::cfn::iam::resource_account_is_own();
                function.grant(
                    stack,
                    Statement::allow(BUCKET_PUT, vec![b.objects_arn()]).when(own.clone()),
                );
                function.grant(
                    stack,
                    Statement::allow(BUCKET_LIST, vec![b.arn()]).when(own),
                );
                Some(b.arn())
            }
            // Refused by the policy rule `no-on-failure-destination` unless suppressed.
            OnFailure::None => None,
        };

        let mut r = Resource::new(ResourceType::LambdaEventSourceMapping)
            .prop("FunctionName", function.name())
            .prop("EventSourceArn", table.stream_arn())
            .prop("StartingPosition", props.starting_position.as_str())
            .prop("BatchSize", props.batch_size)
            .prop(
                "MaximumBatchingWindowInSeconds",
                props.max_batching_window_seconds,
            )
            .prop("MaximumRetryAttempts", retries)
            .prop("MaximumRecordAgeInSeconds", age)
            .prop("BisectBatchOnFunctionError", props.bisect_on_error)
            .prop("ParallelizationFactor", props.parallelization_factor)
            .prop_opt("TumblingWindowInSeconds", props.tumbling_window_seconds)
            .prop("Enabled", props.enabled)
            // Per-mapping metrics (OnFailureDestinationDeliveredEventCount, DroppedEventCount...)
            // for the alarms on records that were given up on.
            .prop(
                "MetricsConfig",
                Value::map([("Metrics", Value::strs(["EventCount"]))]),
            );
        if props.report_batch_item_failures {
            r = r.prop(
                "FunctionResponseTypes",
                Value::strs(["ReportBatchItemFailures"]),
            );
        }
        if !filters.is_empty() {
            r = r.prop(
                "FilterCriteria",
                Value::map([("Filters", Value::List(filters))]),
            );
        }
        if let Some(arn) = destination {
            r = r.prop(
                "DestinationConfig",
                Value::map([("OnFailure", Value::map([("Destination", arn)]))]),
            );
        }
        // The role must hold the stream permissions before the mapping is created.
        if function.policy.stack == *stack.name() {
            r.depends_on.push(function.policy.logical_id.clone());
        }
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        function.skip_checkov(stack, super::checkov::LAMBDA_DLQ_STREAM);
        Self { path, reference }
    }
}

impl Serialize for Retries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Retries::Attempts(n) => s.serialize_u32(*n),
            Retries::Infinite => s.serialize_str("infinite"),
        }
    }
}

impl<'de> Deserialize<'de> for Retries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = d.deserialize_any(NumberOr {
            field: "retries",
            range: "0..=10000",
            word: "infinite",
        })?;
        Ok(n.map_or(Retries::Infinite, Retries::Attempts))
    }
}

impl JsonSchema for Retries {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Retries".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Retries of a failing batch: 0..=10000, or `infinite` (refused unless `infinite-retries` is suppressed).",
            "oneOf": [
                {"type": "integer", "minimum": MAXIMUM_RETRY_ATTEMPTS.min, "maximum": MAXIMUM_RETRY_ATTEMPTS.max},
                {"const": "infinite"}
            ]
        })
    }
}

impl Serialize for RecordAge {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RecordAge::Seconds(n) => s.serialize_u32(*n),
            RecordAge::Unlimited => s.serialize_str("unlimited"),
        }
    }
}

impl<'de> Deserialize<'de> for RecordAge {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = d.deserialize_any(NumberOr {
            field: "maxRecordAge",
            range: "60..=604800 seconds",
            word: "unlimited",
        })?;
        Ok(n.map_or(RecordAge::Unlimited, RecordAge::Seconds))
    }
}

impl JsonSchema for RecordAge {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecordAge".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Oldest record still sent, in seconds: 60..=86399 (Lambda takes up to 604800, but a table stream keeps records 24 h), or `unlimited` (refused unless `unlimited-record-age` is suppressed).",
            "oneOf": [
                {"type": "integer", "minimum": MAXIMUM_RECORD_AGE_SECONDS.min, "maximum": STREAM_RETENTION_SECONDS - 1},
                {"const": "unlimited"}
            ]
        })
    }
}

/// Reads a whole number (`Some`) or one word (`None`): `retries: 3` or `retries: infinite`.
struct NumberOr {
    field: &'static str,
    range: &'static str,
    word: &'static str,
}

impl NumberOr {
    fn number<E: serde::de::Error>(&self, n: i128) -> Result<Option<u32>, E> {
        u32::try_from(n).map(Some).map_err(|_| {
            E::custom(format!(
                "{} must be {} or `{}`, not {n}",
                self.field, self.range, self.word
            ))
        })
    }
}

impl<'de> serde::de::Visitor<'de> for NumberOr {
    type Value = Option<u32>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a number ({}) or `{}`", self.range, self.word)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.number(i128::from(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.number(i128::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // A whole number written with a fraction (`3.0`) is one, as JSON Schema has it.
        if v.fract() == 0.0 && v.abs() < 1e15 {
            return self.number(v as i128);
        }
        Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == self.word {
            return Ok(None);
        }
        Err(E::custom(format!(
            "{} must be a number or `{}`, not `{v}`",
            self.field, self.word
        )))
    }
}

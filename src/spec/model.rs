//! The app spec's types. Every field's doc is its JSON Schema description: default and range.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::unique::unique_entries;
use crate::constructs::email::EmailAddress;
use crate::constructs::limits::{
    LOG_RETENTION_DAYS, MAXIMUM_MESSAGE_SIZE, MESSAGE_RETENTION_SECONDS, RULE_TARGETS,
    VISIBILITY_TIMEOUT_SECONDS,
};
use crate::constructs::queue::FOURTEEN_DAYS;
use crate::constructs::topic::DISPLAY_NAME_CHARS;
use crate::constructs::{
    ApiAlarmOptions, BucketProps, Cors, EventBusProps, EventContract, EventPattern, FunctionProps,
    HttpMethod, JwtAuthorizerProps, QueueProps, RoutePath, Scope, StreamSourceProps, TableAccess,
    TableProps, TargetRetry, Throttling, TopicProps,
};
use crate::core::{ConstructId, Environment, LogicalId, StackName, Suppression};
use crate::patterns::{AlarmOptions, FailureDestination};

/// A tributary app: its stacks, synthesized in order (a stack may only refer to the stacks
/// before it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `stacks:`")]
pub struct AppSpec {
    /// The JSON Schema of this file, for editors (`../schema/app.schema.json`). Ignored by
    /// tributary. Default: none.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Tags for every resource of every stack that takes tags, and for the stacks themselves
    /// (key -> value; a stack's or construct's tag of the same key wins). Keys 1..=128
    /// characters, not starting with `aws:`; values 1..=256 (CloudFormation's stack tags take
    /// no empty value); letters, digits, spaces and `_ . : / = + - @`; at most 50. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
    /// The permissions boundary of every IAM role of the app: a managed policy ARN
    /// (`arn:<partition>:iam::<account ID or aws>:policy/<path/name>`) or the name (with its path,
    /// if any) of a managed policy of the deploying account, rendered as
    /// `arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/<name>`. A role that sets its own
    /// keeps it. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// A prefix for every name tributary generates of the app (event bus, rule, schema registry and
    /// HTTP API names): joined by the name's separator (`acme` gives `acme-Orders-ChangesBus`)
    /// and kept whole when the rest is shortened; 1..=32 characters, each one the name allows.
    /// Names given in the spec (`bus.name`) are never prefixed. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// The stacks by name (a CloudFormation stack name).
    #[serde(deserialize_with = "unique_entries")]
    pub stacks: IndexMap<StackName, StackSpec>,
    /// Stages, by name (`dev`, `prod`: a letter, then letters and digits, at most 32
    /// characters): each gives one copy of every stack, named `<stage>-<stack>`, with the
    /// stage's environment, tags and overrides. `--stage` picks some. References (`Stack/Id`)
    /// stay within a stage. Default: none (the stacks as written).
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub stages: IndexMap<String, StageSpec>,
    /// The event contracts the spec names (`streamToBus.<id>.events`), by the path as written:
    /// read by [`super::load`] and [`super::parse`] from the files, relative to the spec.
    #[serde(skip)]
    pub contracts: BTreeMap<String, EventContract>,
    /// The directory the spec was read from (absolute where it exists): relative paths in the
    /// spec (`code`, `events`) are relative to it.
    #[serde(skip)]
    pub dir: std::path::PathBuf,
    /// The file and text the spec was read from, for locating what the constructs report.
    #[serde(skip)]
    pub source: Option<std::sync::Arc<super::SpecSource>>,
}

/// A stage: one environment's copy of the app's stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the stage's settings (`{}` for none)")]
pub struct StageSpec {
    /// Where the stage's stacks deploy, unless a stack names its own account or region.
    /// Default: environment-agnostic.
    #[serde(default)]
    pub env: Environment,
    /// Tags for every resource of the stage's stacks, and for the stacks, between the app's and
    /// each stack's own (key -> value, as the app's `tags`). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
    /// The permissions boundary of every IAM role of the stage (as the app's). Default: the app's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// A prefix for every name tributary generates in the stage (as the app's). Default: the
    /// app's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// What the stage changes in the app, as a JSON Merge Patch (RFC 7386) of `stacks:`: per
    /// stack, the settings that differ, at their place (`{Orders: {functions: {Api:
    /// {memorySize: 1024}}, topics: {Alerts: {emailSubscriptions: [oncall@example.com]}}}}`). A
    /// map merges into the spec's, a list or value replaces it, `null` removes it. A stack or
    /// construct the spec does not have is an error (overrides change what is there).
    /// Default: none.
    #[serde(default)]
    pub overrides: StageOverrides,
}

/// A stage's changes to the app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `stacks`")]
pub struct StageOverrides {
    /// Per stack name: the stack's settings that differ in this stage (a partial stack spec).
    /// Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub stacks: IndexMap<String, serde_json::Value>,
}

/// One stack. Construct ids are unique across all of a stack's constructs: a topic and a
/// function cannot share one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the stack's settings (`{}` for none)")]
pub struct StackSpec {
    /// Where the stack deploys. Default: environment-agnostic.
    #[serde(default)]
    pub env: Environment,
    /// The template description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Refuse stack deletion. Default: off.
    #[serde(default)]
    pub termination_protection: bool,
    /// Tags for every resource of the stack that takes tags, and for the stack itself, besides
    /// the app's (key -> value; a stack's tag wins over the app's, a construct's over both). Keys 1..=128
    /// characters, not starting with `aws:`; values 1..=256 (CloudFormation's stack tags take
    /// no empty value); letters, digits, spaces and `_ . : / = + - @`; at most 50. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
    /// The permissions boundary of every IAM role of the stack: a managed policy ARN
    /// (`arn:<partition>:iam::<account ID or aws>:policy/<path/name>`) or the name (with its path,
    /// if any) of a managed policy of the deploying account, rendered as
    /// `arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/<name>`. A role that sets its own
    /// keeps it. Default: none (the app's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// A prefix for every name tributary generates of the stack (event bus, rule, schema registry and
    /// HTTP API names): joined by the name's separator (`acme` gives `acme-Orders-ChangesBus`)
    /// and kept whole when the rest is shortened; 1..=32 characters, each one the name allows.
    /// Names given in the spec (`bus.name`) are never prefixed. Default: none (the app's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// Logical IDs to keep when constructs are renamed: resource path (below the stack, e.g.
    /// `Orders/Table/Resource`; it must name a resource of the stack) -> logical ID. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub logical_id_overrides: IndexMap<String, LogicalId>,
    /// SNS topics (alarm destinations) by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub topics: IndexMap<ConstructId, TopicSpec>,
    /// SQS queues (rule targets: `targets: [{queue: Id}]`), by id: standard queues, encrypted
    /// with SSE-SQS, retained when the stack is deleted. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub queues: IndexMap<ConstructId, QueueSpec>,
    /// Lambda functions from handler crates, by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub functions: IndexMap<ConstructId, FunctionProps>,
    /// Event buses of their own (a central bus several patterns publish to, with the accounts
    /// or the organization that may put events on it), by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub buses: IndexMap<ConstructId, EventBusProps>,
    /// Stream-to-bus patterns by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub stream_to_bus: IndexMap<ConstructId, StreamToBusSpec>,
    /// HTTP APIs by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub http_apis: IndexMap<ConstructId, HttpApiSpec>,
    /// Rules on a bus (of a pattern, of `buses:`, or an existing one), by id. Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub rules: IndexMap<ConstructId, RuleSpec>,
}

/// An SNS topic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the topic's settings (`{}` for none)")]
pub struct TopicSpec {
    /// The name shown as the sender of SMS/email: at most 100 characters. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = DISPLAY_NAME_CHARS))]
    pub display_name: Option<String>,
    /// Email addresses subscribed to the topic (each must confirm). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_subscriptions: Vec<EmailAddress>,
    /// Tags for every resource under this topic that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

impl TopicSpec {
    /// The topic's construct props.
    pub fn props(&self) -> TopicProps {
        TopicProps {
            display_name: self.display_name.clone(),
            email_subscriptions: self.email_subscriptions.clone(),
        }
    }
}

/// An SQS queue: a standard queue (FIFO queues are not offered: a FIFO target needs a message
/// group per event), encrypted with SSE-SQS, retained when the stack is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the queue's settings (`{}` for the defaults)")]
pub struct QueueSpec {
    /// How long a message is kept, in seconds: 60..=1,209,600. Default: 1,209,600 (14 days).
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
    /// Tags for every resource under this queue that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

impl Default for QueueSpec {
    fn default() -> Self {
        let props = QueueProps::default();
        Self {
            retention_seconds: props.retention_seconds,
            visibility_timeout_seconds: props.visibility_timeout_seconds,
            maximum_message_size: props.maximum_message_size,
            tags: BTreeMap::new(),
        }
    }
}

fn fourteen_days() -> u32 {
    FOURTEEN_DAYS
}

impl QueueSpec {
    /// The queue's construct props.
    pub fn props(&self) -> QueueProps {
        QueueProps {
            retention_seconds: self.retention_seconds,
            visibility_timeout_seconds: self.visibility_timeout_seconds,
            maximum_message_size: self.maximum_message_size,
        }
    }
}

/// The name of a construct: `Id` in the same stack, or `Stack/Id` in an earlier stack.
pub type FunctionRef = String;

/// A stream-to-bus pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the pattern's settings, with `table` and `publisher`")]
pub struct StreamToBusSpec {
    /// The table. Its stream defaults to `NEW_AND_OLD_IMAGES`; a stream without new images
    /// (`KEYS_ONLY`, `OLD_IMAGE`) is an error here: the publisher has nothing to publish.
    pub table: TableProps,
    /// The publisher function.
    pub publisher: FunctionProps,
    /// The mapping from the stream to the publisher. Default: every default of its fields.
    #[serde(default)]
    pub stream: StreamSourceProps,
    /// Where failed batches go: `bucket` (the whole records, kept for a re-drive), `queue` (only
    /// metadata; warns) or `none` (refused unless `no-on-failure-destination` is suppressed). Default: `bucket`.
    #[serde(default)]
    pub on_failure: FailureDestination,
    /// The on-failure queue, with `onFailure: queue` (set with another destination, it is an
    /// error: it would configure nothing). Default: 14 days retention.
    #[serde(default)]
    pub dead_letter_queue: QueueProps,
    /// The on-failure bucket, with `onFailure: bucket` (the default; set with another
    /// destination, it is an error). Its objects are whole stream records: personal data, if
    /// the table holds any. Default: kept until deleted (a re-drive moves what it published under `redriven/`), old
    /// versions 90 days.
    #[serde(default)]
    pub failed_batches: BucketProps,
    /// The event bus the publisher puts events on: a map of settings for a bus of the pattern's
    /// own, or the bus to publish to instead: `Id` (or `Stack/Id`) of a bus of `buses:`, or the
    /// ARN of an existing bus (`arn:aws:events:<region>:<account>:event-bus/<name>`, another
    /// account's included; that bus's policy must let this account put events). Several
    /// patterns may publish to one bus, each with its own `source`. Default: a bus of its own,
    /// named `<stack>-<id>Bus`, 30-day archive.
    #[serde(default)]
    pub bus: BusSpec,
    /// Alarm settings. Default: iterator age 300 s, no emails.
    #[serde(default)]
    pub alarms: AlarmOptions,
    /// The id of a topic of this stack that alarms go to (then `alarms.emails` is an error:
    /// subscribe them on that topic). Default: a topic of the pattern's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_topic: Option<String>,
    /// Functions of this stack that write the table: each gets `TABLE_NAME` and a grant on the
    /// table only, `create` (`PutItem`, `GetItem`) unless it asks for more
    /// (`{function: Id, access: write | readWrite}`). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<WriterSpec>,
    /// The event contract the publisher implements: the path of its contract file (written by
    /// the domain crate from its Rust types), relative to this spec. Its schemas go into a
    /// schema registry beside the bus, and rules on the bus are checked against it. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<String>,
    /// Policy rules (or checkov checks) knowingly switched off for this construct and everything
    /// under it, each with its reason (recorded in the template). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
    /// Tags for every resource under this pattern that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

/// A pattern's bus: settings for a bus of its own, or a bus to publish to.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum BusSpec {
    /// `Id` or `Stack/Id` of a bus of `buses:`, or an existing bus's ARN.
    Named(String),
    /// A bus of the pattern's own.
    Own(Box<EventBusProps>),
}

impl Default for BusSpec {
    fn default() -> Self {
        BusSpec::Own(Box::default())
    }
}

impl<'de> Deserialize<'de> for BusSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = BusSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a map of the bus's settings, a bus id (`Id` or `Stack/Id`) or a bus ARN",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BusSpec, E> {
                Ok(BusSpec::Named(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<BusSpec, A::Error> {
                EventBusProps::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|props| BusSpec::Own(Box::new(props)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A writer of a pattern's table: the id of a function of the stack (granted `create`), or a map
/// `{function: Id, access: create | write | readWrite}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum WriterSpec {
    /// The id of a function of this stack, granted `create` (`PutItem`, `GetItem`).
    Function(FunctionRef),
    /// A function and the grant it needs.
    WithAccess(WriterAccess),
}

impl WriterSpec {
    /// The function's id.
    pub fn function(&self) -> &str {
        match self {
            WriterSpec::Function(f) => f,
            WriterSpec::WithAccess(w) => &w.function,
        }
    }

    /// The grant level.
    pub fn access(&self) -> TableAccess {
        match self {
            WriterSpec::Function(_) => TableAccess::default(),
            WriterSpec::WithAccess(w) => w.access,
        }
    }
}

impl From<&str> for WriterSpec {
    fn from(id: &str) -> Self {
        WriterSpec::Function(id.to_owned())
    }
}

impl<'de> Deserialize<'de> for WriterSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = WriterSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a function id, or a map with `function` (and `access`)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WriterSpec, E> {
                Ok(WriterSpec::Function(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<WriterSpec, A::Error> {
                WriterAccess::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(WriterSpec::WithAccess)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A writer with its grant level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `function` (and `access`)")]
pub struct WriterAccess {
    /// The id of a function of this stack.
    pub function: FunctionRef,
    /// What it may do with the table's items: `create` (`PutItem`, `GetItem`), `write` (and
    /// `UpdateItem`, `DeleteItem`, `ConditionCheckItem`) or `readWrite` (and `Query`,
    /// `BatchGetItem`). Default: `create`.
    #[serde(default)]
    pub access: TableAccess,
}

/// An HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the API's settings, with `routes`")]
pub struct HttpApiSpec {
    /// Stage throttling. Default: burst 100, rate 50/s.
    #[serde(default)]
    pub throttling: Throttling,
    /// Days the access log group keeps logs. Default: 30.
    #[serde(default = "thirty")]
    #[schemars(extend("enum" = LOG_RETENTION_DAYS))]
    pub access_log_retention_days: u32,
    /// A description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Authorizers by id (also their `Name`), for routes to require (`auth: { jwt: <id> }`).
    /// Default: none.
    #[serde(
        deserialize_with = "unique_entries",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub authorizers: IndexMap<ConstructId, AuthorizerSpec>,
    /// The `auth` of every route that does not set its own. Default: none (such a route is open
    /// to anyone, which the rule `unauthorized-route` refuses unless it is suppressed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_auth: Option<RouteAuthSpec>,
    /// CORS, for browsers calling from pages on other origins. Default: none (browsers refuse
    /// cross-origin calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Cors>,
    /// Routes to functions of this stack.
    pub routes: Vec<RouteSpec>,
    /// Alarm settings: the API alarms on its first server error (5xx). Default: no emails.
    #[serde(default)]
    pub alarms: ApiAlarmOptions,
    /// The id of a topic of this stack that the API's alarms go to (then `alarms.emails` is an
    /// error: subscribe them on that topic). Default: a topic of the API's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_topic: Option<String>,
    /// Policy rules (or checkov checks) knowingly switched off for this construct and everything
    /// under it, each with its reason (recorded in the template). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
    /// Tags for every resource under this API that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

fn thirty() -> u32 {
    30
}

/// A route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `method`, `path` and `function` (and `auth`)")]
pub struct RouteSpec {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path, e.g. `/reservations` or `/reservations/{id}`.
    pub path: RoutePath,
    /// The id of a function of this stack.
    pub function: FunctionRef,
    /// Who may call the route. Default: the API's `defaultAuth`; without one, anyone (refused
    /// by `unauthorized-route` unless suppressed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<RouteAuthSpec>,
}

/// An authorizer of an HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `jwt`")]
pub struct AuthorizerSpec {
    /// A JWT authorizer: tokens of this issuer, for one of these audiences.
    pub jwt: JwtAuthorizerProps,
}

/// Who may call a route: `iam` (requests signed with AWS credentials allowed
/// `execute-api:Invoke`), `none` (anyone; refused by `unauthorized-route` unless suppressed), or
/// `{ jwt: <authorizer id>, scopes: [...] }` (a valid token of that authorizer holding every scope
/// listed).
#[derive(Debug, Clone, PartialEq)]
pub enum RouteAuthSpec {
    Jwt(JwtRouteAuth),
    Iam,
    None,
}

/// A route that requires a JWT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `jwt` (and `scopes`)")]
pub struct JwtRouteAuth {
    /// The id of an authorizer of this API.
    pub jwt: String,
    /// The scopes a token must hold, all of them. Default: none (any valid token).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Scope>,
}

impl Serialize for RouteAuthSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RouteAuthSpec::Jwt(jwt) => jwt.serialize(s),
            RouteAuthSpec::Iam => s.serialize_str("iam"),
            RouteAuthSpec::None => s.serialize_str("none"),
        }
    }
}

impl<'de> Deserialize<'de> for RouteAuthSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Auth;
        impl<'de> serde::de::Visitor<'de> for Auth {
            type Value = RouteAuthSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`iam`, `none` or `{ jwt: <authorizer id>, scopes: [...] }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RouteAuthSpec, E> {
                match v {
                    "iam" => Ok(RouteAuthSpec::Iam),
                    "none" => Ok(RouteAuthSpec::None),
                    other => Err(E::custom(format!(
                        "auth `{other}` is not `iam`, `none` or `{{ jwt: <authorizer id> }}`"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RouteAuthSpec, A::Error> {
                use serde::de::Error;
                let m = AuthMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let word = match (m.iam, m.none) {
                    (Some(_), _) => Some("iam"),
                    (None, Some(_)) => Some("none"),
                    (None, None) => None,
                };
                if let Some(word) = word {
                    return Err(A::Error::custom(format!(
                        "`{word}` takes no settings or scopes: write `auth: {word}` (scopes are for JWT routes, `{{ jwt: <authorizer id>, scopes: [...] }}`)"
                    )));
                }
                match m.jwt {
                    Some(jwt) => Ok(RouteAuthSpec::Jwt(JwtRouteAuth {
                        jwt,
                        scopes: m.scopes,
                    })),
                    None => Err(A::Error::missing_field("jwt")),
                }
            }
        }
        d.deserialize_any(Auth)
    }
}

/// What a map under `auth:` may hold: a JWT route's settings, or a mistaken `iam:`/`none:` key
/// (reported as such rather than as an unknown field).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a map with `jwt` (and `scopes`)")]
struct AuthMap {
    jwt: Option<String>,
    #[serde(default)]
    scopes: Vec<Scope>,
    iam: Option<serde::de::IgnoredAny>,
    none: Option<serde::de::IgnoredAny>,
}

impl JsonSchema for RouteAuthSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RouteAuth".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let jwt = generator.subschema_for::<JwtRouteAuth>();
        schemars::json_schema!({
            "description": "Who may call a route: `iam` (requests signed with AWS credentials allowed `execute-api:Invoke`), `none` (anyone; refused by `unauthorized-route` unless suppressed), or `{ jwt: <authorizer id>, scopes: [...] }`.",
            "oneOf": [
                {"enum": ["iam", "none"]},
                jwt
            ]
        })
    }
}

/// A rule on a pattern's bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the rule's settings, with `bus`, `pattern` and `targets`")]
pub struct RuleSpec {
    /// The bus the rule is on: a stream-to-bus pattern's (`Id` or `Stack/Id` of the pattern),
    /// a bus of `buses:` (`Id` or `Stack/Id`), or an existing bus of this stack's account by
    /// ARN.
    pub bus: String,
    /// The id of a topic of this stack that the rule's alarms go to. Default: the pattern's
    /// alert topic for a rule on a pattern's bus, else a topic of the rule's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_topic: Option<String>,
    /// Which events the rule matches.
    pub pattern: EventPattern,
    /// A description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the rule is enabled. Default: on.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// 1..=5 targets.
    #[schemars(length(min = RULE_TARGETS.min, max = RULE_TARGETS.max))]
    pub targets: Vec<TargetSpec>,
    /// Policy rules (or checkov checks) knowingly switched off for this construct and everything
    /// under it, each with its reason (recorded in the template). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
    /// Tags for every resource under this rule that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// A rule target: exactly one of `function`, `queue` or `bus`, and the retry policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `function`, `queue` or `bus` (and `retry`)")]
pub struct TargetSpec {
    /// A function: `Id` of the rule's stack, or `Stack/Id` of an earlier stack (its permission
    /// is in the rule's stack; its alarms and failed-event queue in its own, with a topic there:
    /// `<function>/Alerts`, unless a rule of its own stack targets it and wired them first).
    /// Default: none (each target gives one of `function`, `queue` or `bus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub function: Option<FunctionRef>,
    /// A queue of `queues:` of the rule's stack (`Id`): its policy lets only this rule send,
    /// and it is alarmed at its first waiting message. Default: none (each target gives one of
    /// `function`, `queue` or `bus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub queue: Option<String>,
    /// Another event bus to forward the events to: a stream-to-bus pattern's or a bus of
    /// `buses:` (`Id` or `Stack/Id`), or an existing bus by ARN
    /// (`arn:aws:events:<region>:<account>:event-bus/<name>`, another account or region
    /// included; its policy must let this account put events). EventBridge puts the events with
    /// a role of the rule's, allowed `events:PutEvents` on that bus only. Not the rule's own bus.
    /// Takes no `retry` (EventBridge has no retry policy for a bus target). Default: none (each
    /// target gives one of `function`, `queue` or `bus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub bus: Option<String>,
    /// Delivery retries (not for a `bus`). Default: 185 attempts within 24 h.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<TargetRetry>,
}

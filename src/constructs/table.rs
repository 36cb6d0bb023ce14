//! DynamoDB table: keys, billing, stream, point-in-time recovery, TTL; retained by default.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::cfn::{Attr, ResourceType};
use crate::core::{ConstructPath, Reference, RemovalPolicy, Resource, Stack, Value};

/// A key attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a map with `name` (and `type`)")]
pub struct Attribute {
    /// The attribute name: 1..=255 bytes (UTF-8).
    #[schemars(length(min = 1, max = 255))]
    pub name: String,
    /// The attribute type. Default: `S` (string).
    #[serde(default, rename = "type")]
    pub kind: AttributeType,
}

impl Attribute {
    /// A string key.
    pub fn string(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: AttributeType::S,
        }
    }

    /// A number key.
    pub fn number(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: AttributeType::N,
        }
    }
}

/// A key attribute's type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(expecting = "`S`, `N` or `B`")]
pub enum AttributeType {
    /// String.
    #[default]
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

/// What a function may do with a table's items, by name: the grant of a writer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "`create`, `write` or `readWrite`")]
pub enum TableAccess {
    /// `PutItem` (conditional puts included) and `GetItem`: write new records, read one back
    /// (the default: all an API that records requests needs).
    #[default]
    Create,
    /// `create`, and `UpdateItem`, `DeleteItem`, `ConditionCheckItem`: change and delete items.
    Write,
    /// `write`, and `Query`, `BatchGetItem`: read items by query too.
    ReadWrite,
}

impl TableAccess {
    /// The actions the level grants on the table.
    pub fn actions(self) -> &'static [crate::core::cfn::iam::Action] {
        use crate::core::cfn::iam;
        match self {
            TableAccess::Create => iam::TABLE_CREATE,
            TableAccess::Write => iam::TABLE_WRITE,
            TableAccess::ReadWrite => iam::TABLE_READ_WRITE,
        }
    }
}

/// How the table is billed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "`onDemand`, or a map `provisioned: {read: .., write: ..}`")]
pub enum Billing {
    /// Pay per request (on-demand): no capacity to plan, no throttling from a forgotten limit.
    #[default]
    OnDemand,
    /// Provisioned capacity units.
    Provisioned {
        /// Read capacity units: at least 1.
        #[schemars(range(min = 1))]
        read: u32,
        /// Write capacity units: at least 1.
        #[schemars(range(min = 1))]
        write: u32,
    },
}

/// What the table's stream records carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(expecting = "`NEW_AND_OLD_IMAGES`, `NEW_IMAGE`, `OLD_IMAGE` or `KEYS_ONLY`")]
pub enum StreamViewType {
    /// Both images: what a publisher needs to tell what changed.
    #[default]
    NewAndOldImages,
    NewImage,
    OldImage,
    KeysOnly,
}

impl StreamViewType {
    /// The name CloudFormation takes (`NEW_AND_OLD_IMAGES`...).
    pub fn as_str(self) -> &'static str {
        match self {
            StreamViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
            StreamViewType::NewImage => "NEW_IMAGE",
            StreamViewType::OldImage => "OLD_IMAGE",
            StreamViewType::KeysOnly => "KEYS_ONLY",
        }
    }
}

fn yes() -> bool {
    true
}

/// Table props.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the table's settings, with `partitionKey`")]
pub struct TableProps {
    /// The partition key. Changing it REPLACES the table (a new, empty table).
    pub partition_key: Attribute,
    /// The sort key, not the partition key. Default: none. Changing it REPLACES the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_key: Option<Attribute>,
    /// Billing mode. Default: on-demand.
    #[serde(default)]
    pub billing: Billing,
    /// The stream and what its records carry. Default: no stream (the stream-to-bus pattern
    /// turns it on with `NEW_AND_OLD_IMAGES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamViewType>,
    /// Continuous backups for point-in-time restore (35 days). Default: on.
    #[serde(default = "yes")]
    pub point_in_time_recovery: bool,
    /// The attribute holding each item's expiry (epoch seconds). Default: no TTL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_live_attribute: Option<String>,
    /// Refuse `DeleteTable` calls (from the console, the CLI or a careless script). Default: on.
    #[serde(default = "yes")]
    pub deletion_protection: bool,
}

impl TableProps {
    /// Props with a partition key and every default.
    pub fn new(partition_key: Attribute) -> Self {
        Self {
            partition_key,
            sort_key: None,
            billing: Billing::OnDemand,
            stream: None,
            point_in_time_recovery: true,
            time_to_live_attribute: None,
            deletion_protection: true,
        }
    }
}

/// A table handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub path: ConstructPath,
    pub reference: Reference,
    pub stream: Option<StreamViewType>,
}

impl Table {
    /// Adds a table. DeletionPolicy and UpdateReplacePolicy are Retain: deleting the stack or
    /// replacing the table never deletes data.
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &TableProps) -> Self {
        let mut keys = vec![key(&props.partition_key, "HASH")];
        let mut attributes = vec![definition(&props.partition_key)];
        if let Some(sort) = &props.sort_key {
            if sort.name == props.partition_key.name {
                stack.error(
                    &path,
                    format!("sortKey `{}` is also the partition key", sort.name),
                );
            }
            keys.push(key(sort, "RANGE"));
            attributes.push(definition(sort));
        }
        for a in std::iter::once(&props.partition_key).chain(&props.sort_key) {
            if a.name.is_empty() || a.name.len() > 255 {
                stack.error(&path, "key attribute names must be 1..=255 bytes long");
            }
        }
        if let Some(ttl) = &props.time_to_live_attribute
            && (ttl.is_empty() || ttl.len() > 255)
        {
            stack.error(
                &path,
                format!(
                    "timeToLiveAttribute is {} bytes long; DynamoDB attribute names are 1..=255 bytes",
                    ttl.len()
                ),
            );
        }
        let mut r = Resource::new(ResourceType::DynamoDbTable)
            .checkov_skip(super::checkov::TABLE_KMS)
            .prop("KeySchema", Value::List(keys))
            .prop("AttributeDefinitions", Value::List(attributes));
        r = match props.billing {
            Billing::OnDemand => r.prop("BillingMode", "PAY_PER_REQUEST"),
            Billing::Provisioned { read, write } => {
                if read == 0 || write == 0 {
                    stack.error(
                        &path,
                        "billing.provisioned read and write capacity must be at least 1",
                    );
                }
                r.prop("BillingMode", "PROVISIONED").prop(
                    "ProvisionedThroughput",
                    Value::map([
                        ("ReadCapacityUnits", read.into()),
                        ("WriteCapacityUnits", write.into()),
                    ]),
                )
            }
        };
        if let Some(view) = props.stream {
            r = r.prop(
                "StreamSpecification",
                Value::map([("StreamViewType", view.as_str().into())]),
            );
        }
        r = r
            .prop(
                "PointInTimeRecoverySpecification",
                Value::map([(
                    "PointInTimeRecoveryEnabled",
                    props.point_in_time_recovery.into(),
                )]),
            )
            .prop(
                "SSESpecification",
                Value::map([("SSEEnabled", true.into())]),
            );
        if let Some(ttl) = &props.time_to_live_attribute {
            r = r.prop(
                "TimeToLiveSpecification",
                Value::map([
                    ("AttributeName", ttl.clone().into()),
                    ("Enabled", true.into()),
                ]),
            );
        }
        r = r
            .prop("DeletionProtectionEnabled", props.deletion_protection)
            .retain(RemovalPolicy::Retain);
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        Self {
            path,
            reference,
            stream: props.stream,
        }
    }

    /// The table name (`Ref`).
    pub fn name(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// The table ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }

    /// The ARN of the table's latest stream (only for a table with a stream).
    pub fn stream_arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::StreamArn)
    }
}

fn key(a: &Attribute, kind: &'static str) -> Value {
    Value::map([
        ("AttributeName", a.name.clone().into()),
        ("KeyType", kind.into()),
    ])
}

fn definition(a: &Attribute) -> Value {
    let t = match a.kind {
        AttributeType::S => "S",
        AttributeType::N => "N",
        AttributeType::B => "B",
    };
    Value::map([
        ("AttributeName", a.name.clone().into()),
        ("AttributeType", t.into()),
    ])
}

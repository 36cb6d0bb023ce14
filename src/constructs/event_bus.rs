//! EventBridge custom bus with an archive for replay.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::limits::{ARCHIVE_RETENTION_DAYS, EVENT_BUS_NAME};
use super::pattern::{self, Dialect, EventPattern};
use crate::core::cfn::{Attr, ResourceType, iam};
use crate::core::{
    ConstructPath, LogicalId, Reference, RemovalPolicy, Resource, Stack, Statement, Value,
};

fn archive_days() -> Option<u32> {
    Some(30)
}

/// Bus props.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the bus's settings (`{}` for the defaults)")]
pub struct EventBusProps {
    /// The bus name: 1..=256 of `[A-Za-z0-9._-/]`, not `default` (the account's default bus).
    /// Default: `<stack>-<logical ID>`. Changing it REPLACES the bus (rules and archives of
    /// other teams point at the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^[A-Za-z0-9._/-]{1,256}$"),
        extend("not" = {"const": "default"})
    )]
    pub name: Option<String>,
    /// Days the archive keeps every event for replay (0 = forever), or `null` for no archive.
    /// Default: 30.
    #[serde(default = "archive_days")]
    #[schemars(range(min = ARCHIVE_RETENTION_DAYS.min, max = ARCHIVE_RETENTION_DAYS.max))]
    pub archive_retention_days: Option<u32>,
    /// Which events the archive keeps (an event pattern, at most 4,096 characters as JSON); needs
    /// an archive (`archiveRetentionDays` not null). Default: every event of the bus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_pattern: Option<EventPattern>,
    /// A description: at most 512 characters. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = BUS_DESCRIPTION_CHARS))]
    pub description: Option<String>,
}

impl Default for EventBusProps {
    fn default() -> Self {
        Self {
            name: None,
            archive_retention_days: archive_days(),
            archive_pattern: None,
            description: None,
        }
    }
}

/// A bus handle.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBus {
    pub path: ConstructPath,
    pub reference: Reference,
    /// The bus's name as written in the template (rules on the bus are unique within it).
    pub physical_name: String,
}

/// The longest bus description EventBridge takes (`CreateEventBus` `Description`: "Maximum
/// length of 512"; the registry schema does not state it).
pub const BUS_DESCRIPTION_CHARS: usize = 512;

impl EventBus {
    /// Adds a custom bus (and its archive).
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &EventBusProps) -> Self {
        let name = match &props.name {
            Some(name) => {
                stack.given_name(&path, &EVENT_BUS_NAME, None, name);
                name.clone()
            }
            None => {
                let id = LogicalId::text_of(&path);
                let stack_name = stack.name().clone();
                stack.derive_name(&path, &EVENT_BUS_NAME, None, &[stack_name.as_str(), &id])
            }
        };
        if name == "default" {
            stack.error(
                &path,
                "`default` is the account's default bus; a custom bus needs another name",
            );
        }
        if let Some(d) = &props.description
            && d.chars().count() > BUS_DESCRIPTION_CHARS
        {
            stack.error(
                &path,
                format!(
                    "description is {} characters long; EventBridge takes at most {BUS_DESCRIPTION_CHARS}",
                    d.chars().count()
                ),
            );
        }
        let r = Resource::new(ResourceType::EventsEventBus)
            .prop("Name", name.clone())
            .prop_opt("Description", props.description.clone());
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let bus = Self {
            path,
            reference,
            physical_name: name,
        };
        let archive_pattern = props.archive_pattern.as_ref().map(EventPattern::to_json);
        if let Some(pattern) = &archive_pattern {
            if props.archive_retention_days.is_none() {
                stack.error(
                    &bus.path,
                    "archivePattern filters an archive, but archiveRetentionDays is null (no \
                     archive): give a retention, or leave the pattern out",
                );
            } else if let Err(e) = pattern::validate(pattern, Dialect::Archive) {
                stack.error(&bus.path, e.at("archivePattern"));
            }
        }
        if let Some(days) = props.archive_retention_days {
            ARCHIVE_RETENTION_DAYS.check(stack, &bus.path, "archiveRetentionDays", days.into());
            let archive = stack.child(&bus.path, "Archive");
            let description = if archive_pattern.is_some() {
                "The events of the bus its pattern matches, for replay"
            } else {
                "Every event of the bus, for replay"
            };
            stack.add(
                &archive,
                Resource::new(ResourceType::EventsArchive)
                    .prop("SourceArn", bus.arn())
                    .prop("RetentionDays", days)
                    .prop_opt("EventPattern", archive_pattern.map(Value::Json))
                    .prop("Description", description)
                    // The archived events are the bus's history: what a replay needs after a
                    // consumer's bug. Deleting the stack must not delete them with it.
                    .retain(RemovalPolicy::Retain),
            );
        }
        bus
    }

    /// The bus name (`Ref`).
    pub fn name(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// The bus ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }

    /// The statement that lets a function put events on this bus.
    pub fn put_events(&self) -> Statement {
        Statement::allow(iam::BUS_PUT_EVENTS, vec![self.arn()])
    }
}

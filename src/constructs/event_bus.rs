//! EventBridge custom bus with an archive for replay and a resource policy for the accounts (or
//! the AWS Organization) that may put events on it; or an existing bus, named by its ARN.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::limits::{ARCHIVE_RETENTION_DAYS, EVENT_BUS_NAME};
use super::pattern::{self, Dialect, EventPattern};
use crate::core::cfn::{Attr, ResourceType, iam};
use crate::core::{
    AccountId, ConstructPath, LogicalId, Reference, RemovalPolicy, Resource, Stack, Statement,
    Value,
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
    /// Other AWS accounts that may put events on the bus (a resource policy statement each;
    /// the bus's own account needs none). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_accounts: Vec<AccountId>,
    /// An AWS Organization (`o-` and 10 to 32 lowercase letters or digits) whose accounts may
    /// all put events on the bus (`aws:PrincipalOrgID`). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_organization: Option<OrganizationId>,
    /// Tags for the bus (its archive takes none), besides the app's, the stack's and those of the
    /// constructs it is in; a key set nearer the resource wins. Keys 1..=128 characters, not
    /// starting with `aws:`; values 0..=256; letters, digits, spaces and `_ . : / = + - @`; at
    /// most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

impl Default for EventBusProps {
    fn default() -> Self {
        Self {
            name: None,
            archive_retention_days: archive_days(),
            archive_pattern: None,
            description: None,
            allow_accounts: Vec::new(),
            allow_organization: None,
            tags: BTreeMap::new(),
        }
    }
}

/// An AWS Organization ID: `o-` and 10 to 32 lowercase letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganizationId(String);

impl JsonSchema for OrganizationId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OrganizationId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An AWS Organization ID: `o-` and 10 to 32 lowercase letters or digits.",
            "type": "string",
            "pattern": "^o-[a-z0-9]{10,32}$"
        })
    }
}

impl TryFrom<String> for OrganizationId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let rest = s.strip_prefix("o-").unwrap_or("");
        if (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            Ok(Self(s))
        } else {
            Err(format!(
                "`{s}` is not an AWS Organization ID: `o-` and 10 to 32 lowercase letters or digits"
            ))
        }
    }
}

impl From<OrganizationId> for String {
    fn from(id: OrganizationId) -> Self {
        id.0
    }
}

impl OrganizationId {
    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a bus comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum BusSource {
    /// A bus this app defines: its resource.
    Defined(Reference),
    /// A bus that exists already (another team's, another account's), by its ARN.
    Existing(BusArn),
}

/// The parts of an event bus ARN: `arn:<partition>:events:<region>:<account>:event-bus/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusArn {
    pub arn: String,
    pub region: String,
    pub account: String,
    pub name: String,
}

impl std::str::FromStr for BusArn {
    type Err = String;
    fn from_str(arn: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!(
                "`{arn}` is not an event bus ARN ({why}): it reads `arn:<partition>:events:<region>:<account>:event-bus/<name>`"
            )
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts[..] else {
            return Err(bad("too few `:`-separated parts"));
        };
        if prefix != "arn" || partition.is_empty() {
            return Err(bad("it must start with `arn:<partition>:`"));
        }
        if service != "events" {
            return Err(bad("its service is not `events`"));
        }
        crate::core::Region::new(region).map_err(|e| bad(&e.to_string()))?;
        AccountId::new(account).map_err(|e| bad(&e.to_string()))?;
        let Some(name) = resource.strip_prefix("event-bus/") else {
            return Err(bad("its resource is not `event-bus/<name>`"));
        };
        EVENT_BUS_NAME
            .check(name)
            .map_err(|e| bad(&format!("the name {e}")))?;
        Ok(Self {
            arn: arn.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// A bus handle.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBus {
    pub path: ConstructPath,
    pub source: BusSource,
    /// The bus's name as written in the template (rules on the bus are unique within it).
    pub physical_name: String,
}

/// The longest bus description EventBridge takes (`CreateEventBus` `Description`: "Maximum
/// length of 512"; the registry schema does not state it).
pub const BUS_DESCRIPTION_CHARS: usize = 512;

impl EventBus {
    /// Adds a custom bus (and its archive).
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &EventBusProps) -> Self {
        for (key, value) in &props.tags {
            stack.tag(&path, key, value);
        }
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
            .prop_opt("Description", props.description.clone())
            .prop_opt("Policy", put_events_policy(&name, props));
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let bus = Self {
            path,
            source: BusSource::Defined(reference),
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

    /// An existing bus (not created by this app), by its ARN, known as `path` in messages.
    pub fn existing(path: ConstructPath, arn: &str) -> Result<Self, String> {
        let arn: BusArn = arn.parse()?;
        Ok(Self {
            path,
            physical_name: arn.name.clone(),
            source: BusSource::Existing(arn),
        })
    }

    /// The bus name (`Ref`, or the name in an existing bus's ARN): what rules and metrics name.
    pub fn name(&self) -> Value {
        match &self.source {
            BusSource::Defined(r) => Value::Ref(r.clone()),
            BusSource::Existing(arn) => arn.name.clone().into(),
        }
    }

    /// The bus ARN.
    pub fn arn(&self) -> Value {
        match &self.source {
            BusSource::Defined(r) => Value::GetAtt(r.clone(), Attr::Arn),
            BusSource::Existing(arn) => arn.arn.clone().into(),
        }
    }

    /// What `PutEvents` takes as `EventBusName` to reach this bus: its name for a bus of the
    /// app, its ARN for an existing one (which may be in another account).
    pub fn put_events_target(&self) -> Value {
        match &self.source {
            BusSource::Defined(r) => Value::Ref(r.clone()),
            BusSource::Existing(arn) => arn.arn.clone().into(),
        }
    }

    /// The existing bus's ARN parts; `None` for a bus of the app.
    pub fn existing_arn(&self) -> Option<&BusArn> {
        match &self.source {
            BusSource::Existing(arn) => Some(arn),
            BusSource::Defined(_) => None,
        }
    }

    /// What identifies the bus wherever it is used: its ARN, or its construct path.
    pub fn identity(&self) -> String {
        match &self.source {
            BusSource::Existing(arn) => format!("event bus `{}`", arn.arn),
            BusSource::Defined(_) => format!("event bus {}", self.path),
        }
    }

    /// The statement that lets a function put events on this bus.
    pub fn put_events(&self) -> Statement {
        Statement::allow(iam::BUS_PUT_EVENTS, vec![self.arn()])
    }
}

/// The bus's resource policy: `events:PutEvents` for each allowed account and for the allowed
/// organization, on the bus itself (by its ARN, written out: the policy cannot refer to the bus
/// it is part of). `None` when nobody else may put events.
fn put_events_policy(name: &str, props: &EventBusProps) -> Option<Value> {
    if props.allow_accounts.is_empty() && props.allow_organization.is_none() {
        return None;
    }
    let resource = Value::sub(format!(
        "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/{name}"
    ));
    let action: Value = iam::Action::EventsPutEvents.as_str().into();
    let mut statements = Vec::new();
    for account in &props.allow_accounts {
        statements.push(Value::map([
            ("Sid", format!("PutEventsFrom{}", account.as_str()).into()),
            ("Effect", "Allow".into()),
            (
                "Principal",
                Value::map([(
                    "AWS",
                    Value::sub(format!(
                        "arn:${{AWS::Partition}}:iam::{}:root",
                        account.as_str()
                    )),
                )]),
            ),
            ("Action", action.clone()),
            ("Resource", resource.clone()),
        ]));
    }
    if let Some(org) = &props.allow_organization {
        statements.push(Value::map([
            ("Sid", "PutEventsFromOrganization".into()),
            ("Effect", "Allow".into()),
            ("Principal", "*".into()),
            ("Action", action),
            ("Resource", resource),
            (
                "Condition",
                Value::map([(
                    "StringEquals",
                    Value::map([("aws:PrincipalOrgID", org.as_str().to_owned().into())]),
                )]),
            ),
        ]));
    }
    Some(Value::map([
        ("Version", "2012-10-17".into()),
        ("Statement", Value::List(statements)),
    ]))
}

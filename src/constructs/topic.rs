//! SNS topic with email subscriptions: where alarms go.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::email::EmailAddress;
use crate::core::cfn::ResourceType;
use crate::core::{ConstructPath, Reference, Resource, Stack, Value};

/// Topic props.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the topic's settings (`{}` for none)")]
pub struct TopicProps {
    /// The name shown as the sender of SMS/email: at most 100 characters. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = DISPLAY_NAME_CHARS))]
    pub display_name: Option<String>,
    /// Email addresses subscribed to the topic (each must confirm). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_subscriptions: Vec<EmailAddress>,
}

/// A topic handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub path: ConstructPath,
    pub reference: Reference,
}

/// The longest display name SNS takes (`CreateTopic` attribute `DisplayName`: "maximum of 100
/// characters"; the registry schema does not state it).
pub const DISPLAY_NAME_CHARS: usize = 100;

impl Topic {
    /// Adds a topic and its email subscriptions.
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &TopicProps) -> Self {
        if let Some(name) = &props.display_name
            && name.chars().count() > DISPLAY_NAME_CHARS
        {
            stack.error(
                &path,
                format!(
                    "displayName is {} characters long; SNS takes at most {DISPLAY_NAME_CHARS}",
                    name.chars().count()
                ),
            );
        }
        let r = Resource::new(ResourceType::SnsTopic)
            .prop_opt("DisplayName", props.display_name.clone())
            .checkov_skip(super::checkov::TOPIC_KMS);
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let topic = Self { path, reference };
        for (i, email) in props.email_subscriptions.iter().enumerate() {
            let sub = stack.child(&topic.path, &format!("Email{i}"));
            stack.add(
                &sub,
                Resource::new(ResourceType::SnsSubscription)
                    .prop("Protocol", "email")
                    .prop("Endpoint", email.as_str().to_owned())
                    .prop("TopicArn", topic.arn()),
            );
        }
        topic
    }

    /// The topic ARN (`Ref`).
    pub fn arn(&self) -> Value {
        Value::Ref(self.reference.clone())
    }
}

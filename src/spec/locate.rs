//! From a diagnostic of a construct to the line of the spec that caused it.
//!
//! The spec builds each construct at a path below its stack (`Orders/Changes/StreamSource`),
//! from the entry of one section (`stacks.Orders.streamToBus.Changes`, its `stream` field).
//! Messages name the field they are about first (`batchSize = 0 is out of range`,
//! `alarms.emails would be dropped`, `Properties.Description: ...`), so the locator looks for
//! that field under the construct's entry, then the entry itself. The key positions are read
//! only when a diagnostic asks: a synth without findings never parses the spec twice.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::model::{AppSpec, StackSpec};
use crate::core::{Diagnostic, Locate};

/// A spec file's path and text, kept with the spec for locating diagnostics.
#[derive(Debug, Clone)]
pub struct SpecSource {
    pub file: PathBuf,
    pub text: String,
}

/// Where a spec was read from, and how it was spelt, is not what it says: two specs that say
/// the same (one YAML, one JSON) are equal.
impl PartialEq for SpecSource {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Locates diagnostics in one spec.
#[derive(Debug)]
pub(crate) struct SpecLocator {
    source: Arc<SpecSource>,
    /// Which section of which stack holds each top-level construct id: (stack, id) -> section.
    sections: HashMap<(String, String), &'static str>,
    /// The spec's stages: a stage's stack `dev-Orders` is located at stack `Orders`.
    stages: Vec<String>,
    keys: OnceLock<HashMap<String, (usize, usize)>>,
}

/// The spec field each child construct of a stream-to-bus pattern is built from.
const PATTERN_CHILDREN: &[(&str, &str)] = &[
    ("Table", "table"),
    ("Publisher", "publisher"),
    ("StreamSource", "stream"),
    ("Bus", "bus"),
    ("OnFailureQueue", "deadLetterQueue"),
    ("Alerts", "alarms"),
    ("IteratorAgeAlarm", "alarms"),
    ("Schemas", "events"),
];

impl SpecLocator {
    pub(crate) fn new(spec: &AppSpec, source: Arc<SpecSource>) -> Self {
        let mut sections = HashMap::new();
        for (stack, s) in &spec.stacks {
            for (section, ids) in sections_of(s) {
                for id in ids {
                    sections.entry((stack.to_string(), id)).or_insert(section);
                }
            }
        }
        Self {
            source,
            sections,
            stages: spec.stages.keys().cloned().collect(),
            keys: OnceLock::new(),
        }
    }

    fn keys(&self) -> &HashMap<String, (usize, usize)> {
        self.keys.get_or_init(|| {
            crate::yaml::key_locations(&self.source.text)
                .into_iter()
                .map(|(k, l, c)| (k, (l, c)))
                .collect()
        })
    }

    /// The spec paths a diagnostic may be about, most precise first.
    fn candidates(&self, diagnostic: &Diagnostic) -> Vec<String> {
        let Some(path) = &diagnostic.path else {
            return Self::spec_field(&diagnostic.message);
        };
        let segments: Vec<&str> = path.as_str().split('/').collect();
        let Some(mut stack) = segments.first().copied() else {
            return Vec::new();
        };
        // A stage's copy of a stack is written once, under its name without the stage.
        if let Some(base) = self.stages.iter().find_map(|stage| {
            stack
                .strip_prefix(stage.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
        }) {
            stack = base;
        }
        let mut nodes = vec![format!("stacks.{stack}")];
        if let Some(id) = segments.get(1)
            && let Some(section) = self.sections.get(&(stack.to_string(), id.to_string()))
        {
            let entry = format!("stacks.{stack}.{section}.{id}");
            if *section == "streamToBus"
                && let Some(child) = segments.get(2)
                && let Some((_, field)) = PATTERN_CHILDREN.iter().find(|(c, _)| c == child)
            {
                nodes.insert(0, format!("{entry}.{field}"));
            }
            // An authorizer of an HTTP API is built from `authorizers.<id>.jwt`.
            if *section == "httpApis"
                && let Some(child) = segments.get(2)
            {
                nodes.insert(0, format!("{entry}.authorizers.{child}"));
                nodes.insert(0, format!("{entry}.authorizers.{child}.jwt"));
            }
            nodes.insert(nodes.len() - 1, entry);
        }
        let mut out = Vec::new();
        if let Some(field) = leading_field(&diagnostic.message) {
            for node in &nodes {
                out.push(format!("{node}.{field}"));
            }
        }
        out.extend(nodes);
        out
    }
}

impl SpecLocator {
    /// For a diagnostic of the spec itself, which names its field first
    /// (`stages.dev.overrides.stacks.Orders.functions.Api.memorySze: unknown field ...`): that
    /// field, then each field it is under, most precise first.
    fn spec_field(message: &str) -> Vec<String> {
        let Some(field) = message
            .split_once(": ")
            .map(|(field, _)| field)
            .filter(|f| f.starts_with("stages.") && !f.contains(' '))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // `...functions: there is no `NotifyStaf` to override`: the misspelt key itself.
        if let Some(name) = message
            .split_once("there is no ")
            .and_then(|(_, rest)| rest.split_once('`'))
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(name, _)| name)
        {
            out.push(format!("{field}.{name}"));
        }
        out.push(field.to_owned());
        let mut rest = field;
        while let Some((parent, _)) = rest.rsplit_once('.') {
            out.push(parent.to_owned());
            rest = parent;
        }
        out
    }
}

impl Locate for SpecLocator {
    fn locate(&self, diagnostic: &Diagnostic) -> Option<String> {
        let keys = self.keys();
        let (line, col) = self
            .candidates(diagnostic)
            .iter()
            .find_map(|c| keys.get(c))?;
        Some(format!("{}:{line}:{col}", self.source.file.display()))
    }
}

fn sections_of(s: &StackSpec) -> [(&'static str, Vec<String>); 7] {
    fn ids<K: ToString, V>(map: &indexmap::IndexMap<K, V>) -> Vec<String> {
        map.keys().map(ToString::to_string).collect()
    }
    [
        ("topics", ids(&s.topics)),
        ("queues", ids(&s.queues)),
        ("buses", ids(&s.buses)),
        ("functions", ids(&s.functions)),
        ("streamToBus", ids(&s.stream_to_bus)),
        ("httpApis", ids(&s.http_apis)),
        ("rules", ids(&s.rules)),
    ]
}

/// The field a message starts with, as the spec spells it: `batchSize` of `batchSize = 0 ...`,
/// `alarms.emails` of `alarms.emails would ...`, `routes[1]`, and `description` of a registry
/// finding's `Properties.Description: ...`.
fn leading_field(message: &str) -> Option<String> {
    let message = message.strip_prefix("Properties.").map_or_else(
        || message.to_owned(),
        |rest| {
            let mut c = rest.chars();
            c.next()
                .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
                .unwrap_or_default()
        },
    );
    let end = message
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '[' | ']')))
        .unwrap_or(message.len());
    let field = message[..end].trim_end_matches('.');
    let starts_lower = field.starts_with(|c: char| c.is_ascii_lowercase());
    (starts_lower && end < message.len()).then(|| field.to_owned())
}

#[cfg(test)]
mod tests {
    use super::leading_field;

    #[test]
    fn the_leading_field_of_a_message() {
        assert_eq!(
            leading_field("batchSize = 0 is out").as_deref(),
            Some("batchSize")
        );
        assert_eq!(
            leading_field("alarms.emails would be dropped").as_deref(),
            Some("alarms.emails")
        );
        assert_eq!(
            leading_field("Properties.Description: 300 characters").as_deref(),
            Some("description")
        );
        assert_eq!(leading_field("routes[1]: x").as_deref(), Some("routes[1]"));
        assert_eq!(
            leading_field("the environment takes").as_deref(),
            Some("the")
        );
        assert_eq!(leading_field("`x` names both").as_deref(), None);
        assert_eq!(leading_field("Every leaf").as_deref(), None);
    }
}

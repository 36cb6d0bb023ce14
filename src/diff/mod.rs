//! `tributary diff`: what a change to the app does to the deployed stacks, judged on meaning.
//!
//! Templates are compared resource by resource and, within a resource, property path by path.
//! A change to a create-only path replaces the resource ([`replacement`]); replacements cascade
//! through `Ref` and `Fn::GetAtt` to the create-only properties that hold them (a replaced table
//! gives a new stream ARN, which replaces the mapping on it). A removed or replaced stateful
//! resource is data loss, spelled out by its deletion or update-replace policy. Policies are
//! compared as grants, not text ([`iam`]). An export another stack imports cannot change.

pub mod create_only;
pub mod iam;
pub mod render;
pub mod replacement;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

pub use replacement::Replacement;

use crate::core::cfn::ResourceType as T;

/// A template as the diff reads it.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub resources: BTreeMap<String, Value>,
    pub outputs: BTreeMap<String, Value>,
    /// The template's `Description`: a change to it alone is an update of the stack.
    pub description: Option<Value>,
}

impl Template {
    /// The parts of a template's JSON the diff compares, taken from it.
    pub fn from_value(json: Value) -> Result<Self, String> {
        let Value::Object(mut object) = json else {
            return Err("the template is not a JSON object".to_owned());
        };
        let description = object.remove("Description");
        let mut section = |name: &str| -> Result<BTreeMap<String, Value>, String> {
            match object.remove(name) {
                None => Ok(BTreeMap::new()),
                Some(Value::Object(map)) => Ok(map.into_iter().collect()),
                Some(_) => Err(format!("`{name}` is not an object")),
            }
        };
        Ok(Self {
            resources: section("Resources")?,
            outputs: section("Outputs")?,
            description,
        })
    }

    /// The parts of a template's JSON the diff compares.
    pub fn from_json(json: &Value) -> Result<Self, String> {
        let object = json
            .as_object()
            .ok_or("the template is not a JSON object")?;
        let section = |name: &str| -> Result<BTreeMap<String, Value>, String> {
            match object.get(name) {
                None => Ok(BTreeMap::new()),
                Some(Value::Object(map)) => {
                    Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                }
                Some(_) => Err(format!("`{name}` is not an object")),
            }
        };
        Ok(Self {
            resources: section("Resources")?,
            outputs: section("Outputs")?,
            description: object.get("Description").cloned(),
        })
    }
}

/// Stacks by name.
pub type Templates = BTreeMap<String, Template>;

/// The templates of a synthesized app, by stack name.
pub fn templates_of(synth: &crate::core::Synthesized) -> Result<Templates, String> {
    let mut out = Templates::new();
    for (name, bytes) in crate::assembly::rendered_templates(synth).map_err(|e| e.to_string())? {
        let json: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("stack {name}: {e}"))?;
        let template = Template::from_value(json).map_err(|e| format!("stack {name}: {e}"))?;
        out.insert(name, template);
    }
    Ok(out)
}

/// Why the base cannot be read.
#[derive(Debug)]
pub struct BaseError(pub String);

impl fmt::Display for BaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaseError {}

/// The templates in `dir`: a cloud assembly (its `manifest.json` names each stack's template)
/// or a folder of `<Stack>.template.json` files.
pub fn read_base(dir: &Path) -> Result<Templates, BaseError> {
    let mut out = Templates::new();
    for (name, json) in read_base_json(dir)? {
        let template = Template::from_value(json).map_err(|e| {
            BaseError(format!(
                "cannot read the base {}: stack {name}: {e}",
                dir.display()
            ))
        })?;
        out.insert(name, template);
    }
    Ok(out)
}

/// [`read_base`]'s templates as JSON, by stack name (sorted).
pub fn read_base_json(dir: &Path) -> Result<Vec<(String, Value)>, BaseError> {
    let fail = |what: String| BaseError(format!("cannot read the base {}: {what}", dir.display()));
    read_base_bytes(dir)?
        .into_iter()
        .map(|(name, bytes)| {
            serde_json::from_slice(&bytes)
                .map(|json| (name.clone(), json))
                .map_err(|e| fail(format!("the template of {name} is not JSON: {e}")))
        })
        .collect()
}

/// [`read_base`]'s template files, unparsed, by stack name (sorted).
pub fn read_base_bytes(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, BaseError> {
    let fail = |what: String| BaseError(format!("cannot read the base {}: {what}", dir.display()));
    if !dir.is_dir() {
        return Err(fail("not a directory".to_owned()));
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let manifest = dir.join("manifest.json");
    if manifest.is_file() {
        let text = std::fs::read(&manifest).map_err(|e| fail(format!("manifest.json: {e}")))?;
        let json: Value = serde_json::from_slice(&text)
            .map_err(|e| fail(format!("manifest.json is not JSON: {e}")))?;
        let artifacts = json
            .get("artifacts")
            .and_then(Value::as_object)
            .ok_or_else(|| fail("manifest.json has no `artifacts`".to_owned()))?;
        for (id, artifact) in artifacts {
            if artifact.get("type").and_then(Value::as_str) != Some("aws:cloudformation:stack") {
                continue;
            }
            let file = artifact
                .pointer("/properties/templateFile")
                .and_then(Value::as_str)
                .ok_or_else(|| fail(format!("artifact {id} names no templateFile")))?;
            let name = artifact
                .pointer("/properties/stackName")
                .and_then(Value::as_str)
                .unwrap_or(id);
            files.push((name.to_owned(), dir.join(file)));
        }
    } else {
        let entries = std::fs::read_dir(dir).map_err(|e| fail(e.to_string()))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(e.to_string()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stack) = name.strip_suffix(".template.json") {
                files.push((stack.to_owned(), entry.path()));
            }
        }
        if files.is_empty() {
            return Err(fail(
                "it holds no manifest.json and no <Stack>.template.json files".to_owned(),
            ));
        }
    }
    files.sort();
    let mut out = Vec::with_capacity(files.len());
    for (name, file) in files {
        let bytes = std::fs::read(&file).map_err(|e| fail(format!("{}: {e}", file.display())))?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// How `diff --graph` marks each changed resource, by (stack, logical ID).
pub fn marks(diff: &AppDiff) -> crate::graph::Marks {
    use crate::graph::Mark;
    let mut marks = crate::graph::Marks::new();
    for stack in &diff.stacks {
        for r in &stack.resources {
            let mark = match (r.change, r.replacement) {
                (Change::Added, _) => Mark::Added,
                (Change::Removed, _) => Mark::Removed,
                (Change::Modified, Replacement::Never) => Mark::Modified,
                (Change::Modified, _) => Mark::Replaced,
            };
            marks.insert((stack.name.clone(), r.logical_id.clone()), mark);
        }
    }
    marks
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StackStatus {
    Added,
    Removed,
    Modified,
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Modified,
}

/// One changed property path of a resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyChange {
    /// Segments below `Properties`, joined by `/`.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub replacement: Replacement,
    /// Why it replaces (or what else it does), when it does.
    #[serde(skip)]
    pub reason: Option<String>,
}

/// One changed resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDiff {
    pub logical_id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub change: Change,
    pub replacement: Replacement,
    pub data_loss: bool,
    pub iam_widening: bool,
    pub properties: Vec<PropertyChange>,
    /// What a reviewer must read: data loss spelled out, cascades, widenings, impossible
    /// replacements, the override that keeps a moved logical ID.
    #[serde(skip)]
    pub notes: Vec<Note>,
    /// For a removed resource whose logical ID moved (a renamed construct): the new ID.
    #[serde(skip)]
    pub moved_to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// The change cannot be deployed as it stands.
    Error,
    DataLoss,
    Widening,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

/// One stack's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackDiff {
    pub name: String,
    pub status: StackStatus,
    pub resources: Vec<ResourceDiff>,
    /// Changes the stack's outputs make that CloudFormation would refuse.
    #[serde(skip)]
    pub errors: Vec<String>,
    /// Changes to the stack outside its resources (its description), for the reviewer.
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub replacements: usize,
    pub data_loss: usize,
    pub iam_widening: usize,
    #[serde(skip)]
    pub errors: usize,
}

/// The diff of an app.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDiff {
    pub stacks: Vec<StackDiff>,
    pub summary: Summary,
}

/// Types whose resources hold data that a delete or a replacement loses.
pub const STATEFUL: [&str; 9] = [
    TABLE,
    // Not emitted by tributary's constructs; an app may hold one as a raw resource.
    "AWS::DynamoDB::GlobalTable",
    T::S3Bucket.as_str(),
    T::SqsQueue.as_str(),
    T::EventsEventBus.as_str(),
    T::EventsArchive.as_str(),
    T::LogsLogGroup.as_str(),
    T::EventSchemasRegistry.as_str(),
    T::KinesisStream.as_str(),
];

// The types the diff says more about, by their typed names.
const TABLE: &str = T::DynamoDbTable.as_str();
const MAPPING: &str = T::LambdaEventSourceMapping.as_str();
const RULE: &str = T::EventsRule.as_str();
const INVOKE_CONFIG: &str = T::LambdaEventInvokeConfig.as_str();
const SUBSCRIPTION: &str = T::SnsSubscription.as_str();

/// How a cascade through a new stream is worded: a mapping replaced for it reads a new stream.
const NEW_STREAM_ARN: &str = "gets a new stream ARN";

fn is_stateful(resource_type: &str) -> bool {
    STATEFUL.contains(&resource_type)
}

/// Compares `base` (what is deployed) with `current` (what the app synthesizes now).
pub fn diff(base: &Templates, current: &Templates) -> AppDiff {
    diff_with(base, current, &|exporter: &str, export: &str| {
        base.iter()
            .filter(|(name, t)| name.as_str() != exporter && imports(t, export))
            .map(|(name, _)| name.clone())
            .collect()
    })
}

/// [`diff`] of templates as JSON bytes, by stack name: a stack whose bytes are the same on both
/// sides is unchanged without being parsed (a checked-in template is byte for byte what the
/// synth wrote).
pub fn diff_bytes(
    base: &[(String, impl AsRef<[u8]>)],
    current: &[(String, impl AsRef<[u8]>)],
) -> Result<AppDiff, String> {
    let now: BTreeMap<&str, &[u8]> = current
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_ref()))
        .collect();
    let parse = |name: &str, bytes: &[u8]| -> Result<Template, String> {
        let json: Value =
            serde_json::from_slice(bytes).map_err(|e| format!("stack {name}: {e}"))?;
        Template::from_value(json).map_err(|e| format!("stack {name}: {e}"))
    };
    let mut same: BTreeMap<&str, &[u8]> = BTreeMap::new();
    let (mut old, mut new) = (Templates::new(), Templates::new());
    for (name, bytes) in base {
        let bytes = bytes.as_ref();
        if now.get(name.as_str()) == Some(&bytes) {
            same.insert(name, bytes);
        } else {
            old.insert(name.clone(), parse(name, bytes)?);
        }
    }
    for (name, bytes) in current {
        if !same.contains_key(name.as_str()) {
            new.insert(name.clone(), parse(name, bytes.as_ref())?);
        }
    }
    let importers = |exporter: &str, export: &str| -> Vec<String> {
        let names: BTreeSet<&str> = old
            .keys()
            .map(String::as_str)
            .chain(same.keys().copied())
            .collect();
        names
            .into_iter()
            .filter(|name| *name != exporter)
            .filter(|name| match (old.get(*name), same.get(name)) {
                (Some(t), _) => imports(t, export),
                (None, Some(bytes)) => {
                    // Parsed only when its text names the export.
                    let needle = serde_json::to_vec(export).unwrap_or_default();
                    bytes
                        .windows(needle.len().max(1))
                        .any(|w| w == needle.as_slice())
                        && parse(name, bytes).is_ok_and(|t| imports(&t, export))
                }
                (None, None) => false,
            })
            .map(str::to_owned)
            .collect()
    };
    let mut result = diff_with(&old, &new, &importers);
    for name in same.keys() {
        result.stacks.push(StackDiff {
            name: (*name).to_owned(),
            status: StackStatus::Unchanged,
            resources: Vec::new(),
            errors: Vec::new(),
            notes: Vec::new(),
        });
    }
    result.stacks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(result)
}

fn diff_with(
    base: &Templates,
    current: &Templates,
    importers: &dyn Fn(&str, &str) -> Vec<String>,
) -> AppDiff {
    let names: BTreeSet<&String> = base.keys().chain(current.keys()).collect();
    let empty = Template::default();
    let mut stacks = Vec::new();
    for name in names {
        let (old, new) = (base.get(name), current.get(name));
        let mut resources = diff_stack(old.unwrap_or(&empty), new.unwrap_or(&empty));
        let errors = export_errors(name, old, new, importers, &resources);
        resources.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
        let notes = stack_notes(old, new);
        let status = match (old, new) {
            (None, Some(_)) => StackStatus::Added,
            (Some(_), None) => StackStatus::Removed,
            _ if resources.is_empty()
                && errors.is_empty()
                && notes.is_empty()
                && outputs_equal(old, new) =>
            {
                StackStatus::Unchanged
            }
            _ => StackStatus::Modified,
        };
        stacks.push(StackDiff {
            name: name.clone(),
            status,
            resources,
            errors,
            notes,
        });
    }
    let mut summary = Summary::default();
    for r in stacks.iter().flat_map(|s| &s.resources) {
        summary.replacements += usize::from(r.replacement != Replacement::Never);
        summary.data_loss += usize::from(r.data_loss);
        summary.iam_widening += usize::from(r.iam_widening);
        summary.errors += r.notes.iter().filter(|n| n.kind == NoteKind::Error).count();
    }
    summary.errors += stacks.iter().map(|s| s.errors.len()).sum::<usize>();
    AppDiff { stacks, summary }
}

/// What changes in a stack that stays, outside its resources and outputs.
fn stack_notes(old: Option<&Template>, new: Option<&Template>) -> Vec<String> {
    let (Some(old), Some(new)) = (old, new) else {
        return Vec::new();
    };
    if old.description == new.description {
        return Vec::new();
    }
    let show = |d: &Option<Value>| {
        d.as_ref()
            .map_or_else(|| "none".to_owned(), Value::to_string)
    };
    vec![format!(
        "Description: {} -> {} (an update of the stack)",
        show(&old.description),
        show(&new.description)
    )]
}

fn outputs_equal(old: Option<&Template>, new: Option<&Template>) -> bool {
    old.map(|t| &t.outputs) == new.map(|t| &t.outputs)
}

fn resource_type(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

fn properties(resource: &Value) -> &Value {
    static EMPTY: Value = Value::Null;
    resource.get("Properties").unwrap_or(&EMPTY)
}

fn attribute<'a>(resource: &'a Value, name: &str) -> Option<&'a str> {
    resource.get(name).and_then(Value::as_str)
}

/// `log group` for `AWS::Logs::LogGroup`.
fn noun(resource_type: &str) -> String {
    let last = resource_type.rsplit("::").next().unwrap_or(resource_type);
    let mut out = String::new();
    for (i, c) in last.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A deleted or replaced stateful resource's fate, from its policy.
fn data_fate(resource_type: &str, policy: Option<&str>, replaced: bool) -> String {
    let noun = noun(resource_type);
    match (policy, replaced) {
        (Some("Retain" | "RetainExceptOnCreate"), true) => format!(
            "replaced: the data stays in the old {noun}, orphaned (UpdateReplacePolicy {}), and the app moves to a new, empty one",
            policy.unwrap_or_default()
        ),
        (Some("Retain" | "RetainExceptOnCreate"), false) => format!(
            "removed: the {noun} and its data stay, orphaned (DeletionPolicy {}); the app no longer manages or uses it",
            policy.unwrap_or_default()
        ),
        (Some("Snapshot"), true) => format!(
            "replaced: a snapshot of the old {noun} is kept (UpdateReplacePolicy Snapshot), and the app moves to a new, empty one"
        ),
        (Some("Snapshot"), false) => {
            format!("removed: the {noun} is deleted after a snapshot (DeletionPolicy Snapshot)")
        }
        (_, true) => format!(
            "replaced: the old {noun} is DELETED with its data (no UpdateReplacePolicy Retain), and the app starts on a new, empty one"
        ),
        (_, false) => {
            format!("removed: the {noun} is DELETED with its data (no DeletionPolicy Retain)")
        }
    }
}

fn diff_stack(old: &Template, new: &Template) -> Vec<ResourceDiff> {
    let ids: BTreeSet<&String> = old.resources.keys().chain(new.resources.keys()).collect();
    let mut diffs: BTreeMap<String, ResourceDiff> = BTreeMap::new();
    // Which resources are replaced, and which get a new stream, before cascading.
    let mut replaced: BTreeMap<String, Replacement> = BTreeMap::new();
    let mut new_stream: BTreeSet<String> = BTreeSet::new();
    for id in ids {
        let (o, n) = (old.resources.get(id), new.resources.get(id));
        let diff = match (o, n) {
            (None, Some(n)) => Some(added(id, n)),
            (Some(o), None) => Some(removed(id, o)),
            (Some(o), Some(n)) => modified(id, o, n, &mut new_stream),
            (None, None) => None,
        };
        if let Some(d) = diff {
            if d.change == Change::Modified && d.replacement != Replacement::Never {
                replaced.insert(id.clone(), d.replacement);
            }
            diffs.insert(id.clone(), d);
        }
    }
    cascade(new, &mut diffs, &mut replaced, &new_stream);
    moved_ids(&mut diffs, old, new);
    for d in diffs.values_mut() {
        finish(
            d,
            old.resources.get(&d.logical_id),
            new.resources.get(&d.logical_id),
        );
        reading_notes(d, old, new);
    }
    diffs.into_values().collect()
}

/// What a change does to data that is not a resource's own: a new mapping on a stream that
/// already has records, backups and deletion protection turned off.
fn reading_notes(d: &mut ResourceDiff, old: &Template, new: &Template) {
    let mut push = |text: String| {
        d.notes.push(Note {
            kind: NoteKind::Info,
            text,
        });
    };
    let (was, now) = (
        old.resources.get(&d.logical_id).map(properties),
        new.resources.get(&d.logical_id).map(properties),
    );
    match (d.resource_type.as_str(), d.change) {
        (MAPPING, Change::Added) => {
            let Some(now) = now else { return };
            let refs = references(now.get("EventSourceArn").unwrap_or(&Value::Null));
            let existing = refs.iter().find(|(_, id, _)| {
                old.resources.contains_key(id) && new.resources.contains_key(id)
            });
            if let Some((_, id, _)) = existing {
                let position = now.get("StartingPosition").and_then(Value::as_str);
                push(match position {
                    Some("TRIM_HORIZON") => format!(
                        "a new mapping on the stream of {id}, which already has records: it starts at TRIM_HORIZON, so up to 24 h of them are delivered again (the publisher must be idempotent)"
                    ),
                    _ => format!(
                        "a new mapping on the stream of {id}: it starts at LATEST, so it reads nothing written before it exists"
                    ),
                });
            }
        }
        (TABLE, Change::Modified) => {
            let (Some(was), Some(now)) = (was, now) else {
                return;
            };
            let on = |p: &Value, pointer: &str| p.pointer(pointer) == Some(&Value::Bool(true));
            if on(
                was,
                "/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
            ) && !on(
                now,
                "/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
            ) {
                push("point-in-time recovery is turned off: the table's continuous backups are deleted".to_owned());
            }
            if on(was, "/DeletionProtectionEnabled") && !on(now, "/DeletionProtectionEnabled") {
                push(
                    "deletion protection is turned off: a later removal deletes the table"
                        .to_owned(),
                );
            }
        }
        _ => {}
    }
    d.notes.sort();
    d.notes.dedup();
}

fn added(id: &str, resource: &Value) -> ResourceDiff {
    let resource_type = resource_type(resource).to_owned();
    let widenings = iam::widenings(&resource_type, None, Some(properties(resource)));
    let mut notes: Vec<Note> = widenings
        .iter()
        .map(|w| Note {
            kind: NoteKind::Widening,
            text: format!("{}: {}", w.policy, w.what),
        })
        .collect();
    notes.extend(new_destinations(&resource_type, None, properties(resource)));
    ResourceDiff {
        logical_id: id.to_owned(),
        resource_type,
        change: Change::Added,
        replacement: Replacement::Never,
        data_loss: false,
        iam_widening: !notes.is_empty(),
        properties: Vec::new(),
        notes,
        moved_to: None,
    }
}

fn removed(id: &str, resource: &Value) -> ResourceDiff {
    let resource_type = resource_type(resource).to_owned();
    let data_loss = is_stateful(&resource_type);
    let notes = if data_loss {
        vec![Note {
            kind: NoteKind::DataLoss,
            text: data_fate(&resource_type, attribute(resource, "DeletionPolicy"), false),
        }]
    } else {
        Vec::new()
    };
    ResourceDiff {
        logical_id: id.to_owned(),
        resource_type,
        change: Change::Removed,
        replacement: Replacement::Never,
        data_loss,
        iam_widening: false,
        properties: Vec::new(),
        notes,
        moved_to: None,
    }
}

fn modified(
    id: &str,
    old: &Value,
    new: &Value,
    new_stream: &mut BTreeSet<String>,
) -> Option<ResourceDiff> {
    let (old_type, new_type) = (resource_type(old), resource_type(new));
    let (op, np) = (properties(old), properties(new));
    let mut changes = Vec::new();
    let mut path = Vec::new();
    leaf_changes(op, np, &mut path, &mut changes);
    let mut notes = Vec::new();
    for attr in ["DeletionPolicy", "UpdateReplacePolicy", "Condition"] {
        if old.get(attr) != new.get(attr) {
            notes.push(Note {
                kind: NoteKind::Info,
                text: format!("{attr}: {} -> {}", show(old.get(attr)), show(new.get(attr))),
            });
        }
    }
    if old.get("DependsOn") != new.get("DependsOn") {
        notes.push(Note {
            kind: NoteKind::Info,
            text: "DependsOn changed".to_owned(),
        });
    }
    if changes.is_empty() && notes.is_empty() && old_type == new_type {
        return None;
    }
    let mut properties = Vec::new();
    let mut replacement = Replacement::Never;
    if old_type != new_type {
        replacement = Replacement::Always;
        notes.push(Note {
            kind: NoteKind::Info,
            text: format!("the type changes from {old_type} to {new_type}: a new resource"),
        });
    }
    for (segments, o, n) in changes {
        let verdict = replacement::classify(new_type, &segments, op, np);
        if verdict.new_stream {
            new_stream.insert(id.to_owned());
        }
        replacement = replacement.max(verdict.replacement);
        properties.push(PropertyChange {
            path: segments.join("/"),
            old: o.cloned(),
            new: n.cloned(),
            replacement: verdict.replacement,
            reason: verdict.reason,
        });
    }
    Some(ResourceDiff {
        logical_id: id.to_owned(),
        resource_type: new_type.to_owned(),
        change: Change::Modified,
        replacement,
        data_loss: false,
        iam_widening: false,
        properties,
        notes,
        moved_to: None,
    })
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), |v| v.to_string())
}

type Leaf<'a> = (Vec<String>, Option<&'a Value>, Option<&'a Value>);

/// Every path where `old` and `new` differ: objects key by key, arrays of one length item by
/// item; anything else (and an intrinsic) as a whole.
fn leaf_changes<'a>(
    old: &'a Value,
    new: &'a Value,
    path: &mut Vec<String>,
    out: &mut Vec<Leaf<'a>>,
) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b))
            if !crate::refs::is_intrinsic(old) && !crate::refs::is_intrinsic(new) =>
        {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                path.push(key.clone());
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => leaf_changes(x, y, path, out),
                    (x, y) => out.push((path.clone(), x, y)),
                }
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                leaf_changes(x, y, path, out);
                path.pop();
            }
        }
        (Value::Null, _) if path.is_empty() => {
            // No `Properties` before: every new top-level property is a change.
            if let Value::Object(b) = new {
                for (key, value) in b {
                    out.push((vec![key.clone()], None, Some(value)));
                }
            }
        }
        (_, Value::Null) if path.is_empty() => {
            if let Value::Object(a) = old {
                for (key, value) in a {
                    out.push((vec![key.clone()], Some(value), None));
                }
            }
        }
        _ => out.push((path.clone(), Some(old), Some(new))),
    }
}

/// The logical IDs a value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub`), each with the property
/// path it sits at and the attribute it reads.
fn references(value: &Value) -> Vec<(Vec<String>, String, Option<String>)> {
    let mut out = Vec::new();
    crate::refs::walk(value, &mut |found| {
        if let crate::refs::Target::Local(id) = found.target {
            out.push((found.path.to_vec(), id, found.attr.map(str::to_owned)));
        }
    });
    out
}

/// Replacements reach what refers to the replaced resource: a property holding its `Ref` or an
/// attribute gets a new value at deploy; on a create-only path that replaces the dependent too.
/// A new stream does the same through `StreamArn`.
fn cascade(
    new: &Template,
    diffs: &mut BTreeMap<String, ResourceDiff>,
    replaced: &mut BTreeMap<String, Replacement>,
    new_stream: &BTreeSet<String>,
) {
    if replaced.is_empty() && new_stream.is_empty() {
        return;
    }
    loop {
        let mut grew = false;
        for (id, resource) in &new.resources {
            let props = properties(resource);
            let refs = references(props);
            for (path, target, attr) in refs {
                if target == *id {
                    continue;
                }
                let level = match replaced.get(&target) {
                    Some(level) => Some(*level),
                    None if new_stream.contains(&target)
                        && attr.as_deref() == Some("StreamArn") =>
                    {
                        Some(Replacement::Always)
                    }
                    None => None,
                };
                let Some(level) = level else {
                    continue;
                };
                let resource_type = resource_type(resource);
                // The value changes at deploy: judge the path as if it had, with a literal on
                // each side (the path's create-only-ness is what is asked).
                let before = replace_at(props, &path, Value::String("old value".to_owned()));
                let after = replace_at(props, &path, Value::String("new value".to_owned()));
                let verdict = replacement::classify(resource_type, &path, &before, &after);
                let effect = match (verdict.replacement, level) {
                    (Replacement::Never, _) => Replacement::Never,
                    (Replacement::Always, Replacement::Always) => Replacement::Always,
                    _ => Replacement::Conditional,
                };
                let why = if new_stream.contains(&target)
                    && attr.as_deref() == Some("StreamArn")
                    && !replaced.contains_key(&target)
                {
                    format!("{target} {NEW_STREAM_ARN}, and {} holds it", path.join("/"))
                } else {
                    format!(
                        "{} refers to {target}, which is replaced{}",
                        path.join("/"),
                        if level == Replacement::Conditional {
                            " (maybe)"
                        } else {
                            ""
                        }
                    )
                };
                let entry = diffs.entry(id.clone()).or_insert_with(|| ResourceDiff {
                    logical_id: id.clone(),
                    resource_type: resource_type.to_owned(),
                    change: Change::Modified,
                    replacement: Replacement::Never,
                    data_loss: false,
                    iam_widening: false,
                    properties: Vec::new(),
                    notes: Vec::new(),
                    moved_to: None,
                });
                if entry.change != Change::Modified {
                    continue;
                }
                let joined = path.join("/");
                let before = entry.replacement;
                if !entry.properties.iter().any(|p| p.path == joined) {
                    let value = lookup(props, &path).cloned();
                    entry.properties.push(PropertyChange {
                        path: joined,
                        old: value.clone(),
                        new: value,
                        replacement: effect,
                        reason: Some(why.clone()),
                    });
                    entry.properties.sort_by(|a, b| a.path.cmp(&b.path));
                }
                if effect != Replacement::Never {
                    entry.replacement = entry.replacement.max(effect);
                    let text = format!("replaced in cascade: {why}");
                    if !entry.notes.iter().any(|n| n.text == text) {
                        entry.notes.push(Note {
                            kind: NoteKind::Info,
                            text,
                        });
                    }
                }
                if entry.replacement > before {
                    replaced.insert(id.clone(), entry.replacement);
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
}

fn lookup<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, seg| match v {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn replace_at(value: &Value, path: &[String], with: Value) -> Value {
    let mut out = value.clone();
    let mut cursor = &mut out;
    for seg in path {
        let next = match cursor {
            Value::Object(m) => m.get_mut(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        };
        match next {
            Some(n) => cursor = n,
            None => return out,
        }
    }
    *cursor = with;
    out
}

/// A removed stateful resource and an added one of the same type and properties: a renamed
/// construct whose logical ID moved.
fn moved_ids(diffs: &mut BTreeMap<String, ResourceDiff>, old: &Template, new: &Template) {
    let removed: Vec<String> = diffs
        .values()
        .filter(|d| d.change == Change::Removed && d.data_loss)
        .map(|d| d.logical_id.clone())
        .collect();
    for old_id in removed {
        let Some(old_resource) = old.resources.get(&old_id) else {
            continue;
        };
        let same_type: Vec<String> = diffs
            .values()
            .filter(|d| d.change == Change::Added)
            .map(|d| d.logical_id.clone())
            .filter(|new_id| {
                new.resources
                    .get(new_id)
                    .is_some_and(|n| resource_type(n) == resource_type(old_resource))
            })
            .collect();
        // The added resource of the same type with the same properties (references aside), or
        // the only added one of its type.
        let twin = same_type
            .iter()
            .find(|new_id| {
                new.resources
                    .get(*new_id)
                    .is_some_and(|n| similar(properties(old_resource), properties(n)))
            })
            .or_else(|| (same_type.len() == 1).then(|| &same_type[0]))
            .cloned();
        if let Some(new_id) = twin {
            if let Some(d) = diffs.get_mut(&old_id) {
                d.moved_to = Some(new_id.clone());
                d.notes.push(Note {
                    kind: NoteKind::DataLoss,
                    text: format!(
                        "the logical ID moved to {new_id} (a renamed construct): CloudFormation removes {old_id} and creates {new_id}, an empty new one. To keep it, add to the stack's `logicalIdOverrides` the resource path of {new_id} mapped to `{old_id}`"
                    ),
                });
            }
            if let Some(d) = diffs.get_mut(&new_id) {
                d.notes.push(Note {
                    kind: NoteKind::Info,
                    text: format!("takes the place of {old_id} (removed): a logical-ID move"),
                });
            }
        }
    }
}

/// Names the `logicalIdOverrides` entry that keeps each moved logical ID, from the construct
/// paths of the synthesized app (the templates do not carry them).
pub fn name_overrides(diff: &mut AppDiff, synth: &crate::core::Synthesized) {
    for stack in &mut diff.stacks {
        let Some(now) = synth.stacks.iter().find(|s| s.name.as_str() == stack.name) else {
            continue;
        };
        for r in &mut stack.resources {
            let Some(new_id) = &r.moved_to else {
                continue;
            };
            let Some(path) = now
                .origins
                .iter()
                .find(|(id, _)| id.as_str() == new_id)
                .map(|(_, path)| path.as_str().to_owned())
            else {
                continue;
            };
            let below = path
                .strip_prefix(&format!("{}/", stack.name))
                .unwrap_or(&path)
                .to_owned();
            let entry = format!(
                "To keep it, give the stack `logicalIdOverrides: {{ {below}: {old} }}` (in Rust: `stack.override_logical_id(\"{below}\", \"{old}\")`)",
                old = r.logical_id
            );
            for note in &mut r.notes {
                if let Some(at) = note.text.find(" To keep it, add to the stack's") {
                    note.text.truncate(at + 1);
                    note.text.push_str(&entry);
                }
            }
            r.notes.sort();
        }
    }
}

/// Whether two resources' properties are alike enough to be one renamed resource: equal once
/// references (which move with the rename) are set aside.
fn similar(a: &Value, b: &Value) -> bool {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(_) if crate::refs::is_intrinsic(v) => Value::Null,
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), strip(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(a) == strip(b)
}

/// Data loss, widening and the replacements that cannot succeed, once the replacement is known.
fn finish(d: &mut ResourceDiff, old: Option<&Value>, new: Option<&Value>) {
    if d.change == Change::Modified {
        let (op, np) = (
            old.map(properties).unwrap_or(&Value::Null),
            new.map(properties).unwrap_or(&Value::Null),
        );
        if d.replacement != Replacement::Never && is_stateful(&d.resource_type) {
            d.data_loss = true;
            let policy = new
                .and_then(|n| attribute(n, "UpdateReplacePolicy"))
                .or_else(|| old.and_then(|o| attribute(o, "UpdateReplacePolicy")));
            let mut text = data_fate(&d.resource_type, policy, true);
            if d.replacement == Replacement::Conditional {
                text = format!("may be {text}");
            }
            d.notes.push(Note {
                kind: NoteKind::DataLoss,
                text,
            });
        }
        if d.replacement == Replacement::Always {
            impossible(d, op, np);
        }
        for w in iam::widenings(&d.resource_type, Some(op), Some(np)) {
            d.notes.push(Note {
                kind: NoteKind::Widening,
                text: format!("{}: {}", w.policy, w.what),
            });
        }
        d.notes
            .extend(new_destinations(&d.resource_type, Some(op), np));
        if d.resource_type == MAPPING && d.replacement != Replacement::Never {
            let position = np.get("StartingPosition").and_then(Value::as_str);
            // A mapping onto another stream (the table's stream re-enabled, or a new table)
            // starts on an empty one: nothing is delivered again, the unread rest is stranded.
            let source = d
                .properties
                .iter()
                .find(|p| p.path == "EventSourceArn" && p.replacement != Replacement::Never);
            let re_enabled = source.is_some_and(|p| {
                p.reason
                    .as_deref()
                    .is_some_and(|r| r.contains(NEW_STREAM_ARN))
            });
            d.notes.push(Note {
                kind: NoteKind::Info,
                text: match position {
                    _ if re_enabled => "the new mapping reads a new, empty stream: records of the old stream it had not read are stranded there (readable by hand for at most 24 h), and writes made while the stream is disabled and enabled again are in neither".to_owned(),
                    _ if source.is_some() => "the new mapping reads another stream, which starts empty: records of the old stream it had not read are not delivered (readable by hand while the old stream lasts, at most 24 h)".to_owned(),
                    Some("TRIM_HORIZON") => "the new mapping starts at TRIM_HORIZON: up to 24 h of records are delivered again (the publisher must be idempotent)".to_owned(),
                    _ => "the new mapping starts at LATEST: records that arrive while it is replaced are skipped".to_owned(),
                },
            });
        }
        d.iam_widening = d.notes.iter().any(|n| n.kind == NoteKind::Widening);
    }
    d.notes.sort();
    d.notes.dedup();
}

/// Replacements CloudFormation cannot carry out: it creates the new resource before deleting the
/// old one.
fn impossible(d: &mut ResourceDiff, old: &Value, new: &Value) {
    let same = |key: &str| {
        let (a, b) = (old.get(key), new.get(key));
        a.is_some() && a == b
    };
    if let Some(key) = [
        "TableName",
        "QueueName",
        "BucketName",
        "Name",
        "FunctionName",
        "RoleName",
        "LogGroupName",
        "TopicName",
        "RegistryName",
        "ArchiveName",
        "AlarmName",
        "StageName",
    ]
    .iter()
    .find(|k| same(k) && !new.get(**k).is_some_and(replacement::has_intrinsic))
    {
        let name = show(new.get(*key));
        d.notes.push(Note {
            kind: NoteKind::Error,
            text: format!(
                "this replacement cannot succeed: the new resource is created first, with the fixed {key} {name} the old one still holds. Change the name in the same deploy, or remove the name and let CloudFormation generate one"
            ),
        });
    }
    if d.resource_type == MAPPING
        && same("EventSourceArn")
        && same("FunctionName")
        && !d.properties.iter().any(|p| p.path == "EventSourceArn")
    {
        d.notes.push(Note {
            kind: NoteKind::Error,
            text: "this replacement cannot succeed: the new mapping, created first, has the same function and stream as the old one (\"mapping already exists\"). Deploy once without the mapping (or with it on another function), then add it back with the new settings".to_owned(),
        });
    }
}

/// Rule targets and failure destinations that start sending data somewhere new.
fn new_destinations(resource_type: &str, old: Option<&Value>, new: &Value) -> Vec<Note> {
    let pointers: &[&str] = match resource_type {
        RULE => &["/Targets/*/Arn", "/Targets/*/DeadLetterConfig/Arn"],
        MAPPING => &["/DestinationConfig/OnFailure/Destination"],
        INVOKE_CONFIG => &[
            "/DestinationConfig/OnFailure/Destination",
            "/DestinationConfig/OnSuccess/Destination",
        ],
        SUBSCRIPTION => &["/Endpoint"],
        _ => return Vec::new(),
    };
    let mut notes = Vec::new();
    for pointer in pointers {
        let pattern: Vec<&str> = pointer.split('/').skip(1).collect();
        let before: BTreeSet<String> = old
            .map(|o| {
                replacement::collect(o, &pattern)
                    .into_iter()
                    .map(|v| v.to_string())
                    .collect()
            })
            .unwrap_or_default();
        for value in replacement::collect(new, &pattern) {
            let text = value.to_string();
            if !before.contains(&text) {
                notes.push(Note {
                    kind: NoteKind::Widening,
                    text: format!(
                        "sends data to {text} ({}), which it did not",
                        pointer.trim_start_matches('/')
                    ),
                });
            }
        }
    }
    notes
}

/// An exported value another stack imports cannot change or go away.
fn export_errors(
    stack: &str,
    old: Option<&Template>,
    new: Option<&Template>,
    importers: &dyn Fn(&str, &str) -> Vec<String>,
    resources: &[ResourceDiff],
) -> Vec<String> {
    let Some(old) = old else {
        return Vec::new();
    };
    let replaced: BTreeSet<&str> = resources
        .iter()
        .filter(|r| r.replacement != Replacement::Never || r.change == Change::Removed)
        .map(|r| r.logical_id.as_str())
        .collect();
    let mut errors = Vec::new();
    for (output_id, output) in &old.outputs {
        let Some(export) = output.pointer("/Export/Name").and_then(Value::as_str) else {
            continue;
        };
        let now = new.and_then(|t| t.outputs.get(output_id));
        let value_changes = match now {
            None => Some("is removed".to_owned()),
            Some(n) if n.get("Value") != output.get("Value") => {
                Some("changes its value".to_owned())
            }
            Some(n) => {
                let refs = references(n.get("Value").unwrap_or(&Value::Null));
                refs.iter()
                    .find(|(_, id, _)| replaced.contains(id.as_str()))
                    .map(|(_, id, _)| format!("changes its value ({id} is replaced)"))
            }
        };
        let Some(how) = value_changes else {
            continue;
        };
        let importers = importers(stack, export);
        if importers.is_empty() {
            continue;
        }
        errors.push(format!(
            "export {export} (output {output_id}) {how}, but {} import{} it: CloudFormation refuses the update. First deploy {} without the import (use the value directly, or a new export), then change {stack}",
            importers.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            if importers.len() == 1 { "s" } else { "" },
            importers.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        ));
    }
    errors
}

fn imports(template: &Template, export: &str) -> bool {
    fn walk(v: &Value, export: &str) -> bool {
        match v {
            Value::Object(m) => {
                if m.get("Fn::ImportValue").and_then(Value::as_str) == Some(export) {
                    return true;
                }
                m.values().any(|v| walk(v, export))
            }
            Value::Array(a) => a.iter().any(|v| walk(v, export)),
            _ => false,
        }
    }
    template.resources.values().any(|r| walk(r, export))
        || template.outputs.values().any(|o| walk(o, export))
}

#[cfg(test)]
mod tests;

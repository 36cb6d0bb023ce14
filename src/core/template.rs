//! The CloudFormation template model, kept in insertion order, and its rendering for one stack.
//!
//! Rendering is where references are resolved: a reference to a resource of the stack being
//! rendered becomes `Ref`/`Fn::GetAtt`, a reference to another stack becomes `Fn::ImportValue`
//! of the export that [`crate::core::App`] adds to the producing stack.

use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::cfn::ResourceType;
use super::id::{LogicalId, StackName};
use super::policy::{Effect, PolicyDocument, Principal, Statement};
use super::value::{Map, Value, export_name};

/// The hasher of the template's maps: keys are our own logical IDs, so a fast non-keyed hash is
/// safe, and synth hashes every ID several times.
pub type FastHash = std::hash::BuildHasherDefault<rustc_hash::FxHasher>;

/// What CloudFormation does with a resource's physical resource on delete or replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    Retain,
    Delete,
    Snapshot,
}

impl RemovalPolicy {
    fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Delete => "Delete",
            RemovalPolicy::Snapshot => "Snapshot",
        }
    }
}

/// One resource of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The CloudFormation type, e.g. `AWS::DynamoDB::Table`.
    pub kind: ResourceType,
    /// Properties in the order they are rendered.
    pub properties: Map,
    /// For policy resources: the document grants append to, rendered as `PolicyDocument`.
    pub policy_document: Option<PolicyDocument>,
    pub depends_on: Vec<LogicalId>,
    pub deletion_policy: Option<RemovalPolicy>,
    pub update_replace_policy: Option<RemovalPolicy>,
    pub metadata: IndexMap<String, serde_json::Value>,
}

impl Resource {
    /// A resource of the given type with no properties yet.
    pub fn new(kind: ResourceType) -> Self {
        Self {
            kind,
            properties: Map::with_capacity(8),
            policy_document: None,
            depends_on: Vec::new(),
            deletion_policy: None,
            update_replace_policy: None,
            metadata: IndexMap::new(),
        }
    }

    /// Sets a property (builder style).
    pub fn prop(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.properties.insert(name, value.into());
        self
    }

    /// Sets a property when there is a value.
    pub fn prop_opt(mut self, name: &'static str, value: Option<impl Into<Value>>) -> Self {
        if let Some(value) = value {
            self.properties.insert(name, value.into());
        }
        self
    }

    /// Records that checkov's check `id` does not apply to this resource, and why, where checkov
    /// reads it (`Metadata.checkov.skip`). A second skip of the same check replaces the first.
    pub fn skip_checkov(&mut self, (id, reason): (&str, &str)) {
        let entry = serde_json::json!({ "id": id, "comment": reason });
        let checkov = self
            .metadata
            .entry("checkov".to_owned())
            .or_insert_with(|| serde_json::json!({ "skip": [] }));
        if let Some(skips) = checkov.get_mut("skip").and_then(|s| s.as_array_mut()) {
            match skips.iter_mut().find(|s| s["id"] == id) {
                Some(existing) => *existing = entry,
                None => skips.push(entry),
            }
        }
    }

    /// [`Resource::skip_checkov`], builder style, for an `(id, reason)` pair.
    pub fn checkov_skip(mut self, skip: (&str, &str)) -> Self {
        self.skip_checkov(skip);
        self
    }

    /// Keeps the resource on stack deletion and on replacement.
    pub fn retain(self, policy: RemovalPolicy) -> Self {
        Self {
            deletion_policy: Some(policy),
            update_replace_policy: Some(policy),
            ..self
        }
    }

    /// Gives the resource a policy document that grants fill in.
    pub fn with_policy_document(mut self) -> Self {
        self.policy_document = Some(PolicyDocument::default());
        self
    }
}

/// A template parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub kind: String,
    pub default: Option<String>,
    pub description: Option<String>,
}

/// A template rule (`Rules` section): assertions checked before any change is made.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRule {
    pub assertions: Vec<(Value, String)>,
}

/// A template output, optionally exported.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub description: Option<String>,
    pub value: Value,
    pub export_name: Option<String>,
}

/// A whole template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    pub description: Option<String>,
    pub metadata: IndexMap<String, serde_json::Value>,
    pub parameters: IndexMap<String, Parameter>,
    pub conditions: IndexMap<String, Value>,
    /// Boxed: a stack holds hundreds and the map moves them as it grows.
    pub resources: IndexMap<LogicalId, Box<Resource>, FastHash>,
    pub outputs: IndexMap<String, Output>,
    pub rules: IndexMap<String, TemplateRule>,
}

impl Template {
    /// The template as rendered in `stack`.
    pub fn render<'a>(&'a self, stack: &'a StackName) -> Rendered<'a, Template> {
        Rendered { stack, item: self }
    }
}

/// Something of a template, rendered in the context of one stack.
#[derive(Debug)]
pub struct Rendered<'a, T> {
    stack: &'a StackName,
    item: &'a T,
}

impl<T> Clone for Rendered<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Rendered<'_, T> {}

impl<'a, T> Rendered<'a, T> {
    fn of<U>(&self, item: &'a U) -> Rendered<'a, U> {
        Rendered {
            stack: self.stack,
            item,
        }
    }
}

impl Serialize for Rendered<'_, Template> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.item;
        let mut map = s.serialize_map(None)?;
        if let Some(description) = &t.description {
            map.serialize_entry("Description", description)?;
        }
        if !t.metadata.is_empty() {
            map.serialize_entry("Metadata", &t.metadata)?;
        }
        if !t.parameters.is_empty() {
            map.serialize_entry("Parameters", &Parameters(&t.parameters))?;
        }
        if !t.conditions.is_empty() {
            map.serialize_entry("Conditions", &self.of(&t.conditions))?;
        }
        map.serialize_entry("Resources", &self.of(&t.resources))?;
        if !t.outputs.is_empty() {
            map.serialize_entry("Outputs", &self.of(&t.outputs))?;
        }
        if !t.rules.is_empty() {
            map.serialize_entry("Rules", &self.of(&t.rules))?;
        }
        map.end()
    }
}

struct Parameters<'a>(&'a IndexMap<String, Parameter>);

impl Serialize for Parameters<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, p) in self.0 {
            map.serialize_entry(name, &ParameterBody(p))?;
        }
        map.end()
    }
}

struct ParameterBody<'a>(&'a Parameter);

impl Serialize for ParameterBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("Type", &p.kind)?;
        if let Some(default) = &p.default {
            map.serialize_entry("Default", default)?;
        }
        if let Some(description) = &p.description {
            map.serialize_entry("Description", description)?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, IndexMap<String, Value>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.item.len()))?;
        for (k, v) in self.item {
            map.serialize_entry(k, &self.of(v))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, super::value::Map> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.item.len()))?;
        for (k, v) in self.item.iter() {
            map.serialize_entry(k, &self.of(v))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, IndexMap<LogicalId, Box<Resource>, FastHash>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.item.len()))?;
        for (id, r) in self.item {
            map.serialize_entry(id.as_str(), &self.of(&**r))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, Resource> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.item;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("Type", r.kind.as_str())?;
        if !r.properties.is_empty() || r.policy_document.is_some() {
            map.serialize_entry("Properties", &Properties(*self))?;
        }
        if !r.depends_on.is_empty() {
            let ids: Vec<&str> = r.depends_on.iter().map(LogicalId::as_str).collect();
            map.serialize_entry("DependsOn", &ids)?;
        }
        if let Some(p) = r.update_replace_policy {
            map.serialize_entry("UpdateReplacePolicy", p.as_str())?;
        }
        if let Some(p) = r.deletion_policy {
            map.serialize_entry("DeletionPolicy", p.as_str())?;
        }
        if !r.metadata.is_empty() {
            map.serialize_entry("Metadata", &r.metadata)?;
        }
        map.end()
    }
}

struct Properties<'a>(Rendered<'a, Resource>);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0.item;
        let mut map = s.serialize_map(None)?;
        if let Some(doc) = &r.policy_document {
            map.serialize_entry("PolicyDocument", &self.0.of(doc))?;
        }
        for (k, v) in r.properties.iter() {
            map.serialize_entry(k, &self.0.of(v))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, IndexMap<String, Output>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.item.len()))?;
        for (id, o) in self.item {
            map.serialize_entry(id, &self.of(o))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, Output> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.item;
        let mut map = s.serialize_map(None)?;
        if let Some(d) = &o.description {
            map.serialize_entry("Description", d)?;
        }
        map.serialize_entry("Value", &self.of(&o.value))?;
        if let Some(name) = &o.export_name {
            map.serialize_entry("Export", &Single("Name", name))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, IndexMap<String, TemplateRule>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.item.len()))?;
        for (id, rule) in self.item {
            let assertions: Vec<Value> = rule
                .assertions
                .iter()
                .map(|(assert, description)| {
                    Value::map([
                        ("Assert", assert.clone()),
                        ("AssertDescription", Value::from(description.clone())),
                    ])
                })
                .collect();
            let body = Value::map([("Assertions", Value::List(assertions))]);
            map.serialize_entry(id, &self.of(&body))?;
        }
        map.end()
    }
}

/// `{"key": value}`.
struct Single<'a, T: ?Sized>(&'a str, &'a T);

impl<T: Serialize + ?Sized> Serialize for Single<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

impl Serialize for Rendered<'_, Value> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.item {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Str(v) => s.serialize_str(v),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(&self.of(v))?;
                }
                seq.end()
            }
            Value::Map(entries) => self.of(entries).serialize(s),
            Value::Ref(r) if &r.stack == self.stack => {
                Single("Ref", r.logical_id.as_str()).serialize(s)
            }
            Value::GetAtt(r, attr) if &r.stack == self.stack => {
                Single("Fn::GetAtt", &[r.logical_id.as_str(), attr.as_str()]).serialize(s)
            }
            Value::Ref(r) => Single("Fn::ImportValue", &export_name(r, None)).serialize(s),
            Value::GetAtt(r, attr) => {
                Single("Fn::ImportValue", &export_name(r, Some(*attr))).serialize(s)
            }
            Value::ParamRef(name) => Single("Ref", name).serialize(s),
            Value::Pseudo(p) => Single("Ref", p.name()).serialize(s),
            Value::Sub(template, vars) if vars.is_empty() => {
                Single("Fn::Sub", template).serialize(s)
            }
            Value::Sub(template, vars) => {
                Single("Fn::Sub", &(template, self.of(vars))).serialize(s)
            }
            Value::Join(sep, parts) => Single("Fn::Join", &(sep, self.of(parts))).serialize(s),
            Value::ImportValue(v) => Single("Fn::ImportValue", &self.of(&**v)).serialize(s),
            Value::Not(v) => Single("Fn::Not", &[self.of(&**v)]).serialize(s),
            Value::Contains(list, v) => {
                Single("Fn::Contains", &(self.of(&**list), self.of(&**v))).serialize(s)
            }
            Value::Policy(doc) => self.of(&**doc).serialize(s),
            Value::Json(json) => json.serialize(s),
        }
    }
}

impl Serialize for Rendered<'_, PolicyDocument> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("Version", super::policy::POLICY_VERSION)?;
        map.serialize_entry(
            "Statement",
            &StatementList(self.stack, self.item.statements()),
        )?;
        map.end()
    }
}

struct StatementList<'a>(&'a StackName, &'a [Statement]);

impl Serialize for StatementList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for item in self.1 {
            seq.serialize_element(&Rendered {
                stack: self.0,
                item,
            })?;
        }
        seq.end()
    }
}

impl Serialize for Rendered<'_, Statement> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let st = self.item;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(
            "Effect",
            match st.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
        )?;
        match &st.principal {
            Some(Principal::Service(service)) => {
                map.serialize_entry("Principal", &Single("Service", service))?
            }
            Some(Principal::Anyone) => map.serialize_entry("Principal", &Single("AWS", "*"))?,
            None => {}
        }
        match st.actions.as_slice() {
            [one] => map.serialize_entry("Action", one)?,
            many => map.serialize_entry("Action", many)?,
        }
        match st.resources.as_slice() {
            [] => {}
            [one] => map.serialize_entry("Resource", &self.of(one))?,
            _ => map.serialize_entry("Resource", &self.of(&st.resources))?,
        }
        if let Some(c) = &st.condition {
            map.serialize_entry("Condition", &self.of(c))?;
        }
        map.end()
    }
}

impl Serialize for Rendered<'_, Vec<Value>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.item.len()))?;
        for v in self.item {
            seq.serialize_element(&self.of(v))?;
        }
        seq.end()
    }
}

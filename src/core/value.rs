//! Template values: JSON plus CloudFormation intrinsics as types.
//!
//! A construct never formats an ARN or a `{"Ref": ...}` by hand: it builds a [`Value`] from typed
//! [`Reference`]s, and rendering decides per stack whether a reference is local (`Ref`/`Fn::GetAtt`)
//! or crosses stacks (`Fn::ImportValue` of an export the producing stack gets automatically).

use std::borrow::Cow;

use super::cfn::Attr;
use super::id::{LogicalId, StackName};
use super::names;
use super::policy::PolicyDocument;

/// A map key or string: static text is borrowed, so building a template allocates only for
/// what is computed.
pub type Text = Cow<'static, str>;

/// An ordered JSON object. Template objects are small, so a vector beats a hash map here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(Vec<(Text, Value)>);

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Sets `key`, replacing its value if it is already there (keeping its position).
    pub fn insert(&mut self, key: impl Into<Text>, value: Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to edit.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<Text>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut map = Map::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

/// A resource in some stack: the target of `Ref` and `Fn::GetAtt`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// The stack the resource lives in.
    pub stack: StackName,
    /// The resource's logical ID in that stack.
    pub logical_id: LogicalId,
}

/// CloudFormation pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    AccountId,
    Region,
    Partition,
    StackName,
    StackId,
    UrlSuffix,
}

impl Pseudo {
    /// The name `Ref` takes, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// A template value: plain JSON or an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(Text),
    List(Vec<Value>),
    Map(Map),
    /// `{"Ref": "LogicalId"}` of a resource (an import when rendered in another stack).
    Ref(Reference),
    /// `{"Ref": "ParameterName"}` of a parameter of the stack being rendered.
    ParamRef(String),
    /// `{"Fn::GetAtt": ["LogicalId", "Attr"]}` (an import when rendered in another stack).
    GetAtt(Reference, Attr),
    /// `{"Ref": "AWS::..."}`.
    Pseudo(Pseudo),
    /// `{"Fn::Sub": template}` or `{"Fn::Sub": [template, vars]}`; references go in `vars`.
    Sub(Text, Map),
    /// `{"Fn::Join": [separator, parts]}`.
    Join(String, Vec<Value>),
    /// `{"Fn::ImportValue": name}` of an export made outside this app.
    ImportValue(Box<Value>),
    /// `{"Fn::Not": [condition]}`.
    Not(Box<Value>),
    /// `{"Fn::Contains": [list, value]}` (template rules only).
    Contains(Box<Value>, Box<Value>),
    /// An IAM policy document (e.g. a role's trust policy), rendered like the ones grants fill.
    Policy(Box<PolicyDocument>),
    /// Any JSON document embedded verbatim (event patterns, log formats).
    Json(serde_json::Value),
}

impl Value {
    /// A `Fn::Sub` without variables (pseudo parameters only).
    pub fn sub(template: impl Into<Text>) -> Value {
        Value::Sub(template.into(), Map::new())
    }

    /// A `Fn::Sub` with variables.
    pub fn sub_with<I, K>(template: impl Into<Text>, vars: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<Text>,
    {
        Value::Sub(template.into(), vars.into_iter().collect())
    }

    /// A map from key/value pairs, in the given order.
    pub fn map<I, K>(entries: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<Text>,
    {
        Value::Map(entries.into_iter().collect())
    }

    /// A list of strings.
    pub fn strs<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Value::List(items.into_iter().map(|s| Value::Str(s.into())).collect())
    }

    /// Visits every resource reference in this value (including nested ones).
    pub fn for_each_reference(&self, f: &mut impl FnMut(&Reference, Option<Attr>)) {
        match self {
            Value::Ref(r) => f(r, None),
            Value::GetAtt(r, attr) => f(r, Some(*attr)),
            Value::List(items) | Value::Join(_, items) => {
                items.iter().for_each(|v| v.for_each_reference(f))
            }
            Value::Map(map) | Value::Sub(_, map) => {
                map.values().for_each(|v| v.for_each_reference(f))
            }
            Value::ImportValue(v) | Value::Not(v) => v.for_each_reference(f),
            Value::Policy(doc) => doc.for_each_reference(f),
            Value::Contains(a, b) => {
                a.for_each_reference(f);
                b.for_each_reference(f);
            }
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Str(_)
            | Value::ParamRef(_)
            | Value::Pseudo(_)
            | Value::Json(_) => {}
        }
    }
}

impl From<&'static str> for Value {
    fn from(s: &'static str) -> Self {
        Value::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(Cow::Owned(s))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

/// The export name a cross-stack reference goes through: `<stack>:<output id>`, stable,
/// readable and unique per producing stack; over 255 characters it keeps a prefix and ends in a
/// hash of the whole ([`names::EXPORT_NAME`]).
pub fn export_name(reference: &Reference, attr: Option<Attr>) -> String {
    names::physical_name(
        &[reference.stack.as_str(), &full_output_id(reference, attr)],
        &names::EXPORT_NAME,
    )
}

/// The logical ID of the output that carries an export (bounded like every logical ID).
pub fn export_output_id(reference: &Reference, attr: Option<Attr>) -> String {
    names::physical_name(&[&full_output_id(reference, attr)], &names::LOGICAL_ID)
}

fn full_output_id(reference: &Reference, attr: Option<Attr>) -> String {
    match attr {
        None => format!("ExportsOutputRef{}", reference.logical_id),
        Some(attr) => format!(
            "ExportsOutputFnGetAtt{}{}",
            reference.logical_id,
            attr.as_str().replace('.', "")
        ),
    }
}

//! Event patterns, typed: the one grammar of EventBridge rule patterns, archive patterns and
//! Lambda filter criteria, with every operator EventBridge documents and the operands each takes.
//!
//! The grammar is read in one place (module `de`): by the spec loader (with the file, line and field
//! of a mistake) and by [`validate`] over any JSON value (raw resources, finished templates), so a
//! pattern AWS would refuse is refused before CloudFormation sees it, in plain words.
//!
//! Sources, quoted where the limits are used: the EventBridge User Guide, "Comparison operators
//! for use in event patterns" (`eb-create-pattern-operators`, with its "event bus" and "pipe"
//! support columns); the Lambda Developer Guide, "Filter rule syntax"
//! (`invocation-eventfiltering#filtering-syntax`); and, where the guides are silent on what is
//! refused, `aws/event-ruler` (`JsonRuleCompiler.java`, `CIDR.java`, `WildcardParser.java`), the
//! open-source matcher of these patterns.

mod de;
mod json;
mod operand;
mod schema;
#[cfg(test)]
mod tests;
mod validate;

use indexmap::IndexMap;
use serde_json::{Map, Number, Value};

pub use operand::{Cidr, Lower, Numeric, Upper, Wildcard};
pub use validate::{Dialect, PatternError, validate, validate_text};

/// A list with at least one element: EventBridge and Lambda refuse empty lists in patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct NonEmpty<T>(Vec<T>);

impl<T> NonEmpty<T> {
    /// A list of one.
    pub fn new(first: T) -> Self {
        Self(vec![first])
    }

    /// The list, if it has an element.
    pub fn from_vec(items: Vec<T>) -> Option<Self> {
        (!items.is_empty()).then_some(Self(items))
    }

    /// Adds an element.
    pub fn push(&mut self, item: T) {
        self.0.push(item);
    }

    /// Each element through `f`.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> NonEmpty<U> {
        NonEmpty(self.0.iter().map(f).collect())
    }

    /// The elements.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T> std::ops::Deref for NonEmpty<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

/// One thing or a non-empty list of them, kept in the form written (both are valid, and Lambda's
/// guide only shows some forms).
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    One(T),
    Many(NonEmpty<T>),
}

impl<T> OneOrMany<T> {
    /// Every element.
    pub fn items(&self) -> &[T] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

/// A value an event field is compared with exactly.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    String(String),
    Number(Number),
    Bool(bool),
    Null,
}

/// One entry of a field's list: the field matches when any entry does.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchValue {
    /// The field equals this value.
    Exact(Scalar),
    /// The field passes this comparison.
    Operator(Operator),
}

/// A comparison operator, with the operand it takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    /// `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "us-"}}`: a string starting so.
    Prefix(Affix),
    /// `{"suffix": ".png"}` or `{"suffix": {"equals-ignore-case": ".png"}}`: a string ending so.
    Suffix(Affix),
    /// `{"equals-ignore-case": "alice"}`: the string, in any case.
    EqualsIgnoreCase(String),
    /// `{"wildcard": "*.png"}`: `*` stands for any characters.
    Wildcard(Wildcard),
    /// `{"anything-but": ...}`: anything except these.
    AnythingBut(AnythingBut),
    /// `{"numeric": [">", 0, "<=", 5]}`: a number in range.
    Numeric(Numeric),
    /// `{"exists": true}`: the field is present (or, with `false`, absent).
    Exists(bool),
    /// `{"cidr": "10.0.0.0/24"}`: an IP address in the block.
    Cidr(Cidr),
}

/// The operand of `prefix` and `suffix`.
#[derive(Debug, Clone, PartialEq)]
pub enum Affix {
    /// Case-sensitive.
    Text(String),
    /// `{"equals-ignore-case": ...}`: in any case.
    IgnoreCase(String),
}

/// The operand of `anything-but`.
#[derive(Debug, Clone, PartialEq)]
pub enum AnythingBut {
    /// Anything but this string.
    String(String),
    /// Anything but this number.
    Number(Number),
    /// Anything but these strings.
    Strings(NonEmpty<String>),
    /// Anything but these numbers.
    Numbers(NonEmpty<Number>),
    /// `{"prefix": ...}`: strings not starting so (each prefix non-empty).
    Prefix(OneOrMany<String>),
    /// `{"suffix": ...}`: strings not ending so (each suffix non-empty).
    Suffix(OneOrMany<String>),
    /// `{"equals-ignore-case": ...}`: strings other than these, in any case.
    EqualsIgnoreCase(OneOrMany<String>),
    /// `{"wildcard": ...}`: strings matching none of these.
    Wildcard(OneOrMany<Wildcard>),
}

/// What a field of a pattern is matched by.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// A list of values and operators: any of them.
    Values(NonEmpty<MatchValue>),
    /// An object of nested fields.
    Fields(Fields),
}

/// An object of a pattern: fields that must all match, and alternatives (`$or`) of which one
/// must. Neither may be empty where it is written, and `$or` takes at least two alternatives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// The fields by name.
    pub fields: IndexMap<String, Matcher>,
    /// `$or`: alternatives, each an object of fields. Default: none.
    pub any_of: Vec<Fields>,
}

/// Which events a rule (or an archive) takes: the events' `source`, `detail-type` and `detail`,
/// and `$or` alternatives of such patterns. Everything named must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPattern {
    /// Sources to match, e.g. `[reservations]`. Default: any.
    pub source: Option<NonEmpty<MatchValue>>,
    /// Detail types to match, e.g. `[ReservationCreated]`. Default: any.
    pub detail_type: Option<NonEmpty<MatchValue>>,
    /// Matchers on the event's detail. Default: any (empty).
    pub detail: Fields,
    /// `$or`: alternative patterns, at least two, one of which must match. Default: none.
    pub any_of: Vec<EventPattern>,
}

impl Fields {
    /// No fields and no alternatives.
    pub fn new() -> Self {
        Self::default()
    }

    /// These fields plus `name` matched by `matcher`.
    pub fn with(mut self, name: impl Into<String>, matcher: Matcher) -> Self {
        self.fields.insert(name.into(), matcher);
        self
    }

    /// Nothing to match.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.any_of.is_empty()
    }

    /// The pattern JSON of this object.
    pub fn to_json(&self) -> Value {
        let mut m: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect();
        if !self.any_of.is_empty() {
            let alternatives = self.any_of.iter().map(Fields::to_json).collect();
            m.insert("$or".into(), Value::Array(alternatives));
        }
        Value::Object(m)
    }
}

impl Matcher {
    /// The field equals `value`.
    pub fn exact(value: impl Into<Scalar>) -> Self {
        Self::Values(NonEmpty::new(MatchValue::Exact(value.into())))
    }

    /// The field equals any of `values`; `None` for an empty list (AWS refuses it).
    pub fn values<V: Into<MatchValue>>(values: impl IntoIterator<Item = V>) -> Option<Self> {
        NonEmpty::from_vec(values.into_iter().map(Into::into).collect()).map(Self::Values)
    }

    /// The field passes `operator`.
    pub fn operator(operator: Operator) -> Self {
        Self::Values(NonEmpty::new(MatchValue::Operator(operator)))
    }

    /// `{"prefix": text}`
    pub fn prefix(text: impl Into<String>) -> Self {
        Self::operator(Operator::Prefix(Affix::Text(text.into())))
    }

    /// `{"suffix": text}`
    pub fn suffix(text: impl Into<String>) -> Self {
        Self::operator(Operator::Suffix(Affix::Text(text.into())))
    }

    /// `{"equals-ignore-case": text}`
    pub fn equals_ignore_case(text: impl Into<String>) -> Self {
        Self::operator(Operator::EqualsIgnoreCase(text.into()))
    }

    /// `{"exists": present}`
    pub fn exists(present: bool) -> Self {
        Self::operator(Operator::Exists(present))
    }

    /// `{"anything-but": ...}`
    pub fn anything_but(operand: AnythingBut) -> Self {
        Self::operator(Operator::AnythingBut(operand))
    }

    /// `{"numeric": [...]}`
    pub fn numeric(comparison: Numeric) -> Self {
        Self::operator(Operator::Numeric(comparison))
    }

    /// `{"wildcard": text}`, if `text` is a wildcard EventBridge takes.
    pub fn wildcard(text: &str) -> Result<Self, PatternError> {
        Ok(Self::operator(Operator::Wildcard(text.parse()?)))
    }

    /// `{"cidr": block}`, if `block` is an IP block EventBridge takes.
    pub fn cidr(block: &str) -> Result<Self, PatternError> {
        Ok(Self::operator(Operator::Cidr(block.parse()?)))
    }

    /// The pattern JSON of this matcher.
    pub fn to_json(&self) -> Value {
        match self {
            Matcher::Values(values) => {
                Value::Array(values.iter().map(MatchValue::to_json).collect())
            }
            Matcher::Fields(fields) => fields.to_json(),
        }
    }
}

impl EventPattern {
    /// A pattern matching one source and detail type.
    pub fn of(source: &str, detail_type: &str) -> Self {
        Self {
            source: Some(NonEmpty::new(source.into())),
            detail_type: Some(NonEmpty::new(detail_type.into())),
            ..Self::default()
        }
    }

    /// This pattern, also matching `matcher` on the detail field `name`.
    pub fn with_detail(mut self, name: impl Into<String>, matcher: Matcher) -> Self {
        self.detail.fields.insert(name.into(), matcher);
        self
    }

    /// Whether it names nothing (and so would match every event).
    pub fn is_empty(&self) -> bool {
        self.source.is_none()
            && self.detail_type.is_none()
            && self.detail.is_empty()
            && self.any_of.is_empty()
    }

    /// The exact sources it names, in its alternatives too.
    pub fn exact_sources(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.exact_strings(&|p| p.source.as_ref(), &mut out);
        out
    }

    /// The exact detail types it names, in its alternatives too.
    pub fn exact_detail_types(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.exact_strings(&|p| p.detail_type.as_ref(), &mut out);
        out
    }

    fn exact_strings<'a>(
        &'a self,
        field: &dyn Fn(&'a EventPattern) -> Option<&'a NonEmpty<MatchValue>>,
        out: &mut Vec<&'a str>,
    ) {
        for v in field(self).map(|v| v.as_slice()).unwrap_or_default() {
            if let MatchValue::Exact(Scalar::String(s)) = v {
                out.push(s);
            }
        }
        for alternative in &self.any_of {
            alternative.exact_strings(field, out);
        }
    }

    /// The pattern as EventBridge takes it (`detail-type`, not the spec's `detailType`).
    pub fn to_json(&self) -> Value {
        self.render("detail-type")
    }

    fn render(&self, detail_type_key: &str) -> Value {
        let list =
            |v: &NonEmpty<MatchValue>| Value::Array(v.iter().map(MatchValue::to_json).collect());
        let mut m = Map::new();
        if let Some(source) = &self.source {
            m.insert("source".into(), list(source));
        }
        if let Some(detail_type) = &self.detail_type {
            m.insert(detail_type_key.into(), list(detail_type));
        }
        if !self.detail.is_empty() {
            m.insert("detail".into(), self.detail.to_json());
        }
        if !self.any_of.is_empty() {
            let alternatives = self.any_of.iter().map(|p| p.render(detail_type_key));
            m.insert("$or".into(), Value::Array(alternatives.collect()));
        }
        Value::Object(m)
    }
}

impl MatchValue {
    /// The pattern JSON of this entry.
    pub fn to_json(&self) -> Value {
        match self {
            MatchValue::Exact(s) => s.to_json(),
            MatchValue::Operator(op) => op.to_json(),
        }
    }
}

impl Scalar {
    /// A number, if it is finite.
    pub fn number(value: f64) -> Option<Self> {
        operand::number(value).map(Scalar::Number)
    }

    fn to_json(&self) -> Value {
        match self {
            Scalar::String(s) => Value::String(s.clone()),
            Scalar::Number(n) => Value::Number(n.clone()),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Null => Value::Null,
        }
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::String(s.to_owned())
    }
}
impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Scalar::String(s)
    }
}
impl From<i64> for Scalar {
    fn from(n: i64) -> Self {
        Scalar::Number(n.into())
    }
}
impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Scalar::Bool(b)
    }
}
impl<T: Into<Scalar>> From<T> for MatchValue {
    fn from(v: T) -> Self {
        MatchValue::Exact(v.into())
    }
}
impl From<Operator> for MatchValue {
    fn from(op: Operator) -> Self {
        MatchValue::Operator(op)
    }
}
impl From<Operator> for Matcher {
    fn from(op: Operator) -> Self {
        Matcher::operator(op)
    }
}
impl From<Fields> for Matcher {
    fn from(fields: Fields) -> Self {
        Matcher::Fields(fields)
    }
}

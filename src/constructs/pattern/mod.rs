//! Event patterns, typed: the one grammar of EventBridge rule patterns, archive patterns and
//! Lambda filter criteria, with every operator EventBridge documents and the operands each takes.
//!
//! The grammar is read in one place ([`de`]): by the spec loader (with the file, line and field
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
mod schema;
#[cfg(test)]
mod tests;

use std::fmt;

use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value};

use super::limits::{ARCHIVE_PATTERN_CHARS, EVENT_PATTERN_CHARS, FILTER_PATTERN_CHARS, Limit};

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

/// A numeric comparison: `["=", n]`, one bound, or a lower bound then an upper one.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric(NumericKind);

#[derive(Debug, Clone, PartialEq)]
enum NumericKind {
    Equals(Number),
    Range {
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Bound {
    value: Number,
    inclusive: bool,
}

/// The lower bound of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lower {
    /// `>`
    Above(f64),
    /// `>=`
    AtLeast(f64),
}

/// The upper bound of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Upper {
    /// `<`
    Below(f64),
    /// `<=`
    AtMost(f64),
}

/// An IPv4 or IPv6 block, e.g. `10.0.0.0/24`: the only form `cidr` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr(String);

/// A string where `*` stands for any characters: no two `*` in a row, and a backslash only
/// escapes `*` or `\` (aws/event-ruler `WildcardParser.java`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(String);

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

/// Why a pattern is refused: where in it, and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PatternError {
    /// The place in the pattern, e.g. `detail.count[0].numeric` (empty for the whole pattern).
    pub path: String,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl PatternError {
    /// The error as a message about the field `field` that holds the pattern:
    /// `filters[0].dynamodb.Keys[0]: ...` (the field path first, as diagnostics name fields).
    pub fn at(&self, field: &str) -> String {
        if self.path.is_empty() {
            format!("{field}: {}", self.message)
        } else {
            format!("{field}.{}: {}", self.path, self.message)
        }
    }

    fn new(message: impl Into<String>) -> Self {
        Self {
            path: String::new(),
            message: message.into(),
        }
    }
}

/// Who reads the pattern: EventBridge (rules, archives: one grammar) or Lambda (event source
/// mapping filter criteria, which take fewer operators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Rule,
    Archive,
    LambdaFilter,
}

impl Dialect {
    /// The most characters the pattern may have as JSON.
    pub fn limit(self) -> &'static Limit {
        match self {
            Dialect::Rule => &EVENT_PATTERN_CHARS,
            Dialect::Archive => &ARCHIVE_PATTERN_CHARS,
            Dialect::LambdaFilter => &FILTER_PATTERN_CHARS,
        }
    }
}

/// Checks a pattern given as JSON (a raw resource's, a finished template's) for `dialect`: the
/// grammar, the operators the dialect takes and the size. The first problem is returned.
pub fn validate(pattern: &Value, dialect: Dialect) -> Result<Fields, PatternError> {
    let fields: Fields = serde_path_to_error::deserialize(pattern).map_err(|e| {
        let path = e.path().to_string();
        PatternError {
            path: if path == "." { String::new() } else { path },
            message: e.into_inner().to_string(),
        }
    })?;
    check_size(pattern.to_string().chars().count(), dialect)?;
    if dialect == Dialect::LambdaFilter {
        lambda_operators(&fields)?;
    }
    Ok(fields)
}

/// [`validate`] for a pattern given as a JSON string (as CloudFormation takes it).
pub fn validate_text(pattern: &str, dialect: Dialect) -> Result<Fields, PatternError> {
    let json: Value = serde_json::from_str(pattern)
        .map_err(|e| PatternError::new(format!("the pattern is not JSON: {e}")))?;
    check_size(pattern.chars().count(), dialect)?;
    validate(&json, dialect)
}

fn check_size(chars: usize, dialect: Dialect) -> Result<(), PatternError> {
    let l = dialect.limit();
    if l.contains(chars as i64) {
        return Ok(());
    }
    Err(PatternError::new(format!(
        "length = {chars} is out of range: {} {} allows {}..={}",
        l.resource, l.property, l.min, l.max
    )))
}

/// The operators of the Lambda guide's filter rule syntax: exact values (null, empty, equals),
/// `equals-ignore-case`, `$or`, `anything-but` with values, `numeric`, `exists`, `prefix` and
/// `suffix` with a string. The rest are EventBridge's alone (its "pipe support: no" column).
fn lambda_operators(fields: &Fields) -> Result<(), PatternError> {
    let mut found = Vec::new();
    fields.operators("", &mut found);
    for (path, op) in found {
        let unsupported = match op {
            Operator::Cidr(_) => "`cidr`",
            Operator::Wildcard(_) => "`wildcard`",
            Operator::Prefix(Affix::IgnoreCase(_)) => "`prefix` with `equals-ignore-case`",
            Operator::Suffix(Affix::IgnoreCase(_)) => "`suffix` with `equals-ignore-case`",
            Operator::AnythingBut(AnythingBut::Prefix(_)) => "`anything-but` with `prefix`",
            Operator::AnythingBut(AnythingBut::Suffix(_)) => "`anything-but` with `suffix`",
            Operator::AnythingBut(AnythingBut::EqualsIgnoreCase(_)) => {
                "`anything-but` with `equals-ignore-case`"
            }
            Operator::AnythingBut(AnythingBut::Wildcard(_)) => "`anything-but` with `wildcard`",
            _ => continue,
        };
        return Err(PatternError {
            path,
            message: format!(
                "Lambda event filtering does not support {unsupported} (EventBridge rules do); \
                 filters take exact values, prefix, suffix, equals-ignore-case, anything-but \
                 with values, numeric, exists and $or"
            ),
        });
    }
    Ok(())
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

    /// Every operator under this object with its path (below `prefix`).
    fn operators<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Operator)>) {
        let at = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        for (key, matcher) in &self.fields {
            match matcher {
                Matcher::Fields(nested) => nested.operators(&at(key), out),
                Matcher::Values(values) => {
                    for (i, v) in values.iter().enumerate() {
                        if let MatchValue::Operator(op) = v {
                            out.push((format!("{}[{i}]", at(key)), op));
                        }
                    }
                }
            }
        }
        for (i, alternative) in self.any_of.iter().enumerate() {
            alternative.operators(&format!("{}[{i}]", at("$or")), out);
        }
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
        number(value).map(Scalar::Number)
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

impl Operator {
    /// The pattern JSON of this operator: an object with one key.
    pub fn to_json(&self) -> Value {
        let texts = |t: &OneOrMany<String>| match t {
            OneOrMany::One(s) => Value::String(s.clone()),
            OneOrMany::Many(many) => many.iter().cloned().map(Value::String).collect(),
        };
        let affix = |a: &Affix| match a {
            Affix::Text(s) => Value::String(s.clone()),
            Affix::IgnoreCase(s) => one("equals-ignore-case", Value::String(s.clone())),
        };
        match self {
            Operator::Prefix(a) => one("prefix", affix(a)),
            Operator::Suffix(a) => one("suffix", affix(a)),
            Operator::EqualsIgnoreCase(s) => one("equals-ignore-case", Value::String(s.clone())),
            Operator::Wildcard(w) => one("wildcard", Value::String(w.0.clone())),
            Operator::Exists(b) => one("exists", Value::Bool(*b)),
            Operator::Cidr(c) => one("cidr", Value::String(c.0.clone())),
            Operator::Numeric(n) => one("numeric", n.to_json()),
            Operator::AnythingBut(a) => one(
                "anything-but",
                match a {
                    AnythingBut::String(s) => Value::String(s.clone()),
                    AnythingBut::Number(n) => Value::Number(n.clone()),
                    AnythingBut::Strings(v) => v.iter().cloned().map(Value::String).collect(),
                    AnythingBut::Numbers(v) => v.iter().cloned().map(Value::Number).collect(),
                    AnythingBut::Prefix(t) => one("prefix", texts(t)),
                    AnythingBut::Suffix(t) => one("suffix", texts(t)),
                    AnythingBut::EqualsIgnoreCase(t) => one("equals-ignore-case", texts(t)),
                    AnythingBut::Wildcard(w) => one(
                        "wildcard",
                        match w {
                            OneOrMany::One(w) => Value::String(w.0.clone()),
                            OneOrMany::Many(many) => {
                                many.iter().map(|w| Value::String(w.0.clone())).collect()
                            }
                        },
                    ),
                },
            ),
        }
    }
}

fn one(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), value)]))
}

/// `value` as a JSON number: integral values as integers (`5`, not `5.0`), `None` if not finite.
fn number(value: f64) -> Option<Number> {
    /// Integers up to 2^53 are exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        Some(Number::from(value as i64))
    } else {
        Number::from_f64(value)
    }
}

impl Numeric {
    /// `["=", value]`
    pub fn equals(value: f64) -> Result<Self, PatternError> {
        Ok(Self(NumericKind::Equals(finite(value)?)))
    }

    /// `[">", a]` or `[">=", a]`
    pub fn lower(lower: Lower) -> Result<Self, PatternError> {
        Self::range(Some(lower), None)
    }

    /// `["<", b]` or `["<=", b]`
    pub fn upper(upper: Upper) -> Result<Self, PatternError> {
        Self::range(None, Some(upper))
    }

    /// `[">", a, "<=", b]` and the like: `a` must be below `b`.
    pub fn between(lower: Lower, upper: Upper) -> Result<Self, PatternError> {
        Self::range(Some(lower), Some(upper))
    }

    fn range(lower: Option<Lower>, upper: Option<Upper>) -> Result<Self, PatternError> {
        let lower = match lower {
            Some(Lower::Above(v)) => Some((v, false)),
            Some(Lower::AtLeast(v)) => Some((v, true)),
            None => None,
        };
        let upper = match upper {
            Some(Upper::Below(v)) => Some((v, false)),
            Some(Upper::AtMost(v)) => Some((v, true)),
            None => None,
        };
        let bound = |b: Option<(f64, bool)>| -> Result<Option<Bound>, PatternError> {
            b.map(|(v, inclusive)| {
                Ok(Bound {
                    value: finite(v)?,
                    inclusive,
                })
            })
            .transpose()
        };
        Self::checked(bound(lower)?, bound(upper)?).map_err(PatternError::new)
    }

    /// A range whose lower bound is below its upper one (EventBridge refuses any other:
    /// aws/event-ruler `Range.between`, "Bottom must be less than top").
    fn checked(lower: Option<Bound>, upper: Option<Bound>) -> Result<Self, String> {
        if let (Some(l), Some(u)) = (&lower, &upper) {
            let (a, b) = (l.value.as_f64(), u.value.as_f64());
            if a >= b {
                return Err(format!(
                    "`numeric`: the lower bound {} is not below the upper bound {}, so nothing \
                     would match",
                    l.value, u.value
                ));
            }
        }
        Ok(Self(NumericKind::Range { lower, upper }))
    }

    fn to_json(&self) -> Value {
        let mut terms = Vec::new();
        match &self.0 {
            NumericKind::Equals(n) => {
                terms.push(Value::from("="));
                terms.push(Value::Number(n.clone()));
            }
            NumericKind::Range { lower, upper } => {
                if let Some(b) = lower {
                    terms.push(Value::from(if b.inclusive { ">=" } else { ">" }));
                    terms.push(Value::Number(b.value.clone()));
                }
                if let Some(b) = upper {
                    terms.push(Value::from(if b.inclusive { "<=" } else { "<" }));
                    terms.push(Value::Number(b.value.clone()));
                }
            }
        }
        Value::Array(terms)
    }
}

fn finite(value: f64) -> Result<Number, PatternError> {
    number(value)
        .ok_or_else(|| PatternError::new(format!("`numeric` takes finite numbers, not {value}")))
}

impl std::str::FromStr for Cidr {
    type Err = PatternError;

    /// An address and a prefix length: IPv4 `0..=31`, IPv6 `0..=127` (aws/event-ruler
    /// `CIDR.java` refuses `/32` and `/128`: one address is matched as an exact value).
    fn from_str(s: &str) -> Result<Self, PatternError> {
        let refuse = |why: &str| {
            PatternError::new(format!(
                "`cidr` takes an IP block like \"10.0.0.0/24\"; \"{s}\" {why}"
            ))
        };
        let Some((address, bits)) = s.split_once('/') else {
            return Err(refuse("has no `/` and prefix length"));
        };
        if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse("has no prefix length after the `/`"));
        }
        let bits: u32 = bits
            .parse()
            .map_err(|_| refuse("has a bad prefix length"))?;
        // aws/event-ruler takes IPv6 in hex digits and colons only (no embedded IPv4).
        let max = match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 31,
            Ok(std::net::IpAddr::V6(_))
                if address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') =>
            {
                127
            }
            _ => return Err(refuse("does not start with an IPv4 or IPv6 address")),
        };
        if bits > max {
            return Err(refuse(&format!(
                "has a prefix length over {max}; match one address as an exact value: [\"{address}\"]"
            )));
        }
        Ok(Self(s.to_owned()))
    }
}

impl std::str::FromStr for Wildcard {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, PatternError> {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    return Err(PatternError::new(format!(
                        "`wildcard` \"{s}\" has two `*` in a row, which EventBridge refuses; one `*` already matches any characters"
                    )));
                }
                '\\' => match chars.next() {
                    Some('*' | '\\') => {}
                    _ => {
                        return Err(PatternError::new(format!(
                            "`wildcard` \"{s}\" has a backslash that escapes neither `*` nor `\\`; write `\\\\` for a backslash"
                        )));
                    }
                },
                _ => {}
            }
        }
        Ok(Self(s.to_owned()))
    }
}

impl Cidr {
    /// The block as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Wildcard {
    /// The wildcard as written.
    pub fn as_str(&self) -> &str {
        &self.0
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

macro_rules! serialize_as_json {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.to_json().serialize(s)
            }
        }
    )*};
}
serialize_as_json!(Fields, Matcher, MatchValue, Operator);

/// The spec's form: `detailType`, as the loader reads it.
impl Serialize for EventPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.render("detailType").serialize(s)
    }
}

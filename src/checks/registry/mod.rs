//! TRB021: every resource of the finished templates checked against the CloudFormation registry
//! schema of its type, as cfn-lint ships it: unknown and read-only properties, required ones,
//! JSON types, enums, string lengths (in characters) and patterns, numeric ranges, array sizes
//! and unique items.
//!
//! The schemas are reduced by `.ci/registry-schemas.py` into `schemas.rs` (statics: nothing is
//! parsed at run time); CI fails when that file is not what the installed cfn-lint gives. The
//! typed template values are walked directly, nothing is rendered. A value CloudFormation only
//! knows at deploy time (`Ref`, `Fn::GetAtt`, `Fn::Sub` with variables, `Fn::ImportValue`,
//! `Fn::If`...) is not checked; `Fn::Sub` without variables and `Fn::Join` of literal parts are
//! checked as the strings they make. Scalars are taken as CloudFormation converts them (`"30"` is
//! an integer, `30` a string), as cfn-lint does.

mod model;
#[rustfmt::skip]
mod schemas;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use indexmap::IndexMap;

use self::model::{ARRAY, BOOLEAN, Enumeration, INTEGER, NUMBER, Node, OBJECT, STRING};
use super::{Finding, REGISTRY_SCHEMA};
use crate::core::cfn::ResourceType;
use crate::core::{Resource, StackName, StackParts, Value};

/// The cfn-lint release the schemas come from, and how many resource types they cover.
pub(super) fn schemas() -> (&'static str, usize) {
    (schemas::CFN_LINT_VERSION, schemas::RESOURCES.len())
}

/// The findings of every stack.
pub(super) fn check(parts: &IndexMap<StackName, StackParts>) -> Vec<(StackName, Vec<Finding>)> {
    let mut walk = Walk::default();
    parts
        .iter()
        .map(|(name, p)| {
            let mut out = Vec::new();
            for (id, resource) in &p.template.resources {
                walk.resource(resource);
                for message in walk.out.drain(..) {
                    out.push(Finding::new(&REGISTRY_SCHEMA, id, message));
                }
            }
            (name.clone(), out)
        })
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

/// What is wrong with one resource's properties (nothing for a type without a schema).
#[cfg(test)]
fn check_resource(resource: &Resource) -> Vec<String> {
    let mut walk = Walk::default();
    walk.resource(resource);
    walk.out
}

/// The root schema of a resource type, found by name once per type.
fn root(kind: ResourceType) -> Option<&'static Node> {
    static ROOTS: OnceLock<Vec<(ResourceType, Option<&'static Node>)>> = OnceLock::new();
    let roots = ROOTS.get_or_init(|| {
        ResourceType::ALL
            .iter()
            .map(|kind| (*kind, schema(kind.as_str())))
            .collect()
    });
    roots
        .iter()
        .find(|(k, _)| *k == kind)
        .and_then(|(_, node)| *node)
}

/// The root schema of a resource type, by name.
fn schema(type_name: &str) -> Option<&'static Node> {
    schemas::RESOURCES
        .binary_search_by(|(name, _)| (*name).cmp(type_name))
        .ok()
        .map(|i| schemas::RESOURCES[i].1)
}

/// A value as the validator sees it.
enum Shape<'a, D> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    List(&'a [D]),
    /// An object: its entries come from [`Doc::entries`].
    Map,
    /// An object whose contents are not checked (a policy document grants fill in).
    Opaque,
    /// An embedded JSON document (event patterns...), walked as JSON.
    Json(&'a serde_json::Value),
    /// An intrinsic: known at deploy time only.
    Unknown,
}

/// A document the validator walks: the template's [`Value`]s and embedded JSON.
trait Doc: Sized + PartialEq {
    fn shape(&self) -> Shape<'_, Self>;
    fn entries(&self) -> impl Iterator<Item = (&str, &Self)>;
}

/// Whether a map is an intrinsic function (`{"Ref": ...}`, `{"Fn::If": ...}`).
fn is_intrinsic<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    match (keys.next(), keys.next()) {
        (Some(key), None) => key == "Ref" || key.starts_with("Fn::"),
        _ => false,
    }
}

impl Doc for Value {
    #[inline]
    fn shape(&self) -> Shape<'_, Self> {
        match self {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::Int(n) => Shape::Int(*n),
            Value::Str(s) => Shape::Str(Cow::Borrowed(s)),
            Value::List(items) => Shape::List(items),
            Value::Map(map) if is_intrinsic(map.iter().map(|(k, _)| k)) => Shape::Unknown,
            Value::Map(_) => Shape::Map,
            Value::Sub(template, vars) if vars.is_empty() && !template.contains("${") => {
                Shape::Str(Cow::Borrowed(template))
            }
            Value::Join(separator, parts) if parts.iter().all(|p| matches!(p, Value::Str(_))) => {
                let mut joined = String::new();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        joined.push_str(separator);
                    }
                    if let Value::Str(s) = part {
                        joined.push_str(s);
                    }
                }
                Shape::Str(Cow::Owned(joined))
            }
            Value::Policy(_) => Shape::Opaque,
            Value::Json(json) => Shape::Json(json),
            Value::Ref(_)
            | Value::ParamRef(_)
            | Value::GetAtt(..)
            | Value::Pseudo(_)
            | Value::Sub(..)
            | Value::Join(..)
            | Value::ImportValue(_)
            | Value::Not(_)
            | Value::Contains(..) => Shape::Unknown,
        }
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        let map = match self {
            Value::Map(map) => Some(map.iter()),
            _ => None,
        };
        map.into_iter().flatten()
    }
}

impl Doc for serde_json::Value {
    fn shape(&self) -> Shape<'_, Self> {
        use serde_json::Value as J;
        match self {
            J::Null => Shape::Null,
            J::Bool(b) => Shape::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Shape::Int(i),
                None => Shape::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Shape::Str(Cow::Borrowed(s)),
            J::Array(items) => Shape::List(items),
            J::Object(map) if is_intrinsic(map.keys().map(String::as_str)) => Shape::Unknown,
            J::Object(_) => Shape::Map,
        }
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &Self)> {
        self.as_object()
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

/// A step of a property path: a property name or a list index.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The walk of a resource (reused for the next: its buffers stay allocated): where it is, and
/// what it found.
#[derive(Default)]
struct Walk<'a> {
    /// The resource type, for messages.
    kind: &'static str,
    /// The path of the value being checked under `Properties`, written out only for a finding.
    path: Vec<Step<'a>>,
    out: Vec<String>,
}

impl<'a> Walk<'a> {
    /// Checks a resource's properties, adding what is wrong to `out`.
    fn resource(&mut self, resource: &'a Resource) {
        self.path.clear();
        if let Some(root) = root(resource.kind) {
            self.kind = resource.kind.as_str();
            let policy = resource.policy_document.as_ref().map(|_| "PolicyDocument");
            self.object(root, || resource.properties.iter(), policy);
        }
    }

    /// Records a finding at the current path: `Properties.Environment.Variables: ...`.
    fn report(&mut self, message: std::fmt::Arguments<'_>) {
        let mut line = String::from("Properties");
        for step in &self.path {
            let _ = match step {
                Step::Key(key) => write!(line, ".{key}"),
                Step::Index(i) => write!(line, "[{i}]"),
            };
        }
        line.push_str(": ");
        let _ = line.write_fmt(message);
        self.out.push(line);
    }

    /// Checks `value` at the current path against `node`.
    fn value<D: Doc>(&mut self, node: &'static Node, value: &'a D) {
        let shape = value.shape();
        match shape {
            Shape::Unknown => return,
            Shape::Json(json) => return self.value(node, json),
            _ => {}
        }
        if let Some(also) = node.also {
            self.value(also, value);
        }
        if node.types != 0 && !allows(node.types, &shape) {
            let kind = self.kind;
            let what = describe(&shape);
            self.report(format_args!(
                "{what}; {kind} expects {}",
                expected(node.types)
            ));
            return;
        }
        match shape {
            Shape::Str(s) => self.string(node, &s),
            Shape::Int(n) => self.number(node, n as f64, Some(n)),
            Shape::Float(x) => self.number(node, x, None),
            Shape::List(items) => self.list(node, items),
            Shape::Map => self.object(node, || value.entries(), None),
            Shape::Null | Shape::Bool(_) | Shape::Opaque | Shape::Json(_) | Shape::Unknown => {}
        }
    }

    fn string(&mut self, node: &'static Node, s: &str) {
        let kind = self.kind;
        if node.types != 0 && node.types & STRING == 0 {
            // A string CloudFormation converts to the number the schema wants.
            if node.types & (INTEGER | NUMBER) != 0
                && let Ok(x) = s.trim().parse::<f64>()
            {
                self.number(node, x, s.trim().parse::<i64>().ok());
            }
            return;
        }
        match node.enumeration {
            Enumeration::Strs(allowed) if !allowed.contains(&s) => {
                let list = one_of(s, allowed.iter().copied(), false);
                self.report(format_args!("`{}`; {kind} allows {list}", excerpt(s)));
                return;
            }
            Enumeration::Ints(allowed) if !s.parse().is_ok_and(|n: i64| allowed.contains(&n)) => {
                let list = one_of(s, allowed.iter().map(ToString::to_string), true);
                self.report(format_args!("`{}`; {kind} allows {list}", excerpt(s)));
                return;
            }
            _ => {}
        }
        // A character is 1 to 4 bytes: count them only when the byte length leaves a doubt.
        let bytes = s.len() as u64;
        let surely_within = node.max_length.is_none_or(|max| bytes <= max)
            && node.min_length.is_none_or(|min| bytes.div_ceil(4) >= min);
        if !surely_within {
            let chars = s.chars().count() as u64;
            if let Some(max) = node.max_length.filter(|max| chars > *max) {
                self.report(format_args!(
                    "{chars} characters; {kind} allows at most {max}"
                ));
            }
            if let Some(min) = node.min_length.filter(|min| chars < *min) {
                self.report(format_args!(
                    "{chars} characters; {kind} needs at least {min}"
                ));
            }
        }
        if let Some(pattern) = node.pattern
            && pattern.matches(s) == Some(false)
        {
            self.report(format_args!(
                "`{}` does not match `{}`, the pattern {kind} allows",
                excerpt(s),
                pattern.source
            ));
        }
    }

    /// `x` (exactly `int` when it is an integer) against the enumeration and the range.
    fn number(&mut self, node: &'static Node, x: f64, int: Option<i64>) {
        let kind = self.kind;
        let shown = int.map_or_else(|| x.to_string(), |n| n.to_string());
        match node.enumeration {
            Enumeration::Ints(allowed) if !int.is_some_and(|n| allowed.contains(&n)) => {
                let list = one_of(&shown, allowed.iter().map(ToString::to_string), true);
                self.report(format_args!("{shown}; {kind} allows {list}"));
                return;
            }
            Enumeration::Strs(allowed) if !allowed.contains(&shown.as_str()) => {
                let list = one_of(&shown, allowed.iter().copied(), false);
                self.report(format_args!("{shown}; {kind} allows {list}"));
                return;
            }
            _ => {}
        }
        if let Some(max) = node.maximum.filter(|max| x > *max) {
            self.report(format_args!(
                "{shown}; {kind} allows at most {}",
                number(max)
            ));
        }
        if let Some(min) = node.minimum.filter(|min| x < *min) {
            self.report(format_args!(
                "{shown}; {kind} needs at least {}",
                number(min)
            ));
        }
    }

    fn list<D: Doc>(&mut self, node: &'static Node, items: &'a [D]) {
        let kind = self.kind;
        let n = items.len() as u64;
        if let Some(max) = node.max_items.filter(|max| n > *max) {
            let s = plural(n);
            self.report(format_args!("{n} item{s}; {kind} allows at most {max}"));
        }
        if let Some(min) = node.min_items.filter(|min| n < *min) {
            let s = plural(n);
            self.report(format_args!("{n} item{s}; {kind} needs at least {min}"));
        }
        if node.unique_items {
            let known = |v: &D| !matches!(v.shape(), Shape::Unknown);
            let repeat = items.iter().enumerate().skip(1).find_map(|(i, item)| {
                let first = known(item)
                    .then(|| items[..i].iter().position(|other| other == item))
                    .flatten()?;
                Some((first, i))
            });
            if let Some((first, i)) = repeat {
                self.path.push(Step::Index(i));
                self.report(format_args!(
                    "repeats item [{first}]; {kind} allows each item once"
                ));
                self.path.pop();
            }
        }
        if let Some(item_node) = node.items {
            for (i, item) in items.iter().enumerate() {
                self.path.push(Step::Index(i));
                self.value(item_node, item);
                self.path.pop();
            }
        }
    }

    /// An object's entries, plus `extra`, a property present without a value to check (a
    /// resource's policy document).
    fn object<D: Doc + 'a, I: Iterator<Item = (&'a str, &'a D)>>(
        &mut self,
        node: &'static Node,
        entries: impl Fn() -> I,
        extra: Option<&'static str>,
    ) {
        let kind = self.kind;
        // Required properties seen (keys are unique): when all are, none needs looking for.
        let mut required = usize::from(extra.is_some_and(|e| node.required.contains(&e)));
        for (key, value) in entries() {
            self.path.push(Step::Key(key));
            let mut known = false;
            if let Some(child) = node.property(key) {
                known = true;
                required += usize::from(node.required.contains(&key));
                self.value(child, value);
            }
            for (pattern, child) in node.pattern_properties {
                // A pattern the regex crate cannot compile accepts every name.
                if pattern.matches(key) != Some(false) {
                    known = true;
                    self.value(child, value);
                }
            }
            if !known && node.read_only.contains(&key) {
                self.report(format_args!(
                    "read-only: {kind} sets it (read it with Fn::GetAtt)"
                ));
            } else if !known && node.closed {
                let hint = crate::core::suggest::hint(
                    key,
                    node.properties.iter().map(|(name, _)| *name),
                    |_| match node.pattern_properties {
                        [] => String::new(),
                        patterns => {
                            let list: Vec<&str> = patterns.iter().map(|(p, _)| p.source).collect();
                            format!(" (names must match `{}`)", list.join("` or `"))
                        }
                    },
                );
                self.report(format_args!("{kind} has no such property{hint}"));
            }
            self.path.pop();
        }
        let has = |name: &str| extra == Some(name) || entries().any(|(k, _)| k == name);
        if required < node.required.len() {
            for required in node.required {
                if !has(required) {
                    self.report(format_args!("{kind} requires `{required}`"));
                }
            }
        }
        for alt in node.alternatives {
            let present: Vec<String> = alt
                .groups
                .iter()
                .filter(|group| group.iter().all(|name| has(name)))
                .map(|group| group.join("` + `"))
                .collect();
            let all = || {
                let names: Vec<String> = alt.groups.iter().map(|g| g.join("` + `")).collect();
                format!("`{}`", names.join("`, `"))
            };
            if present.is_empty() {
                let which = if alt.exactly_one {
                    "exactly one"
                } else {
                    "one"
                };
                self.report(format_args!("{kind} needs {which} of {}", all()));
            } else if alt.exactly_one && present.len() > 1 {
                self.report(format_args!(
                    "{kind} takes only one of {} (here: `{}`)",
                    all(),
                    present.join("`, `")
                ));
            }
        }
    }
}

/// Whether a value of this shape is one of `types` (or converts to one, as CloudFormation does).
fn allows<D>(types: u8, shape: &Shape<'_, D>) -> bool {
    match shape {
        Shape::Str(s) => {
            types & STRING != 0
                || (types & INTEGER != 0 && s.trim().parse::<i64>().is_ok())
                || (types & NUMBER != 0 && s.trim().parse::<f64>().is_ok_and(f64::is_finite))
                || (types & BOOLEAN != 0
                    && (s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")))
        }
        Shape::Int(_) => types & (INTEGER | NUMBER | STRING) != 0,
        Shape::Float(x) => {
            types & (NUMBER | STRING) != 0 || (types & INTEGER != 0 && x.fract() == 0.0)
        }
        Shape::Bool(_) => types & (BOOLEAN | STRING) != 0,
        Shape::List(_) => types & ARRAY != 0,
        Shape::Map | Shape::Opaque => types & OBJECT != 0,
        Shape::Null => false,
        Shape::Json(_) | Shape::Unknown => true,
    }
}

/// `a string (`abc`)`, `an array`...: what a value is, for messages.
fn describe<D>(shape: &Shape<'_, D>) -> String {
    match shape {
        Shape::Null => "null".to_owned(),
        Shape::Bool(b) => format!("a boolean ({b})"),
        Shape::Int(n) => format!("an integer ({n})"),
        Shape::Float(x) => format!("a number ({x})"),
        Shape::Str(s) => format!("a string (`{}`)", excerpt(s)),
        Shape::List(_) => "an array".to_owned(),
        Shape::Map | Shape::Opaque => "an object".to_owned(),
        Shape::Json(_) | Shape::Unknown => "a value".to_owned(),
    }
}

/// `a string or an object`: what a schema's types allow.
fn expected(types: u8) -> String {
    let names: Vec<&str> = [
        (STRING, "a string"),
        (INTEGER, "an integer"),
        (NUMBER, "a number"),
        (BOOLEAN, "a boolean"),
        (OBJECT, "an object"),
        (ARRAY, "an array"),
    ]
    .into_iter()
    .filter(|(bit, _)| types & bit != 0)
    .map(|(_, name)| name)
    .collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

/// The values an enumeration allows, for a message: all of them when there are few, else how
/// many there are and the closest to `value` (numbers are all listed: "did you mean" means
/// nothing for them).
fn one_of<S: AsRef<str>>(value: &str, allowed: impl Iterator<Item = S>, numbers: bool) -> String {
    const LISTED: usize = 12;
    let allowed: Vec<S> = allowed.collect();
    let names: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
    if numbers || names.len() <= LISTED {
        return format!("only `{}`", names.join("`, `"));
    }
    let hint = crate::core::suggest::hint(value, names.iter().copied(), |_| String::new());
    format!("one of {} values{hint}", names.len())
}

/// At most 60 characters of a value, for a message.
fn excerpt(s: &str) -> Cow<'_, str> {
    const SHOWN: usize = 60;
    match s.char_indices().nth(SHOWN) {
        Some((end, _)) => Cow::Owned(format!("{}...", &s[..end])),
        None => Cow::Borrowed(s),
    }
}

/// A schema bound: `256`, or `0.5`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests;

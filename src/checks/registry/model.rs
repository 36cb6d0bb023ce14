//! The reduced registry schema as data: one [`Node`] per schema object, built as statics by the
//! generated `schemas.rs` (nothing is parsed at run time), patterns compiled on first use.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// JSON types a value may have, as bits of [`Node::types`].
pub(super) const STRING: u8 = 1;
pub(super) const INTEGER: u8 = 1 << 1;
pub(super) const NUMBER: u8 = 1 << 2;
pub(super) const BOOLEAN: u8 = 1 << 3;
pub(super) const OBJECT: u8 = 1 << 4;
pub(super) const ARRAY: u8 = 1 << 5;

/// What a schema object constrains (the subset of JSON Schema the validator checks).
pub(super) struct Node {
    /// The JSON types allowed (bits); 0 for any.
    pub types: u8,
    pub enumeration: Enumeration,
    /// Lengths in characters (Unicode scalar values), as JSON Schema counts them.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// A search (ECMAScript semantics: unanchored unless the pattern anchors itself).
    pub pattern: Option<&'static Pattern>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    /// Each item's schema.
    pub items: Option<&'static Node>,
    /// Properties by name, sorted by [`property_order`] (binary search).
    pub properties: &'static [(&'static str, &'static Node)],
    /// Properties whose name matches a pattern.
    pub pattern_properties: &'static [(&'static Pattern, &'static Node)],
    /// `additionalProperties: false`: no properties beyond the ones above.
    pub closed: bool,
    pub required: &'static [&'static str],
    /// Properties AWS sets (a resource's `Arn`...): never in a template.
    pub read_only: &'static [&'static str],
    /// `anyOf`/`oneOf` of required properties.
    pub alternatives: &'static [Alternatives],
    /// A `$ref` next to other keywords: the value must match that definition too.
    pub also: Option<&'static Node>,
}

impl Node {
    /// No constraint at all: the base of every generated node.
    pub const ANY: Node = Node {
        types: 0,
        enumeration: Enumeration::None,
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        items: None,
        properties: &[],
        pattern_properties: &[],
        closed: false,
        required: &[],
        read_only: &[],
        alternatives: &[],
        also: None,
    };

    /// The schema of property `name`.
    #[inline]
    pub fn property(&self, name: &str) -> Option<&'static Node> {
        self.properties
            .binary_search_by(|(n, _)| property_order(n, name))
            .ok()
            .map(|i| self.properties[i].1)
    }
}

/// The order of a node's properties: by length, then by name. A binary search then compares
/// lengths at most steps, and bytes (`memcmp`) only between names of one length.
#[inline]
pub(super) fn property_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        // Names of one length mostly differ early: a loop decides faster than a call.
        let (a, b) = (a.as_bytes(), b.as_bytes());
        a.iter()
            .zip(b)
            .find(|(x, y)| x != y)
            .map_or(std::cmp::Ordering::Equal, |(x, y)| x.cmp(y))
    })
}

/// The values an `enum` (or `const`) allows.
pub(super) enum Enumeration {
    None,
    Strs(&'static [&'static str]),
    Ints(&'static [i64]),
}

/// `anyOf` (at least one) or `oneOf` (exactly one) of groups of required properties.
pub(super) struct Alternatives {
    pub exactly_one: bool,
    pub groups: &'static [&'static [&'static str]],
}

/// A registry pattern, compiled the first time a value is checked against it.
pub(super) struct Pattern {
    pub source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled pattern; `None` when the `regex` crate cannot compile it (lookarounds,
    /// backreferences): such a pattern is not checked (a test lists them).
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&translate(self.source)).ok())
            .as_ref()
    }
}

/// A registry pattern in the `regex` crate's syntax. Some schemas end a pattern with `\Z`, the
/// end of the text in Java and Python (which AWS and cfn-lint match with): that is `\z` here.
pub(super) fn translate(source: &str) -> Cow<'_, str> {
    if !source.contains("\\Z") {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\'
            && let Some(next) = chars.next()
        {
            out.push(if next == 'Z' { 'z' } else { next });
        }
    }
    Cow::Owned(out)
}

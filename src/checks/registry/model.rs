//! The reduced registry schema as data: one [`Node`] per schema object, built as statics by the
//! generated `schemas.rs` (nothing is parsed at run time), patterns compiled on first use.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use regex::bytes::{Regex, RegexBuilder};

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

/// Values checked against a pattern by the light engine before the automaton is built.
const LIGHT_USES: u32 = 64;

/// A registry pattern, compiled the first time a value is checked against it, by two engines:
/// `regex-lite` for its first [`LIGHT_USES`] values (it compiles in a few microseconds, where
/// the `regex` crate's automata take 10-100: a warm synth of the example, 5 ms in all, meets a
/// dozen patterns a few times each), then the `regex` crate's lazy DFA (it matches 10-20 times
/// faster: a big app meets each pattern thousands of times). A test checks that they agree.
pub(super) struct Pattern {
    pub source: &'static str,
    light: OnceLock<Option<regex_lite::Regex>>,
    compiled: OnceLock<Option<Regex>>,
    uses: AtomicU32,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            light: OnceLock::new(),
            compiled: OnceLock::new(),
            uses: AtomicU32::new(0),
        }
    }

    /// Whether `s` matches (a search: anchored only where the pattern anchors itself); `None`
    /// when the pattern is not checked.
    #[inline]
    pub fn matches(&self, s: &str) -> Option<bool> {
        if self.uses.load(Ordering::Relaxed) < LIGHT_USES
            && let Some(light) = self.light()
        {
            self.uses.fetch_add(1, Ordering::Relaxed);
            return Some(light.is_match(s));
        }
        self.compiled().map(|r| r.is_match(s.as_bytes()))
    }

    /// The pattern for the light engine; `None` when it cannot compile it (Unicode classes,
    /// lookarounds).
    pub fn light(&self) -> Option<&regex_lite::Regex> {
        self.light
            .get_or_init(|| {
                let pattern = translate(self.source, Classes::Unicode)?;
                regex_lite::Regex::new(&pattern).ok()
            })
            .as_ref()
    }

    /// The compiled automaton; `None` when the `regex` crate cannot compile the pattern
    /// (lookarounds, backreferences): such a pattern is not checked (a test lists them).
    pub fn compiled(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile(self.source)).as_ref()
    }
}

/// A registry pattern as a `regex` automaton over the bytes of the value, with Unicode off
/// where the pattern is ASCII: `.` and negated classes then take one whole UTF-8 character,
/// and the automaton is small. (With Unicode on, the complement of `[^:]` or `[^\s]` takes
/// 0.1-0.2 ms to compile, and a warm synth of the example has 5 ms in all.) A pattern with
/// Unicode classes (`\p{L}`) or other characters is compiled with Unicode on.
pub(super) fn compile(source: &str) -> Option<Regex> {
    let ascii = translate(source, Classes::Ascii)
        .and_then(|p| RegexBuilder::new(&p).unicode(false).build().ok());
    ascii.or_else(|| {
        let unicode = translate(source, Classes::Unicode)?;
        RegexBuilder::new(&unicode).build().ok()
    })
}

/// How a pattern is translated: for an automaton over bytes with Unicode off, or with it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Classes {
    Ascii,
    Unicode,
}

/// ECMAScript's `\s` in ASCII. Over bytes, the other spaces are characters like any other
/// (which accepts more, never less).
const ASCII_SPACE: &str = r"\t\n\x0B\x0C\r ";

/// ECMAScript's `\s`: its white space and line terminators.
const ECMA_SPACE: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// Over bytes: the rest of a negated class (every byte of a longer character is refused by the
/// class), and the other branch, one character of more than one byte (the value is UTF-8).
const NOT_ASCII: &str = r"\x80-\xFF]|[\xC0-\xF7][\x80-\xBF]+)";

/// A registry pattern (ECMAScript syntax, as JSON Schema says) in the `regex` crate's syntax:
/// - `\d`, `\w`, `\s` (and `\D`, `\W`, `\S`) are ECMAScript's classes: ASCII digits, ASCII word
///   characters and its own list of spaces, where the `regex` crate's are Unicode's (wider, and
///   slow to compile: 0.3-0.6 ms against 20 us);
/// - `\Z`, which some schemas end with (the end of the text in Java and Python, where AWS and
///   cfn-lint match), is `\z`;
/// - in a class, `[`, `&` and `~` are literal, as in ECMAScript (the `regex` crate nests classes
///   and has set operations);
/// - for [`Classes::Ascii`], `.` and negated classes also take a whole character of several
///   bytes; `None` when the pattern is not ASCII, or needs Unicode (`\p{L}`, `\u00FF`).
///
/// The rest (groups, quantifiers...) means the same in both; what the `regex` crate cannot
/// compile (lookarounds) is left unchecked.
pub(super) fn translate(source: &str, classes: Classes) -> Option<Cow<'_, str>> {
    let bytes = classes == Classes::Ascii;
    if bytes && !ascii_only(source) {
        return None;
    }
    let special: &[char] = if bytes {
        &['\\', '[', '.']
    } else {
        &['\\', '[']
    };
    if !source.contains(special) {
        return Some(Cow::Borrowed(source));
    }
    let space = if bytes { ASCII_SPACE } else { ECMA_SPACE };
    let mut out = String::with_capacity(source.len() + 16);
    // Inside a class: whether it is negated.
    let mut class: Option<bool> = None;
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match (c, class) {
            ('\\', _) => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let set = match next.to_ascii_lowercase() {
                    'd' => Some("0-9"),
                    'w' => Some("0-9A-Za-z_"),
                    's' => Some(space),
                    _ => None,
                };
                let negated = next.is_ascii_uppercase();
                match (set, class) {
                    (Some(set), Some(_)) if !negated => out.push_str(set),
                    // `\D` in a class (none in the schemas) needs Unicode's.
                    (Some(_), Some(_)) if bytes => return None,
                    (Some(set), None) if negated && bytes => {
                        out.push_str("(?:[^");
                        out.push_str(set);
                        out.push_str(NOT_ASCII);
                    }
                    (Some(set), None) => {
                        out.push_str(if negated { "[^" } else { "[" });
                        out.push_str(set);
                        out.push(']');
                    }
                    _ if next == 'Z' => out.push_str("\\z"),
                    _ => {
                        out.push(c);
                        out.push(next);
                    }
                }
            }
            ('[' | '&' | '~', Some(_)) => {
                out.push('\\');
                out.push(c);
            }
            ('[', None) => {
                let negated = chars.as_str().starts_with('^');
                if negated {
                    chars.next();
                }
                out.push_str(match (negated, bytes) {
                    (true, true) => "(?:[^",
                    (true, false) => "[^",
                    (false, _) => "[",
                });
                class = Some(negated);
            }
            (']', Some(negated)) => {
                out.push_str(if negated && bytes { NOT_ASCII } else { "]" });
                class = None;
            }
            ('.', None) if bytes => {
                out.push_str("(?:[^\\n");
                out.push_str(NOT_ASCII);
            }
            _ => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// Whether a pattern means the same over bytes: ASCII, no Unicode class (`\p{L}`), no escape
/// of a character beyond ASCII (`\u00FF`, `\x{A0}`, `\xA0`).
fn ascii_only(source: &str) -> bool {
    if !source.is_ascii() {
        return false;
    }
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        match chars.next() {
            Some('p' | 'P' | 'u') => return false,
            Some('x')
                if !chars
                    .as_str()
                    .starts_with(|h: char| ('0'..='7').contains(&h)) =>
            {
                return false;
            }
            _ => {}
        }
    }
    true
}

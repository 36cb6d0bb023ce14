//! The spec's error-recovering parser: maps whose keys must be unique, and every bad entry of a
//! document reported instead of the first.
//!
//! YAML and JSON parsers keep the last of two equal keys silently, which would drop a whole
//! construct from a spec without a word: [`unique_entries`] makes a repeated key an error (for
//! maps inside a construct, `crate::core::unique_keys` does the same without recovery).
//!
//! Serde stops at the first error, and a derived `Deserialize` cannot skip past a bad value. So
//! [`every_error`] parses again after each error, with the field the error came from read past as
//! ignored: a field of an entry (a stack, or a construct of a stack: the first
//! [`RECOVERY_DEPTH`] levels of `unique_entries` maps), read field by field through [`fields`]; or
//! the whole entry, when the error is not in one field (or the field is required). The parser's
//! own messages and locations stay exactly as they are; what to read past is tracked in a
//! thread-local because derived `Deserialize` impls cannot carry a seed.

mod fields;

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor,
};

/// `#[serde(deserialize_with = "unique_entries")]` for the spec's maps of stacks and constructs
/// (an `IndexMap` with string keys): a repeated key is an error naming it, and each entry is a
/// point [`every_error`] can read past.
pub fn unique_entries<'de, D, K, V>(deserializer: D) -> Result<IndexMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Eq + Hash + fmt::Display,
    V: Deserialize<'de>,
{
    deserializer.deserialize_map(Unique(PhantomData))
}

struct Unique<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for Unique<K, V>
where
    K: Deserialize<'de> + Eq + Hash + fmt::Display,
    V: Deserialize<'de>,
{
    type Value = IndexMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = IndexMap::with_capacity(access.size_hint().unwrap_or(0).min(256));
        loop {
            let mut raw = None;
            let key = match access.next_key_seed(KeySeed::<K>(&mut raw, PhantomData)) {
                Ok(Some(Key::Read(key))) => key,
                Ok(Some(Key::Skip)) => {
                    access.next_value::<IgnoredAny>().inspect_err(|_| {
                        recovery(|r| r.stop = true);
                    })?;
                    continue;
                }
                Ok(None) => break,
                Err(e) => {
                    recovery(|r| r.fail(raw));
                    return Err(e);
                }
            };
            if map.contains_key(&key) {
                recovery(|r| r.fail(raw));
                return Err(A::Error::custom(format!(
                    "`{key}` is defined twice; names must be unique"
                )));
            }
            let by_field = recovery(|r| r.enter(raw.as_deref().unwrap_or_default()));
            let value = if by_field == Some(true) {
                access.next_value_seed(fields::Fields::new())
            } else {
                access.next_value()
            }
            .inspect_err(|_| {
                recovery(|r| r.fail(None));
            });
            recovery(Recovery::leave);
            map.insert(key, value?);
        }
        Ok(map)
    }
}

/// A key as read: the key itself, or an entry to read past (its error is already reported).
enum Key<K> {
    Read(K),
    Skip,
}

/// Reads a key as text first, so that the entry can be named even when the key is invalid.
struct KeySeed<'a, K>(&'a mut Option<String>, PhantomData<K>);

impl<'de, K: Deserialize<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = Key<K>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<K>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, K: Deserialize<'de>> Visitor<'de> for KeySeed<'_, K> {
    type Value = Key<K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Key<K>, E> {
        *self.0 = Some(v.to_owned());
        if recovery(|r| r.skips(v)).unwrap_or(false) {
            return Ok(Key::Skip);
        }
        key_from_text(PhantomData::<K>, v).map(Key::Read)
    }
}

/// Deserializes a key read as text with `seed`. Called inside the parser's own call, so that an
/// error carries the key's line and column (and keeps serde's message).
fn key_from_text<'de, S: DeserializeSeed<'de>, E: Error>(
    seed: S,
    text: &str,
) -> Result<S::Value, E> {
    seed.deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text))
        .map_err(E::custom)
}

/// How many levels of `unique_entries` maps an error is charged to: 1 a stack, 2 one of its
/// constructs (deeper maps, like a function's environment, count as their construct).
pub const RECOVERY_DEPTH: usize = 2;

/// The state of one [`every_error`] call.
#[derive(Debug, Default)]
struct Recovery {
    /// The entries being read, outermost first, each as [`Recovery::qualified`] names it.
    path: Vec<String>,
    /// For each entry of `path` read field by field, the field being read.
    fields: Vec<Option<String>>,
    /// Entries to read past: each gave an error already.
    skip: HashSet<Vec<String>>,
    /// Fields of entries to read past: each gave an error already.
    skip_fields: HashSet<(Vec<String>, String)>,
    /// What the error being raised is charged to, once known: an entry, or a field of it.
    failed: Option<(Vec<String>, Option<String>)>,
    /// The error being raised only follows from reading a field past ("missing field"): it is
    /// not reported, and the whole entry is read past instead.
    consequence: bool,
    /// Set when reading past an entry failed too (a syntax error, a nesting limit): parsing
    /// again cannot get further.
    stop: bool,
}

impl Recovery {
    /// Starts reading the entry `key` below the current one; whether to read it field by field.
    fn enter(&mut self, key: &str) -> bool {
        self.path.push(self.qualified(key));
        self.fields.push(None);
        self.path.len() <= RECOVERY_DEPTH
    }

    /// The entry `key` of the map being read, qualified by the field that holds the map: a
    /// function and an HTTP API of one stack may share an id, and are two entries.
    fn qualified(&self, key: &str) -> String {
        let holder = self.fields.last().and_then(Option::as_deref).unwrap_or("");
        format!("{holder}\0{key}")
    }

    fn leave(&mut self) {
        self.path.pop();
        self.fields.pop();
    }

    /// Sets the field of the current entry being read (`None` once its value is read).
    fn set_field(&mut self, field: Option<&str>) {
        if let Some(current) = self.fields.last_mut() {
            match (current.as_mut(), field) {
                (Some(current), Some(field)) => field.clone_into(current),
                (_, field) => *current = field.map(str::to_owned),
            }
        }
    }

    /// Charges the error being raised to the innermost entry at most [`RECOVERY_DEPTH`] deep
    /// (the current one, or the entry whose key `key` is, below it), and to the field of it
    /// being read, if any.
    fn fail(&mut self, key: Option<String>) {
        if self.failed.is_some() {
            return;
        }
        let mut entry = self.path.clone();
        let mut fields = self.fields.clone();
        if let Some(key) = key {
            entry.push(self.qualified(&key));
            fields.push(None);
        }
        let depth = entry.len().min(RECOVERY_DEPTH);
        if depth == 0 {
            return;
        }
        entry.truncate(depth);
        let field = fields.get_mut(depth - 1).and_then(Option::take);
        self.failed = Some((entry, field));
    }

    /// The current entry failed only because a field of it was read past: read it all past.
    fn fail_as_consequence(&mut self) {
        self.failed = Some((self.path.clone(), None));
        self.consequence = true;
    }

    fn skips(&self, key: &str) -> bool {
        self.path.len() < RECOVERY_DEPTH && {
            let mut entry = self.path.clone();
            entry.push(self.qualified(key));
            self.skip.contains(&entry)
        }
    }

    /// Whether `field` of the current entry is read past.
    fn skips_field(&self, field: &str) -> bool {
        // (Most parses skip no field: no key is copied for the lookup then.)
        !self.skip_fields.is_empty()
            && self
                .skip_fields
                .contains(&(self.path.clone(), field.to_owned()))
    }

    /// Reads past what the last error was charged to; false when there is nothing new to read
    /// past.
    fn read_past_failed(&mut self) -> bool {
        match self.failed.take() {
            _ if self.stop => false,
            Some((entry, None)) => self.skip.insert(entry),
            Some((entry, Some(field))) => self.skip_fields.insert((entry, field)),
            None => false,
        }
    }
}

thread_local! {
    static RECOVERY: RefCell<Option<Recovery>> = const { RefCell::new(None) };
}

/// Runs `f` on the current [`every_error`] state; `None` outside one.
fn recovery<T>(f: impl FnOnce(&mut Recovery) -> T) -> Option<T> {
    RECOVERY.with(|r| r.borrow_mut().as_mut().map(f))
}

/// Parses with `parse` until it succeeds or no entry is left to read past, and returns every
/// error (at most `max`) in document order of discovery. Errors that repeat one already found, or
/// that only follow from reading a field past (a required one, now "missing"), are dropped.
pub fn every_error<T, E: fmt::Display>(
    max: usize,
    mut parse: impl FnMut() -> Result<T, E>,
) -> Result<T, Vec<E>> {
    struct Restore(Option<Recovery>);
    impl Drop for Restore {
        fn drop(&mut self) {
            RECOVERY.with(|r| *r.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(RECOVERY.with(|r| r.borrow_mut().replace(Recovery::default())));
    let mut errors: Vec<E> = Vec::new();
    loop {
        recovery(|r| {
            r.path.clear();
            r.fields.clear();
            r.failed = None;
            r.consequence = false;
            r.stop = false;
        });
        let error = match parse() {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(errors),
            Err(e) => e,
        };
        let (next, consequence) =
            recovery(|r| (r.read_past_failed(), r.consequence)).unwrap_or((false, false));
        // (A consequence always follows a reported error: a field is only read past after one.)
        let text = error.to_string();
        let repeat_or_consequence =
            (consequence && !errors.is_empty()) || errors.iter().any(|e| e.to_string() == text);
        if !repeat_or_consequence {
            errors.push(error);
        }
        if !next || errors.len() >= max {
            return Err(errors);
        }
    }
}

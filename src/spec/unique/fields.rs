//! Reading an entry (a stack, a construct) field by field, so that [`super::every_error`] can read
//! past one bad field instead of the whole entry.
//!
//! [`Fields`] hands the entry's derived `Deserialize` a deserializer that is the parser's own in
//! every respect but one: the map it visits reads each key as text first, sets it as the field
//! being read (where an error is charged), and skips the fields that already gave an error. Keys
//! are then validated inside the parser's call, so messages and locations are the parser's own.
//!
//! Reading a required field past makes the struct fail with "missing field", and so does
//! reading past a misspelt key (`handlr` for `handler`): [`FieldsVisitor`] knows when that is
//! what happened, and has the whole entry read past instead, without reporting it. A required
//! field missing for no such reason is reported.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, EnumAccess, Error, IgnoredAny, MapAccess,
    SeqAccess, Visitor,
};

use super::recovery;

/// Deserializes a `V` whose fields are read one by one (see the module doc).
pub(super) struct Fields<V>(PhantomData<V>);

impl<V> Fields<V> {
    pub(super) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, V: Deserialize<'de>> DeserializeSeed<'de> for Fields<V> {
    type Value = V;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V, D::Error> {
        V::deserialize(FieldsDeserializer(deserializer))
    }
}

/// The parser's deserializer, with every visitor wrapped in [`FieldsVisitor`].
struct FieldsDeserializer<D>(D);

/// Forwards `deserialize_*` methods with the visitor wrapped.
macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* FieldsVisitor { inner: visitor, fields: &[] })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for FieldsDeserializer<D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = FieldsVisitor {
            inner: visitor,
            fields,
        };
        self.0.deserialize_struct(name, fields, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The entry's visitor: everything forwarded, maps visited through [`FieldAccess`].
struct FieldsVisitor<V> {
    inner: V,
    /// The struct's field names, when it is a struct.
    fields: &'static [&'static str],
}

/// Forwards `visit_*` methods that take a value.
macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for FieldsVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let mut fields = FieldAccess {
            inner: map,
            exhausted: false,
            skipped: Vec::new(),
        };
        let value = self.inner.visit_map(&mut fields);
        if let Err(e) = &value
            && fields.exhausted
            && fields.missing_for_a_skipped_key(e, self.fields)
        {
            recovery(|r| r.fail_as_consequence());
        }
        value
    }
}

/// The entry's map: keys read as text, skipped fields read past.
struct FieldAccess<A> {
    inner: A,
    /// Every key has been read: an error now is the struct's own (a missing field).
    exhausted: bool,
    /// The fields read past in this parse.
    skipped: Vec<String>,
}

impl<A> FieldAccess<A> {
    /// Whether `error` is serde's "missing field" for a field this parse read past, or for the
    /// field a key read past is a misspelling of (the one "did you mean" names).
    fn missing_for_a_skipped_key(&self, error: &impl Error, fields: &[&str]) -> bool {
        let message = error.to_string();
        let Some(missing) = message
            .split("missing field `")
            .nth(1)
            .and_then(|m| m.split('`').next())
        else {
            return false;
        };
        self.skipped.iter().any(|key| {
            key == missing
                || (!fields.contains(&key.as_str())
                    && crate::core::suggest::closest(key, fields.iter().copied()) == Some(missing))
        })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FieldAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut seed = Some(seed);
        loop {
            let key = self
                .inner
                .next_key_seed(FieldKey(&mut seed))
                .inspect_err(|_| {
                    recovery(|r| r.fail(None));
                })?;
            match key {
                None => {
                    self.exhausted = true;
                    return Ok(None);
                }
                Some(Key::Read(key)) => return Ok(Some(key)),
                Some(Key::Skip(field)) => {
                    self.inner.next_value::<IgnoredAny>().inspect_err(|_| {
                        recovery(|r| r.stop = true);
                    })?;
                    recovery(|r| r.set_field(None));
                    self.skipped.push(field);
                }
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let value = self.inner.next_value_seed(seed);
        recovery(|r| match &value {
            Ok(_) => r.set_field(None),
            Err(_) => r.fail(None),
        });
        value
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A field's key as read: the struct's own key, or a field to read past (its error is reported).
enum Key<K> {
    Read(K),
    Skip(String),
}

/// Reads a field's key as text, then hands it to the struct's seed (taken only then, so that a
/// skipped field leaves it for the next key).
struct FieldKey<'a, K>(&'a mut Option<K>);

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for FieldKey<'_, K> {
    type Value = Key<K::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for FieldKey<'_, K> {
    type Value = Key<K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde's own word for a struct's key, so messages stay those of a plain parse.
        f.write_str("field identifier")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        let skip = recovery(|r| {
            r.set_field(Some(v));
            r.skips_field(v)
        });
        if skip == Some(true) {
            return Ok(Key::Skip(v.to_owned()));
        }
        let seed = self
            .0
            .take()
            .ok_or_else(|| E::custom("a field name was read twice"))?;
        super::key_from_text(seed, v).map(Key::Read)
    }
}

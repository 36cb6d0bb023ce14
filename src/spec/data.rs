//! The spec's data model: one reading of YAML and JSON, the one the JSON Schema describes.
//!
//! The schema (`schema/app.schema.json`) speaks of JSON values, and editors and CI check a YAML
//! spec against it as the JSON value it stands for. serde_yaml reads some YAML otherwise: it
//! takes any scalar where a string is expected (`description: 123`), an empty value where a map
//! is expected (`stream:` with nothing), and an enum with settings only as a YAML tag
//! (`!provisioned {read: 5, write: 5}`) instead of the map the schema documents
//! (`{provisioned: {read: 5, write: 5}}`). [`Model`] hands a type's `Deserialize` a deserializer
//! that is the parser's own but reads every value as that JSON value:
//!
//! - a string is a string: a number, a boolean or null where text is expected is refused, as in
//!   JSON (the few fields that take a number as text say so in their own `Deserialize`);
//! - a map, a list or a struct is one: null (an empty YAML value) is refused, as in JSON;
//! - an enum is a string (`onDemand`) or a map with one key (`provisioned: {..}`), in both
//!   formats; YAML tags (`!provisioned`, `!Sub`) are refused with the form to write instead
//!   (JSON has none, and the schema could not check what they hold);
//! - a whole number written with a fraction (`256.0`, `1e3`) is a whole number where one is
//!   expected, as JSON Schema's `integer` has it.
//!
//! Map keys are read as text, as before (JSON keys are text; `8080:` names the key `8080`).
//! Errors are raised inside the parser's own calls, so they keep its line and column.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, EnumAccess, Error, MapAccess, SeqAccess,
    Unexpected, Visitor,
};

mod enums;
#[cfg(test)]
mod tests;

use enums::Variants;

/// Deserializes a `T` as the spec's data model (see the module doc).
pub(crate) struct Model<T>(PhantomData<T>);

impl<T> Model<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Model<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(Plain::value(deserializer))
    }
}

/// The parser's deserializer, reading as the data model; `key` for a map key (read as text).
struct Plain<D> {
    inner: D,
    key: bool,
}

impl<D> Plain<D> {
    fn value(inner: D) -> Self {
        Self { inner, key: false }
    }
}

/// What a wrapped visitor accepts beyond its own rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Anything the visitor takes.
    Any,
    /// Text only: a string.
    Text,
    /// A whole number: an integral float counts as one.
    Whole,
    /// A struct: a map only (serde would also take a list of the fields in order).
    Struct,
}

/// Forwards `deserialize_*` methods that read a value to the parser's `deserialize_any`, so that
/// the value is read as what it is (and a tag is seen).
macro_rules! as_any {
    ($want:expr; $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            $(let _ = $arg;)*
            self.inner.deserialize_any(Wrap::new(visitor, $want))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Plain<D> {
    type Error = D::Error;

    as_any! { Want::Any;
        deserialize_any();
        deserialize_bool();
        deserialize_f32();
        deserialize_f64();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
    }

    as_any! { Want::Struct;
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    as_any! { Want::Whole;
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
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if self.key {
            self.inner.deserialize_string(Wrap::new(visitor, Want::Any))
        } else {
            self.inner.deserialize_any(Wrap::new(visitor, Want::Text))
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner
            .deserialize_identifier(Wrap::new(visitor, Want::Any))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_option(Wrap::new(visitor, Want::Any))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner
            .deserialize_newtype_struct(name, Wrap::new(visitor, Want::Any))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(Variants { visitor, variants })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor whose nested values are read as the data model too.
struct Wrap<V> {
    inner: V,
    want: Want,
}

impl<V> Wrap<V> {
    fn new(inner: V, want: Want) -> Self {
        Self { inner, want }
    }
}

impl<'de, V: Visitor<'de>> Wrap<V> {
    /// The visit of a value that is not text: refused where text is wanted.
    fn not_text<E: Error>(
        self,
        unexpected: Unexpected<'_>,
        visit: impl FnOnce(V) -> Result<V::Value, E>,
    ) -> Result<V::Value, E> {
        if self.want == Want::Text {
            Err(E::invalid_type(unexpected, &self))
        } else {
            visit(self.inner)
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<V::Value, E> {
        self.not_text(Unexpected::Bool(v), |i| i.visit_bool(v))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<V::Value, E> {
        self.not_text(Unexpected::Signed(v), |i| i.visit_i64(v))
    }

    fn visit_i128<E: Error>(self, v: i128) -> Result<V::Value, E> {
        self.not_text(Unexpected::Other("an integer"), |i| i.visit_i128(v))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<V::Value, E> {
        self.not_text(Unexpected::Unsigned(v), |i| i.visit_u64(v))
    }

    fn visit_u128<E: Error>(self, v: u128) -> Result<V::Value, E> {
        self.not_text(Unexpected::Other("an integer"), |i| i.visit_u128(v))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<V::Value, E> {
        // (The bounds are exact powers of two, so the casts below are exact.)
        let whole = self.want == Want::Whole && v.fract() == 0.0;
        if whole && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
            return self.inner.visit_u64(v as u64);
        }
        if whole && (-9_223_372_036_854_775_808.0..0.0).contains(&v) {
            return self.inner.visit_i64(v as i64);
        }
        self.not_text(Unexpected::Float(v), |i| i.visit_f64(v))
    }

    fn visit_char<E: Error>(self, v: char) -> Result<V::Value, E> {
        self.inner.visit_char(v)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<V::Value, E> {
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: Error>(self, v: String) -> Result<V::Value, E> {
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.not_text(Unexpected::Bytes(v), |i| i.visit_bytes(v))
    }

    fn visit_none<E: Error>(self) -> Result<V::Value, E> {
        // (A YAML document of nothing but comments, read as a struct.)
        if matches!(self.want, Want::Text | Want::Struct) {
            return Err(E::invalid_type(Unexpected::Other("null"), &self));
        }
        self.inner.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Plain::value(deserializer))
    }

    fn visit_unit<E: Error>(self) -> Result<V::Value, E> {
        if matches!(self.want, Want::Text | Want::Struct) {
            return Err(E::invalid_type(Unexpected::Other("null"), &self));
        }
        self.inner.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Plain::value(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if matches!(self.want, Want::Text | Want::Struct) {
            return Err(A::Error::invalid_type(Unexpected::Seq, &self));
        }
        self.inner.visit_seq(Seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        if self.want == Want::Text {
            return Err(A::Error::invalid_type(Unexpected::Map, &self));
        }
        self.inner.visit_map(Map(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        // Only a YAML tag (`!name value`) reaches here: JSON has no enums of its own.
        let (tag, _) = data.variant::<String>()?;
        Err(A::Error::custom(format!(
            "`!{tag}`: YAML tags are not part of the spec format (it is plain data, as in JSON); \
             remove the tag"
        )))
    }
}

/// A sequence whose elements are read as the data model.
struct Seq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed { seed, key: false })
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A map whose keys and values are read as the data model.
struct Map<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed { seed, key: true })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed { seed, key: false })
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A seed given the parser's deserializer wrapped in [`Plain`].
struct Seed<S> {
    seed: S,
    key: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Plain {
            inner: deserializer,
            key: self.key,
        })
    }
}

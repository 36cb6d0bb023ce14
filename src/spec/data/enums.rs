//! Enums in the data model: a string names a choice without settings (`onDemand`), a map of one
//! key a choice and its settings (`provisioned: {read: 5, write: 5}`), in YAML and JSON alike.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error, IgnoredAny, MapAccess, VariantAccess, Visitor,
};

use super::Seed;

/// An enum's visitor: a string names a variant without settings, a map of one key a variant and
/// its settings.
pub(super) struct Variants<V> {
    pub(super) visitor: V,
    pub(super) variants: &'static [&'static str],
}

impl<V> Variants<V> {
    /// The variants as "`a`, `b` or `c`".
    fn names(&self) -> String {
        let quoted: Vec<String> = self.variants.iter().map(|v| format!("`{v}`")).collect();
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.concat(),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Variants<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<V::Value, E> {
        self.visitor.visit_enum(Named(v.to_owned(), PhantomData))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let names = self.names();
        let value = self.visitor.visit_enum(OneKey {
            map: &mut map,
            names: &names,
            variant: String::new(),
        })?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(A::Error::custom(format!(
                "expected a map with one key, one of {names}: the choice, with its settings \
                 as the key's value"
            )));
        }
        Ok(value)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let (tag, _) = data.variant::<String>()?;
        Err(A::Error::custom(format!(
            "`!{tag}`: YAML tags are not part of the spec format (it is plain data, as in JSON); \
             write the choice as a string, `{tag}`, or with its settings as a map, `{tag}: {{...}}`"
        )))
    }
}

/// A variant named by a string: one without settings.
struct Named<E>(String, PhantomData<E>);

impl<'de, E: Error> EnumAccess<'de> for Named<E> {
    type Error = E;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), E> {
        let value = seed.deserialize(serde::de::value::StrDeserializer::<E>::new(&self.0))?;
        Ok((value, self))
    }
}

impl<'de, E: Error> VariantAccess<'de> for Named<E> {
    type Error = E;

    fn unit_variant(self) -> Result<(), E> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, E> {
        Err(self.needs_settings())
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, E> {
        Err(self.needs_settings())
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, E> {
        Err(self.needs_settings())
    }
}

impl<E: Error> Named<E> {
    fn needs_settings(&self) -> E {
        let name = &self.0;
        E::custom(format!(
            "`{name}` needs its settings: write it as a map, `{name}: {{...}}`"
        ))
    }
}

/// A variant named by the one key of a map, its settings the key's value.
struct OneKey<'a, A> {
    map: &'a mut A,
    names: &'a str,
    /// The variant's name, once read.
    variant: String,
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for OneKey<'_, A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        let mut variant = String::new();
        let key = self.map.next_key_seed(Seed {
            seed: Remember(seed, &mut variant),
            key: true,
        })?;
        match key {
            Some(value) => {
                self.variant = variant;
                Ok((value, self))
            }
            None => Err(A::Error::custom(format!(
                "expected one of {}, not an empty map",
                self.names
            ))),
        }
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for OneKey<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        let name = &self.variant;
        Err(A::Error::custom(format!(
            "`{name}` takes no settings: write it alone, as the string `{name}`"
        )))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(Seed { seed, key: false })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(Seed {
            seed: Tuple(len, visitor),
            key: false,
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(Seed {
            seed: Struct(fields, visitor),
            key: false,
        })
    }
}

/// A key seed that also keeps the key's text (to name the variant in errors). The key is read
/// inside the parser's call, so that an unknown variant is reported at the key.
struct Remember<'a, S>(S, &'a mut String);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Remember<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Remember<'_, S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of a choice")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<S::Value, E> {
        let value = self
            .0
            .deserialize(serde::de::value::StrDeserializer::<E>::new(v))?;
        v.clone_into(self.1);
        Ok(value)
    }
}

/// The settings of a tuple variant.
struct Tuple<V>(usize, V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Tuple<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        deserializer.deserialize_tuple(self.0, self.1)
    }
}

/// The settings of a struct variant.
struct Struct<V>(&'static [&'static str], V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Struct<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        deserializer.deserialize_struct("", self.0, self.1)
    }
}

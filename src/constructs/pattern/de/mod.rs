//! Reading a pattern: the grammar, once, for every source (a YAML or JSON spec, with the line
//! and field of a mistake; any JSON value), with messages in plain words.
//!
//! Each part of the grammar is a [`Shape`]: what it expects, and what it makes of each kind of
//! value; anything else is refused as "`<what it takes>`, not `<what was found>`".

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

mod operator;

use operator::{OPERATORS, OperatorShape};

use super::{EventPattern, Fields, MatchValue, Matcher, NonEmpty, Operator, Scalar};

/// Names a field inside `$or` may not have: the operators, the numeric comparisons and the
/// words aws/event-ruler reserves (`Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP`).
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

/// The fields of [`EventPattern`] in the spec.
const EVENT_PATTERN_FIELDS: &[&str] = &["source", "detailType", "detail", "$or"];

/// What a value turned out to be, in words.
enum Found<'a> {
    Str(&'a str),
    Num(String),
    Bool(bool),
    Null,
    List,
    Object,
}

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Str(s) => write!(f, "a string {s:?}"),
            Found::Num(n) => write!(f, "the number {n}"),
            Found::Bool(b) => write!(f, "{b}"),
            Found::Null => f.write_str("null"),
            Found::List => f.write_str("a list"),
            Found::Object => f.write_str("an object"),
        }
    }
}

/// One part of the grammar.
trait Shape<'de>: Sized {
    type Out;

    /// What it takes, as the start of a sentence: "`exists` takes true or false".
    fn expected(&self) -> String;

    fn refuse<E: de::Error>(&self, found: Found) -> E {
        E::custom(format!("{}, not {found}", self.expected()))
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Self::Out, E> {
        Err(self.refuse(Found::Str(s)))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<Self::Out, E> {
        Err(self.refuse(Found::Num(n.to_string())))
    }
    fn boolean<E: de::Error>(self, b: bool) -> Result<Self::Out, E> {
        Err(self.refuse(Found::Bool(b)))
    }
    fn null<E: de::Error>(self) -> Result<Self::Out, E> {
        Err(self.refuse(Found::Null))
    }
    fn list<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Out, A::Error> {
        Err(self.refuse(Found::List))
    }
    fn object<A: MapAccess<'de>>(self, _: A) -> Result<Self::Out, A::Error> {
        Err(self.refuse(Found::Object))
    }
}

/// Reads a [`Shape`] from any deserializer.
struct Read<S>(S);

impl<'de, S: Shape<'de>> Visitor<'de> for Read<S> {
    type Value = S::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.expected())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<S::Out, E> {
        self.0.boolean(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S::Out, E> {
        self.0.number(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S::Out, E> {
        self.0.number(v.into())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<S::Out, E> {
        Err(too_large(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<S::Out, E> {
        Err(too_large(v))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<S::Out, A::Error> {
        Err(custom(format!(
            "{}, not a tagged value (a YAML `!tag` has no meaning in a pattern)",
            self.0.expected()
        )))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S::Out, E> {
        match Number::from_f64(v) {
            Some(n) => self.0.number(n),
            None => Err(self
                .0
                .refuse(Found::Num(format!("{v} (not a finite number)")))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S::Out, E> {
        self.0.string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<S::Out, E> {
        self.0.null()
    }
    fn visit_none<E: de::Error>(self) -> Result<S::Out, E> {
        self.0.null()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<S::Out, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S::Out, A::Error> {
        self.0.list(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S::Out, A::Error> {
        self.0.object(map)
    }
}

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for Read<S> {
    type Value = S::Out;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Out, D::Error> {
        d.deserialize_any(self)
    }
}

fn custom<E: de::Error>(message: impl fmt::Display) -> E {
    E::custom(message)
}

/// A number beyond 64 bits: it could not be written back exactly.
fn too_large<E: de::Error>(n: impl fmt::Display) -> E {
    custom(format!(
        "the number {n} is larger than 64 bits and would not be kept exactly; write it as a string if the event has it as one"
    ))
}

/// Whether the value is inside a `$or` alternative (where fields cannot be named like operators).
#[derive(Clone, Copy)]
struct InOr(bool);

/// A field's list of values (`source`, `detailType`, the leaves of `detail`).
struct ValuesShape;

impl<'de> Shape<'de> for ValuesShape {
    type Out = NonEmpty<MatchValue>;

    fn expected(&self) -> String {
        "a pattern field takes a list of values like [\"x\"]".to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Self::Out, E> {
        Err(custom(format!(
            "{}, not {}: write [{s:?}]",
            self.expected(),
            Found::Str(s)
        )))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<Self::Out, E> {
        Err(custom(format!(
            "{}, not the number {n}: write [{n}]",
            self.expected()
        )))
    }
    fn boolean<E: de::Error>(self, b: bool) -> Result<Self::Out, E> {
        Err(custom(format!("{}, not {b}: write [{b}]", self.expected())))
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Out, A::Error> {
        let mut values = Vec::new();
        while let Some(v) = seq.next_element_seed(Read(ValueShape))? {
            values.push(v);
        }
        NonEmpty::from_vec(values).ok_or_else(|| {
            custom(
                "an empty list is refused by EventBridge and Lambda (it would match nothing): \
                 list at least one value, or leave the field out",
            )
        })
    }
}

/// One entry of a list: an exact value or an operator object.
struct ValueShape;

impl<'de> Shape<'de> for ValueShape {
    type Out = MatchValue;

    fn expected(&self) -> String {
        "a list entry is a string, number, true, false, null or an operator like {\"prefix\": \"x\"}"
            .to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<MatchValue, E> {
        Ok(MatchValue::Exact(Scalar::String(s.to_owned())))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<MatchValue, E> {
        Ok(MatchValue::Exact(Scalar::Number(n)))
    }
    fn boolean<E: de::Error>(self, b: bool) -> Result<MatchValue, E> {
        Ok(MatchValue::Exact(Scalar::Bool(b)))
    }
    fn null<E: de::Error>(self) -> Result<MatchValue, E> {
        Ok(MatchValue::Exact(Scalar::Null))
    }
    fn list<A: SeqAccess<'de>>(self, _: A) -> Result<MatchValue, A::Error> {
        Err(custom(
            "a list inside a list is refused: write the values in one flat list",
        ))
    }
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<MatchValue, A::Error> {
        OperatorShape.object(map).map(MatchValue::Operator)
    }
}

/// A field: a list of values or an object of nested fields.
struct MatcherShape {
    in_or: InOr,
    /// The operator the field is named like: a scalar under it is an operand out of its list.
    operator: Option<&'static str>,
}

impl MatcherShape {
    fn scalar<E: de::Error>(
        self,
        json: String,
        plain: Result<NonEmpty<MatchValue>, E>,
    ) -> Result<Matcher, E> {
        match self.operator {
            Some(op) => Err(custom(format!(
                "`{op}` is an operator: write it as an entry of the field's list, [{{\"{op}\": {json}}}]"
            ))),
            None => plain.map(Matcher::Values),
        }
    }
}

impl<'de> Shape<'de> for MatcherShape {
    type Out = Matcher;

    fn expected(&self) -> String {
        ValuesShape.expected() + " or an object of fields"
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Matcher, E> {
        self.scalar(format!("{s:?}"), ValuesShape.string(s))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<Matcher, E> {
        self.scalar(n.to_string(), ValuesShape.number(n))
    }
    fn boolean<E: de::Error>(self, b: bool) -> Result<Matcher, E> {
        self.scalar(b.to_string(), ValuesShape.boolean(b))
    }
    fn list<A: SeqAccess<'de>>(self, seq: A) -> Result<Matcher, A::Error> {
        ValuesShape.list(seq).map(Matcher::Values)
    }
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Matcher, A::Error> {
        FieldsShape(self.in_or).object(map).map(Matcher::Fields)
    }
}

/// An object of fields, with an optional `$or`.
#[derive(Clone, Copy)]
struct FieldsShape(InOr);

impl<'de> Shape<'de> for FieldsShape {
    type Out = Fields;

    fn expected(&self) -> String {
        "a pattern is an object of fields like {\"status\": [\"x\"]}".to_owned()
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        let mut or_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "$or" {
                if or_seen {
                    return Err(custom("`$or` appears twice in one object"));
                }
                or_seen = true;
                fields.any_of = map.next_value_seed(Read(AnyOfShape(FieldsShape(InOr(true)))))?;
                continue;
            }
            if self.0.0 && RESERVED_IN_OR.contains(&key.as_str()) {
                return Err(custom(format!(
                    "inside `$or` a field cannot be named `{key}`, like an operator (EventBridge refuses it)"
                )));
            }
            if fields.fields.contains_key(&key) {
                return Err(custom(format!("the field `{key}` appears twice")));
            }
            let operator = OPERATORS.iter().copied().find(|op| *op == key);
            let matcher = map.next_value_seed(Read(MatcherShape {
                in_or: self.0,
                operator,
            }))?;
            fields.fields.insert(key, matcher);
        }
        if fields.is_empty() {
            return Err(custom(
                "an empty object is refused by EventBridge and Lambda: name at least one field, or leave it out",
            ));
        }
        Ok(fields)
    }
}

/// `$or`: a list of at least two alternatives of shape `S`.
struct AnyOfShape<S>(S);

impl<'de, S: Shape<'de> + Copy> Shape<'de> for AnyOfShape<S> {
    type Out = Vec<S::Out>;

    fn expected(&self) -> String {
        "`$or` takes a list of at least two alternatives, each an object of fields".to_owned()
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Out, A::Error> {
        let mut alternatives = Vec::new();
        while let Some(a) = seq.next_element_seed(Read(self.0))? {
            alternatives.push(a);
        }
        if alternatives.len() < 2 {
            return Err(custom(format!(
                "`$or` takes at least two alternatives (EventBridge refuses fewer), not {}",
                alternatives.len()
            )));
        }
        Ok(alternatives)
    }
}

/// A rule's pattern in the spec: `source`, `detailType`, `detail` and `$or`.
#[derive(Clone, Copy)]
struct EventPatternShape(InOr);

impl<'de> Shape<'de> for EventPatternShape {
    type Out = EventPattern;

    fn expected(&self) -> String {
        "an event pattern is an object with `source`, `detailType`, `detail` or `$or`".to_owned()
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<EventPattern, A::Error> {
        let mut p = EventPattern::default();
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(custom(format!("the field `{key}` appears twice")));
            }
            match key.as_str() {
                "source" => p.source = Some(map.next_value_seed(Read(ValuesShape))?),
                "detailType" => p.detail_type = Some(map.next_value_seed(Read(ValuesShape))?),
                "detail" => p.detail = map.next_value_seed(Read(FieldsShape(self.0)))?,
                "$or" => {
                    p.any_of =
                        map.next_value_seed(Read(AnyOfShape(EventPatternShape(InOr(true)))))?
                }
                other => return Err(de::Error::unknown_field(other, EVENT_PATTERN_FIELDS)),
            }
            seen.push(key);
        }
        if p.is_empty() {
            return Err(custom(
                "an empty pattern matches every event (and EventBridge refuses it): name at least a source or detail type",
            ));
        }
        Ok(p)
    }
}

macro_rules! deserialize_with {
    ($($t:ty => $shape:expr),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Read($shape))
            }
        }
    )*};
}

deserialize_with! {
    EventPattern => EventPatternShape(InOr(false)),
    Fields => FieldsShape(InOr(false)),
    Matcher => MatcherShape { in_or: InOr(false), operator: None },
    MatchValue => ValueShape,
    Operator => OperatorShape,
}

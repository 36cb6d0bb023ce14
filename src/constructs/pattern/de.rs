//! Reading a pattern: the grammar, once, for every source (a YAML or JSON spec, with the line
//! and field of a mistake; any JSON value), with messages in plain words.
//!
//! Each part of the grammar is a [`Shape`]: what it expects, and what it makes of each kind of
//! value; anything else is refused as "<what it takes>, not <what was found>".

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::{
    Affix, AnythingBut, Bound, Cidr, EventPattern, Fields, MatchValue, Matcher, NonEmpty, Numeric,
    NumericKind, OneOrMany, Operator, Scalar, Wildcard,
};
use crate::core::suggest;

/// The operators, as EventBridge names them.
pub(super) const OPERATORS: [&str; 8] = [
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
];

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

/// An operator object: one operator name and its operand.
struct OperatorShape;

impl<'de> Shape<'de> for OperatorShape {
    type Out = Operator;

    fn expected(&self) -> String {
        "an operator is an object like {\"prefix\": \"x\"}".to_owned()
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Operator, A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(custom(
                "an empty object in a list of values: write an operator like {\"prefix\": \"x\"}, or the value itself",
            ));
        };
        let op = match name.as_str() {
            "prefix" => Operator::Prefix(map.next_value_seed(Read(AffixShape("prefix")))?),
            "suffix" => Operator::Suffix(map.next_value_seed(Read(AffixShape("suffix")))?),
            "equals-ignore-case" => Operator::EqualsIgnoreCase(
                map.next_value_seed(Read(TextShape("`equals-ignore-case`")))?,
            ),
            "wildcard" => Operator::Wildcard(map.next_value_seed(Read(WildcardShape))?),
            "anything-but" => Operator::AnythingBut(map.next_value_seed(Read(AnythingButShape))?),
            "numeric" => Operator::Numeric(map.next_value_seed(Read(NumericShape))?),
            "exists" => Operator::Exists(map.next_value_seed(Read(ExistsShape))?),
            "cidr" => Operator::Cidr(map.next_value_seed(Read(CidrShape))?),
            other => {
                let hint = suggest::hint(other, OPERATORS, |all| {
                    format!(" (the operators are {})", all.join(", "))
                });
                return Err(custom(format!("unknown operator `{other}`{hint}")));
            }
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(custom(format!(
                "an operator object holds one operator, and `{name}` has `{extra}` beside it: \
                 write them as two entries of the list"
            )));
        }
        Ok(op)
    }
}

/// The operand of `prefix` or `suffix`.
struct AffixShape(&'static str);

impl<'de> Shape<'de> for AffixShape {
    type Out = Affix;

    fn expected(&self) -> String {
        format!(
            "`{}` takes a string, or {{\"equals-ignore-case\": \"...\"}}",
            self.0
        )
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Affix, E> {
        Ok(Affix::Text(s.to_owned()))
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Affix, A::Error> {
        match map.next_key::<String>()?.as_deref() {
            Some("equals-ignore-case") => {
                let text = map.next_value_seed(Read(TextShape("`equals-ignore-case`")))?;
                match map.next_key::<String>()? {
                    None => Ok(Affix::IgnoreCase(text)),
                    Some(extra) => Err(custom(format!(
                        "{}; `{extra}` is one key too many",
                        self.expected()
                    ))),
                }
            }
            Some(other) => Err(custom(format!(
                "{}, not an object with `{other}`",
                self.expected()
            ))),
            None => Err(custom(format!("{}, not an empty object", self.expected()))),
        }
    }
}

/// A string operand; `.0` names the operator.
struct TextShape(&'static str);

impl<'de> Shape<'de> for TextShape {
    type Out = String;

    fn expected(&self) -> String {
        format!("{} takes a string", self.0)
    }
    fn string<E: de::Error>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
}

struct WildcardShape;

impl<'de> Shape<'de> for WildcardShape {
    type Out = Wildcard;

    fn expected(&self) -> String {
        "`wildcard` takes a string like \"*.png\"".to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Wildcard, E> {
        s.parse()
            .map_err(|e: super::PatternError| custom(e.message))
    }
}

struct ExistsShape;

impl<'de> Shape<'de> for ExistsShape {
    type Out = bool;

    fn expected(&self) -> String {
        "`exists` takes true or false".to_owned()
    }
    fn boolean<E: de::Error>(self, b: bool) -> Result<bool, E> {
        Ok(b)
    }
}

struct CidrShape;

impl<'de> Shape<'de> for CidrShape {
    type Out = Cidr;

    fn expected(&self) -> String {
        "`cidr` takes an IP block like \"10.0.0.0/24\"".to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Cidr, E> {
        s.parse()
            .map_err(|e: super::PatternError| custom(e.message))
    }
}

/// One term of a `numeric` list.
enum Term {
    Op(String),
    Num(Number),
}

struct TermShape;

impl<'de> Shape<'de> for TermShape {
    type Out = Term;

    fn expected(&self) -> String {
        "each term of `numeric` is a comparison (\"<\", \"<=\", \"=\", \">=\", \">\") or a number"
            .to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Term, E> {
        Ok(Term::Op(s.to_owned()))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<Term, E> {
        Ok(Term::Num(n))
    }
}

struct NumericShape;

impl<'de> Shape<'de> for NumericShape {
    type Out = Numeric;

    fn expected(&self) -> String {
        "`numeric` takes a list of comparisons like [\">\", 0, \"<=\", 5]".to_owned()
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Numeric, A::Error> {
        let mut terms = Vec::new();
        while let Some(t) = seq.next_element_seed(Read(TermShape))? {
            terms.push(t);
        }
        numeric(&terms).map_err(custom)
    }
}

/// The forms aws/event-ruler compiles (`processNumericMatchExpression`): `["=", n]`,
/// `[">" | ">=", a]`, `["<" | "<=", b]`, or `[">" | ">=", a, "<" | "<=", b]` with `a < b`.
fn numeric(terms: &[Term]) -> Result<Numeric, String> {
    let form =
        "`numeric` takes a comparison then a number, like [\">\", 0] or [\">\", 0, \"<=\", 5]";
    let mut pairs = Vec::new();
    let mut terms = terms.iter();
    while let Some(first) = terms.next() {
        match (first, terms.next()) {
            (Term::Op(op), Some(Term::Num(n))) => pairs.push((op.as_str(), n.clone())),
            (Term::Num(n), _) => {
                return Err(format!(
                    "{form}; the number {n} has no comparison before it"
                ));
            }
            (Term::Op(op), None) => return Err(format!("{form}; \"{op}\" has no number after it")),
            (Term::Op(a), Some(Term::Op(b))) => {
                return Err(format!(
                    "{form}; \"{a}\" is followed by \"{b}\", not a number"
                ));
            }
        }
    }
    for (op, _) in &pairs {
        if !matches!(*op, "=" | "<" | "<=" | ">" | ">=") {
            return Err(format!(
                "\"{op}\" is not a comparison of `numeric`; use <, <=, =, >= or >"
            ));
        }
    }
    let bound = |n: &Number, inclusive| Bound {
        value: n.clone(),
        inclusive,
    };
    let lower = |op: &str, n: &Number| match op {
        ">" => Some(bound(n, false)),
        ">=" => Some(bound(n, true)),
        _ => None,
    };
    let upper = |op: &str, n: &Number| match op {
        "<" => Some(bound(n, false)),
        "<=" => Some(bound(n, true)),
        _ => None,
    };
    match pairs.as_slice() {
        [] => Err(format!("{form}, not an empty list")),
        [("=", n)] => Ok(Numeric(NumericKind::Equals(n.clone()))),
        [(op, n)] => Numeric::checked(lower(op, n), upper(op, n)),
        [(a, x), (b, y)] => match (lower(a, x), upper(b, y)) {
            (Some(l), Some(u)) => Numeric::checked(Some(l), Some(u)),
            _ if *a == "=" || *b == "=" => {
                Err("`numeric` \"=\" stands alone: [\"=\", 5]".to_owned())
            }
            _ if upper(a, x).is_some() && lower(b, y).is_some() => Err(format!(
                "`numeric` takes the lower bound first: [\"{b}\", {y}, \"{a}\", {x}]"
            )),
            _ => Err(format!(
                "`numeric` takes one lower bound (> or >=) and one upper bound (< or <=); \
                 \"{a}\" and \"{b}\" are both {} bounds",
                if lower(a, x).is_some() {
                    "lower"
                } else {
                    "upper"
                }
            )),
        },
        _ => Err(
            "`numeric` takes at most two comparisons: a lower bound, then an upper one".to_owned(),
        ),
    }
}

/// An entry of an `anything-but` list.
struct ExcludedShape;

impl<'de> Shape<'de> for ExcludedShape {
    type Out = Term;

    fn expected(&self) -> String {
        "an `anything-but` list takes strings or numbers".to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Term, E> {
        Ok(Term::Op(s.to_owned()))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<Term, E> {
        Ok(Term::Num(n))
    }
}

struct AnythingButShape;

/// The operators `anything-but` takes inside it (aws/event-ruler `processMatchExpression`).
const ANYTHING_BUT_OPERATORS: [&str; 4] = ["prefix", "suffix", "equals-ignore-case", "wildcard"];

impl<'de> Shape<'de> for AnythingButShape {
    type Out = AnythingBut;

    fn expected(&self) -> String {
        "`anything-but` takes a string, a number, a list of only strings or only numbers, or an \
         object like {\"prefix\": \"x\"}"
            .to_owned()
    }
    fn string<E: de::Error>(self, s: &str) -> Result<AnythingBut, E> {
        Ok(AnythingBut::String(s.to_owned()))
    }
    fn number<E: de::Error>(self, n: Number) -> Result<AnythingBut, E> {
        Ok(AnythingBut::Number(n))
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnythingBut, A::Error> {
        let (mut strings, mut numbers) = (Vec::new(), Vec::new());
        while let Some(t) = seq.next_element_seed(Read(ExcludedShape))? {
            match t {
                Term::Op(s) => strings.push(s),
                Term::Num(n) => numbers.push(n),
            }
        }
        match (NonEmpty::from_vec(strings), NonEmpty::from_vec(numbers)) {
            (Some(s), None) => Ok(AnythingBut::Strings(s)),
            (None, Some(n)) => Ok(AnythingBut::Numbers(n)),
            (Some(_), Some(_)) => Err(custom(
                "an `anything-but` list takes only strings or only numbers, not both",
            )),
            (None, None) => Err(custom(format!("{}, not an empty list", self.expected()))),
        }
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<AnythingBut, A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(custom(format!("{}, not an empty object", self.expected())));
        };
        let texts = |what| TextsShape {
            what,
            empty_ok: false,
        };
        let operand = match name.as_str() {
            "prefix" => AnythingBut::Prefix(map.next_value_seed(Read(texts("prefix")))?),
            "suffix" => AnythingBut::Suffix(map.next_value_seed(Read(texts("suffix")))?),
            "equals-ignore-case" => {
                AnythingBut::EqualsIgnoreCase(map.next_value_seed(Read(TextsShape {
                    what: "equals-ignore-case",
                    empty_ok: true,
                }))?)
            }
            "wildcard" => {
                // Each string is checked as a wildcard as it is read.
                let texts = map.next_value_seed(Read(TextsShape {
                    what: "wildcard",
                    empty_ok: true,
                }))?;
                AnythingBut::Wildcard(match texts {
                    OneOrMany::One(s) => OneOrMany::One(Wildcard(s)),
                    OneOrMany::Many(many) => OneOrMany::Many(many.map(|s| Wildcard(s.clone()))),
                })
            }
            other => {
                let hint = suggest::hint(other, ANYTHING_BUT_OPERATORS, |all| {
                    format!(" (it takes {})", all.join(", "))
                });
                return Err(custom(format!(
                    "`anything-but` does not take `{other}` inside it{hint}"
                )));
            }
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(custom(format!(
                "`anything-but` takes one operator inside it, and `{name}` has `{extra}` beside it"
            )));
        }
        Ok(operand)
    }
}

/// A string or a non-empty list of strings, inside `anything-but`.
struct TextsShape {
    what: &'static str,
    /// Whether `""` is allowed (aws/event-ruler refuses an empty prefix or suffix there).
    empty_ok: bool,
}

impl TextsShape {
    fn text<E: de::Error>(&self, s: &str) -> Result<String, E> {
        if self.what == "wildcard" {
            s.parse::<Wildcard>()
                .map_err(|e: super::PatternError| custom::<E>(e.message))?;
        }
        if s.is_empty() && !self.empty_ok {
            return Err(custom(format!(
                "`anything-but` `{}` takes non-empty strings (an empty one would exclude everything)",
                self.what
            )));
        }
        Ok(s.to_owned())
    }
}

impl<'de> Shape<'de> for TextsShape {
    type Out = OneOrMany<String>;

    fn expected(&self) -> String {
        format!(
            "`anything-but` `{}` takes a string or a list of strings",
            self.what
        )
    }
    fn string<E: de::Error>(self, s: &str) -> Result<Self::Out, E> {
        self.text(s).map(OneOrMany::One)
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Out, A::Error> {
        let mut items = Vec::new();
        while let Some(s) =
            seq.next_element_seed(Read(TextShape("each entry of an `anything-but` list")))?
        {
            items.push(self.text(&s)?);
        }
        NonEmpty::from_vec(items)
            .map(OneOrMany::Many)
            .ok_or_else(|| custom(format!("{}, not an empty list", self.expected())))
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

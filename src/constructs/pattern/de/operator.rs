//! The operators and their operands: what each takes, in words when it is something else.

use serde::de::{self, MapAccess, SeqAccess};
use serde_json::Number;

use super::{Read, Shape, custom};
use crate::constructs::pattern::operand::{Bound, NumericKind};
use crate::constructs::pattern::{
    Affix, AnythingBut, Cidr, NonEmpty, Numeric, OneOrMany, Operator, PatternError, Wildcard,
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

/// An operator object: one operator name and its operand.
pub(super) struct OperatorShape;

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
        s.parse().map_err(|e: PatternError| custom(e.message))
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
        s.parse().map_err(|e: PatternError| custom(e.message))
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
                .map_err(|e: PatternError| custom::<E>(e.message))?;
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

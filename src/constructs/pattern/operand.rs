//! The operands that carry a rule of their own: numeric ranges, CIDR blocks and wildcards,
//! which exist only in forms EventBridge takes.

use serde_json::{Number, Value};

use super::PatternError;

/// A numeric comparison: `["=", n]`, one bound, or a lower bound then an upper one.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric(pub(super) NumericKind);

#[derive(Debug, Clone, PartialEq)]
pub(super) enum NumericKind {
    Equals(Number),
    Range {
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bound {
    pub(super) value: Number,
    pub(super) inclusive: bool,
}

/// The lower bound of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lower {
    /// `>`
    Above(f64),
    /// `>=`
    AtLeast(f64),
}

/// The upper bound of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Upper {
    /// `<`
    Below(f64),
    /// `<=`
    AtMost(f64),
}

/// An IPv4 or IPv6 block, e.g. `10.0.0.0/24`: the only form `cidr` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr(pub(super) String);

/// A string where `*` stands for any characters: no two `*` in a row, and a backslash only
/// escapes `*` or `\` (aws/event-ruler `WildcardParser.java`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(pub(super) String);

/// `value` as a JSON number: integral values as integers (`5`, not `5.0`), `None` if not finite.
pub(super) fn number(value: f64) -> Option<Number> {
    /// Integers up to 2^53 are exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        Some(Number::from(value as i64))
    } else {
        Number::from_f64(value)
    }
}

impl Numeric {
    /// `["=", value]`
    pub fn equals(value: f64) -> Result<Self, PatternError> {
        Ok(Self(NumericKind::Equals(finite(value)?)))
    }

    /// `[">", a]` or `[">=", a]`
    pub fn lower(lower: Lower) -> Result<Self, PatternError> {
        Self::range(Some(lower), None)
    }

    /// `["<", b]` or `["<=", b]`
    pub fn upper(upper: Upper) -> Result<Self, PatternError> {
        Self::range(None, Some(upper))
    }

    /// `[">", a, "<=", b]` and the like: `a` must be below `b`.
    pub fn between(lower: Lower, upper: Upper) -> Result<Self, PatternError> {
        Self::range(Some(lower), Some(upper))
    }

    fn range(lower: Option<Lower>, upper: Option<Upper>) -> Result<Self, PatternError> {
        let lower = match lower {
            Some(Lower::Above(v)) => Some((v, false)),
            Some(Lower::AtLeast(v)) => Some((v, true)),
            None => None,
        };
        let upper = match upper {
            Some(Upper::Below(v)) => Some((v, false)),
            Some(Upper::AtMost(v)) => Some((v, true)),
            None => None,
        };
        let bound = |b: Option<(f64, bool)>| -> Result<Option<Bound>, PatternError> {
            b.map(|(v, inclusive)| {
                Ok(Bound {
                    value: finite(v)?,
                    inclusive,
                })
            })
            .transpose()
        };
        Self::checked(bound(lower)?, bound(upper)?).map_err(PatternError::new)
    }

    /// A range whose lower bound is below its upper one (EventBridge refuses any other:
    /// aws/event-ruler `Range.between`, "Bottom must be less than top").
    pub(super) fn checked(lower: Option<Bound>, upper: Option<Bound>) -> Result<Self, String> {
        if let (Some(l), Some(u)) = (&lower, &upper) {
            let (a, b) = (l.value.as_f64(), u.value.as_f64());
            if a >= b {
                return Err(format!(
                    "`numeric`: the lower bound {} is not below the upper bound {}, so nothing \
                     would match",
                    l.value, u.value
                ));
            }
        }
        Ok(Self(NumericKind::Range { lower, upper }))
    }

    pub(super) fn to_json(&self) -> Value {
        let mut terms = Vec::new();
        match &self.0 {
            NumericKind::Equals(n) => {
                terms.push(Value::from("="));
                terms.push(Value::Number(n.clone()));
            }
            NumericKind::Range { lower, upper } => {
                if let Some(b) = lower {
                    terms.push(Value::from(if b.inclusive { ">=" } else { ">" }));
                    terms.push(Value::Number(b.value.clone()));
                }
                if let Some(b) = upper {
                    terms.push(Value::from(if b.inclusive { "<=" } else { "<" }));
                    terms.push(Value::Number(b.value.clone()));
                }
            }
        }
        Value::Array(terms)
    }
}

fn finite(value: f64) -> Result<Number, PatternError> {
    number(value)
        .ok_or_else(|| PatternError::new(format!("`numeric` takes finite numbers, not {value}")))
}

impl std::str::FromStr for Cidr {
    type Err = PatternError;

    /// An address and a prefix length: IPv4 `0..=31`, IPv6 `0..=127` (aws/event-ruler
    /// `CIDR.java` refuses `/32` and `/128`: one address is matched as an exact value).
    fn from_str(s: &str) -> Result<Self, PatternError> {
        let refuse = |why: &str| {
            PatternError::new(format!(
                "`cidr` takes an IP block like \"10.0.0.0/24\"; \"{s}\" {why}"
            ))
        };
        let Some((address, bits)) = s.split_once('/') else {
            return Err(refuse("has no `/` and prefix length"));
        };
        if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse("has no prefix length after the `/`"));
        }
        let bits: u32 = bits
            .parse()
            .map_err(|_| refuse("has a bad prefix length"))?;
        // aws/event-ruler takes IPv6 in hex digits and colons only (no embedded IPv4).
        let max = match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 31,
            Ok(std::net::IpAddr::V6(_))
                if address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') =>
            {
                127
            }
            _ => return Err(refuse("does not start with an IPv4 or IPv6 address")),
        };
        if bits > max {
            return Err(refuse(&format!(
                "has a prefix length over {max}; match one address as an exact value: [\"{address}\"]"
            )));
        }
        Ok(Self(s.to_owned()))
    }
}

impl std::str::FromStr for Wildcard {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, PatternError> {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    return Err(PatternError::new(format!(
                        "`wildcard` \"{s}\" has two `*` in a row, which EventBridge refuses; one `*` already matches any characters"
                    )));
                }
                '\\' => match chars.next() {
                    Some('*' | '\\') => {}
                    _ => {
                        return Err(PatternError::new(format!(
                            "`wildcard` \"{s}\" has a backslash that escapes neither `*` nor `\\`; write `\\\\` for a backslash"
                        )));
                    }
                },
                _ => {}
            }
        }
        Ok(Self(s.to_owned()))
    }
}

impl Cidr {
    /// The block as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Wildcard {
    /// The wildcard as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

//! The path of an HTTP API route, as API Gateway takes it: `/`, or `/`-separated segments, each
//! literal text (`A-Z a-z 0-9 - _ . :`) or one whole path variable (`{id}`), the last one maybe
//! greedy (`{proxy+}`: "the greedy path variable must be at the end of the resource path", API
//! Gateway developer guide, "Create routes for HTTP APIs"). Braces only open and close a
//! segment: `{id}.json` or `v{n}` are not paths API Gateway creates.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not a route path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("route path `{path}` {why}")]
pub struct RoutePathError {
    path: String,
    why: String,
}

/// A route path API Gateway takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoutePath(Arc<str>);

/// One segment of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Literal(&'a str),
    Variable(&'a str),
    Greedy(&'a str),
}

fn literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
}

fn segment(text: &str) -> Result<Segment<'_>, String> {
    if let Some(inner) = text.strip_prefix('{') {
        let Some(inner) = inner.strip_suffix('}') else {
            return Err(match inner.find('}') {
                Some(_) => format!(
                    "has text after the variable in segment `{text}`; a variable must be the whole segment"
                ),
                None => format!("has an unclosed `{{` in segment `{text}`"),
            });
        };
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() {
            return Err(format!("has a variable without a name in segment `{text}`"));
        }
        if !name.chars().all(literal_char) {
            return Err(format!(
                "has `{text}`: a variable name may only hold A-Z a-z 0-9 - _ . :"
            ));
        }
        return Ok(if greedy {
            Segment::Greedy(name)
        } else {
            Segment::Variable(name)
        });
    }
    if text.contains('{') {
        return Err(format!(
            "has text before the variable in segment `{text}`; a variable must be the whole segment"
        ));
    }
    if text.contains('}') {
        return Err(format!("has a `}}` without its `{{` in segment `{text}`"));
    }
    match text.chars().find(|c| !literal_char(*c)) {
        Some('+') => Err(format!(
            "has `+` in segment `{text}`; only a variable may be greedy (`{{proxy+}}`)"
        )),
        Some(c) => Err(format!(
            "has `{c}`; a segment may only hold A-Z a-z 0-9 - _ . : or be a variable `{{name}}`"
        )),
        None => Ok(Segment::Literal(text)),
    }
}

impl RoutePath {
    /// Validates a path.
    pub fn new(path: &str) -> Result<Self, RoutePathError> {
        let err = |why: String| RoutePathError {
            path: path.to_owned(),
            why,
        };
        let Some(rest) = path.strip_prefix('/') else {
            return Err(err("must start with `/`".into()));
        };
        if !rest.is_empty() {
            let segments: Vec<&str> = rest.split('/').collect();
            let mut names: Vec<&str> = Vec::new();
            for (i, text) in segments.iter().enumerate() {
                let last = i + 1 == segments.len();
                if text.is_empty() && !last {
                    return Err(err("has an empty segment (`//`)".into()));
                }
                match segment(text).map_err(err)? {
                    Segment::Greedy(_) if !last => {
                        return Err(err(format!(
                            "has the greedy variable `{text}` before its end; a greedy variable must be the last segment"
                        )));
                    }
                    Segment::Variable(name) | Segment::Greedy(name) => {
                        if names.contains(&name) {
                            return Err(err(format!("names the variable `{name}` twice")));
                        }
                        names.push(name);
                    }
                    Segment::Literal(_) => {}
                }
            }
        }
        Ok(Self(Arc::from(path)))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its segments (none for `/`).
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        self.0
            .strip_prefix('/')
            .unwrap_or_default()
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| segment(s).ok())
    }
}

impl fmt::Display for RoutePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RoutePath {
    type Err = RoutePathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Serialize for RoutePath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RoutePath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A segment as the JSON Schema pattern spells it.
const SEGMENT: &str = r"(?:[A-Za-z0-9._:-]+|\{[A-Za-z0-9._:-]+\})";
const GREEDY: &str = r"\{[A-Za-z0-9._:-]+\+\}";

impl schemars::JsonSchema for RoutePath {
    fn schema_name() -> Cow<'static, str> {
        "RoutePath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A route path: `/`, or `/`-separated segments, each literal text (A-Z a-z 0-9 - _ . :) or a whole variable `{name}`; the last may be greedy, `{proxy+}`. A variable name appears once.",
            "type": "string",
            "pattern": format!("^/(?:(?:{SEGMENT}/)*(?:{SEGMENT}|{GREEDY})/?)?$"),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn paths_api_gateway_takes() {
        for ok in [
            "/",
            "/reservations",
            "/reservations/{id}",
            "/reservations/{id}/guests",
            "/files/{proxy+}",
            "/v1.0/a-b_c:d",
            "/reservations/",
        ] {
            assert!(RoutePath::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn paths_api_gateway_refuses() {
        let why = |p: &str| RoutePath::new(p).unwrap_err().to_string();
        assert_eq!(
            why("reservations"),
            "route path `reservations` must start with `/`"
        );
        assert_eq!(
            why("/{proxy+}/x"),
            "route path `/{proxy+}/x` has the greedy variable `{proxy+}` before its end; a greedy variable must be the last segment"
        );
        assert_eq!(
            why("/a/{id"),
            "route path `/a/{id` has an unclosed `{` in segment `{id`"
        );
        assert_eq!(
            why("/a/id}"),
            "route path `/a/id}` has a `}` without its `{` in segment `id}`"
        );
        assert_eq!(
            why("/a/{id}.json"),
            "route path `/a/{id}.json` has text after the variable in segment `{id}.json`; a variable must be the whole segment"
        );
        assert_eq!(
            why("/a/v{n}"),
            "route path `/a/v{n}` has text before the variable in segment `v{n}`; a variable must be the whole segment"
        );
        assert_eq!(
            why("/a//b"),
            "route path `/a//b` has an empty segment (`//`)"
        );
        assert_eq!(
            why("/a/{}"),
            "route path `/a/{}` has a variable without a name in segment `{}`"
        );
        assert_eq!(
            why("/a/{id}/b/{id}"),
            "route path `/a/{id}/b/{id}` names the variable `id` twice"
        );
        assert_eq!(
            why("/a b"),
            "route path `/a b` has ` `; a segment may only hold A-Z a-z 0-9 - _ . : or be a variable `{name}`"
        );
        assert_eq!(
            why("/a+"),
            "route path `/a+` has `+` in segment `a+`; only a variable may be greedy (`{proxy+}`)"
        );
    }
}

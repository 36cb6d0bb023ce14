//! Names that must be valid before they exist: stack names, construct ids and paths, logical IDs.
//!
//! Each is a newtype with a private field whose constructor validates; `Deserialize` goes through the
//! same check, so an invalid name cannot travel past the edge of the program.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::names;

/// The longest logical ID CloudFormation accepts.
pub const LOGICAL_ID_MAX_LEN: usize = 255;
/// The longest stack name CloudFormation accepts.
pub const STACK_NAME_MAX_LEN: usize = 128;

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must not be empty")]
    Empty,
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("contains `{ch}`; {allowed}")]
    BadChar { ch: char, allowed: &'static str },
    #[error("must start with a letter")]
    BadStart,
}

macro_rules! string_newtype {
    ($name:ident, $check:path) => {
        impl $name {
            /// Validates and wraps a name.
            pub fn new(s: impl Into<String>) -> Result<Self, NameError> {
                let s = s.into();
                $check(&s)?;
                Ok(Self(Arc::from(s)))
            }

            /// The name as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s.clone()).map_err(|e| serde::de::Error::custom(format!("`{s}` {e}")))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                Self::schema()
            }
        }
    };
}

/// A CloudFormation logical ID: `[A-Za-z0-9]+`, at most 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogicalId(Arc<str>);
string_newtype!(LogicalId, check_logical_id);

fn check_logical_id(s: &str) -> Result<(), NameError> {
    check_len(s, LOGICAL_ID_MAX_LEN)?;
    check_chars(
        s,
        |c| c.is_ascii_alphanumeric(),
        "only A-Z, a-z and 0-9 are allowed",
    )
}

impl LogicalId {
    fn schema() -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9]{1,255}$",
            "description": "A CloudFormation logical ID: letters and digits, at most 255."
        })
    }

    /// A stand-in for a resource whose path gave no valid ID (the synth fails with an error).
    pub(crate) fn placeholder(n: usize) -> Self {
        Self(Arc::from(format!("Invalid{n}")))
    }

    /// [`LogicalId::from_path`] as text, for names built from it (`<stack>-<id>`); empty for a
    /// path that has none (a stack's root).
    pub fn text_of(path: &ConstructPath) -> String {
        Self::from_path(path)
            .map(|id| id.to_string())
            .unwrap_or_default()
    }

    /// Derives the logical ID of a construct path: its segments in PascalCase with everything but
    /// letters and digits removed; `Resource` segments below the first (the main resource of a
    /// construct) are dropped, while a top-level construct a user named `Resource` keeps its id.
    /// `Orders/Publisher/Resource` -> `OrdersPublisher`. An ID over 255 characters keeps a
    /// prefix and ends in a hash of the path ([`names::LOGICAL_ID`]).
    pub fn from_path(path: &ConstructPath) -> Result<Self, NameError> {
        let mut id = String::with_capacity(path.as_str().len());
        for (i, segment) in path.segments().enumerate() {
            if i > 0 && segment == "Resource" {
                continue;
            }
            let mut upper = true;
            for c in segment.chars() {
                if c.is_ascii_alphanumeric() {
                    if upper {
                        id.push(c.to_ascii_uppercase());
                    } else {
                        id.push(c);
                    }
                    upper = false;
                } else {
                    upper = true;
                }
            }
        }
        if id.len() > LOGICAL_ID_MAX_LEN {
            let below_stack = path.as_str().split_once('/').map_or("", |(_, p)| p);
            id = names::LOGICAL_ID.bound(&id, below_stack);
        }
        Self::new(id)
    }
}

/// A CloudFormation stack name: a letter, then letters, digits and `-`; at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackName(Arc<str>);
string_newtype!(StackName, check_stack_name);

fn check_stack_name(s: &str) -> Result<(), NameError> {
    check_len(s, STACK_NAME_MAX_LEN)?;
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NameError::BadStart);
    }
    check_chars(
        s,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "only A-Z, a-z, 0-9 and - are allowed",
    )
}

impl StackName {
    fn schema() -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9-]{0,127}$",
            "description": "A CloudFormation stack name: a letter, then letters, digits and -; at most 128."
        })
    }
}

/// The id of a construct within its parent: letters, digits, `-`, `_` and `.`; at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstructId(Arc<str>);
string_newtype!(ConstructId, check_construct_id);

/// The longest construct id.
pub const CONSTRUCT_ID_MAX_LEN: usize = 64;

fn check_construct_id(s: &str) -> Result<(), NameError> {
    check_len(s, CONSTRUCT_ID_MAX_LEN)?;
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NameError::BadStart);
    }
    check_chars(
        s,
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
        "only A-Z, a-z, 0-9, -, _ and . are allowed",
    )
}

impl ConstructId {
    fn schema() -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9._-]{0,63}$",
            "description": "A construct id: a letter, then letters, digits, '.', '_' and '-'; at most 64."
        })
    }
}

/// The path of a construct from its stack: `Stack/Parent/Child`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstructPath(Arc<str>);

impl ConstructPath {
    /// The path of a stack (the root of its constructs).
    pub fn root(stack: &StackName) -> Self {
        Self(Arc::from(stack.as_str()))
    }

    /// The path of a child construct.
    pub fn child(&self, id: &str) -> Self {
        Self(Arc::from(format!("{}/{}", self.0, id)))
    }

    /// The path as `Stack/A/B`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments below the stack (the stack name itself is not part of logical IDs).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').skip(1)
    }

    /// The last segment.
    pub fn leaf(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The parent construct's path (`None` for a stack's root).
    pub fn parent(&self) -> Option<Self> {
        self.0
            .rsplit_once('/')
            .map(|(parent, _)| Self(Arc::from(parent)))
    }
}

impl fmt::Display for ConstructPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_len(s: &str, max: usize) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    let len = s.chars().count();
    if len > max {
        return Err(NameError::TooLong { len, max });
    }
    Ok(())
}

fn check_chars(s: &str, ok: impl Fn(char) -> bool, allowed: &'static str) -> Result<(), NameError> {
    match s.chars().find(|c| !ok(*c)) {
        Some(ch) => Err(NameError::BadChar { ch, allowed }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn path(s: &str) -> ConstructPath {
        ConstructPath(Arc::from(s))
    }

    #[test]
    fn logical_ids_are_pascal_case_paths_without_resource() {
        let id = LogicalId::from_path(&path("App/orders-table/Resource")).unwrap();
        assert_eq!(id.as_str(), "OrdersTable");
        let id = LogicalId::from_path(&path("App/Publisher/ServiceRole/DefaultPolicy")).unwrap();
        assert_eq!(id.as_str(), "PublisherServiceRoleDefaultPolicy");
        let id = LogicalId::from_path(&path("App/a.b_c/Resource")).unwrap();
        assert_eq!(id.as_str(), "ABC");
    }

    #[test]
    fn a_top_level_construct_may_be_named_resource() {
        let id = LogicalId::from_path(&path("App/Resource/Resource")).unwrap();
        assert_eq!(id.as_str(), "Resource");
        let id = LogicalId::from_path(&path("App/Resource/ServiceRole/Resource")).unwrap();
        assert_eq!(id.as_str(), "ResourceServiceRole");
        assert!(LogicalId::from_path(&path("App")).is_err());
    }

    #[test]
    fn long_paths_give_bounded_distinct_ids() {
        let long = "A".repeat(64);
        let a = format!("App/{long}/{long}/{long}/{long}/One/Resource");
        let b = format!("App/{long}/{long}/{long}/{long}/Two/Resource");
        let (a, b) = (
            LogicalId::from_path(&path(&a)).unwrap(),
            LogicalId::from_path(&path(&b)).unwrap(),
        );
        assert_eq!(a.as_str().len(), LOGICAL_ID_MAX_LEN);
        assert_ne!(a, b);
        assert!(a.as_str().starts_with(&long));
        // Exactly 255 is kept as it is.
        let fits = format!("App/{}/{}", "B".repeat(200), "C".repeat(55));
        let id = LogicalId::from_path(&path(&fits)).unwrap();
        assert_eq!(
            id.as_str(),
            format!("{}{}", "B".repeat(200), "C".repeat(55))
        );
    }

    #[test]
    fn logical_id_edges() {
        assert!(LogicalId::new("A".repeat(255)).is_ok());
        assert_eq!(
            LogicalId::new("A".repeat(256)),
            Err(NameError::TooLong { len: 256, max: 255 })
        );
        assert_eq!(LogicalId::new(""), Err(NameError::Empty));
        assert!(matches!(
            LogicalId::new("a-b"),
            Err(NameError::BadChar { ch: '-', .. })
        ));
    }

    #[test]
    fn stack_name_edges() {
        assert!(StackName::new("A".repeat(128)).is_ok());
        assert!(StackName::new("A".repeat(129)).is_err());
        assert_eq!(StackName::new("1abc"), Err(NameError::BadStart));
        assert!(StackName::new("Orders-prod").is_ok());
        assert!(StackName::new("Orders_prod").is_err());
    }

    #[test]
    fn names_deserialize_through_validation() {
        let ok: Result<StackName, _> = serde_json::from_str("\"Orders\"");
        assert!(ok.is_ok());
        let err = serde_json::from_str::<StackName>("\"Or ders\"").unwrap_err();
        assert!(err.to_string().contains("`Or ders` contains ` `"), "{err}");
    }
}

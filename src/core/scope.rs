//! What a scope gives everything under it: tags for every resource that takes them, a permissions
//! boundary for every IAM role, a prefix for every generated name.
//!
//! Scopes nest: the app, (later) a stage, a stack, and for tags any construct subtree of a
//! stack. [`Scope::resolve`] folds an ordered list of scopes, outermost first: tags merge key by
//! key, the nearest scope's value winning; the nearest boundary and prefix win. The stack applies
//! the result when its template is finished ([`apply`]), to every resource whatever construct
//! (or escape hatch) added it, in the shape the type's registry schema gives its tag property
//! ([`crate::core::cfn::ResourceType::tagging`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use super::cfn::{ResourceType, TagShape, arn};
use super::diagnostic::{Diagnostic, Severity};
use super::id::ConstructPath;
use super::stack::StackParts;
use super::template::FastHash;
use super::value::Value;

/// The longest tag key AWS takes, in characters (1..=128).
pub const TAG_KEY_MAX_CHARS: usize = 128;
/// The longest tag value AWS takes, in characters (0..=256; a stack's tags 1..=256).
pub const TAG_VALUE_MAX_CHARS: usize = 256;
/// The most user tags one resource (or stack) takes; `aws:` tags AWS sets do not count.
pub const TAGS_PER_RESOURCE: usize = 50;
/// The key prefix AWS reserves for its own tags, in any case (`aws:`, `AWS:`...).
pub const RESERVED_TAG_PREFIX: &str = "aws:";
/// The characters of tag keys and values besides letters, digits and spaces.
pub const TAG_PUNCTUATION: &str = "_.:/=+-@";
/// The longest name prefix, in characters: it leaves a 64-character name (a rule's) room for
/// the rest and a hash.
pub const NAME_PREFIX_MAX_CHARS: usize = 32;
/// The longest managed policy name IAM takes (`CreatePolicy` `PolicyName`).
pub const POLICY_NAME_MAX_CHARS: usize = 128;
/// The longest managed policy path IAM takes (`CreatePolicy` `Path`).
pub const POLICY_PATH_MAX_CHARS: usize = 512;

/// Tags by key, in key order (the order they are rendered in).
pub type Tags = BTreeMap<String, String>;

/// Where a tag is declared: the value of a stack's (and the app's) tags must not be empty, as
/// CloudFormation's stack tags take 1..=256 characters; a construct's may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagLevel {
    /// The app or a stack (or a stage): the tags go to the stacks too.
    Stack,
    /// A construct subtree: only its resources.
    Construct,
}

/// Why AWS would refuse the tag `key = value`, as a message naming it; `None` when it takes it.
/// The rules every tagging service shares: a key of 1..=128 characters that does not start with
/// `aws:` (any case), a value of 0..=256 (1..=256 at stack level), both of letters, digits,
/// spaces and `_ . : / = + - @`.
pub fn check_tag(key: &str, value: &str, level: TagLevel) -> Option<String> {
    let keys = key.chars().count();
    if keys == 0 {
        return Some("tags: a tag key is empty; AWS takes 1..=128 characters".to_owned());
    }
    if keys > TAG_KEY_MAX_CHARS {
        return Some(format!(
            "tags: key `{key}` is {keys} characters long; AWS takes at most {TAG_KEY_MAX_CHARS}"
        ));
    }
    if key
        .get(..RESERVED_TAG_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_TAG_PREFIX))
    {
        return Some(format!(
            "tags: key `{key}` starts with `{RESERVED_TAG_PREFIX}`, which AWS reserves for its own tags"
        ));
    }
    if let Some(c) = key.chars().find(|c| !tag_char(*c)) {
        return Some(format!(
            "tags: key `{key}` contains {c:?}; tags take letters, digits, spaces and {TAG_PUNCTUATION}"
        ));
    }
    let values = value.chars().count();
    if values > TAG_VALUE_MAX_CHARS {
        return Some(format!(
            "tags: the value of `{key}` is {values} characters long; AWS takes at most {TAG_VALUE_MAX_CHARS}"
        ));
    }
    if values == 0 && level == TagLevel::Stack {
        return Some(format!(
            "tags: the value of `{key}` is empty; CloudFormation takes stack tags of 1..=256 characters (an empty value is only for a construct's tags)"
        ));
    }
    if let Some(c) = value.chars().find(|c| !tag_char(*c)) {
        return Some(format!(
            "tags: the value of `{key}` contains {c:?}; tags take letters, digits, spaces and {TAG_PUNCTUATION}"
        ));
    }
    None
}

/// Letters (`\p{L}`), digits (`\p{N}`), spaces (`\p{Z}`) and [`TAG_PUNCTUATION`].
fn tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || TAG_PUNCTUATION.contains(c)
}

/// A customer managed policy that bounds what every role of a scope may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermissionsBoundary {
    /// `arn:<partition>:iam::<account>:policy/<path/name>`, as given.
    Arn(String),
    /// A policy of the deploying account by name (with its path, if any: `boundaries/dev`),
    /// rendered as `arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/<name>`.
    Name(String),
}

/// Why a permissions boundary is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("permissionsBoundary `{given}` {why}")]
pub struct BoundaryError {
    given: String,
    why: String,
}

impl PermissionsBoundary {
    /// The value of a role's `PermissionsBoundary`.
    pub fn value(&self) -> Value {
        match self {
            Self::Arn(arn) => Value::from(arn.clone()),
            Self::Name(name) => arn::managed_policy(name),
        }
    }
}

impl FromStr for PermissionsBoundary {
    type Err = BoundaryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |why: &str| BoundaryError {
            given: s.to_owned(),
            why: why.to_owned(),
        };
        let Some(rest) = s.strip_prefix("arn:") else {
            check_policy_name(s).map_err(|why| fail(&why))?;
            return Ok(Self::Name(s.to_owned()));
        };
        const SHAPE: &str = "is not a managed policy ARN (`arn:<partition>:iam::<12-digit account or aws>:policy/<name>`) or a policy name";
        let mut parts = rest.splitn(5, ':');
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(fail(SHAPE));
        };
        let partition_ok = !partition.is_empty()
            && partition
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        // `aws`: an AWS managed policy (e.g. `arn:aws:iam::aws:policy/PowerUserAccess`), which
        // IAM takes as a boundary like a customer managed one.
        let account_ok =
            account == "aws" || account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
        let Some(name) = resource.strip_prefix("policy/") else {
            return Err(fail(SHAPE));
        };
        if !partition_ok || service != "iam" || !region.is_empty() || !account_ok {
            return Err(fail(SHAPE));
        }
        check_policy_name(name).map_err(|why| fail(&why))?;
        Ok(Self::Arn(s.to_owned()))
    }
}

/// `[path/]name` of a managed policy: a name of 1..=128 of `[A-Za-z0-9+=,.@_-]`, a path of
/// printable ASCII but `*` (at most 512 with its slashes).
fn check_policy_name(s: &str) -> Result<(), String> {
    let (path, name) = s.rsplit_once('/').unwrap_or(("", s));
    let name_len = name.chars().count();
    if name_len == 0 || name_len > POLICY_NAME_MAX_CHARS {
        return Err(format!(
            "has a policy name of {name_len} characters; IAM takes 1..={POLICY_NAME_MAX_CHARS}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return Err(format!(
            "contains {c:?} in its policy name; IAM takes A-Z, a-z, 0-9 and + = , . @ _ -"
        ));
    }
    if path.is_empty() {
        return Ok(());
    }
    if path.split('/').any(str::is_empty) {
        return Err("has an empty segment in its policy path".to_owned());
    }
    if path.chars().count() + 2 > POLICY_PATH_MAX_CHARS {
        return Err(format!(
            "has a policy path over {POLICY_PATH_MAX_CHARS} characters"
        ));
    }
    if let Some(c) = path.chars().find(|c| !('!'..='~').contains(c) || *c == '*') {
        return Err(format!(
            "contains {c:?} in its policy path; IAM takes printable ASCII but `*`"
        ));
    }
    Ok(())
}

impl fmt::Display for PermissionsBoundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Arn(s) | Self::Name(s) => f.write_str(s),
        }
    }
}

/// The prefix of every name a scope's constructs generate (`acme` gives `acme-Orders-ChangesBus`):
/// 1..=32 characters, none a control character. Each name rule checks its own characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePrefix(String);

/// Why a name prefix is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("namePrefix `{given}` {why}")]
pub struct NamePrefixError {
    given: String,
    why: String,
}

impl NamePrefix {
    /// The prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NamePrefix {
    type Err = NamePrefixError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |why: String| NamePrefixError {
            given: s.to_owned(),
            why,
        };
        let len = s.chars().count();
        if len == 0 || len > NAME_PREFIX_MAX_CHARS {
            return Err(fail(format!(
                "is {len} characters long; a name prefix takes 1..={NAME_PREFIX_MAX_CHARS}"
            )));
        }
        if let Some(c) = s.chars().find(|c| c.is_control()) {
            return Err(fail(format!("contains the control character {c:?}")));
        }
        Ok(Self(s.to_owned()))
    }
}

/// What one scope sets (each part optional: an unset part is inherited from the outer scopes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub tags: Tags,
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub name_prefix: Option<NamePrefix>,
}

impl Scope {
    /// What `scopes` give together, outermost first (app, stage, stack): every tag, the nearest
    /// scope's value of a key winning; the nearest boundary and name prefix.
    pub fn resolve<'a>(scopes: impl IntoIterator<Item = &'a Scope>) -> Scope {
        let mut out = Scope::default();
        for s in scopes {
            out.tags
                .extend(s.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
            if s.permissions_boundary.is_some() {
                out.permissions_boundary = s.permissions_boundary.clone();
            }
            if s.name_prefix.is_some() {
                out.name_prefix = s.name_prefix.clone();
            }
        }
        out
    }
}

/// Tags of construct subtrees of one stack, by construct path.
pub(crate) type ConstructTags = HashMap<String, Tags, FastHash>;

/// The finishing pass of one stack: the scope's boundary on every role that has none, and on
/// every resource of a taggable type the tags of its scopes (the stack's resolved scope, then
/// each construct above the resource, nearest last) merged with the tags it already has (its
/// own win), sorted by key, in its type's shape. One walk over the resources.
pub(crate) fn apply(p: &mut StackParts, diagnostics: &mut Vec<Diagnostic>) {
    if p.scope.tags.is_empty()
        && p.construct_tags.is_empty()
        && p.scope.permissions_boundary.is_none()
    {
        return;
    }
    if p.scope.tags.len() > TAGS_PER_RESOURCE {
        diagnostics.push(Diagnostic {
            location: None,
            code: None,
            severity: Severity::Error,
            path: Some(ConstructPath::root(&p.name)),
            message: format!(
                "tags: the stack has {} tags (the app's and its own); CloudFormation takes at most {TAGS_PER_RESOURCE} per stack",
                p.scope.tags.len()
            ),
        });
    }
    let boundary = p.scope.permissions_boundary.as_ref().map(|b| b.value());
    // Most resources get exactly the stack's tags: those values are built once per shape.
    let scope_tags: BTreeMap<&str, &str> = p
        .scope
        .tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut scope_only: [Option<Value>; 2] = [None, None];
    for (id, resource) in p.template.resources.iter_mut() {
        if resource.kind == ResourceType::IamRole
            && let Some(b) = &boundary
            && resource.properties.get("PermissionsBoundary").is_none()
        {
            resource.properties.insert("PermissionsBoundary", b.clone());
        }
        let Some(tagging) = resource.kind.tagging() else {
            continue;
        };
        let path = p.origins.get(id);
        let mut tags: Option<BTreeMap<&str, &str>> = None;
        if let Some(path) = path
            && !p.construct_tags.is_empty()
        {
            let s = path.as_str();
            let ends = s.match_indices('/').map(|(i, _)| i).chain([s.len()]);
            for end in ends {
                if let Some(t) = p.construct_tags.get(&s[..end]) {
                    tags.get_or_insert_with(|| scope_tags.clone())
                        .extend(t.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                }
            }
        }
        let own = resource.properties.get(tagging.property);
        if tags.is_none() && own.is_none() && scope_tags.len() <= TAGS_PER_RESOURCE {
            if scope_tags.is_empty() {
                continue;
            }
            let shape = match tagging.shape {
                TagShape::List => 0,
                TagShape::Map => 1,
            };
            let value = scope_only[shape].get_or_insert_with(|| match tagging.shape {
                TagShape::List => list(&scope_tags, Vec::new()).0,
                TagShape::Map => map(&scope_tags, None).0,
            });
            resource.properties.insert(tagging.property, value.clone());
            continue;
        }
        let tags = tags.unwrap_or_else(|| scope_tags.clone());
        if tags.is_empty() {
            continue;
        }
        let at = || {
            path.map(construct_of)
                .unwrap_or_else(|| ConstructPath::root(&p.name))
        };
        let merged = match (tagging.shape, own) {
            (TagShape::List, None) => Some(list(&tags, Vec::new())),
            (TagShape::List, Some(Value::List(items))) => Some(list(&tags, items.clone())),
            (TagShape::Map, None) => Some(map(&tags, None)),
            (TagShape::Map, Some(Value::Map(m))) => Some(map(&tags, Some(m))),
            _ => None,
        };
        let Some((value, count)) = merged else {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Warning,
                path: Some(at()),
                message: format!(
                    "tags: `{id}` ({}) sets {} to something other than a literal {}, so the tags of its scopes were not added to it",
                    resource.kind,
                    tagging.property,
                    match tagging.shape {
                        TagShape::List => "list of {Key, Value}",
                        TagShape::Map => "map",
                    }
                ),
            });
            continue;
        };
        if count > TAGS_PER_RESOURCE {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: Some(at()),
                message: format!(
                    "tags: `{id}` ({}) would get {count} tags from its scopes; AWS takes at most {TAGS_PER_RESOURCE} per resource",
                    resource.kind
                ),
            });
        }
        resource.properties.insert(tagging.property, value);
    }
}

/// The construct a resource belongs to (`Stack/Queue` for `Stack/Queue/Resource`).
fn construct_of(path: &ConstructPath) -> ConstructPath {
    match path.parent() {
        Some(parent) if path.leaf() == "Resource" && parent.parent().is_some() => parent,
        _ => path.clone(),
    }
}

/// `[{Key, Value}]`: `own` entries (a literal key overrides a scope's tag of that key) and the
/// scope tags, sorted by key; entries whose key is not a literal keep their place at the end.
fn list(tags: &BTreeMap<&str, &str>, own: Vec<Value>) -> (Value, usize) {
    let key_of = |v: &Value| match v {
        Value::Map(m) => match m.get("Key") {
            Some(Value::Str(k)) => Some(k.to_string()),
            _ => None,
        },
        _ => None,
    };
    let mut entries: Vec<(Option<String>, Value)> = Vec::with_capacity(tags.len() + own.len());
    let own_keys: Vec<Option<String>> = own.iter().map(key_of).collect();
    for (k, v) in tags {
        if !own_keys.iter().any(|o| o.as_deref() == Some(*k)) {
            entries.push((
                Some((*k).to_owned()),
                Value::map([
                    ("Key", Value::from((*k).to_owned())),
                    ("Value", Value::from((*v).to_owned())),
                ]),
            ));
        }
    }
    entries.extend(own_keys.into_iter().zip(own));
    // Literal keys first, in order; a stable sort keeps the others as they were.
    entries.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let count = entries.len();
    (
        Value::List(entries.into_iter().map(|(_, v)| v).collect()),
        count,
    )
}

/// `{key: value}`: the scope tags and `own` (whose keys win), sorted by key.
fn map(tags: &BTreeMap<&str, &str>, own: Option<&super::value::Map>) -> (Value, usize) {
    let mut merged: BTreeMap<String, Value> = tags
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from((*v).to_owned())))
        .collect();
    if let Some(own) = own {
        for (k, v) in own.iter() {
            merged.insert(k.to_owned(), v.clone());
        }
    }
    let count = merged.len();
    (Value::Map(merged.into_iter().collect()), count)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tags_are_checked_as_aws_checks_them() {
        assert_eq!(check_tag("team", "payments", TagLevel::Stack), None);
        assert_eq!(check_tag("cost-center", "", TagLevel::Construct), None);
        assert_eq!(check_tag("Owner", "é @ x:y/z=1+2", TagLevel::Stack), None);
        assert!(check_tag("", "x", TagLevel::Stack).is_some());
        assert!(check_tag(&"k".repeat(128), "x", TagLevel::Stack).is_none());
        assert!(check_tag(&"k".repeat(129), "x", TagLevel::Stack).is_some());
        assert!(check_tag("k", &"v".repeat(256), TagLevel::Stack).is_none());
        assert!(check_tag("k", &"v".repeat(257), TagLevel::Stack).is_some());
        assert!(check_tag("AWS:owner", "x", TagLevel::Stack).is_some());
        assert!(check_tag("aws:cloudformation:x", "x", TagLevel::Construct).is_some());
        assert!(check_tag("awsome", "x", TagLevel::Stack).is_none());
        assert!(check_tag("a*b", "x", TagLevel::Stack).is_some());
        assert!(check_tag("k", "tab\there", TagLevel::Stack).is_some());
        assert!(check_tag("k", "", TagLevel::Stack).is_some());
    }

    #[test]
    fn nearest_scope_wins() {
        let scope = |tags: &[(&str, &str)], prefix: Option<&str>| Scope {
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            permissions_boundary: None,
            name_prefix: prefix.map(|p| p.parse().unwrap()),
        };
        let app = scope(&[("team", "a"), ("env", "prod")], Some("acme"));
        let stack = scope(&[("team", "b")], None);
        let r = Scope::resolve([&app, &stack]);
        assert_eq!(r.tags["team"], "b");
        assert_eq!(r.tags["env"], "prod");
        assert_eq!(r.name_prefix.unwrap().as_str(), "acme");
    }

    #[test]
    fn boundaries_are_arns_or_names() {
        let arn = "arn:aws:iam::123456789012:policy/boundaries/dev";
        assert_eq!(
            arn.parse::<PermissionsBoundary>().unwrap(),
            PermissionsBoundary::Arn(arn.to_owned())
        );
        assert_eq!(
            "dev-boundary".parse::<PermissionsBoundary>().unwrap(),
            PermissionsBoundary::Name("dev-boundary".to_owned())
        );
        assert!("boundaries/dev".parse::<PermissionsBoundary>().is_ok());
        assert!(
            "arn:aws-cn:iam::123456789012:policy/b"
                .parse::<PermissionsBoundary>()
                .is_ok()
        );
        // An AWS managed policy is a boundary too.
        assert!(
            "arn:aws:iam::aws:policy/PowerUserAccess"
                .parse::<PermissionsBoundary>()
                .is_ok()
        );
        for bad in [
            "arn:aws:iam::amazon:policy/b",
            "",
            "arn:aws:iam::12345:policy/b",
            "arn:aws:iam:us-east-1:123456789012:policy/b",
            "arn:aws:s3::123456789012:policy/b",
            "arn:aws:iam::123456789012:role/b",
            "arn:aws:iam::123456789012:policy/",
            "has space",
            "a//b",
        ] {
            assert!(bad.parse::<PermissionsBoundary>().is_err(), "{bad}");
        }
        assert_eq!(
            PermissionsBoundary::Name("b".into()).value(),
            Value::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/b")
        );
    }

    #[test]
    fn prefixes_are_short_and_printable() {
        assert!("acme".parse::<NamePrefix>().is_ok());
        assert!("".parse::<NamePrefix>().is_err());
        assert!("a".repeat(33).parse::<NamePrefix>().is_err());
        assert!("a\nb".parse::<NamePrefix>().is_err());
    }
}

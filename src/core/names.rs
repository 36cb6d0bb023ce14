//! One scheme for every name the synthesizer makes up: logical IDs, output and export names, and
//! the physical names of resources (rules, buses, registries, APIs, policies).
//!
//! A [`NameRule`] says what a name may be (its length and characters, as CloudFormation and the
//! service take them); [`physical_name`] derives a name from its parts under that rule. A name
//! that fits is the parts joined, unchanged; one that does not keeps a readable beginning (and
//! end) and ends in a short hash of the whole name, so two long names that share their prefix
//! stay distinct (the CDK does the same). A name a user wrote is never shortened:
//! [`NameRule::check`] refuses it. Uniqueness across the app is checked at synth from the names
//! constructs claim ([`crate::core::Stack::derive_name`], [`crate::core::Stack::given_name`]).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::cfn::ResourceType;
use super::diagnostic::{Diagnostic, Severity};
use super::env::Environment;
use super::id::{ConstructPath, LOGICAL_ID_MAX_LEN, NameError};

/// Hex digits of the hash a shortened name ends in.
pub const HASH_LEN: usize = 8;

/// What a name may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRule {
    /// What the name names, for messages and for the namespace of uniqueness: `rule name`.
    pub what: &'static str,
    /// The resource property CloudFormation takes it in, when it is one (checked against the
    /// registry schemas in CI).
    pub property: Option<(ResourceType, &'static str)>,
    /// The longest name allowed, in characters.
    pub max_len: usize,
    /// The characters allowed, as inclusive ranges; empty means any character but a control
    /// character.
    pub chars: &'static [(char, char)],
    /// [`NameRule::chars`] in words, for messages: `only A-Z, a-z and 0-9 are allowed`.
    pub chars_text: &'static str,
    /// What joins the parts of a derived name, and the kept prefix of a shortened one to its hash.
    pub separator: &'static str,
}

/// Letters and digits.
pub const ALPHANUMERIC: &[(char, char)] = &[('A', 'Z'), ('a', 'z'), ('0', '9')];

/// A CloudFormation logical ID (resources, outputs): letters and digits, at most 255.
pub const LOGICAL_ID: NameRule = NameRule {
    what: "logical ID",
    property: None,
    max_len: LOGICAL_ID_MAX_LEN,
    chars: ALPHANUMERIC,
    chars_text: "only A-Z, a-z and 0-9 are allowed",
    separator: "",
};

/// An export name: unique in an account and region; letters, digits, `:` and `-`, at most 255.
pub const EXPORT_NAME: NameRule = NameRule {
    what: "export name",
    property: None,
    max_len: 255,
    chars: &[('A', 'Z'), ('a', 'z'), ('0', '9'), (':', ':'), ('-', '-')],
    chars_text: "only A-Z, a-z, 0-9, : and - are allowed",
    separator: ":",
};

impl NameRule {
    /// Whether `c` may appear in a name.
    pub fn allows(&self, c: char) -> bool {
        if self.chars.is_empty() {
            return !c.is_control();
        }
        self.chars.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
    }

    /// Checks a name as given (a user's, or one from elsewhere): nothing is shortened or dropped.
    pub fn check(&self, name: &str) -> Result<(), NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if let Some(ch) = name.chars().find(|c| !self.allows(*c)) {
            return Err(NameError::BadChar {
                ch,
                allowed: self.chars_text,
            });
        }
        let len = name.chars().count();
        if len > self.max_len {
            return Err(NameError::TooLong {
                len,
                max: self.max_len,
            });
        }
        Ok(())
    }

    /// `name` within this rule: characters it does not allow are dropped, and if it is then
    /// still too long (or empty) it keeps its beginning and its end, as much as leaves room for
    /// the separator and the hash of `identity` (what makes the name unique: the full name, or a
    /// path).
    pub fn bound(&self, name: &str, identity: &str) -> String {
        let kept: Vec<char> = name.chars().filter(|c| self.allows(*c)).collect();
        if !kept.is_empty() && kept.len() <= self.max_len {
            return kept.into_iter().collect();
        }
        let hash = short_hash(identity);
        let room = self
            .max_len
            .saturating_sub(HASH_LEN + self.separator.chars().count());
        let mut human: String = if kept.len() <= room {
            kept.iter().collect()
        } else {
            // The beginning names the stack and construct, the end what differs between siblings.
            let head = room.div_ceil(2);
            let tail = room - head;
            kept[..head]
                .iter()
                .chain(&kept[kept.len() - tail..])
                .collect()
        };
        // A name that ends in punctuation would double it up with the separator.
        let end = human.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
        human.truncate(end);
        if human.is_empty() {
            hash
        } else {
            format!("{human}{}{hash}", self.separator)
        }
    }
}

/// The name made of `parts` under `rule`: the parts joined by its separator when that fits;
/// otherwise their readable beginning and end, the separator and a hash of the whole joined name.
/// Deterministic, never longer than `rule.max_len`, and distinct for distinct long names.
pub fn physical_name(parts: &[&str], rule: &NameRule) -> String {
    let full = parts.join(rule.separator);
    rule.bound(&full, &full)
}

/// A physical name a construct gave a resource, which must be unique where AWS keeps it: among
/// the names of `what` in one account and region, and within `scope` (e.g. `event bus
/// \`Orders\``) when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameClaim {
    pub what: &'static str,
    pub scope: Option<String>,
    pub name: String,
    pub path: ConstructPath,
    /// Unique within `scope` wherever the claiming stacks deploy (the scope names one thing of
    /// one account, e.g. a bus by its ARN), not per environment.
    pub global: bool,
}

/// Reports every name claimed twice in one environment, at the second claim, naming the first.
/// Environment-agnostic stacks share one environment; stacks with different explicit accounts
/// or regions do not share names.
pub(crate) fn check_unique<'a>(
    claims: impl IntoIterator<Item = (&'a Environment, &'a NameClaim)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(String, &str, Option<&str>, &str), &ConstructPath> = HashMap::new();
    for (env, c) in claims {
        let key = (
            if c.global {
                String::new()
            } else {
                env.to_assembly_uri()
            },
            c.what,
            c.scope.as_deref(),
            c.name.as_str(),
        );
        match seen.get(&key) {
            Some(first) if **first == c.path => {}
            Some(first) => {
                let within = c.scope.as_ref().map_or_else(
                    || "in an account and region".to_owned(),
                    |s| format!("within {s}"),
                );
                diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: Some(c.path.clone()),
                    message: format!(
                        "{what} `{name}` is also the {what} of `{first}`, and {what}s must be unique {within}; rename one of them",
                        what = c.what,
                        name = c.name,
                    ),
                });
            }
            None => {
                seen.insert(key, &c.path);
            }
        }
    }
}

/// The first [`HASH_LEN`] hex digits (upper case) of the SHA-256 of `s`.
/// The hash a shortened name ends in: the first [`HASH_LEN`] upper-case hex digits of the
/// SHA-256 of `s`.
pub fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(HASH_LEN);
    for b in digest.iter().take(HASH_LEN / 2) {
        out.push_str(&format!("{b:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const RULE: NameRule = NameRule {
        what: "rule name",
        property: None,
        max_len: 64,
        chars: &[
            ('A', 'Z'),
            ('a', 'z'),
            ('0', '9'),
            ('.', '.'),
            ('-', '-'),
            ('_', '_'),
        ],
        chars_text: "only A-Z, a-z, 0-9, ., - and _ are allowed",
        separator: "-",
    };

    #[test]
    fn names_that_fit_are_the_parts_joined() {
        assert_eq!(
            physical_name(&["Reservations", "OnCreated"], &RULE),
            "Reservations-OnCreated"
        );
        assert_eq!(
            physical_name(&["Stack", "Orders"], &LOGICAL_ID),
            "StackOrders"
        );
        let exactly = "A".repeat(64);
        assert_eq!(physical_name(&[&exactly], &RULE), exactly);
    }

    #[test]
    fn long_names_keep_their_ends_and_a_hash() {
        let id = "OnReservationCreatedForTheRestaurantStaffNotificationsFirst";
        let a = physical_name(&["Reservations", &format!("{id}A")], &RULE);
        let b = physical_name(&["Reservations", &format!("{id}B")], &RULE);
        assert_eq!(a.chars().count(), 64);
        assert_eq!(b.chars().count(), 64);
        assert_ne!(a, b, "a shared long prefix must not give one name");
        assert!(a.starts_with("Reservations-OnReservationCr"), "{a}");
        assert!(a.contains("First"), "the end that differs is kept: {a}");
        let (prefix, hash) = a.rsplit_once('-').unwrap();
        assert_eq!(hash.len(), HASH_LEN);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!prefix.ends_with('-'));
        // Deterministic: the same parts, the same name.
        assert_eq!(
            a,
            physical_name(&["Reservations", &format!("{id}A")], &RULE)
        );
        assert!(RULE.check(&a).is_ok());
        // Names that differ only in the middle, which neither end keeps, differ by the hash.
        let middle = |c: &str| {
            physical_name(
                &["S", &format!("{}{c}{}", "a".repeat(40), "b".repeat(40))],
                &RULE,
            )
        };
        assert_ne!(middle("x"), middle("y"));
    }

    #[test]
    fn every_length_is_bounded() {
        for n in 0..300 {
            let name = physical_name(&["S", &"x".repeat(n)], &RULE);
            assert!(name.chars().count() <= RULE.max_len, "{n}: {name}");
            assert!(RULE.check(&name).is_ok(), "{n}: {name}");
            let id = physical_name(&[&"Y".repeat(n)], &LOGICAL_ID);
            assert!(LOGICAL_ID.check(&id).is_ok(), "{n}: {id}");
        }
    }

    #[test]
    fn characters_a_rule_refuses_are_dropped_from_derived_names() {
        assert_eq!(physical_name(&["a-b", "c.d"], &LOGICAL_ID), "abcd");
        // Nothing left: the hash alone.
        let only_hash = physical_name(&["--"], &LOGICAL_ID);
        assert_eq!(only_hash.len(), HASH_LEN);
    }

    #[test]
    fn given_names_are_checked_not_changed() {
        assert_eq!(RULE.check(""), Err(NameError::Empty));
        assert_eq!(
            RULE.check(&"a".repeat(65)),
            Err(NameError::TooLong { len: 65, max: 64 })
        );
        assert!(matches!(
            RULE.check("a b"),
            Err(NameError::BadChar { ch: ' ', .. })
        ));
        assert!(EXPORT_NAME.check("Stack:ExportsOutputRefBus").is_ok());
    }

    #[test]
    fn any_character_but_control_when_no_ranges_are_given() {
        let any = NameRule { chars: &[], ..RULE };
        assert!(any.allows(' '));
        assert!(any.allows('é'));
        assert!(!any.allows('\n'));
    }

    #[test]
    fn uniqueness_is_per_environment_and_scope() {
        use crate::core::{AccountId, Region, StackName};
        let root = ConstructPath::root(&StackName::new("S").unwrap());
        let claim = |id: &str, scope: Option<&str>, name: &str| NameClaim {
            what: "rule name",
            scope: scope.map(str::to_owned),
            name: name.to_owned(),
            path: root.child(id),
            global: false,
        };
        let agnostic = Environment::agnostic();
        let eu = Environment {
            account: Some(AccountId::new("123456789012").unwrap()),
            region: Some(Region::new("eu-west-1").unwrap()),
        };
        let (a, b) = (
            claim("A", Some("bus x"), "n"),
            claim("B", Some("bus x"), "n"),
        );
        let (other_bus, again) = (
            claim("C", Some("bus y"), "n"),
            claim("A", Some("bus x"), "n"),
        );
        let mut found = Vec::new();
        check_unique(
            [
                (&agnostic, &a),
                (&eu, &b),
                (&agnostic, &other_bus),
                (&agnostic, &again),
            ],
            &mut found,
        );
        assert!(found.is_empty(), "{found:?}");
        check_unique([(&eu, &a), (&eu, &b)], &mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, Some(root.child("B")));
        assert!(found[0].message.contains("`S/A`"), "{}", found[0].message);
    }
}

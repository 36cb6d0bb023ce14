//! Email addresses and mail domains, as SNS subscriptions and SES identities take them.
//!
//! The accepted form is the one mail between AWS accounts and people uses: an ASCII local part
//! of RFC 5322 `atext` characters in dot-separated runs (no quoted local parts, which SES
//! refuses), `@`, and a domain of two or more DNS labels (letters, digits, `-`, not at either end
//! of a label, at most 63 characters each) whose last label is not all digits; at most 64
//! characters before the `@` and 254 in all (RFC 5321).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest address SMTP carries (RFC 5321 section 4.5.3.1.3, less the angle brackets).
pub const ADDRESS_MAX_LEN: usize = 254;
/// The longest local part (RFC 5321 section 4.5.3.1.1).
pub const LOCAL_PART_MAX_LEN: usize = 64;
/// The longest domain name (RFC 1035: 253 characters as text).
pub const DOMAIN_MAX_LEN: usize = 253;

/// Why a text is not an address or a domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {what}: {why}")]
pub struct EmailError {
    text: String,
    what: &'static str,
    why: &'static str,
}

/// An email address: `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(Arc<str>);

/// A mail domain: `example.com`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailDomain(Arc<str>);

/// What an SES identity may be: a verified address, or a verified domain (any address of it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SesIdentity {
    Address(EmailAddress),
    Domain(MailDomain),
}

impl EmailAddress {
    /// Validates an address.
    pub fn new(text: &str) -> Result<Self, EmailError> {
        let err = |why| EmailError {
            text: text.to_owned(),
            what: "an email address",
            why,
        };
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err(err("it has no `@`"));
        };
        if local.contains('@') {
            return Err(err("it has more than one `@`"));
        }
        if text.len() > ADDRESS_MAX_LEN {
            return Err(err("it is longer than 254 characters"));
        }
        local_part(local).map_err(err)?;
        domain_name(domain).map_err(err)?;
        Ok(Self(Arc::from(text)))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain after the `@`.
    pub fn domain(&self) -> MailDomain {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        MailDomain(Arc::from(domain))
    }
}

impl MailDomain {
    /// Validates a domain.
    pub fn new(text: &str) -> Result<Self, EmailError> {
        domain_name(text).map_err(|why| EmailError {
            text: text.to_owned(),
            what: "a mail domain",
            why,
        })?;
        Ok(Self(Arc::from(text)))
    }

    /// The domain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl SesIdentity {
    /// An address if the text has an `@`, else a domain.
    pub fn new(text: &str) -> Result<Self, EmailError> {
        if text.contains('@') {
            EmailAddress::new(text).map(Self::Address)
        } else {
            MailDomain::new(text).map(Self::Domain)
        }
    }

    /// The identity as SES names it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Address(a) => a.as_str(),
            Self::Domain(d) => d.as_str(),
        }
    }
}

fn local_part(local: &str) -> Result<(), &'static str> {
    if local.is_empty() {
        return Err("nothing comes before the `@`");
    }
    if local.len() > LOCAL_PART_MAX_LEN {
        return Err("the part before the `@` is longer than 64 characters");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("a `.` before the `@` must sit between other characters");
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    if !local.chars().all(atext) {
        return Err(
            "the part before the `@` may only hold letters, digits and !#$%&'*+-/=?^_`{|}~.",
        );
    }
    Ok(())
}

fn domain_name(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("it has no domain");
    }
    if domain.len() > DOMAIN_MAX_LEN {
        return Err("the domain is longer than 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err("the domain has an empty label (`..`, or a `.` at an end)");
        }
        if label.len() > 63 {
            return Err("a label of the domain is longer than 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("the domain may only hold letters, digits, `-` and `.`");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label of the domain starts or ends with `-`");
        }
    }
    if labels.len() < 2 {
        return Err("the domain needs a dot (`example.com`)");
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("the last label of the domain is a number");
    }
    Ok(())
}

macro_rules! text_newtype {
    ($name:ident, $schema:literal, $description:literal) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = EmailError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": $description,
                    "type": "string",
                    "pattern": schema_pattern($schema),
                    "maxLength": ADDRESS_MAX_LEN,
                })
            }
        }
    };
}

const LABEL: &str = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const TLD: &str = "(?:[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*)";
const ATEXT: &str = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";

/// The JSON Schema pattern of one of the three types: the parsers' rules, less the length rules
/// per part, which only the parsers check.
fn schema_pattern(name: &str) -> String {
    let domain = format!("(?:{LABEL}\\.)+{TLD}");
    match name {
        "EmailAddress" => format!("^{ATEXT}(?:\\.{ATEXT})*@{domain}$"),
        "MailDomain" => format!("^{domain}$"),
        _ => format!("^(?:{ATEXT}(?:\\.{ATEXT})*@)?{domain}$"),
    }
}

text_newtype!(
    EmailAddress,
    "EmailAddress",
    "An email address (`local@example.com`): no quoted local part, a domain with a dot."
);
text_newtype!(MailDomain, "MailDomain", "A mail domain (`example.com`).");
text_newtype!(
    SesIdentity,
    "SesIdentity",
    "An SES identity: an email address (`sender@example.com`) or a domain (`example.com`)."
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn addresses() {
        for ok in [
            "a@b.co",
            "oncall@example.com",
            "first.last+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "x@xn--bcher-kva.example",
            "a@1.example",
        ] {
            assert!(EmailAddress::new(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("a@@b.c", "more than one `@`"),
            ("ab.c", "no `@`"),
            ("@b.c", "nothing comes before"),
            ("a@b", "needs a dot"),
            ("a@b.", "empty label"),
            ("a@.b.c", "empty label"),
            ("a.@b.c", "between other characters"),
            ("a..b@c.d", "between other characters"),
            ("a b@c.d", "may only hold"),
            ("a@b_c.d", "may only hold"),
            ("a@-b.c", "starts or ends"),
            ("a@b.123", "is a number"),
            ("\"a\"@b.c", "may only hold"),
        ] {
            let e = EmailAddress::new(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::new(&long).is_err());
    }

    #[test]
    fn identities() {
        assert_eq!(
            SesIdentity::new("example.com"),
            Ok(SesIdentity::Domain(MailDomain::new("example.com").unwrap()))
        );
        let a = EmailAddress::new("me@example.com").unwrap();
        assert_eq!(a.domain().as_str(), "example.com");
        assert!(SesIdentity::new("exa mple.com").is_err());
    }
}

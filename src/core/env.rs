//! Deployment environments: an account and region, or environment-agnostic.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a stack deploys. Leave both unset for an environment-agnostic stack (the account and
/// region are those of the credentials `cdk deploy` runs with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[serde(expecting = "a map with `account` and `region` (`{}` for none)")]
pub struct Environment {
    /// The 12-digit AWS account ID. Default: the deploying credentials' account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// The region, e.g. `eu-west-1`. Default: the deploying credentials' region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

impl Environment {
    /// An environment-agnostic stack.
    pub fn agnostic() -> Self {
        Self::default()
    }

    /// The cloud assembly form: `aws://<account|unknown-account>/<region|unknown-region>`.
    pub fn to_assembly_uri(&self) -> String {
        format!(
            "aws://{}/{}",
            self.account
                .as_ref()
                .map_or("unknown-account", |a| a.0.as_str()),
            self.region
                .as_ref()
                .map_or("unknown-region", |r| r.0.as_str())
        )
    }
}

/// Why an account or region was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvError {
    #[error("account `{0}` is not a 12-digit AWS account ID")]
    Account(String),
    #[error("region `{0}` is not a region name like `eu-west-1` or `eusc-de-east-1`")]
    Region(String),
}

/// A 12-digit AWS account ID. Written as a string or, in YAML and JSON alike, as a number
/// (`account: 123456789012`); an ID that starts with 0 must be quoted (a number loses the zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountId(String);

/// The schema's pattern of a region name (see [`Region::new`]).
pub const REGION_PATTERN: &str = "^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$";

impl AccountId {
    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Validates an account ID.
    pub fn new(s: &str) -> Result<Self, EnvError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(EnvError::Account(s.to_owned()))
        }
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AccountVisitor)
    }
}

/// Reads an account ID from a string or a whole number.
struct AccountVisitor;

impl AccountVisitor {
    fn number<E: serde::de::Error>(n: u64) -> Result<AccountId, E> {
        AccountId::new(&n.to_string()).map_err(|e| {
            E::custom(format!(
                "{e} (written as a number, an ID that starts with 0 loses the zero: quote it)"
            ))
        })
    }
}

impl serde::de::Visitor<'_> for AccountVisitor {
    type Value = AccountId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 12-digit AWS account ID")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AccountId, E> {
        AccountId::new(v).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AccountId, E> {
        Self::number(v)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<AccountId, E> {
        // A whole number written with a fraction or an exponent is one, as JSON Schema has it.
        if v.fract() == 0.0 && (0.0..1e15).contains(&v) {
            return Self::number(v as u64);
        }
        Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
    }
}

impl JsonSchema for AccountId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AccountId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A 12-digit AWS account ID: a string, or a number (an ID that starts with 0 must be quoted).",
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]{12}$"},
                {"type": "integer", "minimum": 100_000_000_000_u64, "maximum": 999_999_999_999_u64}
            ]
        })
    }
}

/// An AWS region name, in any partition: `eu-west-1`, `us-gov-west-1`, `cn-north-1`,
/// `us-isob-east-1`, `eusc-de-east-1` (the AWS European Sovereign Cloud).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region(String);

impl Region {
    /// Validates a region name by its shape, which every partition's region names share (so new
    /// regions keep working): a geography of 2 to 4 letters (`us`, `eu`, `cn`, `eusc`), one or
    /// more words of lowercase letters (`gov`, `isob`, `south`, `east`), and a number of 1 or 2
    /// digits, joined by `-` ([`REGION_PATTERN`]).
    pub fn new(s: &str) -> Result<Self, EnvError> {
        let parts: Vec<&str> = s.split('-').collect();
        let letters = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
        let ok = match parts.as_slice() {
            [geography, words @ .., number] if !words.is_empty() => {
                (2..=4).contains(&geography.len())
                    && letters(geography)
                    && words.iter().all(letters)
                    && (1..=2).contains(&number.len())
                    && number.bytes().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(EnvError::Region(s.to_owned()))
        }
    }
}

/// The regions tributary knows by name: every region cfn-lint has schemas for (a test holds
/// the list to cfn-lint's), and `me-south-1`. A region outside it is taken (AWS opens new ones)
/// with a warning, since it is more likely a misspelling.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

impl Region {
    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why this region deserves a second look (not one [`KNOWN_REGIONS`] names), or `None`.
    pub fn unknown(&self) -> Option<String> {
        if KNOWN_REGIONS.contains(&self.0.as_str()) {
            return None;
        }
        let hint = super::suggest::closest(&self.0, KNOWN_REGIONS.iter().copied())
            .map(|r| format!(" (did you mean `{r}`?)"))
            .unwrap_or_default();
        Some(format!(
            "env.region: `{}` is not a region tributary knows{hint}; a region opened since works, but check the spelling",
            self.0
        ))
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Region {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Region".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An AWS region name, in any partition: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`.",
            "type": "string",
            "pattern": REGION_PATTERN
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_assembly_uri())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accounts_and_regions() {
        assert!(AccountId::new("123456789012").is_ok());
        assert!(AccountId::new("12345678901").is_err());
        assert!(AccountId::new("12345678901a").is_err());
        assert!(Region::new("eu-west-1").is_ok());
        assert!(Region::new("us-gov-west-1").is_ok());
        assert!(Region::new("eu-west").is_err());
        assert!(Region::new("EU-west-1").is_err());
        for valid in [
            "eusc-de-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "ap-southeast-7",
            "us-east-99",
        ] {
            assert!(Region::new(valid).is_ok(), "{valid}");
        }
        for invalid in [
            "e-west-1",
            "europe-west-1",
            "eu-west-100",
            "eu--west-1",
            "eu-west-1a",
            "eu-1",
        ] {
            assert!(Region::new(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn assembly_uri() {
        assert_eq!(
            Environment::agnostic().to_assembly_uri(),
            "aws://unknown-account/unknown-region"
        );
        let env = Environment {
            account: Some(AccountId::new("123456789012").unwrap()),
            region: Some(Region::new("eu-west-1").unwrap()),
        };
        assert_eq!(env.to_assembly_uri(), "aws://123456789012/eu-west-1");
    }
}

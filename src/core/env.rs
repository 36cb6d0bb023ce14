//! Deployment environments: an account and region, or environment-agnostic.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a stack deploys. Leave both unset for an environment-agnostic stack (the account and
/// region are those of the credentials `cdk deploy` runs with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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
    #[error("region `{0}` is not a region name like `eu-west-1`")]
    Region(String),
}

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct AccountId(#[schemars(regex(pattern = r"^[0-9]{12}$"))] String);

impl AccountId {
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
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// An AWS region name such as `eu-west-1` or `us-gov-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct Region(#[schemars(regex(pattern = r"^[a-z]{2}(-[a-z]+)+-[0-9]$"))] String);

impl Region {
    /// Validates a region name (shape only: new regions keep working).
    pub fn new(s: &str) -> Result<Self, EnvError> {
        let parts: Vec<&str> = s.split('-').collect();
        let ok = parts.len() >= 3
            && parts[0].len() == 2
            && parts.iter().all(|p| !p.is_empty())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(EnvError::Region(s.to_owned()))
        }
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
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

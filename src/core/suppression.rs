//! Suppressions: a policy rule (or a checkov check) knowingly switched off for one construct and
//! everything under it, with the reason kept in the template for reviewers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The shortest reason a suppression takes, in characters (spaces around it not counted): a few
/// words for reviewers.
pub const MIN_REASON_CHARS: usize = 10;

/// One rule switched off, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a map with `rule` and `reason`")]
pub struct Suppression {
    /// The rule: a tributary policy rule by id or name (`TRB001`, `no-on-failure-destination`;
    /// `tributary validate --rules` lists them) or a checkov check id (`CKV_AWS_117`).
    pub rule: String,
    /// Why the rule does not apply here: recorded in the template's metadata. Required, at least
    /// a few words (10 characters).
    #[schemars(regex(pattern = r"^\s*\S[\s\S]{8,}\S\s*$"))]
    pub reason: String,
}

impl Suppression {
    /// Switches `rule` off, for `reason`.
    pub fn new(rule: &str, reason: &str) -> Self {
        Self {
            rule: rule.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

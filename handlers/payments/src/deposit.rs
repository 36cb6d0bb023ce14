//! A deposit and the states it can take.

use std::fmt;
use std::ops::RangeInclusive;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The characters of an identifier (a regular expression over the whole id).
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";
/// An ISO 4217 currency code.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";
/// Accepted deposits, in the currency's minor unit.
pub const AMOUNT_CENTS: RangeInclusive<u32> = 1..=100_000;

/// The deposit held for a reservation, as stored (one table item, attributes in camelCase) and as
/// carried by every business event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deposit {
    /// Unique id of the deposit (the table's partition key): 1..=64 characters of
    /// `[A-Za-z0-9_-]`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub deposit_id: String,
    /// The reservation the deposit holds a table for.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub reservation_id: String,
    /// The amount, in the currency's minor unit (cents), 1..=100000.
    #[schemars(range(min = 1, max = 100_000))]
    pub amount_cents: u32,
    /// The ISO 4217 currency code, e.g. `EUR`.
    #[schemars(regex(pattern = CURRENCY_PATTERN))]
    pub currency: String,
    /// Where the deposit is in its life.
    pub status: DepositStatus,
}

/// The life of a deposit: it starts held; the restaurant captures it (a no-show) or it is
/// released (the diner came, or cancelled in time). Captured and released are final.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DepositStatus {
    /// Authorized on the diner's card, not charged.
    Held,
    /// Charged: the diner did not come.
    Captured,
    /// Given back: the authorization was voided.
    Released,
}

impl DepositStatus {
    /// Whether a deposit in this status may change to `next`.
    pub fn can_become(self, next: Self) -> bool {
        self == Self::Held && next != Self::Held
    }

    /// Whether nothing can happen to the deposit any more.
    pub fn is_final(self) -> bool {
        self != Self::Held
    }
}

impl fmt::Display for DepositStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Held => "HELD",
            Self::Captured => "CAPTURED",
            Self::Released => "RELEASED",
        })
    }
}

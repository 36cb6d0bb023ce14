//! A reservation and the states it can take.

use std::fmt;
use std::ops::RangeInclusive;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Length range (in characters) of an identifier.
pub const ID_LEN: RangeInclusive<usize> = 1..=64;
/// The characters of an identifier (a regular expression over the whole id).
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";
/// Length range (in characters, after trimming) of a customer name.
pub const CUSTOMER_NAME_LEN: RangeInclusive<usize> = 1..=100;
/// Allowed party sizes.
pub const PARTY_SIZE: RangeInclusive<u8> = 1..=20;
/// Longest accepted `time` string (an RFC 3339 date-time with nanoseconds and an offset is 35).
pub const TIME_MAX_LEN: usize = 40;

/// A table reservation at a restaurant, as stored (one table item, attributes in camelCase) and as
/// carried by every business event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    /// Unique id of the reservation (the table's partition key): 1..=64 characters of
    /// `[A-Za-z0-9_-]`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub reservation_id: String,
    /// The restaurant the table is reserved at: 1..=64 characters of `[A-Za-z0-9_-]`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub restaurant_id: String,
    /// The customer's name, 1..=100 characters.
    #[schemars(length(min = 1, max = 100))]
    pub customer_name: String,
    /// How many guests, 1..=20.
    #[schemars(range(min = 1, max = 20))]
    pub party_size: u8,
    /// When the table is reserved for: an RFC 3339 date-time with the restaurant's offset.
    #[schemars(extend("format" = "date-time"))]
    pub time: String,
    /// Where the reservation is in its life.
    pub status: Status,
    /// When the reservation was received: an RFC 3339 date-time in UTC.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
}

/// The life of a reservation: it starts pending; the restaurant confirms or declines
/// it; a pending or confirmed reservation can be cancelled.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Received, waiting for the restaurant.
    Pending,
    /// The restaurant accepted it.
    Confirmed,
    /// The restaurant turned it down.
    Declined,
    /// Called off (by the customer or the restaurant), or deleted from the table.
    Cancelled,
}

impl Status {
    /// The name used in the table and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Confirmed => "CONFIRMED",
            Status::Declined => "DECLINED",
            Status::Cancelled => "CANCELLED",
        }
    }

    /// Whether nothing can happen to a reservation in this state any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Declined | Status::Cancelled)
    }

    /// Whether a reservation may go from `self` to `next` (staying put is not a transition).
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Pending, Confirmed | Declined | Cancelled) | (Confirmed, Cancelled)
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn statuses_serialize_as_their_names() {
        for status in [
            Status::Pending,
            Status::Confirmed,
            Status::Declined,
            Status::Cancelled,
        ] {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
    }

    #[test]
    fn only_forward_transitions_are_allowed() {
        use Status::*;
        assert!(Pending.can_become(Confirmed));
        assert!(Confirmed.can_become(Cancelled));
        assert!(!Confirmed.can_become(Pending));
        assert!(!Declined.can_become(Cancelled));
        assert!(!Pending.can_become(Pending));
        assert!(Declined.is_final() && Cancelled.is_final() && !Confirmed.is_final());
    }
}

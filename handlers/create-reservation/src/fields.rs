//! The validated field types of a reservation: each parses from raw input once, so an invalid value cannot exist.

use std::fmt;
use std::str::FromStr;

use tributary_runtime::api::fields::is_rfc3339;

pub use reservations::{CUSTOMER_NAME_LEN, ID_LEN, PARTY_SIZE, TIME_MAX_LEN};

/// An identifier: 1..=64 characters of `[A-Za-z0-9_-]`.
fn check_id(s: &str) -> Result<(), String> {
    let len = s.chars().count();
    if !ID_LEN.contains(&len) {
        return Err(format!(
            "must be {}..={} characters long",
            ID_LEN.start(),
            ID_LEN.end()
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("may contain only letters, digits, '-' and '_'".to_owned());
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                check_id(s).map(|()| Self(s.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// The table's partition key: client-supplied or generated, see [`ID_LEN`].
    ReservationId
);
id_type!(
    /// The restaurant the reservation is for, see [`ID_LEN`].
    RestaurantId
);

/// The customer's name, trimmed, 1..=100 characters without control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerName(String);

impl CustomerName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CustomerName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !CUSTOMER_NAME_LEN.contains(&s.chars().count()) {
            return Err(format!(
                "must be {}..={} characters long (after trimming)",
                CUSTOMER_NAME_LEN.start(),
                CUSTOMER_NAME_LEN.end()
            ));
        }
        if s.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        Ok(Self(s.to_owned()))
    }
}

/// Number of guests, see [`PARTY_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartySize(u8);

impl PartySize {
    pub fn get(self) -> u8 {
        self.0
    }

    /// What a valid party size is, for error messages.
    pub fn expected() -> String {
        format!(
            "must be an integer in {}..={}",
            PARTY_SIZE.start(),
            PARTY_SIZE.end()
        )
    }
}

impl TryFrom<u64> for PartySize {
    type Error = String;
    fn try_from(n: u64) -> Result<Self, String> {
        u8::try_from(n)
            .ok()
            .filter(|n| PARTY_SIZE.contains(n))
            .map(Self)
            .ok_or_else(Self::expected)
    }
}

/// A JSON number: only a non-negative integer (no `4.0`) in range is a party size.
impl TryFrom<&serde_json::Number> for PartySize {
    type Error = String;
    fn try_from(n: &serde_json::Number) -> Result<Self, String> {
        n.as_u64()
            .ok_or_else(Self::expected)
            .and_then(Self::try_from)
    }
}

/// When the reservation is for: an RFC 3339 date-time (offsets allowed), kept as the client wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationTime(String);

impl ReservationTime {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ReservationTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        const MESSAGE: &str = "must be an RFC 3339 date-time, e.g. 2026-03-01T19:30:00+01:00";
        if s.len() > TIME_MAX_LEN {
            return Err(MESSAGE.to_owned());
        }
        if is_rfc3339(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(MESSAGE.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ids_accept_the_safe_alphabet_only() {
        assert!("r-1_A".parse::<ReservationId>().is_ok());
        assert!("".parse::<ReservationId>().is_err());
        assert!("a b".parse::<RestaurantId>().is_err());
        assert!("x".repeat(65).parse::<RestaurantId>().is_err());
        assert!("x".repeat(64).parse::<RestaurantId>().is_ok());
    }

    #[test]
    fn party_size_bounds_come_from_the_const() {
        assert!(PartySize::try_from(u64::from(*PARTY_SIZE.start())).is_ok());
        assert!(PartySize::try_from(u64::from(*PARTY_SIZE.end())).is_ok());
        assert!(PartySize::try_from(0).is_err());
        assert!(PartySize::try_from(21).is_err());
        assert!(PartySize::try_from(256 + 4).is_err());
        let float: serde_json::Number = serde_json::from_str("4.0").unwrap();
        assert!(PartySize::try_from(&float).is_err());
        let negative: serde_json::Number = serde_json::from_str("-4").unwrap();
        assert!(PartySize::try_from(&negative).is_err());
    }

    #[test]
    fn customer_names_are_trimmed() {
        assert_eq!(" Ada ".parse::<CustomerName>().unwrap().as_str(), "Ada");
        assert!("   ".parse::<CustomerName>().is_err());
        assert!("A\u{7}da".parse::<CustomerName>().is_err());
    }

    #[test]
    fn times_are_rfc3339_with_or_without_offset() {
        assert!("2026-03-01T19:30:00Z".parse::<ReservationTime>().is_ok());
        assert!(
            "2026-03-01T19:30:00.5+01:00"
                .parse::<ReservationTime>()
                .is_ok()
        );
        assert!("2026-03-01 19:30".parse::<ReservationTime>().is_err());
        assert!("tomorrow".parse::<ReservationTime>().is_err());
    }
}

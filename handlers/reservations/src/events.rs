//! The business events of the reservations service: `source`, `detail-type`s and detail shapes.
//!
//! Every event's detail carries the whole [`Reservation`] as it is after the change, so a consumer
//! never needs to read the table. State changes also carry the status the reservation had before.
//! Consumers ignore fields they do not know: new fields may be added, none are removed or renamed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Reservation, Status};

pub use tributary_runtime::contract::{BusinessEvent, Contract, Visitor};

/// The reservations service as an event source: its `source` and every event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservations;

impl Contract for Reservations {
    const SOURCE: &'static str = "reservations";

    fn for_each(visitor: &mut impl Visitor) {
        visitor.visit::<ReservationCreated>();
        visitor.visit::<ReservationConfirmed>();
        visitor.visit::<ReservationDeclined>();
        visitor.visit::<ReservationCancelled>();
    }
}

/// `source` of every event the reservations service publishes.
pub const SOURCE: &str = Reservations::SOURCE;

/// The `detail-type` of every event, in [`Reservations::for_each`]'s order.
pub const DETAIL_TYPES: [&str; 4] = [
    ReservationCreated::DETAIL_TYPE,
    ReservationConfirmed::DETAIL_TYPE,
    ReservationDeclined::DETAIL_TYPE,
    ReservationCancelled::DETAIL_TYPE,
];

/// A reservation was received; it is pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReservationCreated {
    /// The new reservation.
    pub reservation: Reservation,
}

impl BusinessEvent for ReservationCreated {
    type Contract = Reservations;
    const DETAIL_TYPE: &'static str = "ReservationCreated";
    const DESCRIPTION: &'static str = "A reservation was received and is pending.";
}

/// Declares a state-change event: the reservation after the change and the status it had before.
macro_rules! status_event {
    ($(#[$doc:meta])* $name:ident, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The reservation after the change.
            pub reservation: Reservation,
            /// The status it had before.
            pub previous_status: Status,
        }

        impl BusinessEvent for $name {
            type Contract = Reservations;
            const DETAIL_TYPE: &'static str = stringify!($name);
            const DESCRIPTION: &'static str = $description;
        }
    };
}

status_event!(
    /// The restaurant confirmed a pending reservation.
    ReservationConfirmed,
    "The restaurant confirmed a pending reservation."
);
status_event!(
    /// The restaurant declined a pending reservation.
    ReservationDeclined,
    "The restaurant declined a pending reservation."
);
status_event!(
    /// A pending or confirmed reservation was cancelled, or deleted from the table.
    ReservationCancelled,
    "A pending or confirmed reservation was cancelled (or deleted)."
);

/// Any event of [`SOURCE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReservationEvent {
    Created(ReservationCreated),
    Confirmed(ReservationConfirmed),
    Declined(ReservationDeclined),
    Cancelled(ReservationCancelled),
}

impl ReservationEvent {
    /// The event announcing that `reservation` went from `previous` to its current status, or
    /// `None` when that is not an allowed transition (see [`Status::can_become`]).
    pub fn transition(previous: Status, reservation: Reservation) -> Option<Self> {
        if !previous.can_become(reservation.status) {
            return None;
        }
        let previous_status = previous;
        Some(match reservation.status {
            Status::Pending => return None,
            Status::Confirmed => Self::Confirmed(ReservationConfirmed {
                reservation,
                previous_status,
            }),
            Status::Declined => Self::Declined(ReservationDeclined {
                reservation,
                previous_status,
            }),
            Status::Cancelled => Self::Cancelled(ReservationCancelled {
                reservation,
                previous_status,
            }),
        })
    }

    /// The `detail-type` it is published under.
    pub fn detail_type(&self) -> &'static str {
        match self {
            Self::Created(_) => ReservationCreated::DETAIL_TYPE,
            Self::Confirmed(_) => ReservationConfirmed::DETAIL_TYPE,
            Self::Declined(_) => ReservationDeclined::DETAIL_TYPE,
            Self::Cancelled(_) => ReservationCancelled::DETAIL_TYPE,
        }
    }

    /// The reservation the event is about.
    pub fn reservation(&self) -> &Reservation {
        match self {
            Self::Created(e) => &e.reservation,
            Self::Confirmed(e) => &e.reservation,
            Self::Declined(e) => &e.reservation,
            Self::Cancelled(e) => &e.reservation,
        }
    }

    /// The detail as JSON.
    pub fn detail_json(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::Created(e) => serde_json::to_string(e),
            Self::Confirmed(e) => serde_json::to_string(e),
            Self::Declined(e) => serde_json::to_string(e),
            Self::Cancelled(e) => serde_json::to_string(e),
        }
    }

    /// Parses a detail published under `detail_type`.
    pub fn from_detail(detail_type: &str, detail: serde_json::Value) -> Result<Self, EventError> {
        fn parse<E: BusinessEvent>(detail: serde_json::Value) -> Result<E, EventError> {
            serde_json::from_value(detail).map_err(|e| EventError::Detail {
                detail_type: E::DETAIL_TYPE,
                message: e.to_string(),
            })
        }
        match detail_type {
            ReservationCreated::DETAIL_TYPE => parse(detail).map(Self::Created),
            ReservationConfirmed::DETAIL_TYPE => parse(detail).map(Self::Confirmed),
            ReservationDeclined::DETAIL_TYPE => parse(detail).map(Self::Declined),
            ReservationCancelled::DETAIL_TYPE => parse(detail).map(Self::Cancelled),
            other => Err(EventError::UnknownDetailType(other.to_owned())),
        }
    }
}

/// Why a detail is not a [`ReservationEvent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventError {
    UnknownDetailType(String),
    Detail {
        detail_type: &'static str,
        message: String,
    },
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownDetailType(t) => write!(
                f,
                "unknown detail-type {t:?} (expected one of {})",
                DETAIL_TYPES.join(", ")
            ),
            Self::Detail {
                detail_type,
                message,
            } => write!(f, "the detail is not a {detail_type}: {message}"),
        }
    }
}

impl std::error::Error for EventError {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use serde_json::json;

    use super::*;

    fn reservation(status: Status) -> Reservation {
        Reservation {
            reservation_id: "res-0001".into(),
            restaurant_id: "trattoria-42".into(),
            customer_name: "Ada Lovelace".into(),
            party_size: 4,
            time: "2026-03-14T19:30:00+01:00".into(),
            status,
            created_at: "2026-03-01T18:40:00Z".into(),
        }
    }

    #[test]
    fn details_round_trip_under_their_detail_type() {
        let events = [
            ReservationEvent::Created(ReservationCreated {
                reservation: reservation(Status::Pending),
            }),
            ReservationEvent::transition(Status::Pending, reservation(Status::Confirmed)).unwrap(),
            ReservationEvent::transition(Status::Pending, reservation(Status::Declined)).unwrap(),
            ReservationEvent::transition(Status::Confirmed, reservation(Status::Cancelled))
                .unwrap(),
        ];
        let types: Vec<_> = events.iter().map(ReservationEvent::detail_type).collect();
        assert_eq!(types, DETAIL_TYPES);
        for event in events {
            let detail: serde_json::Value =
                serde_json::from_str(&event.detail_json().unwrap()).unwrap();
            assert_eq!(
                ReservationEvent::from_detail(event.detail_type(), detail).unwrap(),
                event
            );
        }
    }

    #[test]
    fn a_status_change_carries_the_previous_status() {
        let event =
            ReservationEvent::transition(Status::Pending, reservation(Status::Confirmed)).unwrap();
        let detail: serde_json::Value =
            serde_json::from_str(&event.detail_json().unwrap()).unwrap();
        assert_eq!(detail["previousStatus"], "PENDING");
        assert_eq!(detail["reservation"]["status"], "CONFIRMED");
        assert_eq!(detail["reservation"]["partySize"], 4);
    }

    #[test]
    fn backward_transitions_are_not_events() {
        assert!(
            ReservationEvent::transition(Status::Confirmed, reservation(Status::Pending)).is_none()
        );
        assert!(
            ReservationEvent::transition(Status::Cancelled, reservation(Status::Confirmed))
                .is_none()
        );
    }

    #[test]
    fn unknown_detail_types_and_bad_details_are_errors() {
        let error = ReservationEvent::from_detail("ReservationMoved", json!({})).unwrap_err();
        assert!(error.to_string().contains("ReservationCreated"), "{error}");
        let error =
            ReservationEvent::from_detail("ReservationCreated", json!({ "reservation": 1 }))
                .unwrap_err();
        assert!(matches!(error, EventError::Detail { .. }), "{error}");
    }

    #[test]
    fn visitor_sees_every_detail_type_in_order() {
        struct Names(Vec<&'static str>);
        impl Visitor for Names {
            fn visit<E: BusinessEvent>(&mut self) {
                self.0.push(E::DETAIL_TYPE);
            }
        }
        let mut names = Names(Vec::new());
        Reservations::for_each(&mut names);
        assert_eq!(names.0, DETAIL_TYPES);
    }

    #[test]
    fn the_contract_file_is_current() {
        // TRIBUTARY_UPDATE_CONTRACTS=1 cargo test -p reservations rewrites it.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/contract.json");
        if let Err(e) = tributary_runtime::contract::sync_file::<Reservations>(path) {
            panic!("{e}");
        }
    }
}

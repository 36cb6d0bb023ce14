//! The business events this service publishes: their source, detail-types and detail shapes.

use serde::Serialize;

use crate::reservation::Reservation;

/// `source` of every event published here.
pub const SOURCE: &str = "reservations";
/// detail-type of a new reservation; detail = the reservation.
pub const DETAIL_TYPE_CREATED: &str = "ReservationCreated";
/// detail-type of a status change; detail = the reservation + `previousStatus`.
pub const DETAIL_TYPE_STATUS_CHANGED: &str = "ReservationStatusChanged";
/// detail-type of a deleted (or expired) reservation; detail = the reservation as it was.
pub const DETAIL_TYPE_REMOVED: &str = "ReservationRemoved";

/// What happened to a reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReservationEvent {
    Created(Reservation),
    StatusChanged {
        reservation: Reservation,
        previous_status: String,
    },
    Removed(Reservation),
}

/// One PutEvents entry, without the bus (the [`crate::bus::Bus`] knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub source: &'static str,
    pub detail_type: &'static str,
    /// JSON.
    pub detail: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusChangedDetail<'a> {
    #[serde(flatten)]
    reservation: &'a Reservation,
    previous_status: &'a str,
}

impl ReservationEvent {
    pub fn detail_type(&self) -> &'static str {
        match self {
            Self::Created(_) => DETAIL_TYPE_CREATED,
            Self::StatusChanged { .. } => DETAIL_TYPE_STATUS_CHANGED,
            Self::Removed(_) => DETAIL_TYPE_REMOVED,
        }
    }

    pub fn to_entry(&self) -> Result<Entry, serde_json::Error> {
        let detail = match self {
            Self::Created(reservation) | Self::Removed(reservation) => {
                serde_json::to_string(reservation)?
            }
            Self::StatusChanged {
                reservation,
                previous_status,
            } => serde_json::to_string(&StatusChangedDetail {
                reservation,
                previous_status,
            })?,
        };
        Ok(Entry {
            source: SOURCE,
            detail_type: self.detail_type(),
            detail,
        })
    }
}

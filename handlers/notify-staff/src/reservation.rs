//! The `ReservationCreated` event as this target reads it: source, detail-type and the detail's reservation.

use serde::Deserialize;

/// `source` of the events this target accepts.
pub const SOURCE: &str = "reservations";
/// detail-type of the events this target accepts.
pub const DETAIL_TYPE_CREATED: &str = "ReservationCreated";

/// The detail of a `ReservationCreated` event (fields added later by the publisher are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    pub reservation_id: String,
    pub restaurant_id: String,
    pub customer_name: String,
    pub party_size: u8,
    pub time: String,
    pub status: String,
    pub created_at: String,
}

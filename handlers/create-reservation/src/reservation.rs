//! A reservation as stored in the table and returned to the client (one shape, camelCase, for both).

use serde::Serialize;

use crate::fields::{CustomerName, PartySize, ReservationId, ReservationTime, RestaurantId};
use crate::request::NewReservation;

/// The status every new reservation starts in.
pub const STATUS_PENDING: &str = "PENDING";

/// A reservation ready to be written: every field validated, id and creation time decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    pub reservation_id: ReservationId,
    pub restaurant_id: RestaurantId,
    pub customer_name: CustomerName,
    pub party_size: PartySize,
    pub time: ReservationTime,
    pub status: &'static str,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl Reservation {
    /// A [`STATUS_PENDING`] reservation from a validated request.
    pub fn pending(request: NewReservation, id: ReservationId, created_at: String) -> Self {
        Self {
            reservation_id: id,
            restaurant_id: request.restaurant_id,
            customer_name: request.customer_name,
            party_size: request.party_size,
            time: request.time,
            status: STATUS_PENDING,
            created_at,
        }
    }
}

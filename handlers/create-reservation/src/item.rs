//! The table item this handler writes: the [`Reservation`] (shared with the stream publisher,
//! which reads the same attributes) plus the idempotency key it was created under.

use reservations::{Reservation, Status};
use serde::{Deserialize, Serialize};

use crate::fields::ReservationId;
use crate::request::NewReservation;

/// One item of the reservations table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredReservation {
    #[serde(flatten)]
    pub reservation: Reservation,
    /// The `Idempotency-Key` header of the request that created it, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

impl StoredReservation {
    /// A [`Status::Pending`] reservation from a validated request.
    pub fn pending(
        request: NewReservation,
        id: ReservationId,
        idempotency_key: Option<String>,
        created_at: String,
    ) -> Self {
        Self {
            reservation: Reservation {
                reservation_id: id.as_str().to_owned(),
                restaurant_id: request.restaurant_id.as_str().to_owned(),
                customer_name: request.customer_name.as_str().to_owned(),
                party_size: request.party_size.get(),
                time: request.time.as_str().to_owned(),
                status: Status::Pending,
                created_at,
            },
            idempotency_key,
        }
    }

    /// Whether `self` was created by the same request as `other`: the same key and the same
    /// client-supplied fields. The status, and when it was received, may differ.
    pub fn same_request(&self, other: &Self) -> bool {
        let (a, b) = (&self.reservation, &other.reservation);
        self.idempotency_key == other.idempotency_key
            && a.reservation_id == b.reservation_id
            && a.restaurant_id == b.restaurant_id
            && a.customer_name == b.customer_name
            && a.party_size == b.party_size
            && a.time == b.time
    }
}

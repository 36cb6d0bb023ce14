//! The request body -> [`NewReservation`]: which fields there are and how each is checked (the
//! runtime library reports every bad one, unknown ones too).

use serde_json::Value;
use tributary_runtime::api::Fields;
use tributary_runtime::api::fields::string;

use crate::fields::{CustomerName, PartySize, ReservationId, ReservationTime, RestaurantId};

/// A valid `POST /reservations` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReservation {
    /// Client-supplied id (makes retries idempotent); derived or generated when absent.
    pub reservation_id: Option<ReservationId>,
    pub restaurant_id: RestaurantId,
    pub customer_name: CustomerName,
    pub party_size: PartySize,
    pub time: ReservationTime,
}

/// Takes and checks every field of the body; `None` when any is bad (each is in `fields`).
pub fn validate(fields: &mut Fields) -> Option<NewReservation> {
    let restaurant_id = fields.required("restaurantId", string::<RestaurantId>);
    let customer_name = fields.required("customerName", string::<CustomerName>);
    let party_size = fields.required("partySize", party_size);
    let time = fields.required("time", string::<ReservationTime>);
    let reservation_id = fields.optional("reservationId", string::<ReservationId>);
    Some(NewReservation {
        reservation_id,
        restaurant_id: restaurant_id?,
        customer_name: customer_name?,
        party_size: party_size?,
        time: time?,
    })
}

fn party_size(value: Value) -> Result<PartySize, String> {
    match value {
        Value::Number(n) => PartySize::try_from(&n),
        _ => Err(PartySize::expected()),
    }
}

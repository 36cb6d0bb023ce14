//! `create-reservation`: the HTTP API's `POST /reservations` handler.
//!
//! This crate is the reservation's half: which fields a request has and how each is checked
//! ([`request`], [`fields`]) and the item it becomes. The rest — JSON only, size limit, the id
//! (client-supplied, derived from the `Idempotency-Key` header, or generated), ONE conditional put,
//! the original reservation for a replay and 409 for a different request under the same key or
//! id, problem+json errors — is `tributary_runtime::api`.

pub mod fields;
pub mod request;
#[cfg(test)]
mod tests;

use reservations::{Reservation, Status};
use tributary_runtime::api::{Fields, NewItem, Resource};

use crate::request::NewReservation;

/// `POST /reservations`: a new [`Status::Pending`] reservation per request.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservationsApi;

impl Resource for ReservationsApi {
    const NAME: &'static str = "reservation";
    const ID_ATTRIBUTE: &'static str = "reservationId";
    type Request = NewReservation;
    type Item = Reservation;

    fn validate(&self, fields: &mut Fields) -> Option<NewReservation> {
        request::validate(fields)
    }

    fn client_id<'a>(&self, request: &'a NewReservation) -> Option<&'a str> {
        request.reservation_id.as_ref().map(|id| id.as_str())
    }

    fn item(&self, request: NewReservation, new: &NewItem) -> Reservation {
        Reservation {
            reservation_id: new.id.clone(),
            restaurant_id: request.restaurant_id.as_str().to_owned(),
            customer_name: request.customer_name.as_str().to_owned(),
            party_size: request.party_size.get(),
            time: request.time.as_str().to_owned(),
            status: Status::Pending,
            created_at: new.received_at.clone(),
        }
    }
}

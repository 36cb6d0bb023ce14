//! `notify-staff`: the EventBridge rule target that emails a restaurant's staff about a new
//! reservation.
//!
//! [`NotifyStaff`] hands each `ReservationCreated` to a [`Notifier`]; [`email::Email`] is what the
//! staff read; [`ses::SesNotifier`] sends it with SES v2. Checking and parsing the delivered
//! event (a malformed one is an error, so it is retried and kept by the async failure queue) is
//! `tributary_runtime::target`.

pub mod email;
pub mod ses;
#[cfg(test)]
mod tests;

use std::future::Future;

use reservations::Reservation;
use reservations::events::ReservationCreated;
use tributary_runtime::lambda::BoxError;
use tributary_runtime::target::{Delivered, Target};

/// The environment variable (set by the user in the spec) with the verified SES identity mail is
/// sent from.
pub const SENDER_ENV: &str = "SENDER_EMAIL";
/// The environment variable (set by the user in the spec) with the staff's address.
pub const RECIPIENT_ENV: &str = "STAFF_EMAIL";

/// Tells a restaurant's staff about a new reservation.
pub trait Notifier {
    fn notify(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<(), BoxError>> + Send;
}

/// The rule target: one notification per `ReservationCreated`.
#[derive(Debug, Clone)]
pub struct NotifyStaff<N>(pub N);

impl<N: Notifier> Target for NotifyStaff<N> {
    type Event = ReservationCreated;

    async fn handle(&self, event: Delivered<ReservationCreated>) -> Result<(), BoxError> {
        self.0.notify(&event.detail.reservation).await
    }
}

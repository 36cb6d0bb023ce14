//! `notify-staff`: the EventBridge rule target that emails a restaurant's staff about a new
//! reservation.
//!
//! [`handler::handle`] checks and parses the event and hands it to a [`Notifier`];
//! [`email::Email`] is what the staff read; [`ses::SesNotifier`] sends it with SES v2.

pub mod email;
pub mod handler;
pub mod ses;

use std::future::Future;

use reservations::Reservation;

/// The environment variable (set by the synthesizer) with the verified SES identity mail is sent from.
pub const SENDER_ENV: &str = "SENDER_EMAIL";
/// The environment variable (set by the synthesizer) with the staff's address.
pub const RECIPIENT_ENV: &str = "STAFF_EMAIL";

/// Tells a restaurant's staff about a new reservation.
pub trait Notifier {
    fn notify(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<(), lambda_runtime::Error>> + Send;
}

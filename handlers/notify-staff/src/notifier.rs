//! How staff are told about a reservation, as a trait so the channel can be swapped (email via SES comes later).

use std::future::Future;

use crate::reservation::Reservation;

/// Tells a restaurant's staff about a new reservation.
pub trait Notifier {
    fn notify(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<(), lambda_runtime::Error>> + Send;
}

/// Notifies by writing one structured log line (`notification = "reservation_created"`).
///
/// The customer's name is left out: logs are kept longer than a notification needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    async fn notify(&self, r: &Reservation) -> Result<(), lambda_runtime::Error> {
        tracing::info!(
            notification = "reservation_created",
            restaurant_id = %r.restaurant_id,
            reservation_id = %r.reservation_id,
            party_size = r.party_size,
            time = %r.time,
            status = %r.status,
            "new reservation for the restaurant's staff"
        );
        Ok(())
    }
}

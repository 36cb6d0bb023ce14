//! The SES v2-backed [`Notifier`]: one `SendEmail` per reservation, plain text.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use reservations::Reservation;
use tributary_runtime::lambda::BoxError;

use crate::Notifier;
use crate::email::Email;

/// Sends from one verified identity to one staff address.
#[derive(Debug, Clone)]
pub struct SesNotifier {
    client: Client,
    sender: String,
    recipient: String,
}

impl SesNotifier {
    /// Sends with `client` from `sender` (a verified identity) to `recipient`.
    pub fn new(client: Client, sender: String, recipient: String) -> Self {
        Self {
            client,
            sender,
            recipient,
        }
    }
}

fn utf8(text: String) -> Result<Content, BoxError> {
    Ok(Content::builder().data(text).charset("UTF-8").build()?)
}

impl Notifier for SesNotifier {
    async fn notify(&self, reservation: &Reservation) -> Result<(), BoxError> {
        let email = Email::new_reservation(reservation);
        let message = Message::builder()
            .subject(utf8(email.subject)?)
            .body(Body::builder().text(utf8(email.body)?).build())
            .build();
        let output = self
            .client
            .send_email()
            .from_email_address(&self.sender)
            .destination(Destination::builder().to_addresses(&self.recipient).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| format!("SES SendEmail failed: {}", DisplayErrorContext(e)))?;
        tracing::info!(
            notification = "reservation_created",
            reservation_id = %reservation.reservation_id,
            restaurant_id = %reservation.restaurant_id,
            message_id = output.message_id().unwrap_or_default(),
            "emailed the restaurant's staff"
        );
        Ok(())
    }
}

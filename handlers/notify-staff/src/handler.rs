//! One EventBridge event -> one notification. A malformed or unexpected event is an `Err`, so the rule
//! target's retry policy and dead-letter queue apply; nothing here panics.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde_json::Value;

use reservations::events::{BusinessEvent, ReservationCreated, SOURCE};

use crate::Notifier;

const DETAIL_TYPE_CREATED: &str = ReservationCreated::DETAIL_TYPE;

/// Parses a `ReservationCreated` event and notifies the restaurant.
pub async fn handle<N: Notifier>(notifier: &N, event: Value) -> Result<(), lambda_runtime::Error> {
    let event: EventBridgeEvent<Value> =
        serde_json::from_value(event).map_err(|e| format!("not an EventBridge event: {e}"))?;
    if event.source != SOURCE || event.detail_type != DETAIL_TYPE_CREATED {
        return Err(format!(
            "unexpected event {:?}/{:?} (id {:?}): this target handles {SOURCE}/{DETAIL_TYPE_CREATED}",
            event.source, event.detail_type, event.id
        )
        .into());
    }
    let created: ReservationCreated = serde_json::from_value(event.detail).map_err(|e| {
        format!(
            "event {:?}: the detail is not a {DETAIL_TYPE_CREATED}: {e}",
            event.id
        )
    })?;
    notifier.notify(&created.reservation).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::Mutex;

    use serde_json::json;

    use reservations::{Reservation, Status};

    use super::*;

    const CREATED: &str = include_str!("fixtures/reservation_created.json");
    const MALFORMED_DETAIL: &str = include_str!("fixtures/malformed_detail.json");

    /// Remembers who was notified.
    #[derive(Debug, Default)]
    struct FakeNotifier {
        notified: Mutex<Vec<Reservation>>,
    }

    impl Notifier for FakeNotifier {
        async fn notify(&self, reservation: &Reservation) -> Result<(), lambda_runtime::Error> {
            self.notified.lock().unwrap().push(reservation.clone());
            Ok(())
        }
    }

    fn event(fixture: &str) -> Value {
        serde_json::from_str(fixture).unwrap()
    }

    #[tokio::test]
    async fn reservation_created_notifies_the_restaurant() {
        let notifier = FakeNotifier::default();
        handle(&notifier, event(CREATED)).await.unwrap();

        let notified = notifier.notified.lock().unwrap();
        assert_eq!(
            *notified,
            [Reservation {
                reservation_id: "res-0001".to_owned(),
                restaurant_id: "trattoria-42".to_owned(),
                customer_name: "Ada Lovelace".to_owned(),
                party_size: 4,
                time: "2026-03-14T19:30:00+01:00".to_owned(),
                status: Status::Pending,
                created_at: "2026-03-01T18:40:00.123Z".to_owned(),
            }]
        );
    }

    #[tokio::test]
    async fn malformed_detail_is_an_error_and_notifies_nobody() {
        let notifier = FakeNotifier::default();
        let error = handle(&notifier, event(MALFORMED_DETAIL))
            .await
            .unwrap_err();

        assert!(
            error
                .to_string()
                .contains("the detail is not a ReservationCreated"),
            "{error}"
        );
        assert!(notifier.notified.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn other_events_and_non_events_are_errors() {
        let mut other = event(CREATED);
        other["detail-type"] = json!("ReservationCancelled");
        for value in [other, json!({ "detail": {} }), json!([]), Value::Null] {
            let notifier = FakeNotifier::default();
            assert!(handle(&notifier, value.clone()).await.is_err(), "{value}");
            assert!(notifier.notified.lock().unwrap().is_empty());
        }
    }

    /// Fails like SES does when the sender is not verified.
    struct BrokenNotifier;

    impl Notifier for BrokenNotifier {
        async fn notify(&self, _: &Reservation) -> Result<(), lambda_runtime::Error> {
            Err("MessageRejected: Email address is not verified".into())
        }
    }

    #[tokio::test]
    async fn a_failed_send_is_an_error_so_the_event_is_retried() {
        let error = handle(&BrokenNotifier, event(CREATED)).await.unwrap_err();
        assert!(error.to_string().contains("MessageRejected"), "{error}");
    }
}

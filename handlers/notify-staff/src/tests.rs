//! The target on JSON fixtures: the event as EventBridge delivers it, through the runtime
//! library's decoding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use reservations::{Reservation, Status};
use serde_json::{Value, json};
use tributary_runtime::lambda::BoxError;
use tributary_runtime::target::handle;

use crate::{Notifier, NotifyStaff};

const CREATED: &str = include_str!("fixtures/reservation_created.json");
const MALFORMED_DETAIL: &str = include_str!("fixtures/malformed_detail.json");

/// Remembers who was notified.
#[derive(Debug, Default)]
struct FakeNotifier {
    notified: Mutex<Vec<Reservation>>,
}

impl Notifier for FakeNotifier {
    async fn notify(&self, reservation: &Reservation) -> Result<(), BoxError> {
        self.notified.lock().unwrap().push(reservation.clone());
        Ok(())
    }
}

fn event(fixture: &str) -> Value {
    serde_json::from_str(fixture).unwrap()
}

#[tokio::test]
async fn reservation_created_notifies_the_restaurant() {
    let target = NotifyStaff(FakeNotifier::default());
    handle(&target, event(CREATED)).await.unwrap();

    let notified = target.0.notified.lock().unwrap();
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
async fn malformed_detail_is_an_invalid_event_and_notifies_nobody() {
    let target = NotifyStaff(FakeNotifier::default());
    let error = handle(&target, event(MALFORMED_DETAIL)).await.unwrap_err();

    // partySize "four": the contract's type decides, not this crate.
    assert_eq!(error.error_type(), "InvalidEvent", "{error}");
    assert!(target.0.notified.lock().unwrap().is_empty());
}

#[tokio::test]
async fn other_events_and_non_events_are_errors() {
    let mut other = event(CREATED);
    other["detail-type"] = json!("ReservationCancelled");
    for value in [other, json!({ "detail": {} }), json!([]), Value::Null] {
        let target = NotifyStaff(FakeNotifier::default());
        assert!(handle(&target, value.clone()).await.is_err(), "{value}");
        assert!(target.0.notified.lock().unwrap().is_empty());
    }
}

/// Fails like SES does when the sender is not verified.
struct BrokenNotifier;

impl Notifier for BrokenNotifier {
    async fn notify(&self, _: &Reservation) -> Result<(), BoxError> {
        Err("MessageRejected: Email address is not verified".into())
    }
}

#[tokio::test]
async fn a_failed_send_is_an_error_so_the_event_is_retried() {
    let error = handle(&NotifyStaff(BrokenNotifier), event(CREATED))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "HandlerFailed");
    assert!(error.to_string().contains("MessageRejected"), "{error}");
}

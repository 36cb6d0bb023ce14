//! Typed EventBridge targets: the event a rule delivers, decoded into its contract type.
//!
//! [`decode`] checks the event's `source` and `detail-type` against `E`'s contract and parses its
//! detail; anything else is [`Error::InvalidEvent`] — an error, never a panic, so Lambda retries
//! and the function's async failure queue keeps the event. A [`Target`] is the function's work;
//! [`handle`] is one invocation and [`run`] the whole `main`.
//!
//! ```
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use tributary_runtime::contract::{BusinessEvent, Contract, Visitor};
//! use tributary_runtime::lambda::BoxError;
//! use tributary_runtime::target::{Delivered, Target};
//!
//! pub struct Orders;
//! impl Contract for Orders {
//!     const SOURCE: &'static str = "orders";
//!     fn for_each(visitor: &mut impl Visitor) {
//!         visitor.visit::<OrderPlaced>();
//!     }
//! }
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! pub struct OrderPlaced {
//!     pub order_id: String,
//! }
//! impl BusinessEvent for OrderPlaced {
//!     type Contract = Orders;
//!     const DETAIL_TYPE: &'static str = "OrderPlaced";
//!     const DESCRIPTION: &'static str = "An order was placed.";
//! }
//!
//! /// Logs every order.
//! struct Audit;
//! impl Target for Audit {
//!     type Event = OrderPlaced;
//!     async fn handle(&self, event: Delivered<OrderPlaced>) -> Result<(), BoxError> {
//!         println!("order {} ({:?})", event.detail.order_id, event.id);
//!         Ok(())
//!     }
//! }
//!
//! // The function's `main`, with what `Audit` needs built from the SDK configuration:
//! // #[tokio::main]
//! // async fn main() -> Result<(), BoxError> {
//! //     tributary_runtime::target::run(async |_config| Ok(Audit)).await
//! // }
//! let event = serde_json::json!({
//!     "id": "1", "source": "orders", "detail-type": "OrderPlaced",
//!     "detail": { "order_id": "o-1" },
//! });
//! let order = tributary_runtime::target::decode::<OrderPlaced>(event).unwrap();
//! assert_eq!(order.detail.order_id, "o-1");
//! ```

use std::future::Future;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

use crate::contract::{BusinessEvent, Contract};
use crate::lambda::{self, BoxError, Error};

/// An event as a rule delivered it, its detail typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered<E> {
    /// The event's id (EventBridge's, unique per event; a retry has the same).
    pub id: Option<String>,
    /// When the event happened, as its publisher said (RFC 3339).
    pub time: Option<String>,
    /// The detail.
    pub detail: E,
}

/// What a rule target does with each event of type [`Self::Event`].
pub trait Target {
    /// The event type the target's rule delivers.
    type Event: BusinessEvent;

    /// Handles one event; an `Err` is retried by Lambda and finally kept by the function's
    /// async failure queue.
    fn handle(&self, event: Delivered<Self::Event>) -> impl Future<Output = Result<(), BoxError>>;
}

/// The event of type `E` that `event` holds, or [`Error::InvalidEvent`] saying why it is not one.
pub fn decode<E: BusinessEvent>(event: Value) -> Result<Delivered<E>, Error> {
    let source = <E::Contract as Contract>::SOURCE;
    let event: EventBridgeEvent<Value> = serde_json::from_value(event)
        .map_err(|e| Error::InvalidEvent(format!("not an EventBridge event: {e}")))?;
    if event.source != source || event.detail_type != E::DETAIL_TYPE {
        return Err(Error::InvalidEvent(format!(
            "unexpected event {:?}/{:?} (id {:?}): this target handles {source}/{}",
            event.source,
            event.detail_type,
            event.id,
            E::DETAIL_TYPE
        )));
    }
    let detail = serde_json::from_value(event.detail).map_err(|e| {
        Error::InvalidEvent(format!(
            "event {:?}: the detail is not a {}: {e}",
            event.id,
            E::DETAIL_TYPE
        ))
    })?;
    Ok(Delivered {
        id: event.id,
        time: event.time.map(|t| t.to_rfc3339()),
        detail,
    })
}

/// One invocation: [`decode`], then the target's work ([`Error::HandlerFailed`] when it fails).
pub async fn handle<T: Target>(target: &T, event: Value) -> Result<(), Error> {
    let event = decode::<T::Event>(event)?;
    let id = event.id.clone();
    target.handle(event).await.map_err(|e| {
        tracing::error!(error = %e, event_id = ?id, "the target failed");
        Error::HandlerFailed(e.to_string())
    })
}

/// The target function's `main`: tracing, the SDK configuration, the target `setup` builds from
/// it (an `Err`, such as a missing variable, fails every invocation with its `errorType`), then
/// [`handle`] for every event.
pub async fn run<T: Target>(
    setup: impl AsyncFnOnce(&aws_config::SdkConfig) -> Result<T, Error>,
) -> Result<(), BoxError> {
    lambda::start(setup, async |target| {
        let target = &target;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
            handle(target, event.payload)
        }))
        .await
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::Mutex;

    use lambda_runtime::Diagnostic;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::*;
    use crate::contract::Visitor;

    const CREATED: &str = include_str!("target/fixtures/reservation_created.json");
    const MALFORMED_DETAIL: &str = include_str!("target/fixtures/malformed_detail.json");

    struct Reservations;
    impl Contract for Reservations {
        const SOURCE: &'static str = "reservations";
        fn for_each(visitor: &mut impl Visitor) {
            visitor.visit::<ReservationCreated>();
        }
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Reservation {
        reservation_id: String,
        party_size: u8,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    struct ReservationCreated {
        reservation: Reservation,
    }
    impl BusinessEvent for ReservationCreated {
        type Contract = Reservations;
        const DETAIL_TYPE: &'static str = "ReservationCreated";
        const DESCRIPTION: &'static str = "A reservation was received.";
    }

    /// Remembers what it was given; fails when told to.
    #[derive(Debug, Default)]
    struct Recorder {
        seen: Mutex<Vec<Delivered<ReservationCreated>>>,
        broken: bool,
    }
    impl Target for Recorder {
        type Event = ReservationCreated;
        async fn handle(&self, event: Delivered<ReservationCreated>) -> Result<(), BoxError> {
            if self.broken {
                return Err("MessageRejected: Email address is not verified".into());
            }
            self.seen.lock().unwrap().push(event);
            Ok(())
        }
    }

    fn event(fixture: &str) -> Value {
        serde_json::from_str(fixture).unwrap()
    }

    #[tokio::test]
    async fn the_contract_s_event_reaches_the_target_typed() {
        let target = Recorder::default();
        handle(&target, event(CREATED)).await.unwrap();

        let seen = target.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            seen[0].id.as_deref(),
            Some("6a7e8feb-b491-4cf7-a9f1-bf3703467718")
        );
        assert_eq!(seen[0].detail.reservation.reservation_id, "res-0001");
        assert_eq!(seen[0].detail.reservation.party_size, 4);
        assert!(seen[0].time.is_some());
    }

    #[tokio::test]
    async fn a_malformed_detail_is_an_invalid_event_and_reaches_nobody() {
        let target = Recorder::default();
        let error = handle(&target, event(MALFORMED_DETAIL)).await.unwrap_err();

        assert_eq!(error.error_type(), "InvalidEvent");
        assert!(
            error
                .to_string()
                .contains("the detail is not a ReservationCreated"),
            "{error}"
        );
        assert!(target.seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn other_events_and_non_events_are_invalid_events() {
        let mut other_type = event(CREATED);
        other_type["detail-type"] = json!("ReservationCancelled");
        let mut other_source = event(CREATED);
        other_source["source"] = json!("orders");
        for value in [
            other_type,
            other_source,
            json!({ "detail": {} }),
            json!([]),
            Value::Null,
        ] {
            let target = Recorder::default();
            let error = handle(&target, value.clone()).await.unwrap_err();
            assert_eq!(
                Diagnostic::from(error).error_type,
                "InvalidEvent",
                "{value}"
            );
            assert!(target.seen.lock().unwrap().is_empty());
        }
    }

    #[tokio::test]
    async fn a_failed_target_is_an_error_so_the_event_is_retried() {
        let target = Recorder {
            broken: true,
            ..Recorder::default()
        };
        let error = handle(&target, event(CREATED)).await.unwrap_err();
        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "HandlerFailed");
        assert!(diagnostic.error_message.contains("MessageRejected"));
    }
}

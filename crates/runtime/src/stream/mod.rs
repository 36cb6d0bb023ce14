//! Stream publishing: DynamoDB stream records -> business events on an EventBridge bus, with
//! Lambda's checkpoint semantics.
//!
//! The author writes only the [`Mapping`]: one [`StreamRecord`] -> zero or one [`Event`], or an
//! error. The library does the rest ([`process`]): it parses the batch's records one by one,
//! puts the events in stream order in PutEvents requests of at most
//! [`MAX_ENTRIES_PER_REQUEST`] entries and [`MAX_REQUEST_BYTES`], stops at the first record that
//! cannot be mapped, is too large or is rejected, and reports exactly that record as the batch
//! item failure. [`run`] is the whole `main`.
//!
//! ```
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use tributary_runtime::contract::{BusinessEvent, Contract, Visitor};
//! use tributary_runtime::stream::{Event, EventName, ImageError, Mapping, StreamRecord};
//!
//! pub struct Orders;
//! impl Contract for Orders {
//!     const SOURCE: &'static str = "orders";
//!     fn for_each(visitor: &mut impl Visitor) {
//!         visitor.visit::<OrderPlaced>();
//!     }
//! }
//!
//! /// An order was placed (the detail is the table item).
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! #[serde(rename_all = "camelCase")]
//! pub struct OrderPlaced {
//!     pub order_id: String,
//! }
//! impl BusinessEvent for OrderPlaced {
//!     type Contract = Orders;
//!     const DETAIL_TYPE: &'static str = "OrderPlaced";
//!     const DESCRIPTION: &'static str = "An order was placed.";
//! }
//!
//! /// New items are placed orders; nothing else is announced.
//! struct OrderMapping;
//! impl Mapping for OrderMapping {
//!     type Error = ImageError;
//!     fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, ImageError> {
//!         match record.event_name() {
//!             EventName::Insert => Ok(Some(Event::of(&record.new_image::<OrderPlaced>()?))),
//!             EventName::Modify | EventName::Remove => Ok(None),
//!         }
//!     }
//! }
//!
//! // The function's `main`:
//! // #[tokio::main]
//! // async fn main() -> Result<(), tributary_runtime::lambda::BoxError> {
//! //     tributary_runtime::stream::run(OrderMapping).await
//! // }
//! # let batch = r#"{"Records": [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1",
//! #     "NewImage": {"orderId": {"S": "o-1"}}}}]}"#;
//! # let batch: tributary_runtime::stream::StreamBatch = serde_json::from_str(batch).unwrap();
//! # let bus = tributary_runtime::stream::MemoryBus::default();
//! # let response = tokio_test(tributary_runtime::stream::process(&OrderMapping, &bus, batch));
//! # assert!(response.unwrap().batch_item_failures.is_empty());
//! # assert_eq!(bus.entries()[0].detail, r#"{"orderId":"o-1"}"#);
//! # fn tokio_test<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod batch;
mod bus;
mod event;
mod memory;
mod record;
#[cfg(test)]
mod tests;

/// The invocation's answer: the batch item failures Lambda checkpoints at.
pub use aws_lambda_events::streams::DynamoDbEventResponse;
pub use batch::{RecordError, StreamBatch, entry, process, request_bounds};
pub use bus::{Bus, EntryStatus, EventBridgeBus};
pub use event::{Entry, Event, MAX_ENTRIES_PER_REQUEST, MAX_ENTRY_BYTES, MAX_REQUEST_BYTES};
pub use memory::MemoryBus;
pub use record::{EventName, ImageError, StreamRecord};

use std::fmt;

use lambda_runtime::{LambdaEvent, service_fn};

use crate::env;
use crate::lambda::{self, BoxError};

/// What a service knows about its table: one stream record -> the business event it means.
pub trait Mapping {
    /// Why a record cannot be mapped; it is logged and the record reported as failed, never
    /// dropped.
    type Error: fmt::Display;

    /// The event `record` means, `Ok(None)` when it means nothing to publish.
    fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, Self::Error>;
}

/// The stream publisher's `main`: tracing, the bus named by [`env::EVENT_BUS_NAME`], the SDK
/// client, then [`process`] with `mapping` for every invocation.
pub async fn run<M: Mapping>(mapping: M) -> Result<(), BoxError> {
    lambda::start(
        async |config| {
            let bus_name = lambda::required_env(env::EVENT_BUS_NAME)?;
            Ok(EventBridgeBus::new(
                aws_sdk_eventbridge::Client::new(config),
                bus_name,
            ))
        },
        async |bus| {
            let (bus, mapping) = (&bus, &mapping);
            lambda_runtime::run(service_fn(move |event: LambdaEvent<StreamBatch>| {
                process(mapping, bus, event.payload)
            }))
            .await
        },
    )
    .await
}

//! The one thing the publisher needs from EventBridge, as a trait so tests can use an in-memory
//! fake ([`crate::stream::MemoryBus`]), and the SDK-backed bus.

use std::future::Future;

use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::error::DisplayErrorContext;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

use crate::lambda::BoxError;
use crate::stream::Entry;

/// What happened to one entry of a PutEvents request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryStatus {
    /// The entry was put on the bus.
    Accepted,
    /// The service's `ErrorCode` / `ErrorMessage` for this entry.
    Failed {
        /// `ErrorCode`.
        code: String,
        /// `ErrorMessage`.
        message: String,
    },
}

/// Where events are put.
pub trait Bus {
    /// One PutEvents request with at most [`crate::stream::MAX_ENTRIES_PER_REQUEST`] entries.
    /// `Ok` holds one status per entry, in order; `Err` means the whole request failed.
    fn put_events(
        &self,
        entries: &[Entry],
    ) -> impl Future<Output = Result<Vec<EntryStatus>, BoxError>> + Send;
}

/// Puts events on one bus with the SDK.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: Client,
    bus_name: String,
}

impl EventBridgeBus {
    /// PutEvents with `client` to the bus named `bus_name`.
    pub fn new(client: Client, bus_name: String) -> Self {
        Self { client, bus_name }
    }
}

impl Bus for EventBridgeBus {
    async fn put_events(&self, entries: &[Entry]) -> Result<Vec<EntryStatus>, BoxError> {
        let request = entries
            .iter()
            .map(|e| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&self.bus_name)
                    .source(e.source)
                    .detail_type(e.detail_type)
                    .detail(&e.detail)
                    .build()
            })
            .collect();
        let output = self
            .client
            .put_events()
            .set_entries(Some(request))
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        Ok(output
            .entries()
            .iter()
            .map(|result| match result.error_code() {
                None => EntryStatus::Accepted,
                Some(code) => EntryStatus::Failed {
                    code: code.to_owned(),
                    message: result.error_message().unwrap_or_default().to_owned(),
                },
            })
            .collect())
    }
}

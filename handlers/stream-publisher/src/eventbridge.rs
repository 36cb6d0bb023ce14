//! The SDK-backed [`Bus`]: PutEvents to the bus named at startup.

use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::error::DisplayErrorContext;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

use crate::bus::{Bus, EntryStatus};
use crate::entry::Entry;

/// Puts events on one bus.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: Client,
    bus_name: String,
}

impl EventBridgeBus {
    pub fn new(client: Client, bus_name: String) -> Self {
        Self { client, bus_name }
    }
}

impl Bus for EventBridgeBus {
    async fn put_events(
        &self,
        entries: &[Entry],
    ) -> Result<Vec<EntryStatus>, lambda_runtime::Error> {
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

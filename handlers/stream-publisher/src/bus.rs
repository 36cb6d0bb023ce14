//! The one thing the publisher needs from EventBridge, as a trait so tests can use an in-memory fake.

use std::future::Future;

use crate::entry::Entry;

/// What happened to one entry of a PutEvents request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryStatus {
    Accepted,
    /// The service's `ErrorCode` / `ErrorMessage` for this entry.
    Failed {
        code: String,
        message: String,
    },
}

/// Where events are put.
pub trait Bus {
    /// One PutEvents request with at most [`crate::entry::MAX_ENTRIES_PER_REQUEST`] entries. `Ok` holds one status per entry,
    /// in order; `Err` means the whole request failed.
    fn put_events(
        &self,
        entries: &[Entry],
    ) -> impl Future<Output = Result<Vec<EntryStatus>, lambda_runtime::Error>> + Send;
}

//! One PutEvents entry and how EventBridge measures it.

use reservations::events::{ReservationEvent, SOURCE};

/// Largest entry EventBridge accepts, in bytes as it counts them ([`Entry::size`]), and the largest
/// PutEvents request (the sum of its entries): 1 MB since 2026-01-29 (256 KB before).
pub const MAX_ENTRY_BYTES: usize = 1_048_576;
/// Largest PutEvents request: the sum of its entries' [`Entry::size`].
pub const MAX_REQUEST_BYTES: usize = 1_048_576;
/// Most entries in one PutEvents request.
pub const MAX_ENTRIES_PER_REQUEST: usize = 10;

/// One PutEvents entry, without the bus (the [`crate::bus::Bus`] knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub source: &'static str,
    pub detail_type: &'static str,
    /// JSON.
    pub detail: String,
}

impl Entry {
    /// The entry publishing `event` under [`SOURCE`].
    pub fn of(event: &ReservationEvent) -> Result<Self, serde_json::Error> {
        Ok(Self {
            source: SOURCE,
            detail_type: event.detail_type(),
            detail: event.detail_json()?,
        })
    }

    /// Its size as EventBridge counts it: the UTF-8 bytes of `Source`, `DetailType` and `Detail`
    /// (plus 14 for `Time` and each `Resources` string, neither of which is set here).
    pub fn size(&self) -> usize {
        self.source.len() + self.detail_type.len() + self.detail.len()
    }
}

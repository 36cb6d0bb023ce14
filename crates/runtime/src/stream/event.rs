//! A business event to publish and the PutEvents entry it becomes, measured as EventBridge
//! measures it.

use crate::contract::{BusinessEvent, Contract};

/// Largest entry EventBridge accepts, in bytes as it counts them ([`Entry::size`]): 1 MB since
/// 2026-01-29 (256 KB before).
pub const MAX_ENTRY_BYTES: usize = 1_048_576;
/// Largest PutEvents request: the sum of its entries' [`Entry::size`].
pub const MAX_REQUEST_BYTES: usize = 1_048_576;
/// Most entries in one PutEvents request.
pub const MAX_ENTRIES_PER_REQUEST: usize = 10;

/// A business event of any contract, ready to publish: its `source`, `detail-type` and detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    source: &'static str,
    detail_type: &'static str,
    /// The detail as JSON, or why it could not be serialized (the record is then reported).
    detail: Result<String, String>,
}

impl Event {
    /// `event` under its contract's `source` and its `detail-type`.
    pub fn of<E: BusinessEvent>(event: &E) -> Self {
        Self {
            source: <E::Contract as Contract>::SOURCE,
            detail_type: E::DETAIL_TYPE,
            detail: serde_json::to_string(event).map_err(|e| e.to_string()),
        }
    }

    /// The `source` it is published under.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The `detail-type` it is published under.
    pub fn detail_type(&self) -> &'static str {
        self.detail_type
    }

    /// The PutEvents entry, or why there is none (the detail does not serialize, or the entry
    /// is larger than [`MAX_ENTRY_BYTES`]).
    pub(crate) fn into_entry(self) -> Result<Entry, crate::stream::RecordError> {
        use crate::stream::RecordError;
        let entry = Entry {
            source: self.source,
            detail_type: self.detail_type,
            detail: self.detail.map_err(RecordError::Detail)?,
        };
        match entry.size() {
            size if size > MAX_ENTRY_BYTES => Err(RecordError::TooLarge { size }),
            _ => Ok(entry),
        }
    }
}

/// One PutEvents entry, without the bus (the [`crate::stream::Bus`] knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `Source`.
    pub source: &'static str,
    /// `DetailType`.
    pub detail_type: &'static str,
    /// `Detail`: JSON.
    pub detail: String,
}

impl Entry {
    /// Its size as EventBridge counts it: the UTF-8 bytes of `Source`, `DetailType` and `Detail`
    /// (plus 14 for `Time` and each `Resources` string, neither of which is set here).
    pub fn size(&self) -> usize {
        self.source.len() + self.detail_type.len() + self.detail.len()
    }
}

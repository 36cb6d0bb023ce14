//! An in-memory [`Bus`] for tests: it records every request and can be told to reject one entry,
//! fail one request or answer with a status missing.

use std::sync::{Mutex, PoisonError};

use crate::lambda::BoxError;
use crate::stream::{Bus, Entry, EntryStatus};

/// A bus that keeps what it is sent. Default: accepts everything.
#[derive(Debug, Default)]
pub struct MemoryBus {
    requests: Mutex<Vec<Vec<Entry>>>,
    /// `(request index, entry index)` answered with an `ErrorCode`. Default: none.
    reject_entry: Option<(usize, usize)>,
    /// The request index that fails as a whole. Default: none.
    fail_request: Option<usize>,
    /// Answer every request with one status fewer than it has entries. Default: `false`.
    short_answer: bool,
}

impl MemoryBus {
    /// Answers entry `entry` of request `request` (both from 0) with an `ErrorCode`.
    pub fn reject_entry(mut self, request: usize, entry: usize) -> Self {
        self.reject_entry = Some((request, entry));
        self
    }

    /// Fails request `request` (from 0) as a whole.
    pub fn fail_request(mut self, request: usize) -> Self {
        self.fail_request = Some(request);
        self
    }

    /// Answers every request with one status fewer than it has entries.
    pub fn short_answer(mut self) -> Self {
        self.short_answer = true;
        self
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Vec<Entry>> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every entry sent so far (also those of failed requests), in order.
    pub fn entries(&self) -> Vec<Entry> {
        self.requests().concat()
    }
}

impl Bus for MemoryBus {
    async fn put_events(&self, entries: &[Entry]) -> Result<Vec<EntryStatus>, BoxError> {
        let call = {
            let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            requests.push(entries.to_vec());
            requests.len() - 1
        };
        if self.fail_request == Some(call) {
            return Err("ThrottlingException".into());
        }
        let mut statuses: Vec<_> = (0..entries.len())
            .map(|i| match self.reject_entry {
                Some(rejected) if rejected == (call, i) => EntryStatus::Failed {
                    code: "InternalFailure".to_owned(),
                    message: "try again".to_owned(),
                },
                _ => EntryStatus::Accepted,
            })
            .collect();
        if self.short_answer {
            statuses.pop();
        }
        Ok(statuses)
    }
}

//! The one thing the handler needs from DynamoDB, as a trait so tests can use an in-memory fake.

use std::fmt;
use std::future::Future;

use crate::item::StoredReservation;

/// Where reservations are written.
pub trait Store {
    /// Writes `item` only if no item with its id exists yet.
    fn put_new(
        &self,
        item: &StoredReservation,
    ) -> impl Future<Output = Result<(), PutError>> + Send;
}

/// Why [`Store::put_new`] did not write.
#[derive(Debug)]
pub enum PutError {
    /// An item with this reservation id already exists (the condition failed): here it is.
    AlreadyExists(Box<StoredReservation>),
    /// Anything else: throttling, permissions, network, an unreadable existing item... Logged,
    /// never shown to the client.
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for PutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyExists(_) => f.write_str("a reservation with this id already exists"),
            Self::Backend(e) => write!(f, "the table rejected the write: {e}"),
        }
    }
}

impl std::error::Error for PutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::AlreadyExists(_) => None,
            Self::Backend(e) => Some(e.as_ref()),
        }
    }
}

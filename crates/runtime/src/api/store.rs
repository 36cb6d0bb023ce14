//! The one thing the API side needs from DynamoDB, as a trait so tests can use an in-memory fake
//! ([`crate::api::MemoryStore`]), and the item as it is stored.

use std::fmt;
use std::future::Future;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::lambda::BoxError;

/// The attribute holding the `Idempotency-Key` an item was created under.
pub const IDEMPOTENCY_KEY_ATTRIBUTE: &str = "idempotencyKey";
/// The attribute holding the fingerprint of the request that created an item.
pub const FINGERPRINT_ATTRIBUTE: &str = "requestFingerprint";

/// A table item as written: the domain's item and what tells a replay of the request that
/// created it from a different one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored<T> {
    /// The domain's item; its attributes are the stored item's.
    #[serde(flatten)]
    pub item: T,
    /// The `Idempotency-Key` header of the request that created it, if it had one.
    #[serde(
        rename = "idempotencyKey",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub idempotency_key: Option<String>,
    /// The fingerprint of the request body that created it (empty for an item written by
    /// something else, which no request replays).
    #[serde(rename = "requestFingerprint", default)]
    pub fingerprint: String,
}

impl<T> Stored<T> {
    /// Whether `self` and `other` were created by the same request: the same key and payload.
    pub fn same_request(&self, other: &Self) -> bool {
        self.idempotency_key == other.idempotency_key
            && !self.fingerprint.is_empty()
            && self.fingerprint == other.fingerprint
    }
}

/// The partition key of an item: its attribute and (string) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key<'a> {
    /// The partition key attribute.
    pub attribute: &'static str,
    /// Its value.
    pub value: &'a str,
}

/// Where items are written.
pub trait Store {
    /// Writes `item` only if no item with `key` exists yet; when one does, returns it.
    fn put_new<T>(
        &self,
        key: Key<'_>,
        item: &Stored<T>,
    ) -> impl Future<Output = Result<(), PutError<T>>> + Send
    where
        T: Serialize + DeserializeOwned + Send + Sync;
}

/// Why [`Store::put_new`] did not write.
#[derive(Debug)]
pub enum PutError<T> {
    /// An item with this key already exists (the condition failed): here it is.
    AlreadyExists(Box<Stored<T>>),
    /// Anything else: throttling, permissions, network, an unreadable existing item... Logged,
    /// never shown to the client.
    Backend(BoxError),
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyExists(_) => f.write_str("an item with this id already exists"),
            Self::Backend(e) => write!(f, "the table rejected the write: {e}"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for PutError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::AlreadyExists(_) => None,
            Self::Backend(e) => Some(e.as_ref()),
        }
    }
}

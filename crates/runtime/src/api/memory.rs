//! An in-memory [`Store`] for tests, with DynamoDB's conditional-put semantics: items go through
//! `serde_dynamo` as the SDK-backed store's do, so what does not survive DynamoDB's attribute
//! types does not survive here either.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{Key, PutError, Store, Stored};

type Item = HashMap<String, AttributeValue>;

/// A table in memory. Default: empty, working.
#[derive(Debug, Default)]
pub struct MemoryStore {
    items: Mutex<Vec<(String, Item)>>,
    broken: bool,
}

impl MemoryStore {
    /// A table whose every write fails (as a throttled or forbidden one does).
    pub fn broken() -> Self {
        Self {
            broken: true,
            ..Self::default()
        }
    }

    /// The ids of the items, in write order.
    pub fn ids(&self) -> Vec<String> {
        self.lock().iter().map(|(id, _)| id.clone()).collect()
    }

    /// The items as DynamoDB attributes, in write order.
    pub fn items(&self) -> Vec<Item> {
        self.lock().iter().map(|(_, item)| item.clone()).collect()
    }

    /// The item with id `id`, read back into `T`.
    pub fn get<T: DeserializeOwned>(&self, id: &str) -> Option<Stored<T>> {
        let items = self.lock();
        let (_, item) = items.iter().find(|(i, _)| i == id)?;
        serde_dynamo::from_item(item.clone()).ok()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Item)>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    async fn put_new<T>(&self, key: Key<'_>, item: &Stored<T>) -> Result<(), PutError<T>>
    where
        T: Serialize + DeserializeOwned + Send + Sync,
    {
        if self.broken {
            return Err(PutError::Backend(
                "ProvisionedThroughputExceededException: secret-table-arn".into(),
            ));
        }
        let attributes: Item =
            serde_dynamo::to_item(item).map_err(|e| PutError::Backend(e.into()))?;
        if attributes.get(key.attribute) != Some(&AttributeValue::S(key.value.to_owned())) {
            return Err(PutError::Backend(
                format!("the item's key attribute {} is missing", key.attribute).into(),
            ));
        }
        let mut items = self.lock();
        if let Some((_, existing)) = items.iter().find(|(id, _)| id == key.value) {
            let existing = serde_dynamo::from_item(existing.clone())
                .map_err(|e| PutError::Backend(e.into()))?;
            return Err(PutError::AlreadyExists(Box::new(existing)));
        }
        items.push((key.value.to_owned(), attributes));
        Ok(())
    }
}

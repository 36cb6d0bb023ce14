//! The SDK-backed [`Store`]: one conditional `PutItem` (`attribute_not_exists(<id>)`) that
//! returns the existing item when the condition fails (`ReturnValuesOnConditionCheckFailure`
//! `ALL_OLD`).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{Key, PutError, Store, Stored};

/// Writes items to one table.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table_name: String,
}

impl DynamoStore {
    /// Writes with `client` to the table named `table_name`.
    pub fn new(client: Client, table_name: String) -> Self {
        Self { client, table_name }
    }

    /// The item with `key`, read consistently (for a failed condition that did not carry it).
    async fn get<T: DeserializeOwned>(&self, key: Key<'_>) -> Result<Stored<T>, PutError<T>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(key.attribute, AttributeValue::S(key.value.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend(DisplayErrorContext(e)))?;
        let item = output
            .item
            .ok_or_else(|| backend("the condition failed but the item is gone"))?;
        serde_dynamo::from_item(item).map_err(backend)
    }
}

fn backend<T>(e: impl std::fmt::Display) -> PutError<T> {
    PutError::Backend(e.to_string().into())
}

impl Store for DynamoStore {
    async fn put_new<T>(&self, key: Key<'_>, item: &Stored<T>) -> Result<(), PutError<T>>
    where
        T: Serialize + DeserializeOwned + Send + Sync,
    {
        let attributes = serde_dynamo::to_item(item).map_err(backend)?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(attributes))
            .condition_expression("attribute_not_exists(#id)")
            .expression_attribute_names("#id", key.attribute)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(()),
            Err(e) => e.into_service_error(),
        };
        match error {
            PutItemError::ConditionalCheckFailedException(failed) => {
                let existing = match failed.item {
                    Some(old) => serde_dynamo::from_item(old).map_err(backend)?,
                    None => self.get(key).await?,
                };
                Err(PutError::AlreadyExists(Box::new(existing)))
            }
            other => Err(backend(DisplayErrorContext(other))),
        }
    }
}

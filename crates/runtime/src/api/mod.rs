//! Idempotent writes behind an HTTP API (payload 2.0): the request validated into the domain's
//! item, ONE conditional put, and the same answer for a replayed request.
//!
//! The domain supplies a [`Resource`]: how to validate the body (every bad field reported), the
//! id attribute, the item and the response body. The library does the rest ([`handle`]): JSON
//! only (415), at most [`MAX_BODY_BYTES`] (413), the id from the body, else derived from the
//! `Idempotency-Key` header, else generated; one `PutItem` with `attribute_not_exists` that
//! returns the existing item on conflict; a replay of the same payload (same key, same
//! fingerprint, stored in the item) gets the stored item with `Idempotent-Replayed: true`, a
//! different payload 409; errors are `application/problem+json`; a 500 says nothing about its
//! cause (it is logged). [`run`] is the whole `main`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tributary_runtime::api::{Fields, NewItem, Resource, fields::string};
//!
//! /// A valid `POST /orders` body.
//! pub struct NewOrder {
//!     pub product: String,
//! }
//!
//! /// The table item.
//! #[derive(Serialize, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! pub struct Order {
//!     pub order_id: String,
//!     pub product: String,
//!     pub placed_at: String,
//! }
//!
//! pub struct Orders;
//! impl Resource for Orders {
//!     const NAME: &'static str = "order";
//!     const ID_ATTRIBUTE: &'static str = "orderId";
//!     type Request = NewOrder;
//!     type Item = Order;
//!
//!     fn validate(&self, fields: &mut Fields) -> Option<NewOrder> {
//!         let product = fields.required("product", string::<String>)?;
//!         Some(NewOrder { product })
//!     }
//!     fn client_id<'a>(&self, _: &'a NewOrder) -> Option<&'a str> {
//!         None
//!     }
//!     fn item(&self, order: NewOrder, new: &NewItem) -> Order {
//!         Order { order_id: new.id.clone(), product: order.product, placed_at: new.received_at.clone() }
//!     }
//! }
//!
//! // The function's `main`:
//! // #[tokio::main]
//! // async fn main() -> Result<(), tributary_runtime::lambda::BoxError> {
//! //     tributary_runtime::api::run(Orders).await
//! // }
//! ```

mod dynamo;
pub mod fields;
mod handler;
mod memory;
mod request;
mod response;
mod store;
#[cfg(test)]
mod tests;

pub use dynamo::DynamoStore;
pub use fields::{FieldError, Fields};
pub use handler::{MAX_BODY_BYTES, handle};
pub use memory::MemoryStore;
pub use request::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LEN};
pub use response::{PROBLEM_JSON, REPLAYED};
pub use store::{FINGERPRINT_ATTRIBUTE, IDEMPOTENCY_KEY_ATTRIBUTE, Key, PutError, Store, Stored};

use lambda_http::{Request, service_fn};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::env;
use crate::lambda::{self, BoxError};

/// What a service knows about the items its API creates.
pub trait Resource: Sync {
    /// What an item is called in messages ("the reservation has invalid fields").
    const NAME: &'static str;
    /// The table's partition key, a string attribute of [`Self::Item`]: the put writes only
    /// when no item has this id.
    const ID_ATTRIBUTE: &'static str;
    /// A valid request body.
    type Request: Send;
    /// The table item; its [`Self::ID_ATTRIBUTE`] holds the id [`Self::item`] is given.
    type Item: Serialize + DeserializeOwned + Send + Sync;

    /// Takes the body's fields from `fields`, recording an error for each bad one (see
    /// [`Fields::required`]); `None` when any is bad. Fields left over are reported as unknown.
    fn validate(&self, fields: &mut Fields) -> Option<Self::Request>;

    /// The id the client chose in the body, if it may (validated by [`Self::validate`]).
    fn client_id<'a>(&self, request: &'a Self::Request) -> Option<&'a str>;

    /// The item to write for a valid request.
    fn item(&self, request: Self::Request, new: &NewItem) -> Self::Item;

    /// The body of the 201 (the first time and on a replay). Default: the item.
    fn response(&self, item: &Self::Item) -> Result<Value, serde_json::Error> {
        serde_json::to_value(item)
    }
}

/// What the library decided about a new item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// The id: the client's, else 32 hex digits derived from the `Idempotency-Key`, else the
    /// request id made URL-safe; always 1..=64 characters of `[A-Za-z0-9_-]`.
    pub id: String,
    /// When API Gateway received the request: an RFC 3339 date-time in UTC.
    pub received_at: String,
}

/// The API function's `main`: tracing, the table named by [`env::TABLE_NAME`], the SDK client,
/// then [`handle`] with `resource` for every request.
pub async fn run<R: Resource>(resource: R) -> Result<(), BoxError> {
    lambda::start(
        async |config| {
            let table_name = lambda::required_env(env::TABLE_NAME)?;
            Ok(DynamoStore::new(
                aws_sdk_dynamodb::Client::new(config),
                table_name,
            ))
        },
        async |store| {
            let (store, resource) = (&store, &resource);
            lambda_http::run(service_fn(move |request: Request| async move {
                Ok::<_, lambda::Error>(handle(resource, store, request).await)
            }))
            .await
        },
    )
    .await
}

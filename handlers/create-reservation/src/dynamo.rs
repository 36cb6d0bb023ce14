//! The SDK-backed [`Store`]: a conditional `PutItem` (`attribute_not_exists(reservationId)`).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::reservation::Reservation;
use crate::store::{PutError, Store};

/// Writes reservations to one table.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table_name: String,
}

impl DynamoStore {
    pub fn new(client: Client, table_name: String) -> Self {
        Self { client, table_name }
    }
}

impl Store for DynamoStore {
    async fn put_new(&self, r: &Reservation) -> Result<(), PutError> {
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let result = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .item("reservationId", s(r.reservation_id.as_str()))
            .item("restaurantId", s(r.restaurant_id.as_str()))
            .item("customerName", s(r.customer_name.as_str()))
            .item(
                "partySize",
                AttributeValue::N(r.party_size.get().to_string()),
            )
            .item("time", s(r.time.as_str()))
            .item("status", s(r.status))
            .item("createdAt", s(&r.created_at))
            .condition_expression("attribute_not_exists(reservationId)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Err(PutError::AlreadyExists)
            }
            Err(e) => Err(PutError::Backend(DisplayErrorContext(e).to_string().into())),
        }
    }
}

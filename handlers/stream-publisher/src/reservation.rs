//! The reservations table's item schema, as the stream delivers it and as events carry it (camelCase JSON).

use serde::{Deserialize, Serialize};

/// One item of the reservations table (unknown attributes are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    pub reservation_id: String,
    pub restaurant_id: String,
    pub customer_name: String,
    pub party_size: u8,
    pub time: String,
    pub status: String,
    pub created_at: String,
}

/// Just the status of an item: all a `MODIFY` record's old image needs to have.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusOnly {
    pub status: String,
}

//! The reservation domain and the business events the reservations service publishes.
//!
//! This crate is the contract between the code that writes reservations, the stream publisher that
//! announces their changes, the targets that react to them, and the synthesizer that routes events:
//!
//! - [`Reservation`] and [`Status`] are the domain (and the table item's attributes, camelCase);
//! - [`events`] holds one type per business event, with its `detail-type` as a constant and its JSON
//!   Schema (schemars), and [`events::SOURCE`], the `source` of every event;
//! - the synthesizer builds the rule patterns and the EventBridge schema registry entries from the
//!   contract file (`contract.json`, written from these types), so a rule cannot match an event that is not
//!   published.
//!
//! What every handler binary does at startup (tracing, configuration) is the runtime library's
//! (`tributary_runtime::lambda`).

pub mod events;
mod reservation;

pub use reservation::{
    CUSTOMER_NAME_LEN, ID_LEN, ID_PATTERN, PARTY_SIZE, Reservation, Status, TIME_MAX_LEN,
};

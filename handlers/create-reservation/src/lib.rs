//! `create-reservation`: the HTTP API's `POST /reservations` handler.
//!
//! [`handler::handle`] turns one request into one response: it checks the media type and the
//! body's size, validates every field ([`request`], [`fields`]), decides the reservation's id
//! (client-supplied, derived from the `Idempotency-Key` header, or generated) and writes the item
//! with ONE conditional put through the [`store::Store`] trait ([`dynamo`] is the SDK-backed one).
//! A replay of the same request gets the original reservation back; a different request under the
//! same key or id gets 409; nothing is ever half-written.

pub mod dynamo;
pub mod fields;
pub mod handler;
pub mod item;
pub mod request;
pub mod response;
pub mod store;

/// The environment variable (set by the synthesizer) naming the reservations table.
pub const TABLE_NAME_ENV: &str = "TABLE_NAME";

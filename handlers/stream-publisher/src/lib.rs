//! `stream-publisher`: turns the reservations table's stream records into business events on an
//! EventBridge bus.
//!
//! [`mapping`] is the only code that knows the table's item layout; everything else — batching,
//! PutEvents, reporting the first failure so Lambda retries exactly what failed, re-driving the
//! batches an S3 on-failure destination kept — is `tributary_runtime::stream` (and `::redrive`).

pub mod mapping;

pub use mapping::ReservationMapping;

//! `stream-publisher`: turns the reservations table's stream records into business events on an
//! EventBridge bus.
//!
//! [`batch::process`] is one invocation: it maps records ([`mapping`], the only code that knows the
//! table's item layout) and publishes them through the [`bus::Bus`] trait, reporting the first
//! failure so Lambda retries exactly what failed. [`eventbridge`] is the SDK-backed bus.
//! With the `redrive` feature, [`redrive`] publishes the batches that an S3 on-failure destination
//! kept, once the cause of their failure is fixed.

pub mod batch;
pub mod bus;
pub mod entry;
pub mod eventbridge;
pub mod mapping;
#[cfg(feature = "redrive")]
pub mod redrive;

/// The environment variable (set by the synthesizer) naming the bus events are put on.
pub const EVENT_BUS_NAME_ENV: &str = "EVENT_BUS_NAME";

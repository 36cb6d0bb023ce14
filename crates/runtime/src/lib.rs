//! The runtime library of a tributary service: what every handler of the DynamoDB Streams ->
//! Lambda -> EventBridge pattern needs, so a handler holds only its domain logic.
//!
//! - [`contract`]: the event contract — one [`contract::Contract`] per event source, one
//!   [`contract::BusinessEvent`] per `detail-type` — and the contract file the synthesizer reads
//!   (`events: <path>` in an app spec), written from the same Rust types.
//! - [`env`]: the names of the environment variables the synthesizer sets on functions, defined
//!   once for both sides.
//!
//! Without features the crate is only that (the synthesizer links it so). Handlers turn on what
//! they use:
//!
//! | feature | module | for |
//! |---|---|---|
//! | `lambda` | `lambda` | tracing, configuration, errors with a readable `errorType` (implied by the others) |
//! | `stream` | `stream` | the stream publisher: the author writes the mapping of one record to one event |
//! | `redrive` | `redrive` | publishing the batches an S3 on-failure destination kept, with the same mapping |
//! | `api` | `api` | an HTTP API writer: validation, one conditional put, idempotent replays |
//! | `target` | `target` | an EventBridge rule target: the delivered event as its contract type |

pub mod contract;
pub mod env;

#[cfg(feature = "api")]
pub mod api;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "redrive")]
pub mod redrive;
#[cfg(feature = "stream")]
pub mod stream;
#[cfg(feature = "target")]
pub mod target;

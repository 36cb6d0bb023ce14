//! The payments service of the platform example (`examples/platform.yaml`): the deposit a diner
//! leaves to hold a table, the business events its changes mean, and the mapping the stream
//! publisher (this crate's binary) runs on the runtime library.
//!
//! - [`Deposit`] and [`DepositStatus`] are the domain (the deposits table's items, camelCase);
//! - [`events`] holds one type per business event and the [`events::Payments`] contract, written
//!   to `contract.json` (the spec names that file; its test keeps it current);
//! - [`DepositMapping`] turns one stream record into the event it means, if any.

mod deposit;
pub mod events;
mod mapping;

pub use deposit::{AMOUNT_CENTS, CURRENCY_PATTERN, Deposit, DepositStatus, ID_PATTERN};
pub use mapping::{DepositMapping, MapError};

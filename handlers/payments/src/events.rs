//! The business events of the payments service: `source`, `detail-type`s and detail shapes.
//!
//! Every event's detail carries the whole [`Deposit`] as it is after the change. Consumers ignore
//! fields they do not know: new fields may be added, none are removed or renamed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Deposit;

pub use tributary_runtime::contract::{BusinessEvent, Contract, Visitor};

/// The payments service as an event source: its `source` and every event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payments;

impl Contract for Payments {
    const SOURCE: &'static str = "payments";

    fn for_each(visitor: &mut impl Visitor) {
        visitor.visit::<DepositHeld>();
        visitor.visit::<DepositCaptured>();
        visitor.visit::<DepositReleased>();
    }
}

/// `source` of every event the payments service publishes.
pub const SOURCE: &str = Payments::SOURCE;

/// The `detail-type` of every event, in [`Payments::for_each`]'s order.
pub const DETAIL_TYPES: [&str; 3] = [
    DepositHeld::DETAIL_TYPE,
    DepositCaptured::DETAIL_TYPE,
    DepositReleased::DETAIL_TYPE,
];

/// Declares an event whose detail is the deposit after the change.
macro_rules! deposit_event {
    ($(#[$doc:meta])* $name:ident, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The deposit after the change.
            pub deposit: Deposit,
        }

        impl BusinessEvent for $name {
            type Contract = Payments;
            const DETAIL_TYPE: &'static str = stringify!($name);
            const DESCRIPTION: &'static str = $description;
        }
    };
}

deposit_event!(
    /// A deposit was authorized on the diner's card to hold a table.
    DepositHeld,
    "A deposit was authorized to hold a table."
);
deposit_event!(
    /// A held deposit was charged: the diner did not come.
    DepositCaptured,
    "A held deposit was charged (a no-show)."
);
deposit_event!(
    /// A held deposit was given back, or its item deleted while held.
    DepositReleased,
    "A held deposit was released (or deleted while held)."
);

/// Any event of [`SOURCE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepositEvent {
    Held(DepositHeld),
    Captured(DepositCaptured),
    Released(DepositReleased),
}

impl DepositEvent {
    /// The `detail-type` it is published under.
    pub fn detail_type(&self) -> &'static str {
        match self {
            Self::Held(_) => DepositHeld::DETAIL_TYPE,
            Self::Captured(_) => DepositCaptured::DETAIL_TYPE,
            Self::Released(_) => DepositReleased::DETAIL_TYPE,
        }
    }

    /// The deposit the event is about.
    pub fn deposit(&self) -> &Deposit {
        match self {
            Self::Held(e) => &e.deposit,
            Self::Captured(e) => &e.deposit,
            Self::Released(e) => &e.deposit,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn visitor_sees_every_detail_type_in_order() {
        struct Names(Vec<&'static str>);
        impl Visitor for Names {
            fn visit<E: BusinessEvent>(&mut self) {
                self.0.push(E::DETAIL_TYPE);
            }
        }
        let mut names = Names(Vec::new());
        Payments::for_each(&mut names);
        assert_eq!(names.0, DETAIL_TYPES);
    }

    #[test]
    fn the_contract_file_is_current() {
        // TRIBUTARY_UPDATE_CONTRACTS=1 cargo test -p payments rewrites it.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/contract.json");
        if let Err(e) = tributary_runtime::contract::sync_file::<Payments>(path) {
            panic!("{e}");
        }
    }
}

//! The event contracts a spec can name (`streamToBus.<id>.events`), built from the handler
//! crates' own types: the rule patterns and schema registry entries the synthesizer emits come
//! from the same constants and structs the publisher uses, so they cannot drift.
//!
//! A Rust app can build an [`EventContract`] of its own with [`EventSchema::of`].

use reservations::events::{self as reservation_events, BusinessEvent, Visitor};

use crate::constructs::{EventContract, EventSchema};

/// The names [`named`] knows, in order.
pub const NAMES: &[&str] = &["reservations"];

/// The contract called `name`, if there is one.
pub fn named(name: &str) -> Option<EventContract> {
    match name {
        "reservations" => Some(reservations()),
        _ => None,
    }
}

/// The reservations service's events (the `reservations` handler crate).
pub fn reservations() -> EventContract {
    struct Collect(Vec<EventSchema>);
    impl Visitor for Collect {
        fn visit<E: BusinessEvent>(&mut self) {
            self.0
                .push(EventSchema::of::<E>(E::DETAIL_TYPE, E::DESCRIPTION));
        }
    }
    let mut events = Collect(Vec::new());
    reservation_events::for_each(&mut events);
    EventContract {
        source: reservation_events::SOURCE.to_owned(),
        events: events.0,
    }
}

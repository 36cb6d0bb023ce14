//! L3 patterns: one call wires a whole, safe-by-default architecture.

pub mod stream_to_bus;

pub use stream_to_bus::{
    AlarmOptions, FailureDestination, StreamToBus, StreamToBusProps, add_rule_on,
    guard_async_target, is_async_guarded,
};

//! The environment variables the synthesizer sets on functions. Both sides use these constants:
//! the synthesizer when it wires a function, the handler when it reads its configuration.

/// The name of the table a writer writes to (set on every function given as a `writer` of a
/// stream-to-bus pattern).
pub const TABLE_NAME: &str = "TABLE_NAME";

/// The name of the event bus a publisher puts events on (set on the pattern's publisher).
pub const EVENT_BUS_NAME: &str = "EVENT_BUS_NAME";

/// Every variable above, for tools that check a function's environment against them.
pub const ALL: [&str; 2] = [TABLE_NAME, EVENT_BUS_NAME];

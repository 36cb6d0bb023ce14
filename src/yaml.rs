//! The one place serde_yaml is used (it is unmaintained upstream; keeping it behind this module
//! makes replacing it a one-file change).

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use serde_yaml::Error;

/// Parses YAML into `T`. Errors carry the line and column.
pub fn from_str<T: DeserializeOwned>(s: &str) -> Result<T, Error> {
    serde_yaml::from_str(s)
}

/// Writes `value` as YAML.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_yaml::to_string(value)
}

/// The 1-based line and column of an error, if it has a location.
pub fn location(e: &Error) -> Option<(usize, usize)> {
    e.location().map(|l| (l.line(), l.column()))
}

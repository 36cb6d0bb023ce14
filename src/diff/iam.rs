//! Placeholder until the IAM comparison lands (same API).

/// One way a change grants more than before.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Widening {
    pub policy: String,
    pub what: String,
}

pub fn widenings(
    _resource_type: &str,
    _old: Option<&serde_json::Value>,
    _new: Option<&serde_json::Value>,
) -> Vec<Widening> {
    Vec::new()
}

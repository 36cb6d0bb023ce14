//! Validation diagnostics: every problem found while building an app, with the construct path.

use std::fmt;

use super::id::ConstructPath;

/// How bad a diagnostic is: errors stop a synth, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, located at a construct path (or the app itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The policy rule that found it (`TRB001`...), if one did.
    pub code: Option<&'static str>,
    pub path: Option<ConstructPath>,
    pub message: String,
    /// Where in the app's spec the value that caused it is written (`file:line:col`), when the
    /// app came from a spec and the value is written there.
    pub location: Option<String>,
}

/// Finds where in its source the value behind a diagnostic is written: the spec layer gives
/// [`crate::core::App`] one when it builds an app from a file.
pub trait Locate: Send + Sync + fmt::Debug {
    /// `file:line:col`, or `None` when the diagnostic is not about a written value.
    fn locate(&self, diagnostic: &Diagnostic) -> Option<String>;
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let level = match self.code {
            Some(code) => format!("{level}[{code}]"),
            None => level.to_owned(),
        };
        write!(f, "{level}: ")?;
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        match &self.path {
            Some(path) => write!(f, "{path}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// All the diagnostics of a failed synth, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The errors (not the warnings).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

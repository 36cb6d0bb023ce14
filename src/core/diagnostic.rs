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
        match &self.path {
            Some(path) => write!(f, "{level}: {path}: {}", self.message),
            None => write!(f, "{level}: {}", self.message),
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

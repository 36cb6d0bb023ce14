//! The diff as a reviewer reads it: text (coloured on a terminal), Markdown (a pull request
//! comment), or JSON (for tools).

use std::fmt::Write as _;

use serde_json::Value;

use super::{AppDiff, Change, NoteKind, Replacement, ResourceDiff, StackDiff, StackStatus};

/// ANSI colours, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn red(self, t: &str) -> String {
        self.paint("31", t)
    }
    fn green(self, t: &str) -> String {
        self.paint("32", t)
    }
    fn yellow(self, t: &str) -> String {
        self.paint("33", t)
    }
    fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }
}

/// The JSON form: `{"stacks": [...], "summary": {...}}`, changed resources only.
pub fn json(diff: &AppDiff) -> String {
    let mut text =
        serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn value(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 {
                let cut: String = s.chars().take(117).collect();
                format!("{cut}...")
            } else {
                s
            }
        }
    }
}

fn verdict(r: &ResourceDiff) -> String {
    let mut parts = Vec::new();
    match r.replacement {
        Replacement::Always => parts.push("REPLACED".to_owned()),
        Replacement::Conditional => parts.push("MAY BE REPLACED".to_owned()),
        Replacement::Never => {}
    }
    if r.data_loss {
        parts.push("DATA LOSS".to_owned());
    }
    if r.iam_widening {
        parts.push("WIDENS ACCESS".to_owned());
    }
    if r.notes.iter().any(|n| n.kind == NoteKind::Error) {
        parts.push("CANNOT DEPLOY".to_owned());
    }
    parts.join(", ")
}

fn sign(change: Change) -> &'static str {
    match change {
        Change::Added => "+",
        Change::Removed => "-",
        Change::Modified => "~",
    }
}

fn status(s: StackStatus) -> &'static str {
    match s {
        StackStatus::Added => "added",
        StackStatus::Removed => "removed",
        StackStatus::Modified => "modified",
        StackStatus::Unchanged => "unchanged",
    }
}

/// The order a reviewer reads: what cannot deploy, replacements and data loss, widening, the rest.
fn ordered(stack: &StackDiff) -> Vec<&ResourceDiff> {
    let mut resources: Vec<&ResourceDiff> = stack.resources.iter().collect();
    resources.sort_by_key(|r| {
        let error = r.notes.iter().any(|n| n.kind == NoteKind::Error);
        (
            !error,
            !(r.data_loss || r.replacement != Replacement::Never),
            !r.iam_widening,
            r.logical_id.clone(),
        )
    });
    resources
}

fn summary_line(diff: &AppDiff) -> String {
    let s = diff.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "{}, {}, {}",
        plural(s.replacements, "replacement", "replacements"),
        plural(s.data_loss, "data loss", "data losses"),
        plural(s.iam_widening, "IAM widening", "IAM widenings"),
    );
    if s.errors > 0 {
        line.push_str(&format!(
            ", {}",
            plural(
                s.errors,
                "change that cannot deploy",
                "changes that cannot deploy"
            )
        ));
    }
    line
}

/// Text for a terminal.
pub fn text(diff: &AppDiff, style: Style) -> String {
    let mut out = String::new();
    for stack in &diff.stacks {
        if stack.status == StackStatus::Unchanged {
            let _ = writeln!(out, "Stack {} (unchanged)", stack.name);
            continue;
        }
        let _ = writeln!(
            out,
            "{}",
            style.bold(&format!("Stack {} ({})", stack.name, status(stack.status)))
        );
        for e in &stack.errors {
            let _ = writeln!(out, "  {} {e}", style.red("error:"));
        }
        for n in &stack.notes {
            let _ = writeln!(out, "  {n}");
        }
        for r in ordered(stack) {
            let head = format!("[{}] {} {}", sign(r.change), r.resource_type, r.logical_id);
            let head = match r.change {
                Change::Added => style.green(&head),
                Change::Removed => style.red(&head),
                Change::Modified => style.yellow(&head),
            };
            let v = verdict(r);
            if v.is_empty() {
                let _ = writeln!(out, "  {head}");
            } else {
                let _ = writeln!(out, "  {head}  {}", style.red(&v));
            }
            for p in &r.properties {
                let mark = match p.replacement {
                    Replacement::Always => " (replaces)".to_owned(),
                    Replacement::Conditional => " (may replace)".to_owned(),
                    Replacement::Never => String::new(),
                };
                if p.old == p.new {
                    // Unchanged text, new value at deploy (it refers to a replaced resource).
                    let _ = writeln!(
                        out,
                        "      {}: {}, a new value at deploy{mark}",
                        p.path,
                        value(p.new.as_ref()),
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "      {}: {} -> {}{mark}",
                        p.path,
                        value(p.old.as_ref()),
                        value(p.new.as_ref())
                    );
                }
                if let Some(reason) = &p.reason
                    && (p.replacement != Replacement::Never || p.old == p.new)
                {
                    let _ = writeln!(out, "          {reason}");
                }
            }
            for n in &r.notes {
                let label = match n.kind {
                    NoteKind::Error => style.red("error:"),
                    NoteKind::DataLoss => style.red("data:"),
                    NoteKind::Widening => style.yellow("widens:"),
                    NoteKind::Info => "note:".to_owned(),
                };
                let _ = writeln!(out, "      {label} {}", n.text);
            }
        }
    }
    let _ = writeln!(out, "{}", style.bold(&summary_line(diff)));
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markdown for a pull request comment: a summary table, then per stack what cannot deploy,
/// replacements and data loss first.
pub fn markdown(diff: &AppDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### tributary diff\n");
    let _ = writeln!(out, "**{}**\n", summary_line(diff));
    let _ = writeln!(
        out,
        "| Stack | Status | Changed | Replaced | Data loss | IAM widening |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for stack in &diff.stacks {
        let count =
            |f: &dyn Fn(&ResourceDiff) -> bool| stack.resources.iter().filter(|r| f(r)).count();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md_escape(&stack.name),
            status(stack.status),
            stack.resources.len(),
            count(&|r| r.replacement != Replacement::Never),
            count(&|r| r.data_loss),
            count(&|r| r.iam_widening),
        );
    }
    for stack in diff
        .stacks
        .iter()
        .filter(|s| s.status != StackStatus::Unchanged)
    {
        let _ = writeln!(
            out,
            "\n#### {} ({})\n",
            md_escape(&stack.name),
            status(stack.status)
        );
        for e in &stack.errors {
            let _ = writeln!(out, "- :x: **cannot deploy:** {}", md_escape(e));
        }
        for n in &stack.notes {
            let _ = writeln!(out, "- {}", md_escape(n));
        }
        for r in ordered(stack) {
            let v = verdict(r);
            let v = if v.is_empty() {
                String::new()
            } else {
                format!(" — **{v}**")
            };
            let _ = writeln!(
                out,
                "- `{}` `{}` `{}`{v}",
                sign(r.change),
                r.resource_type,
                r.logical_id
            );
            for n in &r.notes {
                let label = match n.kind {
                    NoteKind::Error => ":x: cannot deploy",
                    NoteKind::DataLoss => ":warning: data",
                    NoteKind::Widening => ":unlock: widens",
                    NoteKind::Info => "note",
                };
                let _ = writeln!(out, "  - {label}: {}", md_escape(&n.text));
            }
            for p in &r.properties {
                let mark = match p.replacement {
                    Replacement::Always => " (replaces)",
                    Replacement::Conditional => " (may replace)",
                    Replacement::Never => "",
                };
                if p.old == p.new {
                    let _ = writeln!(
                        out,
                        "  - `{}`: `{}`, a new value at deploy{mark}{}",
                        p.path,
                        value(p.new.as_ref()).replace('`', "'"),
                        p.reason
                            .as_deref()
                            .map(|r| format!(" ({})", md_escape(r)))
                            .unwrap_or_default(),
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "  - `{}`: `{}` → `{}`{mark}",
                        p.path,
                        value(p.old.as_ref()).replace('`', "'"),
                        value(p.new.as_ref()).replace('`', "'"),
                    );
                }
            }
        }
    }
    out
}

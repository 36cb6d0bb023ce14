//! Drawing a [`Graph`] as Mermaid or Graphviz dot.
//!
//! Node IDs are `<stack>__<logical id>`, each part escaped to letters and digits (`_` is `_u`,
//! `-` is `_h`, any other character `_x<hex>x`), so two resources never share an ID, no ID is a
//! Mermaid keyword (every one holds `__`), and group IDs (`cluster_S<stack>`, no `__`) differ
//! from node IDs. Labels are quoted and escaped for each format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Edge, EdgeKind, Graph, Kind, Mark, Node, NodeKey};

/// `s` with every character that is not an ASCII letter or digit escaped (see the module docs).
fn escape_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '_' => out.push_str("_u"),
            '-' => out.push_str("_h"),
            c => {
                let _ = write!(out, "_x{:x}x", u32::from(c));
            }
        }
    }
    out
}

pub(super) fn node_id(key: &NodeKey) -> String {
    format!("{}__{}", escape_id(&key.stack), escape_id(&key.logical_id))
}

fn group_id(stack: &str) -> String {
    format!("cluster_S{}", escape_id(stack))
}

/// The lines of a node's label: logical ID, type (without `AWS::`), detail.
fn label_lines(node: &Node) -> Vec<&str> {
    let short = node
        .resource_type
        .strip_prefix("AWS::")
        .unwrap_or(&node.resource_type);
    let mut lines = vec![node.key.logical_id.as_str(), short];
    lines.extend(node.detail.as_deref());
    lines
}

/// Text inside a Mermaid `"..."` string: entity codes for what the parser or the HTML label
/// would read as syntax.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a dot `"..."` string.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const ALARM_STYLE: &str = "fill:#fff5f5,stroke:#cf222e,color:#82071e";

fn mark_style(mark: Mark) -> &'static str {
    match mark {
        Mark::Added => "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px",
        Mark::Modified => "fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
        Mark::Replaced => "fill:#ffebe9,stroke:#cf222e,stroke-width:3px",
        Mark::Removed => "fill:#eaeef2,stroke:#57606a,stroke-dasharray:5 5",
    }
}

/// The edges in drawing order: the data path first (layouts give the first edges the main
/// line), then failure paths, then alarms; in the graph's order within each kind.
fn ordered(graph: &Graph) -> Vec<&Edge> {
    let mut edges: Vec<&Edge> = graph.edges.iter().collect();
    edges.sort_by_key(|e| e.kind);
    edges
}

pub(super) fn mermaid(graph: &Graph, marks: &BTreeMap<NodeKey, Mark>) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut alarms = Vec::new();
    for (stack, nodes) in &graph.stacks {
        let _ = writeln!(
            out,
            "  subgraph {} [\"{}\"]",
            group_id(stack),
            mermaid_text(stack)
        );
        for node in nodes {
            let text = label_lines(node)
                .iter()
                .map(|l| mermaid_text(l))
                .collect::<Vec<_>>()
                .join("<br/>");
            let (open, close) = match node.kind {
                Kind::Api => ("[/", "\\]"),
                Kind::Route => ("[/", "/]"),
                Kind::Function => ("(", ")"),
                Kind::Store => ("[(", ")]"),
                Kind::Bus => ("{{", "}}"),
                Kind::Rule => ("[\\", "\\]"),
                Kind::Mapping => ("([", "])"),
                Kind::Topic => ("[[", "]]"),
                Kind::Alarm => (">", "]"),
                Kind::Other => ("[", "]"),
            };
            let id = node_id(&node.key);
            let _ = writeln!(out, "    {id}{open}\"{text}\"{close}");
            if node.kind == Kind::Alarm {
                alarms.push(id);
            }
        }
        out.push_str("  end\n");
    }
    for edge in ordered(graph) {
        let arrow = match edge.kind {
            EdgeKind::Data | EdgeKind::Notify => "-->",
            EdgeKind::Failure => "-.->",
            EdgeKind::Watch => "--o",
        };
        let label = match &edge.label {
            Some(l) => format!("|\"{}\"|", mermaid_text(l)),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {} {arrow}{label} {}",
            node_id(&edge.from),
            node_id(&edge.to)
        );
    }
    if !alarms.is_empty() {
        let _ = writeln!(out, "  classDef alarm {ALARM_STYLE}");
        let _ = writeln!(out, "  class {} alarm", alarms.join(","));
    }
    for mark in Mark::ALL {
        let ids: Vec<String> = marks
            .iter()
            .filter(|(_, m)| **m == mark)
            .map(|(k, _)| node_id(k))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  classDef {} {}", mark.class(), mark_style(mark));
            let _ = writeln!(out, "  class {} {}", ids.join(","), mark.class());
        }
    }
    out
}

fn dot_mark(mark: Mark) -> (&'static str, &'static str) {
    // (fill colour, extra style)
    match mark {
        Mark::Added => ("#dafbe1", "bold"),
        Mark::Modified => ("#fff8c5", "bold"),
        Mark::Replaced => ("#ffebe9", "bold"),
        Mark::Removed => ("#eaeef2", "dashed"),
    }
}

pub(super) fn dot(graph: &Graph, marks: &BTreeMap<NodeKey, Mark>) -> String {
    let mut out = String::from(
        "digraph tributary {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (stack, nodes) in &graph.stacks {
        let _ = writeln!(out, "  subgraph \"{}\" {{", group_id(stack));
        let _ = writeln!(out, "    label=\"{}\";", dot_text(stack));
        for node in nodes {
            let text = label_lines(node)
                .iter()
                .map(|l| dot_text(l))
                .collect::<Vec<_>>()
                .join("\\n");
            let (shape, mut style) = match node.kind {
                Kind::Api => ("trapezium", vec![]),
                Kind::Route => ("parallelogram", vec![]),
                Kind::Function => ("box", vec!["rounded"]),
                Kind::Store => ("cylinder", vec![]),
                Kind::Bus => ("hexagon", vec![]),
                Kind::Rule => ("cds", vec![]),
                Kind::Mapping => ("oval", vec![]),
                Kind::Topic => ("tab", vec![]),
                Kind::Alarm => ("octagon", vec![]),
                Kind::Other => ("box", vec![]),
            };
            let mut attrs = format!("label=\"{text}\", shape={shape}");
            if node.kind == Kind::Alarm {
                attrs.push_str(", color=\"#cf222e\", fontcolor=\"#82071e\"");
            }
            if let Some(mark) = marks.get(&node.key) {
                let (fill, extra) = dot_mark(*mark);
                style.extend(["filled", extra]);
                let _ = write!(attrs, ", fillcolor=\"{fill}\", class=\"{}\"", mark.class());
            }
            if !style.is_empty() {
                let _ = write!(attrs, ", style=\"{}\"", style.join(","));
            }
            let _ = writeln!(out, "    \"{}\" [{attrs}];", node_id(&node.key));
        }
        out.push_str("  }\n");
    }
    for edge in ordered(graph) {
        let mut attrs = Vec::new();
        match edge.kind {
            EdgeKind::Data | EdgeKind::Notify => {}
            EdgeKind::Failure => attrs.push("style=dashed".to_owned()),
            EdgeKind::Watch => {
                attrs.extend(["style=dotted".to_owned(), "arrowhead=odot".to_owned()])
            }
        }
        if edge.kind == EdgeKind::Notify {
            attrs.push("color=\"#cf222e\"".to_owned());
        }
        if let Some(l) = &edge.label {
            attrs.push(format!("label=\"{}\"", dot_text(l)));
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{attrs};",
            node_id(&edge.from),
            node_id(&edge.to)
        );
    }
    out.push_str("}\n");
    out
}

//! The app as a picture: the synthesized templates read as a graph of what talks to what, drawn
//! as Mermaid or Graphviz dot (`tributary graph`).
//!
//! Nothing here knows a domain or a construct: the graph is read from the templates alone, by
//! the references between resources (`Ref`, `Fn::GetAtt`, `Fn::Sub`, and `Fn::ImportValue` of
//! another stack's export). A resource that carries data or does work is a node (labelled with
//! its logical ID and type); the plumbing (roles, policies, permissions, log groups, stages,
//! integrations, invoke configs, subscriptions) is folded into the edges it implies:
//!
//! - the data path: route -> function (through its integration), function -> what its
//!   environment or a write grant of its role names, stream -> mapping -> function,
//!   bus -> rule -> each target, topic -> subscriber, bus -> archive;
//! - failure paths (drawn dashed): a mapping's on-failure destination, a rule target's
//!   dead-letter queue, a function's async on-failure destination or dead-letter queue, a
//!   queue's redrive queue;
//! - alarms (their own shape): what each watches (by a reference in its dimensions, or a
//!   physical name it matches) and the topics its actions notify.
//!
//! Everything is ordered by the input (stacks, then resources in template order), so the same
//! templates give byte-identical output. [`Mark`]s style nodes for a review (`diff --graph`).

mod build;
mod render;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::assembly::rendered_json;
use crate::core::Synthesized;

/// The output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid flowchart (GitHub renders it in a ```` ```mermaid ```` block).
    #[default]
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

/// What a reviewed change does to a resource; [`render`] styles its node accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mark {
    Added,
    Modified,
    Replaced,
    Removed,
}

impl Mark {
    /// Every mark, in the order their styles are declared.
    pub const ALL: [Mark; 4] = [Mark::Added, Mark::Modified, Mark::Replaced, Mark::Removed];

    /// The style class name (Mermaid `classDef`).
    pub fn class(self) -> &'static str {
        match self {
            Mark::Added => "added",
            Mark::Modified => "modified",
            Mark::Replaced => "replaced",
            Mark::Removed => "removed",
        }
    }
}

/// Marks by (stack name, logical ID). A mark on a folded resource (a role, a policy, a
/// permission...) marks the node it belongs to as modified, unless that node has its own mark.
pub type Marks = BTreeMap<(String, String), Mark>;

/// One stack's template, as the JSON CloudFormation reads.
#[derive(Debug, Clone, Copy)]
pub struct StackTemplate<'a> {
    pub name: &'a str,
    pub template: &'a Value,
}

/// A resource, by stack name and logical ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeKey {
    pub stack: String,
    pub logical_id: String,
}

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Api,
    Route,
    Function,
    /// Keeps data: a table, queue, bucket, stream.
    Store,
    Bus,
    Rule,
    /// An event source mapping (a stream or queue feeding a function).
    Mapping,
    Topic,
    Alarm,
    Other,
}

/// A drawn resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub key: NodeKey,
    pub kind: Kind,
    /// The resource type, e.g. `AWS::Lambda::Function`.
    pub resource_type: String,
    /// A detail worth showing, e.g. a route key.
    pub detail: Option<String>,
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Data or invocations on the normal path.
    Data,
    /// Where what failed goes (dashed).
    Failure,
    /// An alarm watching a resource.
    Watch,
    /// An alarm notifying a topic.
    Notify,
}

/// A drawn connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeKey,
    pub to: NodeKey,
    pub kind: EdgeKind,
    pub label: Option<String>,
}

/// The app's graph: stacks in input order, each with its nodes in template order, and edges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub stacks: Vec<(String, Vec<Node>)>,
    pub edges: Vec<Edge>,
    /// Folded resources and the node each belongs to (where a mark on it is shown).
    pub owners: BTreeMap<NodeKey, NodeKey>,
}

impl Graph {
    /// Reads the graph from the templates (references to stacks not given are not drawn).
    pub fn from_templates(stacks: &[StackTemplate<'_>]) -> Graph {
        build::build(stacks)
    }

    /// Adds what `other` has and this graph lacks (stacks, nodes, edges, owners), after this
    /// graph's own: e.g. the base of a diff, so removed resources can be drawn and marked.
    pub fn merge(&mut self, other: Graph) {
        for (stack, nodes) in other.stacks {
            let index = match self.stacks.iter().position(|(name, _)| *name == stack) {
                Some(i) => i,
                None => {
                    self.stacks.push((stack, Vec::new()));
                    self.stacks.len() - 1
                }
            };
            let Some((_, mine)) = self.stacks.get_mut(index) else {
                continue;
            };
            for node in nodes {
                if !mine.iter().any(|n| n.key == node.key) {
                    mine.push(node);
                }
            }
        }
        for edge in other.edges {
            if !self
                .edges
                .iter()
                .any(|e| e.from == edge.from && e.to == edge.to && e.kind == edge.kind)
            {
                self.edges.push(edge);
            }
        }
        for (folded, owner) in other.owners {
            self.owners.entry(folded).or_insert(owner);
        }
    }

    /// Draws the graph, nodes styled by their marks.
    pub fn render(&self, format: Format, marks: &Marks) -> String {
        let marks = self.node_marks(marks);
        match format {
            Format::Mermaid => render::mermaid(self, &marks),
            Format::Dot => render::dot(self, &marks),
        }
    }

    /// The mark of each node: its own, or `Modified` when something folded into it is marked.
    fn node_marks(&self, marks: &Marks) -> BTreeMap<NodeKey, Mark> {
        let mut out = BTreeMap::new();
        for ((stack, logical_id), mark) in marks {
            let key = NodeKey {
                stack: stack.clone(),
                logical_id: logical_id.clone(),
            };
            if self.node(&key).is_some() {
                out.insert(key, *mark);
            }
        }
        for (stack, logical_id) in marks.keys() {
            let key = NodeKey {
                stack: stack.clone(),
                logical_id: logical_id.clone(),
            };
            if let Some(owner) = self.owners.get(&key) {
                out.entry(owner.clone()).or_insert(Mark::Modified);
            }
        }
        out
    }

    /// The node of `key`, if it is drawn.
    pub fn node(&self, key: &NodeKey) -> Option<&Node> {
        self.stacks
            .iter()
            .filter(|(name, _)| *name == key.stack)
            .flat_map(|(_, nodes)| nodes)
            .find(|n| n.key == *key)
    }
}

/// Draws the templates (see the module docs), nodes styled by `marks`.
pub fn render(stacks: &[StackTemplate<'_>], format: Format, marks: &Marks) -> String {
    Graph::from_templates(stacks).render(format, marks)
}

/// The Mermaid flowchart of the templates, unmarked.
pub fn mermaid(stacks: &[StackTemplate<'_>]) -> String {
    render(stacks, Format::Mermaid, &Marks::new())
}

/// The Graphviz digraph of the templates, unmarked.
pub fn dot(stacks: &[StackTemplate<'_>]) -> String {
    render(stacks, Format::Dot, &Marks::new())
}

/// A synthesized stack's template could not be read back as JSON.
#[derive(Debug, thiserror::Error)]
#[error("stack `{stack}`: its template cannot be read for the graph: {message}")]
pub struct TemplateError {
    pub stack: String,
    pub message: String,
}

/// The synthesized stacks' templates as JSON (stack name, template), in deployment order: what
/// [`StackTemplate`]s borrow.
pub fn templates(synth: &Synthesized) -> Result<Vec<(String, Value)>, TemplateError> {
    synth
        .stacks
        .iter()
        .map(|stack| {
            let err = |message: String| TemplateError {
                stack: stack.name.to_string(),
                message,
            };
            let bytes = rendered_json(stack).map_err(|e| err(e.to_string()))?;
            let parsed = serde_json::from_slice(&bytes);
            Ok((
                stack.name.to_string(),
                parsed.map_err(|e| err(e.to_string()))?,
            ))
        })
        .collect()
}

/// Borrows [`templates`]' output as the builder's input.
pub fn borrow(templates: &[(String, Value)]) -> Vec<StackTemplate<'_>> {
    templates
        .iter()
        .map(|(name, template)| StackTemplate { name, template })
        .collect()
}

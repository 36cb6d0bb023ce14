//! Reading the graph out of the templates: which resources are nodes, and the edges their
//! references imply (see the module docs of [`super`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::types::{FOLDED, FORWARDED, MAX_HOPS, NAME_PROPERTIES, is_write, kind};
use super::{Edge, EdgeKind, Graph, Node, NodeKey, StackTemplate};
use crate::refs::{Target, targets};

/// One resource of the input.
struct Resource<'a> {
    key: NodeKey,
    stack: usize,
    resource_type: &'a str,
    properties: &'a Map<String, Value>,
}

struct Builder<'a> {
    stacks: &'a [StackTemplate<'a>],
    /// Every resource with a type, by key.
    resources: BTreeMap<NodeKey, usize>,
    list: Vec<Resource<'a>>,
    /// Export name -> (stack index, the output's value).
    exports: BTreeMap<String, (usize, &'a Value)>,
    nodes: BTreeSet<NodeKey>,
    graph: Graph,
    seen: BTreeSet<(NodeKey, NodeKey, EdgeKind)>,
}

static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();

pub(super) fn build(stacks: &[StackTemplate<'_>]) -> Graph {
    let mut b = Builder {
        stacks,
        resources: BTreeMap::new(),
        list: Vec::new(),
        exports: BTreeMap::new(),
        nodes: BTreeSet::new(),
        graph: Graph::default(),
        seen: BTreeSet::new(),
    };
    let empty = EMPTY.get_or_init(Map::new);
    for (index, stack) in stacks.iter().enumerate() {
        let mut nodes = Vec::new();
        let resources = stack.template.get("Resources").and_then(Value::as_object);
        for (id, resource) in resources.into_iter().flatten() {
            let Some(resource_type) = resource.get("Type").and_then(Value::as_str) else {
                continue;
            };
            let key = NodeKey {
                stack: stack.name.to_owned(),
                logical_id: id.clone(),
            };
            let properties = resource
                .get("Properties")
                .and_then(Value::as_object)
                .unwrap_or(empty);
            if !FOLDED.contains(&resource_type) {
                nodes.push(Node {
                    key: key.clone(),
                    kind: kind(resource_type),
                    resource_type: resource_type.to_owned(),
                    detail: detail(resource_type, properties),
                });
                b.nodes.insert(key.clone());
            }
            if b.resources.contains_key(&key) {
                continue; // a repeated stack name: its first template is the one drawn
            }
            b.resources.insert(key.clone(), b.list.len());
            b.list.push(Resource {
                key,
                stack: index,
                resource_type,
                properties,
            });
        }
        match b
            .graph
            .stacks
            .iter_mut()
            .find(|(name, _)| name == stack.name)
        {
            Some(_) => {}
            None => b.graph.stacks.push((stack.name.to_owned(), nodes)),
        }
        let outputs = stack.template.get("Outputs").and_then(Value::as_object);
        for output in outputs.into_iter().flatten().map(|(_, o)| o) {
            let (Some(name), Some(value)) = (export_name(output, stack.name), output.get("Value"))
            else {
                continue;
            };
            b.exports.entry(name).or_insert((index, value));
        }
    }
    b.edges();
    b.graph
}

/// An output's export name: a string, or a `Fn::Sub` of one with only `${AWS::StackName}`.
fn export_name(output: &Value, stack: &str) -> Option<String> {
    match output.get("Export")?.get("Name")? {
        Value::String(name) => Some(name.clone()),
        Value::Object(sub) => {
            let text = sub.get("Fn::Sub")?.as_str()?;
            let name = text.replace("${AWS::StackName}", stack);
            (!name.contains("${")).then_some(name)
        }
        _ => None,
    }
}

/// What a node shows besides its ID and type.
fn detail(resource_type: &str, properties: &Map<String, Value>) -> Option<String> {
    let field = match resource_type {
        "AWS::ApiGatewayV2::Route" => "RouteKey",
        "AWS::ApiGateway::Method" => "HttpMethod",
        _ => return None,
    };
    properties.get(field)?.as_str().map(str::to_owned)
}

fn at<'v>(value: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let mut current = value.get(*first)?;
    for part in rest {
        current = current.get(part)?;
    }
    Some(current)
}

fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    let list = match value {
        Some(Value::Array(list)) => list.as_slice(),
        Some(other) => std::slice::from_ref(other),
        None => &[],
    };
    list.iter()
}

impl<'a> Builder<'a> {
    /// The resources `value` (found in stack `stack`) refers to, across stacks through exports.
    fn resolve(&self, stack: usize, value: Option<&Value>) -> Vec<NodeKey> {
        let Some(value) = value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for target in targets(value) {
            let (stack, id) = match target {
                Target::Local(id) => (stack, id),
                Target::Import(name) => match self.exports.get(&name) {
                    Some(&(exporter, value)) => {
                        for t in targets(value) {
                            if let Target::Local(id) = t {
                                self.push_key(exporter, id, &mut out);
                            }
                        }
                        continue;
                    }
                    None => continue,
                },
            };
            self.push_key(stack, id, &mut out);
        }
        out
    }

    fn push_key(&self, stack: usize, logical_id: String, out: &mut Vec<NodeKey>) {
        let Some(template) = self.stacks.get(stack) else {
            return;
        };
        let key = NodeKey {
            stack: template.name.to_owned(),
            logical_id,
        };
        self.push_resolved(key, out, 0);
    }

    /// Adds `key`, or for an alias or version the function it stands for (an alias of a
    /// version of a function is two hops; cycles stop at [`MAX_HOPS`]).
    fn push_resolved(&self, key: NodeKey, out: &mut Vec<NodeKey>, hops: usize) {
        let Some(r) = self.resource(&key) else {
            return;
        };
        if FORWARDED.contains(&r.resource_type) && hops < MAX_HOPS {
            let (stack, function) = (r.stack, r.properties.get("FunctionName"));
            for target in targets(function.unwrap_or(&Value::Null)) {
                if let (Target::Local(id), Some(t)) = (target, self.stacks.get(stack)) {
                    let key = NodeKey {
                        stack: t.name.to_owned(),
                        logical_id: id,
                    };
                    self.push_resolved(key, out, hops + 1);
                }
            }
            return;
        }
        if !out.contains(&key) {
            out.push(key);
        }
    }

    fn resource(&self, key: &NodeKey) -> Option<&Resource<'a>> {
        self.list.get(*self.resources.get(key)?)
    }

    fn edge(&mut self, from: &NodeKey, to: &NodeKey, kind: EdgeKind, label: Option<&str>) {
        if from == to || !self.nodes.contains(from) || !self.nodes.contains(to) {
            return;
        }
        if self.seen.insert((from.clone(), to.clone(), kind)) {
            self.graph.edges.push(Edge {
                from: from.clone(),
                to: to.clone(),
                kind,
                label: label.map(str::to_owned),
            });
        }
    }

    fn edges_to(&mut self, from: &NodeKey, to: &[NodeKey], kind: EdgeKind, label: Option<&str>) {
        for t in to {
            self.edge(from, t, kind, label);
        }
    }

    fn edges_from(&mut self, from: &[NodeKey], to: &NodeKey, kind: EdgeKind) {
        for f in from {
            self.edge(f, to, kind, None);
        }
    }

    fn own(&mut self, folded: &NodeKey, owners: &[NodeKey]) {
        if let Some(owner) = owners.iter().find(|o| self.nodes.contains(*o)) {
            self.graph
                .owners
                .entry(folded.clone())
                .or_insert_with(|| owner.clone());
        }
    }

    fn edges(&mut self) {
        // Roles -> the functions that run as them (for grants, and to own role marks).
        let mut runs_as: BTreeMap<NodeKey, Vec<NodeKey>> = BTreeMap::new();
        // Failure destinations by the function they are for (a grant to send to them is not
        // another data edge).
        let mut fails_to: BTreeSet<(NodeKey, NodeKey)> = BTreeSet::new();
        let mut grants: Vec<(usize, &'a Value, Vec<NodeKey>)> = Vec::new();
        // Policies and the roles they attach to (a policy belongs to its role's function).
        let mut policies: Vec<(NodeKey, Vec<NodeKey>)> = Vec::new();
        let physical = self.physical_names();
        for index in 0..self.list.len() {
            let Some(r) = self.list.get(index) else {
                continue;
            };
            let (key, s, p, resource_type) =
                (r.key.clone(), r.stack, r.properties, r.resource_type);
            match resource_type {
                "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                    for role in self.resolve(s, at(p, &["Role"])) {
                        runs_as.entry(role).or_default().push(key.clone());
                    }
                    let uses = self.resolve(s, at(p, &["Environment", "Variables"]));
                    self.edges_to(&key, &uses, EdgeKind::Data, None);
                    for dlq in self.resolve(s, at(p, &["DeadLetterConfig", "TargetArn"])) {
                        fails_to.insert((key.clone(), dlq.clone()));
                        self.edge(&key, &dlq, EdgeKind::Failure, Some("DLQ"));
                    }
                }
                "AWS::Lambda::EventSourceMapping" => {
                    let functions = self.resolve(s, at(p, &["FunctionName"]));
                    self.edges_from(
                        &self.resolve(s, at(p, &["EventSourceArn"])),
                        &key,
                        EdgeKind::Data,
                    );
                    self.edges_to(&key, &functions, EdgeKind::Data, None);
                    for dest in
                        self.resolve(s, at(p, &["DestinationConfig", "OnFailure", "Destination"]))
                    {
                        for f in &functions {
                            fails_to.insert((f.clone(), dest.clone()));
                        }
                        self.edge(&key, &dest, EdgeKind::Failure, Some("on failure"));
                    }
                }
                "AWS::Lambda::EventInvokeConfig" => {
                    let functions = self.resolve(s, at(p, &["FunctionName"]));
                    self.own(&key, &functions);
                    let failed =
                        self.resolve(s, at(p, &["DestinationConfig", "OnFailure", "Destination"]));
                    let succeeded =
                        self.resolve(s, at(p, &["DestinationConfig", "OnSuccess", "Destination"]));
                    for f in &functions {
                        for dest in &failed {
                            fails_to.insert((f.clone(), dest.clone()));
                            self.edge(f, dest, EdgeKind::Failure, Some("on failure"));
                        }
                        self.edges_to(f, &succeeded, EdgeKind::Data, Some("on success"));
                    }
                }
                "AWS::Events::Rule" => {
                    self.edges_from(
                        &self.resolve(s, at(p, &["EventBusName"])),
                        &key,
                        EdgeKind::Data,
                    );
                    for target in items(p.get("Targets")) {
                        let Some(target) = target.as_object() else {
                            continue;
                        };
                        let to = self.resolve(s, target.get("Arn"));
                        self.edges_to(&key, &to, EdgeKind::Data, None);
                        let dlq = self.resolve(s, at(target, &["DeadLetterConfig", "Arn"]));
                        self.edges_to(&key, &dlq, EdgeKind::Failure, Some("DLQ"));
                    }
                }
                "AWS::Pipes::Pipe" => {
                    self.edges_from(&self.resolve(s, at(p, &["Source"])), &key, EdgeKind::Data);
                    let to = self.resolve(s, at(p, &["Target"]));
                    self.edges_to(&key, &to, EdgeKind::Data, None);
                }
                "AWS::SQS::Queue" => {
                    let dlq = self.resolve(s, at(p, &["RedrivePolicy", "deadLetterTargetArn"]));
                    self.edges_to(&key, &dlq, EdgeKind::Failure, Some("DLQ"));
                }
                "AWS::ApiGatewayV2::Route" => {
                    self.edges_from(&self.resolve(s, at(p, &["ApiId"])), &key, EdgeKind::Data);
                    let mut to = Vec::new();
                    for target in self.resolve(s, at(p, &["Target"])) {
                        match self.resource(&target) {
                            Some(i) if i.resource_type == "AWS::ApiGatewayV2::Integration" => {
                                let (is, ip) = (i.stack, i.properties);
                                to.extend(self.resolve(is, ip.get("IntegrationUri")));
                                self.graph
                                    .owners
                                    .entry(target.clone())
                                    .or_insert_with(|| key.clone());
                            }
                            _ => to.push(target),
                        }
                    }
                    self.edges_to(&key, &to, EdgeKind::Data, None);
                }
                "AWS::ApiGateway::Method" => {
                    self.edges_from(
                        &self.resolve(s, at(p, &["RestApiId"])),
                        &key,
                        EdgeKind::Data,
                    );
                    let to = self.resolve(s, at(p, &["Integration", "Uri"]));
                    self.edges_to(&key, &to, EdgeKind::Data, None);
                }
                "AWS::Events::Archive" => {
                    self.edges_from(
                        &self.resolve(s, at(p, &["SourceArn"])),
                        &key,
                        EdgeKind::Data,
                    );
                }
                "AWS::SNS::Subscription" => {
                    let topics = self.resolve(s, at(p, &["TopicArn"]));
                    self.own(&key, &topics);
                    for topic in &topics {
                        let to = self.resolve(s, at(p, &["Endpoint"]));
                        self.edges_to(topic, &to, EdgeKind::Data, None);
                    }
                }
                "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::CompositeAlarm" => {
                    for dimension in items(p.get("Dimensions")) {
                        let value = dimension.get("Value");
                        let mut watched = self.resolve(s, value);
                        if let Some(name) = value.and_then(Value::as_str) {
                            watched.extend(physical.get(&(s, name)).cloned());
                        }
                        self.edges_from(&watched, &key, EdgeKind::Watch);
                    }
                    for actions in ["AlarmActions", "OKActions", "InsufficientDataActions"] {
                        let to = self.resolve(s, at(p, &[actions]));
                        self.edges_to(&key, &to, EdgeKind::Notify, None);
                    }
                }
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                    let mut roles = self.resolve(s, at(p, &["Roles"]));
                    roles.extend(self.resolve(s, at(p, &["Users"])));
                    if let Some(doc) = p.get("PolicyDocument") {
                        grants.push((s, doc, roles.clone()));
                    }
                    policies.push((key.clone(), roles));
                }
                "AWS::IAM::Role" => {
                    for policy in items(p.get("Policies")) {
                        if let Some(doc) = policy.get("PolicyDocument") {
                            grants.push((s, doc, vec![key.clone()]));
                        }
                    }
                }
                "AWS::Lambda::Alias" | "AWS::Lambda::Version" => {
                    let functions = self.resolve(s, p.get("FunctionName"));
                    self.own(&key, &functions);
                }
                "AWS::Lambda::Permission" => {
                    let functions = self.resolve(s, at(p, &["FunctionName"]));
                    self.own(&key, &functions);
                }
                "AWS::SQS::QueuePolicy" => {
                    let queues = self.resolve(s, at(p, &["Queues"]));
                    self.own(&key, &queues);
                }
                "AWS::S3::BucketPolicy"
                | "AWS::ApiGatewayV2::Stage"
                | "AWS::ApiGatewayV2::Authorizer" => {
                    let of = self
                        .resolve(s, at(p, &["Bucket"]))
                        .into_iter()
                        .chain(self.resolve(s, at(p, &["ApiId"])));
                    let of: Vec<_> = of.collect();
                    self.own(&key, &of);
                }
                "AWS::SNS::TopicPolicy" => {
                    let topics = self.resolve(s, at(p, &["Topics"]));
                    self.own(&key, &topics);
                }
                "AWS::EventSchemas::Schema" => {
                    let registries = self.resolve(s, at(p, &["RegistryName"]));
                    self.own(&key, &registries);
                }
                _ => {}
            }
        }
        for (role, functions) in &runs_as {
            self.own(role, functions);
        }
        // Log groups belong to the function whose logging config names them.
        for index in 0..self.list.len() {
            let Some(r) = self.list.get(index) else {
                continue;
            };
            if r.resource_type == "AWS::Lambda::Function" {
                let key = r.key.clone();
                for group in self.resolve(r.stack, at(r.properties, &["LoggingConfig", "LogGroup"]))
                {
                    self.graph
                        .owners
                        .entry(group)
                        .or_insert_with(|| key.clone());
                }
            }
        }
        let functions_of = |roles: &[NodeKey]| -> Vec<NodeKey> {
            roles
                .iter()
                .flat_map(|r| runs_as.get(r).cloned().unwrap_or_default())
                .collect()
        };
        for (policy, roles) in &policies {
            self.own(policy, &functions_of(roles));
        }
        // Write grants: the function -> what it may send to, unless it is where its failures go.
        for (s, doc, roles) in grants {
            let functions = functions_of(&roles);
            for statement in items(doc.get("Statement")) {
                if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    continue;
                }
                let writes = items(statement.get("Action"))
                    .filter_map(Value::as_str)
                    .any(is_write);
                if !writes {
                    continue;
                }
                for resource in self.resolve(s, statement.get("Resource")) {
                    for f in &functions {
                        if !fails_to.contains(&(f.clone(), resource.clone())) {
                            self.edge(f, &resource, EdgeKind::Data, None);
                        }
                    }
                }
            }
        }
    }

    /// Physical names given in the templates, by (stack index, name), for alarm dimensions.
    fn physical_names(&self) -> BTreeMap<(usize, &'a str), NodeKey> {
        let mut names = BTreeMap::new();
        for r in &self.list {
            if !self.nodes.contains(&r.key) {
                continue;
            }
            for property in NAME_PROPERTIES {
                if let Some(name) = r.properties.get(*property).and_then(Value::as_str) {
                    names
                        .entry((r.stack, name))
                        .or_insert_with(|| r.key.clone());
                }
            }
        }
        names
    }
}

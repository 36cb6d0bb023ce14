//! Spec -> constructs: creates every construct of every stack in a fixed order (topics, queues,
//! buses, functions, patterns and their writers, HTTP APIs, rules), resolving names to handles. A name
//! that resolves to nothing is reported at the construct that used it, with the closest name.

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;

use super::model::{AppSpec, BusSpec, RouteAuthSpec, StackSpec, TargetSpec, WriterSpec};
use crate::assets::Workspace;
use crate::constructs::{
    EventBus, EventBusProps, EventContract, Function, FunctionProps, HttpApi, HttpApiProps,
    JwtAuthorizer, Queue, RouteAuth, RuleProps, Target, TargetKind, Topic, TopicProps,
};
use crate::core::{App, ConstructPath, Stack, StackName, Stage};
use crate::patterns::{
    StreamToBus, StreamToBusProps, add_rule_on, guard_async_target, is_async_guarded,
};

/// Builds the app a spec describes; handlers are the binaries of the cargo workspace at `root`.
pub fn build(spec: &AppSpec, root: &Path) -> App {
    build_into(spec, App::new(Workspace::open(root)))
}

/// Builds the app a spec describes into `app` (e.g. one over a shared or a naming resolver):
/// every stage's copy of the stacks, or the stacks as written when the spec has no stages.
pub fn build_into(spec: &AppSpec, app: App) -> App {
    build_selected(spec, app, &[])
}

/// [`build_into`], with only the stages named (all of them when none is): a name that is not a
/// stage of the spec is the error, with the closest one.
pub fn build_stages(spec: &AppSpec, app: App, stages: &[String]) -> Result<App, String> {
    let known: Vec<&str> = spec.stages.keys().map(String::as_str).collect();
    if let Some(name) = stages.iter().find(|n| !known.contains(&n.as_str())) {
        let hint = crate::core::suggest::hint(name, known.iter().copied(), |all| {
            if all.is_empty() {
                " (the spec has no `stages:`)".to_owned()
            } else {
                format!(" (stages: {})", all.join(", "))
            }
        });
        return Err(format!("there is no stage `{name}`{hint}"));
    }
    Ok(build_selected(spec, app, stages))
}

/// [`build_stages`], once the stages named are known to be the spec's.
fn build_selected(spec: &AppSpec, mut app: App, stages: &[String]) -> App {
    if let Some(source) = &spec.source {
        app.set_locator(std::sync::Arc::new(super::locate::SpecLocator::new(
            spec,
            source.clone(),
        )));
    }
    let known: Vec<&str> = spec.stages.keys().map(String::as_str).collect();
    // Before the stacks: every stack inherits them, and names are generated with the prefix.
    for (k, v) in &spec.tags {
        app.tag(k, v);
    }
    if let Some(b) = &spec.permissions_boundary {
        app.set_permissions_boundary(b);
    }
    if let Some(p) = &spec.name_prefix {
        app.set_name_prefix(p);
    }
    if spec.stages.is_empty() {
        let mut built = Built::default();
        for (name, stack_spec) in &spec.stacks {
            let stack = app.add_stack(name.clone(), stack_spec.env.clone());
            built.current = name.to_string();
            build_stack(stack, stack_spec, spec, &mut built);
            guard_earlier_targets(&mut app, &mut built);
        }
        return app;
    }
    for (name, stage_spec) in &spec.stages {
        if !stages.is_empty() && !stages.contains(name) {
            continue;
        }
        let stage = match make_stage(name, stage_spec) {
            Ok(stage) => stage,
            Err(errors) => {
                errors.into_iter().for_each(|e| app.spec_error(e));
                continue;
            }
        };
        let stacks = match super::stage::staged_stacks(name, stage_spec, &spec.stacks) {
            Ok(stacks) => stacks,
            Err(errors) => {
                errors.into_iter().for_each(|e| app.spec_error(e));
                continue;
            }
        };
        let mut built = Built {
            stage: Some(name.clone()),
            stages: known.iter().map(|s| (*s).to_owned()).collect(),
            ..Built::default()
        };
        for (stack_name, stack_spec) in &stacks {
            let stack = app.add_stage_stack(&stage, stack_name, &stack_spec.env);
            built.current = stack_name.to_string();
            build_stack(stack, stack_spec, spec, &mut built);
            guard_earlier_targets(&mut app, &mut built);
        }
    }
    app
}

/// Wires the functions of earlier stacks that the stack just built targets (their alarms and
/// failed-event queue, in the function's own stack, which deploys first): with a topic of that
/// stack, `<function>/Alerts`, unless a rule of its own stack wired them already.
fn guard_earlier_targets(app: &mut App, built: &mut Built) {
    for function in std::mem::take(&mut built.earlier_targets) {
        let Some(stack) = app.stack_mut(&function.reference.stack) else {
            continue;
        };
        if is_async_guarded(stack, &function) {
            continue;
        }
        let topic_path = stack.child(&function.path, "Alerts");
        let alerts = Topic::new(stack, topic_path, &TopicProps::default());
        guard_async_target(stack, &function, &alerts);
    }
}

/// The stage `name` of the spec: its environment, tags, boundary and prefix.
fn make_stage(name: &str, spec: &super::model::StageSpec) -> Result<Stage, Vec<String>> {
    let at = |e: String| format!("stages.{name}: {e}");
    let mut stage = Stage::new(name, spec.env.clone()).map_err(|e| vec![at(e)])?;
    let mut errors = Vec::new();
    for (k, v) in &spec.tags {
        if let Err(e) = stage.tag(k, v) {
            errors.push(e);
        }
    }
    if let Some(b) = &spec.permissions_boundary
        && let Err(e) = stage.set_permissions_boundary(b)
    {
        errors.push(e);
    }
    if let Some(p) = &spec.name_prefix
        && let Err(e) = stage.set_name_prefix(p)
    {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok(stage)
    } else {
        Err(errors)
    }
}

/// What earlier stacks built that later ones refer to, by (stack, id).
#[derive(Default)]
struct Built {
    patterns: BTreeMap<(String, String), StreamToBus>,
    buses: BTreeMap<(String, String), EventBus>,
    functions: BTreeMap<(String, String), Function>,
    /// Functions of earlier stacks that rules of the stack being built target.
    earlier_targets: Vec<Function>,
    /// By bus identity: the contracts of the patterns publishing to it, and whether every one
    /// of them has a contract (only then are rules on the bus checked against them).
    publishers: BTreeMap<String, (Vec<EventContract>, bool)>,
    /// A pattern's bus did not resolve (reported): any bus may have a publisher more.
    unresolved_publisher: bool,
    /// The name of the stack being built, as the spec writes it (without its stage).
    current: String,
    /// The stage being built, and every stage of the spec.
    stage: Option<String>,
    stages: Vec<String>,
}

impl Built {
    fn publishes(&mut self, bus: &EventBus, contract: Option<&EventContract>) {
        let entry = self
            .publishers
            .entry(bus.identity())
            .or_insert_with(|| (Vec::new(), true));
        match contract {
            Some(c) => entry.0.push(c.clone()),
            None => entry.1 = false,
        }
    }

    /// The contracts rules on `bus` are checked against: none unless every publisher has one.
    fn contracts_of(&self, bus: &EventBus) -> Vec<&EventContract> {
        match self.publishers.get(&bus.identity()) {
            Some((contracts, true)) if !self.unresolved_publisher => contracts.iter().collect(),
            _ => Vec::new(),
        }
    }
}

fn build_stack(stack: &mut Stack, spec: &StackSpec, app: &AppSpec, built: &mut Built) {
    if let Some(d) = &spec.description {
        stack.set_description(d.clone());
    }
    stack.set_termination_protection(spec.termination_protection);
    for (k, v) in &spec.tags {
        stack.add_tag(k, v);
    }
    if let Some(b) = &spec.permissions_boundary {
        stack.set_permissions_boundary(b);
    }
    if let Some(p) = &spec.name_prefix {
        stack.set_name_prefix(p);
    }
    for (path, id) in &spec.logical_id_overrides {
        // Both are validated types already; an override naming no resource fails the synth.
        let _ = stack.override_logical_id(path, id.as_str());
    }

    // Ids are unique within a stack across every kind of construct; a repeated one is reported
    // once, here, and its second construct is not built (it would only collide).
    let mut kinds: IndexMap<&str, &str> = IndexMap::new();
    let sections = [
        ("topic", spec.topics.keys().collect::<Vec<_>>()),
        ("queue", spec.queues.keys().collect()),
        ("bus", spec.buses.keys().collect()),
        ("function", spec.functions.keys().collect()),
        ("stream-to-bus pattern", spec.stream_to_bus.keys().collect()),
        ("HTTP API", spec.http_apis.keys().collect()),
        ("rule", spec.rules.keys().collect()),
    ];
    for (kind, ids) in sections {
        for id in ids {
            match kinds.get(id.as_str()) {
                Some(first) => {
                    let path = crate::core::ConstructPath::root(stack.name()).child(id.as_str());
                    stack.error(
                        &path,
                        format!("`{id}` names both a {first} and a {kind}; ids must be unique within a stack"),
                    );
                }
                None => {
                    kinds.insert(id.as_str(), kind);
                }
            }
        }
    }
    let first_of_its_name = |id: &str, kind: &str| kinds.get(id) == Some(&kind);
    let (contracts, spec_dir) = (&app.contracts, &app.dir);

    let mut topics: IndexMap<String, Topic> = IndexMap::new();
    for (id, topic) in &spec.topics {
        let path = stack.construct(id.as_str());
        tag(stack, &path, &topic.tags);
        topics.insert(id.to_string(), Topic::new(stack, path, &topic.props()));
    }

    let mut queues: IndexMap<String, Queue> = IndexMap::new();
    for (id, queue) in &spec.queues {
        if !first_of_its_name(id.as_str(), "queue") {
            continue;
        }
        let path = stack.construct(id.as_str());
        tag(stack, &path, &queue.tags);
        queues.insert(id.to_string(), Queue::new(stack, path, &queue.props()));
    }

    for (id, props) in &spec.buses {
        if !first_of_its_name(id.as_str(), "bus") {
            continue;
        }
        let path = stack.construct(id.as_str());
        let bus = EventBus::new(stack, path, props);
        built
            .buses
            .insert((built.current.clone(), id.to_string()), bus);
    }

    let mut functions: IndexMap<String, Function> = IndexMap::new();
    for (id, props) in &spec.functions {
        if !first_of_its_name(id.as_str(), "function") {
            continue;
        }
        let path = stack.construct(id.as_str());
        let props = relative_to(spec_dir, props);
        let function = Function::new(stack, path, &props);
        built
            .functions
            .insert((built.current.clone(), id.to_string()), function.clone());
        functions.insert(id.to_string(), function);
    }

    for (id, p) in &spec.stream_to_bus {
        if !first_of_its_name(id.as_str(), "stream-to-bus pattern") {
            continue;
        }
        let path = stack.construct(id.as_str());
        let alerts = match &p.alert_topic {
            Some(name) => lookup(stack, &path, "alertTopic", "topic", name, &topics),
            None => None,
        };
        let (own_bus, publish_to) = match &p.bus {
            BusSpec::Own(props) => ((**props).clone(), None),
            BusSpec::Named(name) => (
                EventBusProps::default(),
                lookup_bus(stack, &path, "bus", name, built),
            ),
        };
        if matches!(p.bus, BusSpec::Named(_)) && publish_to.is_none() {
            // Reported. The pattern is still built (on a bus of its own), so that nothing else
            // is reported for want of it; rules are not checked against contracts, as which
            // bus this one publishes to is unknown.
            built.unresolved_publisher = true;
        }
        let props = StreamToBusProps {
            table: p.table.clone(),
            publisher: relative_to(spec_dir, &p.publisher),
            stream: p.stream.clone(),
            on_failure: p.on_failure,
            dead_letter_queue: p.dead_letter_queue.clone(),
            failed_batches: p.failed_batches,
            bus: own_bus,
            publish_to,
            alarms: p.alarms.clone(),
            // Read (or refused, with the file's errors) when the spec was loaded.
            events: p.events.as_ref().and_then(|file| {
                let contract = contracts.get(file).cloned();
                if contract.is_none() {
                    stack.error(
                        &path,
                        format!("events: the contract file `{file}` was not read (specs built by hand must fill `AppSpec::contracts`)"),
                    );
                }
                contract
            }),
        };
        for s in &p.suppress {
            stack.suppress(&path, s.clone());
        }
        tag(stack, &path, &p.tags);
        let pattern = StreamToBus::new(stack, path.clone(), &props, alerts.as_ref());
        built.publishes(&pattern.bus, props.events.as_ref());
        for (i, writer) in p.writers.iter().enumerate() {
            let field = match writer {
                WriterSpec::Function(_) => format!("writers[{i}]"),
                WriterSpec::WithAccess(_) => format!("writers[{i}].function"),
            };
            if let Some(f) = lookup(
                stack,
                &path,
                &field,
                "function",
                writer.function(),
                &functions,
            ) {
                pattern.add_writer_with(stack, &f, writer.access());
            }
        }
        built
            .patterns
            .insert((built.current.clone(), id.to_string()), pattern);
    }

    for (id, api_spec) in &spec.http_apis {
        if !first_of_its_name(id.as_str(), "HTTP API") {
            continue;
        }
        let path = stack.construct(id.as_str());
        let props = HttpApiProps {
            throttling: api_spec.throttling,
            access_log_retention_days: api_spec.access_log_retention_days,
            description: api_spec.description.clone(),
            alarms: api_spec.alarms.clone(),
            cors: api_spec.cors.clone(),
            suppress: api_spec.suppress.clone(),
        };
        tag(stack, &path, &api_spec.tags);
        let alerts = match &api_spec.alert_topic {
            Some(name) => lookup(stack, &path, "alertTopic", "topic", name, &topics),
            None => None,
        };
        let api = HttpApi::new(stack, path.clone(), &props, alerts.as_ref());
        let mut authorizers: IndexMap<String, JwtAuthorizer> = IndexMap::new();
        for (authorizer_id, a) in &api_spec.authorizers {
            let authorizer = api.add_jwt_authorizer(stack, authorizer_id.as_str(), &a.jwt);
            authorizers.insert(authorizer_id.to_string(), authorizer);
        }
        // `None` when it names no authorizer (reported): its routes are not built then.
        let default_auth = match &api_spec.default_auth {
            Some(a) => route_auth(stack, &path, "defaultAuth", a, &authorizers),
            None => Some(RouteAuth::None),
        };
        for (i, route) in api_spec.routes.iter().enumerate() {
            let auth = match &route.auth {
                Some(a) => route_auth(stack, &path, &format!("routes[{i}].auth"), a, &authorizers),
                None => default_auth.clone(),
            };
            let function = lookup(
                stack,
                &path,
                &format!("routes[{i}].function"),
                "function",
                &route.function,
                &functions,
            );
            if let (Some(f), Some(auth)) = (function, auth) {
                api.add_route(stack, route.method, &route.path, &f, &auth);
            }
        }
    }

    for (id, rule_spec) in &spec.rules {
        if !first_of_its_name(id.as_str(), "rule") {
            continue;
        }
        let path = stack.construct(id.as_str());
        for s in &rule_spec.suppress {
            stack.suppress(&path, s.clone());
        }
        tag(stack, &path, &rule_spec.tags);
        let Some((bus, pattern_alerts)) = rule_bus(stack, &path, "bus", &rule_spec.bus, built)
        else {
            continue;
        };
        let alerts = match &rule_spec.alert_topic {
            Some(name) => match lookup(stack, &path, "alertTopic", "topic", name, &topics) {
                Some(t) => Some(t),
                None => continue,
            },
            None => pattern_alerts,
        };
        let mut targets = Vec::new();
        for (i, t) in rule_spec.targets.iter().enumerate() {
            let at = Resolving {
                path: &path,
                field: format!("targets[{i}]"),
            };
            if let Some(target) = target(stack, &at, t, &functions, &queues, built) {
                targets.push(target);
            }
        }
        if targets.len() < rule_spec.targets.len() {
            // A target that names nothing is reported; the rule is not built without it (its
            // target count would be reported too, as if the spec had fewer).
            continue;
        }
        let props = RuleProps {
            pattern: rule_spec.pattern.clone(),
            description: rule_spec.description.clone(),
            enabled: rule_spec.enabled,
        };
        let alerts = match alerts {
            Some(t) => t,
            None => {
                let p = stack.child(&path, "Alerts");
                Topic::new(stack, p, &TopicProps::default())
            }
        };
        let contracts = built.contracts_of(&bus);
        add_rule_on(stack, path, &bus, &contracts, &props, &targets, &alerts);
    }
}

/// Where a name is being resolved: the construct and the field that holds the name.
struct Resolving<'p> {
    path: &'p ConstructPath,
    field: String,
}

/// A rule's target from its spec, or `None` after reporting what it names that is not there.
fn target(
    stack: &mut Stack,
    at: &Resolving,
    spec: &TargetSpec,
    functions: &IndexMap<String, Function>,
    queues: &IndexMap<String, Queue>,
    built: &mut Built,
) -> Option<Target> {
    let (path, field) = (at.path, at.field.as_str());
    let given: Vec<&str> = [
        spec.function.as_ref().map(|_| "function"),
        spec.queue.as_ref().map(|_| "queue"),
        spec.bus.as_ref().map(|_| "bus"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        let what = if given.is_empty() {
            "names nothing".to_owned()
        } else {
            format!("names a {}", given.join(" and a "))
        };
        stack.error(
            path,
            format!("{field}: a target {what}; give exactly one of `function`, `queue` or `bus`"),
        );
        return None;
    }
    let kind = if let Some(name) = &spec.function {
        let field = format!("{field}.function");
        if name.contains('/') {
            let key = qualified(&built.current, name);
            let Some(f) = built.functions.get(&key).cloned() else {
                let known: Vec<(String, String)> = built.functions.keys().cloned().collect();
                report_dangling(stack, path, built, (&field, name), &key, &known, "function");
                return None;
            };
            if f.reference.stack != *stack.name() && !built.earlier_targets.contains(&f) {
                built.earlier_targets.push(f.clone());
            }
            TargetKind::Function(f)
        } else {
            TargetKind::Function(lookup(stack, path, &field, "function", name, functions)?)
        }
    } else if let Some(name) = &spec.queue {
        let field = format!("{field}.queue");
        if name.contains('/') && qualified(&built.current, name).0 != built.current {
            stack.error(
                path,
                format!("{field}: `{name}` is a queue of another stack; a queue target must be of the rule's stack (the queue's one policy, which lets the rule send, is written where the queue is): write `Id` of `queues:` of this stack"),
            );
            return None;
        }
        let id = name.rsplit('/').next().unwrap_or(name);
        TargetKind::Queue(lookup(stack, path, &field, "queue", id, queues)?)
    } else if let Some(name) = &spec.bus {
        let field = format!("{field}.bus");
        let (bus, _) = rule_bus(stack, path, &field, name, built)?;
        TargetKind::Bus(bus)
    } else {
        return None;
    };
    if matches!(kind, TargetKind::Bus(_)) && spec.retry.is_some() {
        stack.error(
            path,
            format!(
                "{field}.retry: {}",
                crate::constructs::rule::NO_BUS_TARGET_RETRY
            ),
        );
        return None;
    }
    Some(Target {
        kind,
        retry: spec.retry.unwrap_or_default(),
    })
}

/// The bus a rule names, and the alert topic of the pattern it names (if it names one): a
/// pattern (`Id`, `Stack/Id`), a bus of `buses:`, or an existing bus by ARN.
fn rule_bus(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    name: &str,
    built: &Built,
) -> Option<(EventBus, Option<Topic>)> {
    if let Some(existing) = existing_bus(stack, path, field, name) {
        return existing.map(|bus| (bus, None));
    }
    let key = qualified(&built.current, name);
    if let Some(p) = built.patterns.get(&key) {
        return Some((p.bus.clone(), Some(p.alerts.clone())));
    }
    if let Some(b) = built.buses.get(&key) {
        return Some((b.clone(), None));
    }
    let known: Vec<(String, String)> = built
        .patterns
        .keys()
        .chain(built.buses.keys())
        .cloned()
        .collect();
    report_dangling(
        stack,
        path,
        built,
        (field, name),
        &key,
        &known,
        "bus or stream-to-bus pattern",
    );
    None
}

/// A bus a pattern publishes to: one of `buses:` by `Id` or `Stack/Id`, or an existing bus by ARN.
fn lookup_bus(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    name: &str,
    built: &Built,
) -> Option<EventBus> {
    if let Some(existing) = existing_bus(stack, path, field, name) {
        return existing;
    }
    let key = qualified(&built.current, name);
    if let Some(b) = built.buses.get(&key) {
        return Some(b.clone());
    }
    let known: Vec<(String, String)> = built.buses.keys().cloned().collect();
    report_dangling(stack, path, built, (field, name), &key, &known, "bus");
    None
}

/// For a `name` that is an ARN: the existing bus it names, or `None` after reporting why it is
/// not an event bus ARN. `None` for a name that is not an ARN.
fn existing_bus(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    name: &str,
) -> Option<Option<EventBus>> {
    if !name.starts_with("arn:") {
        return None;
    }
    Some(match EventBus::existing(path.child("Bus"), name) {
        Ok(bus) => Some(bus),
        Err(e) => {
            stack.error(path, format!("{field}: {e}"));
            None
        }
    })
}

/// `(stack, id)` of `Id` (in stack `current`) or `Stack/Id`.
fn qualified(current: &str, name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((s, id)) => (s.to_owned(), id.to_owned()),
        None => (current.to_owned(), name.to_owned()),
    }
}

/// Reports a name (`field: name`) that resolves to nothing among `known` (earlier stacks' and
/// this stack's constructs of `kind`, by the stack names the spec writes), with the closest one.
fn report_dangling(
    stack: &mut Stack,
    path: &ConstructPath,
    built: &Built,
    (field, name): (&str, &str),
    key: &(String, String),
    known: &[(String, String)],
    kind: &str,
) {
    let current = built.current.as_str();
    // `prod-Orders/Bus` from a stack of stage `dev`: the stages are copies of one app, and
    // one stage's stacks refer only to their own stage's.
    if let Some(stage) = &built.stage
        && let Some(other) = built.stages.iter().find(|s| {
            key.0
                .strip_prefix(s.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some()
        })
    {
        let base = &key.0[other.len() + 1..];
        let message = if other == stage {
            format!(
                "{field}: `{name}` names a stack by its staged name; within stage `{stage}` write `{base}/{}`",
                key.1
            )
        } else {
            format!(
                "{field}: `{name}` is in stage `{other}`, and a stack of stage `{stage}` refers only to stacks of its own stage (write `{base}/{}` for this stage's copy, or an ARN for a resource of another environment)",
                key.1
            )
        };
        stack.error(path, message);
        return;
    }
    if StackName::new(key.0.clone()).is_ok()
        && key.0 != current
        && !known.iter().any(|(s, _)| *s == key.0)
    {
        stack.error(
            path,
            format!("{field}: stack `{}` has no {kind}s, or comes after `{current}` (a stack may only refer to earlier stacks)", key.0),
        );
        return;
    }
    let names: Vec<String> = known
        .iter()
        .map(|(s, id)| {
            if s == current {
                id.clone()
            } else {
                format!("{s}/{id}")
            }
        })
        .collect();
    let hint = suggestion(name, names.iter().map(String::as_str), kind);
    stack.error(path, format!("{field}: there is no {kind} `{name}`{hint}"));
}

/// Tags the construct at `path` (and everything under it).
fn tag(stack: &mut Stack, path: &ConstructPath, tags: &BTreeMap<String, String>) {
    for (k, v) in tags {
        stack.tag(path, k, v);
    }
}

/// Finds a construct of this stack by id, or reports the dangling name with the closest one.
fn lookup<T: Clone>(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    kind: &str,
    name: &str,
    known: &IndexMap<String, T>,
) -> Option<T> {
    if let Some(found) = known.get(name) {
        return Some(found.clone());
    }
    let hint = suggestion(name, known.keys().map(String::as_str), kind);
    stack.error(
        path,
        format!(
            "{field}: there is no {kind} `{name}` in stack `{}`{hint}",
            stack.name()
        ),
    );
    None
}

/// A route's auth, its authorizer found by id among the API's, or `None` after reporting the
/// dangling name with the closest one.
fn route_auth(
    stack: &mut Stack,
    path: &ConstructPath,
    field: &str,
    auth: &RouteAuthSpec,
    authorizers: &IndexMap<String, JwtAuthorizer>,
) -> Option<RouteAuth> {
    match auth {
        RouteAuthSpec::Iam => Some(RouteAuth::Iam),
        RouteAuthSpec::None => Some(RouteAuth::None),
        RouteAuthSpec::Jwt(jwt) => {
            if let Some(authorizer) = authorizers.get(&jwt.jwt) {
                return Some(RouteAuth::Jwt {
                    authorizer: authorizer.clone(),
                    scopes: jwt.scopes.clone(),
                });
            }
            let hint = suggestion(
                &jwt.jwt,
                authorizers.keys().map(String::as_str),
                "authorizer",
            );
            stack.error(
                path,
                format!(
                    "{field}.jwt: there is no authorizer `{}` on this API (`authorizers:`){hint}",
                    jwt.jwt
                ),
            );
            None
        }
    }
}

/// `props` with a relative `code` path made relative to the spec's directory.
fn relative_to(dir: &Path, props: &FunctionProps) -> FunctionProps {
    let mut props = props.clone();
    if let Some(code) = &props.code
        && code.is_relative()
    {
        props.code = Some(dir.join(code));
    }
    props
}

fn suggestion<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, kind: &str) -> String {
    crate::core::suggest::hint(name, candidates, |all| {
        if all.is_empty() {
            format!(" (it has no {kind}s)")
        } else {
            format!(" (known: {})", all.join(", "))
        }
    })
}

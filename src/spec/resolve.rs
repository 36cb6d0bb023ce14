//! Spec -> constructs: creates every construct of every stack in a fixed order (topics,
//! functions, patterns and their writers, HTTP APIs, rules), resolving names to handles. A name
//! that resolves to nothing is reported at the construct that used it, with the closest name.

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;

use super::model::{AppSpec, RouteAuthSpec, StackSpec};
use crate::assets::Workspace;
use crate::constructs::{
    Function, FunctionProps, HttpApi, HttpApiProps, JwtAuthorizer, RouteAuth, RuleProps, Target,
    TargetKind, Topic,
};
use crate::core::{App, ConstructPath, Stack, StackName};
use crate::patterns::{StreamToBus, StreamToBusProps};

/// Builds the app a spec describes; handlers are the binaries of the cargo workspace at `root`.
pub fn build(spec: &AppSpec, root: &Path) -> App {
    build_into(spec, App::new(Workspace::open(root)))
}

/// Builds the app a spec describes into `app` (e.g. one over a shared or a naming resolver).
pub fn build_into(spec: &AppSpec, mut app: App) -> App {
    if let Some(source) = &spec.source {
        app.set_locator(std::sync::Arc::new(super::locate::SpecLocator::new(
            spec,
            source.clone(),
        )));
    }
    // Patterns of earlier stacks, for rules that attach to them: (stack, id) -> pattern.
    let mut patterns: BTreeMap<(String, String), StreamToBus> = BTreeMap::new();
    for (name, stack_spec) in &spec.stacks {
        let stack = app.add_stack(name.clone(), stack_spec.env.clone());
        build_stack(stack, stack_spec, spec, &mut patterns);
    }
    app
}

fn build_stack(
    stack: &mut Stack,
    spec: &StackSpec,
    app: &AppSpec,
    patterns: &mut BTreeMap<(String, String), StreamToBus>,
) {
    if let Some(d) = &spec.description {
        stack.set_description(d.clone());
    }
    stack.set_termination_protection(spec.termination_protection);
    for (path, id) in &spec.logical_id_overrides {
        // Both are validated types already; an override naming no resource fails the synth.
        let _ = stack.override_logical_id(path, id.as_str());
    }

    // Ids are unique within a stack across every kind of construct; a repeated one is reported
    // once, here, and its second construct is not built (it would only collide).
    let mut kinds: IndexMap<&str, &str> = IndexMap::new();
    let sections = [
        ("topic", spec.topics.keys().collect::<Vec<_>>()),
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
    for (id, props) in &spec.topics {
        let path = stack.construct(id.as_str());
        topics.insert(id.to_string(), Topic::new(stack, path, props));
    }

    let mut functions: IndexMap<String, Function> = IndexMap::new();
    for (id, props) in &spec.functions {
        if !first_of_its_name(id.as_str(), "function") {
            continue;
        }
        let path = stack.construct(id.as_str());
        let props = relative_to(spec_dir, props);
        functions.insert(id.to_string(), Function::new(stack, path, &props));
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
        let props = StreamToBusProps {
            table: p.table.clone(),
            publisher: relative_to(spec_dir, &p.publisher),
            stream: p.stream.clone(),
            on_failure: p.on_failure,
            dead_letter_queue: p.dead_letter_queue.clone(),
            bus: p.bus.clone(),
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
        let pattern = StreamToBus::new(stack, path.clone(), &props, alerts.as_ref());
        for (i, writer) in p.writers.iter().enumerate() {
            if let Some(f) = lookup(
                stack,
                &path,
                &format!("writers[{i}]"),
                "function",
                writer,
                &functions,
            ) {
                pattern.add_writer(stack, &f);
            }
        }
        patterns.insert((stack.name().to_string(), id.to_string()), pattern);
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
            cors: api_spec.cors.clone(),
            suppress: api_spec.suppress.clone(),
        };
        let api = HttpApi::new(stack, path.clone(), &props);
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
        let Some(pattern) = lookup_pattern(stack, &path, &rule_spec.bus, patterns) else {
            continue;
        };
        let mut targets = Vec::new();
        for (i, t) in rule_spec.targets.iter().enumerate() {
            if let Some(f) = lookup(
                stack,
                &path,
                &format!("targets[{i}].function"),
                "function",
                &t.function,
                &functions,
            ) {
                targets.push(Target {
                    kind: TargetKind::Function(f),
                    retry: t.retry,
                });
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
        pattern.add_rule(stack, path, &props, &targets);
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

fn lookup_pattern(
    stack: &mut Stack,
    path: &ConstructPath,
    name: &str,
    patterns: &BTreeMap<(String, String), StreamToBus>,
) -> Option<StreamToBus> {
    let key = match name.split_once('/') {
        Some((s, id)) => (s.to_owned(), id.to_owned()),
        None => (stack.name().to_string(), name.to_owned()),
    };
    if let Some(p) = patterns.get(&key) {
        return Some(p.clone());
    }
    if StackName::new(key.0.clone()).is_ok()
        && key.0 != stack.name().as_str()
        && !patterns.keys().any(|(s, _)| *s == key.0)
    {
        stack.error(
            path,
            format!("bus: stack `{}` has no stream-to-bus patterns, or comes after `{}` (a stack may only refer to earlier stacks)", key.0, stack.name()),
        );
        return None;
    }
    let names: Vec<String> = patterns
        .keys()
        .map(|(s, id)| {
            if s == stack.name().as_str() {
                id.clone()
            } else {
                format!("{s}/{id}")
            }
        })
        .collect();
    let hint = suggestion(name, names.iter().map(String::as_str), "pattern");
    stack.error(
        path,
        format!("bus: there is no stream-to-bus pattern `{name}`{hint}"),
    );
    None
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

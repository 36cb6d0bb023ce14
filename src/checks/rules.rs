//! The rules' checks, each over one stack's template (looking into other stacks for what a
//! reference points at).

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::*;
use crate::constructs::BusArn;
use crate::constructs::alarm::{self, ON_FAILURE_DELIVERED_METRIC, QUEUE_DEPTH_METRIC};
use crate::constructs::limits::{self, MESSAGE_RETENTION_SECONDS, STACK_OUTPUTS};
use crate::constructs::pattern::{self, Dialect};
use crate::core::cfn::{Attr, ResourceType, iam};
use crate::core::{Effect, Reference, RemovalPolicy, Resource, Template, Value};

/// Resolves references across the app's stacks.
struct App<'a>(&'a IndexMap<StackName, StackParts>);

impl<'a> App<'a> {
    /// The resource a `Ref` or `GetAtt` points at, with the attribute (`None` for `Ref`).
    fn target(&self, v: &Value) -> Option<(&'a Resource, &'a LogicalId, Option<Attr>)> {
        let (r, attr) = match v {
            Value::Ref(r) => (r, None),
            Value::GetAtt(r, a) => (r, Some(*a)),
            _ => return None,
        };
        let stack = self.0.get(&r.stack)?;
        let (id, resource) = stack.template.resources.get_key_value(&r.logical_id)?;
        Some((&**resource, id, attr))
    }

    fn templates(&self) -> impl Iterator<Item = &'a Template> {
        self.0.values().map(|p| &p.template)
    }
}

/// A nested property: `props(r, &["DestinationConfig", "OnFailure", "Destination"])`.
fn prop<'v>(r: &'v Resource, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(r.properties.get(first)?, |v, key| match v {
            Value::Map(m) => m.get(key),
            _ => None,
        })
}

/// Every finding of every stack, by stack.
pub(super) fn check(parts: &IndexMap<StackName, StackParts>) -> Vec<(StackName, Vec<Finding>)> {
    let app = App(parts);
    // One pass over the app's alarms serves both the destination rules and TRB023.
    let signals = Alarms::of(&app);
    let alarms = alarmed(&signals);
    parts
        .iter()
        .map(|(name, p)| {
            let mut out = check_stack(&app, &alarms, name, &p.template);
            failure_paths(&app, &signals, name, &p.template, &mut out);
            (name.clone(), out)
        })
        .collect()
}

fn check_stack(app: &App, alarms: &Alarmed, stack: &StackName, t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    mappings(app, t, &mut out);
    destinations(app, alarms, stack, t, &mut out);
    rules_and_patterns(app, t, &mut out);
    queue_urls(app, t, &mut out);
    log_retention(app, t, &mut out);
    iam_wildcards(t, &mut out);
    retention(t, &mut out);
    sizes(stack, t, &mut out);
    routes(t, &mut out);
    out
}

/// Whether a mapping reads a DynamoDB or Kinesis stream (the sources TRB001-TRB007 are about):
/// its source is a table's `StreamArn` or a Kinesis stream, an ARN (literal, `Fn::Sub`,
/// `Fn::Join`) of a stream, an import whose name says `stream`, or it sets a property only
/// stream mappings have. Queues, Kafka, MQ and DocumentDB sources are not streams.
fn reads_a_stream(app: &App, r: &Resource, source: &Value) -> bool {
    /// Properties only DynamoDB and Kinesis mappings take.
    const STREAM_ONLY: [&str; 5] = [
        "BisectBatchOnFunctionError",
        "MaximumRecordAgeInSeconds",
        "MaximumRetryAttempts",
        "ParallelizationFactor",
        "TumblingWindowInSeconds",
    ];
    let kind = match app.target(source) {
        Some((table, _, Some(Attr::StreamArn))) if table.kind == ResourceType::DynamoDbTable => {
            Some(true)
        }
        Some((target, _, _)) => Some(target.kind == ResourceType::KinesisStream),
        None => arn_text(source).and_then(|arn| {
            let arn = arn.to_ascii_lowercase();
            if arn.contains(":dynamodb:") && arn.contains("/stream/") || arn.contains(":kinesis:") {
                Some(true)
            } else if [":sqs:", ":kafka:", ":mq:", ":rds:", ":docdb"]
                .iter()
                .any(|s| arn.contains(s))
            {
                Some(false)
            } else {
                None
            }
        }),
    };
    kind.unwrap_or_else(|| {
        let imported_stream = matches!(source, Value::ImportValue(name)
            if arn_text(name).is_some_and(|n| n.to_ascii_lowercase().contains("stream")));
        imported_stream
            || prop(r, &["StartingPosition"]).is_some()
            || STREAM_ONLY.iter().any(|p| r.properties.get(p).is_some())
    })
}

/// The literal text of a value: a string, a `Fn::Sub` template, or a `Fn::Join` of its literal
/// parts (references left out).
fn arn_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) | Value::Sub(s, _) => Some(s.to_string()),
        Value::Join(separator, parts) => Some(
            parts
                .iter()
                .map(|p| arn_text(p).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(separator),
        ),
        _ => None,
    }
}

/// TRB001-TRB008: the stream mappings.
fn mappings(app: &App, t: &Template, out: &mut Vec<Finding>) {
    let mut readers: Vec<(&Value, usize)> = Vec::new();
    for (id, r) in t
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceType::LambdaEventSourceMapping)
    {
        let Some(source) = r.properties.get("EventSourceArn") else {
            continue;
        };
        if !reads_a_stream(app, r, source) {
            continue;
        }
        if prop(r, &["DestinationConfig", "OnFailure", "Destination"]).is_none() {
            out.push(Finding::new(
                &NO_ON_FAILURE_DESTINATION,
                id,
                "the mapping has no on-failure destination",
            ));
        }
        match prop(r, &["MaximumRetryAttempts"]) {
            None | Some(Value::Int(-1)) => out.push(Finding::new(
                &INFINITE_RETRIES,
                id,
                "the mapping retries a failing batch forever",
            )),
            _ => {}
        }
        match prop(r, &["MaximumRecordAgeInSeconds"]) {
            None | Some(Value::Int(-1)) => out.push(Finding::new(
                &UNLIMITED_RECORD_AGE,
                id,
                "the mapping has no maximum record age",
            )),
            Some(Value::Int(age @ 1..=59)) => out.push(Finding::new(
                &RECORD_AGE_UNDER_60,
                id,
                format!("MaximumRecordAgeInSeconds is {age}"),
            )),
            _ => {}
        }
        if prop(r, &["BisectBatchOnFunctionError"]) != Some(&Value::Bool(true)) {
            out.push(Finding::new(
                &BISECT_OFF,
                id,
                "the mapping does not bisect failed batches",
            ));
        }
        if prop(r, &["StartingPosition"]).is_none() {
            out.push(Finding::new(
                &NO_STARTING_POSITION,
                id,
                "the mapping has no StartingPosition",
            ));
        }
        if let Some((table, table_id, Some(Attr::StreamArn))) = app.target(source)
            && table.kind == ResourceType::DynamoDbTable
            && table.properties.get("StreamSpecification").is_none()
        {
            out.push(Finding::new(
                &TABLE_WITHOUT_STREAM,
                id,
                format!(
                    "EventSourceArn is the StreamArn of table `{table_id}`, which has no stream"
                ),
            ));
        }
        match readers.iter_mut().find(|(s, _)| *s == source) {
            Some((_, n)) => {
                *n += 1;
                if *n == 3 {
                    out.push(Finding::new(
                        &TOO_MANY_STREAM_READERS,
                        id,
                        "this is the third mapping on the same stream",
                    ));
                }
            }
            None => readers.push((source, 1)),
        }
    }
}

/// The queues whose depth, and the mappings whose given-up records, an alarm of the app watches
/// (sets: a linear scan per destination made the check quadratic in the app's size).
struct Alarmed<'a> {
    /// Queues, by the reference their `QueueName` dimension is read from.
    queues: HashSet<&'a Reference>,
    /// Mappings, by the reference their `EventSourceMappingUUID` dimension is.
    mappings: HashSet<&'a Reference>,
}

/// The dimension values of the app's alarms on queue depth and on given-up records.
fn alarmed<'a>(alarms: &Alarms<'a>) -> Alarmed<'a> {
    let mut out = Alarmed {
        queues: HashSet::new(),
        mappings: HashSet::new(),
    };
    for w in &alarms.watches {
        let set = match w.metric {
            QUEUE_DEPTH_METRIC => &mut out.queues,
            ON_FAILURE_DELIVERED_METRIC => &mut out.mappings,
            _ => continue,
        };
        for (_, v) in &w.dimensions {
            match (w.metric, v) {
                (QUEUE_DEPTH_METRIC, Value::GetAtt(r, Attr::QueueName))
                | (ON_FAILURE_DELIVERED_METRIC, Value::Ref(r)) => {
                    set.insert(r);
                }
                _ => {}
            }
        }
    }
    out
}

/// TRB009, TRB010: every dead-letter queue and on-failure destination is alarmed and keeps
/// messages 14 days.
fn destinations(
    app: &App,
    alarms: &Alarmed,
    stack: &StackName,
    t: &Template,
    out: &mut Vec<Finding>,
) {
    let queue_alarmed = |queue: &Value| match queue {
        Value::GetAtt(r, _) | Value::Ref(r) => alarms.queues.contains(r),
        _ => false,
    };
    let mut check_queue =
        |owner: &LogicalId, what: &str, destination: &Value, mapping: Option<&LogicalId>| {
            let mapping_alarmed = mapping.is_some_and(|m| {
                alarms.mappings.contains(&Reference {
                    stack: stack.clone(),
                    logical_id: m.clone(),
                })
            });
            let Some((resource, _, _)) = app.target(destination) else {
                return;
            };
            let is_queue = resource.kind == ResourceType::SqsQueue;
            if !(mapping_alarmed || is_queue && queue_alarmed(destination)) {
                out.push(Finding::new(
                    &DESTINATION_WITHOUT_ALARM,
                    owner,
                    format!("its {what} has no alarm"),
                ));
            }
            if is_queue {
                let retention = match prop(resource, &["MessageRetentionPeriod"]) {
                    Some(Value::Int(s)) => *s,
                    _ => 345_600,
                };
                if retention < MESSAGE_RETENTION_SECONDS.max {
                    out.push(Finding::new(
                        &SHORT_DLQ_RETENTION,
                        owner,
                        format!("its {what} keeps messages {retention} s, less than 14 days"),
                    ));
                }
            }
        };
    for (id, r) in t.resources.iter() {
        match r.kind {
            ResourceType::LambdaEventSourceMapping => {
                if let Some(d) = prop(r, &["DestinationConfig", "OnFailure", "Destination"]) {
                    check_queue(id, "on-failure destination", d, Some(id));
                }
            }
            ResourceType::LambdaEventInvokeConfig => {
                if let Some(d) = prop(r, &["DestinationConfig", "OnFailure", "Destination"]) {
                    check_queue(id, "on-failure destination", d, None);
                }
            }
            ResourceType::LambdaFunction => {
                if let Some(d) = prop(r, &["DeadLetterConfig", "TargetArn"]) {
                    check_queue(id, "dead-letter queue", d, None);
                }
            }
            ResourceType::EventsRule => {
                for target in targets(r) {
                    if let Some(Value::Map(dlq)) = target.get("DeadLetterConfig")
                        && let Some(arn) = dlq.get("Arn")
                    {
                        check_queue(id, "target dead-letter queue", arn, None);
                    }
                }
            }
            _ => {}
        }
    }
}

fn targets(rule: &Resource) -> impl Iterator<Item = &crate::core::Map> {
    let list = match rule.properties.get("Targets") {
        Some(Value::List(list)) => list.as_slice(),
        _ => &[],
    };
    list.iter().filter_map(|t| match t {
        Value::Map(m) => Some(m),
        _ => None,
    })
}

/// Whether a target's `Arn` is an event bus: a bus of the app, or a bus ARN written out.
fn is_bus_target(app: &App, arn: Option<&Value>) -> bool {
    match arn {
        Some(Value::Str(s)) => s.parse::<BusArn>().is_ok(),
        Some(v) => app
            .target(v)
            .is_some_and(|(r, _, _)| r.kind == ResourceType::EventsEventBus),
        None => false,
    }
}

/// TRB011: rule targets (an event bus target takes no retry policy: EventBridge has none for it).
fn rules_and_patterns(app: &App, t: &Template, out: &mut Vec<Finding>) {
    for (id, r) in t
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceType::EventsRule)
    {
        for (i, target) in targets(r).enumerate() {
            let required: &[&str] = if is_bus_target(app, target.get("Arn")) {
                &["DeadLetterConfig"]
            } else {
                &["DeadLetterConfig", "RetryPolicy"]
            };
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|k| target.get(k).is_none())
                .collect();
            if !missing.is_empty() {
                out.push(Finding::new(
                    &TARGET_WITHOUT_DLQ_OR_RETRY,
                    id,
                    format!("target {i} has no {}", missing.join(" and no ")),
                ));
            }
        }
    }
    patterns(t, out);
}

/// TRB012: every event pattern (of a rule, an archive, a mapping's filter criteria) is one its
/// service takes, checked by the one pattern validator the constructs use.
fn patterns(t: &Template, out: &mut Vec<Finding>) {
    for (id, r) in t.resources.iter() {
        let found: Vec<(String, &Value, Dialect)> = match r.kind {
            ResourceType::EventsRule => r
                .properties
                .get("EventPattern")
                .map(|p| ("EventPattern".to_owned(), p, Dialect::Rule))
                .into_iter()
                .collect(),
            ResourceType::EventsArchive => r
                .properties
                .get("EventPattern")
                .map(|p| ("EventPattern".to_owned(), p, Dialect::Archive))
                .into_iter()
                .collect(),
            ResourceType::LambdaEventSourceMapping => match prop(r, &["FilterCriteria", "Filters"])
            {
                Some(Value::List(filters)) => filters
                    .iter()
                    .enumerate()
                    .filter_map(|(i, f)| match f {
                        Value::Map(m) => m.get("Pattern").map(|p| {
                            (
                                format!("FilterCriteria.Filters[{i}].Pattern"),
                                p,
                                Dialect::LambdaFilter,
                            )
                        }),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for (property, value, dialect) in found {
            let checked = match value {
                Value::Json(json) => pattern::validate(json, dialect),
                Value::Str(text) => pattern::validate_text(text, dialect),
                // An intrinsic (`Fn::Sub`...) is only known at deploy time.
                _ => continue,
            };
            if let Err(e) = checked {
                out.push(Finding::new(&PATTERN_LEAF_NOT_ARRAY, id, e.at(&property)));
            }
        }
    }
}

/// TRB013: a queue's `Ref` (its URL) where an ARN is required.
fn queue_urls(app: &App, t: &Template, out: &mut Vec<Finding>) {
    let is_queue_url =
        |v: &Value| matches!(app.target(v), Some((r, _, None)) if r.kind == ResourceType::SqsQueue);
    for (id, r) in t.resources.iter() {
        let mut arns: Vec<(String, &Value)> = Vec::new();
        match r.kind {
            ResourceType::LambdaEventSourceMapping | ResourceType::LambdaEventInvokeConfig => {
                for kind in ["OnFailure", "OnSuccess"] {
                    if let Some(v) = prop(r, &["DestinationConfig", kind, "Destination"]) {
                        arns.push((format!("DestinationConfig.{kind}.Destination"), v));
                    }
                }
            }
            ResourceType::LambdaFunction => {
                if let Some(v) = prop(r, &["DeadLetterConfig", "TargetArn"]) {
                    arns.push(("DeadLetterConfig.TargetArn".to_owned(), v));
                }
            }
            ResourceType::EventsRule => {
                for (i, target) in targets(r).enumerate() {
                    if let Some(v) = target.get("Arn") {
                        arns.push((format!("Targets[{i}].Arn"), v));
                    }
                    if let Some(Value::Map(dlq)) = target.get("DeadLetterConfig")
                        && let Some(v) = dlq.get("Arn")
                    {
                        arns.push((format!("Targets[{i}].DeadLetterConfig.Arn"), v));
                    }
                }
            }
            _ => {}
        }
        if let Some(doc) = &r.policy_document {
            for (i, s) in doc.statements().iter().enumerate() {
                for v in &s.resources {
                    arns.push((format!("Statement[{i}].Resource"), v));
                }
            }
        }
        for (property, value) in arns {
            if is_queue_url(value) {
                out.push(Finding::new(
                    &QUEUE_URL_FOR_ARN,
                    id,
                    format!("{property} is a queue's URL"),
                ));
            }
        }
    }
}

/// TRB014: every function logs to a log group with a retention.
fn log_retention(app: &App, t: &Template, out: &mut Vec<Finding>) {
    for (id, r) in t
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceType::LambdaFunction)
    {
        let group = prop(r, &["LoggingConfig", "LogGroup"]).and_then(|v| app.target(v));
        let retained = group.is_some_and(|(g, _, _)| {
            g.kind == ResourceType::LogsLogGroup && g.properties.get("RetentionInDays").is_some()
        });
        if !retained {
            out.push(Finding::new(
                &NO_LOG_RETENTION,
                id,
                "the function's logs never expire",
            ));
        }
    }
}

/// TRB015: IAM allows with wildcard actions, or `*` resources beyond what AWS requires.
fn iam_wildcards(t: &Template, out: &mut Vec<Finding>) {
    let star_ok: Vec<&str> = iam::STREAM_LIST
        .iter()
        .chain(iam::XRAY_WRITE)
        .map(|a| a.as_str())
        .collect();
    for (id, r) in t.resources.iter() {
        let Some(doc) = &r.policy_document else {
            continue;
        };
        for s in doc
            .statements()
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            for action in &s.actions {
                if *action == "*" || action.ends_with(":*") {
                    out.push(Finding::new(
                        &IAM_WILDCARD,
                        id,
                        format!("it allows `{action}`"),
                    ));
                }
            }
            let star = s
                .resources
                .iter()
                .any(|v| matches!(v, Value::Str(s) if s == "*"));
            if star {
                for action in s.actions.iter().filter(|a| !star_ok.contains(a)) {
                    out.push(Finding::new(
                        &IAM_WILDCARD,
                        id,
                        format!("it allows `{action}` on resource `*`"),
                    ));
                }
            }
        }
    }
}

/// TRB016: stateful resources are retained.
fn retention(t: &Template, out: &mut Vec<Finding>) {
    const STATEFUL: [ResourceType; 4] = [
        ResourceType::DynamoDbTable,
        ResourceType::S3Bucket,
        ResourceType::LogsLogGroup,
        ResourceType::EventsArchive,
    ];
    for (id, r) in t
        .resources
        .iter()
        .filter(|(_, r)| STATEFUL.contains(&r.kind))
    {
        let kept = |p: Option<RemovalPolicy>| {
            matches!(p, Some(RemovalPolicy::Retain | RemovalPolicy::Snapshot))
        };
        if !(kept(r.deletion_policy) && kept(r.update_replace_policy)) {
            out.push(Finding::new(
                &STATEFUL_NOT_RETAINED,
                id,
                format!("the {} is deleted with the stack or on replacement", r.kind),
            ));
        }
    }
}

/// TRB017-TRB019: what CloudFormation counts per stack.
fn sizes(stack: &StackName, t: &Template, out: &mut Vec<Finding>) {
    let resources = t.resources.len();
    let whole = |rule: &'static Rule, message: String| Finding {
        rule,
        resource: None,
        message,
    };
    if resources > limits::STACK_RESOURCES {
        out.push(whole(
            &STACK_RESOURCES_MAX,
            format!("stack {stack} has {resources} resources"),
        ));
    } else if resources > limits::STACK_RESOURCES_WARN {
        out.push(whole(
            &STACK_RESOURCES_WARN,
            format!("stack {stack} has {resources} resources"),
        ));
    }
    for (what, n) in [
        ("outputs", t.outputs.len()),
        ("parameters", t.parameters.len()),
    ] {
        if n > STACK_OUTPUTS {
            out.push(whole(
                &TOO_MANY_OUTPUTS,
                format!("stack {stack} has {n} {what}"),
            ));
        }
    }
}

/// One alarm of the app, as TRB023 reads it: the metric it watches, with its dimensions, and
/// whether it has an action.
struct Watch<'a> {
    /// `None` when not a literal (such an alarm watches no metric TRB023 asks for).
    namespace: Option<&'a str>,
    metric: &'a str,
    /// By name (`None` when not a literal), each with its value.
    dimensions: Vec<(Option<&'a str>, &'a Value)>,
    acts: bool,
}

/// The app's alarms, for TRB023, indexed by what an exact match must share (one failure path
/// per resource, each looked up among the whole app's alarms: a scan would be quadratic).
struct Alarms<'a> {
    watches: Vec<Watch<'a>>,
    /// Indices into `watches`, by namespace, metric and anchor (see [`anchor`]).
    index: HashMap<AlarmKey<'a>, Vec<usize>>,
}

/// What an exact match of a failure path's alarm shares with it: namespace, metric, anchor.
type AlarmKey<'a> = (&'a str, &'a str, Option<Anchor<'a>>);

/// A dimension's name and the resource it references.
type Anchor<'a> = (&'a str, &'a Reference);

/// What every alarm on a metric with these dimensions shares: its least (name, referenced
/// resource) among the dimensions that reference a resource. Two exactly equal dimension sets
/// have the same anchor, so looking up only the anchor's bucket finds every match.
fn anchor<'a>(
    dimensions: impl Iterator<Item = (Option<&'a str>, &'a Value)>,
) -> Option<Anchor<'a>> {
    dimensions
        .filter_map(|(name, value)| match (name, value) {
            (Some(name), Value::Ref(r)) => Some((name, r)),
            _ => None,
        })
        .min()
}

impl<'a> Alarms<'a> {
    fn of(app: &App<'a>) -> Self {
        let mut out = Vec::new();
        for t in app.templates() {
            for r in t
                .resources
                .values()
                .filter(|r| r.kind == ResourceType::CloudWatchAlarm)
            {
                let Some(Value::Str(metric)) = r.properties.get("MetricName") else {
                    continue;
                };
                let namespace = match r.properties.get("Namespace") {
                    Some(Value::Str(ns)) => Some(ns.as_ref()),
                    _ => None,
                };
                let mut dimensions = Vec::new();
                if let Some(Value::List(list)) = r.properties.get("Dimensions") {
                    for d in list {
                        if let Value::Map(m) = d
                            && let Some(value) = m.get("Value")
                        {
                            let name = match m.get("Name") {
                                Some(Value::Str(name)) => Some(name.as_ref()),
                                _ => None,
                            };
                            dimensions.push((name, value));
                        }
                    }
                }
                let has_actions = matches!(r.properties.get("AlarmActions"), Some(Value::List(a)) if !a.is_empty());
                let enabled = r.properties.get("ActionsEnabled") != Some(&Value::Bool(false));
                out.push(Watch {
                    namespace,
                    metric,
                    dimensions,
                    acts: has_actions && enabled,
                });
            }
        }
        let mut index: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, w) in out.iter().enumerate() {
            if let Some(namespace) = w.namespace {
                let anchor = anchor(w.dimensions.iter().copied());
                index
                    .entry((namespace, w.metric, anchor))
                    .or_default()
                    .push(i);
            }
        }
        Self {
            watches: out,
            index,
        }
    }

    /// Whether an alarm with an action watches `metric` of `namespace` with exactly these
    /// dimensions (a metric with other dimensions is another metric); `None` when there is one
    /// but without an action.
    fn watch(&self, namespace: &str, metric: &str, dimensions: &[(&str, &Value)]) -> Coverage {
        let mut found = Coverage::None;
        let anchor = anchor(dimensions.iter().map(|(name, value)| (Some(*name), *value)));
        let Some(bucket) = self.index.get(&(namespace, metric, anchor)) else {
            return found;
        };
        for w in bucket.iter().map(|&i| &self.watches[i]) {
            if w.dimensions.len() != dimensions.len()
                || !dimensions.iter().all(|(name, value)| {
                    w.dimensions
                        .iter()
                        .any(|(n, v)| *n == Some(*name) && same_dimension(v, value))
                })
            {
                continue;
            }
            if w.acts {
                return Coverage::Acting;
            }
            found = Coverage::Silent;
        }
        found
    }
}

/// Whether an alarm covers a failure signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    None,
    /// An alarm watches it, but has no action (or its actions are off): nobody hears it.
    Silent,
    Acting,
}

/// Whether two dimension values name the same thing: equal, or references to one resource.
fn same_dimension(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Ref(x), Value::Ref(y)) => x == y,
        _ => a == b,
    }
}

/// The metric dimension value a property naming a function (by name or ARN) stands for: the
/// function's name (`Ref`).
fn function_name_of(v: &Value) -> Value {
    match v {
        Value::GetAtt(r, Attr::Arn) => Value::Ref(r.clone()),
        other => other.clone(),
    }
}

/// TRB023: every failure path of the stack has an alarm with an action on the metric its
/// service publishes, with the dimensions it publishes it under.
fn failure_paths(
    app: &App,
    alarms: &Alarms,
    stack: &StackName,
    t: &Template,
    out: &mut Vec<Finding>,
) {
    let mut require = |id: &LogicalId,
                       what: &str,
                       namespace: &str,
                       metric: &str,
                       dimensions: &[(&str, &Value)],
                       why: &str| {
        let coverage = alarms.watch(namespace, metric, dimensions);
        if coverage == Coverage::Acting {
            return;
        }
        let dims = dimensions
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(" and ");
        let state = match coverage {
            Coverage::Silent => "has an alarm without an action on",
            _ => "has no alarm on",
        };
        out.push(Finding::new(
            &UNALARMED_FAILURE_PATH,
            id,
            format!("{what} {state} {namespace} {metric} (dimensions {dims}): {why}"),
        ));
    };
    let reference = |id: &LogicalId| {
        Value::Ref(crate::core::Reference {
            stack: stack.clone(),
            logical_id: id.clone(),
        })
    };
    // Functions invoked asynchronously: by a rule, a topic or a bucket, or with an invoke config.
    // (function name, whether it has an on-failure destination, the resource that says so).
    let mut async_functions: Vec<(Value, bool, &LogicalId)> = Vec::new();
    fn note_async<'t>(
        list: &mut Vec<(Value, bool, &'t LogicalId)>,
        name: Value,
        destination: bool,
        by: &'t LogicalId,
    ) {
        match list.iter_mut().find(|(n, _, _)| same_dimension(n, &name)) {
            Some((_, d, _)) => *d |= destination,
            None => list.push((name, destination, by)),
        }
    }
    for (id, r) in &t.resources {
        match r.kind {
            ResourceType::LambdaEventSourceMapping => {
                let Some(source) = r.properties.get("EventSourceArn") else {
                    continue;
                };
                if !reads_a_stream(app, r, source) {
                    continue;
                }
                let mapping = reference(id);
                require(
                    id,
                    "the stream mapping",
                    "AWS/Lambda",
                    alarm::DROPPED_EVENTS_METRIC,
                    &[("EventSourceMappingUUID", &mapping)],
                    "records it drops are lost",
                );
                if let Some(function) = r.properties.get("FunctionName") {
                    let function = function_name_of(function);
                    require(
                        id,
                        "the stream mapping",
                        "AWS/Lambda",
                        alarm::ITERATOR_AGE_METRIC,
                        &[("FunctionName", &function)],
                        "its records expire from the stream after 24 h while it falls behind",
                    );
                }
            }
            ResourceType::EventsRule => {
                if !matches!(r.properties.get("Targets"), Some(Value::List(t)) if !t.is_empty()) {
                    continue;
                }
                let name = match r.properties.get("Name") {
                    Some(name) => name.clone(),
                    None => reference(id),
                };
                let bus = r
                    .properties
                    .get("EventBusName")
                    .filter(|b| !matches!(b, Value::Str(s) if s.as_ref() == "default"));
                let dims: Vec<(&str, &Value)> = match bus {
                    Some(bus) => vec![("EventBusName", bus), ("RuleName", &name)],
                    None => vec![("RuleName", &name)],
                };
                let why = if bus.is_some() {
                    "events it cannot deliver are lost; a rule on a custom bus publishes it only under both dimensions (an alarm on RuleName alone reads the default bus and never fires)"
                } else {
                    "events it cannot deliver are lost"
                };
                require(
                    id,
                    "the rule",
                    "AWS/Events",
                    alarm::FAILED_INVOCATIONS_METRIC,
                    &dims,
                    why,
                );
            }
            ResourceType::ApiGatewayV2Api => {
                let api = reference(id);
                require(
                    id,
                    "the HTTP API",
                    "AWS/ApiGateway",
                    alarm::API_SERVER_ERRORS_METRIC,
                    &[("ApiId", &api)],
                    "its clients get server errors nobody sees",
                );
            }
            ResourceType::LambdaPermission => {
                let asynchronous = matches!(r.properties.get("Principal"), Some(Value::Str(p))
                    if ASYNC_INVOKERS.contains(&p.as_ref()));
                if asynchronous && let Some(f) = r.properties.get("FunctionName") {
                    note_async(&mut async_functions, function_name_of(f), false, id);
                }
            }
            ResourceType::LambdaEventInvokeConfig => {
                if let Some(f) = r.properties.get("FunctionName") {
                    let destination =
                        prop(r, &["DestinationConfig", "OnFailure", "Destination"]).is_some();
                    note_async(&mut async_functions, function_name_of(f), destination, id);
                }
            }
            _ => {}
        }
    }
    for (name, destination, by) in &async_functions {
        // The finding goes on the function when it is of this stack, else on what invokes it.
        let id = match name {
            Value::Ref(r) if r.stack == *stack && t.resources.contains_key(&r.logical_id) => {
                &r.logical_id
            }
            _ => *by,
        };
        require(
            id,
            "the asynchronously invoked function",
            "AWS/Lambda",
            alarm::ASYNC_EVENTS_DROPPED_METRIC,
            &[("FunctionName", name)],
            "events Lambda drops (too old, or retries run out) are lost",
        );
        if *destination {
            require(
                id,
                "the function with an on-failure destination",
                "AWS/Lambda",
                alarm::DESTINATION_DELIVERY_FAILURES_METRIC,
                &[("FunctionName", name)],
                "events its destination refuses are lost",
            );
        }
    }
}

/// Service principals that invoke a function asynchronously (Lambda queues the event and
/// retries it itself; a failure after that is only in Lambda's metrics).
const ASYNC_INVOKERS: [&str; 4] = [
    iam::EVENTS_SERVICE,
    "sns.amazonaws.com",
    "s3.amazonaws.com",
    "ses.amazonaws.com",
];

/// TRB022: every API route authorizes its callers (JWT, IAM or a Lambda authorizer).
fn routes(t: &Template, out: &mut Vec<Finding>) {
    for (id, r) in t
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceType::ApiGatewayV2Route)
    {
        let open = match r.properties.get("AuthorizationType") {
            None => true,
            Some(Value::Str(kind)) => kind.eq_ignore_ascii_case("NONE"),
            // An intrinsic (a parameter...) is only known at deploy time.
            Some(_) => false,
        };
        if open {
            let key = match r.properties.get("RouteKey") {
                Some(Value::Str(key)) => format!("route `{key}`"),
                _ => "the route".to_owned(),
            };
            out.push(Finding::new(
                &UNAUTHORIZED_ROUTE,
                id,
                format!("{key} lets anyone call it (AuthorizationType NONE)"),
            ));
        }
    }
}

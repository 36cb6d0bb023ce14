//! The stream-to-bus pattern: table -> stream -> mapping (bisect, bounded retries, max record
//! age, on-failure destination) -> publisher function -> event bus (+ archive), with alarms on
//! everything that can fail, and rules that other teams attach.
//!
//! Why the defaults are what they are:
//! - retries 3, bisect on: a poison record is isolated by halving (which does not use up
//!   retries) and sent to the on-failure destination instead of blocking its shard for 24 h;
//! - max record age 1 h: a record that cannot be published within an hour leaves the stream
//!   while it is still readable for 23 more hours, so it can be recovered;
//! - report batch item failures: only the failed record and what follows it is retried;
//! - on-failure destination: a bucket. Lambda writes the whole invocation record to S3, record
//!   bodies included, whereas a queue or topic gets only metadata (shard, sequence numbers) that
//!   points at records the stream deletes after 24 h. Kept batches are alarmed at the first
//!   record, and the publisher's `redrive` command publishes them once the cause is fixed. (The
//!   alternative, a recovery function reading each metadata message's range back from the stream,
//!   races the 24 h retention and is one more thing that can fail.) A queue stays available, with
//!   a warning; it keeps messages 14 days and is alarmed at the first one;
//! - alarms on records given up on (`OnFailureDestinationDeliveredEventCount`), on records lost
//!   (`DroppedEventCount`) and on failed deliveries to the destination;
//! - an event contract, when given, becomes a schema registry next to the bus, and every rule's
//!   `source` and `detail-type` are checked against it;
//! - iterator-age alarm at 5 minutes: the consumer is failing or falling behind long before
//!   records expire;
//! - table retained, point-in-time recovery on, deletion protection on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::constructs::limits::{
    ASYNC_EVENT_AGE_SECONDS, ASYNC_RETRY_ATTEMPTS, SCHEMA_REGISTRY_NAME,
};
use crate::constructs::{
    Alarm, Bucket, BucketProps, BusSource, EventBus, EventBusProps, EventContract, Function,
    FunctionProps, OnFailure, Queue, QueueProps, Rule, RuleProps, SchemaRegistry, StreamSource,
    StreamSourceProps, StreamViewType, Table, TableAccess, TableProps, Target, TargetKind, Topic,
    TopicProps,
};
use crate::core::cfn::{ResourceType, iam};
use crate::core::suggest::closest;
use crate::core::{ConstructPath, LogicalId, Output, Resource, Stack, Statement, Value};
use tributary_runtime::env;

/// Where the mapping sends a batch whose retries ran out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "`bucket`, `queue` or `none`")]
pub enum FailureDestination {
    /// An S3 bucket receiving the full invocation record, record bodies included, kept until
    /// re-driven (the default).
    #[default]
    Bucket,
    /// An SQS queue (14 days) receiving only the failed batch's metadata (shard, sequence
    /// numbers): the records themselves expire from the stream after 24 h. Warns.
    Queue,
    /// None: failed records are dropped. Refused unless the rule `no-on-failure-destination` is suppressed.
    None,
}

fn iterator_age_seconds() -> u32 {
    300
}

/// The iterator-age alarm's threshold: 1..=86,399 s. Stream records expire after 24 h, so an
/// iterator never gets 86,400 s old and a higher threshold never fires; 0 would always fire.
pub const ITERATOR_AGE_ALARM_SECONDS: std::ops::RangeInclusive<u32> = 1..=86_399;

/// Alarm options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of alarm settings (`{}` for the defaults)")]
pub struct AlarmOptions {
    /// Alarm when the oldest unprocessed stream record is older than this, in seconds:
    /// 1..=86,399 (records expire after 24 h, so the age never reaches 86,400), and below
    /// `stream.maxRecordAge` (records leave at that age: an error otherwise). Default: 300
    /// (5 minutes).
    #[serde(default = "iterator_age_seconds")]
    #[schemars(range(min = 1, max = 86_399))]
    pub iterator_age_seconds: u32,
    /// Emails subscribed to the pattern's own alert topic. With an alert topic given
    /// (`alertTopic`) there is no topic of the pattern's own: subscribe them on that topic
    /// instead (giving both is an error). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<crate::constructs::EmailAddress>,
}

impl Default for AlarmOptions {
    fn default() -> Self {
        Self {
            iterator_age_seconds: iterator_age_seconds(),
            emails: Vec::new(),
        }
    }
}

/// Pattern props.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamToBusProps {
    /// The table. Its stream defaults to `NEW_AND_OLD_IMAGES`.
    pub table: TableProps,
    /// The publisher function (the only code that knows the table's item layout).
    pub publisher: FunctionProps,
    /// The mapping from the stream to the publisher.
    pub stream: StreamSourceProps,
    /// Where failed batches go. Default: a bucket.
    pub on_failure: FailureDestination,
    /// The on-failure queue, when `on_failure` is a queue. Default: 14 days retention.
    pub dead_letter_queue: QueueProps,
    /// The failed-batches bucket, when `on_failure` is a bucket. Default: objects kept until
    /// deleted (old versions 90 days).
    pub failed_batches: BucketProps,
    /// The bus of the pattern's own. Default: named `<stack>-<id>Bus`, 30-day archive.
    pub bus: EventBusProps,
    /// Publish to this bus (one of the app's, or an existing one by ARN) instead of a bus of the
    /// pattern's own (then `bus` must be left at its default). Default: none.
    pub publish_to: Option<EventBus>,
    pub alarms: AlarmOptions,
    /// The events the publisher puts on the bus. Given: a schema registry of them, and rules are
    /// checked against it. Default: none.
    pub events: Option<EventContract>,
}

impl StreamToBusProps {
    /// Props for a table and publisher, with every other default.
    pub fn new(table: TableProps, publisher: FunctionProps) -> Self {
        Self {
            table,
            publisher,
            stream: StreamSourceProps::default(),
            on_failure: FailureDestination::default(),
            dead_letter_queue: QueueProps::default(),
            failed_batches: BucketProps::default(),
            bus: EventBusProps::default(),
            publish_to: None,
            alarms: AlarmOptions::default(),
            events: None,
        }
    }
}

/// The pattern's handles.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamToBus {
    pub path: ConstructPath,
    pub table: Table,
    pub publisher: Function,
    pub mapping: StreamSource,
    pub on_failure: OnFailure,
    pub bus: EventBus,
    /// Where every alarm of the pattern (and of rules attached to it) goes.
    pub alerts: Topic,
    /// The events the bus carries, and their registry.
    pub events: Option<(EventContract, SchemaRegistry)>,
}

impl StreamToBus {
    /// Wires the pattern at `path`. Alarms go to `alerts`, or to a topic of the pattern's own.
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        props: &StreamToBusProps,
        alerts: Option<&Topic>,
    ) -> Self {
        let mut table_props = props.table.clone();
        let view = *table_props
            .stream
            .get_or_insert(StreamViewType::NewAndOldImages);
        if matches!(view, StreamViewType::KeysOnly | StreamViewType::OldImage) {
            stack.error(
                &path,
                format!(
                    "table.stream = {}: its records carry no new image, so the publisher has nothing to publish for an insert or an update; use NEW_AND_OLD_IMAGES (the default) or NEW_IMAGE",
                    view.as_str()
                ),
            );
        }
        if !ITERATOR_AGE_ALARM_SECONDS.contains(&props.alarms.iterator_age_seconds) {
            stack.error(
                &path,
                format!(
                    "alarms.iteratorAgeSeconds = {} can never be useful: stream records expire after 24 h, so it must be 1..=86399",
                    props.alarms.iterator_age_seconds
                ),
            );
        }
        if let crate::constructs::RecordAge::Seconds(age) = props.stream.max_record_age
            && props.alarms.iterator_age_seconds >= age
        {
            stack.error(
                &path,
                format!(
                    "alarms.iteratorAgeSeconds = {} can never fire: records leave for the on-failure destination at stream.maxRecordAge = {age} s, before the iterator is that old; alarm below it",
                    props.alarms.iterator_age_seconds
                ),
            );
        }
        if props.publisher.reserved_concurrency == Some(0) {
            stack.warn(
                &path,
                "publisher.reservedConcurrency = 0 stops the publisher: records wait on the stream until maxRecordAge sends them to the on-failure destination",
            );
        }
        if alerts.is_some() && !props.alarms.emails.is_empty() {
            stack.error(
                &path,
                "alarms.emails would be dropped: with an alert topic given, the pattern has no topic of its own to subscribe them to; subscribe them on the alert topic (`emailSubscriptions`) instead",
            );
        }
        if props.on_failure != FailureDestination::Queue
            && props.dead_letter_queue != QueueProps::default()
        {
            stack.error(
                &path,
                "deadLetterQueue is set but not used: it configures the on-failure queue, and onFailure is not `queue`; remove it, or set `onFailure: queue`",
            );
        }
        if props.on_failure != FailureDestination::Bucket
            && props.failed_batches != BucketProps::default()
        {
            stack.error(
                &path,
                "failedBatches is set but not used: it configures the on-failure bucket, and onFailure is not `bucket`; remove it, or set `onFailure: bucket`",
            );
        }
        let table_path = stack.child(&path, "Table");
        let table = Table::new(stack, table_path, &table_props);

        let alerts = match alerts {
            Some(t) => t.clone(),
            None => {
                let p = stack.child(&path, "Alerts");
                Topic::new(
                    stack,
                    p,
                    &TopicProps {
                        display_name: None,
                        email_subscriptions: props.alarms.emails.clone(),
                    },
                )
            }
        };

        let bus = match &props.publish_to {
            Some(bus) => {
                if props.bus != EventBusProps::default() {
                    stack.error(
                        &path,
                        format!(
                            "the bus settings configure a bus of the pattern's own, but it publishes to {}; set them on that bus, or leave them out",
                            bus.path
                        ),
                    );
                }
                bus.clone()
            }
            None => {
                let bus_path = stack.child(&path, "Bus");
                EventBus::new(stack, bus_path, &props.bus)
            }
        };
        if let Some(contract) = &props.events {
            // Consumers tell a bus's publishers apart by `source`: two of them with one source
            // on one bus would make every rule match both.
            stack.claim_within(&path, "event source", &bus.identity(), &contract.source);
        }

        let publisher_path = stack.child(&path, "Publisher");
        let publisher = Function::new(stack, publisher_path, &props.publisher);
        publisher.set_environment(
            stack,
            env::EVENT_BUS_NAME,
            bus.put_events_target(),
            &format!("the bus binding of {path}"),
        );
        publisher.grant(stack, bus.put_events());

        let id = LogicalId::text_of(&path);
        let events = props.events.as_ref().map(|contract| {
            let registry_path = stack.child(&path, "Schemas");
            let name = stack.generated_name(
                &registry_path,
                &SCHEMA_REGISTRY_NAME,
                &[&stack.name().to_string(), &id],
            );
            let description = format!("Events of source `{}` on {}", contract.source, bus.path);
            let registry = SchemaRegistry::new(stack, registry_path, &name, &description, contract);
            (contract.clone(), registry)
        });

        let on_failure = match props.on_failure {
            FailureDestination::Bucket => {
                let p = stack.child(&path, "FailedBatches");
                OnFailure::Bucket(Bucket::with(stack, p, &props.failed_batches))
            }
            FailureDestination::Queue => {
                let p = stack.child(&path, "OnFailureQueue");
                stack.warn(
                    &p,
                    "an on-failure queue receives only metadata (shard, sequence numbers); the \
                     records expire from the stream after 24 h. `onFailure: bucket` (the default) \
                     keeps their bodies for a re-drive",
                );
                let q = Queue::new(stack, p, &props.dead_letter_queue);
                let alarm = stack.child(&path, "OnFailureQueueAlarm");
                Alarm::dlq_depth(stack, alarm, &q, &alerts);
                OnFailure::Queue(q)
            }
            FailureDestination::None => OnFailure::None,
        };
        let mapping_path = stack.child(&path, "StreamSource");
        let mapping = StreamSource::new(
            stack,
            mapping_path,
            &table,
            &publisher,
            &on_failure,
            &props.stream,
        );

        let age = stack.child(&path, "IteratorAgeAlarm");
        Alarm::iterator_age(
            stack,
            age,
            &publisher,
            i64::from(props.alarms.iterator_age_seconds) * 1000,
            &alerts,
        );
        let errors = stack.child(&path, "PublisherErrorsAlarm");
        Alarm::function_errors(stack, errors, &publisher, &alerts);
        if !matches!(on_failure, OnFailure::None) {
            let kept = stack.child(&path, "GivenUpAlarm");
            Alarm::on_failure_delivered(stack, kept, &mapping, &alerts);
            let failures = stack.child(&path, "DestinationFailuresAlarm");
            Alarm::destination_delivery_failures(stack, failures, &publisher, &alerts);
        }
        let dropped = stack.child(&path, "DroppedAlarm");
        Alarm::dropped_events(stack, dropped, &mapping, &alerts);

        // What an operator needs for a re-drive (`redrive --bucket ... --bus ...`). A bus of
        // another stack by its name as written there: an output may not be an import.
        let bus_name = match &bus.source {
            BusSource::Defined(r) if r.stack != *stack.name() => {
                Value::from(bus.physical_name.clone())
            }
            _ => bus.put_events_target(),
        };
        stack.add_output(
            &format!("{id}BusName"),
            Output {
                description: Some(format!("The event bus of {path}")),
                value: bus_name,
                export_name: None,
            },
        );
        if let OnFailure::Bucket(bucket) = &on_failure {
            stack.add_output(
                &format!("{id}FailedBatchesBucket"),
                Output {
                    description: Some(format!(
                        "Where {path} keeps the stream batches it gave up on (for the redrive command)"
                    )),
                    value: bucket.name(),
                    export_name: None,
                },
            );
        }

        Self {
            path,
            table,
            publisher,
            mapping,
            on_failure,
            bus,
            alerts,
            events,
        }
    }

    /// Lets `function` (in `stack`) write new items of the table ([`TableAccess::Create`]:
    /// `PutItem` and `GetItem` on this table only); it finds the table name in `TABLE_NAME`.
    /// Its errors are alarmed on the pattern's alert topic.
    pub fn add_writer(&self, stack: &mut Stack, function: &Function) {
        self.add_writer_with(stack, function, TableAccess::Create);
    }

    /// [`Self::add_writer`], with the grant level `access`.
    pub fn add_writer_with(&self, stack: &mut Stack, function: &Function, access: TableAccess) {
        function.set_environment(
            stack,
            env::TABLE_NAME,
            self.table.name(),
            &format!("the writer binding of {}", self.path),
        );
        function.grant(
            stack,
            Statement::allow(access.actions(), vec![self.table.arn()]),
        );
        alarm_errors_once(stack, function, &self.alerts);
    }

    /// Adds a rule on the pattern's bus in `stack` (this or another team's stack), with a
    /// dead-letter queue for its targets and alarms on the queue and on failed invocations, to
    /// the pattern's alert topic. Its pattern is checked against the pattern's contract.
    pub fn add_rule(
        &self,
        stack: &mut Stack,
        path: ConstructPath,
        props: &RuleProps,
        targets: &[Target],
    ) -> Rule {
        let contracts: Vec<&EventContract> = self.events.iter().map(|(c, _)| c).collect();
        add_rule_on(
            stack,
            path,
            &self.bus,
            &contracts,
            props,
            targets,
            &self.alerts,
        )
    }
}

/// Adds a rule on `bus` in `stack`, with a dead-letter queue for its targets and alarms on the
/// queue, on failed invocations, and on each target function's errors and asynchronous
/// failures, to `alerts`. When `contracts` are the contracts of every publisher of the bus, the
/// rule's `source` and `detail-type` must be among theirs (an empty list checks nothing).
pub fn add_rule_on(
    stack: &mut Stack,
    path: ConstructPath,
    bus: &EventBus,
    contracts: &[&EventContract],
    props: &RuleProps,
    targets: &[Target],
    alerts: &Topic,
) -> Rule {
    if !contracts.is_empty() {
        check_pattern(stack, &path, &bus.path, contracts, props);
    }
    let dlq_path = stack.child(&path, "DeadLetterQueue");
    let dlq = Queue::new(stack, dlq_path, &QueueProps::default());
    let rule = Rule::new(stack, path, bus, props, targets, &dlq);
    let dlq_alarm = stack.child(&rule.path, "DeadLetterQueueAlarm");
    Alarm::dlq_depth(stack, dlq_alarm, &dlq, alerts);
    let failed = stack.child(&rule.path, "FailedInvocationsAlarm");
    Alarm::rule_failed_invocations(stack, failed, &rule, alerts);
    for target in targets {
        match &target.kind {
            TargetKind::Function(f) if f.reference.stack == *stack.name() => {
                guard_async_target(stack, f, alerts);
            }
            // Its stack deploys first and cannot name this stack's topic: the caller wires it
            // there, with a topic of that stack ([`guard_async_target`]; the spec does).
            TargetKind::Function(_) => {}
            TargetKind::Queue(q) => {
                let path = q.path.child("OldestMessageAlarm");
                if q.reference.stack == *stack.name() && !stack.has_construct(&path) {
                    let path = stack.child(&q.path, "OldestMessageAlarm");
                    Alarm::target_queue_age(stack, path, q, TARGET_QUEUE_AGE_SECONDS, alerts);
                }
            }
            TargetKind::Bus(_) => {}
        }
    }
    rule
}

/// How long the oldest message of a rule's target queue may wait before its alarm fires: an
/// hour (a reader that stopped is noticed long before the 14 days a message is kept).
pub const TARGET_QUEUE_AGE_SECONDS: i64 = 3600;

/// What a function that a rule invokes needs, in the function's own stack, unless it has it
/// already: an errors alarm, and a queue (alarmed) for the events Lambda gives up on, with the
/// alarms on events dropped and on deliveries to that queue that fail. [`add_rule_on`] adds it
/// for a target function of the rule's stack; for a function of an earlier stack, call it on
/// that stack (with a topic of that stack: it deploys before the rule's and cannot name its
/// topic).
pub fn guard_async_target(stack: &mut Stack, function: &Function, alerts: &Topic) {
    alarm_errors_once(stack, function, alerts);
    async_failures_once(stack, function, alerts);
}

/// Whether [`guard_async_target`] has wired `function` in `stack` already.
pub fn is_async_guarded(stack: &Stack, function: &Function) -> bool {
    stack.has_construct(&function.path.child("AsyncFailureQueue"))
}

/// Adds the errors alarm of a function unless it already has one.
fn alarm_errors_once(stack: &mut Stack, function: &Function, alerts: &Topic) {
    if !stack.has_construct(&function.path.child("ErrorsAlarm")) {
        let p = stack.child(&function.path, "ErrorsAlarm");
        Alarm::function_errors(stack, p, function, alerts);
    }
}

/// Gives a rule-target function a queue for the events it fails on, unless it has one.
///
/// EventBridge invokes a Lambda target asynchronously: once Lambda accepts the event, the rule's
/// retry policy and DLQ are done with it. When the function then returns an error, Lambda retries
/// twice and drops the event, unless the function's `EventInvokeConfig` names an on-failure
/// destination. So every target function gets one (a 14-day queue, alarmed at the first message).
fn async_failures_once(stack: &mut Stack, function: &Function, alerts: &Topic) {
    let queue_path = function.path.child("AsyncFailureQueue");
    if stack.has_construct(&queue_path) {
        return;
    }
    let queue_path = stack.child(&function.path, "AsyncFailureQueue");
    let queue = Queue::new(stack, queue_path, &QueueProps::default());
    function.grant(stack, Statement::allow(iam::QUEUE_SEND, vec![queue.arn()]));
    let mut config = Resource::new(ResourceType::LambdaEventInvokeConfig)
        .prop("FunctionName", function.name())
        .prop("Qualifier", "$LATEST")
        .prop("MaximumRetryAttempts", ASYNC_RETRY_ATTEMPTS.max)
        .prop("MaximumEventAgeInSeconds", ASYNC_EVENT_AGE_SECONDS.max)
        .prop(
            "DestinationConfig",
            Value::map([("OnFailure", Value::map([("Destination", queue.arn())]))]),
        );
    // Lambda checks the role may send to the destination when the config is created.
    config.depends_on.push(function.policy.logical_id.clone());
    let config_path = stack.child(&function.path, "AsyncInvokeConfig");
    stack.add(&config_path, config);
    function.skip_checkov(stack, crate::constructs::checkov::LAMBDA_DLQ_ASYNC);
    let alarm = stack.child(&function.path, "AsyncFailureQueueAlarm");
    Alarm::dlq_depth(stack, alarm, &queue, alerts);
    // The queue itself can refuse (a policy, a deleted queue), and events older than the
    // maximum age are dropped without reaching it: both lose events, so both are alarmed.
    let failures = stack.child(&function.path, "DestinationFailuresAlarm");
    Alarm::destination_delivery_failures(stack, failures, function, alerts);
    let dropped = stack.child(&function.path, "AsyncEventsDroppedAlarm");
    Alarm::async_events_dropped(stack, dropped, function, alerts);
}

/// Errors for a rule pattern that names a source or detail type no contract of the bus has
/// (the rule would never match).
fn check_pattern(
    stack: &mut Stack,
    path: &ConstructPath,
    bus: &ConstructPath,
    contracts: &[&EventContract],
    props: &RuleProps,
) {
    let hint = |value: &str, known: &[&str]| match closest(value, known.iter().copied()) {
        Some(close) => format!(" (did you mean `{close}`?)"),
        None => format!(" (expected one of: {})", known.join(", ")),
    };
    let sources: Vec<&str> = contracts.iter().map(|c| c.source.as_str()).collect();
    let carried = sources
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut matched: Vec<&EventContract> = Vec::new();
    let exact: Vec<&str> = props.pattern.exact_sources();
    for source in &exact {
        match contracts.iter().find(|c| c.source == *source) {
            Some(c) => matched.push(c),
            None => {
                let hint = hint(source, &sources);
                stack.error(
                    path,
                    format!(
                        "pattern.source: `{source}` is not published on {bus}, which carries {carried}{hint}"
                    ),
                );
            }
        }
    }
    if matched.is_empty() {
        // No source, or none the bus carries (reported): any contract's detail type may match.
        matched = contracts.to_vec();
    }
    let detail_types: Vec<&str> = matched.iter().flat_map(|c| c.detail_types()).collect();
    let of = matched
        .iter()
        .map(|c| format!("`{}`", c.source))
        .collect::<Vec<_>>()
        .join(" or ");
    for detail_type in props.pattern.exact_detail_types() {
        if !detail_types.contains(&detail_type) {
            let hint = hint(detail_type, &detail_types);
            stack.error(
                path,
                format!("pattern.detailType: `{detail_type}` is not an event of {of}{hint}"),
            );
        }
    }
}

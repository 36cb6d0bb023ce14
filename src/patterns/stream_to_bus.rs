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
//! - on-failure queue retention 14 days, alarmed at the first message;
//! - iterator-age alarm at 5 minutes: the consumer is failing or falling behind long before
//!   records expire;
//! - table retained, point-in-time recovery on, deletion protection on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::constructs::{
    Alarm, Bucket, EventBus, EventBusProps, Function, FunctionProps, OnFailure, Queue, QueueProps,
    Rule, RuleProps, StreamSource, StreamSourceProps, StreamViewType, Table, TableProps, Target,
    TargetKind, Topic, TopicProps, iam,
};
use crate::core::{ConstructPath, Stack, Statement};

/// The environment variable a bound function finds the table name in.
pub const TABLE_NAME_ENV: &str = "TABLE_NAME";
/// The environment variable the publisher finds the bus name in.
pub const BUS_NAME_ENV: &str = "EVENT_BUS_NAME";

/// Where the mapping sends a batch whose retries ran out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum FailureDestination {
    /// An SQS queue (14 days) receiving the failed batch's metadata (shard, sequence numbers).
    #[default]
    Queue,
    /// An S3 bucket receiving the full invocation record, bodies included.
    Bucket,
    /// None: failed records are dropped. Needs the `no-on-failure-destination` opt-out.
    None,
}

fn iterator_age_seconds() -> u32 {
    300
}

/// Alarm options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlarmOptions {
    /// Alarm when the oldest unprocessed stream record is older than this, in seconds.
    /// Default: 300 (5 minutes; records expire after 24 h).
    #[serde(default = "iterator_age_seconds")]
    pub iterator_age_seconds: u32,
    /// Emails subscribed to the pattern's own alert topic (used when no alert topic is given).
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
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
    /// Where failed batches go. Default: a queue.
    pub on_failure: FailureDestination,
    /// The on-failure queue, when `on_failure` is a queue. Default: 14 days retention.
    pub dead_letter_queue: QueueProps,
    /// The bus. Default: named `<stack>-<id>Bus`, 30-day archive.
    pub bus: EventBusProps,
    pub alarms: AlarmOptions,
}

impl StreamToBusProps {
    /// Props for a table and publisher, with every other default.
    pub fn new(table: TableProps, publisher: FunctionProps) -> Self {
        Self {
            table,
            publisher,
            stream: StreamSourceProps::default(),
            on_failure: FailureDestination::Queue,
            dead_letter_queue: QueueProps::default(),
            bus: EventBusProps::default(),
            alarms: AlarmOptions::default(),
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
        table_props
            .stream
            .get_or_insert(StreamViewType::NewAndOldImages);
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

        let bus_path = stack.child(&path, "Bus");
        let bus = EventBus::new(stack, bus_path, &props.bus);

        let publisher_path = stack.child(&path, "Publisher");
        let publisher = Function::new(stack, publisher_path, &props.publisher);
        publisher.set_environment(stack, BUS_NAME_ENV, bus.name());
        publisher.grant(stack, bus.put_events());

        let on_failure = match props.on_failure {
            FailureDestination::Queue => {
                let p = stack.child(&path, "OnFailureQueue");
                let q = Queue::new(stack, p, &props.dead_letter_queue);
                let alarm = stack.child(&path, "OnFailureQueueAlarm");
                Alarm::dlq_depth(stack, alarm, &q, &alerts);
                OnFailure::Queue(q)
            }
            FailureDestination::Bucket => {
                let p = stack.child(&path, "OnFailureBucket");
                OnFailure::Bucket(Bucket::new(stack, p))
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

        Self {
            path,
            table,
            publisher,
            mapping,
            on_failure,
            bus,
            alerts,
        }
    }

    /// Lets `function` (in `stack`) write items of the table: its role may put/update/delete
    /// items of this table only, and it finds the table name in `TABLE_NAME`. Its errors are
    /// alarmed on the pattern's alert topic.
    pub fn add_writer(&self, stack: &mut Stack, function: &Function) {
        function.set_environment(stack, TABLE_NAME_ENV, self.table.name());
        function.grant(
            stack,
            Statement::allow(iam::TABLE_WRITE, vec![self.table.arn()]),
        );
        alarm_errors_once(stack, function, &self.alerts);
    }

    /// Adds a rule on the pattern's bus in `stack` (this or another team's stack), with a
    /// dead-letter queue for its targets and alarms on the queue and on failed invocations.
    pub fn add_rule(
        &self,
        stack: &mut Stack,
        path: ConstructPath,
        props: &RuleProps,
        targets: &[Target],
    ) -> Rule {
        let dlq_path = stack.child(&path, "DeadLetterQueue");
        let dlq = Queue::new(stack, dlq_path, &QueueProps::default());
        let rule = Rule::new(stack, path, &self.bus, props, targets, &dlq);
        let dlq_alarm = stack.child(&rule.path, "DeadLetterQueueAlarm");
        Alarm::dlq_depth(stack, dlq_alarm, &dlq, &self.alerts);
        let failed = stack.child(&rule.path, "FailedInvocationsAlarm");
        Alarm::rule_failed_invocations(stack, failed, &rule, &self.alerts);
        for target in targets {
            if let TargetKind::Function(f) = &target.kind
                && f.reference.stack == *stack.name()
            {
                alarm_errors_once(stack, f, &self.alerts);
            }
        }
        rule
    }
}

/// Adds the errors alarm of a function unless it already has one.
fn alarm_errors_once(stack: &mut Stack, function: &Function, alerts: &Topic) {
    if !stack.has_construct(&function.path.child("ErrorsAlarm")) {
        let p = stack.child(&function.path, "ErrorsAlarm");
        Alarm::function_errors(stack, p, function, alerts);
    }
}

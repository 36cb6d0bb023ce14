//! CloudWatch alarms for the failure signals of the pattern, with actions to a topic.

use super::function::Function;
use super::http_api::HttpApi;
use super::queue::Queue;
use super::rule::Rule;
use super::stream_source::StreamSource;
use super::topic::Topic;
use crate::core::cfn::ResourceType;
use crate::core::{ConstructPath, Reference, Resource, Stack, Value};

/// The queue metric the dead-letter alarms watch.
pub const QUEUE_DEPTH_METRIC: &str = "ApproximateNumberOfMessagesVisible";
/// SQS: the age of a queue's oldest message, in seconds.
pub const QUEUE_AGE_METRIC: &str = "ApproximateAgeOfOldestMessage";
/// The mapping metric counting records sent to its on-failure destination.
pub const ON_FAILURE_DELIVERED_METRIC: &str = "OnFailureDestinationDeliveredEventCount";

/// The Lambda metric counting events Lambda failed to send to a destination (of an
/// asynchronous invocation or of a stream mapping).
pub const DESTINATION_DELIVERY_FAILURES_METRIC: &str = "DestinationDeliveryFailures";
/// The Lambda metric counting asynchronous events dropped without being processed.
pub const ASYNC_EVENTS_DROPPED_METRIC: &str = "AsyncEventsDropped";
/// The HTTP API metric counting server-side errors (`5xx` responses).
pub const API_SERVER_ERRORS_METRIC: &str = "5xx";
/// The Lambda metric counting function errors.
pub const FUNCTION_ERRORS_METRIC: &str = "Errors";
/// The Lambda metric of the age of a stream mapping's oldest unprocessed record.
pub const ITERATOR_AGE_METRIC: &str = "IteratorAge";
/// The mapping metric counting records dropped (neither processed nor sent to a destination).
pub const DROPPED_EVENTS_METRIC: &str = "DroppedEventCount";
/// The rule metric counting events it failed to deliver to a target for good.
pub const FAILED_INVOCATIONS_METRIC: &str = "FailedInvocations";

/// A metric an alarm watches.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub namespace: &'static str,
    pub name: &'static str,
    pub dimensions: Vec<(&'static str, Value)>,
    pub statistic: &'static str,
}

/// When an alarm fires.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    pub description: String,
    pub metric: Metric,
    /// Fires when the statistic is >= this.
    pub threshold: i64,
    pub period_seconds: u32,
    pub evaluation_periods: u32,
}

/// An alarm handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub path: ConstructPath,
    pub reference: Reference,
}

impl Alarm {
    /// Adds an alarm notifying `topic` when it fires and when it recovers. Missing data (no
    /// messages, no invocations) is not breaching.
    pub fn new(stack: &mut Stack, path: ConstructPath, props: AlarmProps, topic: &Topic) -> Self {
        let dimensions = props
            .metric
            .dimensions
            .into_iter()
            .map(|(name, value)| Value::map([("Name", name.into()), ("Value", value)]))
            .collect();
        let r = Resource::new(ResourceType::CloudWatchAlarm)
            .prop("AlarmDescription", props.description)
            .prop("Namespace", props.metric.namespace)
            .prop("MetricName", props.metric.name)
            .prop("Dimensions", Value::List(dimensions))
            .prop("Statistic", props.metric.statistic)
            .prop("Period", props.period_seconds)
            .prop("EvaluationPeriods", props.evaluation_periods)
            .prop("Threshold", props.threshold)
            .prop("ComparisonOperator", "GreaterThanOrEqualToThreshold")
            .prop("TreatMissingData", "notBreaching")
            .prop("AlarmActions", Value::List(vec![topic.arn()]))
            .prop("OKActions", Value::List(vec![topic.arn()]));
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        Self { path, reference }
    }

    /// Any message in a dead-letter queue: something failed for good and needs a human.
    pub fn dlq_depth(stack: &mut Stack, path: ConstructPath, queue: &Queue, topic: &Topic) -> Self {
        let props = AlarmProps {
            description: format!(
                "Messages are waiting in the dead-letter queue {}",
                queue.path
            ),
            metric: Metric {
                namespace: "AWS/SQS",
                name: QUEUE_DEPTH_METRIC,
                dimensions: vec![("QueueName", queue.name())],
                statistic: "Maximum",
            },
            threshold: 1,
            period_seconds: 60,
            evaluation_periods: 1,
        };
        Self::new(stack, path, props, topic)
    }

    /// The oldest message of a queue a rule delivers to has waited more than `threshold_seconds`
    /// (for 5 minutes): its readers stopped or fall behind, and a message left there expires
    /// with the queue's retention. (Its depth is no signal: a queue being read has messages.)
    pub fn target_queue_age(
        stack: &mut Stack,
        path: ConstructPath,
        queue: &Queue,
        threshold_seconds: i64,
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description: format!(
                "The oldest message of the rule target queue {} waits more than {threshold_seconds} s",
                queue.path
            ),
            metric: Metric {
                namespace: "AWS/SQS",
                name: QUEUE_AGE_METRIC,
                dimensions: vec![("QueueName", queue.name())],
                statistic: "Maximum",
            },
            threshold: threshold_seconds,
            period_seconds: 60,
            evaluation_periods: 5,
        };
        Self::new(stack, path, props, topic)
    }

    /// Stream records waiting too long: the consumer is failing or too slow, and records expire
    /// from the stream after 24 h.
    pub fn iterator_age(
        stack: &mut Stack,
        path: ConstructPath,
        function: &Function,
        threshold_ms: i64,
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description: format!(
                "Stream records wait more than {} s for {} (records expire after 24 h)",
                threshold_ms / 1000,
                function.path
            ),
            metric: Metric {
                namespace: "AWS/Lambda",
                name: ITERATOR_AGE_METRIC,
                dimensions: vec![("FunctionName", function.name())],
                statistic: "Maximum",
            },
            threshold: threshold_ms,
            period_seconds: 60,
            evaluation_periods: 5,
        };
        Self::new(stack, path, props, topic)
    }

    /// Any function error.
    pub fn function_errors(
        stack: &mut Stack,
        path: ConstructPath,
        function: &Function,
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description: format!("{} returned errors", function.path),
            metric: Metric {
                namespace: "AWS/Lambda",
                name: FUNCTION_ERRORS_METRIC,
                dimensions: vec![("FunctionName", function.name())],
                statistic: "Sum",
            },
            threshold: 1,
            period_seconds: 300,
            evaluation_periods: 1,
        };
        Self::new(stack, path, props, topic)
    }

    /// Any event a rule failed to deliver to a target (after retries). A rule on a custom bus
    /// has this metric only under both `EventBusName` and `RuleName`: a `RuleName`-only alarm
    /// reads the default bus's rule of that name and never fires.
    pub fn rule_failed_invocations(
        stack: &mut Stack,
        path: ConstructPath,
        rule: &Rule,
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description: format!("{} failed to deliver events to its targets", rule.path),
            metric: Metric {
                namespace: "AWS/Events",
                name: FAILED_INVOCATIONS_METRIC,
                dimensions: vec![
                    ("EventBusName", rule.bus_name.clone()),
                    ("RuleName", rule.name.clone().into()),
                ],
                statistic: "Sum",
            },
            threshold: 1,
            period_seconds: 300,
            evaluation_periods: 1,
        };
        Self::new(stack, path, props, topic)
    }

    /// Any server-side error (`5xx`) of an HTTP API: a function failed, timed out or was
    /// throttled, or API Gateway could not reach it.
    pub fn api_server_errors(
        stack: &mut Stack,
        path: ConstructPath,
        api: &HttpApi,
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description: format!("{} answered requests with server errors (5xx)", api.path),
            metric: Metric {
                namespace: "AWS/ApiGateway",
                name: API_SERVER_ERRORS_METRIC,
                dimensions: vec![("ApiId", api.id())],
                statistic: "Sum",
            },
            threshold: 1,
            period_seconds: 300,
            evaluation_periods: 1,
        };
        Self::new(stack, path, props, topic)
    }

    /// Alarms on the first event of a Lambda metric (`Sum >= 1` over one minute).
    fn first_lambda_event(
        stack: &mut Stack,
        path: ConstructPath,
        description: String,
        name: &'static str,
        dimension: (&'static str, Value),
        topic: &Topic,
    ) -> Self {
        let props = AlarmProps {
            description,
            metric: Metric {
                namespace: "AWS/Lambda",
                name,
                dimensions: vec![dimension],
                statistic: "Sum",
            },
            threshold: 1,
            period_seconds: 60,
            evaluation_periods: 1,
        };
        Self::new(stack, path, props, topic)
    }

    /// Alarms when the mapping sent records to its on-failure destination: they were not
    /// published and wait there for an operator (and a re-drive).
    pub fn on_failure_delivered(
        stack: &mut Stack,
        path: ConstructPath,
        mapping: &StreamSource,
        topic: &Topic,
    ) -> Self {
        let description = format!(
            "{} gave up on stream records and sent them to its on-failure destination: fix the cause, then re-drive them",
            mapping.path
        );
        let dimension = ("EventSourceMappingUUID", mapping.uuid());
        Self::first_lambda_event(
            stack,
            path,
            description,
            ON_FAILURE_DELIVERED_METRIC,
            dimension,
            topic,
        )
    }

    /// Alarms when the mapping dropped records: neither processed nor kept anywhere.
    pub fn dropped_events(
        stack: &mut Stack,
        path: ConstructPath,
        mapping: &StreamSource,
        topic: &Topic,
    ) -> Self {
        let description = format!(
            "{} dropped stream records (not published, not kept): they are lost",
            mapping.path
        );
        let dimension = ("EventSourceMappingUUID", mapping.uuid());
        Self::first_lambda_event(
            stack,
            path,
            description,
            DROPPED_EVENTS_METRIC,
            dimension,
            topic,
        )
    }

    /// Alarms when Lambda dropped an event of an asynchronous invocation of `function` without
    /// running it to success and without sending it to a destination (its maximum event age
    /// passed, or its retries ran out with no on-failure destination).
    pub fn async_events_dropped(
        stack: &mut Stack,
        path: ConstructPath,
        function: &Function,
        topic: &Topic,
    ) -> Self {
        let description = format!(
            "Lambda dropped asynchronous events of {} (not processed, not sent to a destination): they are lost",
            function.path
        );
        let dimension = ("FunctionName", function.name());
        Self::first_lambda_event(
            stack,
            path,
            description,
            ASYNC_EVENTS_DROPPED_METRIC,
            dimension,
            topic,
        )
    }

    /// Alarms when Lambda could not deliver to one of `function`'s destinations (an
    /// on-failure destination that refuses writes loses what it was sent).
    pub fn destination_delivery_failures(
        stack: &mut Stack,
        path: ConstructPath,
        function: &Function,
        topic: &Topic,
    ) -> Self {
        let description = format!(
            "Lambda failed to deliver failed events of {} to their destination",
            function.path
        );
        let dimension = ("FunctionName", function.name());
        Self::first_lambda_event(
            stack,
            path,
            description,
            DESTINATION_DELIVERY_FAILURES_METRIC,
            dimension,
            topic,
        )
    }
}

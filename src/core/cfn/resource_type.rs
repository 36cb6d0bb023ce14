//! Every CloudFormation resource type the project creates or inspects.

use std::fmt;

/// A CloudFormation resource type, e.g. `AWS::DynamoDB::Table`.
///
/// One variant per type the constructs create or the policy rules and limits name; the
/// rendered name is [`ResourceType::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceType {
    /// `AWS::ApiGatewayV2::Api`.
    ApiGatewayV2Api,
    /// `AWS::ApiGatewayV2::Authorizer`.
    ApiGatewayV2Authorizer,
    /// `AWS::ApiGatewayV2::Integration`.
    ApiGatewayV2Integration,
    /// `AWS::ApiGatewayV2::Route`.
    ApiGatewayV2Route,
    /// `AWS::ApiGatewayV2::Stage`.
    ApiGatewayV2Stage,
    /// `AWS::CloudWatch::Alarm`.
    CloudWatchAlarm,
    /// `AWS::DynamoDB::Table`.
    DynamoDbTable,
    /// `AWS::EventSchemas::Registry`.
    EventSchemasRegistry,
    /// `AWS::EventSchemas::Schema`.
    EventSchemasSchema,
    /// `AWS::Events::Archive`.
    EventsArchive,
    /// `AWS::Events::EventBus`.
    EventsEventBus,
    /// `AWS::Events::Rule`.
    EventsRule,
    /// `AWS::IAM::Policy`.
    IamPolicy,
    /// `AWS::IAM::Role`.
    IamRole,
    /// `AWS::Kinesis::Stream` (only inspected: a mapping may read one).
    KinesisStream,
    /// `AWS::Lambda::EventInvokeConfig`.
    LambdaEventInvokeConfig,
    /// `AWS::Lambda::EventSourceMapping`.
    LambdaEventSourceMapping,
    /// `AWS::Lambda::Function`.
    LambdaFunction,
    /// `AWS::Lambda::Permission`.
    LambdaPermission,
    /// `AWS::Logs::LogGroup`.
    LogsLogGroup,
    /// `AWS::S3::Bucket`.
    S3Bucket,
    /// `AWS::S3::BucketPolicy`.
    S3BucketPolicy,
    /// `AWS::SNS::Subscription`.
    SnsSubscription,
    /// `AWS::SNS::Topic`.
    SnsTopic,
    /// `AWS::SQS::Queue`.
    SqsQueue,
    /// `AWS::SQS::QueuePolicy`.
    SqsQueuePolicy,
}

impl ResourceType {
    /// Every type, in the order of the enum.
    pub const ALL: [ResourceType; 26] = [
        Self::ApiGatewayV2Api,
        Self::ApiGatewayV2Authorizer,
        Self::ApiGatewayV2Integration,
        Self::ApiGatewayV2Route,
        Self::ApiGatewayV2Stage,
        Self::CloudWatchAlarm,
        Self::DynamoDbTable,
        Self::EventSchemasRegistry,
        Self::EventSchemasSchema,
        Self::EventsArchive,
        Self::EventsEventBus,
        Self::EventsRule,
        Self::IamPolicy,
        Self::IamRole,
        Self::KinesisStream,
        Self::LambdaEventInvokeConfig,
        Self::LambdaEventSourceMapping,
        Self::LambdaFunction,
        Self::LambdaPermission,
        Self::LogsLogGroup,
        Self::S3Bucket,
        Self::S3BucketPolicy,
        Self::SnsSubscription,
        Self::SnsTopic,
        Self::SqsQueue,
        Self::SqsQueuePolicy,
    ];

    /// The name a template's `Type` carries, e.g. `AWS::SQS::Queue`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ApiGatewayV2Api => "AWS::ApiGatewayV2::Api",
            Self::ApiGatewayV2Authorizer => "AWS::ApiGatewayV2::Authorizer",
            Self::ApiGatewayV2Integration => "AWS::ApiGatewayV2::Integration",
            Self::ApiGatewayV2Route => "AWS::ApiGatewayV2::Route",
            Self::ApiGatewayV2Stage => "AWS::ApiGatewayV2::Stage",
            Self::CloudWatchAlarm => "AWS::CloudWatch::Alarm",
            Self::DynamoDbTable => "AWS::DynamoDB::Table",
            Self::EventSchemasRegistry => "AWS::EventSchemas::Registry",
            Self::EventSchemasSchema => "AWS::EventSchemas::Schema",
            Self::EventsArchive => "AWS::Events::Archive",
            Self::EventsEventBus => "AWS::Events::EventBus",
            Self::EventsRule => "AWS::Events::Rule",
            Self::IamPolicy => "AWS::IAM::Policy",
            Self::IamRole => "AWS::IAM::Role",
            Self::KinesisStream => "AWS::Kinesis::Stream",
            Self::LambdaEventInvokeConfig => "AWS::Lambda::EventInvokeConfig",
            Self::LambdaEventSourceMapping => "AWS::Lambda::EventSourceMapping",
            Self::LambdaFunction => "AWS::Lambda::Function",
            Self::LambdaPermission => "AWS::Lambda::Permission",
            Self::LogsLogGroup => "AWS::Logs::LogGroup",
            Self::S3Bucket => "AWS::S3::Bucket",
            Self::S3BucketPolicy => "AWS::S3::BucketPolicy",
            Self::SnsSubscription => "AWS::SNS::Subscription",
            Self::SnsTopic => "AWS::SNS::Topic",
            Self::SqsQueue => "AWS::SQS::Queue",
            Self::SqsQueuePolicy => "AWS::SQS::QueuePolicy",
        }
    }
}

/// How a resource type takes tags ([`ResourceType::tagging`], generated from the registry
/// schemas' `tagging` metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tagging {
    /// The property that holds the tags, e.g. `Tags`.
    pub property: &'static str,
    /// How that property holds them.
    pub shape: TagShape,
    /// Whether tags can be given when the resource is created (`tagOnCreate`).
    pub on_create: bool,
    /// Whether changing the tags is an update, not a replacement (`tagUpdatable`).
    pub updatable: bool,
}

/// The shape of a tag property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagShape {
    /// `[{"Key": k, "Value": v}, ...]` (most types).
    List,
    /// `{k: v, ...}` (e.g. `AWS::ApiGatewayV2::Api`).
    Map,
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ResourceType;

    #[test]
    fn names_are_distinct_service_and_type() {
        let mut seen = std::collections::HashSet::new();
        for t in ResourceType::ALL {
            let parts: Vec<&str> = t.as_str().split("::").collect();
            assert!(
                parts.len() == 3 && parts[0] == "AWS" && parts.iter().all(|p| !p.is_empty()),
                "{t}"
            );
            assert!(seen.insert(t.as_str()), "{t} twice");
        }
    }
}

//! What each CloudFormation resource type is in the picture: a node of which kind, or plumbing
//! folded into edges; and the vocabulary the builder reads (name properties, writing actions).

use super::Kind;

/// Resource types folded into edges (and into the node a mark on them is shown on).
pub(super) const FOLDED: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Permission",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Logs::LogGroup",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::Subscription",
    "AWS::Events::EventBusPolicy",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Deployment",
    "AWS::EventSchemas::Schema",
    "AWS::CDK::Metadata",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Version",
];

/// Resource types that stand for the function their `FunctionName` names: a reference to one
/// is drawn as a reference to the function.
pub(super) const FORWARDED: &[&str] = &["AWS::Lambda::Alias", "AWS::Lambda::Version"];

/// How many aliases and versions a reference is followed through.
pub(super) const MAX_HOPS: usize = 4;

/// The properties that hold a resource's physical name, for alarms that name what they watch.
pub(super) const NAME_PROPERTIES: &[&str] = &[
    "Name",
    "FunctionName",
    "TableName",
    "QueueName",
    "TopicName",
    "BucketName",
];

/// IAM action verbs that send data to the resource (a grant to read draws no edge).
pub(super) const WRITE_VERBS: &[&str] = &[
    "Put",
    "Send",
    "Publish",
    "Write",
    "BatchWrite",
    "Update",
    "Delete",
    "Start",
    "Invoke",
    "*",
];

pub(super) fn kind(resource_type: &str) -> Kind {
    match resource_type {
        "AWS::ApiGatewayV2::Api" | "AWS::ApiGateway::RestApi" => Kind::Api,
        "AWS::ApiGatewayV2::Route" | "AWS::ApiGateway::Method" => Kind::Route,
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => Kind::Function,
        "AWS::DynamoDB::Table"
        | "AWS::DynamoDB::GlobalTable"
        | "AWS::SQS::Queue"
        | "AWS::S3::Bucket"
        | "AWS::Kinesis::Stream" => Kind::Store,
        "AWS::Events::EventBus" => Kind::Bus,
        "AWS::Events::Rule" | "AWS::Pipes::Pipe" => Kind::Rule,
        "AWS::Lambda::EventSourceMapping" => Kind::Mapping,
        "AWS::SNS::Topic" => Kind::Topic,
        "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::CompositeAlarm" => Kind::Alarm,
        _ => Kind::Other,
    }
}

/// An IAM action that sends data: `service:Verb...` with a writing verb, or a wildcard.
pub(super) fn is_write(action: &str) -> bool {
    let verb = action.rsplit(':').next().unwrap_or(action);
    WRITE_VERBS.iter().any(|w| verb.starts_with(w))
}

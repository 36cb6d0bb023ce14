//! The CloudFormation resource types that more than one place names: the construct that creates
//! the resource, the limits table, and the policy rules that inspect it.

pub const EVENT_SOURCE_MAPPING: &str = "AWS::Lambda::EventSourceMapping";
pub const EVENT_INVOKE_CONFIG: &str = "AWS::Lambda::EventInvokeConfig";
pub const FUNCTION: &str = "AWS::Lambda::Function";
pub const QUEUE: &str = "AWS::SQS::Queue";
pub const RULE: &str = "AWS::Events::Rule";
pub const ALARM: &str = "AWS::CloudWatch::Alarm";
pub const TABLE: &str = "AWS::DynamoDB::Table";
pub const KINESIS_STREAM: &str = "AWS::Kinesis::Stream";
pub const BUCKET: &str = "AWS::S3::Bucket";
pub const LOG_GROUP: &str = "AWS::Logs::LogGroup";

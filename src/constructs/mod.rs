//! L2 constructs: typed props with documented defaults and ranges, handles whose methods return
//! intrinsics, and wiring that emits the IAM it needs.

pub mod alarm;
pub mod bucket;
pub mod checkov;
pub mod email;
pub mod environment;
pub mod event_bus;
pub mod event_schemas;
pub mod function;
pub mod http_api;
pub mod http_auth;
pub mod limits;
pub mod pattern;
pub mod queue;
pub(crate) mod role;
pub mod route_path;
pub mod rule;
pub mod stream_source;
pub mod table;
pub mod topic;

pub use alarm::Alarm;
pub use bucket::{Bucket, BucketProps};
pub use email::{EmailAddress, MailDomain, SesIdentity};
pub use environment::EnvVarName;
pub use event_bus::{BusArn, BusSource, EventBus, EventBusProps, OrganizationId};
pub use event_schemas::{EventContract, EventSchema, SchemaRegistry};
pub use function::{Function, FunctionProps};
pub use http_api::{ApiAlarmOptions, HttpApi, HttpApiProps, HttpMethod, Throttling};
pub use http_auth::{
    AuthValueError, Cors, CorsMethod, IdentitySource, Issuer, JwtAuthorizer, JwtAuthorizerProps,
    RouteAuth, Scope,
};
pub use pattern::{
    Affix, AnythingBut, Cidr, Dialect, EventPattern, Fields, Lower, MatchValue, Matcher, NonEmpty,
    Numeric, OneOrMany, Operator, PatternError, Scalar, Upper, Wildcard,
};
pub use queue::{Queue, QueueProps};
pub use route_path::RoutePath;
pub use rule::{Rule, RuleProps, Target, TargetKind, TargetRetry};
pub use stream_source::{
    OnFailure, RecordAge, Retries, StartingPosition, StreamSource, StreamSourceProps,
};
pub use table::{
    Attribute, AttributeType, Billing, StreamViewType, Table, TableAccess, TableProps,
};
pub use topic::{Topic, TopicProps};

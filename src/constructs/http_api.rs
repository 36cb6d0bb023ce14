//! HTTP API (API Gateway v2): routes to functions, each with its authorization (a JWT
//! authorizer, IAM, or none), CORS, the `$default` stage with auto-deploy, throttling and JSON
//! access logs.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::alarm::Alarm;
use super::email::EmailAddress;
use super::function::Function;
use super::http_auth::{Cors, JwtAuthorizer, JwtAuthorizerProps, RouteAuth};
use super::limits::check_log_retention;
use super::route_path::RoutePath;
use super::topic::{Topic, TopicProps};
use crate::core::CONSTRUCT_ID_MAX_LEN;
use crate::core::cfn::iam::{APIGATEWAY_SERVICE, LAMBDA_INVOKE};
use crate::core::cfn::{Attr, ResourceType, arn};
use crate::core::names::{self, NameRule};
use crate::core::{
    ConstructPath, Output, Reference, RemovalPolicy, Resource, Stack, Suppression, Value,
};

/// An HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
#[serde(expecting = "`GET`, `POST`, `PUT`, `PATCH`, `DELETE` or `ANY`")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Any,
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Any => "ANY",
        })
    }
}

fn burst() -> u32 {
    100
}
fn rate() -> u32 {
    50
}
fn retention() -> u32 {
    30
}

/// Stage throttling: requests beyond it get 429 before they reach a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `burstLimit` and `rateLimit`")]
pub struct Throttling {
    /// Burst of concurrent requests. Default: 100.
    #[serde(default = "burst")]
    pub burst_limit: u32,
    /// Steady requests per second. Default: 50.
    #[serde(default = "rate")]
    pub rate_limit: u32,
}

impl Default for Throttling {
    fn default() -> Self {
        Self {
            burst_limit: burst(),
            rate_limit: rate(),
        }
    }
}

/// Alarm options of an HTTP API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of alarm settings (`{}` for the defaults)")]
pub struct ApiAlarmOptions {
    /// Emails subscribed to the API's own alert topic. With an alert topic given
    /// (`alertTopic`) there is no topic of the API's own: subscribe them on that topic instead
    /// (giving both is an error). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<EmailAddress>,
}

/// HTTP API props.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpApiProps {
    /// Stage throttling. Default: burst 100, rate 50/s (bounded cost if a client misbehaves).
    #[serde(default)]
    pub throttling: Throttling,
    /// Days the access log group keeps logs. Default: 30.
    #[serde(default = "retention")]
    pub access_log_retention_days: u32,
    /// A description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Alarm settings (the API alarms on its first server error). Default: no emails.
    #[serde(default)]
    pub alarms: ApiAlarmOptions,
    /// CORS, for browsers calling from pages on other origins. Default: none (API Gateway adds
    /// no CORS headers, so browsers refuse cross-origin calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Cors>,
    /// Policy rules (or checkov checks) knowingly switched off for the API and its routes, each
    /// with its reason (`unauthorized-route` for a public endpoint by design). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
}

impl Default for HttpApiProps {
    fn default() -> Self {
        Self {
            throttling: Throttling::default(),
            access_log_retention_days: retention(),
            description: None,
            alarms: ApiAlarmOptions::default(),
            cors: None,
            suppress: Vec::new(),
        }
    }
}

/// A route's `AuthorizationType`.
fn auth_type(auth: &RouteAuth) -> &'static str {
    match auth {
        RouteAuth::Jwt { .. } => "JWT",
        RouteAuth::Iam => "AWS_IAM",
        RouteAuth::None => "NONE",
    }
}

/// An HTTP API handle.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpApi {
    pub path: ConstructPath,
    pub reference: Reference,
    /// Where the API's alarms go.
    pub alerts: Topic,
}

const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage"}"#;

/// A route's construct id: letters and digits (PascalCase), at most a construct id's length.
const ROUTE_ID: NameRule = NameRule {
    what: "route id",
    property: None,
    max_len: CONSTRUCT_ID_MAX_LEN,
    chars: names::ALPHANUMERIC,
    chars_text: "only A-Z, a-z and 0-9 are allowed",
    separator: "",
};

impl HttpApi {
    /// Adds the API, its `$default` stage and access log group, and an alarm on its server
    /// errors (5xx) to `alerts`, or to a topic of the API's own.
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        props: &HttpApiProps,
        alerts: Option<&Topic>,
    ) -> Self {
        for s in &props.suppress {
            stack.suppress(&path, s.clone());
        }
        let cors = props.cors.as_ref().and_then(|c| c.render(stack, &path));
        check_log_retention(
            stack,
            &path,
            "accessLogRetentionDays",
            props.access_log_retention_days,
        );
        let resource = stack.child(&path, "Resource");
        if props.throttling.burst_limit == 0 || props.throttling.rate_limit == 0 {
            stack.warn(
                &path,
                "throttling: a burst or rate limit of 0 answers every request with 429; raise it, or remove the routes",
            );
        }
        let name = stack.generated_name(
            &path,
            &super::limits::HTTP_API_NAME,
            &[&stack.name().to_string(), path.leaf()],
        );
        let reference = stack.add(
            &resource,
            Resource::new(ResourceType::ApiGatewayV2Api)
                .prop("Name", name)
                .prop("ProtocolType", "HTTP")
                .prop_opt("Description", props.description.clone())
                .prop_opt("CorsConfiguration", cors),
        );
        if alerts.is_some() && !props.alarms.emails.is_empty() {
            stack.error(
                &path,
                "alarms.emails would be dropped: with an alert topic given, the API has no topic of its own to subscribe them to; subscribe them on the alert topic (`emailSubscriptions`) instead",
            );
        }
        let alerts = match alerts {
            Some(t) => t.clone(),
            None => {
                let p = stack.child(&path, "Alerts");
                let props = TopicProps {
                    display_name: None,
                    email_subscriptions: props.alarms.emails.clone(),
                };
                Topic::new(stack, p, &props)
            }
        };
        let api = Self {
            path,
            reference,
            alerts,
        };
        let alarm = stack.child(&api.path, "ServerErrorsAlarm");
        Alarm::api_server_errors(stack, alarm, &api, &api.alerts);
        let logs_path = stack.child(&api.path, "AccessLogs");
        let logs = stack.add(
            &logs_path,
            Resource::new(ResourceType::LogsLogGroup)
                .checkov_skip(super::checkov::LOGS_KMS)
                .prop("RetentionInDays", props.access_log_retention_days)
                .retain(RemovalPolicy::Retain),
        );
        let stage_path = stack.child(&api.path, "DefaultStage");
        stack.add(
            &stage_path,
            Resource::new(ResourceType::ApiGatewayV2Stage)
                .prop("ApiId", api.id())
                .prop("StageName", "$default")
                .prop("AutoDeploy", true)
                .prop(
                    "DefaultRouteSettings",
                    Value::map([
                        ("ThrottlingBurstLimit", props.throttling.burst_limit.into()),
                        ("ThrottlingRateLimit", props.throttling.rate_limit.into()),
                    ]),
                )
                .prop(
                    "AccessLogSettings",
                    Value::map([
                        ("DestinationArn", Value::GetAtt(logs, Attr::Arn)),
                        ("Format", ACCESS_LOG_FORMAT.into()),
                    ]),
                ),
        );
        stack.add_output(
            &format!("{}Url", crate::core::LogicalId::text_of(&api.path)),
            Output {
                description: Some(format!("The URL of {}", api.path)),
                value: Value::sub_with(
                    "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/",
                    [("Api", api.id())],
                ),
                export_name: None,
            },
        );
        api
    }

    /// The API id (`Ref`).
    pub fn id(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// Adds a JWT authorizer (`AuthorizerType: JWT`, named `id`) that routes of this API can
    /// require with [`RouteAuth::Jwt`]. API Gateway checks each token's signature against the
    /// issuer's published keys, its expiry, its `iss` and its `aud` (or Cognito's `client_id`).
    pub fn add_jwt_authorizer(
        &self,
        stack: &mut Stack,
        id: &str,
        props: &JwtAuthorizerProps,
    ) -> JwtAuthorizer {
        let path = stack.child(&self.path, id);
        if props.audience.is_empty() {
            stack.error(
                &path,
                "audience: a JWT authorizer needs at least one audience (e.g. the app client id); API Gateway refuses one without",
            );
        }
        for (i, a) in props.audience.iter().enumerate() {
            if a.trim().is_empty() {
                stack.error(&path, format!("audience[{i}]: an audience cannot be empty"));
            }
        }
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(
            &resource,
            Resource::new(ResourceType::ApiGatewayV2Authorizer)
                .prop("ApiId", self.id())
                .prop("AuthorizerType", "JWT")
                .prop(
                    "IdentitySource",
                    Value::List(vec![props.identity_source.as_str().to_owned().into()]),
                )
                .prop(
                    "JwtConfiguration",
                    Value::map([
                        (
                            "Audience",
                            Value::List(props.audience.iter().map(|a| a.clone().into()).collect()),
                        ),
                        ("Issuer", props.issuer.as_str().to_owned().into()),
                    ]),
                )
                .prop("Name", path.leaf().to_owned()),
        );
        JwtAuthorizer {
            path,
            reference,
            api: self.reference.clone(),
        }
    }

    /// Routes `method path` to `function` (Lambda proxy, payload format 2.0), callable as `auth`
    /// says, and lets this API, and only this route of it, invoke the function.
    pub fn add_route(
        &self,
        stack: &mut Stack,
        method: HttpMethod,
        route_path: &RoutePath,
        function: &Function,
        auth: &RouteAuth,
    ) {
        let route_key = format!("{method} {route_path}");
        if let RouteAuth::Jwt { authorizer, .. } = auth
            && authorizer.api != self.reference
        {
            stack.error(
                &self.path,
                format!(
                    "route `{route_key}`: the authorizer {} belongs to another API; API Gateway lets a route use only its own API's authorizers",
                    authorizer.path
                ),
            );
            return;
        }
        let Some(route_id) = self.route_id(stack, method, route_path, &route_key) else {
            stack.error(
                &self.path,
                format!("route `{route_key}` is defined twice; API Gateway takes each method and path once"),
            );
            return;
        };
        function.skip_checkov(stack, super::checkov::LAMBDA_DLQ_SYNC);
        let route = stack.child(&self.path, &route_id);
        let integration_path = stack.child(&route, "Integration");
        let integration = stack.add(
            &integration_path,
            Resource::new(ResourceType::ApiGatewayV2Integration)
                .prop("ApiId", self.id())
                .prop("IntegrationType", "AWS_PROXY")
                .prop("IntegrationUri", function.arn())
                .prop("PayloadFormatVersion", "2.0"),
        );
        let route_resource = stack.child(&route, "Resource");
        stack.add(
            &route_resource,
            Resource::new(ResourceType::ApiGatewayV2Route)
                .prop("ApiId", self.id())
                .prop("RouteKey", route_key)
                .prop("AuthorizationType", auth_type(auth))
                .prop_opt(
                    "AuthorizerId",
                    match auth {
                        RouteAuth::Jwt { authorizer, .. } => Some(authorizer.id()),
                        _ => None,
                    },
                )
                .prop_opt(
                    "AuthorizationScopes",
                    match auth {
                        RouteAuth::Jwt { scopes, .. } if !scopes.is_empty() => Some(Value::List(
                            scopes
                                .iter()
                                .map(|s| s.as_str().to_owned().into())
                                .collect(),
                        )),
                        _ => None,
                    },
                )
                .prop(
                    "Target",
                    Value::Join(
                        String::new(),
                        vec!["integrations/".into(), Value::Ref(integration)],
                    ),
                ),
        );
        let method_name = (method != HttpMethod::Any).then(|| method.to_string());
        let permission = stack.child(&route, "Permission");
        stack.add(
            &permission,
            Resource::new(ResourceType::LambdaPermission)
                .prop("Action", LAMBDA_INVOKE)
                .prop("FunctionName", function.arn())
                .prop("Principal", APIGATEWAY_SERVICE)
                .prop(
                    "SourceArn",
                    arn::execute_api_route(self.id(), method_name.as_deref(), route_path.as_str()),
                ),
        );
    }

    /// The construct id of a route: its method and path in PascalCase (`PostReservationsId`),
    /// readable in the logical IDs. Paths that differ only in what PascalCase drops
    /// (`/wait-list` and `/wait_list`, `/a/{id}` and `/a/id`) or in case would share it: a later
    /// one gets a short hash of its route key, so every route keeps an id of its own. `None`
    /// when this API already has the route key (which always shares the readable id, so only
    /// then are the API's routes looked at).
    fn route_id(
        &self,
        stack: &Stack,
        method: HttpMethod,
        route_path: &RoutePath,
        route_key: &str,
    ) -> Option<String> {
        let readable: String = format!("{method}{route_path}")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|s| !s.is_empty())
            .map(|s| {
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let id = ROUTE_ID.bound(&readable, route_key);
        if !stack.has_construct(&self.path.child(&id)) {
            return Some(id);
        }
        let key = Value::from(route_key.to_owned());
        let defined = stack.template().resources.values().any(|r| {
            r.kind == ResourceType::ApiGatewayV2Route
                && r.properties.get("ApiId") == Some(&self.id())
                && r.properties.get("RouteKey") == Some(&key)
        });
        (!defined).then(|| {
            ROUTE_ID.bound(
                &format!("{readable}{}", names::short_hash(route_key)),
                route_key,
            )
        })
    }
}

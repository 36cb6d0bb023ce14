//! Lambda function from a handler binary of the workspace (or a prebuilt zip): `provided.al2023`,
//! handler `bootstrap`, its own log group with retention, and an execution role whose one policy
//! grants append to.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::email::SesIdentity;
use super::environment::{self, EnvVarName};
use super::limits::{LOG_RETENTION_DAYS, MEMORY_SIZE_MB, TIMEOUT_SECONDS, check_log_retention};
use crate::core::cfn::iam::{ASSUME_ROLE, LAMBDA_SERVICE, LOGS_WRITE, SES_SEND, XRAY_WRITE};
use crate::core::cfn::{Attr, ResourceType, arn};
use std::path::PathBuf;

use crate::core::{
    Architecture, Code, ConstructPath, HandlerRef, Map, Reference, RemovalPolicy, Resource, Stack,
    Statement, Suppression, Value, bootstrap,
};

/// The runtime every Rust handler runs on.
pub const RUNTIME: &str = "provided.al2023";
/// The executable name custom runtimes start.
pub const HANDLER: &str = "bootstrap";

fn memory() -> u32 {
    256
}
fn timeout() -> u32 {
    10
}
fn retention() -> u32 {
    30
}

/// Function props.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the function's settings, with `handler` or `code`")]
pub struct FunctionProps {
    /// The handler: a binary target of a member of the cargo workspace, `<package>` (the
    /// package's binary of that name, or its only one) or `<package>/<binary>`. Default: none;
    /// give this or `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<HandlerRef>,
    /// A prebuilt zip holding an executable `bootstrap`, for code cargo does not build: its path,
    /// relative to the spec (in Rust: to the workspace root). Default: none; give this or
    /// `handler`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PathBuf>,
    /// Instruction set. Default: the workspace's `[workspace.metadata.tributary] architecture`,
    /// else `x86_64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Memory in MB: 128..=10,240. Default: 256 (Rust handlers are small; CPU scales with memory).
    #[serde(default = "memory")]
    #[schemars(range(min = MEMORY_SIZE_MB.min, max = MEMORY_SIZE_MB.max))]
    pub memory_size: u32,
    /// Timeout in seconds: 1..=900. Default: 10. For a stream consumer this bounds how long one
    /// batch can hold up its shard.
    #[serde(default = "timeout")]
    #[schemars(range(min = TIMEOUT_SECONDS.min, max = TIMEOUT_SECONDS.max))]
    pub timeout_seconds: u32,
    /// Extra environment variables: names of `[a-zA-Z][a-zA-Z0-9_]+`, none that Lambda sets
    /// itself, none that a binding sets (`TABLE_NAME` of a writer, `EVENT_BUS_NAME` of a
    /// publisher), at most 4 KB in all. Default: none (bindings add the names of what they
    /// bind).
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "environment::deserialize_variables"
    )]
    #[schemars(schema_with = "environment::variables_schema")]
    pub environment: IndexMap<EnvVarName, String>,
    /// Days the function's log group keeps logs (a CloudWatch Logs retention value). Default: 30.
    #[serde(default = "retention")]
    #[schemars(extend("enum" = LOG_RETENTION_DAYS))]
    pub log_retention_days: u32,
    /// Active X-Ray tracing. Default: off.
    #[serde(default)]
    pub tracing: bool,
    /// Reserved concurrency. Default: none (the account's unreserved pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    /// A description shown in the console. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// SES identities (verified email addresses or domains) the function sends email from:
    /// grants `ses:SendEmail` on exactly those identities, and on an address's domain (SES
    /// authorizes an address of a verified domain against the domain). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub send_email_from: Vec<SesIdentity>,
    /// Recipients (verified addresses or domains) the function emails while the account is in
    /// the SES sandbox: there SES refuses mail to unverified recipients and authorizes
    /// `ses:SendEmail` against each recipient's identity too, so these are granted as well
    /// (outside the sandbox, leave it empty: the grant stays on the senders). Needs
    /// `sendEmailFrom`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ses_sandbox_recipients: Vec<SesIdentity>,
    /// Policy rules (or checkov checks) knowingly switched off for this construct and everything
    /// under it, each with its reason (recorded in the template). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
    /// Tags for every resource under this function that takes tags (key -> value), besides the
    /// app's and the stack's; a key set nearer the resource wins (construct > stack > app).
    /// Keys 1..=128 characters, not starting with `aws:`; values 0..=256; letters, digits,
    /// spaces and `_ . : / = + - @`; at most 50 tags per resource in all. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 50))]
    pub tags: BTreeMap<String, String>,
}

impl FunctionProps {
    /// Props for a handler binary (`<package>` or `<package>/<binary>`) with every default. A
    /// name that is not one leaves `handler` unset, which [`Function::new`] reports; use
    /// [`FunctionProps::try_new`] to get the parse error instead.
    pub fn new(handler: &str) -> Self {
        Self::with_code(handler.parse().ok(), None)
    }

    /// Props for a handler binary with every default, or why the name is not one.
    pub fn try_new(handler: &str) -> Result<Self, crate::core::HandlerRefError> {
        Ok(Self::with_code(Some(handler.parse()?), None))
    }

    /// Props for a prebuilt zip (holding an executable `bootstrap`) with every default.
    pub fn zip(path: impl Into<PathBuf>) -> Self {
        Self::with_code(None, Some(path.into()))
    }

    /// These props with one more environment variable, or why Lambda would refuse its name.
    pub fn env(
        mut self,
        name: &str,
        value: impl Into<String>,
    ) -> Result<Self, environment::EnvVarNameError> {
        self.environment
            .insert(EnvVarName::new(name)?, value.into());
        Ok(self)
    }

    fn with_code(handler: Option<HandlerRef>, code: Option<PathBuf>) -> Self {
        Self {
            handler,
            code,
            architecture: None,
            memory_size: memory(),
            timeout_seconds: timeout(),
            environment: IndexMap::new(),
            log_retention_days: retention(),
            tracing: false,
            reserved_concurrency: None,
            description: None,
            send_email_from: Vec::new(),
            ses_sandbox_recipients: Vec::new(),
            suppress: Vec::new(),
            tags: BTreeMap::new(),
        }
    }
}

/// A function handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub path: ConstructPath,
    pub reference: Reference,
    /// The execution role.
    pub role: Reference,
    /// The role's policy, which grants append to.
    pub policy: Reference,
    pub timeout_seconds: u32,
}

impl Function {
    /// Adds a function, its log group, execution role and role policy.
    pub fn new(stack: &mut Stack, path: ConstructPath, props: &FunctionProps) -> Self {
        MEMORY_SIZE_MB.check(stack, &path, "memorySize", props.memory_size.into());
        TIMEOUT_SECONDS.check(stack, &path, "timeoutSeconds", props.timeout_seconds.into());
        check_log_retention(stack, &path, "logRetentionDays", props.log_retention_days);
        for s in &props.suppress {
            stack.suppress(&path, s.clone());
        }
        for (k, v) in &props.tags {
            stack.tag(&path, k, v);
        }
        let arch = props
            .architecture
            .unwrap_or_else(|| stack.default_architecture());
        let asset = match (&props.handler, &props.code) {
            (Some(handler), None) => stack.asset(&path, &Code::Handler(handler.clone()), arch),
            (None, Some(zip)) => stack.asset(&path, &Code::Zip(zip.clone()), arch),
            (Some(_), Some(_)) => {
                stack.error(&path, "give `handler` or `code`, not both");
                None
            }
            (None, None) => {
                stack.error(
                    &path,
                    "a function needs `handler` (a binary of the workspace: `<package>` or `<package>/<binary>`) or `code` (a prebuilt .zip)",
                );
                None
            }
        };

        let log_path = stack.child(&path, "LogGroup");
        let log_group = stack.add(
            &log_path,
            Resource::new(ResourceType::LogsLogGroup)
                .checkov_skip(super::checkov::LOGS_KMS)
                .prop("RetentionInDays", props.log_retention_days)
                .retain(RemovalPolicy::Retain),
        );

        let role_path = stack.child(&path, "ServiceRole");
        let (role, policy) = super::role::service_role(
            stack,
            &role_path,
            Statement::allow_service(LAMBDA_SERVICE, ASSUME_ROLE, Vec::new(), None),
        );

        let code = match &asset {
            Some(asset) => Value::map([
                ("S3Bucket", bootstrap::asset_bucket()),
                ("S3Key", asset.file_name().into()),
            ]),
            None => Value::Null,
        };
        let mut variables = Map::new();
        for (k, v) in &props.environment {
            variables.insert(k.as_str().to_owned(), Value::from(v.clone()));
        }
        if let Some(why) = environment::check_size(variables.iter()) {
            stack.error(&path, format!("environment: {why}"));
        }
        let mut r = Resource::new(ResourceType::LambdaFunction)
            .checkov_skip(super::checkov::LAMBDA_VPC)
            .checkov_skip(super::checkov::LAMBDA_ENV_KMS)
            .prop("Code", code)
            .prop("Handler", HANDLER)
            .prop("Runtime", RUNTIME)
            .prop("Architectures", Value::strs([arch.lambda_name()]))
            .prop("MemorySize", props.memory_size)
            .prop("Timeout", props.timeout_seconds)
            .prop("Role", Value::GetAtt(role.clone(), Attr::Arn))
            .prop(
                "LoggingConfig",
                Value::map([
                    ("LogFormat", "JSON".into()),
                    ("LogGroup", Value::Ref(log_group.clone())),
                ]),
            )
            .prop_opt("Description", props.description.clone())
            .prop_opt("ReservedConcurrentExecutions", props.reserved_concurrency);
        if !variables.is_empty() {
            r = r.prop(
                "Environment",
                Value::map([("Variables", Value::Map(variables))]),
            );
        }
        if props.tracing {
            r = r.prop("TracingConfig", Value::map([("Mode", "Active".into())]));
        }
        if props.reserved_concurrency.is_none() {
            r.skip_checkov(super::checkov::LAMBDA_CONCURRENCY);
        }
        r.depends_on = vec![policy.logical_id.clone()];
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let function = Self {
            path,
            reference,
            role,
            policy,
            timeout_seconds: props.timeout_seconds,
        };
        function.grant(
            stack,
            Statement::allow(LOGS_WRITE, vec![Value::GetAtt(log_group, Attr::Arn)]),
        );
        if props.tracing {
            function.grant(stack, Statement::allow(XRAY_WRITE, vec!["*".into()]));
        }
        if props.send_email_from.is_empty() && !props.ses_sandbox_recipients.is_empty() {
            stack.error(
                &function.path,
                "sesSandboxRecipients are granted only beside a sender: give `sendEmailFrom` (the verified identity the function sends from) too",
            );
        }
        let mut identities = email_identities(&props.send_email_from);
        if !identities.is_empty() {
            for recipient in email_identities(&props.ses_sandbox_recipients) {
                if !identities.contains(&recipient) {
                    identities.push(recipient);
                }
            }
            let arns = identities
                .iter()
                .map(|identity| arn::ses_identity(identity))
                .collect();
            function.grant(stack, Statement::allow(SES_SEND, arns));
        }
        function
    }

    /// Records on the function resource (when it is in `stack`) that checkov's `skip` does not
    /// apply, as the wiring that invokes it shows.
    pub fn skip_checkov(&self, stack: &mut Stack, skip: super::checkov::Skip) {
        if let Some(r) = stack.resource_mut(&self.reference) {
            r.skip_checkov(skip);
        }
    }

    /// The function name (`Ref`).
    pub fn name(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// The function ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }

    /// Adds a statement to the execution role's policy. The function must be in `stack`.
    pub fn grant(&self, stack: &mut Stack, statement: Statement) {
        if !stack.add_statement(&self.policy, statement) {
            let path = self.path.clone();
            stack.error(
                &path,
                format!(
                    "cannot grant to this function from stack `{}`: wire it in its own stack",
                    stack.name()
                ),
            );
        }
    }

    /// Sets an environment variable for a binding (e.g. the name of a bound table); `by` says
    /// which binding, for the error when the function's own `environment` already sets it.
    pub fn set_environment(&self, stack: &mut Stack, name: &str, value: Value, by: &str) {
        let path = self.path.clone();
        if let Err(e) = EnvVarName::new(name) {
            stack.error(&path, format!("{by}: {e}"));
            return;
        }
        let Some(r) = stack.resource_mut(&self.reference) else {
            stack.error(
                &path,
                "cannot set the environment of a function of another stack",
            );
            return;
        };
        if r.properties.get("Environment").is_none() {
            r.properties.insert(
                "Environment",
                Value::map([("Variables", Value::Map(Map::new()))]),
            );
        }
        let mut problem = None;
        if let Some(Value::Map(env)) = r.properties.get_mut("Environment")
            && let Some(Value::Map(vars)) = env.get_mut("Variables")
        {
            if vars.get(name).is_some() {
                problem = Some(format!(
                    "environment: `{name}` is set by {by}, which would replace the value given here; remove it from `environment`"
                ));
            } else {
                // Reported once: by the construct, or by the binding that makes it too big.
                let fitted = environment::check_size(vars.iter()).is_none();
                vars.insert(name.to_owned(), value);
                if fitted {
                    problem = environment::check_size(vars.iter())
                        .map(|why| format!("environment: {why}"));
                }
            }
        }
        if let Some(problem) = problem {
            stack.error(&path, problem);
        }
    }
}

/// The SES identities `senders` stand for: each address and its domain (SES authorizes an
/// address of a verified domain against the domain), each domain, without repeats.
fn email_identities(senders: &[SesIdentity]) -> Vec<String> {
    let mut identities: Vec<String> = Vec::new();
    for sender in senders {
        let domain = match sender {
            SesIdentity::Address(a) => Some(a.domain()),
            SesIdentity::Domain(_) => None,
        };
        let both = [Some(sender.as_str()), domain.as_ref().map(|d| d.as_str())];
        for identity in both.into_iter().flatten() {
            if !identities.iter().any(|i| i == identity) {
                identities.push(identity.to_owned());
            }
        }
    }
    identities
}

//! What the default `cdk bootstrap` environment provides, in one place: the qualifier, the asset
//! bucket, the deploy roles, and the version check every template carries.

use super::template::{Parameter, Template, TemplateRule};
use super::value::Value;

/// The default bootstrap qualifier.
pub const QUALIFIER: &str = "hnb659fds";
/// The bootstrap stack version our manifests require (the one that introduced the deploy roles).
pub const REQUIRED_VERSION: u32 = 6;
/// The version that introduced the lookup role.
pub const LOOKUP_ROLE_VERSION: u32 = 8;
/// The SSM parameter holding the bootstrap version.
pub const VERSION_PARAMETER: &str = "/cdk-bootstrap/hnb659fds/version";
/// The template parameter that reads [`VERSION_PARAMETER`].
pub const VERSION_TEMPLATE_PARAMETER: &str = "BootstrapVersion";
/// The asset bucket, with CloudFormation/CDK-CLI placeholders for account and region.
pub const ASSET_BUCKET: &str = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}";

/// The ARN of a bootstrap role, e.g. `deploy`, `cfn-exec`, `file-publishing`, `lookup`.
pub fn role_arn(role: &str) -> String {
    super::cfn::arn::bootstrap_role(QUALIFIER, role)
}

/// The asset bucket as a template value.
pub fn asset_bucket() -> Value {
    Value::sub(ASSET_BUCKET)
}

/// Adds the `BootstrapVersion` parameter and the `CheckBootstrapVersion` rule, as the CDK's
/// default synthesizer does: a deploy into an environment bootstrapped too long ago fails early.
pub fn add_version_check(template: &mut Template) {
    template.parameters.insert(
        VERSION_TEMPLATE_PARAMETER.to_owned(),
        Parameter {
            kind: "AWS::SSM::Parameter::Value<String>".to_owned(),
            default: Some(VERSION_PARAMETER.to_owned()),
            description: Some(
                "Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]"
                    .to_owned(),
            ),
        },
    );
    let too_old: Vec<String> = (1..REQUIRED_VERSION).map(|v| v.to_string()).collect();
    template.rules.insert(
        "CheckBootstrapVersion".to_owned(),
        TemplateRule {
            assertions: vec![(
                Value::Not(Box::new(Value::Contains(
                    Box::new(Value::strs(too_old)),
                    Box::new(Value::ParamRef(VERSION_TEMPLATE_PARAMETER.to_owned())),
                ))),
                format!(
                    "CDK bootstrap stack version {REQUIRED_VERSION} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
                ),
            )],
        },
    );
}

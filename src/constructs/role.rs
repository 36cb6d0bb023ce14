//! An IAM role a service assumes, with the one inline-policy resource its grants go to (as the
//! CDK's `ServiceRole` and `DefaultPolicy`).

use super::limits::IAM_POLICY_NAME;
use crate::core::cfn::ResourceType;
use crate::core::{
    ConstructPath, LogicalId, PolicyDocument, Reference, Resource, Stack, Statement, Value,
};

/// Adds the role at `path`, trusted by `trust`, and its policy at `<path>/DefaultPolicy` (empty
/// until something is granted). Returns (role, policy).
pub(crate) fn service_role(
    stack: &mut Stack,
    path: &ConstructPath,
    trust: Statement,
) -> (Reference, Reference) {
    let role = stack.add(
        path,
        Resource::new(ResourceType::IamRole).prop(
            "AssumeRolePolicyDocument",
            Value::Policy(Box::new(PolicyDocument::with(vec![trust]))),
        ),
    );
    let policy_path = stack.child(path, "DefaultPolicy");
    let policy_name =
        crate::core::names::physical_name(&[&LogicalId::text_of(&policy_path)], &IAM_POLICY_NAME);
    let policy = stack.add(
        &policy_path,
        Resource::new(ResourceType::IamPolicy)
            .with_policy_document()
            .prop("PolicyName", policy_name)
            .prop("Roles", Value::List(vec![Value::Ref(role.clone())])),
    );
    (role, policy)
}

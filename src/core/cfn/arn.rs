//! The ARNs a template spells out, built in one place. Everything else gets an ARN from a handle
//! (`Fn::GetAtt [.., Arn]`); these are the ones no resource of the template returns.

use crate::core::value::Value;

/// The `Fn::Sub` variable that [`execute_api_route`] binds to the API id.
const API_VARIABLE: &str = "Api";

/// The ARN of an SES sending identity (an address or a domain) in the deploying account and
/// region: `arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/<identity>`.
pub fn ses_identity(identity: &str) -> Value {
    Value::sub(format!(
        "arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{identity}"
    ))
}

/// The ARN of a customer managed policy of the deploying account, by its name (with its path, if
/// it has one: `boundaries/dev`): `arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/<name>`
/// (as the CDK's `PermissionsBoundary.fromName`).
pub fn managed_policy(name: &str) -> Value {
    Value::sub(format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{name}"
    ))
}

/// The `execute-api` ARN of one route of an HTTP API, on any stage:
/// `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/<method><path>`,
/// with `Api` bound to `api_id`. `method` is `None` for a route that takes any method (`*`).
pub fn execute_api_route(api_id: Value, method: Option<&str>, path: &str) -> Value {
    let method = method.unwrap_or("*");
    Value::sub_with(
        format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{API_VARIABLE}}}/*/{method}{path}"
        ),
        [(API_VARIABLE, api_id)],
    )
}

/// The ARN of a rule of the deploying account and region, by its names (no reference to the
/// rule: a role the rule names may trust it without a dependency cycle):
/// `arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/<bus>/<rule>`, or
/// `.../rule/<rule>` for a rule on the account's `default` bus.
pub fn events_rule(bus: &str, rule: &str) -> Value {
    let resource = if bus == "default" {
        rule.to_owned()
    } else {
        format!("{bus}/{rule}")
    };
    Value::sub(format!(
        "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{resource}"
    ))
}

/// The ARN of a role of a `cdk bootstrap` environment (`role` is e.g. `deploy`, `cfn-exec`,
/// `lookup`), with the placeholders the CDK CLI fills in for account, region and partition.
///
/// Text rather than a [`Value`]: it goes into the cloud assembly manifest, not into a template.
pub fn bootstrap_role(qualifier: &str, role: &str) -> String {
    format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/cdk-{qualifier}-{role}-role-${{AWS::AccountId}}-${{AWS::Region}}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::Map;

    #[test]
    fn arns_spell_the_pseudo_parameters_out() {
        assert_eq!(
            ses_identity("example.com"),
            Value::Sub(
                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com"
                    .into(),
                Map::new()
            )
        );
        assert_eq!(
            execute_api_route("id".into(), None, "/orders/{id}"),
            Value::sub_with(
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*/orders/{id}",
                [("Api", Value::from("id"))]
            )
        );
        assert_eq!(
            events_rule("orders", "OnCreated"),
            Value::sub(
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders/OnCreated"
            )
        );
        assert_eq!(
            events_rule("default", "R"),
            Value::sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/R")
        );
        assert_eq!(
            bootstrap_role("hnb659fds", "deploy"),
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}"
        );
    }
}

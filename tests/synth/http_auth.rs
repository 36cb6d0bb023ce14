//! Authorization and CORS on the HTTP API: what the constructs render (JWT authorizers, IAM and
//! open routes, `CorsConfiguration`), what API Gateway would refuse (refused at synth with the
//! construct's path), the spec's `authorizers`/`defaultAuth`/`auth`/`cors` with their error
//! messages, and the policy rule `unauthorized-route` (TRB022): triggered by an open route,
//! silenced by a suppression with its reason (recorded in the template), never by the examples.

use std::path::Path;

use tributary::constructs::*;
use tributary::core::{Stack, Suppression, Synthesized};

use crate::common::{errors, function, one_stack, resources, root, snapshot_settings, template};

fn jwt_props() -> JwtAuthorizerProps {
    JwtAuthorizerProps {
        issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12"
            .parse()
            .unwrap(),
        audience: vec!["app-client".into()],
        identity_source: IdentitySource::default(),
    }
}

/// An API `Api` with `props`, one JWT authorizer `Users` and routes as `routes` adds them.
fn api(
    s: &mut Stack,
    props: &HttpApiProps,
    routes: impl FnOnce(&mut Stack, &HttpApi, &JwtAuthorizer, &Function),
) {
    let f = function(s, "Handler");
    let p = s.construct("Api");
    let api = HttpApi::new(s, p, props, None);
    let users = api.add_jwt_authorizer(s, "Users", &jwt_props());
    routes(s, &api, &users, &f);
}

#[test]
fn jwt_iam_and_open_routes_with_cors() {
    snapshot_settings(|| {
        let synth = one_stack(|s| {
            let props = HttpApiProps {
                cors: Some(Cors {
                    allow_origins: vec!["https://app.example.com".into()],
                    allow_methods: vec![CorsMethod::Get, CorsMethod::Post],
                    allow_headers: vec!["authorization".into(), "content-type".into()],
                    expose_headers: vec!["x-request-id".into()],
                    max_age_seconds: Some(600),
                    allow_credentials: true,
                }),
                suppress: vec![Suppression::new(
                    "unauthorized-route",
                    "public endpoint by design: the health check",
                )],
                ..HttpApiProps::default()
            };
            api(s, &props, |s, api, users, f| {
                let write = RouteAuth::jwt(users, &["orders/write"]).unwrap();
                api.add_route(s, HttpMethod::Post, &"/orders".parse().unwrap(), f, &write);
                let any_token = RouteAuth::jwt(users, &[]).unwrap();
                api.add_route(
                    s,
                    HttpMethod::Get,
                    &"/orders/{id}".parse().unwrap(),
                    f,
                    &any_token,
                );
                api.add_route(
                    s,
                    HttpMethod::Delete,
                    &"/orders/{id}".parse().unwrap(),
                    f,
                    &RouteAuth::Iam,
                );
                api.add_route(
                    s,
                    HttpMethod::Get,
                    &"/health".parse().unwrap(),
                    f,
                    &RouteAuth::None,
                );
            });
        })
        .unwrap();
        assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
        insta::assert_snapshot!("construct_http_api_auth", resources(&synth));
    });
}

/// The error messages of an API with `props` and the routes `routes` adds, or "ok".
fn api_errors(
    props: &HttpApiProps,
    routes: impl FnOnce(&mut Stack, &HttpApi, &JwtAuthorizer, &Function),
) -> String {
    match one_stack(|s| api(s, props, routes)) {
        Ok(_) => "ok".to_owned(),
        Err(e) => errors(Err(e)),
    }
}

fn iam_route(s: &mut Stack, api: &HttpApi, _: &JwtAuthorizer, f: &Function) {
    api.add_route(
        s,
        HttpMethod::Post,
        &"/orders".parse().unwrap(),
        f,
        &RouteAuth::Iam,
    );
}

fn with_cors(cors: Cors) -> HttpApiProps {
    HttpApiProps {
        cors: Some(cors),
        ..HttpApiProps::default()
    }
}

fn origins(list: &[&str]) -> Cors {
    Cors {
        allow_origins: list.iter().map(|o| o.to_string()).collect(),
        ..Cors::default()
    }
}

#[test]
fn cors_api_gateway_refuses_is_refused_at_synth() {
    assert_eq!(api_errors(&with_cors(origins(&["*"])), iam_route), "ok");
    assert_eq!(
        api_errors(
            &with_cors(Cors {
                allow_credentials: true,
                ..origins(&["https://app.example.com", "https://*"])
            }),
            iam_route
        ),
        "ok"
    );
    insta::assert_snapshot!(
        api_errors(&with_cors(Cors { allow_credentials: true, ..origins(&["https://app.example.com", "*"]) }), iam_route),
        @"error: Test/Api: cors.allowCredentials: API Gateway refuses credentials with the origin `*` (browsers would never send them); list the origins instead"
    );
    insta::assert_snapshot!(
        api_errors(&with_cors(origins(&[])), iam_route),
        @"error: Test/Api: cors.allowOrigins: list at least one origin (`https://app.example.com`, or `*`)"
    );
    insta::assert_snapshot!(
        api_errors(&with_cors(origins(&["https://a.example.com", " "])), iam_route),
        @"error: Test/Api: cors.allowOrigins[1]: ` ` is empty or has a space; API Gateway refuses it"
    );
    for (age, verdict) in [(-2, false), (-1, true), (86_400, true), (86_401, false)] {
        let props = with_cors(Cors {
            max_age_seconds: Some(age),
            ..origins(&["*"])
        });
        let outcome = api_errors(&props, iam_route);
        assert_eq!(outcome == "ok", verdict, "{age}: {outcome}");
    }
    insta::assert_snapshot!(
        api_errors(&with_cors(Cors { max_age_seconds: Some(86_401), ..origins(&["*"]) }), iam_route),
        @"error: Test/Api: cors.maxAgeSeconds = 86401 is out of range: AWS::ApiGatewayV2::Api CorsConfiguration.MaxAge allows -1..=86400"
    );
}

#[test]
fn authorizers_api_gateway_refuses_are_refused_at_synth() {
    let no_audience = |s: &mut Stack, api: &HttpApi, _: &JwtAuthorizer, f: &Function| {
        let props = JwtAuthorizerProps {
            audience: vec![],
            ..jwt_props()
        };
        let other = api.add_jwt_authorizer(s, "Partners", &props);
        let auth = RouteAuth::jwt(&other, &[]).unwrap();
        api.add_route(s, HttpMethod::Post, &"/orders".parse().unwrap(), f, &auth);
    };
    insta::assert_snapshot!(
        api_errors(&HttpApiProps::default(), no_audience),
        @"error: Test/Api/Partners: audience: a JWT authorizer needs at least one audience (e.g. the app client id); API Gateway refuses one without"
    );
    // A route may only use an authorizer of its own API.
    let result = one_stack(|s| {
        let f = function(s, "Handler");
        let p = s.construct("Public");
        let public = HttpApi::new(s, p, &HttpApiProps::default(), None);
        let p = s.construct("Internal");
        let internal = HttpApi::new(s, p, &HttpApiProps::default(), None);
        let users = public.add_jwt_authorizer(s, "Users", &jwt_props());
        let auth = RouteAuth::jwt(&users, &[]).unwrap();
        internal.add_route(s, HttpMethod::Get, &"/orders".parse().unwrap(), &f, &auth);
    });
    insta::assert_snapshot!(
        errors(result),
        @"error: Test/Internal: route `GET /orders`: the authorizer Test/Public/Users belongs to another API; API Gateway lets a route use only its own API's authorizers"
    );
    // Values API Gateway refuses cannot be built at all.
    let issuer = |s: &str| s.parse::<Issuer>().map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(
        issuer("http://login.example.com"),
        Err("issuer `http://login.example.com` must be an `https://` URL (API Gateway fetches the issuer's keys over HTTPS)".to_owned())
    );
    assert!(RouteAuth::jwt(&dummy_authorizer(), &["a b"]).is_err());
}

/// An authorizer handle, for what fails before it is used.
fn dummy_authorizer() -> JwtAuthorizer {
    let mut users = None;
    let _ = one_stack(|s| {
        let p = s.construct("Api");
        let api = HttpApi::new(s, p, &HttpApiProps::default(), None);
        users = Some(api.add_jwt_authorizer(s, "Users", &jwt_props()));
    });
    users.unwrap()
}

/// The spec of one stack with a function `Orders` and this HTTP API section (indented under
/// `httpApis:`).
fn spec(api: &str) -> String {
    format!(
        "stacks:
  S:
    functions:
      Orders: {{ handler: create-reservation }}
    httpApis:
      Api:
{api}"
    )
}

fn synth_spec(yaml: &str) -> Result<Synthesized, tributary::core::Diagnostics> {
    let spec = tributary::spec::parse(Path::new("app.yaml"), yaml).unwrap();
    tributary::spec::build(&spec, &root()).synth()
}

const USERS: &str = "        authorizers:
          Users:
            jwt:
              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12
              audience: [app-client]
";

#[test]
fn spec_routes_take_their_auth_or_the_apis_default() {
    let yaml = spec(&format!(
        "{USERS}        defaultAuth: {{ jwt: Users, scopes: [orders/write] }}
        cors: {{ allowOrigins: [https://app.example.com], allowMethods: [GET, POST], maxAgeSeconds: 600 }}
        routes:
          - {{ method: POST, path: /orders, function: Orders }}
          - {{ method: GET, path: '/orders/{{id}}', function: Orders, auth: {{ jwt: Users }} }}
          - {{ method: DELETE, path: '/orders/{{id}}', function: Orders, auth: iam }}
"
    ));
    let synth = synth_spec(&yaml).unwrap();
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    let routes: Vec<String> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::ApiGatewayV2::Route")
        .map(|r| {
            let p = &r["Properties"];
            format!(
                "{} {} {} {}",
                p["RouteKey"], p["AuthorizationType"], p["AuthorizerId"], p["AuthorizationScopes"]
            )
        })
        .collect();
    insta::assert_snapshot!(routes.join("\n"), @r#"
    "POST /orders" "JWT" {"Ref":"ApiUsers"} ["orders/write"]
    "GET /orders/{id}" "JWT" {"Ref":"ApiUsers"} null
    "DELETE /orders/{id}" "AWS_IAM" null null
    "#);
    let authorizer = &t["Resources"]["ApiUsers"];
    insta::assert_snapshot!(serde_json::to_string_pretty(authorizer).unwrap(), @r#"
    {
      "Type": "AWS::ApiGatewayV2::Authorizer",
      "Properties": {
        "ApiId": {
          "Ref": "Api"
        },
        "AuthorizerType": "JWT",
        "IdentitySource": [
          "$request.header.Authorization"
        ],
        "JwtConfiguration": {
          "Audience": [
            "app-client"
          ],
          "Issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12"
        },
        "Name": "Users"
      }
    }
    "#);
    insta::assert_snapshot!(
        t["Resources"]["Api"]["Properties"]["CorsConfiguration"].to_string(),
        @r#"{"AllowMethods":["GET","POST"],"AllowOrigins":["https://app.example.com"],"MaxAge":600}"#
    );
}

#[test]
fn an_unauthorized_route_is_refused_with_the_rule_and_its_fix() {
    let open =
        spec("        routes:\n          - { method: GET, path: /health, function: Orders }\n");
    insta::assert_snapshot!(errors(synth_spec(&open)), @"error[TRB022]: app.yaml:6:7: S/Api/GETHealth: route `GET /health` lets anyone call it (AuthorizationType NONE) (unauthorized-route). Fix: Give the route a JWT authorizer or IAM authorization (`auth:`, or the API's `defaultAuth`); for a public endpoint by design, suppress `unauthorized-route` on the API with the reason.");
    // `auth: none` says it on purpose, and is refused the same way.
    let none = spec(&format!(
        "{USERS}        defaultAuth: {{ jwt: Users }}
        routes:
          - {{ method: GET, path: /health, function: Orders, auth: none }}
"
    ));
    assert!(errors(synth_spec(&none)).contains("error[TRB022]"));
}

#[test]
fn a_suppressed_unauthorized_route_is_accepted_with_its_reason_in_the_template() {
    let yaml = spec(
        "        routes:
          - { method: GET, path: /health, function: Orders }
        suppress:
          - { rule: unauthorized-route, reason: public endpoint by design (load balancer health checks) }
",
    );
    let synth = synth_spec(&yaml).unwrap();
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    let route = &t["Resources"]["ApiGETHealth"];
    assert_eq!(route["Properties"]["AuthorizationType"], "NONE");
    assert_eq!(
        route["Metadata"]["tributary:suppressions"],
        serde_json::json!([{
            "rule": "TRB022",
            "reason": "public endpoint by design (load balancer health checks)"
        }])
    );
    // checkov's check of the same thing (CKV_AWS_309) is skipped for the same reason.
    assert_eq!(
        route["Metadata"]["checkov"]["skip"],
        serde_json::json!([{
            "id": "CKV_AWS_309",
            "comment": "public endpoint by design (load balancer health checks)"
        }])
    );
}

#[test]
fn spec_auth_mistakes_name_the_field_and_the_closest_name() {
    let dangling = spec(&format!(
        "{USERS}        defaultAuth: {{ jwt: User }}
        routes:
          - {{ method: POST, path: /orders, function: Orders }}
          - {{ method: GET, path: /orders, function: Orders, auth: {{ jwt: Usres, scopes: [orders/read] }} }}
"
    ));
    insta::assert_snapshot!(errors(synth_spec(&dangling)), @r"
    error: app.yaml:12:24: S/Api: defaultAuth.jwt: there is no authorizer `User` on this API (`authorizers:`); did you mean `Users`?
    error: app.yaml:15:69: S/Api: routes[1].auth.jwt: there is no authorizer `Usres` on this API (`authorizers:`); did you mean `Users`?
    ");
    let load_error = |yaml: &str| {
        tributary::spec::parse(Path::new("app.yaml"), yaml)
            .unwrap_err()
            .to_string()
    };
    let misspelt = spec(
        "        authorizers:
          Users:
            jwt: { issuer: https://login.example.com, audiences: [app] }
        routes: []
",
    );
    insta::assert_snapshot!(load_error(&misspelt), @"app.yaml:9:55: stacks.S.httpApis.Api.authorizers.Users.jwt: unknown field `audiences`, expected one of `issuer`, `audience`, `identitySource`; did you mean `audience`?");
    let word = spec(
        "        routes:\n          - { method: GET, path: /orders, function: Orders, auth: IAM }\n",
    );
    insta::assert_snapshot!(load_error(&word), @"app.yaml:8:67: stacks.S.httpApis.Api.routes[0].auth: auth `IAM` is not `iam`, `none` or `{ jwt: <authorizer id> }`");
    let http = spec(
        "        authorizers:
          Users:
            jwt: { issuer: http://login.example.com, audience: [app] }
        routes: []
",
    );
    insta::assert_snapshot!(load_error(&http), @"app.yaml:9:18: stacks.S.httpApis.Api.authorizers.Users.jwt: issuer `http://login.example.com` must be an `https://` URL (API Gateway fetches the issuer's keys over HTTPS)");
    let scope = spec(&format!(
        "{USERS}        routes:\n          - {{ method: GET, path: /orders, function: Orders, auth: {{ jwt: Users, scopes: [orders read] }} }}\n"
    ));
    insta::assert_snapshot!(load_error(&scope), @r#"app.yaml:13:89: stacks.S.httpApis.Api.routes[0].auth.scopes: scope `orders read` has ' '; a scope is printable ASCII without spaces, `"` or `\`"#);
    let empty = spec(
        "        authorizers:
          Users:
            jwt: { issuer: https://login.example.com, audience: [] }
        routes: []
",
    );
    insta::assert_snapshot!(errors(synth_spec(&empty)), @"error: app.yaml:9:55: S/Api/Users: audience: a JWT authorizer needs at least one audience (e.g. the app client id); API Gateway refuses one without");
    let credentials = spec(
        "        cors: { allowOrigins: ['*'], allowCredentials: true }
        routes: []
",
    );
    insta::assert_snapshot!(errors(synth_spec(&credentials)), @"error: app.yaml:7:38: S/Api: cors.allowCredentials: API Gateway refuses credentials with the origin `*` (browsers would never send them); list the origins instead");
}

#[test]
fn the_examples_routes_all_require_a_token_and_trigger_no_rule() {
    let spec = tributary::spec::load(&root().join("examples/reservations.yaml")).unwrap();
    let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
    assert!(
        synth.warnings.iter().all(|w| w.code != Some("TRB022")),
        "{:?}",
        synth.warnings
    );
    let t: serde_json::Value = serde_json::from_str(&template(&synth)).unwrap();
    let routes: Vec<&serde_json::Value> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::ApiGatewayV2::Route")
        .collect();
    assert!(!routes.is_empty());
    for r in routes {
        assert_eq!(r["Properties"]["AuthorizationType"], "JWT", "{r}");
        assert!(r["Metadata"]["tributary:suppressions"].is_null(), "{r}");
    }
}

/// Every example, every stage: each route authorizes its callers, none by a suppression.
#[test]
fn no_example_has_an_unauthorized_route() {
    for (name, synth) in crate::common::every_example() {
        assert!(
            synth.warnings.iter().all(|w| w.code != Some("TRB022")),
            "{name}: {:?}",
            synth.warnings
        );
        assert!(!crate::common::suppresses(&synth, "TRB022"), "{name}");
        let routes = synth
            .stacks
            .iter()
            .flat_map(|s| s.template.resources.values())
            .filter(|r| r.kind.to_string() == "AWS::ApiGatewayV2::Route")
            .count();
        assert!(routes > 0, "{name} has no route to check");
    }
}

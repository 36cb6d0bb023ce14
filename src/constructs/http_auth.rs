//! Who may call an HTTP API's routes: JWT authorizers (an issuer, its audiences, and the scopes
//! each route requires), IAM (SigV4-signed callers), or nobody checked at all; and the API's CORS
//! settings. Values API Gateway would refuse at deploy time cannot be built (`Issuer`,
//! `IdentitySource`, `Scope` parse), or are refused with the construct's path.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::limits::{CORS_MAX_AGE_SECONDS, JWT_ISSUER_MAX_CHARS};
use crate::core::{ConstructPath, Reference, Stack, Value};

/// Why a text is not an issuer, an identity source or a scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuthValueError(String);

/// The issuer of a JWT authorizer: an `https://` URL with a host (API Gateway reads
/// `<issuer>/.well-known/openid-configuration` from it), at most 2,048 characters. A Cognito
/// user pool's is `https://cognito-idp.<region>.amazonaws.com/<user pool id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issuer(Arc<str>);

impl Issuer {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Issuer {
    type Err = AuthValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| Err(AuthValueError(format!("issuer `{s}` {why}")));
        let Some(rest) = s.strip_prefix("https://") else {
            return err(
                "must be an `https://` URL (API Gateway fetches the issuer's keys over HTTPS)",
            );
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() {
            return err("has no host after `https://`");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return err("has a space or a control character");
        }
        let chars = s.chars().count();
        if chars > JWT_ISSUER_MAX_CHARS {
            return err(&format!(
                "is {chars} characters long; API Gateway takes at most {JWT_ISSUER_MAX_CHARS}"
            ));
        }
        Ok(Self(s.into()))
    }
}

/// Where a JWT authorizer finds the token: one request header (`$request.header.<name>`) or
/// query string parameter (`$request.querystring.<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentitySource(Arc<str>);

/// The identity source API Gateway and the CDK default to: the `Authorization` header.
pub const DEFAULT_IDENTITY_SOURCE: &str = "$request.header.Authorization";

impl IdentitySource {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdentitySource {
    fn default() -> Self {
        Self(DEFAULT_IDENTITY_SOURCE.into())
    }
}

impl FromStr for IdentitySource {
    type Err = AuthValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s
            .strip_prefix("$request.header.")
            .or_else(|| s.strip_prefix("$request.querystring."));
        match name {
            Some(name) if !name.is_empty() && name.chars().all(token_char) => Ok(Self(s.into())),
            Some(_) => Err(AuthValueError(format!(
                "identity source `{s}` needs a header or parameter name of letters, digits and !#$%&'*+-.^_`|~"
            ))),
            None => Err(AuthValueError(format!(
                "identity source `{s}` must be `$request.header.<name>` or `$request.querystring.<name>` (a JWT authorizer reads one header or query parameter)"
            ))),
        }
    }
}

/// An HTTP header name character (RFC 9110 `tchar`).
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// An OAuth scope a route requires (`reservations/write`): one or more printable ASCII
/// characters without spaces, `"` or `\` (RFC 6749 `scope-token`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(Arc<str>);

impl Scope {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Scope {
    type Err = AuthValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let scope_char = |c: char| matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e');
        if s.is_empty() {
            return Err(AuthValueError("a scope cannot be empty".to_owned()));
        }
        match s.chars().find(|c| !scope_char(*c)) {
            Some(c) => Err(AuthValueError(format!(
                "scope `{s}` has {c:?}; a scope is printable ASCII without spaces, `\"` or `\\`"
            ))),
            None => Ok(Self(s.into())),
        }
    }
}

macro_rules! string_newtype_serde {
    ($($ty:ident: $desc:literal, $pattern:expr, $max_len:expr;)*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = schemars::json_schema!({
                    "description": $desc,
                    "type": "string",
                    "pattern": $pattern,
                });
                let max_len: Option<usize> = $max_len;
                if let Some(max) = max_len {
                    schema.insert("maxLength".to_owned(), max.into());
                }
                schema
            }
        }
    )*};
}

string_newtype_serde! {
    Issuer: "The token issuer: an `https://` URL with a host, at most 2048 characters (a Cognito user pool's is `https://cognito-idp.<region>.amazonaws.com/<user pool id>`).",
        "^https://[^/?#\\s]+\\S*$", Some(JWT_ISSUER_MAX_CHARS);
    IdentitySource: "Where the token is: `$request.header.<name>` or `$request.querystring.<name>`.",
        "^\\$request\\.(header|querystring)\\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$", None;
    Scope: "An OAuth scope: printable ASCII without spaces, `\"` or `\\`.",
        "^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$", None;
}

/// A JWT authorizer's props.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `issuer` and `audience`")]
pub struct JwtAuthorizerProps {
    /// The token issuer (the `iss` claim): an `https://` URL, e.g. a Cognito user pool's
    /// `https://cognito-idp.<region>.amazonaws.com/<user pool id>`.
    pub issuer: Issuer,
    /// The audiences a token may be for (the `aud` claim, or `client_id` for Cognito access
    /// tokens): 1 or more, e.g. the user pool's app client ids.
    #[schemars(length(min = 1))]
    pub audience: Vec<String>,
    /// Where the token is. Default: `$request.header.Authorization`.
    #[serde(default)]
    pub identity_source: IdentitySource,
}

/// A JWT authorizer of an API: a handle for routes to require.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtAuthorizer {
    pub path: ConstructPath,
    pub reference: Reference,
    /// The API it belongs to: API Gateway only lets that API's routes use it.
    pub(crate) api: Reference,
}

impl JwtAuthorizer {
    /// The authorizer id (`Ref`).
    pub fn id(&self) -> Value {
        Value::Ref(self.reference.clone())
    }
}

/// Who may call a route.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteAuth {
    /// Callers with a valid token from this authorizer's issuer, for one of its audiences, that
    /// holds every scope listed (none listed: any valid token).
    Jwt {
        authorizer: JwtAuthorizer,
        scopes: Vec<Scope>,
    },
    /// Callers that sign the request with AWS credentials (SigV4) allowed `execute-api:Invoke`
    /// on the route.
    Iam,
    /// Anyone: refused by the policy rule `unauthorized-route` unless it is suppressed, with its
    /// reason (a public endpoint by design).
    None,
}

impl RouteAuth {
    /// A JWT route requiring `scopes` of `authorizer`'s tokens.
    pub fn jwt(authorizer: &JwtAuthorizer, scopes: &[&str]) -> Result<Self, AuthValueError> {
        Ok(Self::Jwt {
            authorizer: authorizer.clone(),
            scopes: scopes.iter().map(|s| s.parse()).collect::<Result<_, _>>()?,
        })
    }
}

/// A method a CORS configuration allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(expecting = "`GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE`, `OPTIONS` or `*`")]
pub enum CorsMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "HEAD")]
    Head,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "PATCH")]
    Patch,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "OPTIONS")]
    Options,
    /// Every method.
    #[serde(rename = "*")]
    Any,
}

impl CorsMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Any => "*",
        }
    }
}

/// CORS: which web pages on other origins may call the API from a browser. API Gateway answers
/// the preflight `OPTIONS` requests itself and ignores CORS headers the functions return.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `allowOrigins` (and `allowMethods`, `allowHeaders`, ...)")]
pub struct Cors {
    /// The origins allowed, 1 or more: `https://app.example.com`, `*` (any origin; not with
    /// `allowCredentials`), or `https://*` (any origin beginning so).
    #[schemars(length(min = 1))]
    pub allow_origins: Vec<String>,
    /// The methods allowed. Default: none listed (browsers then allow only simple requests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_methods: Vec<CorsMethod>,
    /// The request headers allowed, e.g. `authorization`, `content-type`, or `*`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_headers: Vec<String>,
    /// The response headers a page may read. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    /// How long browsers cache a preflight answer, in seconds: -1..=86400 (-1: not at all).
    /// Default: API Gateway's (the browser's own default applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = CORS_MAX_AGE_SECONDS.min, max = CORS_MAX_AGE_SECONDS.max))]
    pub max_age_seconds: Option<i64>,
    /// Whether browsers send cookies and credentials, and pages may read the answer to such a
    /// request. Not with the origin `*`. Default: off.
    #[serde(default)]
    pub allow_credentials: bool,
}

impl Cors {
    /// The `CorsConfiguration` of the API, or `None` after reporting what API Gateway would
    /// refuse at `path`.
    pub(crate) fn render(&self, stack: &mut Stack, path: &ConstructPath) -> Option<Value> {
        let mut ok = true;
        if self.allow_origins.is_empty() {
            stack.error(
                path,
                "cors.allowOrigins: list at least one origin (`https://app.example.com`, or `*`)",
            );
            ok = false;
        }
        let lists = [
            ("allowOrigins", &self.allow_origins),
            ("allowHeaders", &self.allow_headers),
            ("exposeHeaders", &self.expose_headers),
        ];
        for (field, list) in lists {
            for (i, v) in list.iter().enumerate() {
                if v.trim().is_empty() || v.chars().any(char::is_whitespace) {
                    stack.error(
                        path,
                        format!("cors.{field}[{i}]: `{v}` is empty or has a space; API Gateway refuses it"),
                    );
                    ok = false;
                }
            }
        }
        if self.allow_credentials && self.allow_origins.iter().any(|o| o == "*") {
            stack.error(
                path,
                "cors.allowCredentials: API Gateway refuses credentials with the origin `*` (browsers would never send them); list the origins instead",
            );
            ok = false;
        }
        if let Some(age) = self.max_age_seconds {
            ok &= CORS_MAX_AGE_SECONDS.check(stack, path, "cors.maxAgeSeconds", age);
        }
        if !ok {
            return None;
        }
        let strings = |list: &[String]| -> Value {
            Value::List(list.iter().map(|s| Value::from(s.clone())).collect())
        };
        let mut entries: Vec<(&'static str, Value)> = Vec::new();
        if self.allow_credentials {
            entries.push(("AllowCredentials", true.into()));
        }
        if !self.allow_headers.is_empty() {
            entries.push(("AllowHeaders", strings(&self.allow_headers)));
        }
        if !self.allow_methods.is_empty() {
            entries.push((
                "AllowMethods",
                Value::List(
                    self.allow_methods
                        .iter()
                        .map(|m| Value::from(m.as_str()))
                        .collect(),
                ),
            ));
        }
        entries.push(("AllowOrigins", strings(&self.allow_origins)));
        if !self.expose_headers.is_empty() {
            entries.push(("ExposeHeaders", strings(&self.expose_headers)));
        }
        if let Some(age) = self.max_age_seconds {
            entries.push(("MaxAge", age.into()));
        }
        Some(Value::map(entries))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn issuers_api_gateway_takes_and_refuses() {
        for ok in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://example.eu.auth0.com/",
            "https://login.example.com",
        ] {
            assert!(ok.parse::<Issuer>().is_ok(), "{ok}");
        }
        let why = |s: &str| s.parse::<Issuer>().unwrap_err().to_string();
        assert_eq!(
            why("http://login.example.com"),
            "issuer `http://login.example.com` must be an `https://` URL (API Gateway fetches the issuer's keys over HTTPS)"
        );
        assert_eq!(
            why("https:///pool"),
            "issuer `https:///pool` has no host after `https://`"
        );
        assert!(
            why(&format!("https://a.example.com/{}", "p".repeat(2048))).contains("at most 2048")
        );
    }

    #[test]
    fn identity_sources_and_scopes() {
        assert_eq!(
            IdentitySource::default().as_str(),
            "$request.header.Authorization"
        );
        assert!(
            "$request.querystring.token"
                .parse::<IdentitySource>()
                .is_ok()
        );
        assert!("$request.header.".parse::<IdentitySource>().is_err());
        assert!("$context.authorizer".parse::<IdentitySource>().is_err());
        assert!("reservations/write".parse::<Scope>().is_ok());
        assert!("aws.cognito.signin.user.admin".parse::<Scope>().is_ok());
        assert!("two words".parse::<Scope>().is_err());
        assert!("".parse::<Scope>().is_err());
    }
}

//! S3 bucket: encrypted, public access blocked, TLS enforced, versioned, retained; old versions
//! expire after 90 days and abandoned multipart uploads after 7; current objects expire after a
//! set number of days, when one is set.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::limits::OBJECT_EXPIRY_DAYS;

use crate::core::cfn::{Attr, ResourceType, iam};
use crate::core::{ConstructPath, Reference, RemovalPolicy, Resource, Stack, Statement, Value};

/// Days a replaced or deleted object version is kept (a re-driven batch, an overwritten object).
pub const NONCURRENT_VERSION_DAYS: u32 = 90;

/// Bucket props.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map of the bucket's settings (`{}` for the defaults)")]
pub struct BucketProps {
    /// Delete objects this many days after they were written: 1..=2,147,483,647. A deleted
    /// object stays as a noncurrent version for `min(this, 90)` more days, so nothing outlives
    /// twice this. Set it when the objects hold personal data that must not be kept longer; an
    /// object that expires before anyone acts on it is gone. Default: none (kept until deleted;
    /// old versions 90 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2_147_483_647))]
    pub expire_after_days: Option<u32>,
}

/// A bucket handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub path: ConstructPath,
    pub reference: Reference,
}

impl Bucket {
    /// Adds a private, encrypted, versioned bucket that refuses plain-HTTP requests.
    pub fn new(stack: &mut Stack, path: ConstructPath) -> Self {
        Self::with(stack, path, &BucketProps::default())
    }

    /// Adds a private, encrypted, versioned bucket that refuses plain-HTTP requests, with `props`.
    pub fn with(stack: &mut Stack, path: ConstructPath, props: &BucketProps) -> Self {
        let mut noncurrent_days = NONCURRENT_VERSION_DAYS;
        if let Some(days) = props.expire_after_days {
            OBJECT_EXPIRY_DAYS.check(stack, &path, "expireAfterDays", days.into());
            noncurrent_days = noncurrent_days.min(days);
        }
        let lifecycle = Value::map([
            ("Id", "ExpireOldVersionsAndUploads".into()),
            ("Status", "Enabled".into()),
            (
                "NoncurrentVersionExpiration",
                Value::map([("NoncurrentDays", noncurrent_days.into())]),
            ),
            (
                "AbortIncompleteMultipartUpload",
                Value::map([("DaysAfterInitiation", 7.into())]),
            ),
        ]);
        let mut rules = vec![lifecycle];
        if let Some(days) = props.expire_after_days {
            rules.push(Value::map([
                ("Id", "ExpireObjects".into()),
                ("Status", "Enabled".into()),
                ("ExpirationInDays", days.into()),
            ]));
        }
        let r = Resource::new(ResourceType::S3Bucket)
            .checkov_skip(super::checkov::BUCKET_ACCESS_LOGS)
            .prop(
                "BucketEncryption",
                Value::map([(
                    "ServerSideEncryptionConfiguration",
                    Value::List(vec![Value::map([(
                        "ServerSideEncryptionByDefault",
                        Value::map([("SSEAlgorithm", "AES256".into())]),
                    )])]),
                )]),
            )
            .prop(
                "PublicAccessBlockConfiguration",
                Value::map([
                    ("BlockPublicAcls", true.into()),
                    ("BlockPublicPolicy", true.into()),
                    ("IgnorePublicAcls", true.into()),
                    ("RestrictPublicBuckets", true.into()),
                ]),
            )
            .prop(
                "OwnershipControls",
                Value::map([(
                    "Rules",
                    Value::List(vec![Value::map([(
                        "ObjectOwnership",
                        "BucketOwnerEnforced".into(),
                    )])]),
                )]),
            )
            .prop(
                "VersioningConfiguration",
                Value::map([("Status", "Enabled".into())]),
            )
            .prop(
                "LifecycleConfiguration",
                Value::map([("Rules", Value::List(rules))]),
            )
            .retain(RemovalPolicy::Retain);
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let bucket = Self { path, reference };
        let policy_path = stack.child(&bucket.path, "Policy");
        let mut policy = Resource::new(ResourceType::S3BucketPolicy)
            .with_policy_document()
            .prop("Bucket", bucket.name());
        if let Some(doc) = policy.policy_document.as_mut() {
            doc.add(Statement::deny_anyone(
                iam::BUCKET_ALL,
                vec![bucket.arn(), bucket.objects_arn()],
                iam::insecure_transport(),
            ));
        }
        stack.add(&policy_path, policy);
        bucket
    }

    /// The bucket name (`Ref`).
    pub fn name(&self) -> Value {
        Value::Ref(self.reference.clone())
    }

    /// The bucket ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }

    /// The ARN of every object in the bucket (`<arn>/*`).
    pub fn objects_arn(&self) -> Value {
        Value::Join(String::new(), vec![self.arn(), "/*".into()])
    }
}

//! The cloud assembly manifest and asset manifests, for the default `cdk bootstrap` environment.

use serde_json::{Value, json};

use crate::core::AssetUse;
use crate::core::{SynthesizedStack, bootstrap};

/// The cloud assembly schema version we write (`@aws-cdk/cloud-assembly-schema` major 55).
pub const ASSEMBLY_VERSION: &str = "55.0.0";

/// A stack as written: its template file and that file's hash.
#[derive(Debug, Clone)]
pub struct StackFiles<'a> {
    pub stack: &'a SynthesizedStack,
    pub template_file: String,
    pub template_hash: String,
    pub dependencies: Vec<String>,
}

/// The artifact id of a stack's asset manifest.
pub fn assets_artifact_id(stack: &str) -> String {
    format!("{stack}.assets")
}

/// The asset manifest file name of a stack.
pub fn assets_file(stack: &str) -> String {
    format!("{stack}.assets.json")
}

/// The file an asset is written to in the assembly.
pub fn asset_path(asset: &AssetUse) -> String {
    format!("asset.{}.zip", asset.hash)
}

/// `manifest.json`.
pub fn manifest(stacks: &[StackFiles<'_>]) -> Value {
    let mut artifacts = serde_json::Map::new();
    for s in stacks {
        let name = s.stack.name.as_str();
        let assets_id = assets_artifact_id(name);
        artifacts.insert(
            assets_id.clone(),
            json!({
                "type": "cdk:asset-manifest",
                "properties": {
                    "file": assets_file(name),
                    "requiresBootstrapStackVersion": bootstrap::REQUIRED_VERSION,
                    "bootstrapStackVersionSsmParameter": bootstrap::VERSION_PARAMETER,
                },
            }),
        );
        let mut dependencies: Vec<Value> = s.dependencies.iter().map(|d| json!(d)).collect();
        dependencies.push(json!(assets_id));
        let mut artifact = json!({
            "type": "aws:cloudformation:stack",
            "environment": s.stack.env.to_assembly_uri(),
            "properties": {
                "templateFile": s.template_file,
                "terminationProtection": s.stack.termination_protection,
                "validateOnSynth": false,
                "assumeRoleArn": bootstrap::role_arn("deploy"),
                "cloudFormationExecutionRoleArn": bootstrap::role_arn("cfn-exec"),
                "stackTemplateAssetObjectUrl": format!("s3://{}/{}.json", bootstrap::ASSET_BUCKET, s.template_hash),
                "requiresBootstrapStackVersion": bootstrap::REQUIRED_VERSION,
                "bootstrapStackVersionSsmParameter": bootstrap::VERSION_PARAMETER,
                "additionalDependencies": [assets_id],
                "lookupRole": {
                    "arn": bootstrap::role_arn("lookup"),
                    "requiresBootstrapStackVersion": bootstrap::LOOKUP_ROLE_VERSION,
                    "bootstrapStackVersionSsmParameter": bootstrap::VERSION_PARAMETER,
                },
            },
            "dependencies": dependencies,
            "displayName": name,
        });
        if !s.stack.tags.is_empty() {
            // As the CDK writes them: `properties.tags`, which the CLI tags the stack with,
            // and the same tags as `aws:cdk:stack-tags` metadata of the stack's path.
            artifact["properties"]["tags"] = json!(s.stack.tags);
            let data: Vec<Value> = s
                .stack
                .tags
                .iter()
                .map(|(k, v)| json!({ "Key": k, "Value": v }))
                .collect();
            let mut metadata = serde_json::Map::new();
            metadata.insert(
                format!("/{name}"),
                json!([{ "type": "aws:cdk:stack-tags", "data": data }]),
            );
            artifact["metadata"] = Value::Object(metadata);
        }
        artifacts.insert(name.to_owned(), artifact);
    }
    json!({ "version": ASSEMBLY_VERSION, "artifacts": artifacts })
}

/// `<Stack>.assets.json`: the template and every handler zip, published to the bootstrap bucket
/// by the bootstrap file-publishing role.
pub fn asset_manifest(s: &StackFiles<'_>) -> Value {
    let destination = |key: String| {
        json!({
            "current_account-current_region": {
                "bucketName": bootstrap::ASSET_BUCKET,
                "objectKey": key,
                "assumeRoleArn": bootstrap::role_arn("file-publishing"),
            }
        })
    };
    let mut files = serde_json::Map::new();
    for asset in &s.stack.assets {
        files.insert(
            asset.hash.clone(),
            json!({
                "displayName": format!("{} ({})", asset.label(), asset.arch),
                "source": { "path": asset_path(asset), "packaging": "file" },
                "destinations": destination(asset.file_name()),
            }),
        );
    }
    files.insert(
        s.template_hash.clone(),
        json!({
            "displayName": format!("{} Template", s.stack.name),
            "source": { "path": s.template_file, "packaging": "file" },
            "destinations": destination(format!("{}.json", s.template_hash)),
        }),
    );
    json!({ "version": ASSEMBLY_VERSION, "files": files, "dockerImages": {} })
}

//! A stack: the resources of one CloudFormation template, the construct paths they came from, and
//! the diagnostics its constructs reported.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use indexmap::IndexMap;

use super::asset::{Architecture, AssetResolver, AssetUse, Code};
use super::bootstrap::VERSION_TEMPLATE_PARAMETER;
use super::diagnostic::{Diagnostic, Severity};
use super::env::Environment;
use super::id::{ConstructId, ConstructPath, LogicalId, NameError, StackName};
use super::names::{self, NameClaim, NameRule};
use super::policy::Statement;
use super::scope::{ConstructTags, NamePrefix, PermissionsBoundary, Scope, TagLevel, check_tag};
use super::suppression::Suppression;
use super::template::{FastHash, Output, Resource, Template};
use super::value::Reference;

/// The longest template description CloudFormation takes, in bytes ("Template anatomy":
/// "The value for the description declaration must be a literal string that's between 0 and
/// 1024 bytes in length").
pub const TEMPLATE_DESCRIPTION_BYTES: usize = 1_024;

/// One stack of an app. Constructs add resources to it; grants edit the resources they own.
#[derive(Debug)]
pub struct Stack {
    name: StackName,
    env: Environment,
    root: ConstructPath,
    template: Template,
    origins: IndexMap<LogicalId, ConstructPath, FastHash>,
    constructs: HashSet<ConstructPath, FastHash>,
    overrides: IndexMap<String, (LogicalId, bool)>,
    diagnostics: Vec<Diagnostic>,
    dependencies: BTreeSet<StackName>,
    resolver: Arc<dyn AssetResolver>,
    assets: IndexMap<String, AssetUse>,
    attached: IndexMap<(Reference, &'static str), Reference>,
    termination_protection: bool,
    suppressions: Vec<(ConstructPath, Suppression)>,
    names: Vec<NameClaim>,
    /// What the stack itself sets (tags, boundary, name prefix).
    scope: Scope,
    /// What the scopes around the stack give it, resolved (the app's; later a stage's too).
    outer: Scope,
    construct_tags: ConstructTags,
    /// Whether a name was generated already (a prefix set after that would miss it).
    generated_names: bool,
}

impl Stack {
    pub(crate) fn new(name: StackName, env: Environment, resolver: Arc<dyn AssetResolver>) -> Self {
        Self {
            root: ConstructPath::root(&name),
            name,
            env,
            template: Template::default(),
            origins: IndexMap::default(),
            constructs: HashSet::default(),
            overrides: IndexMap::new(),
            diagnostics: Vec::new(),
            dependencies: BTreeSet::new(),
            resolver,
            assets: IndexMap::new(),
            attached: IndexMap::new(),
            termination_protection: false,
            suppressions: Vec::new(),
            names: Vec::new(),
            scope: Scope::default(),
            outer: Scope::default(),
            construct_tags: ConstructTags::default(),
            generated_names: false,
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &StackName {
        &self.name
    }

    /// Where the stack deploys.
    pub fn env(&self) -> &Environment {
        &self.env
    }

    /// The template built so far.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Sets the template's description: at most [`TEMPLATE_DESCRIPTION_BYTES`] bytes (UTF-8:
    /// an accented letter counts two), as CloudFormation measures it.
    pub fn set_description(&mut self, description: impl Into<String>) {
        let description = description.into();
        if description.len() > TEMPLATE_DESCRIPTION_BYTES {
            let root = self.root.clone();
            self.error(
                &root,
                format!(
                    "description is {} bytes long (UTF-8); CloudFormation takes at most {TEMPLATE_DESCRIPTION_BYTES} bytes",
                    description.len()
                ),
            );
        }
        self.template.description = Some(description);
    }

    /// Protects the deployed stack from deletion (`cdk destroy` and the console refuse).
    pub fn set_termination_protection(&mut self, on: bool) {
        self.termination_protection = on;
    }

    /// Claims the path of a top-level construct with this id.
    pub fn construct(&mut self, id: &str) -> ConstructPath {
        let root = self.root.clone();
        self.child(&root, id)
    }

    /// Whether a construct already claimed `path`.
    pub fn has_construct(&self, path: &ConstructPath) -> bool {
        self.constructs.contains(path)
    }

    /// Claims the path of a child construct; a duplicate or invalid id is reported.
    pub fn child(&mut self, parent: &ConstructPath, id: &str) -> ConstructPath {
        let path = parent.child(id);
        if let Err(e) = ConstructId::new(id) {
            self.error(&path, format!("construct id `{id}` {e}"));
        }
        if !self.constructs.insert(path.clone()) {
            self.error(
                &path,
                "there is already a construct with this path; give each construct a unique id",
            );
        }
        path
    }

    /// Keeps a resource's logical ID when code is refactored: the resource created at `path`
    /// (a construct's main resource is at `<construct>/Resource`) gets `logical_id` instead of
    /// the ID derived from its path. Declare overrides before creating the construct; an override
    /// that matches no resource is an error at synth.
    pub fn override_logical_id(&mut self, path: &str, logical_id: &str) -> Result<(), NameError> {
        let id = LogicalId::new(logical_id)?;
        let full = format!("{}/{}", self.name, path.trim_start_matches('/'));
        self.overrides.insert(full, (id, false));
        Ok(())
    }

    /// Adds a resource at `path` and returns its reference. A logical ID collision is reported
    /// with both construct paths.
    pub fn add(&mut self, path: &ConstructPath, resource: Resource) -> Reference {
        let logical_id = match self.overrides.get_mut(path.as_str()) {
            Some((id, used)) => {
                *used = true;
                id.clone()
            }
            None => match LogicalId::from_path(path) {
                Ok(id) => id,
                Err(e) => {
                    self.error(
                        path,
                        format!("cannot derive a logical ID from this path: it {e}"),
                    );
                    LogicalId::placeholder(self.origins.len())
                }
            },
        };
        if logical_id.as_str() == VERSION_TEMPLATE_PARAMETER {
            self.error(
                path,
                format!(
                    "logical ID `{logical_id}` is the name of the template's bootstrap version parameter, and CloudFormation refuses a resource and a parameter of one name; rename the construct or override its logical ID"
                ),
            );
        }
        if let Some(other) = self.origins.get(&logical_id) {
            let other = other.clone();
            self.error(
                path,
                format!(
                    "logical ID `{logical_id}` is also derived from `{other}`; rename one of the constructs or override its logical ID"
                ),
            );
        } else {
            self.origins.insert(logical_id.clone(), path.clone());
        }
        self.template
            .resources
            .insert(logical_id.clone(), Box::new(resource));
        Reference {
            stack: self.name.clone(),
            logical_id,
        }
    }

    /// The resource a reference points at, when it lives in this stack.
    pub fn resource_mut(&mut self, reference: &Reference) -> Option<&mut Resource> {
        if reference.stack != self.name {
            return None;
        }
        self.template
            .resources
            .get_mut(&reference.logical_id)
            .map(|r| &mut **r)
    }

    /// Adds `statement` to the policy document of the resource `policy` (an `AWS::IAM::Policy`,
    /// a queue or topic policy...). `false` when that resource is not of this stack or has no
    /// document: nothing was granted.
    pub fn add_statement(&mut self, policy: &Reference, statement: Statement) -> bool {
        match self
            .resource_mut(policy)
            .and_then(|r| r.policy_document.as_mut())
        {
            Some(doc) => {
                doc.add(statement);
                true
            }
            None => false,
        }
    }

    /// The resource of kind `kind` attached to `owner` in this stack (e.g. the one queue policy of a
    /// queue), created at `path` by `make` the first time it is asked for.
    pub fn attached(
        &mut self,
        owner: &Reference,
        kind: &'static str,
        path: impl FnOnce(&mut Self) -> ConstructPath,
        make: impl FnOnce() -> Resource,
    ) -> Reference {
        let key = (owner.clone(), kind);
        if let Some(r) = self.attached.get(&key) {
            return r.clone();
        }
        let path = path(self);
        let r = self.add(&path, make());
        self.attached.insert(key, r.clone());
        r
    }

    /// The construct path a resource was created at.
    pub fn origin(&self, logical_id: &LogicalId) -> Option<&ConstructPath> {
        self.origins.get(logical_id)
    }

    /// Adds a template output. An id over 255 characters is shortened like a logical ID; one
    /// with other characters than letters and digits, or one already used, is an error.
    pub fn add_output(&mut self, id: &str, output: Output) {
        let root = self.root.clone();
        if let Some(c) = id.chars().find(|c| !names::LOGICAL_ID.allows(*c)) {
            self.error(
                &root,
                format!("output id `{id}` contains `{c}`; only A-Z, a-z and 0-9 are allowed"),
            );
        }
        let id = names::physical_name(&[id], &names::LOGICAL_ID);
        if self.template.outputs.contains_key(&id) {
            self.error(
                &root,
                format!("there are two outputs `{id}`; give each a unique id"),
            );
        }
        self.template.outputs.insert(id, output);
    }

    /// The name `parts` give under `rule` (shortened with a hash when too long), after the
    /// scope's name prefix if there is one, claimed for `path`: a second construct of the app
    /// that claims it, in the same account and region and `scope`, is an error naming both.
    pub fn derive_name(
        &mut self,
        path: &ConstructPath,
        rule: &NameRule,
        scope: Option<&str>,
        parts: &[&str],
    ) -> String {
        let name = self.generated_name(path, rule, parts);
        self.claim_name(path, rule, scope, &name);
        name
    }

    /// The name `parts` give under `rule`, as [`Stack::derive_name`] makes it (the scope's name
    /// prefix, joined by the rule's separator and kept whole; the rest shortened with a hash
    /// when too long), without claiming it. A prefix with a character the rule refuses, or one
    /// that leaves no room, is reported at `path` (and left out).
    pub fn generated_name(
        &mut self,
        path: &ConstructPath,
        rule: &NameRule,
        parts: &[&str],
    ) -> String {
        self.generated_names = true;
        let Some(prefix) = self.name_prefix().cloned() else {
            return names::physical_name(parts, rule);
        };
        let prefix = prefix.as_str();
        if let Some(c) = prefix.chars().find(|c| !rule.allows(*c)) {
            self.error(
                path,
                format!(
                    "namePrefix `{prefix}` contains {c:?}, which {}s refuse ({})",
                    rule.what, rule.chars_text
                ),
            );
            return names::physical_name(parts, rule);
        }
        let used = prefix.chars().count() + rule.separator.chars().count();
        // The rest needs room for a readable character, the separator and a hash.
        let least = names::HASH_LEN + rule.separator.chars().count() + 1;
        if used + least > rule.max_len {
            self.error(
                path,
                format!(
                    "namePrefix `{prefix}` leaves no room in a {} (at most {} characters) for the rest of the name",
                    rule.what, rule.max_len
                ),
            );
            return names::physical_name(parts, rule);
        }
        let rest = NameRule {
            max_len: rule.max_len - used,
            ..*rule
        };
        format!(
            "{prefix}{}{}",
            rule.separator,
            names::physical_name(parts, &rest)
        )
    }

    /// The prefix of the names the stack's constructs generate: the stack's own, else its
    /// outer scopes'. Names users give are never prefixed.
    pub fn name_prefix(&self) -> Option<&NamePrefix> {
        self.scope
            .name_prefix
            .as_ref()
            .or(self.outer.name_prefix.as_ref())
    }

    /// Tags every resource of the stack that takes tags (and the stack itself, through the
    /// cloud assembly); a construct's tag of the same key wins. A tag AWS would refuse is
    /// reported.
    pub fn add_tag(&mut self, key: &str, value: &str) {
        let root = self.root.clone();
        if let Some(why) = check_tag(key, value, TagLevel::Stack) {
            self.error(&root, why);
            return;
        }
        self.scope.tags.insert(key.to_owned(), value.to_owned());
    }

    /// Tags every resource under `path` (a construct and everything under it; the stack's
    /// root path tags the stack, as [`Stack::add_tag`]); the nearest construct's tag of a key
    /// wins, and a resource's own tags win over all. A tag AWS would refuse is reported at `path`.
    pub fn tag(&mut self, path: &ConstructPath, key: &str, value: &str) {
        if *path == self.root {
            self.add_tag(key, value);
            return;
        }
        let inside = path
            .as_str()
            .strip_prefix(self.root.as_str())
            .is_some_and(|rest| rest.starts_with('/'));
        if !inside {
            let root = self.root.clone();
            self.error(
                &root,
                format!(
                    "tags: `{path}` is not a construct of stack `{}`; tag it through its own stack",
                    self.name
                ),
            );
            return;
        }
        if let Some(why) = check_tag(key, value, TagLevel::Construct) {
            self.error(path, why);
            return;
        }
        self.construct_tags
            .entry(path.as_str().to_owned())
            .or_default()
            .insert(key.to_owned(), value.to_owned());
    }

    /// Gives every IAM role of the stack (that sets none itself) a permissions boundary: a
    /// managed policy ARN (`arn:<partition>:iam::<account>:policy/<name>`) or the name of a
    /// policy of the deploying account. One that is neither is reported.
    pub fn set_permissions_boundary(&mut self, boundary: &str) {
        match boundary.parse::<PermissionsBoundary>() {
            Ok(b) => self.scope.permissions_boundary = Some(b),
            Err(e) => {
                let root = self.root.clone();
                self.error(&root, e.to_string());
            }
        }
    }

    /// Prefixes every name the stack's constructs generate (see [`Stack::generated_name`]); set
    /// it before adding constructs (a name generated before is reported). One of more than 32
    /// characters, or with a control character, is reported.
    pub fn set_name_prefix(&mut self, prefix: &str) {
        let root = self.root.clone();
        match prefix.parse::<NamePrefix>() {
            Ok(p) => {
                if self.generated_names {
                    self.error(
                        &root,
                        format!("namePrefix `{prefix}` is set after constructs generated names without it; set it before adding constructs"),
                    );
                }
                self.scope.name_prefix = Some(p);
            }
            Err(e) => self.error(&root, e.to_string()),
        }
    }

    /// What the scopes around the stack give it (set by the app).
    pub(crate) fn set_outer(&mut self, outer: Scope) {
        if self.generated_names
            && self.scope.name_prefix.is_none()
            && outer.name_prefix != self.outer.name_prefix
        {
            let root = self.root.clone();
            self.error(
                &root,
                "the app's namePrefix is set after this stack's constructs generated names without it; set it before adding stacks",
            );
        }
        self.outer = outer;
    }

    /// Claims a name a user gave (checked against `rule`, never changed) for `path`; an invalid
    /// one is reported at `path` and `false` returned.
    pub fn given_name(
        &mut self,
        path: &ConstructPath,
        rule: &NameRule,
        scope: Option<&str>,
        name: &str,
    ) -> bool {
        if let Err(e) = rule.check(name) {
            self.error(path, format!("{} `{name}` {e}", rule.what));
            return false;
        }
        self.claim_name(path, rule, scope, name);
        true
    }

    fn claim_name(
        &mut self,
        path: &ConstructPath,
        rule: &NameRule,
        scope: Option<&str>,
        name: &str,
    ) {
        self.names.push(NameClaim {
            what: rule.what,
            scope: scope.map(str::to_owned),
            name: name.to_owned(),
            path: path.clone(),
            global: false,
        });
    }

    /// Claims `name` as the `what` of `path` within `scope`, which names one thing wherever the
    /// claiming stacks deploy (a bus by its ARN or construct path): a second claim of it, from
    /// any stack of the app, is an error naming the first.
    pub fn claim_within(
        &mut self,
        path: &ConstructPath,
        what: &'static str,
        scope: &str,
        name: &str,
    ) {
        self.names.push(NameClaim {
            what,
            scope: Some(scope.to_owned()),
            name: name.to_owned(),
            path: path.clone(),
            global: true,
        });
    }

    /// Makes this stack deploy after `other`.
    pub fn add_dependency(&mut self, other: &StackName) {
        if other != &self.name {
            self.dependencies.insert(other.clone());
        }
    }

    /// The architecture of functions that do not name one (a project setting).
    pub fn default_architecture(&self) -> Architecture {
        self.resolver.default_architecture()
    }

    /// Resolves the asset of a function's code, recording it as used by this stack; a failure is
    /// reported at `path`.
    pub fn asset(
        &mut self,
        path: &ConstructPath,
        code: &Code,
        arch: Architecture,
    ) -> Option<AssetUse> {
        match self.resolver.resolve(code, arch) {
            Ok(asset) => {
                self.assets.insert(asset.hash.clone(), asset.clone());
                Some(asset)
            }
            Err(e) => {
                self.error(path, e);
                None
            }
        }
    }

    /// Reports an error at a construct path.
    /// Switches a policy rule (or checkov check) off for `path` and everything under it; the
    /// reason is recorded in the metadata of each resource the rule would have flagged.
    pub fn suppress(&mut self, path: &ConstructPath, suppression: Suppression) {
        self.suppressions.push((path.clone(), suppression));
    }

    /// Reports an error at a construct path.
    pub fn error(&mut self, path: &ConstructPath, message: impl Into<String>) {
        self.report(Severity::Error, path, message.into());
    }

    /// Reports a warning at a construct path.
    pub fn warn(&mut self, path: &ConstructPath, message: impl Into<String>) {
        self.report(Severity::Warning, path, message.into());
    }

    fn report(&mut self, severity: Severity, path: &ConstructPath, message: String) {
        self.diagnostics.push(Diagnostic {
            location: None,
            code: None,
            severity,
            path: Some(path.clone()),
            message,
        });
    }

    pub(crate) fn into_parts(mut self) -> StackParts {
        for (path, (id, used)) in &self.overrides {
            if !*used {
                self.diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: None,
                    message: format!(
                        "logical ID override `{id}` is for `{path}`, but no resource was created there"
                    ),
                });
            }
        }
        StackParts {
            name: self.name,
            env: self.env,
            template: self.template,
            diagnostics: self.diagnostics,
            dependencies: self.dependencies,
            assets: self.assets.into_values().collect(),
            termination_protection: self.termination_protection,
            origins: self.origins,
            suppressions: self.suppressions,
            names: self.names,
            scope: Scope::resolve([&self.outer, &self.scope]),
            construct_tags: self.construct_tags,
        }
    }
}

pub(crate) struct StackParts {
    pub name: StackName,
    pub env: Environment,
    pub template: Template,
    pub diagnostics: Vec<Diagnostic>,
    pub dependencies: BTreeSet<StackName>,
    pub assets: Vec<AssetUse>,
    pub termination_protection: bool,
    /// The construct path of each resource.
    pub origins: IndexMap<LogicalId, ConstructPath, FastHash>,
    pub suppressions: Vec<(ConstructPath, Suppression)>,
    /// The physical names the stack's constructs claimed.
    pub names: Vec<NameClaim>,
    /// The stack's scope resolved with its outer scopes: its tags, boundary and name prefix.
    pub scope: Scope,
    /// Tags of construct subtrees.
    pub construct_tags: ConstructTags,
}

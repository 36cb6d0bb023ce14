//! The app: its stacks, and the synth step that resolves cross-stack references, orders stacks by
//! dependency and collects every diagnostic.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use indexmap::IndexMap;

use super::asset::{AssetResolver, AssetUse};
use super::bootstrap;
use super::cfn::Attr;
use super::diagnostic::{Diagnostic, Diagnostics, Locate, Severity};
use super::env::Environment;
use super::id::{ConstructPath, StackName};
use super::names::{self, NameClaim};
use super::scope::{self, NamePrefix, PermissionsBoundary, Scope, TagLevel, Tags, check_tag};
use super::stack::{Stack, StackParts};
use super::template::{Output, Template};
use super::value::{Reference, Value, export_name, export_output_id};

/// An app: one or more stacks, synthesized together.
#[derive(Debug)]
pub struct App {
    stacks: IndexMap<StackName, Stack>,
    assets: Arc<dyn AssetResolver>,
    diagnostics: Vec<Diagnostic>,
    locator: Option<Arc<dyn Locate>>,
    /// What the app gives every stack: tags, a permissions boundary, a name prefix (boxed: an
    /// app is moved around whole, and most set none of it).
    scope: Box<Scope>,
    /// The stage of each stack added to one, and what the stage gives it.
    stages: Box<IndexMap<StackName, (String, Scope)>>,
}

/// A stage: one environment's copy of the app's stacks (`dev`, `prod`), as a CDK `Stage`. Its
/// stacks are named `<stage>-<stack>`, deploy to its environment unless they name their own
/// account or region, and take its tags, permissions boundary and name prefix between the app's
/// and their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    name: String,
    env: Environment,
    scope: Scope,
}

/// The longest stage name: it prefixes stack names of at most 128 characters.
pub const STAGE_NAME_MAX_CHARS: usize = 32;

impl Stage {
    /// A stage named `name`: a letter, then letters and digits, at most 32 characters (it
    /// prefixes its stacks' names, with a `-`).
    pub fn new(name: &str, env: Environment) -> Result<Self, String> {
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
            && name.len() <= STAGE_NAME_MAX_CHARS;
        if !valid {
            return Err(format!(
                "stage `{name}`: a stage name is a letter, then letters and digits, at most {STAGE_NAME_MAX_CHARS} characters (it prefixes its stacks' names)"
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            env,
            scope: Scope::default(),
        })
    }

    /// The stage name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name of the stage's copy of stack `stack`: `<stage>-<stack>`.
    pub fn stack_name(&self, stack: &StackName) -> Result<StackName, super::NameError> {
        StackName::new(format!("{}-{stack}", self.name))
    }

    /// Tags every resource of the stage's stacks, and the stacks (an app's tag of the same key
    /// loses, a stack's wins). A tag AWS would refuse is the error.
    pub fn tag(&mut self, key: &str, value: &str) -> Result<(), String> {
        if let Some(why) = check_tag(key, value, TagLevel::Stack) {
            return Err(format!("stage `{}` {why}", self.name));
        }
        self.scope.tags.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    /// Gives every IAM role of the stage a permissions boundary (a stack's own wins).
    pub fn set_permissions_boundary(&mut self, boundary: &str) -> Result<(), String> {
        let b = boundary
            .parse::<PermissionsBoundary>()
            .map_err(|e| format!("stage `{}` {e}", self.name))?;
        self.scope.permissions_boundary = Some(b);
        Ok(())
    }

    /// Prefixes every name the stage's constructs generate (a stack's own prefix wins).
    pub fn set_name_prefix(&mut self, prefix: &str) -> Result<(), String> {
        let p = prefix
            .parse::<NamePrefix>()
            .map_err(|e| format!("stage `{}` {e}", self.name))?;
        self.scope.name_prefix = Some(p);
        Ok(())
    }

    /// Where a stack of the stage deploys: its own account and region, else the stage's.
    pub fn env_of(&self, stack: &Environment) -> Environment {
        Environment {
            account: stack.account.clone().or_else(|| self.env.account.clone()),
            region: stack.region.clone().or_else(|| self.env.region.clone()),
        }
    }
}

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct SynthesizedStack {
    pub name: StackName,
    pub env: Environment,
    pub template: Template,
    /// Stacks that must deploy first (cross-stack references and explicit dependencies).
    pub dependencies: Vec<StackName>,
    /// The template as JSON, once the pipeline has rendered it (it measures it against the size
    /// CloudFormation takes); the assembly writer renders it when this is `None`.
    pub rendered: Option<Vec<u8>>,
    /// The handler assets the stack's functions use.
    pub assets: Vec<AssetUse>,
    pub termination_protection: bool,
    /// The construct path of each resource (what `logicalIdOverrides` keys name).
    pub origins: IndexMap<super::id::LogicalId, ConstructPath, super::template::FastHash>,
    /// The stack's own tags (the app's and the stack's, the stack's winning), which the
    /// cloud assembly gives the CDK CLI to tag the stack with.
    pub tags: Tags,
}

/// A synthesized app: stacks in deployment order, plus the warnings found.
#[derive(Debug, Clone)]
pub struct Synthesized {
    pub stacks: Vec<SynthesizedStack>,
    pub warnings: Vec<Diagnostic>,
}

/// Checks of the resolved templates, given to [`App::synth_with`] by the layer above the core
/// (the policy rule pack): they may report diagnostics and record suppressions in metadata.
pub(crate) trait TemplateChecks {
    fn run(&self, stacks: &mut IndexMap<StackName, StackParts>, diagnostics: &mut Vec<Diagnostic>);
}

/// A stack selection named a stack the app does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no stack `{name}`{hint}")]
pub struct UnknownStack {
    pub name: String,
    hint: String,
}

impl Synthesized {
    /// Keeps the stacks named (every stack if none is) and the stacks they depend on, in
    /// deployment order, as `cdk deploy` selects. With `exclusively`, only the named ones: their
    /// dependencies on the others are dropped (those stacks must already be deployed) and
    /// returned as (stack, dependency) pairs.
    pub fn select(
        &mut self,
        names: &[String],
        exclusively: bool,
    ) -> Result<Vec<(StackName, StackName)>, UnknownStack> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let known: Vec<&str> = self.stacks.iter().map(|s| s.name.as_str()).collect();
        if let Some(name) = names.iter().find(|n| !known.contains(&n.as_str())) {
            let hint =
                super::suggest::hint(name, known, |all| format!(" (stacks: {})", all.join(", ")));
            return Err(UnknownStack {
                name: name.clone(),
                hint,
            });
        }
        let mut keep: BTreeSet<String> = names.iter().cloned().collect();
        if !exclusively {
            // Deployment order puts dependencies first: one pass backwards closes the set.
            for s in self.stacks.iter().rev() {
                if keep.contains(s.name.as_str()) {
                    keep.extend(s.dependencies.iter().map(|d| d.as_str().to_owned()));
                }
            }
        }
        self.stacks.retain(|s| keep.contains(s.name.as_str()));
        let mut dropped = Vec::new();
        for s in &mut self.stacks {
            s.dependencies.retain(|d| {
                let kept = keep.contains(d.as_str());
                if !kept {
                    dropped.push((s.name.clone(), d.clone()));
                }
                kept
            });
        }
        Ok(dropped)
    }
}

impl App {
    /// An app whose functions' code `assets` resolves: a `tributary::assets::Workspace` (the
    /// handler binaries of a cargo workspace), or [`super::NamedAssets`] to look at templates only.
    pub fn new(assets: impl AssetResolver + 'static) -> Self {
        Self::with_assets(Arc::new(assets))
    }

    /// An app over a shared resolver (several apps over one workspace, e.g. in benchmarks).
    pub fn with_assets(assets: Arc<dyn AssetResolver>) -> Self {
        Self {
            stacks: IndexMap::new(),
            assets,
            diagnostics: Vec::new(),
            locator: None,
            scope: Box::default(),
            stages: Box::default(),
        }
    }

    /// Tags every resource of every stack that takes tags, and the stacks themselves (as
    /// `Tags.of(app).add(key, value)` in the CDK); a stack's or construct's tag of the same key
    /// wins. A tag AWS would refuse is reported.
    pub fn tag(&mut self, key: &str, value: &str) {
        if let Some(why) = check_tag(key, value, TagLevel::Stack) {
            self.app_error(format!("app {why}"));
            return;
        }
        self.scope.tags.insert(key.to_owned(), value.to_owned());
        self.scope_changed();
    }

    /// Gives every IAM role of the app a permissions boundary (a stack's own wins): a managed
    /// policy ARN or the name of a policy of the deploying account. One that is neither is
    /// reported.
    pub fn set_permissions_boundary(&mut self, boundary: &str) {
        match boundary.parse::<PermissionsBoundary>() {
            Ok(b) => {
                self.scope.permissions_boundary = Some(b);
                self.scope_changed();
            }
            Err(e) => self.app_error(format!("app {e}")),
        }
    }

    /// Prefixes every name the app's constructs generate (a stack's own prefix wins); set it
    /// before adding stacks.
    pub fn set_name_prefix(&mut self, prefix: &str) {
        match prefix.parse::<NamePrefix>() {
            Ok(p) => {
                self.scope.name_prefix = Some(p);
                self.scope_changed();
            }
            Err(e) => self.app_error(format!("app {e}")),
        }
    }

    /// Hands the app's scope (and its stage's, for a stack of a stage) to every stack.
    fn scope_changed(&mut self) {
        for (name, stack) in self.stacks.iter_mut() {
            let outer = match self.stages.get(name) {
                Some((_, stage)) => Scope::resolve([&*self.scope, stage]),
                None => (*self.scope).clone(),
            };
            stack.set_outer(outer);
        }
    }

    /// Adds the stage's copy of stack `name` (named `<stage>-<name>`, deploying to the stage's
    /// environment where `env` names none), or returns the existing one, reporting the duplicate.
    pub fn add_stage_stack(
        &mut self,
        stage: &Stage,
        name: &StackName,
        env: &Environment,
    ) -> &mut Stack {
        let full = match stage.stack_name(name) {
            Ok(full) => full,
            Err(e) => {
                self.app_error(format!(
                    "stage `{}`: stack `{name}`: its stage's name `{}-{name}` {e}",
                    stage.name, stage.name
                ));
                name.clone()
            }
        };
        self.stages
            .insert(full.clone(), (stage.name.clone(), stage.scope.clone()));
        let outer = Scope::resolve([&*self.scope, &stage.scope]);
        let stack = self.add_stack(full, stage.env_of(env));
        stack.set_outer(outer);
        stack
    }

    /// The stage names of the app's stacks, in the order they were first added.
    pub fn stage_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (stage, _) in self.stages.values() {
            if !out.contains(&stage.as_str()) {
                out.push(stage);
            }
        }
        out
    }

    /// Keeps only the stacks of the stages named (an app without stages has none to keep: that
    /// is an error too). An unknown stage name is the error, with the closest one.
    pub fn retain_stages(&mut self, names: &[String]) -> Result<(), String> {
        if names.is_empty() {
            return Ok(());
        }
        let known: Vec<String> = self.stage_names().into_iter().map(str::to_owned).collect();
        if let Some(name) = names.iter().find(|n| !known.contains(n)) {
            let hint = super::suggest::hint(name, known.iter().map(String::as_str), |all| {
                if all.is_empty() {
                    " (the app has no stages)".to_owned()
                } else {
                    format!(" (stages: {})", all.join(", "))
                }
            });
            return Err(format!("there is no stage `{name}`{hint}"));
        }
        let stages = &self.stages;
        self.stacks.retain(|stack, _| {
            stages
                .get(stack)
                .is_some_and(|(stage, _)| names.contains(stage))
        });
        Ok(())
    }

    /// Reports an error of the spec the app is built from that no construct owns (a stage's).
    pub(crate) fn spec_error(&mut self, message: String) {
        self.app_error(message);
    }

    fn app_error(&mut self, message: String) {
        self.diagnostics.push(Diagnostic {
            location: None,
            code: None,
            severity: Severity::Error,
            path: None,
            message,
        });
    }

    /// Where diagnostics find the spec line of the value behind them (set by the spec layer).
    pub fn set_locator(&mut self, locator: Arc<dyn Locate>) {
        self.locator = Some(locator);
    }

    /// The locator [`App::set_locator`] set.
    pub fn locator(&self) -> Option<&Arc<dyn Locate>> {
        self.locator.as_ref()
    }

    /// The resolver of the functions' code.
    pub fn assets(&self) -> &Arc<dyn AssetResolver> {
        &self.assets
    }

    /// Adds a stack (or returns the existing one of that name, reporting the duplicate).
    pub fn add_stack(&mut self, name: StackName, env: Environment) -> &mut Stack {
        if self.stacks.contains_key(&name) {
            self.diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: None,
                message: format!("there are two stacks named `{name}`"),
            });
        }
        if let Some(why) = env.region.as_ref().and_then(|r| r.unknown()) {
            self.diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Warning,
                path: Some(ConstructPath::root(&name)),
                message: why,
            });
        }
        let assets = self.assets.clone();
        let outer = &self.scope;
        self.stacks.entry(name.clone()).or_insert_with(|| {
            let mut stack = Stack::new(name, env, assets);
            stack.set_outer((**outer).clone());
            stack
        })
    }

    /// A stack by name.
    pub fn stack_mut(&mut self, name: &StackName) -> Option<&mut Stack> {
        self.stacks.get_mut(name)
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> impl Iterator<Item = &Stack> {
        self.stacks.values()
    }

    /// Validates the app and produces its templates, with `checks` run on the resolved
    /// templates before they are finished; every error is reported, not just the first. The
    /// pipeline's [`App::synth`] runs the policy rule pack through here.
    pub(crate) fn synth_with(
        self,
        checks: &dyn TemplateChecks,
    ) -> Result<Synthesized, Diagnostics> {
        let mut diagnostics = self.diagnostics;
        if self.stacks.is_empty() {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: None,
                message: "the app has no stacks".to_owned(),
            });
        }
        let mut parts: IndexMap<StackName, StackParts> = IndexMap::new();
        for (name, stack) in self.stacks {
            let mut p = stack.into_parts();
            diagnostics.extend(p.diagnostics.iter().cloned());
            // Before the references and checks: tags and boundaries are part of the template.
            scope::apply(&mut p, &mut diagnostics);
            parts.insert(name, p);
        }

        resolve_references(&mut parts, &mut diagnostics);
        check_stacks_and_names(&mut parts, &mut diagnostics);
        checks.run(&mut parts, &mut diagnostics);
        let order = deployment_order(&parts, &mut diagnostics);

        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(Diagnostics(diagnostics));
        }
        let mut stacks = Vec::with_capacity(parts.len());
        for name in order {
            let Some(mut p) = parts.shift_remove(&name) else {
                continue;
            };
            bootstrap::add_version_check(&mut p.template);
            stacks.push(SynthesizedStack {
                name: p.name,
                env: p.env,
                template: p.template,
                dependencies: p.dependencies.into_iter().collect(),
                rendered: None,
                assets: p.assets,
                termination_protection: p.termination_protection,
                origins: p.origins,
                tags: p.scope.tags,
            });
        }
        Ok(Synthesized {
            stacks,
            warnings: diagnostics,
        })
    }
}

/// Refuses a stack without resources, and checks the names that must be unique in an account and
/// region across the whole app: the physical names constructs claimed and every export name
/// (generated ones are bounded already; a given one is checked, never shortened).
fn check_stacks_and_names(
    parts: &mut IndexMap<StackName, StackParts>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for p in parts.values_mut() {
        let root = ConstructPath::root(&p.name);
        if p.template.resources.is_empty() {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: Some(root.clone()),
                message: "the stack has no resources, and CloudFormation refuses a template without any; add a construct to it or remove the stack".to_owned(),
            });
        }
        for (id, output) in &p.template.outputs {
            let Some(name) = &output.export_name else {
                continue;
            };
            let path = root.child(id);
            match names::EXPORT_NAME.check(name) {
                Ok(()) => p.names.push(NameClaim {
                    what: names::EXPORT_NAME.what,
                    scope: None,
                    name: name.clone(),
                    path,
                    global: false,
                }),
                Err(e) => diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: Some(path),
                    message: format!("export name `{name}` {e}"),
                }),
            }
        }
    }
    names::check_unique(
        parts
            .values()
            .flat_map(|p| p.names.iter().map(move |c| (&p.env, c))),
        diagnostics,
    );
}

/// Checks every reference and turns cross-stack ones into exports plus stack dependencies.
fn resolve_references(
    parts: &mut IndexMap<StackName, StackParts>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Cross-stack references (consumer, reference, attribute), collected first so producers can
    // be edited after; local ones are checked in place without copying anything.
    let mut found: Vec<(StackName, Reference, Option<Attr>)> = Vec::new();
    for (name, p) in parts.iter() {
        let resources = &p.template.resources;
        let mut visit = |r: &Reference, attr: Option<Attr>| {
            if &r.stack != name {
                found.push((name.clone(), r.clone(), attr));
            } else if !resources.contains_key(&r.logical_id) {
                diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: None,
                    message: format!(
                        "stack `{name}` references `{}`, which does not exist in it",
                        r.logical_id
                    ),
                });
            }
        };
        for resource in resources.values() {
            for v in resource.properties.values() {
                v.for_each_reference(&mut visit);
            }
            if let Some(doc) = &resource.policy_document {
                doc.for_each_reference(&mut visit);
            }
        }
        for o in p.template.outputs.values() {
            o.value.for_each_reference(&mut visit);
        }
    }
    let mut seen = BTreeSet::new();
    for (consumer, r, attr) in found {
        if !seen.insert((consumer.clone(), r.clone(), attr)) {
            continue;
        }
        let Some(producer) = parts.get_mut(&r.stack) else {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: None,
                message: format!(
                    "stack `{consumer}` references `{}` in stack `{}`, which is not part of this app",
                    r.logical_id, r.stack
                ),
            });
            continue;
        };
        if !producer.template.resources.contains_key(&r.logical_id) {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: None,
                message: format!(
                    "stack `{consumer}` references `{}`, which does not exist in stack `{}`",
                    r.logical_id, r.stack
                ),
            });
            continue;
        }
        let producer_env = producer.env.clone();
        let output = Output {
            description: None,
            value: match attr {
                None => Value::Ref(r.clone()),
                Some(attr) => Value::GetAtt(r.clone(), attr),
            },
            export_name: Some(export_name(&r, attr)),
        };
        let id = export_output_id(&r, attr);
        if let Some(other) = producer.template.outputs.get(&id)
            && other.export_name != output.export_name
        {
            diagnostics.push(Diagnostic {
                location: None,
                code: None,
                severity: Severity::Error,
                path: None,
                message: format!(
                    "stack `{}` has an output `{id}`, the id of the export of `{}` that stack `{consumer}` imports; give the output another id",
                    r.stack, r.logical_id
                ),
            });
            continue;
        }
        producer.template.outputs.insert(id, output);
        if let Some(c) = parts.get_mut(&consumer) {
            if c.env != producer_env {
                diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: None,
                    message: format!(
                        "stack `{consumer}` ({}) references stack `{}` ({producer_env}); cross-stack references only work within one account and region",
                        c.env, r.stack
                    ),
                });
            }
            c.dependencies.insert(r.stack.clone());
        }
    }
}

/// Orders stacks so that every stack comes after the stacks it depends on (stable: ties keep the
/// order stacks were added in); a dependency cycle is an error naming the stacks in it.
fn deployment_order(
    parts: &IndexMap<StackName, StackParts>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<StackName> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit(
        name: &StackName,
        parts: &IndexMap<StackName, StackParts>,
        marks: &mut BTreeMap<StackName, Mark>,
        trail: &mut Vec<StackName>,
        order: &mut Vec<StackName>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        match marks.get(name) {
            Some(Mark::Done) => return,
            Some(Mark::Visiting) => {
                let start = trail.iter().position(|n| n == name).unwrap_or(0);
                let mut cycle: Vec<String> =
                    trail[start..].iter().map(ToString::to_string).collect();
                cycle.push(name.to_string());
                diagnostics.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: None,
                    message: format!(
                        "stacks depend on each other in a cycle: {}; move the shared resources into one stack",
                        cycle.join(" -> ")
                    ),
                });
                return;
            }
            None => {}
        }
        marks.insert(name.clone(), Mark::Visiting);
        trail.push(name.clone());
        if let Some(p) = parts.get(name) {
            for dep in &p.dependencies {
                if parts.contains_key(dep) {
                    visit(dep, parts, marks, trail, order, diagnostics);
                }
            }
        }
        trail.pop();
        marks.insert(name.clone(), Mark::Done);
        order.push(name.clone());
    }
    let mut marks = BTreeMap::new();
    let mut order = Vec::with_capacity(parts.len());
    for name in parts.keys() {
        visit(
            name,
            parts,
            &mut marks,
            &mut Vec::new(),
            &mut order,
            diagnostics,
        );
    }
    order
}

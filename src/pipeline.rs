//! The synth pipeline above the core: the app's references resolved and its templates built by
//! the core, the policy rule pack (the registry schemas included) run on the finished
//! templates, each template rendered once and refused over the size CloudFormation takes
//! (TRB020); then the assembly writer and the asset builds (the CLI) take the result.

use crate::assembly::{AssemblyError, TemplateFormat, render_template};
use crate::checks::{self, RulePack};
use crate::core::{App, Diagnostic, Diagnostics, Severity, Synthesized, SynthesizedStack};

/// Below this many resources an app is rendered on one thread (a thread costs more than it saves).
const PARALLEL_RENDER_RESOURCES: usize = 2_000;

/// Every stack's template as JSON, in the stacks' order. A large app's stacks are split into
/// contiguous runs rendered on the machine's cores (each template is rendered by itself, so the
/// bytes do not depend on the split).
fn render_all(stacks: &[SynthesizedStack]) -> Vec<Result<Vec<u8>, AssemblyError>> {
    let render = |run: &[SynthesizedStack]| {
        run.iter()
            .map(|stack| render_template(stack, TemplateFormat::Json))
            .collect::<Vec<_>>()
    };
    let resources: usize = stacks.iter().map(|s| s.template.resources.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || stacks.len() < 2 || resources < PARALLEL_RENDER_RESOURCES {
        return render(stacks);
    }
    let mut runs = stacks.chunks(stacks.len().div_ceil(threads));
    std::thread::scope(|s| {
        // This thread renders the first run while the others render the rest.
        let first = runs.next().unwrap_or_default();
        let handles: Vec<_> = runs.map(|run| s.spawn(move || render(run))).collect();
        let mut out = render(first);
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

impl App {
    /// Validates the app and produces its templates, checked by every policy rule (the
    /// registry schema of each resource type included); every error is reported, not just the
    /// first.
    pub fn synth(self) -> Result<Synthesized, Diagnostics> {
        self.synth_checked(RulePack::default())
    }

    /// [`App::synth`] without the registry-schema check (TRB021), for the benchmark that
    /// reports what that check costs. Not for apps: it lets through what CloudFormation refuses.
    #[doc(hidden)]
    pub fn synth_without_registry_schema(self) -> Result<Synthesized, Diagnostics> {
        self.synth_checked(RulePack {
            registry_schema: false,
        })
    }

    fn synth_checked(self, pack: RulePack) -> Result<Synthesized, Diagnostics> {
        let locator = self.locator().cloned();
        let locate = |diagnostics: &mut [Diagnostic]| {
            if let Some(locator) = &locator {
                for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
                    d.location = locator.locate(d);
                }
            }
        };
        let mut synth = self.synth_with(&pack).map_err(|mut d| {
            locate(&mut d.0);
            d
        })?;
        locate(&mut synth.warnings);
        let mut refused: Vec<Diagnostic> = Vec::new();
        let rendered = render_all(&synth.stacks);
        for (stack, result) in synth.stacks.iter_mut().zip(rendered) {
            match result {
                Ok(bytes) => {
                    refused.extend(checks::template_size(&stack.name, bytes.len()));
                    stack.rendered = Some(bytes);
                }
                Err(e) => refused.push(Diagnostic {
                    location: None,
                    code: None,
                    severity: Severity::Error,
                    path: None,
                    message: format!("stack `{}`: {e}", stack.name),
                }),
            }
        }
        if refused.is_empty() {
            return Ok(synth);
        }
        let mut all = synth.warnings;
        all.extend(refused);
        Err(Diagnostics(all))
    }
}

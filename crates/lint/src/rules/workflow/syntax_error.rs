use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a workflow file that is not YAML at all (an unclosed `[`, a tab in the
    /// indentation), with the YAML parser's words. Whether a well-formed file is a valid
    /// workflow is actionlint's job: run it too. Not suppressible.
    ///
    /// ## Why is this bad
    /// Forgejo and GitHub do not run the file: the pipeline silently stops deploying, and the
    /// push looks green because no workflow ran.
    ///
    /// ## Example
    /// An unclosed flow sequence:
    ///
    /// `.forgejo/workflows/deploy.yaml`:
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy: [
    /// ```
    ///
    /// ## Use instead
    ///
    /// `.forgejo/workflows/deploy.yaml`:
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: gbo
    ///     steps:
    ///       - run: cargo build --release -p botserver
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "WFL000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Workflow),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Workflow], out);
        for doc in &ctx.deployment.workflows {
            if let Some(error) = &doc.workflow.error {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            error.range,
                            format!("not YAML: {}", error.message),
                        )
                        .with_label("the YAML parser stops here")
                        .with_note("the forge does not run a workflow it cannot load"),
                );
            }
        }
    }
}

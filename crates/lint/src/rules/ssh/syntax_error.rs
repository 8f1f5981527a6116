use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports what makes OpenSSH 9.2's `ssh` refuse a client configuration, in its words: an
    /// unknown keyword ("Bad configuration option", unless an earlier `IgnoreUnknown` names
    /// it), a keyword with no argument, extra arguments after `HostName`, `User` or `Port`, a
    /// numeric port out of range. Not suppressible.
    ///
    /// ## Why is this bad
    /// ssh stops at once ("terminating, 1 bad configuration options") for every host, not only
    /// the block with the mistake: the CI runner's deploy step fails before it connects.
    ///
    /// ## Example
    /// A misspelt keyword:
    ///
    /// `pragmatismo-alm-ci/root/.ssh/config`:
    /// ```text
    /// Host pragmatismo-system
    ///     HostNmae 10.16.164.10
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-alm-ci/root/.ssh/config`:
    /// ```text
    /// Host pragmatismo-system
    ///     HostName 10.16.164.10
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "SSH000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::SshConfig),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::SshConfig], out);
        for doc in &ctx.deployment.ssh_configs {
            for error in &doc.config.errors {
                out.push(
                    Self::META
                        .diagnostic(doc.file, error.range, error.message.clone())
                        .with_label("ssh refuses this line")
                        .with_note("ssh then stops for every host: \"terminating, 1 bad configuration options\""),
                );
            }
        }
    }
}

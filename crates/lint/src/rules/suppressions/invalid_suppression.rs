use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a `# gblint:` comment that gblint cannot use: an unknown directive or code, a
    /// code that cannot be suppressed inline (syntax errors, `CDY010`), missing brackets, or
    /// a missing reason.
    ///
    /// ## Why is this bad
    /// The author meant to silence something and did not; or meant to record why, and did
    /// not. Either way the comment misleads the next reader.
    ///
    /// ## Example
    /// ```caddyfile
    /// # gblint: ignore[CDY005]
    /// {
    /// 	admin off
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// # gblint: ignore[CDY005] this test proxy is never reloaded
    /// {
    /// 	admin off
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only a person can supply the reason.
    pub struct InvalidSuppression {
        code: "GBL901",
        name: "invalid-suppression",
        severity: Warning,
        category: Suppression,
        fix: None,
        suppressible: false,
        kind: None,
    }
}

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {
        // Emitted by the engine while it reads suppression comments.
    }
}

use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a `# gblint: ignore[CODE] reason` comment whose code silenced nothing.
    /// Suppressions are read in every format with comments, with that format's own marker
    /// and rules: `;` in zone files, whole-line `#` or `;` (and fail2ban's inline ` ;`) in
    /// fail2ban and systemd files, `#` elsewhere (see the README's table).
    ///
    /// ## Why is this bad
    /// A stale suppression hides the next real finding of that code on that statement,
    /// long after the reason for it is gone.
    ///
    /// ## Example
    /// ```caddyfile
    /// # gblint: ignore[CDY005] admin API is proxied
    /// example.com {
    /// 	reverse_proxy localhost:8080
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment, or the codes in it that no longer fire.
    ///
    /// ## Fix safety
    /// No automatic fix: deleting a comment is left to a person.
    pub struct UnusedSuppression {
        code: "GBL900",
        name: "unused-suppression",
        severity: Warning,
        category: Suppression,
        fix: None,
        suppressible: false,
        kind: None,
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {
        // Emitted by the engine after suppressions are applied.
    }
}

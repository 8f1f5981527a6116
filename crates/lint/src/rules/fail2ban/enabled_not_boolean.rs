use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a jail whose effective `enabled` value is not one fail2ban recognises as a
    /// boolean (`true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`): fail2ban reads anything
    /// else — `ture`, `enable`, `True!` — as false, silently.
    ///
    /// ## Why is this bad
    /// The jail looks enabled in review and in the file, and never bans anyone. Nothing in the
    /// logs says so.
    ///
    /// ## Example
    /// ```ini
    /// [caddy-http-flood]
    /// enabled = ture
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [caddy-http-flood]
    /// enabled = true
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: `ture` is probably `true`, but a person should say so.
    pub struct EnabledNotBoolean {
        code: "F2B003",
        name: "enabled-not-boolean",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for EnabledNotBoolean {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.fail2ban {
            for jail in doc.config.jail_views() {
                let name = &jail.name;
                let Some(value) = jail.get("enabled") else {
                    continue;
                };
                let Ok(text) = value.interpolated() else {
                    continue;
                };
                if gblint_fail2ban::parse_bool(text).is_none() {
                    if let Some((file, range)) = super::origin(doc, value) {
                        out.push(
                            Self::META
                                .diagnostic(
                                    file,
                                    range,
                                    format!(
                                        "[{name}] enabled = {text}: fail2ban reads this as false"
                                    ),
                                )
                                .with_label("not a boolean fail2ban knows")
                                .with_help("write `true` or `false`"),
                        );
                    }
                }
            }
        }
    }
}

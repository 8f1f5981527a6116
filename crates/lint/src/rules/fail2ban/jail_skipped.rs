use gblint_diagnostics::Diagnostic;

use super::{enabled, origin, skipped};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an enabled jail that fail2ban 1.0.2 skips when it reads its configuration: its
    /// `filter` or one of its `action`s names a file that exists neither in the folder
    /// (`filter.d/NAME.conf` or `.local`) nor among the filters and actions Debian's fail2ban
    /// package installs, or is not a well-formed `name[key=value, …]` spec. The message is
    /// fail2ban's own ("Found no accessible config files for 'filter.d/NAME' …; Unable to read
    /// the filter 'NAME'").
    ///
    /// ## Why is this bad
    /// fail2ban logs "Errors in jail 'NAME'. Skipping..." and starts the other jails: the
    /// skipped jail never bans anyone, and nothing else says so. A flood jail copied from
    /// another machine without its filter, or naming an action of a newer fail2ban
    /// (`nftables-input`), silently protects nothing. When every enabled jail is skipped,
    /// fail2ban does not start at all.
    ///
    /// ## Example
    /// ```ini
    /// [caddy-http-flood]
    /// enabled = true
    /// filter  = caddy-http-flood
    /// ```
    /// with no `filter.d/caddy-http-flood.conf` in the tree.
    ///
    /// ## Use instead
    /// Ship `filter.d/caddy-http-flood.conf` next to `jail.local`, or name a filter that
    /// exists.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct JailSkipped {
        code: "F2B006",
        name: "jail-skipped",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for JailSkipped {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.fail2ban {
            for jail in doc.config.jail_views() {
                if !enabled(jail) {
                    continue;
                }
                let Some(skip) = skipped(doc, jail) else {
                    continue;
                };
                // Point at the value in the user's own files; a value inherited from the
                // stock jail.conf (`filter = %(__name__)s`) is shown where the jail is enabled.
                let at = if &*skip.value.origin.file == "jail.conf" {
                    jail.get("enabled").and_then(|v| origin(doc, v))
                } else {
                    None
                }
                .or_else(|| origin(doc, skip.value));
                let Some((file, range)) = at else { continue };
                out.push(
                    Self::META
                        .diagnostic(
                            file,
                            range,
                            format!(
                                "[{}] {}; Errors in jail '{}'. Skipping...",
                                jail.name, skip.message, jail.name
                            ),
                        )
                        .with_label("fail2ban skips this jail")
                        .with_help("add the missing file under filter.d/ or action.d/, or name one that exists"),
                );
            }
        }
    }
}

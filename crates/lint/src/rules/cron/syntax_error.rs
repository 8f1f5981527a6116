use gblint_diagnostics::{Diagnostic, TextRange};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports what makes cron refuse a crontab, in the words of Debian's cron 3.0pl1: a bad
    /// time field (`bad minute`, `bad hour`, `bad day-of-month`, `bad month`,
    /// `bad day-of-week`), an unknown `@macro` (`bad time specifier`), a sixth time field where
    /// the command belongs (`bad command`), a path where a system crontab's user belongs
    /// (`bad username`), a missing final newline, and a file in `/etc/cron.d` whose name has
    /// anything but letters, digits, `_` and `-` (cron skips it). Not suppressible.
    ///
    /// ## Why is this bad
    /// cron does not skip the bad line: it ignores the whole file ("Syntax error, this crontab
    /// file will be ignored") and logs it once to syslog. Every job in it — the cache clean-up,
    /// the snapshots — silently stops running.
    ///
    /// ## Example
    /// A sixth time field, where the user belongs:
    ///
    /// `host/etc/cron.d/zfs-snapshots`:
    /// ```text
    /// 0 3 * * * * root zfs snapshot -r default@daily
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/cron.d/zfs-snapshots`:
    /// ```text
    /// 0 3 * * * root zfs snapshot -r default@daily
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "CRN000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Crontab),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Crontab], out);
        for doc in &ctx.deployment.crontabs {
            let shown = on_machine(&ctx.deployment.shown_path(doc.input, ctx.sources));
            if doc.skipped_name {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            TextRange::empty(0),
                            "cron skips this file: a file in /etc/cron.d must be named with letters, digits, `_` and `-` only",
                        )
                        .with_label("cron never reads this file")
                        .with_help("rename it without dots or other characters (run-parts' naming)"),
                );
            }
            for error in &doc.crontab.errors {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            error.range,
                            format!("{}; cron ignores this whole file", error.message),
                        )
                        .with_label(error.message.clone())
                        .with_note(if error.message.starts_with("Missing newline") {
                            format!("cron logs \"{}, this crontab file will be ignored\"", error.message)
                        } else {
                            format!(
                                "cron logs \"Error: {}; while reading {shown}\" and \"Syntax error, this crontab file will be ignored\"",
                                error.message
                            )
                        }),
                );
            }
        }
    }
}

/// The path cron names a file by: from `/etc/cron…` or `/var/spool/cron/` on (a file checked
/// outside a deployment tree is shown by its path on the machine, not on the checkout).
fn on_machine(shown: &str) -> String {
    ["/etc/cron", "/var/spool/cron/"]
        .iter()
        .find_map(|marker| shown.find(marker))
        .map_or_else(|| shown.to_owned(), |at| shown[at..].to_owned())
}

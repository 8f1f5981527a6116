use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

/// The jail options fail2ban's jail reader evaluates (a broken `%(x)s` there stops the start).
const JAIL_OPTIONS: &[&str] = &[
    "enabled",
    "filter",
    "logpath",
    "action",
    "backend",
    "maxretry",
    "maxmatches",
    "findtime",
    "bantime",
    "ignoreip",
    "ignoreself",
    "ignorecommand",
    "ignorecache",
    "usedns",
    "port",
    "protocol",
    "chain",
    "logencoding",
    "logtimezone",
    "journalmatch",
    "datepattern",
    "prefregex",
    "failregex",
    "ignoreregex",
    "maxlines",
    "banaction",
    "banaction_allports",
];

declare_rule! {
    /// ## What it does
    /// Reports what fail2ban's configuration reader refuses: a line before any `[section]`,
    /// a line that is neither `key = value`, a comment nor a continuation, a key or section
    /// given twice in one file (fail2ban's reader is strict), and `%(name)s` references that
    /// cannot be resolved or loop.
    ///
    /// ## Why is this bad
    /// `fail2ban-client` refuses to start (or to reload) the whole server on any of these:
    /// every jail stops banning, not only the broken one.
    ///
    /// ## Example
    /// ```ini
    /// [sshd]
    /// enabled = true
    /// enabled = false
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [sshd]
    /// enabled = false
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "F2B000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Fail2ban], out);
        // Sorted, so findings come in key order (as walking each jail's options did), and
        // each jail is asked for these ~30 keys instead of walking its ~50 options.
        let mut keys = JAIL_OPTIONS.to_vec();
        keys.sort_unstable();
        for doc in &ctx.deployment.fail2ban {
            for (file, ini) in doc.files.values() {
                for problem in &ini.problems {
                    out.push(
                        Self::META
                            .diagnostic(*file, problem.range, problem.message.clone())
                            .with_label("fail2ban refuses this"),
                    );
                }
            }
            for jail in doc.config.jail_views() {
                let name = &jail.name;
                // fail2ban interpolates lazily: only the options it reads, of enabled jails.
                if !super::enabled(jail) {
                    continue;
                }
                // The options fail2ban reads, in key order; only these are made into values.
                for (key, value) in keys.iter().filter_map(|key| Some((*key, jail.get(key)?))) {
                    if let Err(error) = value.interpolated() {
                        // `%(known/NAME)s` is resolved by fail2ban from the jail's filter
                        // (`JailReader` merges the filter's options as `known/…` first); the
                        // jail-level view here does not have them, so it is not an error.
                        if error.contains("interpolation key 'known/") {
                            continue;
                        }
                        if let Some((file, range)) = super::origin(doc, value) {
                            out.push(
                                Self::META
                                    .diagnostic(file, range, format!("[{name}] {key}: {error}"))
                                    .with_label("cannot be interpolated"),
                            );
                        }
                    }
                }
            }
        }
    }
}

use gblint_diagnostics::{Diagnostic, TextRange};

use super::is_general_bots;
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a General Bots service unit (one running a binary under `/opt/gbo/`, or a
    /// tenant role unit: `system`, `ui`, `proxy`, `dns`) with no `User=` or with
    /// `User=root`.
    ///
    /// ## Why is this bad
    /// A service running as root turns any bug in it — a path traversal in the bot server, a
    /// plugin that runs commands — into full control of the container.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// User=gbuser
    /// Group=gbuser
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the user must exist and own the service's files.
    pub struct ServiceRunsAsRoot {
        code: "SYD003",
        name: "service-runs-as-root",
        severity: Warning,
        category: Security,
        fix: None,
        kind: Some(FileKind::Systemd),
    }
}

impl Rule for ServiceRunsAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for unit in &ctx.deployment.units {
            if !unit.name.ends_with(".service") || !is_general_bots(unit) {
                continue;
            }
            match unit.merged.get("Service", "User") {
                Some(user)
                    if user.value != "root" && user.value != "0" && !user.value.is_empty() => {}
                Some(user) => {
                    if let Some(file) = unit.file_of(&user.file) {
                        out.push(
                            Self::META
                                .diagnostic(
                                    file,
                                    user.value_range,
                                    format!("{} runs as root", unit.name),
                                )
                                .with_label("User=root")
                                .with_help("run it as an unprivileged user, e.g. `User=gbuser`"),
                        );
                    }
                }
                None => {
                    let Some((_, file, parsed)) = unit.files.first() else {
                        continue;
                    };
                    let at = parsed
                        .sections
                        .iter()
                        .find(|s| s.name == "Service")
                        .map_or(TextRange::empty(0), |s| s.name_range);
                    out.push(
                        Self::META
                            .diagnostic(
                                *file,
                                at,
                                format!("{} has no User=: it runs as root", unit.name),
                            )
                            .with_label("no User= in [Service]")
                            .with_help("add `User=gbuser` (and `Group=gbuser`)"),
                    );
                }
            }
        }
    }
}

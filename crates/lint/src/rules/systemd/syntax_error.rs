use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports lines of a unit file or drop-in that systemd cannot read (an assignment before
    /// any `[Section]`, a line without `=`), `Environment=` values systemd cannot split, and
    /// `/etc/default/ufw` lines its shell-style reader rejects.
    ///
    /// ## Why is this bad
    /// systemd logs the line as ignored and carries on: the unit starts without that setting —
    /// no `User=`, no `Environment=` — and nobody notices until the service misbehaves.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// Environment="PORT=5858
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// Environment="PORT=5858"
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "SYD000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Systemd),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Systemd, FileKind::Ufw], out);
        for unit in &ctx.deployment.units {
            for (_, file, parsed) in &unit.files {
                for problem in &parsed.problems {
                    out.push(
                        Self::META
                            .diagnostic(*file, problem.range, problem.message.clone())
                            .with_label("systemd ignores this line"),
                    );
                }
                for section in parsed.sections.iter().filter(|s| s.name == "Service") {
                    for entry in section
                        .entries
                        .iter()
                        .filter(|e| e.key == "Environment" && !e.value.is_empty())
                    {
                        if let Err(error) = gblint_systemd::split_environment(&entry.value) {
                            out.push(
                                Self::META
                                    .diagnostic(
                                        *file,
                                        entry.value_range,
                                        format!("Environment={}: {error}", entry.value),
                                    )
                                    .with_label("systemd ignores this assignment"),
                            );
                        }
                    }
                }
            }
        }
        for ufw in &ctx.deployment.ufw {
            for problem in &ufw.problems {
                out.push(
                    Self::META
                        .diagnostic(ufw.file, problem.range, problem.message.clone())
                        .with_label("ufw cannot read this line"),
                );
            }
        }
    }
}

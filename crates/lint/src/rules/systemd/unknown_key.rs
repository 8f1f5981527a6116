use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports keys systemd 252 does not know in their section (`Unknown key name 'X' in
    /// section 'Y', ignoring.`): typos such as `Enviroment=` or `Usr=`, and keys put in the
    /// wrong section. `X-` keys and sections are allowed.
    ///
    /// ## Why is this bad
    /// systemd ignores the line with a warning in the journal and starts the unit without it —
    /// a misspelt `User=` runs the service as root, a misspelt `Environment=` starts it with
    /// default settings.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// Usr=gbuser
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// User=gbuser
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the nearest key is suggested, not applied.
    pub struct UnknownKey {
        code: "SYD004",
        name: "unknown-key",
        severity: Warning,
        category: Suspicious,
        fix: None,
        kind: Some(FileKind::Systemd),
    }
}

impl Rule for UnknownKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for unit in &ctx.deployment.units {
            let Some(unit_type) = gblint_systemd::unit_type(&unit.name) else {
                continue;
            };
            for (_, file, parsed) in &unit.files {
                for section in &parsed.sections {
                    if section.name.starts_with("X-") {
                        continue;
                    }
                    for entry in &section.entries {
                        if entry.key.starts_with("X-")
                            || gblint_systemd::is_known_key(&section.name, &entry.key, unit_type)
                        {
                            continue;
                        }
                        out.push(
                            Self::META
                                .diagnostic(
                                    *file,
                                    entry.key_range,
                                    format!(
                                        "Unknown key name '{}' in section '{}', ignoring.",
                                        entry.key, section.name
                                    ),
                                )
                                .with_label("systemd ignores this line")
                                .with_help(
                                    "check the spelling and the section (`man systemd.directives`)",
                                ),
                        );
                    }
                }
            }
        }
    }
}

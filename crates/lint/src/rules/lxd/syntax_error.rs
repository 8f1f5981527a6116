use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an LXD instance file (`backup.yaml`, or an `lxc config show` export) that is
    /// not YAML, or whose values have the wrong shape: a mapping or list where LXD expects a
    /// string (`security.privileged: {a: 1}`), a `devices:` that is not a mapping of
    /// mappings, a `backup.yaml` without its `container:` mapping.
    ///
    /// ## Why is this bad
    /// `lxc config edit` refuses the whole file (`yaml: unmarshal errors: … cannot unmarshal
    /// !!map into string`), and LXD cannot import an instance from a `backup.yaml` it cannot
    /// read: a recovery after a lost database fails exactly when it is needed.
    ///
    /// ## Example
    /// An unclosed quote, in the system container's export:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: "true
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: "true"
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    pub struct SyntaxError {
        code: "LXD000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Lxd], out);
        for doc in &ctx.deployment.lxd {
            for problem in &doc.instance.syntax {
                out.push(
                    Self::META
                        .diagnostic(doc.file, problem.range, problem.message.clone())
                        .with_label("LXD cannot read this"),
                );
            }
        }
    }
}

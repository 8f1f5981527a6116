use gblint_diagnostics::Diagnostic;
use gblint_iptables::ProblemKind;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports lines of an iptables-save / iptables-restore file that iptables-restore cannot
    /// read: unknown options, bad values (ports, addresses, masks, protocols, interface names
    /// longer than 15 characters), a `!` in the wrong place, two targets, a `#` that is not in
    /// the first column, a command outside a `*table`, a bad table name. Every such line is
    /// reported, not only the first as iptables-restore does.
    ///
    /// ## Why is this bad
    /// iptables-restore applies a file as one transaction: one bad line and nothing loads, so
    /// the machine boots with whatever rules it had before (often none) while everyone believes
    /// the new firewall is in place.
    ///
    /// ## Example
    /// ```iptables
    /// *filter
    /// -A INPUT -p tcp --dprot 22 -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Use instead
    /// ```iptables
    /// *filter
    /// -A INPUT -p tcp --dport 22 -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intended option or value is not knowable.
    pub struct SyntaxError {
        code: "IPT000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Iptables),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Iptables], out);
        for doc in &ctx.deployment.iptables {
            for problem in doc.rules.problems_of(ProblemKind::Syntax) {
                out.push(
                    Self::META
                        .diagnostic(doc.file, problem.range, problem.message.clone())
                        .with_label("iptables-restore stops here")
                        .with_help(
                            "iptables-restore loads nothing from a file with an unreadable line",
                        ),
                );
            }
        }
    }
}

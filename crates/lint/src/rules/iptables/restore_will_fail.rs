use gblint_diagnostics::{Category, Diagnostic, Severity};
use gblint_iptables::ProblemKind;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports input that reads as iptables-restore syntax but that iptables-restore or the
    /// kernel still refuses, or that loads differently from what it says: `COMMIT` with
    /// trailing characters, CRLF line ends, a last line without a newline (legacy fails),
    /// a table never committed, a rule appended to a chain never declared, a jump to a chain
    /// declared only later, `-I CHAIN N` past the end, a target outside its table or chains
    /// (DNAT in filter, REJECT in PREROUTING), a line of blanks, an unterminated `"` that
    /// swallows the rest of the line. What loads but not as written — single-quoted values
    /// (the quotes become part of the value), a word after a user chain's `-` policy, bad
    /// policy counters (only `iptables-restore -c` reads them), host names resolved at load
    /// time — is reported as a warning in the `suspicious` category, not as `load`.
    ///
    /// ## Why is this bad
    /// `iptables-restore < rules.v4` succeeds only if every line does; the failure shows up at
    /// boot (netfilter-persistent) or in a deploy log nobody reads, and the old rules stay.
    /// `iptables-restore --test` (nft) does not even catch some of these: it defers chain
    /// checks to the commit.
    ///
    /// ## Example
    /// ```iptables
    /// *filter
    /// :INPUT DROP [0:0]
    /// -A INPUT -j LOGDROP
    /// :LOGDROP - [0:0]
    /// COMMIT
    /// ```
    ///
    /// ## Use instead
    /// Declare every chain before the rules (as iptables-save prints them):
    /// ```iptables
    /// *filter
    /// :INPUT DROP [0:0]
    /// :LOGDROP - [0:0]
    /// -A INPUT -j LOGDROP
    /// COMMIT
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct RestoreWillFail {
        code: "IPT004",
        name: "restore-will-fail",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Iptables),
    }
}

impl Rule for RestoreWillFail {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.iptables {
            let problems = doc.rules.problems.iter().chain(&doc.ruleset.problems);
            for problem in problems {
                match problem.kind {
                    ProblemKind::Syntax => {}
                    ProblemKind::Restore => out.push(
                        Self::META
                            .diagnostic(doc.file, problem.range, problem.message.clone())
                            .with_label("iptables-restore fails here")
                            .with_help("iptables-restore applies the file all or nothing: fix this line or nothing loads"),
                    ),
                    ProblemKind::Risk => {
                        let mut diagnostic = Self::META.diagnostic(doc.file, problem.range, problem.message.clone()).with_label("loads, but not as written");
                        // iptables-restore loads these lines: they are not load findings.
                        diagnostic.severity = Severity::Warning;
                        diagnostic.category = Category::Suspicious;
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

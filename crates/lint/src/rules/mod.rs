//! The rules, one file each, grouped by the format they read; `cross` holds rules that read
//! several formats together, `suppressions` those about gblint's own suppression comments.

pub mod caddy;
pub mod cron;
pub mod cross;
pub mod dns;
pub mod fail2ban;
pub mod iptables;
pub mod lxd;
pub mod ssh;
pub mod suppressions;
pub mod systemd;
pub mod ufw;
pub mod workflow;

/// Report each file of one of `kinds` that could not be read as it is (not UTF-8, a link out of the
/// tree, …) as a finding of a format's syntax rule: the first thing each syntax rule reports.
pub(crate) fn read_problems(
    meta: &'static crate::rule::RuleMeta,
    ctx: &crate::context::Context<'_>,
    kinds: &[crate::file_kind::FileKind],
    out: &mut Vec<gblint_diagnostics::Diagnostic>,
) {
    for problem in &ctx.deployment.read_problems {
        if kinds.contains(&problem.kind) {
            out.push(
                meta.diagnostic(problem.file, problem.range, problem.message.clone())
                    .with_label("here"),
            );
        }
    }
}

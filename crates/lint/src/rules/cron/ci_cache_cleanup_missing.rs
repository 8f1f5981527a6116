use gblint_diagnostics::{Diagnostic, TextRange};

use super::{anchor_file, daily_jobs, mentions};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On the CI runner (role `alm-ci`), requires jobs that run at least daily and clean the
    /// two caches a Rust build fills: sccache's (a command naming `sccache` that removes,
    /// `find … -delete`s, cleans, prunes or trims) and cargo's registry (`~/.cargo/registry`
    /// removed or trimmed the same way, or `cargo cache`/`cargo-cache`, `cargo clean gc`). Jobs
    /// count from crontabs cron loads, `/etc/cron.daily` and `/etc/cron.hourly` scripts, and
    /// services of timers that fire daily (`OnCalendar=daily`, `*-*-* 03:00`,
    /// `OnUnitActiveSec=1d`). Judged when the machine's folder holds a crontab or a timer (the
    /// tree carries its scheduled jobs).
    ///
    /// ## Why is this bad
    /// The operations guide: "sccache + cargo registry cache accumulates — daily cleanup cron
    /// required". Without it the runner's disk fills within weeks, builds fail with "No space
    /// left on device", and the ZFS snapshots of the container grow with it.
    ///
    /// ## Example
    /// The CI runner cleans sccache's cache only weekly, and cargo's registry never:
    ///
    /// `pragmatismo-alm-ci/etc/cron.d/ci-cache-clean`:
    /// ```text
    /// 0 4 * * 0 root rm -rf /root/.cache/sccache
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-alm-ci/etc/cron.d/ci-cache-clean`:
    /// ```text
    /// 30 4 * * * root find /root/.cache/sccache -type f -atime +2 -delete
    /// 45 4 * * * root rm -rf /root/.cargo/registry/cache /root/.cargo/registry/src
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct CiCacheCleanupMissing {
        code: "CRN001",
        name: "ci-cache-cleanup-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Crontab),
    }
}

/// Words of a command that removes files rather than reading them.
const CLEANS: [&str; 7] = [
    "rm ", "-delete", "clean", "prune", "trim", "truncate", "sweep",
];

fn cleans(command: &str) -> bool {
    let lower = command.to_ascii_lowercase();
    CLEANS.iter().any(|word| lower.contains(word))
}

/// Whether a command cleans sccache's cache.
pub fn cleans_sccache(command: &str) -> bool {
    mentions(command, &["sccache"]) && cleans(command)
}

/// Whether a command cleans cargo's registry cache.
pub fn cleans_cargo_registry(command: &str) -> bool {
    ["cargo cache", "cargo-cache", "clean gc"]
        .iter()
        .any(|tool| mentions(command, &[tool]))
        || (mentions(command, &["cargo", "registry"]) && cleans(command))
}

impl Rule for CiCacheCleanupMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for machine in ctx.deployment.machines_with_role("alm-ci") {
            let jobs = daily_jobs(ctx, machine);
            let sccache = jobs.iter().any(|job| cleans_sccache(&job.command));
            let registry = jobs.iter().any(|job| cleans_cargo_registry(&job.command));
            let missing: Vec<&str> = [(sccache, "sccache"), (registry, "the cargo registry")]
                .iter()
                .filter(|(done, _)| !done)
                .map(|(_, what)| *what)
                .collect();
            if missing.is_empty() {
                continue;
            }
            // Point at a clean-up that runs, but less often than daily, when there is one.
            let weekly = ctx.deployment.crontabs.iter().find_map(|doc| {
                if ctx.deployment.files[doc.input].machine != Some(machine) {
                    return None;
                }
                doc.crontab
                    .entries
                    .iter()
                    .find(|entry| {
                        !entry.schedule.at_least_daily()
                            && (cleans_sccache(&entry.command)
                                || cleans_cargo_registry(&entry.command))
                    })
                    .map(|entry| (doc.file, entry.schedule_range))
            });
            let at = weekly.or_else(|| anchor_file(ctx, machine).map(|f| (f, TextRange::empty(0))));
            let Some((file, range)) = at else { continue };
            let name = &ctx.deployment.machines[machine].name;
            let mut diagnostic = Self::META
                .diagnostic(
                    file,
                    range,
                    format!(
                        "the CI runner {name} cleans {} less often than daily (or never)",
                        missing.join(" and ")
                    ),
                )
                .with_help("add a daily cron line or timer that removes old files from the sccache folder and ~/.cargo/registry/{cache,src}");
            diagnostic = if weekly.is_some() {
                diagnostic.with_label("this clean-up does not run every day")
            } else {
                diagnostic.with_label("no daily cache clean-up on this machine")
            };
            out.push(diagnostic);
        }
    }
}

use gblint_diagnostics::{Diagnostic, FileId, TextRange};

use super::{anchor_file, daily_jobs, mentions, DailyJob};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On the LXD host (machine `host`), requires a job that takes ZFS snapshots at least
    /// daily (`zfs snapshot`, `zfs-auto-snapshot`, `zfsnap`, `sanoid`) and one that prunes
    /// them at least daily (`zfs destroy`, `zfs-auto-snapshot --keep=N`, `zfsnap destroy`,
    /// `sanoid`); every daily `zfs-auto-snapshot --label=daily --keep=N` keeps N days, and N
    /// must be 7 (Debian's own `/etc/cron.daily/zfs-auto-snapshot` keeps 31).
    /// Jobs count from crontabs cron loads, `/etc/cron.daily` and `/etc/cron.hourly` scripts,
    /// and services of timers that fire daily. Judged when the host's folder holds a crontab or
    /// a timer (the tree carries its scheduled jobs).
    ///
    /// ## Why is this bad
    /// The operations guide takes "daily rolling snapshots (7-day retention) via cron": the only
    /// way back from a bad `lxc` command or a broken upgrade. Snapshots that are never pruned
    /// keep every deleted block alive — a CI container's snapshots can hold tens of gigabytes —
    /// until the pool is full and every container stops writing.
    ///
    /// ## Example
    /// The host snapshots daily but never prunes:
    ///
    /// `host/etc/cron.d/zfs-snapshots`:
    /// ```text
    /// 0 3 * * * root zfs snapshot -r default@daily-$(date +\%F)
    /// ```
    ///
    /// ## Use instead
    /// `zfs-auto-snapshot` takes the day's snapshots and destroys those older than seven days:
    ///
    /// `host/etc/cron.d/zfs-snapshots`:
    /// ```text
    /// 0 3 * * * root zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct ZfsSnapshotsMissing {
        code: "CRN002",
        name: "zfs-snapshots-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Crontab),
    }
}

/// The retention the operations guide asks for, in days.
const RETENTION_DAYS: u32 = 7;

fn takes_snapshots(command: &str) -> bool {
    [
        "zfs snapshot",
        "zfs snap ",
        "zfs-auto-snapshot",
        "zfsnap",
        "sanoid",
    ]
    .iter()
    .any(|word| mentions(command, &[word]))
}

fn prunes(command: &str) -> bool {
    [
        "zfs destroy",
        "zfsnap destroy",
        "sanoid",
        "zfs-prune-snapshots",
    ]
    .iter()
    .any(|word| mentions(command, &[word]))
        || (mentions(command, &["zfs-auto-snapshot"]) && keep(command).is_some())
        || mentions(command, &["zfsnap", " -a "])
}

/// `--keep=N` (or `-k N`) of a `zfs-auto-snapshot` command with the `daily` label.
fn keep(command: &str) -> Option<u32> {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.iter().enumerate().find_map(|(index, word)| {
        if let Some(value) = word.strip_prefix("--keep=") {
            return value.parse().ok();
        }
        if *word == "--keep" || *word == "-k" {
            return words.get(index + 1)?.parse().ok();
        }
        None
    })
}

fn daily_label(command: &str) -> bool {
    mentions(command, &["--label=daily"]) || mentions(command, &["-l daily"])
}

/// A place in a file.
type At = Option<(FileId, TextRange)>;

impl Rule for ZfsSnapshotsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for machine in ctx.deployment.machines_with_role("host") {
            let jobs = daily_jobs(ctx, machine);
            let snapshot = jobs.iter().find(|job| takes_snapshots(&job.command));
            let prune = jobs.iter().find(|job| prunes(&job.command));
            let anchor = anchor_file(ctx, machine).map(|f| (f, TextRange::empty(0)));
            match (snapshot, prune) {
                (None, _) => report(
                    out,
                    anchor,
                    "the host takes no ZFS snapshots at least daily".to_owned(),
                    "no daily snapshot job on the host",
                ),
                (Some(job), None) => report(
                    out,
                    job.at.or(anchor),
                    "the host's ZFS snapshots are never pruned: no daily job destroys old ones"
                        .to_owned(),
                    "snapshots are taken here, and kept forever",
                ),
                (Some(_), Some(_)) => {
                    for job in jobs.iter().filter(|job| prunes(&job.command)) {
                        check_retention(out, job, anchor);
                    }
                }
            }
        }
    }
}

fn report(out: &mut Vec<Diagnostic>, at: At, message: String, label: &str) {
    let Some((file, range)) = at else { return };
    out.push(
        ZfsSnapshotsMissing::META
            .diagnostic(file, range, message)
            .with_label(label.to_owned())
            .with_help(
                "0 3 * * * root zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //",
            ),
    );
}

/// Report a daily `zfs-auto-snapshot` whose `--keep` is not seven days.
fn check_retention(out: &mut Vec<Diagnostic>, job: &DailyJob, anchor: At) {
    if !mentions(&job.command, &["zfs-auto-snapshot"]) || !daily_label(&job.command) {
        return;
    }
    let Some(days) = keep(&job.command) else {
        return;
    };
    if days == RETENTION_DAYS {
        return;
    }
    report(
        out,
        job.at.or(anchor),
        format!(
            "the host keeps {days} daily ZFS snapshots; the retention is {RETENTION_DAYS} days"
        ),
        "--keep sets the retention",
    );
}

//! cron rules (`CRN`), and the jobs a machine runs at least daily, whether from a crontab,
//! `/etc/cron.daily` or a systemd timer.

/// CRN001: the CI runner never cleans its build caches.
pub mod ci_cache_cleanup_missing;
/// CRN000: what makes cron refuse a crontab.
pub mod syntax_error;
/// CRN002: the host takes no daily ZFS snapshots, or never prunes them.
pub mod zfs_snapshots_missing;

use gblint_diagnostics::{FileId, TextRange};

use crate::context::Context;
use crate::deployment::MachineId;

/// A job that runs at least once a day, and where it is declared.
pub struct DailyJob {
    /// The command (a crontab line's command, a timer's service `ExecStart=`, or the text of
    /// a `/etc/cron.daily` script).
    pub command: String,
    /// Where it is declared, when gblint read that file.
    pub at: Option<(FileId, TextRange)>,
}

/// Every job machine `machine` runs at least daily: crontab lines cron loads, scripts in
/// `/etc/cron.daily` and `/etc/cron.hourly` (run-parts names only), and services started by a
/// timer whose `OnCalendar=` fires every day or whose `OnUnitActiveSec=`/
/// `OnUnitInactiveSec=` is at most a day.
pub fn daily_jobs(ctx: &Context<'_>, machine: MachineId) -> Vec<DailyJob> {
    let deployment = ctx.deployment;
    let mut jobs = Vec::new();
    for doc in &deployment.crontabs {
        if deployment.files[doc.input].machine != Some(machine) || !doc.runs() {
            continue;
        }
        for entry in &doc.crontab.entries {
            if entry.schedule.at_least_daily() {
                jobs.push(DailyJob {
                    command: entry.command.clone(),
                    at: Some((doc.file, entry.range)),
                });
            }
        }
    }
    let dir = &deployment.machines[machine].dir;
    for folder in ["etc/cron.daily", "etc/cron.hourly"] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let run_parts_name = name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !run_parts_name {
                continue;
            }
            let bytes = gblint_diagnostics::read::read_limited(
                &entry.path(),
                ctx.settings.limits.max_file_bytes,
            );
            if let Ok(bytes) = bytes {
                jobs.push(DailyJob {
                    command: String::from_utf8_lossy(&bytes).into_owned(),
                    at: None,
                });
            }
        }
    }
    for timer in &deployment.units {
        if timer.machine != Some(machine) || !timer.name.ends_with(".timer") {
            continue;
        }
        let merged = &timer.merged;
        let calendar = merged
            .values("Timer", "OnCalendar")
            .iter()
            .any(|v| gblint_cron::calendar::calendar_at_least_daily(&v.value));
        let monotonic = ["OnUnitActiveSec", "OnUnitInactiveSec"].iter().any(|key| {
            merged.values("Timer", key).iter().any(|v| {
                gblint_cron::calendar::span_seconds(&v.value)
                    .is_some_and(|s| s > 0.0 && s <= 86400.0)
            })
        });
        if !calendar && !monotonic {
            continue;
        }
        let service = merged.get("Timer", "Unit").map_or_else(
            || format!("{}.service", timer.name.trim_end_matches(".timer")),
            |unit| unit.value.trim().to_owned(),
        );
        let Some(unit) = deployment
            .units
            .iter()
            .find(|u| u.machine == Some(machine) && u.name == service)
        else {
            continue;
        };
        for exec in unit.merged.values("Service", "ExecStart") {
            jobs.push(DailyJob {
                command: exec.value.clone(),
                at: unit
                    .file_of(&exec.file)
                    .map(|file| (file, exec.value_range)),
            });
        }
    }
    jobs
}

/// The file to report on when a machine lacks a job: its first crontab, else its first
/// timer. `None` when the tree holds neither: the machine's scheduled jobs are not in the
/// tree, and nothing is judged.
pub fn anchor_file(ctx: &Context<'_>, machine: MachineId) -> Option<FileId> {
    let deployment = ctx.deployment;
    deployment
        .crontabs
        .iter()
        .find(|doc| deployment.files[doc.input].machine == Some(machine))
        .map(|doc| doc.file)
        .or_else(|| {
            deployment
                .units
                .iter()
                .filter(|u| u.machine == Some(machine) && u.name.ends_with(".timer"))
                .find_map(|u| u.files.first().map(|(_, file, _)| *file))
        })
}

/// Whether a command mentions every one of `words` (case-insensitive).
pub fn mentions(command: &str, words: &[&str]) -> bool {
    let lower = command.to_ascii_lowercase();
    words.iter().all(|word| lower.contains(word))
}

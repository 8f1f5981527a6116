use gblint_diagnostics::Diagnostic;

use super::{flatten, host_key, job_commands, operands, remote_commands, stops_a_program};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// In each job of a workflow, reports an `scp` onto another host whose destination is a
    /// program (a file in a `bin` or `sbin` folder, `/opt/gbo/bin/botserver`) when no earlier
    /// command of the same job stopped a program on that host — `ssh HOST 'systemctl stop …'`,
    /// `pkill`, `killall`, `kill`, `service … stop`, or the same through `lxc exec HOST --`. A
    /// copy to a new name that a later command of the job moves into place
    /// (`scp … HOST:…/botserver-new`, then `ssh HOST mv …/botserver-new …/botserver`) is not
    /// reported: the rename replaces a running binary safely.
    ///
    /// ## Why is this bad
    /// Linux refuses to open a running executable for writing (`ETXTBSY`): scp fails with
    /// "dest open …: Failure" and the deploy job fails — or, with a wrapper that ignores the
    /// error, reports success while the old binary keeps running.
    ///
    /// ## Example
    /// The bot server is still running when its binary is copied over:
    ///
    /// `.forgejo/workflows/deploy.yaml`:
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: gbo
    ///     steps:
    ///       - name: Deploy
    ///         run: scp target/release/botserver pragmatismo-system:/opt/gbo/bin/botserver
    /// ```
    ///
    /// ## Use instead
    /// Stop it, copy, start it again:
    ///
    /// `.forgejo/workflows/deploy.yaml`:
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: gbo
    ///     steps:
    ///       - name: Deploy
    ///         run: |
    ///           ssh pragmatismo-system 'sudo systemctl stop system'
    ///           scp target/release/botserver pragmatismo-system:/opt/gbo/bin/botserver
    ///           ssh pragmatismo-system 'sudo systemctl start system'
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct OverwritesRunningProgram {
        code: "WFL001",
        name: "overwrites-running-program",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Workflow),
    }
}

/// scp's options that take a value.
const SCP_VALUED: &str = "cDFiJloPSX";

impl Rule for OverwritesRunningProgram {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.workflows {
            for job in &doc.workflow.jobs {
                let located = job_commands(job, doc.file, ctx.sources);
                let mut stopped: Vec<String> = Vec::new();
                for (index, item) in located.iter().enumerate() {
                    for command in flatten(&item.command) {
                        if let Some((host, remote)) = remote_commands(&command) {
                            if remote.iter().flat_map(flatten).any(|c| stops_a_program(&c)) {
                                stopped.push(host);
                            }
                            continue;
                        }
                        if command.program() != "scp" {
                            continue;
                        }
                        let Some((host, path)) = remote_program_target(&command) else {
                            continue;
                        };
                        if stopped.contains(&host)
                            || moved_later(&located[index + 1..], &host, &path)
                        {
                            continue;
                        }
                        out.push(
                            Self::META
                                .diagnostic(
                                    doc.file,
                                    item.range,
                                    format!("`scp` overwrites {path} on {host} while it may be running: no earlier step of job `{}` stops it", job.id),
                                )
                                .with_label("copies over a program")
                                .with_secondary(doc.file, job.range, "the job")
                                .with_note("Linux refuses to open a running executable for writing; scp fails with \"dest open: Failure\"")
                                .with_help(format!("stop it first in the same job: `ssh {host} 'sudo systemctl stop <unit>'`, or copy to a new name and `mv` it into place")),
                        );
                    }
                }
            }
        }
    }
}

/// The host and file an `scp` writes, when its destination is remote and a program.
fn remote_program_target(command: &gblint_workflow::shell::Command) -> Option<(String, String)> {
    let operands = operands(command, SCP_VALUED);
    let (destination, sources) = operands.split_last()?;
    let (host, path) = remote_path(destination)?;
    let path = if path.ends_with('/') || path.is_empty() {
        let source = sources.last()?;
        let name = source.rsplit('/').next().unwrap_or(source);
        format!("{path}{name}")
    } else {
        path.to_owned()
    };
    let folders: Vec<&str> = path.split('/').collect();
    let in_bin = folders[..folders.len().saturating_sub(1)]
        .iter()
        .any(|f| *f == "bin" || *f == "sbin");
    in_bin.then(|| (host_key(host), path))
}

/// `[user@]host:path` (not a local path that merely has a colon after a slash).
fn remote_path(word: &str) -> Option<(&str, &str)> {
    let (host, path) = word.split_once(':')?;
    if host.is_empty() || host.contains('/') {
        return None;
    }
    Some((host, path))
}

/// Whether a later command of the job moves `path` on `host` (copy to a new name, then
/// rename over the running binary).
fn moved_later(later: &[super::Located], host: &str, path: &str) -> bool {
    later.iter().any(|item| {
        flatten(&item.command).iter().any(|command| {
            let Some((target, remote)) = remote_commands(command) else {
                return false;
            };
            target == host
                && remote.iter().flat_map(flatten).any(|c| {
                    matches!(c.program(), "mv" | "install")
                        && operands(&c, "St").first() == Some(&path)
                })
        })
    })
}

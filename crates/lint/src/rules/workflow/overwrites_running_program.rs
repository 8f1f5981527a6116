use gblint_diagnostics::Diagnostic;

use gblint_workflow::shell::Command;

use super::stop::{self, Verdict};
use super::{flatten, host_key, job_commands, operands, remote_commands};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// In each job of a workflow, reports an `scp` onto another host whose destination is a
    /// program (a file in a `bin` or `sbin` folder, `/opt/gbo/bin/botserver`; each file when
    /// several are copied into such a folder) when no earlier command of the same job stops
    /// *that program* on that host. A stop counts when it names the program:
    ///
    /// - `pkill PATTERN` whose pattern matches the file name (as the kernel keeps it, 15
    ///   bytes), or with `-f` its path — `pkill -f botserver`, `pkill -f /opt/gbo/bin/botserver`;
    /// - `killall NAME` with the file name or the path;
    /// - `systemctl stop|kill UNIT` or `service UNIT stop` with a unit named after the file
    ///   (`botserver`, `botserver.service`, `botserver@1`), or a unit whose `ExecStart=` runs it
    ///   in the checked tree (the machine folder named like the host, else any machine). When
    ///   the tree does not carry the unit, the General Bots layout's names are used:
    ///   `system.service` runs `botserver` and `ui.service` runs `botui`;
    /// - `supervisorctl stop NAME` with the file name, or `all`;
    ///
    /// run through `ssh HOST '…'` (a `sh -c '…'` in it too) or `lxc exec HOST -- …`. A stop of
    /// something else (`systemctl stop nginx` before copying `botserver`) does not count.
    ///
    /// When the rule cannot tell what a command stops it assumes the program is stopped and
    /// reports nothing: a script run on the host (`ssh HOST ./stop.sh`, `ssh HOST
    /// /opt/gbo/bin/stop-all`), or one run on the runner with the host as an argument
    /// (`./deploy/stop.sh pragmatismo-system`); a unit, name or pattern held in a variable
    /// (`systemctl stop "$UNIT"`, `pkill -f ${{ env.BIN }}`) or a glob; `kill PID`; a regular
    /// expression beyond literal text, `.`, `^` and `$`; a host written as a variable. A copy
    /// to a new name that a later command of the job moves into place
    /// (`scp … HOST:…/botserver-new`, then `ssh HOST mv …/botserver-new …/botserver`) is not
    /// reported either: the rename replaces a running binary safely.
    ///
    /// ## Why is this bad
    /// Linux refuses to open a running executable for writing (`ETXTBSY`): scp fails with
    /// "dest open …: Failure" and the deploy job fails — or, with a wrapper that ignores the
    /// error, reports success while the old binary keeps running. Stopping another program on
    /// the same host does not help.
    ///
    /// ## Example
    /// The job stops botui's unit, but copies botserver, which is still running:
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
    ///           ssh pragmatismo-system 'sudo systemctl stop ui'
    ///           scp target/release/botserver pragmatismo-system:/opt/gbo/bin/botserver
    /// ```
    ///
    /// ## Use instead
    /// Stop the unit that runs botserver (`system.service` in the General Bots layout), copy,
    /// start it again:
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
                // Earlier commands that may stop something: (host it runs on, command); `None`
                // for a script run here, which may act on the hosts it is given.
                let mut stops: Vec<(Option<String>, Command)> = Vec::new();
                for (index, item) in located.iter().enumerate() {
                    for command in flatten(&item.command) {
                        if let Some((host, remote)) = remote_commands(&command) {
                            for remote in remote.iter().flat_map(flatten) {
                                stops.push((Some(host.clone()), remote));
                            }
                            continue;
                        }
                        if command.program() != "scp" {
                            if stop::runs_a_script(&command) {
                                stops.push((None, command));
                            }
                            continue;
                        }
                        for (host, path) in remote_program_targets(&command) {
                            if stopped(ctx, &stops, &host, &path)
                                || moved_later(&located[index + 1..], &host, &path)
                            {
                                continue;
                            }
                            let name = path.rsplit('/').next().unwrap_or(&path);
                            let mut note = "Linux refuses to open a running executable for writing; scp fails with \"dest open: Failure\"".to_owned();
                            if stops.iter().any(|(on, c)| {
                                on.as_deref() == Some(host.as_str())
                                    && stop::verdict(ctx, &host, c, &path) == Verdict::Other
                            }) {
                                note.push_str(&format!(
                                    ". The job stops something on {host}, but nothing that names {name} (its file name, its path, or a unit known to run it)"
                                ));
                            }
                            let diagnostic = Self::META
                                .diagnostic(
                                    doc.file,
                                    item.range,
                                    format!("`scp` overwrites {path} on {host} while it may be running: no earlier step of job `{}` stops {name}", job.id),
                                )
                                .with_label("copies over a program")
                                .with_secondary(doc.file, job.range, "the job")
                                .with_note(note);
                            out.push(diagnostic.with_help(format!("stop it first in the same job: `ssh {host} 'sudo systemctl stop <unit of {name}>'`, or copy to a new name and `mv` it into place")));
                        }
                    }
                }
            }
        }
    }
}

/// Whether an earlier command stops (or may stop) the program at `path` on `host`.
fn stopped(ctx: &Context<'_>, stops: &[(Option<String>, Command)], host: &str, path: &str) -> bool {
    stops.iter().any(|(on, command)| match on {
        Some(on) => {
            same_host(on, host) && stop::verdict(ctx, host, command, path) == Verdict::Stops
        }
        // A script run here that is given the host may stop the program there.
        None => command
            .args()
            .any(|word| word.contains(host) || stop::dynamic(word)),
    })
}

/// Whether two hosts as written may be the same: equal, or one of them is a variable.
fn same_host(a: &str, b: &str) -> bool {
    a == b || stop::dynamic(a) || stop::dynamic(b)
}

/// The host and files an `scp` writes, when its destination is remote and a program: one for
/// each source copied into a folder.
fn remote_program_targets(command: &Command) -> Vec<(String, String)> {
    let operands = operands(command, SCP_VALUED);
    let Some((destination, sources)) = operands.split_last() else {
        return Vec::new();
    };
    let Some((host, path)) = remote_path(destination) else {
        return Vec::new();
    };
    let paths: Vec<String> = if path.ends_with('/') || path.is_empty() {
        sources
            .iter()
            .map(|source| {
                let name = source.rsplit('/').next().unwrap_or(source);
                format!("{path}{name}")
            })
            .collect()
    } else {
        vec![path.to_owned()]
    };
    paths
        .into_iter()
        .filter(|path| {
            let folders: Vec<&str> = path.split('/').collect();
            folders[..folders.len().saturating_sub(1)]
                .iter()
                .any(|f| *f == "bin" || *f == "sbin")
        })
        .map(|path| (host_key(host), path))
        .collect()
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

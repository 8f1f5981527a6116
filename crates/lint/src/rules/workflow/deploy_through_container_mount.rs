use gblint_diagnostics::Diagnostic;

use super::{flatten, job_commands, operands};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};
use crate::settings::ROLES;

declare_rule! {
    /// ## What it does
    /// Reports a workflow command that deploys by writing into another container's disk
    /// instead of over SSH: `cp`, `install`, `mv` or `rsync` to a local path under
    /// `/opt/gbo/tenants/` (the host folders LXD mounts into the containers), inside an LXD or
    /// Incus storage pool (`…/storage-pools/…/containers/…`), or under `/opt/gbo/` in a folder
    /// named after another role (`/opt/gbo/bin/system/` — the system container's `bin` mounted
    /// on the runner).
    ///
    /// ## Why is this bad
    /// The operations guide forbids cross-container disk mounts on the CI runner and deploys
    /// over SSH. A runner that can write the system container's binaries can replace any of
    /// them from any job, and the mounted data ends up in the runner's ZFS snapshots, which
    /// then hold gigabytes that removing the mount does not free.
    ///
    /// ## Example
    /// The runner copies into the system container's `bin`, mounted on the runner:
    ///
    /// `.forgejo/workflows/deploy.yaml`:
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: gbo
    ///     steps:
    ///       - name: Deploy
    ///         run: sudo cp target/debug/botserver /opt/gbo/bin/system/
    /// ```
    ///
    /// ## Use instead
    /// Deploy over SSH:
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
    ///           scp target/debug/botserver pragmatismo-system:/opt/gbo/bin/botserver
    ///           ssh pragmatismo-system 'sudo systemctl start system'
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct DeployThroughContainerMount {
        code: "WFL002",
        name: "deploy-through-container-mount",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Workflow),
    }
}

impl Rule for DeployThroughContainerMount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.workflows {
            for job in &doc.workflow.jobs {
                for item in job_commands(job, doc.file, ctx.sources) {
                    for command in flatten(&item.command) {
                        let Some(destination) = local_destination(&command) else {
                            continue;
                        };
                        let Some(why) = container_mount(&destination) else {
                            continue;
                        };
                        out.push(
                            Self::META
                                .diagnostic(
                                    doc.file,
                                    item.range,
                                    format!("deploys by writing {destination} on the runner: {why}"),
                                )
                                .with_label("writes through a disk mount")
                                .with_help("deploy over SSH to the container (`scp` to `<tenant>-system:/opt/gbo/bin/…`) and remove the mount from the runner"),
                        );
                    }
                }
            }
        }
    }
}

/// Where a local copy command writes: `-t DIR`, or its last operand.
fn local_destination(command: &gblint_workflow::shell::Command) -> Option<String> {
    let valued = match command.program() {
        "cp" | "mv" => "St",
        "install" => "gmoSt",
        "rsync" => "eTf",
        _ => return None,
    };
    let words: Vec<&str> = command.args().collect();
    if let Some(index) = words.iter().position(|w| *w == "-t") {
        return words.get(index + 1).map(|w| (*w).to_owned());
    }
    if let Some(dir) = words
        .iter()
        .find_map(|w| w.strip_prefix("--target-directory="))
    {
        return Some(dir.to_owned());
    }
    let operands = operands(command, valued);
    if operands.len() < 2 {
        return None;
    }
    let destination = operands.last()?;
    // rsync's `host:path` goes over SSH.
    if destination
        .split_once(':')
        .is_some_and(|(host, _)| !host.contains('/'))
    {
        return None;
    }
    Some((*destination).to_owned())
}

/// Why a path is another container's disk, if it is.
fn container_mount(path: &str) -> Option<String> {
    if path.starts_with("/opt/gbo/tenants/") {
        return Some(
            "/opt/gbo/tenants/ holds the host folders LXD mounts into the containers".to_owned(),
        );
    }
    if path.contains("/storage-pools/") && path.contains("/containers/") {
        return Some("it is inside a container's root filesystem in the storage pool".to_owned());
    }
    let rest = path.strip_prefix("/opt/gbo/")?;
    let folders: Vec<&str> = rest.split('/').filter(|f| !f.is_empty()).collect();
    // Every folder below /opt/gbo/ but the file name itself (a trailing `/` makes the last
    // one a folder too).
    let last_is_folder = path.ends_with('/');
    let count = if last_is_folder {
        folders.len()
    } else {
        folders.len().saturating_sub(1)
    };
    folders[..count]
        .iter()
        .find(|folder| ROLES.contains(folder) && !matches!(**folder, "alm-ci" | "host"))
        .map(|role| {
            format!("/opt/gbo/…/{role}/ on the runner is the {role} container's folder, mounted")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts() {
        assert!(container_mount("/opt/gbo/bin/system/").is_some());
        assert!(container_mount("/opt/gbo/bin/system/botserver").is_some());
        assert!(container_mount("/opt/gbo/tenants/pragmatismo/system/bin/botserver").is_some());
        assert!(container_mount("/var/snap/lxd/common/lxd/storage-pools/default/containers/pragmatismo-system/rootfs/opt/gbo/bin/x").is_some());
        assert!(container_mount("/opt/gbo/bin/botserver").is_none());
        assert!(
            container_mount("/opt/gbo/data/system").is_none(),
            "a file named like a role"
        );
        assert!(container_mount("/tmp/system/x").is_none());
    }
}

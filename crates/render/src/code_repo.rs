//! A code repository's deploy workflow, planned from the inventory (`[code_repos.NAME]`):
//! what to build, which units to stop before `scp` copies over their programs (WFL001, "dest
//! open: Failure"), where to copy (over SSH to the services' machine, never into a mounted
//! folder: WFL002) and which ports to ask for health. Everything comes from `[services]`: a
//! service's program is the first word of its `exec`, its cargo package has the program's
//! name, and its port is its `PORT` (or `*_PORT`) environment value unless the entry names
//! one. The deploy host is `<tenant>-system`, the name the runner's rendered
//! `/root/.ssh/config` resolves (SSH001), so every service must run on the `system` machine.

use std::ops::Range;

use serde::Serialize;
use toml::Spanned;

use crate::inventory::{CodeRepo, Inventory, Service};
use crate::names::{is_safe_abs_path, is_segment};

/// Where a planning error points, and what it says.
pub type PlanError = (Range<usize>, String);

/// What `templates/workflow/deploy.yaml.j2` renders.
#[derive(Debug, Serialize)]
pub struct Workflow {
    /// Path of the workflow file in the repository.
    pub path: String,
    /// Workflow name (the repository's).
    pub name: String,
    /// The inventory's tenant.
    pub tenant: String,
    /// Branch whose pushes deploy.
    pub branch: String,
    /// `runs-on` label.
    pub runs_on: String,
    /// SSH host the services run on (`<tenant>-system`).
    pub host: String,
    /// Folder of the programs on that host.
    pub dir: String,
    /// Programs (= cargo packages), in start order.
    pub binaries: Vec<String>,
    /// Units to stop, dependants first.
    pub stop: Vec<String>,
    /// Units to start, in order.
    pub start: Vec<String>,
    /// Health checks: `(port, path)`.
    pub health: Vec<(u16, String)>,
}

/// The machine role the runner's ssh config names (templates/ssh/runner-config.j2).
const DEPLOY_ROLE: &str = "system";

/// Plan the workflow of code repository `name`.
pub fn plan(
    inventory: &Inventory,
    key: &Spanned<String>,
    repo: &CodeRepo,
) -> Result<Workflow, PlanError> {
    let name = key.get_ref().as_str();
    require(is_segment(name), key.span(), || {
        format!("code repository `{name}` cannot name a workflow: use lowercase letters, digits, `-`, `_` and `.`")
    })?;
    let forge_dir = match repo.forge.get_ref().as_str() {
        "forgejo" => ".forgejo/workflows",
        "github" => ".github/workflows",
        other => {
            return Err((
                repo.forge.span(),
                format!("forge `{other}` is not one of forgejo, github"),
            ))
        }
    };
    let file = repo
        .workflow
        .as_ref()
        .map_or(name.to_owned(), |w| w.get_ref().clone());
    if let Some(workflow) = &repo.workflow {
        require(is_segment(&file), workflow.span(), || {
            format!("workflow `{file}` cannot name a file: use lowercase letters, digits, `-`, `_` and `.`")
        })?;
    }
    for (value, what) in [(&repo.branch, "branch"), (&repo.runs_on, "runs_on")] {
        let ok = !value.get_ref().is_empty()
            && value
                .get_ref()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
        require(ok, value.span(), || {
            format!(
                "{what} `{}` must be letters, digits, `-`, `_`, `.` and `/` only",
                value.get_ref()
            )
        })?;
    }
    require(!repo.deploy.is_empty(), key.span(), || {
        format!("[code_repos.{name}] deploys no service: list `deploy`")
    })?;
    let mut binaries = Vec::new();
    let mut units = Vec::new();
    let mut health = Vec::new();
    let mut dir: Option<String> = None;
    for entry in &repo.deploy {
        let key = entry.service.get_ref();
        let Some((_, service)) = inventory.services.iter().find(|(k, _)| k.get_ref() == key) else {
            let known: Vec<&str> = inventory
                .services
                .keys()
                .map(|k| k.get_ref().as_str())
                .collect();
            let hint = gblint_lint::settings::did_you_mean(key, known.iter().copied());
            return Err((
                entry.service.span(),
                format!("deploy service `{key}` is not a key of [services]{hint}"),
            ));
        };
        require(
            service.machine.get_ref() == DEPLOY_ROLE,
            entry.service.span(),
            || {
                format!(
                    "deploy service `{key}` runs on `{}`; the runner's ssh config names only {}-{DEPLOY_ROLE}",
                    service.machine.get_ref(),
                    inventory.tenant.get_ref()
                )
            },
        )?;
        let program = service
            .exec
            .get_ref()
            .split_whitespace()
            .next()
            .unwrap_or_default();
        let (folder, binary) = program.rsplit_once('/').unwrap_or(("", program));
        require(
            is_safe_abs_path(program) && is_segment(binary),
            service.exec.span(),
            || {
                format!(
                    "the program `{program}` of service `{key}` is not an absolute path to copy to"
                )
            },
        )?;
        match &dir {
            Some(dir) => require(dir == folder, service.exec.span(), || {
                format!("service `{key}` runs a program outside {dir}/: one scp copies every program of a deploy")
            })?,
            None => dir = Some(folder.to_owned()),
        }
        let path = entry.health.get_ref();
        let ok = path.starts_with('/')
            && path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./~".contains(&b));
        require(ok, entry.health.span(), || {
            format!("health path `{path}` must start with `/` and hold only letters, digits, `-`, `_`, `.`, `~` and `/`")
        })?;
        let port = match &entry.port {
            Some(port) => port.get_ref().get(),
            None => service_port(service).ok_or_else(|| {
                (
                    entry.service.span(),
                    format!("service `{key}` has no PORT or *_PORT environment value: give the deploy entry a `port`"),
                )
            })?,
        };
        binaries.push(binary.to_owned());
        units.push(format!("{key}.service"));
        health.push((port, path.clone()));
    }
    let mut stop = units.clone();
    stop.reverse();
    Ok(Workflow {
        path: format!("{forge_dir}/{file}.yaml"),
        name: name.to_owned(),
        tenant: inventory.tenant.get_ref().clone(),
        branch: repo.branch.get_ref().clone(),
        runs_on: repo.runs_on.get_ref().clone(),
        host: format!("{}-{DEPLOY_ROLE}", inventory.tenant.get_ref()),
        dir: dir.unwrap_or_default(),
        binaries,
        stop,
        start: units,
        health,
    })
}

/// The port a service listens on: its `PORT` environment value, else the first `*_PORT`.
fn service_port(service: &Service) -> Option<u16> {
    let value = |name: &dyn Fn(&str) -> bool| {
        service
            .environment
            .iter()
            .find(|var| name(var.name.get_ref()))
            .and_then(|var| var.value.get_ref().parse::<u16>().ok())
            .filter(|port| *port > 0)
    };
    value(&|name| name == "PORT").or_else(|| value(&|name| name.ends_with("_PORT")))
}

fn require(
    ok: bool,
    span: Range<usize>,
    message: impl FnOnce() -> String,
) -> Result<(), PlanError> {
    if ok {
        Ok(())
    } else {
        Err((span, message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/pragmatismo.toml");

    fn plan_of(text: &str) -> Result<Workflow, String> {
        let inventory = crate::parse_inventory(text, "inv.toml").map_err(|e| e.to_string())?;
        let (key, repo) = inventory
            .code_repos
            .iter()
            .next()
            .expect("a code repository");
        plan(&inventory, key, repo).map_err(|(_, message)| message)
    }

    #[test]
    fn the_example_deploys_botserver_and_botui_to_the_system_container() {
        let workflow = plan_of(EXAMPLE).expect("plan");
        assert_eq!(workflow.path, ".forgejo/workflows/botserver.yaml");
        assert_eq!(workflow.host, "pragmatismo-system");
        assert_eq!(workflow.dir, "/opt/gbo/bin");
        assert_eq!(workflow.binaries, ["botserver", "botui"]);
        assert_eq!(workflow.stop, ["ui.service", "system.service"]);
        assert_eq!(workflow.start, ["system.service", "ui.service"]);
        // PORT for botserver, BOTUI_PORT (the first *_PORT) for botui.
        assert_eq!(
            workflow.health,
            [(5858, "/api/health".to_owned()), (5859, "/".to_owned())]
        );
    }

    #[test]
    fn a_github_repository_with_an_explicit_port_and_file_name() {
        let text = EXAMPLE.replacen(
            "runs_on = \"gbo\"",
            "runs_on = \"gbo\"\nforge = \"github\"\nworkflow = \"deploy\"",
            1,
        );
        let text = text.replacen(
            "{ service = \"ui\" }",
            "{ service = \"ui\", port = 6000, health = \"/healthz\" }",
            1,
        );
        let workflow = plan_of(&text).expect("plan");
        assert_eq!(workflow.path, ".github/workflows/deploy.yaml");
        assert_eq!(workflow.health[1], (6000, "/healthz".to_owned()));
    }

    #[test]
    fn a_service_without_a_port_or_with_a_quoting_health_path_is_refused() {
        let text = EXAMPLE.replacen("{ name = \"BOTUI_PORT\", value = \"5859\" },", "", 1);
        let error = plan_of(&text).expect_err("no port");
        assert!(
            error.contains("service `ui` has no PORT or *_PORT"),
            "{error}"
        );
        let text = EXAMPLE.replacen("health = \"/api/health\"", "health = \"/x' ; rm -rf /\"", 1);
        let error = plan_of(&text).expect_err("quote");
        assert!(error.contains("health path"), "{error}");
    }
}

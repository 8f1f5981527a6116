//! From a validated inventory to the list of files to write: which template renders which
//! path of the deployment tree (docs/design.md §3), with what context. Paths are built from
//! validated names and absolute in-machine paths, then checked once more to consist only of
//! plain segments, so nothing can land outside `--out`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use minijinja::{context, Environment, Value};
use serde::Serialize;

use crate::code_repo;
use crate::error::RenderError;
use crate::inventory::{mail_jail_ports, Domain, Inventory, Scheduler, STALWART_JAIL};
use crate::templates::TemplateSet;
use crate::{serial, stamp, InventoryFile};

/// One rendered file.
#[derive(Clone, Debug)]
pub struct Output {
    /// Path relative to the output folder.
    pub path: PathBuf,
    /// Template it came from (relative to `templates/`).
    pub template: String,
    /// The rendered text.
    pub text: String,
    /// Whether it is a Caddyfile (guarded against shrinking).
    pub caddyfile: bool,
    /// The inventory entries it was rendered from, by the first rendered line each produced
    /// (ascending), so a finding on the rendered file can name the inventory line behind it.
    pub origins: Vec<Origin>,
}

/// An inventory entry behind the rendered lines from `line` on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// First rendered line (1-based) the entry produced.
    pub line: u32,
    /// Byte span of the entry in the inventory text.
    pub span: Range<usize>,
}

impl Output {
    /// The inventory span behind rendered line `line`, if the file has one.
    pub fn origin_of(&self, line: u32) -> Option<&Range<usize>> {
        self.origins
            .iter()
            .rev()
            .find(|origin| origin.line <= line)
            .or(self.origins.first())
            .map(|origin| &origin.span)
    }
}

/// What every template sees: the inventory plus values derived from it.
#[derive(Serialize)]
struct Root<'a> {
    #[serde(flatten)]
    inventory: &'a Inventory,
    /// iptables-save time stamp.
    stamp: String,
    /// Every machine's internal ports (for gblint.toml).
    internal_ports: Vec<u16>,
    /// Zone file path of each domain.
    zone_paths: BTreeMap<String, String>,
}

/// The machine folder of `role`: `host`, or `<tenant>-<role>`.
fn machine_folder(inventory: &Inventory, role: &str) -> String {
    format!("{}-{role}", inventory.tenant.get_ref())
}

/// `folder` + an absolute in-machine path, as a relative path of the tree.
fn tree_path(folder: &str, absolute: &str) -> PathBuf {
    let mut path = PathBuf::from(folder);
    path.extend(absolute.split('/').filter(|s| !s.is_empty()));
    path
}

/// How one file gets its text.
enum Body<'a> {
    /// Render this template with this context.
    Template(&'a str, Value),
    /// Already rendered (zones: their serial depends on the file they replace).
    Rendered(&'a str, String),
}

/// The text now at a path of the output tree (`None` when there is none), read by the caller.
pub type Current<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// Render every file of the tenant. `current` gives what the output tree holds now: a zone
/// whose records did not change keeps its serial, a changed one gets a larger one
/// (see [`crate::serial`]).
pub fn render(
    file: &InventoryFile,
    set: &TemplateSet,
    current: Current<'_>,
) -> Result<Vec<Output>, RenderError> {
    let inventory = &file.inventory;
    let env = set.environment()?;
    let stamp_time = stamp::parse(inventory.generated_at.get_ref())
        .ok_or_else(|| RenderError::Inventory("generated_at is not a date and time".to_owned()))?;
    let dns_folder = machine_folder(inventory, inventory.coredns.machine.get_ref());
    let zone_paths: BTreeMap<String, String> = inventory
        .domains
        .iter()
        .map(|d| {
            let name = d.name.get_ref();
            (
                name.clone(),
                format!("{}/{name}.zone", inventory.coredns.zone_dir.get_ref()),
            )
        })
        .collect();
    let internal_ports: BTreeSet<u16> = inventory
        .machines
        .values()
        .flat_map(|m| m.internal_ports.iter().map(|port| port.get()))
        .collect();
    let root = Value::from_serialize(&Root {
        inventory,
        stamp: stamp::iptables(stamp_time),
        internal_ports: internal_ports.into_iter().collect(),
        zone_paths: zone_paths.clone(),
    });

    let tenant = inventory.tenant.span();
    let host = inventory.host.public_ipv4.span();
    let mut jobs: Vec<Job<'_>> = Vec::new();
    jobs.push((
        PathBuf::from("gblint.toml"),
        Body::Template("gblint/gblint.toml.j2", root.clone()),
        tenant.clone(),
    ));
    jobs.push((
        tree_path("host", "/etc/default/ufw"),
        Body::Template("ufw/ufw.j2", root.clone()),
        host.clone(),
    ));
    jobs.push((
        tree_path("host", "/etc/fail2ban/jail.local"),
        Body::Template(
            "fail2ban/host-jail.local.j2",
            context! { f2b => &inventory.host.fail2ban, ..root.clone() },
        ),
        host,
    ));
    daily_job(
        &mut jobs,
        "host",
        &ZFS_SNAPSHOTS,
        inventory.schedule.zfs_snapshots,
        &root,
        inventory.host.public_ipv4.span(),
    );
    // The CI runner, when the inventory has one: its daily cache clean-up, and its ssh
    // configuration for the deploy (with the system container's address, when known).
    let runner_role = inventory.machines.keys().find(|r| r.get_ref() == "alm-ci");
    if let Some(runner_role) = runner_role {
        let runner = machine_folder(inventory, "alm-ci");
        daily_job(
            &mut jobs,
            &runner,
            &CI_CACHE_CLEAN,
            inventory.schedule.ci_cache_clean,
            &root,
            runner_role.span(),
        );
        let system_ip = inventory
            .machines
            .iter()
            .any(|(role, m)| role.get_ref() == "system" && m.ip.is_some());
        if system_ip {
            jobs.push((
                tree_path(&runner, "/root/.ssh/config"),
                Body::Template("ssh/runner-config.j2", root.clone()),
                runner_role.span(),
            ));
        }
    }

    let proxy = machine_folder(inventory, inventory.caddy.machine.get_ref());
    let proxy_ctx = context! { machine_name => &proxy, ..root.clone() };
    let caddy_path = tree_path(&proxy, inventory.caddy.config.get_ref());
    jobs.push((
        caddy_path.clone(),
        Body::Template("caddy/Caddyfile.j2", proxy_ctx.clone()),
        inventory.caddy.machine.span(),
    ));
    for (path, template) in [
        ("/etc/fail2ban/jail.local", "fail2ban/proxy-jail.local.j2"),
        (
            "/etc/fail2ban/jail.d/defaults-debian.conf",
            "fail2ban/defaults-debian.conf.j2",
        ),
        (
            "/etc/fail2ban/filter.d/caddy-http-flood.conf",
            "fail2ban/caddy-http-flood.conf.j2",
        ),
    ] {
        jobs.push((
            tree_path(&proxy, path),
            Body::Template(template, proxy_ctx.clone()),
            inventory.caddy.machine.span(),
        ));
    }

    // The email container's mail jails (F2B008): Stalwart's jail with the filter render
    // writes for it, or the package's stock postfix/dovecot filters; the Debian package's
    // sshd jail is turned off as in the proxy (no SSH server in a container).
    let email_role = inventory.machines.keys().find(|r| r.get_ref() == "email");
    if let Some(email_role) = email_role {
        let email = machine_folder(inventory, "email");
        let f2b = &inventory.email.fail2ban;
        let mail_ports: BTreeMap<&str, &str> = f2b
            .jails
            .iter()
            .filter_map(|jail| {
                let name = jail.name.get_ref().as_str();
                Some((name, mail_jail_ports(name)?))
            })
            .collect();
        // Stalwart's log tracer names its file by a folder (`path`) and a file name
        // (`prefix`): the filter's comment shows both for the inventory's log path.
        let log = std::path::Path::new(f2b.logpath.get_ref().as_str());
        // Validated as an absolute path of plain segments: both parts exist.
        let log_dir = log
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let log_name = log
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ctx = context! {
            machine_name => &email,
            f2b => f2b,
            mail_ports => mail_ports,
            stalwart_jail => STALWART_JAIL,
            stalwart_log_dir => log_dir,
            stalwart_log_name => log_name,
            ..root.clone()
        };
        let mut files = vec![
            ("/etc/fail2ban/jail.local", "fail2ban/email-jail.local.j2"),
            (
                "/etc/fail2ban/jail.d/defaults-debian.conf",
                "fail2ban/defaults-debian.conf.j2",
            ),
        ];
        // The filter goes with a listed stalwart jail, enabled or not, so turning the jail
        // back on needs no other file.
        if f2b.jails.iter().any(|j| j.name.get_ref() == STALWART_JAIL) {
            files.push((
                "/etc/fail2ban/filter.d/stalwart.conf",
                "fail2ban/stalwart.conf.j2",
            ));
        }
        for (path, template) in files {
            jobs.push((
                tree_path(&email, path),
                Body::Template(template, ctx.clone()),
                email_role.span(),
            ));
        }
    }

    if !inventory.domains.is_empty() {
        let dns_ctx = context! { machine_name => &dns_folder, ..root.clone() };
        jobs.push((
            tree_path(&dns_folder, inventory.coredns.corefile.get_ref()),
            Body::Template("coredns/Corefile.j2", dns_ctx.clone()),
            inventory.coredns.machine.span(),
        ));
        for domain in &inventory.domains {
            let glue = glue_zone(inventory, domain.ns.first().map(|n| n.get_ref().as_str()));
            let path = tree_path(&dns_folder, &zone_paths[domain.name.get_ref()]);
            let with_serial = |serial: u64| {
                render_one(
                    &env,
                    set,
                    "coredns/zone.j2",
                    context! { domain => domain, serial => serial, glue => glue, ..dns_ctx.clone() },
                )
            };
            let dated = stamp::default_serial(stamp_time);
            let text = zone_text(file, domain, &path, dated, current, with_serial)?;
            jobs.push((
                path,
                Body::Rendered("coredns/zone.j2", text),
                domain.name.span(),
            ));
        }
    }

    for (role, machine) in &inventory.machines {
        if machine.internal_ports.is_empty() {
            continue;
        }
        let folder = machine_folder(inventory, role.get_ref());
        let ctx = context! { machine_name => &folder, machine => machine, ..root.clone() };
        for (path, template) in [
            ("/etc/iptables/rules.v4", "iptables/rules.v4.j2"),
            ("/etc/iptables/rules.v6", "iptables/rules.v6.j2"),
        ] {
            jobs.push((
                tree_path(&folder, path),
                Body::Template(template, ctx.clone()),
                role.span(),
            ));
        }
    }

    // Each container's LXD configuration, as an export on the host (docs/lxd.md).
    for role in inventory.machines.keys() {
        let folder = machine_folder(inventory, role.get_ref());
        let ctx = context! { machine_name => &folder, role => role.get_ref(), ..root.clone() };
        jobs.push((
            tree_path("host", &format!("/etc/gblint/lxd/{folder}.yaml")),
            Body::Template("lxd/instance.yaml.j2", ctx),
            role.span(),
        ));
    }

    let mut unit_templates = Vec::new();
    for name in inventory.services.keys() {
        let specific = format!("systemd/{}.service.j2", name.get_ref());
        unit_templates.push(if set.contains(&specific) {
            specific
        } else {
            "systemd/service.j2".to_owned()
        });
    }
    for ((name, service), template) in inventory.services.iter().zip(&unit_templates) {
        let folder = machine_folder(inventory, service.machine.get_ref());
        let ctx = context! { machine_name => &folder, service => service, ..root.clone() };
        let path = format!("/etc/systemd/system/{}.service", name.get_ref());
        jobs.push((
            tree_path(&folder, &path),
            Body::Template(template.as_str(), ctx),
            name.span(),
        ));
    }

    finish(inventory, &env, set, jobs, Some(&caddy_path))
}

/// A rendered file: its path, how it gets its text, and the inventory entry behind it.
type Job<'a> = (PathBuf, Body<'a>, Range<usize>);

/// A daily job of the operations guide: its file name and templates in either form.
struct DailyJob {
    /// `/etc/cron.d/<name>`, or `/etc/systemd/system/<name>.{timer,service}`.
    name: &'static str,
    /// Template of the cron.d file.
    cron: &'static str,
    /// Templates of the timer and of the oneshot service it starts.
    timer: [&'static str; 2],
}

/// The host's daily ZFS snapshots with 7-day retention (CRN002).
const ZFS_SNAPSHOTS: DailyJob = DailyJob {
    name: "zfs-snapshots",
    cron: "cron/zfs-snapshots.j2",
    timer: [
        "timer/zfs-snapshots.timer.j2",
        "timer/zfs-snapshots.service.j2",
    ],
};

/// The CI runner's daily cache clean-up (CRN001).
const CI_CACHE_CLEAN: DailyJob = DailyJob {
    name: "ci-cache-clean",
    cron: "cron/ci-cache-clean.j2",
    timer: [
        "timer/ci-cache-clean.timer.j2",
        "timer/ci-cache-clean.service.j2",
    ],
};

/// The files of a daily job on the machine of `folder`, in the form `scheduler` picks.
fn daily_job<'a>(
    jobs: &mut Vec<Job<'a>>,
    folder: &str,
    job: &DailyJob,
    scheduler: Scheduler,
    root: &Value,
    span: Range<usize>,
) {
    let name = job.name;
    let files = match scheduler {
        Scheduler::Cron => vec![(format!("/etc/cron.d/{name}"), job.cron)],
        Scheduler::Timer => vec![
            (format!("/etc/systemd/system/{name}.timer"), job.timer[0]),
            (format!("/etc/systemd/system/{name}.service"), job.timer[1]),
        ],
    };
    for (path, template) in files {
        jobs.push((
            tree_path(folder, &path),
            Body::Template(template, root.clone()),
            span.clone(),
        ));
    }
}

/// Render the deploy workflow of code repository `name` (`render --code-repo NAME`): the only
/// file of that tree, at `.forgejo/workflows/` or `.github/workflows/`.
pub fn render_code_repo(
    file: &InventoryFile,
    set: &TemplateSet,
    name: &str,
) -> Result<Vec<Output>, RenderError> {
    let inventory = &file.inventory;
    let env = set.environment()?;
    let Some((key, repo)) = inventory
        .code_repos
        .iter()
        .find(|(key, _)| key.get_ref() == name)
    else {
        let known: Vec<&str> = inventory
            .code_repos
            .keys()
            .map(|k| k.get_ref().as_str())
            .collect();
        let hint = gblint_lint::settings::did_you_mean(name, known.iter().copied());
        let listed = if known.is_empty() {
            " (it has no [code_repos])".to_owned()
        } else if hint.is_empty() {
            format!(" (code repositories: {})", known.join(", "))
        } else {
            hint
        };
        return Err(RenderError::Usage(format!(
            "--code-repo {name}: not a code repository of {}{listed}",
            file.name
        )));
    };
    let workflow = code_repo::plan(inventory, key, repo).map_err(|(span, message)| {
        RenderError::Inventory(format!("{}: {message}", file.at(span)))
    })?;
    let path = PathBuf::from(&workflow.path);
    let ctx = Value::from_serialize(&workflow);
    let jobs = vec![(
        path,
        Body::Template("workflow/deploy.yaml.j2", ctx),
        key.span(),
    )];
    finish(inventory, &env, set, jobs, None)
}

/// Render `jobs` into outputs, refusing two files at one path or a path leaving `--out`.
fn finish(
    inventory: &Inventory,
    env: &Environment<'_>,
    set: &TemplateSet,
    jobs: Vec<Job<'_>>,
    caddy_path: Option<&Path>,
) -> Result<Vec<Output>, RenderError> {
    let mut seen = BTreeSet::new();
    let mut outputs = Vec::with_capacity(jobs.len());
    for (path, body, span) in jobs {
        ensure_inside(&path)?;
        if !seen.insert(path.clone()) {
            return Err(RenderError::Inventory(format!(
                "two files of the inventory would be written to {}",
                path.display()
            )));
        }
        let (template, text) = match body {
            Body::Template(template, ctx) => (template, render_one(env, set, template, ctx)?),
            Body::Rendered(template, text) => (template, text),
        };
        let mut origins = vec![Origin { line: 1, span }];
        let caddyfile = caddy_path == Some(path.as_path());
        if caddyfile {
            origins.extend(site_origins(inventory, &text));
        }
        outputs.push(Output {
            caddyfile,
            path,
            template: template.to_owned(),
            text,
            origins,
        });
    }
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}

/// The text of one zone, its serial chosen against the zone file it replaces.
fn zone_text(
    file: &InventoryFile,
    domain: &Domain,
    path: &Path,
    dated: u64,
    current: Current<'_>,
    with_serial: impl Fn(u64) -> Result<String, RenderError>,
) -> Result<String, RenderError> {
    let name = domain.name.get_ref();
    let replaced = current(path).and_then(|text| serial::of_zone(&text, name).map(|s| (s, text)));
    match (&domain.soa.serial, replaced) {
        (None, None) => with_serial(dated),
        (None, Some((old, old_text))) => {
            let same = with_serial(old)?;
            if same == old_text {
                Ok(same)
            } else {
                with_serial(serial::next(old, dated))
            }
        }
        (Some(pinned), Some((old, old_text))) => {
            let pin = *pinned.get_ref();
            let records_changed = pin <= old && with_serial(old)? != old_text;
            if pin < old || records_changed {
                let verb = if pin < old {
                    "is below"
                } else {
                    "does not go past"
                };
                return Err(RenderError::Inventory(format!(
                    "{}: soa.serial {pin} {verb} the serial {old} of the zone it replaces ({}): secondaries would keep serving the old records; raise it or leave it out",
                    file.at(pinned.span()),
                    path.display()
                )));
            }
            with_serial(pin)
        }
        (Some(pinned), None) => with_serial(*pinned.get_ref()),
    }
}

/// Where each vhost's site block starts in the rendered Caddyfile.
fn site_origins(inventory: &Inventory, text: &str) -> Vec<Origin> {
    let mut origins: Vec<Origin> = inventory
        .caddy
        .vhosts
        .iter()
        .filter_map(|vhost| {
            let host = vhost.host.get_ref();
            let line = text.lines().position(|line| {
                line.split_whitespace().next().is_some_and(|word| {
                    word.trim_end_matches(',') == host || word.ends_with(&format!("//{host}"))
                })
            })?;
            Some(Origin {
                line: u32::try_from(line + 1).ok()?,
                span: vhost.host.span(),
            })
        })
        .collect();
    origins.sort_by_key(|origin| origin.line);
    origins
}

fn render_one(
    env: &Environment<'_>,
    set: &TemplateSet,
    template: &str,
    ctx: Value,
) -> Result<String, RenderError> {
    let tmpl = env.get_template(template).map_err(|err| set.error(&err))?;
    tmpl.render(ctx).map_err(|err| set.error(&err))
}

/// The inventory zone that holds `ns` (where its glue A records live), if any.
fn glue_zone(inventory: &Inventory, ns: Option<&str>) -> Option<String> {
    let ns = ns?.trim_end_matches('.').to_lowercase();
    inventory
        .domains
        .iter()
        .map(|d| d.name.get_ref().to_lowercase())
        .filter(|zone| ns.ends_with(&format!(".{zone}")))
        .max_by_key(String::len)
}

/// Refuse any path that is not a chain of plain segments below the output folder.
pub fn ensure_inside(path: &Path) -> Result<(), RenderError> {
    let plain = path.components().count() > 0
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(RenderError::Inventory(format!(
            "{}: refusing a path that leaves the output folder",
            path.display()
        )))
    }
}

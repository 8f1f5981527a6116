//! From a validated inventory to the list of files to write: which template renders which
//! path of the deployment tree (docs/design.md §3), with what context. Paths are built from
//! validated names and absolute in-machine paths, then checked once more to consist only of
//! plain segments, so nothing can land outside `--out`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use minijinja::{context, Environment, Value};
use serde::Serialize;

use crate::error::RenderError;
use crate::inventory::Inventory;
use crate::stamp;
use crate::templates::TemplateSet;

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

/// Render every file of the tenant.
pub fn render(inventory: &Inventory, set: &TemplateSet) -> Result<Vec<Output>, RenderError> {
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
        .flat_map(|m| m.internal_ports.iter().copied())
        .collect();
    let root = Value::from_serialize(&Root {
        inventory,
        stamp: stamp::iptables(stamp_time),
        internal_ports: internal_ports.into_iter().collect(),
        zone_paths: zone_paths.clone(),
    });

    let mut jobs: Vec<(PathBuf, &str, Value)> = Vec::new();
    jobs.push((
        PathBuf::from("gblint.toml"),
        "gblint/gblint.toml.j2",
        root.clone(),
    ));
    jobs.push((
        tree_path("host", "/etc/default/ufw"),
        "ufw/ufw.j2",
        root.clone(),
    ));
    jobs.push((
        tree_path("host", "/etc/fail2ban/jail.local"),
        "fail2ban/host-jail.local.j2",
        context! { f2b => &inventory.host.fail2ban, ..root.clone() },
    ));

    let proxy = machine_folder(inventory, inventory.caddy.machine.get_ref());
    let proxy_ctx = context! { machine_name => &proxy, ..root.clone() };
    jobs.push((
        tree_path(&proxy, inventory.caddy.config.get_ref()),
        "caddy/Caddyfile.j2",
        proxy_ctx.clone(),
    ));
    for (file, template) in [
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
        jobs.push((tree_path(&proxy, file), template, proxy_ctx.clone()));
    }

    if !inventory.domains.is_empty() {
        let dns_ctx = context! { machine_name => &dns_folder, ..root.clone() };
        jobs.push((
            tree_path(&dns_folder, inventory.coredns.corefile.get_ref()),
            "coredns/Corefile.j2",
            dns_ctx.clone(),
        ));
        for domain in &inventory.domains {
            let serial = domain
                .soa
                .serial
                .as_ref()
                .map_or_else(|| stamp::default_serial(stamp_time), |s| *s.get_ref());
            let glue = glue_zone(inventory, domain.ns.first().map(|n| n.get_ref().as_str()));
            let path = &zone_paths[domain.name.get_ref()];
            jobs.push((
                tree_path(&dns_folder, path),
                "coredns/zone.j2",
                context! { domain => domain, serial => serial, glue => glue, ..dns_ctx.clone() },
            ));
        }
    }

    for (role, machine) in &inventory.machines {
        if machine.internal_ports.is_empty() {
            continue;
        }
        let folder = machine_folder(inventory, role.get_ref());
        let ctx = context! { machine_name => &folder, machine => machine, ..root.clone() };
        jobs.push((
            tree_path(&folder, "/etc/iptables/rules.v4"),
            "iptables/rules.v4.j2",
            ctx.clone(),
        ));
        jobs.push((
            tree_path(&folder, "/etc/iptables/rules.v6"),
            "iptables/rules.v6.j2",
            ctx,
        ));
    }

    // Each container's LXD configuration, as an export on the host (docs/lxd.md).
    for role in inventory.machines.keys() {
        let folder = machine_folder(inventory, role.get_ref());
        let ctx = context! { machine_name => &folder, role => role.get_ref(), ..root.clone() };
        jobs.push((
            tree_path("host", &format!("/etc/gblint/lxd/{folder}.yaml")),
            "lxd/instance.yaml.j2",
            ctx,
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
        let file = format!("/etc/systemd/system/{}.service", name.get_ref());
        jobs.push((tree_path(&folder, &file), template.as_str(), ctx));
    }

    let caddy_path = tree_path(&proxy, inventory.caddy.config.get_ref());
    let mut seen = BTreeSet::new();
    let mut outputs = Vec::with_capacity(jobs.len());
    for (path, template, ctx) in jobs {
        ensure_inside(&path)?;
        if !seen.insert(path.clone()) {
            return Err(RenderError::Inventory(format!(
                "two files of the inventory would be written to {}",
                path.display()
            )));
        }
        let text = render_one(&env, template, ctx)?;
        outputs.push(Output {
            caddyfile: path == caddy_path,
            path,
            template: template.to_owned(),
            text,
        });
    }
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}

fn render_one(env: &Environment<'_>, template: &str, ctx: Value) -> Result<String, RenderError> {
    let tmpl = env
        .get_template(template)
        .map_err(|err| RenderError::template(&err))?;
    tmpl.render(ctx).map_err(|err| RenderError::template(&err))
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

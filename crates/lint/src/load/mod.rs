//! Loading: parsing the files discovery found into the deployment model every rule reads.
//!
//! [`crate::discovery`] decides which files a run checks, in which format, and reads them;
//! this module turns them into [`Deployment`]'s parsed documents — one file per format, each
//! with the same signature, [`LoadFn`]. Data more than one rule needs (a Corefile's `acl`s,
//! the zone files its `file` directives name) is computed here once, not in each rule.
//!
//! Adding a format: see "Adding a format" in `docs/design.md`.

use std::collections::HashMap;
use std::path::PathBuf;

use gblint_diagnostics::SourceMap;

use crate::deployment::{Deployment, InputId};

pub mod caddy;
pub mod cron;
pub mod dns;
pub mod fail2ban;
pub mod iptables;
pub mod lxd;
pub mod sshconfig;
pub mod systemd;
pub mod ufw;
pub mod workflow;

/// What every loader gets besides the deployment: the sources (a Caddyfile's imports add to
/// them) and how to read the files an input pulls in.
pub struct Loader<'a> {
    /// Every file read so far.
    pub sources: &'a mut SourceMap,
    /// Environment for `{$VAR}`.
    pub env: gblint_caddyfile::env::EnvLookup<'a>,
    /// Texts that replace files on disk, by canonical path (the fix loop's pending edits).
    pub overlay: Option<&'a HashMap<PathBuf, std::sync::Arc<str>>>,
    /// Largest file an import reads.
    pub max_file_bytes: u64,
    /// The settings of the run (`[machines.NAME] role` names LXD instances' roles).
    pub settings: &'a crate::Settings,
}

/// A format's loader: parse the deployment's input files of that format into its documents.
pub type LoadFn = fn(&mut Deployment, &mut Loader<'_>);

/// Every loader, in the order they run: the ufw assembly reads the parsed iptables files, and
/// Caddyfiles come last because their imports add files to the source map.
pub const LOADERS: &[(&str, LoadFn)] = &[
    ("iptables", iptables::load),
    ("fail2ban", fail2ban::load),
    ("systemd", systemd::load),
    ("ufw", ufw::load),
    ("dns", dns::load),
    ("cron", cron::load),
    ("sshconfig", sshconfig::load),
    ("workflow", workflow::load),
    ("lxd", lxd::load),
    ("caddy", caddy::load),
];

/// The format of a file the crontab, ssh, workflow and LXD loaders own, from its path on the
/// machine (`full`) and name.
pub fn detect(full: &str, name: &str) -> Option<crate::FileKind> {
    cron::detect(full, name)
        .or_else(|| sshconfig::detect(full, name))
        .or_else(|| workflow::detect(full, name))
        .or_else(|| lxd::instance_of_path(full).map(|_| crate::FileKind::Lxd))
}

/// Whether a file inside a hidden folder is still a configuration file to lint:
/// `.ssh/config` and the workflows of `.forgejo/`, `.gitea/` and `.github/`. Everything else
/// in hidden folders is only scanned for secrets.
pub fn linted_in_hidden_folder(path: &std::path::Path) -> bool {
    let full = gblint_diagnostics::path_display::shown(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    sshconfig::detect(&full, &name).is_some_and(|_| full.ends_with("/.ssh/config"))
        || workflow::detect(&full, &name).is_some()
}

/// Parse every input file of `deployment` (as [`crate::discovery::discover`] left it).
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    for (_, load) in LOADERS {
        load(deployment, loader);
    }
}

/// Discover `inputs` ([`crate::discovery::discover`]) and load what was found: the deployment
/// a check reads.
pub fn discover_and_load(
    inputs: &[crate::Input],
    settings: &crate::Settings,
    options: crate::discovery::DiscoverOptions<'_>,
    env: gblint_caddyfile::env::EnvLookup<'_>,
    sources: &mut SourceMap,
) -> Result<Deployment, crate::DiscoveryError> {
    let mut deployment = crate::discovery::discover(inputs, settings, options, sources)?;
    load(
        &mut deployment,
        &mut Loader {
            sources,
            env,
            overlay: options.overlay,
            max_file_bytes: settings.limits.max_file_bytes,
            settings,
        },
    );
    Ok(deployment)
}

/// The input files in `format`.
fn inputs_of(deployment: &Deployment, kind: crate::FileKind) -> impl Iterator<Item = InputId> + '_ {
    deployment
        .inputs()
        .filter(move |(_, file)| file.kind == kind)
        .map(|(input, _)| input)
}

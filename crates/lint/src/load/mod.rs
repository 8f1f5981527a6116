//! Loaders of the formats beyond the five core ones: how each file is recognised by its path
//! and parsed into the deployment model.

pub mod cron;
pub mod sshconfig;
pub mod workflow;

use gblint_diagnostics::SourceMap;

use crate::deployment::Deployment;
use crate::format::Format;

/// The format of a file these loaders own, from its path on the machine (`full`) and name.
pub fn detect(full: &str, name: &str) -> Option<Format> {
    cron::detect(full, name)
        .or_else(|| sshconfig::detect(full, name))
        .or_else(|| workflow::detect(full, name))
}

/// Whether a file inside a hidden folder is still a configuration file to lint:
/// `.ssh/config` and the workflows of `.forgejo/`, `.gitea/` and `.github/`. Everything else
/// in hidden folders is only scanned for secrets.
pub fn linted_in_hidden_folder(path: &std::path::Path) -> bool {
    let full = path.to_string_lossy().replace('\\', "/");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    sshconfig::detect(&full, &name).is_some_and(|_| full.ends_with("/.ssh/config"))
        || workflow::detect(&full, &name).is_some()
}

/// Parse the crontabs, ssh client configurations and workflows of `deployment`.
pub fn load(deployment: &mut Deployment, sources: &SourceMap) {
    cron::load(deployment, sources);
    sshconfig::load(deployment, sources);
    workflow::load(deployment, sources);
}

//! fail2ban: one configuration per `…/fail2ban/` folder (per machine in deployment mode), its
//! files merged as fail2ban reads them.

use std::collections::BTreeMap;
use std::sync::Arc;

use gblint_diagnostics::FileId;

use super::{inputs_of, Loader};
use crate::deployment::{Deployment, Fail2banDoc, MachineId};
use crate::file_kind::FileKind;

/// A machine (in deployment mode) and the folder (`/etc/fail2ban/`): how files are grouped.
type FolderKey = (Option<MachineId>, String);

/// Files of a fail2ban folder: (path inside it, file).
type Fail2banFiles = Vec<(String, FileId)>;

/// Group the fail2ban files of `deployment` by folder and load each folder.
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    let sources = &*loader.sources;
    let mut groups: BTreeMap<FolderKey, Fail2banFiles> = BTreeMap::new();
    for input in inputs_of(deployment, FileKind::Fail2ban) {
        let file = &deployment.files[input];
        let shown = deployment.shown_path(input, sources);
        let Some(at) = shown.rfind("fail2ban/") else {
            continue;
        };
        let base = shown[..at + "fail2ban/".len()].to_owned();
        let relative = shown[at + "fail2ban/".len()..].to_owned();
        groups
            .entry((file.machine, base))
            .or_default()
            .push((relative, file.file));
    }
    for ((machine, base), files) in groups {
        // The texts are borrowed from the source map, not copied.
        let texts: BTreeMap<String, &str> = files
            .iter()
            .map(|(rel, file)| (rel.clone(), sources.get(*file).text()))
            .collect();
        let config = gblint_fail2ban::load(&texts);
        let parsed: BTreeMap<String, (FileId, Arc<gblint_fail2ban::IniFile>)> = files
            .iter()
            .map(|(rel, file)| {
                // `load` parsed every file already (shared, not copied); parse again only what
                // it keyed differently.
                let ini = config.shared_file(rel).unwrap_or_else(|| {
                    Arc::new(gblint_fail2ban::parse_ini(sources.get(*file).text()))
                });
                (rel.clone(), (*file, ini))
            })
            .collect();
        deployment.fail2ban.push(Fail2banDoc {
            machine,
            base,
            files: parsed,
            config,
            skips: std::sync::OnceLock::new(),
        });
    }
}

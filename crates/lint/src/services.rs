//! How gblint reads a deployment's fail2ban, systemd and ufw files: one fail2ban
//! configuration per `…/fail2ban/` folder (its files as fail2ban would read them), one merged
//! unit per unit name and machine (the unit file and its drop-ins in file-name order), and
//! `/etc/default/ufw` as an environment file.

use std::collections::BTreeMap;

use gblint_diagnostics::{FileId, SourceMap};

use crate::deployment::{Deployment, Fail2banDoc, UfwDoc, UnitDoc};

/// A machine (in deployment mode) and a folder or unit name: how files are grouped.
type GroupKey = (Option<usize>, String);

/// Files of a fail2ban folder: (path inside it, file, input index).
type Fail2banFiles = Vec<(String, FileId, usize)>;

/// A unit's own input index and its drop-ins (file name, input index).
type UnitInputs = (Option<usize>, Vec<(String, usize)>);
use crate::format::Format;

/// Parse the fail2ban, systemd and ufw inputs of `deployment`.
pub fn parse_services(deployment: &mut Deployment, sources: &SourceMap) {
    // fail2ban: group files by their configuration folder (the path up to `fail2ban/`).
    let mut groups: BTreeMap<GroupKey, Fail2banFiles> = BTreeMap::new();
    for (input, file) in deployment.files.iter().enumerate() {
        if file.format != Format::Fail2ban {
            continue;
        }
        let shown = deployment.shown_path(input, sources);
        let Some(at) = shown.rfind("fail2ban/") else {
            continue;
        };
        let base = shown[..at + "fail2ban/".len()].to_owned();
        let relative = shown[at + "fail2ban/".len()..].to_owned();
        groups
            .entry((file.machine, base))
            .or_default()
            .push((relative, file.file, input));
    }
    for ((machine, base), files) in groups {
        let texts: BTreeMap<String, String> = files
            .iter()
            .map(|(rel, file, _)| (rel.clone(), sources.get(*file).text().to_owned()))
            .collect();
        let config = gblint_fail2ban::load(&texts);
        let parsed: BTreeMap<String, (FileId, gblint_fail2ban::IniFile)> = files
            .iter()
            .map(|(rel, file, _)| {
                // `load` parsed every file already; parse again only what it keyed differently.
                let ini = config
                    .file(rel)
                    .cloned()
                    .unwrap_or_else(|| gblint_fail2ban::parse_ini(sources.get(*file).text()));
                (rel.clone(), (*file, ini))
            })
            .collect();
        deployment.fail2ban.push(Fail2banDoc {
            machine,
            base,
            files: parsed,
            config,
        });
    }

    // systemd: units and their drop-ins, per machine and unit name.
    let mut units: BTreeMap<GroupKey, UnitInputs> = BTreeMap::new();
    for (input, file) in deployment.files.iter().enumerate() {
        if file.format != Format::Systemd {
            continue;
        }
        let shown = deployment.shown_path(input, sources);
        let mut parts = shown.rsplit('/');
        let name = parts.next().unwrap_or_default().to_owned();
        let parent = parts.next().unwrap_or_default();
        if let Some(unit) = parent
            .strip_suffix(".d")
            .filter(|u| gblint_systemd::unit_type(u).is_some())
        {
            units
                .entry((file.machine, unit.to_owned()))
                .or_default()
                .1
                .push((name, input));
        } else {
            units.entry((file.machine, name)).or_default().0 = Some(input);
        }
    }
    for ((machine, name), (main, mut dropins)) in units {
        dropins.sort();
        let mut inputs: Vec<usize> = main.into_iter().collect();
        inputs.extend(dropins.iter().map(|(_, input)| *input));
        let parsed: Vec<(String, FileId, gblint_systemd::UnitFile)> = inputs
            .iter()
            .map(|&input| {
                let file = deployment.files[input].file;
                (
                    deployment.shown_path(input, sources),
                    file,
                    gblint_systemd::parse(sources.get(file).text()),
                )
            })
            .collect();
        let labelled: Vec<(&str, &gblint_systemd::UnitFile)> = parsed
            .iter()
            .map(|(label, _, unit)| (label.as_str(), unit))
            .collect();
        let merged = gblint_systemd::merge(&labelled);
        deployment.units.push(UnitDoc {
            machine,
            name,
            main,
            files: parsed,
            merged,
        });
    }

    // /etc/default/ufw.
    for (input, file) in deployment.files.iter().enumerate() {
        if file.format != Format::Ufw {
            continue;
        }
        let (assignments, problems) =
            gblint_systemd::parse_environment_file(sources.get(file.file).text());
        deployment.ufw.push(UfwDoc {
            input,
            file: file.file,
            assignments,
            problems,
        });
    }

    // ufw's rule files with /etc/default/ufw: the ruleset ufw-init loads.
    crate::ufw::assemble(deployment, sources);
}

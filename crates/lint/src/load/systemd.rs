//! systemd units: one merged unit per unit name (and machine, in deployment mode) — the unit
//! file, then its drop-ins (`NAME.d/*.conf`) in file-name order.

use std::collections::BTreeMap;

use gblint_diagnostics::FileId;

use super::{inputs_of, Loader};
use crate::deployment::{Deployment, InputId, MachineId, UnitDoc};
use crate::file_kind::FileKind;

/// A machine (in deployment mode) and a unit name: how files are grouped.
type UnitKey = (Option<MachineId>, String);

/// A unit's own input index and its drop-ins (file name, input index).
type UnitInputs = (Option<InputId>, Vec<(String, InputId)>);

/// Group the systemd files of `deployment` by unit and merge each unit.
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    let sources = &*loader.sources;
    let mut units: BTreeMap<UnitKey, UnitInputs> = BTreeMap::new();
    for input in inputs_of(deployment, FileKind::Systemd) {
        let machine = deployment.files[input].machine;
        let shown = deployment.shown_path(input, sources);
        let mut parts = shown.rsplit('/');
        let name = parts.next().unwrap_or_default().to_owned();
        let parent = parts.next().unwrap_or_default();
        if let Some(unit) = parent
            .strip_suffix(".d")
            .filter(|u| gblint_systemd::unit_type(u).is_some())
        {
            units
                .entry((machine, unit.to_owned()))
                .or_default()
                .1
                .push((name, input));
        } else {
            units.entry((machine, name)).or_default().0 = Some(input);
        }
    }
    for ((machine, name), (main, mut dropins)) in units {
        dropins.sort();
        let mut inputs: Vec<InputId> = main.into_iter().collect();
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
}

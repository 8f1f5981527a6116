//! A unit with its drop-ins: the settings systemd ends up with.

use std::collections::BTreeMap;

use gblint_diagnostics::TextRange;

use crate::words::environment_words;
use crate::UnitFile;

/// One assignment that is part of the effective settings, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedValue {
    /// The value (continuations joined).
    pub value: String,
    /// The label of the file it is in (as passed to [`merge`]).
    pub file: String,
    /// 1-based line of the assignment.
    pub line: u32,
    /// Where the key is in that file.
    pub key_range: TextRange,
    /// Where the value is in that file (first line).
    pub value_range: TextRange,
}

/// How repeated assignments of a key combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The last assignment wins.
    Scalar,
    /// Assignments accumulate; an empty one clears every key of the reset group.
    List { group: &'static str },
    /// Dependencies accumulate and cannot be reset (`config_parse_unit_deps` ignores an empty
    /// value).
    Dependency,
}

/// Dependency keys of `[Unit]` (and `Sockets=` of `[Service]`): lists without reset.
const DEPENDENCIES: &[&str] = &[
    "Requires",
    "Requisite",
    "Wants",
    "BindsTo",
    "BindTo",
    "Upholds",
    "Conflicts",
    "Before",
    "After",
    "OnSuccess",
    "OnFailure",
    "PropagatesReloadTo",
    "PropagateReloadTo",
    "ReloadPropagatedFrom",
    "PropagateReloadFrom",
    "PropagatesStopTo",
    "StopPropagatedFrom",
    "PartOf",
    "JoinsNamespaceOf",
    "RequiresMountsFor",
    "Sockets",
];

/// List keys whose empty assignment resets only themselves.
const LISTS: &[&str] = &[
    "Documentation",
    "Environment",
    "EnvironmentFile",
    "PassEnvironment",
    "UnsetEnvironment",
    "ExecStart",
    "ExecStartPre",
    "ExecStartPost",
    "ExecCondition",
    "ExecReload",
    "ExecStop",
    "ExecStopPre",
    "ExecStopPost",
    "ExecPaths",
    "NoExecPaths",
    "ExecSearchPath",
    "ReadWritePaths",
    "ReadOnlyPaths",
    "InaccessiblePaths",
    "ReadWriteDirectories",
    "ReadOnlyDirectories",
    "InaccessibleDirectories",
    "BindPaths",
    "BindReadOnlyPaths",
    "TemporaryFileSystem",
    "SupplementaryGroups",
    "DeviceAllow",
    "IPAddressAllow",
    "IPAddressDeny",
    "IPIngressFilterPath",
    "IPEgressFilterPath",
    "BPFProgram",
    "SocketBindAllow",
    "SocketBindDeny",
    "RestrictNetworkInterfaces",
    "RestrictFileSystems",
    "SystemCallFilter",
    "SystemCallArchitectures",
    "SystemCallLog",
    "RestrictAddressFamilies",
    "CapabilityBoundingSet",
    "AmbientCapabilities",
    "LoadCredential",
    "LoadCredentialEncrypted",
    "SetCredential",
    "SetCredentialEncrypted",
    "LogExtraFields",
    "ExtensionImages",
    "ExtensionDirectories",
    "MountImages",
    "RuntimeDirectory",
    "StateDirectory",
    "CacheDirectory",
    "LogsDirectory",
    "ConfigurationDirectory",
    "RestartPreventExitStatus",
    "RestartForceExitStatus",
    "SuccessExitStatus",
    "IODeviceWeight",
    "IODeviceLatencyTargetSec",
    "IOReadBandwidthMax",
    "IOWriteBandwidthMax",
    "IOReadIOPSMax",
    "IOWriteIOPSMax",
    "BlockIODeviceWeight",
    "BlockIOReadBandwidth",
    "BlockIOWriteBandwidth",
    "Symlinks",
    "Alias",
    "WantedBy",
    "RequiredBy",
    "Also",
];

/// How `key` of `[section]` combines. Conditions and asserts reset as families
/// (`config_parse_unit_condition_*` frees the whole list), as do a socket's `Listen*=`, a
/// timer's `On*=` and a path unit's watches.
fn kind(section: &str, key: &str) -> Kind {
    if section == "Unit" && key.starts_with("Condition") {
        return Kind::List { group: "Condition" };
    }
    if section == "Unit" && key.starts_with("Assert") {
        return Kind::List { group: "Assert" };
    }
    if section == "Socket" && key.starts_with("Listen") && key != "ListenBacklog" {
        return Kind::List { group: "Listen" };
    }
    if section == "Timer"
        && matches!(
            key,
            "OnActiveSec"
                | "OnBootSec"
                | "OnStartupSec"
                | "OnUnitActiveSec"
                | "OnUnitInactiveSec"
                | "OnCalendar"
        )
    {
        return Kind::List { group: "Timer" };
    }
    if section == "Path"
        && matches!(
            key,
            "PathExists" | "PathExistsGlob" | "PathChanged" | "PathModified" | "DirectoryNotEmpty"
        )
    {
        return Kind::List { group: "Path" };
    }
    if DEPENDENCIES.contains(&key) {
        return Kind::Dependency;
    }
    match LISTS.iter().find(|k| **k == key) {
        Some(k) => Kind::List { group: k },
        None => Kind::Scalar,
    }
}

/// A unit merged with its drop-ins.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// Effective assignments per (section, key), in order.
    effective: BTreeMap<(String, String), Vec<MergedValue>>,
}

/// Merge a unit file and its drop-ins: the main file first, then the drop-ins in file-name
/// order (the caller sorts; systemd sorts by file name across all drop-in folders).
///
/// Scalars: the last assignment wins (an empty one too: it restores the default). Lists
/// (`Environment=`, `EnvironmentFile=`, `ExecStart=`, …): assignments accumulate and an empty
/// one clears the list — which is why a drop-in must write `ExecStart=` before its own
/// `ExecStart=`. Dependencies (`After=`, `Wants=`, `Requires=`, …) accumulate but cannot be
/// reset: systemd 252 ignores an empty assignment there.
pub fn merge(units: &[(&str, &UnitFile)]) -> Merged {
    let mut merged = Merged::default();
    for (label, unit) in units {
        for section in &unit.sections {
            for entry in &section.entries {
                let value = MergedValue {
                    value: entry.value.clone(),
                    file: (*label).to_owned(),
                    line: entry.line,
                    key_range: entry.key_range,
                    value_range: entry.value_range,
                };
                let slot = (section.name.clone(), entry.key.clone());
                match kind(&section.name, &entry.key) {
                    Kind::Scalar => {
                        merged.effective.insert(slot, vec![value]);
                    }
                    Kind::Dependency => {
                        if !entry.value.is_empty() {
                            merged.effective.entry(slot).or_default().push(value);
                        }
                    }
                    Kind::List { group } => {
                        if entry.value.is_empty() {
                            merged.effective.retain(|(s, k), _| {
                                !(*s == section.name
                                    && matches!(kind(s, k), Kind::List { group: g } if g == group))
                            });
                        } else {
                            merged.effective.entry(slot).or_default().push(value);
                        }
                    }
                }
            }
        }
    }
    merged
}

impl Merged {
    /// The effective single value of `key` in `[section]`: the last assignment that counts.
    pub fn get(&self, section: &str, key: &str) -> Option<&MergedValue> {
        self.values(section, key).pop()
    }

    /// The effective assignments of `key` in `[section]`, in order (after resets). For a
    /// scalar key, only the last one.
    pub fn values(&self, section: &str, key: &str) -> Vec<&MergedValue> {
        self.effective
            .get(&(section.to_owned(), key.to_owned()))
            .map(|values| values.iter().collect())
            .unwrap_or_default()
    }

    /// Every (section, key) with effective assignments, in byte order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &str)> {
        self.effective
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|((s, k), _)| (s.as_str(), k.as_str()))
    }

    /// The `[Service]` `Environment=` variables as systemd sets them: each line split into
    /// `NAME=VALUE` pairs (invalid words skipped as systemd skips them), in order of first
    /// appearance; a later assignment of the same name replaces the value and the location.
    pub fn environment(&self) -> Vec<(String, String, &MergedValue)> {
        let mut out: Vec<(String, String, &MergedValue)> = Vec::new();
        for assignment in self.values("Service", "Environment") {
            for (name, value) in environment_words(&assignment.value).0 {
                match out.iter_mut().find(|(n, _, _)| *n == name) {
                    Some(slot) => {
                        slot.1 = value;
                        slot.2 = assignment;
                    }
                    None => out.push((name, value, assignment)),
                }
            }
        }
        out
    }
}

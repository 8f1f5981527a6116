//! The known sections and keys of systemd 252, per unit type.

use crate::keys_table::{KEYS, REMOVED};
use crate::{Problem, UnitFile};

/// The unit types and the sections systemd reads for each (`UnitVTable.sections`); every
/// other section is `Unknown section 'X'. Ignoring.`
const UNIT_TYPES: &[(&str, &[&str])] = &[
    ("service", &["Unit", "Service", "Install"]),
    ("socket", &["Unit", "Socket", "Install"]),
    ("target", &["Unit", "Target", "Install"]),
    ("device", &["Unit", "Device", "Install"]),
    ("mount", &["Unit", "Mount", "Install"]),
    ("automount", &["Unit", "Automount", "Install"]),
    ("swap", &["Unit", "Swap", "Install"]),
    ("timer", &["Unit", "Timer", "Install"]),
    ("path", &["Unit", "Path", "Install"]),
    ("slice", &["Unit", "Slice", "Install"]),
    ("scope", &["Unit", "Scope", "Install"]),
];

/// The unit type of a unit file name: `"x.service"` → `"service"`, `"a@.timer"` → `"timer"`.
/// `None` for other names (`x.service.in`, `x.conf`); for a drop-in `x.service.d/y.conf` the
/// caller passes the unit's name.
pub fn unit_type(file_name: &str) -> Option<&str> {
    let name = file_name.rsplit('/').next().unwrap_or(file_name);
    let (stem, suffix) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    UNIT_TYPES
        .iter()
        .find(|(t, _)| *t == suffix)
        .map(|(t, _)| *t)
}

fn sections_of(unit_type: &str) -> Option<&'static [&'static str]> {
    UNIT_TYPES
        .iter()
        .find(|(t, _)| *t == unit_type)
        .map(|(_, s)| *s)
}

/// Whether systemd reads `[section]` in a unit of `unit_type` (`X-` sections are always
/// accepted, silently). For an unknown `unit_type`, any section some unit type reads.
pub fn is_known_section(section: &str, unit_type: &str) -> bool {
    if section.starts_with("X-") {
        return true;
    }
    match sections_of(unit_type) {
        Some(sections) => sections.contains(&section),
        None => UNIT_TYPES.iter().any(|(_, s)| s.contains(&section)),
    }
}

/// Whether systemd 252 knows `key` in `[section]` of a unit of `unit_type` (`"service"`,
/// `"socket"`, `"timer"`, …; see [`unit_type`]). `X-` keys and sections are always allowed,
/// as systemd ignores them without a warning. A section the unit type does not read makes
/// every key unknown. The table is systemd 252's own (`load-fragment-gperf`), so it includes
/// the exec, kill and resource-control keys of each section and deprecated spellings
/// (`StartLimitInterval`, `MemoryLimit`, …) and removed keys that only warn (see
/// [`is_removed_key`]).
pub fn is_known_key(section: &str, key: &str, unit_type: &str) -> bool {
    if section.starts_with("X-") || key.starts_with("X-") {
        return true;
    }
    is_known_section(section, unit_type) && KEYS.binary_search(&(section, key)).is_ok()
}

/// Keys systemd 252 still recognises only to warn `Support for option K= has been removed and
/// it is ignored` (`SysVStartPriority`, `Capabilities`, `NetClass`, …).
pub fn is_removed_key(section: &str, key: &str) -> bool {
    REMOVED.contains(&(section, key))
}

/// The warnings systemd 252 prints for the sections and keys of `unit` as a unit (or drop-in)
/// of `unit_type`, in its wording: `Unknown section 'S'. Ignoring.`, `Unknown key 'K' in
/// section [S], ignoring.`, and `Support for option K= has been removed and it is ignored`.
/// Keys of an unknown section are not reported (systemd skips the section silently).
pub fn check_keys(unit: &UnitFile, unit_type: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for section in &unit.sections {
        if !is_known_section(&section.name, unit_type) {
            problems.push(Problem {
                message: format!("Unknown section '{}'. Ignoring.", section.name),
                range: section.name_range,
                line: section.line,
            });
            continue;
        }
        for entry in &section.entries {
            let message = if !is_known_key(&section.name, &entry.key, unit_type) {
                format!(
                    "Unknown key '{}' in section [{}], ignoring.",
                    entry.key, section.name
                )
            } else if is_removed_key(&section.name, &entry.key) {
                format!(
                    "Support for option {}= has been removed and it is ignored",
                    entry.key
                )
            } else {
                continue;
            };
            problems.push(Problem {
                message,
                range: entry.key_range,
                line: entry.end_line,
            });
        }
    }
    problems
}

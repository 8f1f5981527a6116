//! What `gblint check` says about the run itself: `--show-files`, `--show-settings`, the
//! `json-report` output, the "not checked" summary line and the "nothing to check" refusal.

use std::io::Write;
use std::path::{Path, PathBuf};

use gblint_lint::units::{Threads, UnitReport};
use gblint_lint::Report;
use serde_json::{json, Value};

/// Files in no known format named in full in the human summary; more are counted.
const NAMED_UNKNOWN: usize = 5;

/// A path as the user would write it: relative to the working folder when inside it.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = relative.as_deref().unwrap_or(path);
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

fn unit_title(unit: &UnitReport) -> String {
    let config = match &unit.config {
        Some(path) => shown(path),
        None => "none (built-in defaults)".to_owned(),
    };
    match &unit.root {
        Some(root) => format!("deployment {} (configuration: {config})", shown(root)),
        None => format!("files outside any deployment (configuration: {config})"),
    }
}

/// `--show-files`: each unit, its configuration file, the files it checks and those it does
/// not.
pub(crate) fn files(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    for unit in &report.units {
        writeln!(out, "{}", unit_title(unit))?;
        for file in &unit.files {
            writeln!(out, "  {}", shown(file))?;
        }
        for file in &unit.unknown {
            writeln!(out, "  {} (not checked: format unknown)", shown(file))?;
        }
    }
    let deployments = report.units.iter().filter(|u| u.root.is_some()).count();
    writeln!(
        out,
        "{} deployment{}, {} file{} to check, {} not checked.",
        deployments,
        if deployments == 1 { "" } else { "s" },
        report.files_checked(),
        if report.files_checked() == 1 { "" } else { "s" },
        report.deployment.unknown.len()
    )?;
    out.flush()
}

/// `--show-settings`: the effective settings of each unit and where they come from.
pub(crate) fn settings(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    for (index, unit) in report.units.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let settings = &unit.settings;
        writeln!(out, "{}", unit_title(unit))?;
        let list = |items: &[String]| format!("[{}]", items.join(", "));
        writeln!(
            out,
            "  baseline: {}",
            unit.baseline.as_deref().unwrap_or("none")
        )?;
        if let Some(tenant) = &settings.tenant {
            writeln!(out, "  deployment.tenant: {tenant}")?;
        }
        for (machine, role) in &settings.machine_roles {
            writeln!(out, "  machines.{machine}.role: {role}")?;
        }
        let select = settings
            .rules
            .select
            .as_deref()
            .map_or("(the default rules)".to_owned(), list);
        writeln!(out, "  rules.select: {select}")?;
        writeln!(
            out,
            "  rules.extend-select: {}",
            list(&settings.rules.extend_select)
        )?;
        writeln!(out, "  rules.ignore: {}", list(&settings.rules.ignore))?;
        let enabled: Vec<String> = unit.enabled.iter().map(|code| (*code).to_owned()).collect();
        writeln!(
            out,
            "  rules enabled (with the command line): {} {}",
            enabled.len(),
            list(&enabled)
        )?;
        for (selector, severity) in &settings.rules.severity {
            writeln!(out, "  rules.severity.{selector}: {severity}")?;
        }
        writeln!(out, "  exclude: {}", list(&settings.exclude.written))?;
        for (pattern, selectors) in &settings.per_path_ignores {
            writeln!(
                out,
                "  per-path-ignores.\"{}\": {}",
                pattern.written.join(""),
                list(selectors)
            )?;
        }
        if let Some(root) = &settings.caddy.storage_root {
            writeln!(out, "  caddy.storage-root: {root}")?;
        }
        if let Some(min) = settings.caddy.min_vhosts {
            writeln!(out, "  caddy.min-vhosts: {min}")?;
        }
        writeln!(
            out,
            "  network.internal: {}",
            list(&settings.network.internal)
        )?;
        let ports: Vec<String> = settings
            .network
            .internal_ports
            .iter()
            .map(u16::to_string)
            .collect();
        writeln!(out, "  network.internal-ports: {}", list(&ports))?;
        writeln!(
            out,
            "  limits.max-file-bytes: {}",
            settings.limits.max_file_bytes
        )?;
        writeln!(
            out,
            "  inline suppressions: {}",
            if settings.no_inline_ignores {
                "ignored (--no-inline-ignores)"
            } else {
                "honoured"
            }
        )?;
    }
    writeln!(out)?;
    writeln!(out, "threads: {}", threads_line(&report.threads))?;
    out.flush()
}

/// How many threads checked the units and why: `2 (one per core)`, `1 (--threads 1)`, or
/// `3 (--threads 8; no more than the 3 units to check)`.
fn threads_line(threads: &Threads) -> String {
    let (wanted, why) = match threads.requested {
        Some(requested) => (requested, format!("--threads {requested}")),
        None => (threads.cores, "one per core".to_owned()),
    };
    let used = threads.used;
    if used < wanted {
        let units = threads.units;
        let plural = if units == 1 { "" } else { "s" };
        format!("{used} ({why}; no more than the {units} unit{plural} to check)")
    } else {
        format!("{used} ({why})")
    }
}

/// The one-line cause of exit code 2 when nothing was checked.
pub(crate) fn nothing_message(paths: &[PathBuf], report: &Report) -> String {
    let named: Vec<String> = paths.iter().map(|p| shown(p)).collect();
    let unknown = &report.deployment.unknown;
    if unknown.is_empty() {
        format!("nothing to check in {}: no files found", named.join(", "))
    } else {
        format!(
            "nothing to check in {}: {} file{} found, none in a format gblint knows ({})",
            named.join(", "),
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            name_some(unknown)
        )
    }
}

fn name_some(paths: &[PathBuf]) -> String {
    let mut names: Vec<String> = paths.iter().take(NAMED_UNKNOWN).map(|p| shown(p)).collect();
    if paths.len() > NAMED_UNKNOWN {
        names.push(format!(
            "and {} more; --show-files lists them",
            paths.len() - NAMED_UNKNOWN
        ));
    }
    names.join(", ")
}

/// The summary line naming files in no format gblint knows.
pub(crate) fn unknown_line(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let unknown = &report.deployment.unknown;
    if unknown.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Not checked: {} file{} in no format gblint knows: {}.",
        unknown.len(),
        if unknown.len() == 1 { "" } else { "s" },
        name_some(unknown)
    )
}

/// `--output-format json-report`: one object with the findings (the same objects as
/// `--output-format json`), the deployments and the files not checked.
pub(crate) fn json_report(out: &mut dyn Write, report: &crate::Report) -> std::io::Result<()> {
    let report = &report.engine;
    let mut findings = Vec::new();
    gblint_diagnostics::emit::json(&mut findings, &report.diagnostics, &report.sources)?;
    let findings: Value = serde_json::from_slice(&findings)?;
    let strings = |paths: &[PathBuf]| -> Vec<String> { paths.iter().map(|p| shown(p)).collect() };
    let units: Vec<Value> = report
        .units
        .iter()
        .map(|unit| {
            json!({
                "root": unit.root.as_deref().map(shown),
                "config": unit.config.as_deref().map(shown),
                "baseline": unit.baseline,
                "files": strings(&unit.files),
                "not_checked": strings(&unit.unknown),
            })
        })
        .collect();
    let mut skipped: Vec<String> = strings(&report.deployment.unknown);
    skipped.extend(report.deployment.skipped.iter().map(|s| shown(&s.path)));
    let value = json!({
        "version": 1,
        "files_checked": report.files_checked(),
        "units": units,
        "not_checked": skipped,
        "findings": findings,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}

//! gblint's rule engine: discovery of what to check ([`discovery`]), loading it into the
//! deployment model ([`load`], [`deployment`]), configuration ([`config`], [`settings`]), the
//! rule registry and the rules, suppressions, the run that turns parsed files into diagnostics
//! (one unit per deployment tree, [`units`]), fixes, baselines, and the write layer that puts
//! fixed and formatted files back ([`write`](mod@write)).
//!
//! The engine depends on the format crates; they know nothing about rules. Nothing here
//! prints: [`check`] returns a [`Report`] and the CLI decides how to show it.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

pub mod baseline;
pub(crate) mod comments;
pub mod config;
pub(crate) mod context;
pub mod deployment;
pub mod discovery;
pub mod file_kind;
pub mod fix;
pub mod load;
pub(crate) mod paths;
pub mod registry;
pub(crate) mod rule;
pub mod rules;
pub(crate) mod secrets;
pub mod settings;
pub(crate) mod suppression;
pub mod units;
pub mod write;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use gblint_diagnostics::{Category, Diagnostic, Severity, SourceMap};

pub use baseline::Baseline;
pub use config::ConfigError;
pub use context::Context;
pub use deployment::Deployment;
pub use discovery::{DiscoveryError, Input};
pub use file_kind::FileKind;
pub use rule::{FixAvailability, Rule, RuleMeta};
pub use settings::Settings;

/// How to run a check, beyond the configuration file.
pub struct CheckOptions<'a> {
    /// Settings (from `gblint.toml` or defaults).
    pub settings: Settings,
    /// `--select`: replaces the selection when given.
    pub select: Option<Vec<String>>,
    /// `--extend-select`.
    pub extend_select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--kind`: read the explicitly named files as this kind of file.
    pub forced_kind: Option<FileKind>,
    /// Environment for `{$VAR}` substitution.
    pub env: gblint_caddyfile::env::EnvLookup<'a>,
    /// The baseline CDY010 compares against, if any.
    pub baseline: Option<Baseline>,
    /// Whether each deployment tree found below a given folder reads its own nearest
    /// `gblint.toml` (the command line does, unless `--config` names one); otherwise
    /// [`CheckOptions::settings`] applies everywhere.
    pub config_search: bool,
    /// Whether each deployment tree uses its own nearest `gblint.baseline.json` (unless a
    /// baseline was named); otherwise [`CheckOptions::baseline`] applies everywhere.
    pub baseline_search: bool,
    /// `--max-file-bytes`, applied over every configuration file a run reads.
    pub max_file_bytes: Option<u64>,
    /// `--threads`: how many deployments are checked at once (`None`: one per core). The
    /// report is the same whatever the number.
    pub threads: Option<usize>,
}

impl<'a> CheckOptions<'a> {
    /// Options with `settings`, no command-line overrides and no baseline.
    pub fn new(settings: Settings, env: gblint_caddyfile::env::EnvLookup<'a>) -> Self {
        CheckOptions {
            settings,
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            forced_kind: None,
            env,
            baseline: None,
            config_search: false,
            baseline_search: false,
            max_file_bytes: None,
            threads: None,
        }
    }
}

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    /// Every file read.
    pub sources: SourceMap,
    /// Findings, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    /// What was checked.
    pub deployment: Deployment,
    /// Codes of the rules that ran.
    pub enabled: Vec<&'static str>,
    /// The units of the run (each deployment tree, and the files outside them), in order.
    pub units: Vec<units::UnitReport>,
    /// How many threads checked the units, and why that many.
    pub threads: units::Threads,
}

impl Report {
    /// How many distinct files were checked: a file named on its own and again inside a named
    /// tree is read by two units but counts once.
    pub fn files_checked(&self) -> usize {
        // Keyed by the path's bytes: the paths on disk are resolved, so equal files have
        // equal bytes, and hashing bytes is several times cheaper than `Path`'s
        // component-wise hash (18,500 files: most of the summary's time, issue #17).
        let mut seen = std::collections::HashSet::with_capacity(self.deployment.files.len());
        self.deployment
            .files
            .iter()
            .filter(|input| {
                let path = self
                    .deployment
                    .disk_paths
                    .get(&input.file)
                    .map(PathBuf::as_path)
                    .unwrap_or_else(|| self.sources.get(input.file).path());
                seen.insert(path.as_os_str())
            })
            .count()
    }

    /// A report of nothing (a placeholder while the next one is built).
    pub fn empty() -> Report {
        Report {
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            deployment: Deployment::default(),
            enabled: Vec::new(),
            units: Vec::new(),
            threads: units::Threads::default(),
        }
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= threshold)
    }
}

/// Why a check could not run (exit code 2).
#[derive(Debug)]
pub enum CheckError {
    /// Bad configuration.
    Config(ConfigError),
    /// A path could not be read or understood.
    Discovery(DiscoveryError),
    /// A command-line selector matches no rule.
    Selector(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Config(error) => error.fmt(f),
            CheckError::Discovery(error) => error.fmt(f),
            CheckError::Selector(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CheckError {}

/// Find the configuration for a run: the nearest `gblint.toml` at or above the first path.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(current) = dir {
        let candidate = current.join(settings::CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if current.join(".git").exists() {
            return None;
        }
        dir = current.parent();
    }
    None
}

/// The codes of the rules a run uses: the selection (or the defaults), plus extensions, minus
/// ignores; syntax-error rules always run.
pub(crate) fn enabled_rules(
    settings: &Settings,
    options_select: Option<&[String]>,
    extend: &[String],
    ignore: &[String],
) -> Vec<&'static dyn Rule> {
    let select: Option<Vec<String>> = options_select
        .map(<[String]>::to_vec)
        .or_else(|| settings.rules.select.clone());
    let extends: Vec<&String> = settings.rules.extend_select.iter().chain(extend).collect();
    let ignores: Vec<&String> = settings.rules.ignore.iter().chain(ignore).collect();
    registry::all()
        .iter()
        .copied()
        .filter(|rule| {
            let meta = rule.meta();
            // A rule runs when the selection takes it, or when a category selector might take
            // one of its findings: a finding may carry another category than its rule (see
            // `finding_selected`), so a category is decided finding by finding.
            !meta.can_disable
                || selection_takes(
                    select.as_deref(),
                    &extends,
                    &ignores,
                    meta.enabled_by_default,
                    &|selector| registry::selects_rule(selector, meta),
                )
                || selection_takes(
                    select.as_deref(),
                    &extends,
                    &ignores
                        .iter()
                        .copied()
                        .filter(|selector| Category::parse(selector).is_none())
                        .collect::<Vec<_>>(),
                    meta.enabled_by_default,
                    &|selector| {
                        registry::selects(selector, meta.code)
                            || Category::parse(selector).is_some()
                    },
                )
        })
        .collect()
}

/// Whether the selection takes something `selects` answers for (a rule, or one finding).
fn selection_takes(
    select: Option<&[String]>,
    extends: &[&String],
    ignores: &[&String],
    by_default: bool,
    selects: &dyn Fn(&str) -> bool,
) -> bool {
    let base = match select {
        Some(selectors) => selectors.iter().any(|s| selects(s)),
        None => by_default,
    };
    let on = base || extends.iter().any(|s| selects(s));
    on && !ignores.iter().any(|s| selects(s))
}

/// Whether the selection takes this finding, by its code or by its own category: a finding
/// may carry another category than its rule (CDY011 reports what Caddy loads as `correctness`,
/// CDY001 a `storage` Caddy refuses as `load`), so `--select load` is a "will it start?" gate.
fn finding_selected(
    settings: &Settings,
    options_select: Option<&[String]>,
    extend: &[String],
    ignore: &[String],
    diagnostic: &Diagnostic,
) -> bool {
    let Some(rule) = registry::by_code(diagnostic.code) else {
        return true;
    };
    let meta = rule.meta();
    if !meta.can_disable {
        return true;
    }
    let select: Option<Vec<String>> = options_select
        .map(<[String]>::to_vec)
        .or_else(|| settings.rules.select.clone());
    let extends: Vec<&String> = settings.rules.extend_select.iter().chain(extend).collect();
    let ignores: Vec<&String> = settings.rules.ignore.iter().chain(ignore).collect();
    selection_takes(
        select.as_deref(),
        &extends,
        &ignores,
        meta.enabled_by_default,
        &|selector| {
            registry::selects(selector, meta.code)
                || Category::parse(selector) == Some(diagnostic.category)
        },
    )
}

pub(crate) use discovery::io_cause;

/// Check `inputs`.
pub fn check(inputs: &[Input], options: &CheckOptions<'_>) -> Result<Report, CheckError> {
    check_with_overlay(inputs, options, None)
}

/// Check `inputs`, reading the files named in `overlay` (by canonical path) from there.
pub fn check_with_overlay(
    inputs: &[Input],
    options: &CheckOptions<'_>,
    overlay: Option<&HashMap<PathBuf, std::sync::Arc<str>>>,
) -> Result<Report, CheckError> {
    for selector in options
        .select
        .iter()
        .flatten()
        .chain(&options.extend_select)
        .chain(&options.ignore)
    {
        registry::check_selector(selector, "command line").map_err(CheckError::Selector)?;
    }
    let plan = units::plan(inputs, &options.settings).map_err(CheckError::Discovery)?;
    // With two deployment trees or more the reports are certainly merged, and the merge keeps
    // none of the parsed documents: each worker drops its own right after linting, so the
    // freeing runs in parallel and the next unit reuses the memory (500 tenants held every
    // tree to the end: a ~230 MB peak, page faults, and a serial free in the merge).
    let merged = plan.iter().filter(|unit| unit.root.is_some()).count() > 1;
    let threads = units::Threads::for_run(options.threads, plan.len());
    let mut reports = units::run_parallel(plan.len(), threads.used, &|index| {
        let report = check_unit(&plan[index], options, overlay)?;
        Ok(if merged {
            units::without_documents(report)
        } else {
            report
        })
    })
    .into_iter()
    .collect::<Result<Vec<Report>, CheckError>>()?;
    // Loose files that turned out to be none (a folder holding only deployment trees) are
    // not a unit of the run.
    if reports.len() > 1 && plan[0].root.is_none() {
        let first = &reports[0];
        if first.deployment.files.is_empty()
            && first.deployment.unknown.is_empty()
            && first.diagnostics.is_empty()
        {
            reports.remove(0);
        }
    }
    let mut report = if reports.len() == 1 {
        reports.remove(0)
    } else {
        units::merge(reports)
    };
    report.threads = threads;
    Ok(report)
}

/// Discover and lint one unit with its own settings.
fn check_unit(
    unit: &units::Unit,
    options: &CheckOptions<'_>,
    overlay: Option<&HashMap<PathBuf, std::sync::Arc<str>>>,
) -> Result<Report, CheckError> {
    let setup = units::setup(unit, options)?;
    let mut sources = SourceMap::new();
    let discover_options = discovery::DiscoverOptions {
        forced_kind: options.forced_kind,
        overlay,
    };
    let mut deployment = load::discover_and_load(
        &unit.inputs,
        &setup.settings,
        discover_options,
        options.env,
        &mut sources,
    )
    .map_err(CheckError::Discovery)?;
    let rules = enabled_rules(
        &setup.settings,
        options.select.as_deref(),
        &options.extend_select,
        &options.ignore,
    );
    let mut diagnostics = lint(
        &deployment,
        &sources,
        &setup.settings,
        setup.baseline.as_ref(),
        &rules,
    );
    diagnostics.retain(|diagnostic| {
        finding_selected(
            &setup.settings,
            options.select.as_deref(),
            &options.extend_select,
            &options.ignore,
            diagnostic,
        )
    });
    // A file of no known kind that a checked file imports (a Caddy `import` glob) was read
    // and checked as part of that file: it is not "not checked".
    if !deployment.unknown.is_empty() {
        let imported: std::collections::HashSet<&Path> = deployment
            .disk_paths
            .values()
            .map(PathBuf::as_path)
            .collect();
        let read = |path: &PathBuf| {
            std::fs::canonicalize(path).is_ok_and(|disk| imported.contains(disk.as_path()))
        };
        let unknown = std::mem::take(&mut deployment.unknown);
        deployment.unknown = unknown.into_iter().filter(|path| !read(path)).collect();
    }
    let summary = units::UnitReport {
        root: unit.root.clone(),
        config: setup.settings.config_path.clone(),
        baseline: setup.baseline_path,
        files: deployment
            .files
            .iter()
            .map(|input| sources.get(input.file).path().to_path_buf())
            .collect(),
        unknown: deployment.unknown.clone(),
        enabled: rules.iter().map(|rule| rule.meta().code).collect(),
        settings: setup.settings,
    };
    Ok(Report {
        sources,
        diagnostics,
        deployment,
        enabled: rules.iter().map(|rule| rule.meta().code).collect(),
        units: vec![summary],
        threads: units::Threads::for_run(Some(1), 1),
    })
}

/// Run `rules` over a discovered deployment and post-process the findings: configured
/// severities, inline suppressions, de-duplication and ordering.
pub(crate) fn lint(
    deployment: &Deployment,
    sources: &SourceMap,
    settings: &Settings,
    baseline: Option<&Baseline>,
    rules: &[&'static dyn Rule],
) -> Vec<Diagnostic> {
    let ctx = Context {
        deployment,
        settings,
        sources,
        baseline,
    };
    // One thread: running one unit's rules side by side was slower in every measured case
    // (spawning threads, per-thread allocator heaps, findings freed across threads; see
    // docs/benchmarks-profile.md, round eight). Several units share the threads instead.
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for rule in rules {
        rule.check(&ctx, &mut diagnostics);
    }
    let enabled: HashSet<&str> = rules.iter().map(|rule| rule.meta().code).collect();
    if !settings.per_path_ignores.is_empty() {
        diagnostics = per_path_ignores(diagnostics, deployment, sources, settings);
    }

    if !settings.no_inline_ignores {
        let mut problems = Vec::new();
        let mut suppressions = Vec::new();
        let mut caddy_files: Vec<_> = deployment
            .caddyfiles
            .iter()
            .flat_map(|doc| {
                std::iter::once(doc.caddyfile.file)
                    .chain(doc.caddyfile.imported_files.iter().copied())
            })
            .collect();
        caddy_files.sort();
        caddy_files.dedup();
        // Suppression comments are found in each file's lossless tree, built on demand (only
        // for a file that holds `gblint:`).
        let parses: std::collections::HashMap<_, _> = deployment
            .caddyfiles
            .iter()
            .map(|doc| (doc.caddyfile.file, &doc.caddyfile))
            .collect();
        for file in caddy_files {
            let parsed = parses.get(&file).copied();
            suppressions.extend(suppression::collect_caddy(
                file,
                sources,
                parsed,
                &mut problems,
            ));
        }
        for doc in &deployment.iptables {
            suppressions.extend(suppression::collect_lines(doc.file, sources, &mut problems));
        }
        for input in &deployment.files {
            // Every other checked kind: Caddyfiles and iptables dumps were collected above.
            if input.kind.is_checked()
                && !matches!(input.kind, FileKind::Caddyfile | FileKind::Iptables)
            {
                suppressions.extend(suppression::collect(
                    input.kind,
                    input.file,
                    sources,
                    &mut problems,
                ));
            }
        }
        diagnostics = suppression::apply(diagnostics, &mut suppressions);
        if enabled.contains("GBL900") {
            diagnostics.extend(suppression::unused(&suppressions, &|code| {
                enabled.contains(code)
            }));
        }
        if enabled.contains("GBL901") {
            diagnostics.extend(problems);
        }
    }

    for diagnostic in &mut diagnostics {
        if let Some(severity) = settings
            .rules
            .severity
            .iter()
            .find(|(selector, _)| {
                registry::selects(selector, diagnostic.code)
                    || Category::parse(selector) == Some(diagnostic.category)
            })
            .map(|(_, s)| *s)
        {
            let can_change =
                registry::by_code(diagnostic.code).is_none_or(|rule| rule.meta().can_disable);
            if can_change {
                diagnostic.severity = severity;
            }
        }
    }
    sort_findings(&mut diagnostics, sources);
    diagnostics.dedup_by(|a, b| {
        a.file == b.file && a.range == b.range && a.code == b.code && a.message == b.message
    });
    diagnostics
}

/// Drop the findings `[per-path-ignores]` switches off for their file. Syntax errors (rules
/// that cannot be disabled) stay.
fn per_path_ignores(
    diagnostics: Vec<Diagnostic>,
    deployment: &Deployment,
    sources: &SourceMap,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut by_file: HashMap<gblint_diagnostics::FileId, Vec<&str>> = HashMap::new();
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let Some(rule) = registry::by_code(diagnostic.code) else {
                return true;
            };
            if !rule.meta().can_disable {
                return true;
            }
            let selectors = by_file.entry(diagnostic.file).or_insert_with(|| {
                // Files gblint only scanned (secrets) have no disk path recorded.
                let disk = deployment
                    .disk_paths
                    .get(&diagnostic.file)
                    .cloned()
                    .or_else(|| std::fs::canonicalize(sources.get(diagnostic.file).path()).ok());
                disk.map(|disk| settings.ignored_for(&disk))
                    .unwrap_or_default()
            });
            !selectors
                .iter()
                .any(|selector| registry::selects_rule(selector, rule.meta()))
        })
        .collect()
}

/// The order findings are reported in: by file path, position, code, then message. One home for
/// it, so a run of several units reads like a run of one.
pub(crate) fn sort_findings(diagnostics: &mut [Diagnostic], sources: &SourceMap) {
    diagnostics.sort_by(|a, b| {
        sources
            .get(a.file)
            .path()
            .cmp(sources.get(b.file).path())
            .then(a.range.start().cmp(&b.range.start()))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}

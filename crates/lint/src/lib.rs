//! gblint's rule engine: discovery of what to check, the rule registry, configuration,
//! suppressions, and the run that turns parsed files into diagnostics.
//!
//! The engine depends on the format crates; they know nothing about rules. Nothing here
//! prints: [`check`] returns a [`Report`] and the CLI decides how to show it.
#![deny(missing_docs)]

pub mod baseline;
pub mod context;
pub mod deployment;
pub mod discovery;
pub mod dns;
pub mod fix;
pub mod format;
pub mod iptables;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod secrets;
pub mod services;
pub mod settings;
pub mod suppression;
pub mod write;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use gblint_diagnostics::{Diagnostic, Severity, SourceMap};

pub use baseline::Baseline;
pub use context::Context;
pub use deployment::Deployment;
pub use discovery::{DiscoveryError, Input};
pub use format::Format;
pub use rule::{FixAvailability, Rule, RuleMeta};
pub use settings::{ConfigError, Settings};

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
    /// `--format`: force the format of explicitly named files.
    pub forced_format: Option<Format>,
    /// Environment for `{$VAR}` substitution.
    pub env: gblint_caddyfile::env::EnvLookup<'a>,
    /// The baseline CDY010 compares against, if any.
    pub baseline: Option<Baseline>,
}

impl<'a> CheckOptions<'a> {
    /// Options with `settings`, no command-line overrides and no baseline.
    pub fn new(settings: Settings, env: gblint_caddyfile::env::EnvLookup<'a>) -> Self {
        CheckOptions {
            settings,
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            forced_format: None,
            env,
            baseline: None,
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
}

impl Report {
    /// A report of nothing (a placeholder while the next one is built).
    pub fn empty() -> Report {
        Report {
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            deployment: Deployment::default(),
            enabled: Vec::new(),
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
pub fn enabled_rules(
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
            if !meta.can_disable {
                return true;
            }
            let base = match &select {
                Some(selectors) => selectors.iter().any(|s| registry::selects(s, meta.code)),
                None => meta.enabled_by_default,
            };
            let on = base || extends.iter().any(|s| registry::selects(s, meta.code));
            on && !ignores.iter().any(|s| registry::selects(s, meta.code))
        })
        .collect()
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
    overlay: Option<&HashMap<PathBuf, String>>,
) -> Result<Report, CheckError> {
    for selector in options
        .select
        .iter()
        .flatten()
        .chain(&options.extend_select)
        .chain(&options.ignore)
    {
        settings::check_selector(selector, "command line").map_err(CheckError::Selector)?;
    }
    let mut sources = SourceMap::new();
    let discover_options = discovery::DiscoverOptions {
        forced_format: options.forced_format,
        env: options.env,
        overlay,
        parse: true,
    };
    let deployment = discovery::discover(inputs, &options.settings, discover_options, &mut sources)
        .map_err(CheckError::Discovery)?;
    let rules = enabled_rules(
        &options.settings,
        options.select.as_deref(),
        &options.extend_select,
        &options.ignore,
    );
    let diagnostics = lint(
        &deployment,
        &sources,
        &options.settings,
        options.baseline.as_ref(),
        &rules,
    );
    Ok(Report {
        sources,
        diagnostics,
        deployment,
        enabled: rules.iter().map(|rule| rule.meta().code).collect(),
    })
}

/// Run `rules` over a discovered deployment and post-process the findings: configured
/// severities, inline suppressions, de-duplication and ordering.
pub fn lint(
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
    let mut diagnostics = Vec::new();
    for rule in rules {
        rule.check(&ctx, &mut diagnostics);
    }
    let enabled: HashSet<&str> = rules.iter().map(|rule| rule.meta().code).collect();

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
        for file in caddy_files {
            suppressions.extend(suppression::collect_caddy(file, sources, &mut problems));
        }
        for doc in &deployment.iptables {
            suppressions.extend(suppression::collect_lines(doc.file, sources, &mut problems));
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
            .find(|(code, _)| registry::selects(code, diagnostic.code))
            .map(|(_, s)| *s)
        {
            let can_change =
                registry::by_code(diagnostic.code).is_none_or(|rule| rule.meta().can_disable);
            if can_change {
                diagnostic.severity = severity;
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        sources
            .get(a.file)
            .path()
            .cmp(sources.get(b.file).path())
            .then(a.range.start().cmp(&b.range.start()))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
    diagnostics.dedup_by(|a, b| {
        a.file == b.file && a.range == b.range && a.code == b.code && a.message == b.message
    });
    diagnostics
}

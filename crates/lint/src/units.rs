//! Splitting a run into units and joining their reports.
//!
//! A folder given to `gblint check` may hold many deployment trees (`tenants/a/`, `tenants/b/`,
//! …). Cross-file rules only mean something inside one deployment (tenant A's zones say
//! nothing about tenant B's sites), so each tree found is discovered and linted on its own,
//! with the `gblint.toml` nearest to it, and the units run in parallel. Files outside every
//! deployment are one more unit, checked file by file as before. The reports are then joined
//! into one: the files of each unit are appended to a single source map and every file id of
//! the unit's findings and file lists is shifted by the files before it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use gblint_diagnostics::{FileId, SourceMap};

use crate::deployment::{Deployment, MachineId};
use crate::discovery::{is_deployment_root, nested_deployments, Input};
use crate::{Baseline, CheckError, DiscoveryError, Report, Settings};

/// One part of a run: a deployment tree, or the files outside every deployment tree.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The deployment root; `None` for loose files.
    pub root: Option<PathBuf>,
    /// What discovery reads for this unit.
    pub inputs: Vec<Input>,
}

/// What one unit of a finished run was: for `--show-files`, `--show-settings` and summaries.
#[derive(Clone, Debug)]
pub struct UnitReport {
    /// The deployment root; `None` for loose files.
    pub root: Option<PathBuf>,
    /// The configuration file it used (`None`: built-in defaults).
    pub config: Option<PathBuf>,
    /// Its effective settings.
    pub settings: Settings,
    /// The baseline file CDY010 compared against, if any.
    pub baseline: Option<String>,
    /// Files checked.
    pub files: Vec<PathBuf>,
    /// Files in formats gblint does not check.
    pub unknown: Vec<PathBuf>,
    /// Codes of the rules that ran, after the configuration and the command line.
    pub enabled: Vec<&'static str>,
}

/// Split `inputs` into units: every deployment tree named or found below a named folder,
/// then (first in the list) everything else.
pub fn plan(inputs: &[Input], settings: &Settings) -> Result<Vec<Unit>, DiscoveryError> {
    let mut loose = Vec::new();
    let mut deployments: Vec<PathBuf> = Vec::new();
    // A set, not a list: this runs on the main thread before any unit starts, and comparing
    // each of 500 tenants' roots with every root before it was most of that time (issue #17).
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut add = |root: PathBuf, deployments: &mut Vec<PathBuf>| {
        let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        if seen.insert(canonical) {
            deployments.push(root);
        }
    };
    for input in inputs {
        let (Input::Path(path) | Input::FolderOutsideDeployments(path)) = input else {
            loose.push(input.clone());
            continue;
        };
        let meta = std::fs::metadata(path).map_err(|err| {
            DiscoveryError(format!("{}: {}", path.display(), crate::io_cause(&err)))
        })?;
        if !meta.is_dir() {
            loose.push(input.clone());
        } else if is_deployment_root(path) {
            add(path.clone(), &mut deployments);
        } else {
            for root in nested_deployments(path, settings)? {
                add(root, &mut deployments);
            }
            // The folder walk leaves the nested trees out.
            loose.push(Input::FolderOutsideDeployments(path.clone()));
        }
    }
    let mut units = Vec::new();
    if !loose.is_empty() {
        units.push(Unit {
            root: None,
            inputs: loose,
        });
    }
    units.extend(deployments.into_iter().map(|root| Unit {
        inputs: vec![Input::Path(root.clone())],
        root: Some(root),
    }));
    Ok(units)
}

/// The settings and baseline a unit uses, and the check itself, as given by the caller.
pub(crate) struct UnitSetup {
    pub settings: Settings,
    pub baseline: Option<Baseline>,
    pub baseline_path: Option<String>,
}

/// The configuration of a deployment unit: its nearest `gblint.toml` when the run looks for
/// one per deployment, the run's own otherwise. Command-line overrides carry over.
pub(crate) fn setup(
    unit: &Unit,
    options: &crate::CheckOptions<'_>,
) -> Result<UnitSetup, CheckError> {
    let own = |settings: &Settings| UnitSetup {
        settings: settings.clone(),
        baseline: options.baseline.clone(),
        baseline_path: options.baseline.as_ref().map(|b| b.origin.clone()),
    };
    let Some(root) = unit.root.as_deref() else {
        return Ok(own(&options.settings));
    };
    let mut setup = if options.config_search {
        let found = crate::find_config(root);
        let same = match (&found, &options.settings.config_path) {
            (Some(found), Some(current)) => same_file(found, current),
            (None, None) => true,
            _ => false,
        };
        if same {
            own(&options.settings)
        } else {
            let mut settings = match &found {
                Some(path) => Settings::load(path).map_err(CheckError::Config)?,
                None => Settings::default(),
            };
            settings.no_inline_ignores = options.settings.no_inline_ignores;
            if let Some(bytes) = options.max_file_bytes {
                settings.limits.max_file_bytes = bytes;
            }
            own(&settings)
        }
    } else {
        own(&options.settings)
    };
    if options.baseline_search {
        let path = crate::baseline::find(root, &setup.settings);
        setup.baseline = match &path {
            Some(path) => Some(
                Baseline::load(path)
                    .map_err(|err| CheckError::Discovery(DiscoveryError(err.to_string())))?,
            ),
            None => None,
        };
        setup.baseline_path = setup.baseline.as_ref().map(|b| b.origin.clone());
    }
    Ok(setup)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// How many threads a run checked its units on, and why that many (`--show-settings`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Threads {
    /// Threads that checked units: never more than the units, never fewer than one.
    pub used: usize,
    /// `--threads N` as given; `None`: one per core.
    pub requested: Option<usize>,
    /// Cores the process may use (`std::thread::available_parallelism`).
    pub cores: usize,
    /// Units the run had to check (deployment trees, and the files outside them).
    pub units: usize,
}

impl Threads {
    /// The threads for `units` units: `requested`, or one per core the process may use, and
    /// no more than there are units.
    pub fn for_run(requested: Option<usize>, units: usize) -> Threads {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let wanted = requested.unwrap_or(cores).max(1);
        Threads {
            used: wanted.min(units).max(1),
            requested,
            cores,
            units,
        }
    }
}

/// Run `work` over `count` units on `threads` threads (see [`Threads::for_run`]), keeping the
/// order of the units in the result: the output never depends on which thread finished first.
pub(crate) fn run_parallel<T: Send>(
    count: usize,
    threads: usize,
    work: &(dyn Fn(usize) -> T + Sync),
) -> Vec<T> {
    if threads <= 1 {
        return (0..count).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    break;
                }
                let result = work(index);
                results.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|result| result.expect("every unit ran"))
        .collect()
}

/// `report` with only what [`merge`] keeps of its deployment: the parsed documents go.
pub(crate) fn without_documents(report: Report) -> Report {
    let Deployment {
        machines,
        files,
        secrets,
        skipped,
        unknown,
        read_problems,
        disk_paths,
        stdin,
        ..
    } = report.deployment;
    Report {
        deployment: Deployment {
            machines,
            files,
            secrets,
            skipped,
            unknown,
            read_problems,
            disk_paths,
            stdin,
            ..Deployment::default()
        },
        ..report
    }
}

/// Join the reports of several units into one. File ids are shifted; the parsed documents of
/// each deployment (Caddyfile trees, rulesets, …) are not kept, only what describes the run:
/// the files, machines, disk paths and skipped files.
pub(crate) fn merge(parts: Vec<Report>) -> Report {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut deployment = Deployment::default();
    let mut enabled: Vec<&'static str> = Vec::new();
    let mut units = Vec::new();
    for part in parts {
        let offset = u32::try_from(sources.len()).unwrap_or(u32::MAX);
        let shift = |file: FileId| FileId(file.0.saturating_add(offset));
        for file in part.sources.into_files() {
            sources.add(file);
        }
        for mut diagnostic in part.diagnostics {
            diagnostic.file = shift(diagnostic.file);
            for label in &mut diagnostic.labels {
                label.file = shift(label.file);
            }
            diagnostics.push(diagnostic);
        }
        let machines = deployment.machines.len();
        let other = part.deployment;
        deployment.machines.extend(other.machines);
        deployment
            .files
            .extend(other.files.into_iter().map(|mut input| {
                input.file = shift(input.file);
                input.machine = input.machine.map(|m| MachineId(m.0 + machines));
                input
            }));
        deployment.disk_paths.extend(
            other
                .disk_paths
                .into_iter()
                .map(|(file, path)| (shift(file), path)),
        );
        if let Some(stdin) = other.stdin {
            deployment.stdin = Some(shift(stdin));
        }
        deployment
            .secrets
            .extend(other.secrets.into_iter().map(|mut secret| {
                secret.file = shift(secret.file);
                secret
            }));
        deployment
            .read_problems
            .extend(other.read_problems.into_iter().map(|mut problem| {
                problem.file = shift(problem.file);
                problem
            }));
        deployment.skipped.extend(other.skipped);
        deployment.unknown.extend(other.unknown);
        for code in part.enabled {
            if !enabled.contains(&code) {
                enabled.push(code);
            }
        }
        units.extend(part.units);
    }
    // Same order as a single unit's report: by path, position, code.
    crate::sort_findings(&mut diagnostics, &sources);
    // A file named on its own and again inside a named tree is read by two units.
    let mut seen = HashSet::new();
    diagnostics.retain(|d| {
        let file = deployment
            .disk_paths
            .get(&d.file)
            .cloned()
            .unwrap_or_else(|| sources.get(d.file).path().to_path_buf());
        seen.insert((file, d.range, d.code, d.message.clone()))
    });
    Report {
        sources,
        diagnostics,
        deployment,
        enabled,
        units,
        // The run sets it: a merge does not know how its parts were checked.
        threads: Threads::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::{run_parallel, Threads};

    /// `--threads N` is taken as given up to the number of units; the default is one per core
    /// with the same cap; there is always at least one thread.
    #[test]
    fn threads_are_asked_for_and_capped_at_the_units() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert_eq!(Threads::for_run(Some(1), 500).used, 1);
        assert_eq!(Threads::for_run(Some(7), 500).used, 7);
        assert_eq!(Threads::for_run(Some(7), 3).used, 3);
        assert_eq!(Threads::for_run(Some(7), 0).used, 1);
        assert_eq!(Threads::for_run(None, 500).used, cores.min(500));
        assert_eq!(Threads::for_run(None, 1).used, 1);
        assert_eq!(Threads::for_run(None, 500).requested, None);
    }

    /// One thread runs every unit on the calling thread; several keep the units' order.
    #[test]
    fn run_parallel_keeps_the_order_on_any_number_of_threads() {
        let caller = std::thread::current().id();
        let on_caller = run_parallel(20, 1, &|_| std::thread::current().id() == caller);
        assert!(on_caller.iter().all(|same| *same));
        for threads in [2, 3, 7] {
            let squares = run_parallel(50, threads, &|index| index * index);
            assert_eq!(squares, (0..50).map(|i| i * i).collect::<Vec<_>>());
        }
    }
}

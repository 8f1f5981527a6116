//! Discovery: turning command-line paths into a [`Deployment`] of read files — which files
//! (deployment trees with machines at the top level and files at their absolute path on each
//! machine, or plain files and folders), which format each is in, and their text. Nothing is
//! parsed here: [`crate::load`] turns the files into the deployment model.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gblint_diagnostics::{SourceFile, SourceMap, TextRange};

use crate::deployment::{
    Deployment, Fence, InputFile, Machine, MachineId, ReadProblem, SkippedFile,
};
use crate::file_kind::{detect_by_path, sniff, FileKind};
use crate::settings::{Settings, CONFIG_FILE, ROLES};

/// One thing to check.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file or folder on disk. A folder that is not a deployment tree is checked file by
    /// file, deployment trees below it included.
    Path(PathBuf),
    /// A folder checked file by file, leaving out the deployment trees below it (a run checks
    /// those on their own; see [`crate::units`]).
    FolderOutsideDeployments(PathBuf),
    /// Text from standard input, reported under `name` (imports resolve next to it).
    Stdin {
        /// `--stdin-filename`.
        name: PathBuf,
        /// The text.
        text: String,
    },
}

/// Why discovery could not proceed (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryError(pub String);

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DiscoveryError {}

/// The role a machine folder name implies: `host`, or the suffix after `<tenant>-`.
pub(crate) fn role_from_name(name: &str) -> Option<&'static str> {
    if name == "host" {
        return Some("host");
    }
    // Longest role first so `alm-ci` wins over `ci`-less `alm` and `table-editor` over `editor`.
    let mut roles: Vec<&'static str> = ROLES.to_vec();
    roles.sort_by_key(|role| std::cmp::Reverse(role.len()));
    roles.into_iter().find(|role| {
        *role != "host" && name.len() > role.len() + 1 && name.ends_with(&format!("-{role}"))
    })
}

/// Whether `dir` is a deployment tree: it has a `gblint.toml` with a `[deployment]` or
/// `[machines]` table, or a top-level folder named like a machine.
pub(crate) fn is_deployment_root(dir: &Path) -> bool {
    if has_deployment_config(dir) {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        entry.file_type().is_ok_and(|t| t.is_dir())
            && role_from_name(&entry.file_name().to_string_lossy()).is_some()
    })
}

/// Whether `dir`, met while searching a folder, is a deployment tree of its own. Stricter than
/// [`is_deployment_root`] (which judges a folder the user named): a `gblint.toml` with a
/// `[deployment]` or `[machines]` table, or top-level folders that are all machines — `host` or
/// `<tenant>-<role>` with one tenant — so that a folder that merely holds a `kube-proxy`
/// beside `docker` is not taken for a tenant.
pub(crate) fn is_nested_deployment_root(dir: &Path) -> bool {
    if has_deployment_config(dir) {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut tenant: Option<String> = None;
    let mut machines = 0usize;
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if name == "host" {
            machines += 1;
            continue;
        }
        let Some(role) = role_from_name(&name) else {
            return false;
        };
        let prefix = name[..name.len() - role.len() - 1].to_owned();
        match &tenant {
            Some(known) if *known != prefix => return false,
            Some(_) => {}
            None => tenant = Some(prefix),
        }
        machines += 1;
    }
    machines > 0
}

fn has_deployment_config(dir: &Path) -> bool {
    gblint_diagnostics::read::read_limited(
        &dir.join(CONFIG_FILE),
        gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
    )
    .is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes).lines().any(|line| {
            line.trim_start().starts_with("[deployment]")
                || line.trim_start().starts_with("[machines")
        })
    })
}

struct Collected {
    path: PathBuf,
    disk: Option<PathBuf>,
    text: Option<String>,
    machine: Option<usize>,
    machine_path: Option<String>,
    kind: Option<FileKind>,
    explicit: bool,
    /// Read by the secret scan only (hidden, a renamed copy, top-level files of a tree): never
    /// linted, and not listed as "not checked" either.
    secret_only: bool,
    /// `disk` is already the real path (the walk resolved it), so reading needs no
    /// `canonicalize` of its own.
    resolved: bool,
}

impl Collected {
    /// A file only the secret scan reads (hidden, a renamed copy, outside any machine).
    fn secret_only(disk: PathBuf, path: PathBuf) -> Collected {
        Collected {
            path,
            disk: Some(disk),
            text: None,
            machine: None,
            machine_path: None,
            kind: None,
            explicit: false,
            secret_only: true,
            resolved: false,
        }
    }

    /// A file the walk found: resolved when the walk knew its real path.
    fn walked(walked: Walked) -> Collected {
        let resolved = walked.disk.is_some();
        Collected {
            resolved,
            ..Collected::secret_only(
                walked.disk.unwrap_or_else(|| walked.path.clone()),
                walked.path,
            )
        }
    }
}

/// How to discover.
#[derive(Clone, Copy, Default)]
pub struct DiscoverOptions<'a> {
    /// `--kind`: the kind of the explicitly named files.
    pub forced_kind: Option<FileKind>,
    /// Texts that replace files on disk, by canonical path (the fix loop's pending edits),
    /// shared with the sources that read them.
    pub overlay: Option<&'a HashMap<PathBuf, Arc<str>>>,
}

/// Build the deployment for `inputs`, reading files into `sources`: its machines and input
/// files with their formats, nothing parsed yet (see [`crate::load::load`]).
pub fn discover(
    inputs: &[Input],
    settings: &Settings,
    options: DiscoverOptions<'_>,
    sources: &mut SourceMap,
) -> Result<Deployment, DiscoveryError> {
    let mut deployment = Deployment::default();
    let (collected, fences) = collect(inputs, settings, options.forced_kind, &mut deployment)?;
    let mut canonical_dirs = CanonicalDirs::default();
    scan_for_secrets(
        &collected,
        &fences,
        settings.limits.max_file_bytes,
        &mut canonical_dirs,
        &mut deployment,
        sources,
    );
    read_inputs(
        collected,
        &fences,
        settings,
        options.overlay,
        &mut canonical_dirs,
        &mut deployment,
        sources,
    )?;
    Ok(deployment)
}

/// The import fence of each collected file, by its index.
type Fences = HashMap<usize, Fence>;

/// Every file `inputs` name or hold, with its format when its path tells it, and the machines
/// of a deployment tree (into `deployment`).
fn collect(
    inputs: &[Input],
    settings: &Settings,
    forced_kind: Option<FileKind>,
    deployment: &mut Deployment,
) -> Result<(Vec<Collected>, Fences), DiscoveryError> {
    let mut collected: Vec<Collected> = Vec::new();
    let mut fences: Fences = HashMap::new();
    let cwd = std::env::current_dir().ok();

    for input in inputs {
        match input {
            Input::Stdin { name, text } => {
                let kind = forced_kind
                    .or_else(|| detect_by_path(name, None, None))
                    .or_else(|| sniff(text));
                let kind = kind.ok_or_else(|| {
                    DiscoveryError(format!(
                        "cannot tell what kind of file {} (standard input) is; pass --kind",
                        name.display()
                    ))
                })?;
                let disk = absolute(name, cwd.as_deref());
                let fence = disk
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("/"));
                fences.insert(
                    collected.len(),
                    Fence::lone(fence_for(&disk, cwd.as_deref()).unwrap_or(fence)),
                );
                collected.push(Collected {
                    path: name.clone(),
                    disk: Some(disk),
                    text: Some(text.clone()),
                    machine: None,
                    machine_path: None,
                    kind: Some(kind),
                    explicit: true,
                    secret_only: false,
                    resolved: false,
                });
            }
            Input::Path(path) | Input::FolderOutsideDeployments(path) => {
                let nested = if matches!(input, Input::FolderOutsideDeployments(_)) {
                    Nested::Skip
                } else {
                    Nested::Walk
                };
                let meta = std::fs::metadata(path).map_err(|err| {
                    DiscoveryError(format!("{}: {}", path.display(), io_cause(&err)))
                })?;
                if meta.is_dir() && nested == Nested::Walk && is_deployment_root(path) {
                    collect_deployment(path, settings, deployment, &mut collected, &mut fences)?;
                } else if meta.is_dir() {
                    let root = std::fs::canonicalize(path).map_err(|err| {
                        DiscoveryError(format!("{}: {}", path.display(), io_cause(&err)))
                    })?;
                    let mut files = Vec::new();
                    let mut hidden = Vec::new();
                    walk(path, &root, &mut files, &mut hidden, settings, nested)?;
                    for Walked { path: file, .. } in hidden {
                        collected.push(Collected::secret_only(
                            absolute(&file, cwd.as_deref()),
                            file,
                        ));
                    }
                    for Walked { path: file, .. } in files {
                        let kind = detect_by_path(&file, None, None);
                        fences.insert(collected.len(), Fence::lone(root.clone()));
                        collected.push(Collected {
                            disk: Some(absolute(&file, cwd.as_deref())),
                            path: file,
                            text: None,
                            machine: None,
                            machine_path: None,
                            kind,
                            explicit: false,
                            secret_only: false,
                            resolved: false,
                        });
                    }
                } else {
                    let disk = absolute(path, cwd.as_deref());
                    let fence = fence_for(&disk, cwd.as_deref()).unwrap_or_else(|| {
                        disk.parent().map(Path::to_path_buf).unwrap_or_default()
                    });
                    fences.insert(collected.len(), Fence::lone(fence));
                    let kind = forced_kind.or_else(|| detect_by_path(path, None, None));
                    collected.push(Collected {
                        path: path.clone(),
                        disk: Some(disk),
                        text: None,
                        machine: None,
                        machine_path: None,
                        kind,
                        explicit: true,
                        secret_only: false,
                        resolved: false,
                    });
                }
            }
        }
    }

    Ok((collected, fences))
}

/// Secrets are looked for in every file of the tree, whatever its format: here the files that
/// are not read as inputs (those are scanned from their text in [`read_inputs`], one open per
/// file, not two).
fn scan_for_secrets(
    collected: &[Collected],
    fences: &Fences,
    max_bytes: u64,
    canonical_dirs: &mut CanonicalDirs,
    deployment: &mut Deployment,
    sources: &mut SourceMap,
) {
    for (index, item) in collected.iter().enumerate() {
        if item.kind.is_some() || item.explicit {
            continue;
        }
        // A link out of the tree is not read, not even its first bytes.
        let outside = item.text.is_none()
            && item.disk.as_deref().is_some_and(|disk| {
                let real = if item.resolved {
                    Some(disk.to_path_buf())
                } else {
                    canonical_dirs.canonicalize(disk)
                };
                real.is_some_and(|real| outside_fence(&real, fences.get(&index)).is_some())
            });
        if outside {
            continue;
        }
        let disk = item.disk.as_deref().unwrap_or(&item.path);
        if let Some(reason) = crate::secrets::scan_file(&item.path, disk, max_bytes) {
            let file = sources.add(SourceFile::new(item.path.clone(), String::new()));
            deployment.secrets.push(crate::deployment::SecretFile {
                file,
                reason: reason.to_owned(),
            });
        }
    }
}

/// Read every collected file whose format is known (or, for explicit files, sniff it) into
/// `sources` and `deployment.files`; report the unknown, skipped, unreadable and secret ones.
fn read_inputs(
    mut collected: Vec<Collected>,
    fences: &Fences,
    settings: &Settings,
    overlay: Option<&HashMap<PathBuf, Arc<str>>>,
    canonical_dirs: &mut CanonicalDirs,
    deployment: &mut Deployment,
    sources: &mut SourceMap,
) -> Result<(), DiscoveryError> {
    for (index, item) in collected.iter_mut().enumerate() {
        if item.kind.is_none() && !item.explicit {
            if !item.secret_only {
                deployment.unknown.push(item.path.clone());
            }
            continue;
        }
        let is_stdin = item.text.is_some();
        let canonical = if is_stdin {
            None
        } else {
            let disk = item.disk.clone().unwrap_or_else(|| item.path.clone());
            if item.resolved {
                Some(disk)
            } else {
                canonical_dirs.canonicalize(&disk)
            }
        };
        let pending = canonical
            .as_ref()
            .and_then(|path| overlay.and_then(|overlay| overlay.get(path)));
        // A file that resolves outside its root (a link to /etc/…) is reported like an import
        // that does: not read, and with no disk path, so nothing can ever be written to it.
        let escape = canonical
            .as_deref()
            .and_then(|real| outside_fence(real, fences.get(&index)));
        if let Some(message) = escape {
            let shown = item.path.display().to_string();
            let shown = shown.strip_prefix("./").unwrap_or(&shown).to_owned();
            let Some(kind) = item.kind.filter(|f| f.is_checked()) else {
                if item.explicit {
                    return Err(DiscoveryError(format!("{shown}: {message}")));
                }
                continue;
            };
            let file = sources.add(SourceFile::new(item.path.clone(), String::new()));
            deployment.read_problems.push(ReadProblem {
                file,
                range: TextRange::from_usize(0, 0),
                message,
                kind,
            });
            deployment.files.push(InputFile {
                file,
                kind,
                machine: item.machine.map(MachineId),
                machine_path: item.machine_path.clone(),
                disk: item.disk.clone(),
                fence: fences.get(&index).cloned(),
            });
            continue;
        }
        let (text, problem): (Arc<str>, Problem) = match (item.text.take(), pending) {
            (Some(text), _) => shared(decode(text.into_bytes())),
            // A pending fix is valid UTF-8 already: the source shares its buffer (a copy of
            // a large file per fix round added that file's size to the peak of `--fix`).
            (None, Some(text)) => (Arc::clone(text), nul_problem(text)),
            (None, None) => {
                let disk = item.disk.clone().unwrap_or_else(|| item.path.clone());
                read_text(&disk, &item.path, settings.limits.max_file_bytes)?
            }
        };
        // A file holding a secret is reported by GBL002 alone: it is not linted, so it is
        // never shown in a snippet, diffed, fixed or backed up (its text is dropped here).
        if let Some(reason) = crate::secrets::scan(&item.path, text.as_bytes()) {
            let file = sources.add(SourceFile::new(item.path.clone(), String::new()));
            deployment.secrets.push(crate::deployment::SecretFile {
                file,
                reason: reason.to_owned(),
            });
            continue;
        }
        let kind = match item.kind.or_else(|| sniff(&text)) {
            Some(kind) => kind,
            None => {
                return Err(DiscoveryError(format!(
                    "cannot tell what kind of file {} is; name it as the tool expects (e.g. Caddyfile) or pass --kind",
                    item.path.display()
                )))
            }
        };
        item.kind = Some(kind);
        if !kind.is_checked() {
            deployment.skipped.push(SkippedFile {
                path: item.path.clone(),
                kind,
            });
            continue;
        }
        let file = sources.add(SourceFile::new(item.path.clone(), text));
        if let Some((range, message)) = problem {
            deployment.read_problems.push(ReadProblem {
                file,
                range,
                message,
                kind,
            });
        }
        if let Some(canonical) = canonical {
            deployment.disk_paths.insert(file, canonical);
        } else if is_stdin {
            deployment.stdin = Some(file);
        }
        deployment.files.push(InputFile {
            file,
            kind,
            machine: item.machine.map(MachineId),
            machine_path: item.machine_path.clone(),
            disk: item.disk.clone(),
            fence: fences.get(&index).cloned(),
        });
    }
    Ok(())
}

fn collect_deployment(
    root: &Path,
    settings: &Settings,
    deployment: &mut Deployment,
    collected: &mut Vec<Collected>,
    fences: &mut HashMap<usize, Fence>,
) -> Result<(), DiscoveryError> {
    deployment.root = Some(root.to_path_buf());
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .map_err(|err| DiscoveryError(format!("{}: {}", root.display(), io_cause(&err))))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    // What is not a machine folder (files at the top, dot-folders) is still searched for
    // secrets: GBL002 covers every file of the tree.
    let mut machine_dirs = Vec::new();
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() && !hidden {
            machine_dirs.push(path);
        } else if kind.is_dir() {
            if entry.file_name() == ".git" {
                continue;
            }
            let mut files = Vec::new();
            let mut secret_only = Vec::new();
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            walk_into(
                &path,
                &canonical,
                &mut files,
                &mut secret_only,
                settings,
                Nested::Walk,
                true,
            )?;
            for walked in secret_only {
                collected.push(Collected::walked(walked));
            }
            // The tree's own CI workflows (`.forgejo/workflows/…`): linted, on no machine.
            for walked in files {
                fences.insert(collected.len(), Fence::lone(canonical.clone()));
                collected.push(Collected {
                    kind: detect_by_path(&walked.path, None, None),
                    secret_only: false,
                    ..Collected::walked(walked)
                });
            }
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            let disk = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            collected.push(Collected::secret_only(disk, path));
        }
    }
    let entries = machine_dirs;
    for dir in entries {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let role = settings
            .machine_roles
            .get(&name)
            .cloned()
            .or_else(|| role_from_name(&name).map(str::to_owned));
        let machine_index = deployment.machines.len();
        let canonical = std::fs::canonicalize(&dir)
            .map_err(|err| DiscoveryError(format!("{}: {}", dir.display(), io_cause(&err))))?;
        if settings.excludes(&canonical) {
            continue;
        }
        deployment.machines.push(Machine {
            name,
            dir: dir.clone(),
            role: role.clone(),
        });
        let mut files = Vec::new();
        let mut hidden = Vec::new();
        walk(
            &dir,
            &canonical,
            &mut files,
            &mut hidden,
            settings,
            Nested::Walk,
        )?;
        for walked in hidden {
            collected.push(Collected::walked(walked));
        }
        for Walked { path: file, disk } in files {
            let relative = file.strip_prefix(&dir).unwrap_or(&file);
            let machine_path = format!("/{}", gblint_diagnostics::path_display::slashed(relative));
            let kind = detect_by_path(&file, Some(&machine_path), role.as_deref());
            fences.insert(
                collected.len(),
                Fence {
                    root: canonical.clone(),
                    absolute_base: Some(canonical.clone()),
                },
            );
            let resolved = disk.is_some();
            collected.push(Collected {
                path: file,
                disk,
                text: None,
                machine: Some(machine_index),
                machine_path: Some(machine_path),
                kind,
                explicit: false,
                secret_only: false,
                resolved,
            });
        }
    }
    Ok(())
}

/// A file [`walk`] found: its path as found, and its real path (`None`: a link that does not
/// resolve). Resolving every file with `std::fs::canonicalize` cost one `readlink` per path
/// component, most of the system time of a 500-tenant check.
struct Walked {
    path: PathBuf,
    disk: Option<PathBuf>,
}

/// What [`walk`] does with a folder below it that is a deployment tree of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nested {
    /// Leave it out: it is checked as a deployment of its own (folder mode).
    Skip,
    /// Walk it like any folder (inside a machine folder, names mean nothing).
    Walk,
}

/// Files under `dir` (whose canonical path is `canonical`), sorted, never following symlinked
/// folders: those to lint in `out`, and those only the secret scan (GBL002) reads in `hidden`
/// (dot-files, files in dot-folders, renamed copies such as `*.bak-*`, `gblint.toml`, the
/// baseline). Not entered at all: `.git` (its objects are compressed, so no secret could be
/// recognised in them), `target`/`node_modules` (build output and downloaded dependencies,
/// often gigabytes), what `exclude` names and, with [`Nested::Skip`], deployment trees. An
/// unreadable folder is an error naming that folder.
fn walk(
    dir: &Path,
    canonical: &Path,
    out: &mut Vec<Walked>,
    hidden: &mut Vec<Walked>,
    settings: &Settings,
    nested: Nested,
) -> Result<(), DiscoveryError> {
    walk_into(dir, canonical, out, hidden, settings, nested, false)
}

fn walk_into(
    dir: &Path,
    canonical: &Path,
    out: &mut Vec<Walked>,
    hidden: &mut Vec<Walked>,
    settings: &Settings,
    nested: Nested,
    in_hidden: bool,
) -> Result<(), DiscoveryError> {
    let cause = |at: &Path, err: std::io::Error| {
        DiscoveryError(format!("{}: {}", at.display(), io_cause(&err)))
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| cause(dir, err))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(|err| cause(&path, err))?;
        let disk = canonical.join(entry.file_name());
        if kind.is_dir() {
            if name == ".git"
                || name == "target"
                || name == "node_modules"
                || settings.excludes(&disk)
            {
                continue;
            }
            if nested == Nested::Skip && is_nested_deployment_root(&path) {
                continue;
            }
            let hidden_folder = in_hidden || name.starts_with('.');
            walk_into(&path, &disk, out, hidden, settings, nested, hidden_folder)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            if settings.excludes(&disk) {
                continue;
            }
            // A regular file's real path is its real folder's joined with its name (the walk
            // never follows a symlinked folder); only a link is resolved, by the system.
            let disk = if kind.is_symlink() {
                std::fs::canonicalize(&path).ok()
            } else {
                Some(disk)
            };
            let walked = Walked { path, disk };
            // The few configuration files that live in hidden folders are linted (and
            // scanned for secrets when read); everything else there is only scanned.
            if crate::load::linted_in_hidden_folder(&walked.path) {
                out.push(walked);
            } else if in_hidden
                || name.starts_with('.')
                || name.contains(".bak-")
                || name == CONFIG_FILE
                || name == crate::settings::BASELINE_FILE
            {
                hidden.push(walked);
            } else {
                out.push(walked);
            }
        }
    }
    Ok(())
}

/// Folders no walk enters: hidden ones (`.git`), build output and dependencies.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// The deployment trees below `dir` (not `dir` itself), sorted: every folder that
/// [`is_nested_deployment_root`] recognises, without looking inside one for more. Folders `exclude`
/// names, hidden folders, `target` and `node_modules` are not entered.
pub(crate) fn nested_deployments(
    dir: &Path,
    settings: &Settings,
) -> Result<Vec<PathBuf>, DiscoveryError> {
    let canonical = std::fs::canonicalize(dir)
        .map_err(|err| DiscoveryError(format!("{}: {}", dir.display(), io_cause(&err))))?;
    let mut out = Vec::new();
    find_nested(dir, &canonical, settings, &mut out)?;
    Ok(out)
}

fn find_nested(
    dir: &Path,
    canonical: &Path,
    settings: &Settings,
    out: &mut Vec<PathBuf>,
) -> Result<(), DiscoveryError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| DiscoveryError(format!("{}: {}", dir.display(), io_cause(&err))))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let disk = canonical.join(entry.file_name());
        if skipped_folder(&name) || settings.excludes(&disk) {
            continue;
        }
        let path = entry.path();
        if is_nested_deployment_root(&path) {
            out.push(path);
        } else {
            find_nested(&path, &disk, settings, out)?;
        }
    }
    Ok(())
}

/// `std::fs::canonicalize` with the folders cached: resolving every component of every path
/// (one `readlink` each) was most of the system time of a 200-unit check. A file that is not
/// a symlink resolves to its resolved folder joined with its name.
#[derive(Default)]
struct CanonicalDirs {
    folders: HashMap<PathBuf, Option<PathBuf>>,
}

impl CanonicalDirs {
    fn canonicalize(&mut self, path: &Path) -> Option<PathBuf> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return std::fs::canonicalize(path).ok();
        };
        if name == ".."
            || std::fs::symlink_metadata(path)
                .ok()?
                .file_type()
                .is_symlink()
        {
            return std::fs::canonicalize(path).ok();
        }
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let folder = self
            .folders
            .entry(parent.to_path_buf())
            .or_insert_with(|| std::fs::canonicalize(parent).ok())
            .as_ref()?;
        Some(folder.join(name))
    }
}

/// Why a file may not be read, when its real path `real` (resolved through symbolic links) is
/// outside the root it was found under (`fence`: its root and absolute base).
fn outside_fence(real: &Path, fence: Option<&Fence>) -> Option<String> {
    let root = &fence?.root;
    // A FIFO or device is refused as such when it is read (without being opened).
    if real.starts_with(root) || !std::fs::metadata(real).is_ok_and(|m| m.is_file()) {
        return None;
    }
    Some(format!(
        "resolves to {} through a symbolic link, outside the checked root {}; not read",
        real.display(),
        root.display()
    ))
}

/// A problem found while reading a file: where, and what.
type Problem = Option<(TextRange, String)>;

fn read_text(
    disk: &Path,
    shown: &Path,
    max_bytes: u64,
) -> Result<(Arc<str>, Problem), DiscoveryError> {
    use gblint_diagnostics::read::{read_limited_shared, ReadError};
    match read_limited_shared(disk, max_bytes) {
        Ok(bytes) => Ok(decode_shared(bytes)),
        Err(err @ (ReadError::TooLarge { .. } | ReadError::Grew { .. })) => {
            Err(DiscoveryError(format!(
                "{}: {err} (raise it with --max-file-bytes or [limits] max-file-bytes)",
                shown.display()
            )))
        }
        Err(ReadError::Directory) => Err(DiscoveryError(format!(
            "{}: not a regular file",
            shown.display()
        ))),
        Err(err) => Err(DiscoveryError(format!("{}: {err}", shown.display()))),
    }
}

/// The first NUL byte of `text`, which no config format allows, as a read problem.
fn nul_problem(text: &str) -> Problem {
    text.find('\u{0}').map(|offset| {
        (
            TextRange::from_usize(offset, offset + 1),
            format!("file contains a NUL byte at offset {offset}"),
        )
    })
}

/// A decoded text moved into the shared buffer its source keeps.
fn shared((text, problem): (String, Problem)) -> (Arc<str>, Problem) {
    (Arc::from(text), problem)
}

/// [`decode`] for bytes read into a shared buffer: UTF-8 text keeps that buffer (the common
/// case, with no copy); anything else is decoded into a new one.
fn decode_shared(bytes: Arc<[u8]>) -> (Arc<str>, Problem) {
    match gblint_diagnostics::read::shared_utf8(bytes) {
        Ok(text) => {
            let problem = nul_problem(&text);
            (text, problem)
        }
        Err(bytes) => shared(decode(bytes.to_vec())),
    }
}

/// Decode bytes as UTF-8. Invalid sequences become U+FFFD so the file is still checked, and
/// the first one is reported; so is a NUL byte, which no config format allows.
pub fn decode(bytes: Vec<u8>) -> (String, Problem) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let problem = nul_problem(&text);
            (text, problem)
        }
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            (
                text,
                Some((
                    TextRange::from_usize(offset, end),
                    format!("file is not valid UTF-8 (first invalid byte at offset {offset})"),
                )),
            )
        }
    }
}

fn absolute(path: &Path, cwd: Option<&Path>) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.map(|cwd| cwd.join(path))
            .unwrap_or_else(|| path.to_path_buf())
    }
}

/// The import fence of a lone file: the working directory when the file is inside it,
/// otherwise the file's own folder.
fn fence_for(disk: &Path, cwd: Option<&Path>) -> Option<PathBuf> {
    let canonical_parent = disk
        .parent()
        .and_then(|parent| std::fs::canonicalize(parent).ok());
    let canonical_cwd = cwd.and_then(|cwd| std::fs::canonicalize(cwd).ok());
    match (canonical_parent, canonical_cwd) {
        (Some(parent), Some(cwd)) if parent.starts_with(&cwd) => Some(cwd),
        (Some(parent), _) => Some(parent),
        _ => None,
    }
}

pub(crate) fn io_cause(err: &std::io::Error) -> String {
    gblint_diagnostics::read::io_cause(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_trees_need_every_folder_to_be_a_machine_of_one_tenant() {
        let dir = tempfile::tempdir().expect("tempdir");
        let make = |path: &str| std::fs::create_dir_all(dir.path().join(path)).expect("mkdir");
        make("a/host");
        make("a/acme-proxy");
        make("a/.git");
        make("b/kube-proxy");
        make("b/docker");
        make("c/one-proxy");
        make("c/two-dns");
        make("d/notes");
        std::fs::write(dir.path().join("d/gblint.toml"), "[deployment]\n").expect("config");
        assert!(is_nested_deployment_root(&dir.path().join("a")));
        assert!(!is_nested_deployment_root(&dir.path().join("b")));
        assert!(
            is_deployment_root(&dir.path().join("b")),
            "a named folder is judged leniently"
        );
        assert!(!is_nested_deployment_root(&dir.path().join("c")));
        assert!(is_nested_deployment_root(&dir.path().join("d")));
        assert!(!is_nested_deployment_root(&dir.path().join("a/host")));
    }

    #[test]
    fn roles_from_machine_names() {
        assert_eq!(role_from_name("pragmatismo-proxy"), Some("proxy"));
        assert_eq!(role_from_name("pragmatismo-alm-ci"), Some("alm-ci"));
        assert_eq!(role_from_name("acme-table-editor"), Some("table-editor"));
        assert_eq!(role_from_name("host"), Some("host"));
        assert_eq!(role_from_name("proxy"), None);
        assert_eq!(role_from_name("webserver"), None);
    }
}

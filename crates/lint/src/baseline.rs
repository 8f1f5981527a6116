//! The baseline: *facts* about a deployment recorded at a known-good moment (the site hosts of
//! every Caddyfile, and, as formats arrive, open ports, jails, served zones), so a later check
//! can name what disappeared. Facts, not findings: a reformatted file has the same facts.
//!
//! The file is `gblint.baseline.json`; its keys are paths relative to the folder holding it.
//! Sections this version does not know are kept as they are when the file is rewritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::deployment::Deployment;
use crate::discovery::{self, Input};
use crate::settings::Settings;

/// Default name of the baseline file.
pub use crate::settings::BASELINE_FILE;

/// Version of the file format this gblint writes.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The contents of a baseline file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// File format version.
    pub version: u32,
    /// The gblint that wrote it.
    #[serde(default)]
    pub generated_by: String,
    /// Facts, by kind.
    pub facts: Facts,
}

/// Facts by kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Per root Caddyfile (path relative to the baseline's folder).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub caddy: BTreeMap<String, CaddyFacts>,
    /// Per LXD instance file (path relative to the baseline's folder).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lxd: BTreeMap<String, LxdFacts>,
    /// Kinds written by other gblint versions, kept verbatim.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// What is recorded of one Caddyfile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaddyFacts {
    /// Site hosts after import and snippet expansion, lower case, sorted (`:8080` style
    /// addresses without a host are recorded as written).
    pub hosts: BTreeSet<String>,
}

/// What is recorded of one LXD instance file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LxdFacts {
    /// Names of the proxy devices in force (expanded, when the file has them), sorted.
    pub proxy_devices: BTreeSet<String>,
}

/// A loaded baseline: its facts and the folder its keys are relative to.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// Canonical folder the keys are relative to.
    pub dir: PathBuf,
    /// The facts.
    pub facts: Facts,
    /// Where it came from, for messages (`gblint.baseline.json`, `git HEAD`).
    pub origin: String,
}

/// Why a baseline could not be read or made (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineError(pub String);

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = gblint_diagnostics::read::read_limited(
            path,
            gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
        )
        .map_err(|err| BaselineError(format!("{}: {err}", path.display())))?;
        let text = String::from_utf8_lossy(&bytes);
        let file: BaselineFile = serde_json::from_str(&text).map_err(|err| {
            BaselineError(format!("{}: not a gblint baseline: {err}", path.display()))
        })?;
        if file.version != FORMAT_VERSION {
            return Err(BaselineError(format!(
                "{}: baseline format version {} is not supported (this gblint reads version {FORMAT_VERSION})",
                path.display(),
                file.version
            )));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).map_err(|err| {
            BaselineError(format!("{}: {}", dir.display(), crate::io_cause(&err)))
        })?;
        Ok(Baseline {
            dir,
            facts: file.facts,
            origin: shown_path(path),
        })
    }

    /// The facts recorded for the file at canonical path `disk`, if any.
    pub fn caddy_facts(&self, disk: &Path) -> Option<&CaddyFacts> {
        let key = key_for(&self.dir, disk)?;
        self.facts.caddy.get(&key)
    }

    /// The facts recorded for the LXD instance file at canonical path `disk`, if any.
    pub fn lxd_facts(&self, disk: &Path) -> Option<&LxdFacts> {
        let key = key_for(&self.dir, disk)?;
        self.facts.lxd.get(&key)
    }
}

/// The key of `disk` relative to `dir` (forward slashes), if `disk` lies inside it.
pub(crate) fn key_for(dir: &Path, disk: &Path) -> Option<String> {
    let relative = disk.strip_prefix(dir).ok()?;
    Some(gblint_diagnostics::path_display::slashed(relative))
}

/// Find the baseline for a run: `[baseline] file` (relative to the configuration file), else
/// the nearest `gblint.baseline.json` at or above `start`, stopping at a repository root.
pub fn find(start: &Path, settings: &Settings) -> Option<PathBuf> {
    if let (Some(file), Some(config)) = (&settings.baseline.file, &settings.config_path) {
        let base = config.parent().unwrap_or(Path::new("."));
        return Some(base.join(file));
    }
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(current) = dir {
        let candidate = current.join(BASELINE_FILE);
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

/// The site hosts of every root Caddyfile of a deployment, keyed relative to `dir`. Files
/// outside `dir` (and standard input) are left out.
pub fn caddy_facts(deployment: &Deployment, dir: &Path) -> BTreeMap<String, CaddyFacts> {
    let mut out = BTreeMap::new();
    for doc in &deployment.caddyfiles {
        let Some(disk) = deployment.disk_paths.get(&doc.caddyfile.file) else {
            continue;
        };
        let Some(key) = key_for(dir, disk) else {
            continue;
        };
        out.insert(
            key,
            CaddyFacts {
                hosts: site_hosts(&doc.caddyfile),
            },
        );
    }
    out
}

/// The proxy devices of every LXD instance file of a deployment, keyed relative to `dir`.
/// Files LXD could not read are left out (their devices are unknown), and so are instances
/// without proxy devices.
pub fn lxd_facts(deployment: &Deployment, dir: &Path) -> BTreeMap<String, LxdFacts> {
    let mut out = BTreeMap::new();
    for doc in &deployment.lxd {
        let Some(disk) = deployment.disk_paths.get(&doc.file) else {
            continue;
        };
        let Some(key) = key_for(dir, disk) else {
            continue;
        };
        // Nothing to lose where nothing is published: no entry.
        let devices = proxy_devices(&doc.instance);
        if !doc.instance.syntax.is_empty() || devices.is_empty() {
            continue;
        }
        out.insert(
            key,
            LxdFacts {
                proxy_devices: devices,
            },
        );
    }
    out
}

/// The names of an instance's proxy devices in force.
pub fn proxy_devices(instance: &gblint_lxd::Instance) -> BTreeSet<String> {
    instance
        .effective_devices()
        .into_iter()
        .flat_map(|section| &section.items)
        .filter(|device| device.kind() == "proxy")
        .map(|device| device.name.clone())
        .collect()
}

/// The hosts a Caddyfile serves, as recorded in a baseline.
pub fn site_hosts(caddyfile: &gblint_caddyfile::Caddyfile) -> BTreeSet<String> {
    caddyfile
        .model
        .sites
        .iter()
        .flat_map(|site| &site.addresses)
        .map(|address| match address.parsed() {
            Ok(parsed) if !parsed.host().is_empty() => parsed.host().to_lowercase(),
            Ok(parsed) => parsed.original().to_owned(),
            Err(_) => address.token.text.to_string(),
        })
        .collect()
}

/// Build the baseline facts of `dir` as they are at git revision `rev`, without touching the
/// working tree: the files under `dir` are read from the repository (`git ls-tree`,
/// `git cat-file`) into a temporary folder and discovered there like a checkout.
pub fn from_git(rev: &str, dir: &Path, settings: &Settings) -> Result<Baseline, BaselineError> {
    let dir = std::fs::canonicalize(dir)
        .map_err(|err| BaselineError(format!("{}: {}", dir.display(), crate::io_cause(&err))))?;
    let git = |args: &[&str]| -> Result<Vec<u8>, BaselineError> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .map_err(|err| BaselineError(format!("--baseline-ref needs git: {err}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(BaselineError(format!(
                "git {}: {}",
                args.join(" "),
                stderr.trim()
            )));
        }
        Ok(output.stdout)
    };
    if rev.starts_with('-') {
        return Err(BaselineError(format!(
            "--baseline-ref {rev}: not a revision"
        )));
    }
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_owned();
    let top = std::fs::canonicalize(&top)
        .map_err(|err| BaselineError(format!("{top}: {}", crate::io_cause(&err))))?;
    let prefix = key_for(&top, &dir).unwrap_or_default();
    let commit = String::from_utf8_lossy(&git(&[
        "rev-parse",
        "--verify",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ])?)
    .trim()
    .to_owned();
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit.as_str()];
    if !prefix.is_empty() {
        args.push("--");
        args.push(&prefix);
    }
    let listing = git(&args)?;
    let scratch =
        tempfile::tempdir().map_err(|err| BaselineError(format!("temporary folder: {err}")))?;
    let mut blobs = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split(' ').collect();
        // Regular files only: symlinks (120000) and submodules are not configuration.
        if fields.len() == 3 && fields[1] == "blob" && fields[0].starts_with("100") {
            blobs.push((fields[2].to_owned(), path.to_owned()));
        }
    }
    let mut input = String::new();
    for (sha, _) in &blobs {
        input.push_str(sha);
        input.push('\n');
    }
    let contents = cat_blobs(&dir, &input, blobs.len())?;
    for ((_, path), content) in blobs.iter().zip(contents) {
        let relative = Path::new(path);
        if relative
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let target = scratch.path().join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| BaselineError(format!("{}: {err}", parent.display())))?;
        }
        std::fs::write(&target, content)
            .map_err(|err| BaselineError(format!("{}: {err}", target.display())))?;
    }
    let root = if prefix.is_empty() {
        scratch.path().to_path_buf()
    } else {
        scratch.path().join(&prefix)
    };
    if !root.is_dir() {
        return Err(BaselineError(format!(
            "{} does not exist at {rev}",
            if prefix.is_empty() { "." } else { &prefix }
        )));
    }
    let root = std::fs::canonicalize(&root)
        .map_err(|err| BaselineError(format!("{}: {err}", root.display())))?;
    let mut sources = gblint_diagnostics::SourceMap::new();
    let no_env = |_: &str| None;
    let deployment = crate::load::discover_and_load(
        &[Input::Path(root.clone())],
        settings,
        discovery::DiscoverOptions::default(),
        &no_env,
        &mut sources,
    )
    .map_err(|err| BaselineError(format!("reading {rev}: {err}")))?;
    let facts = Facts {
        caddy: caddy_facts(&deployment, &root),
        lxd: lxd_facts(&deployment, &root),
        other: BTreeMap::new(),
    };
    Ok(Baseline {
        dir,
        facts,
        origin: format!("git {rev}"),
    })
}

/// Read `count` blobs named on `input` (one id per line) with one `git cat-file --batch`.
fn cat_blobs(dir: &Path, input: &str, count: usize) -> Result<Vec<Vec<u8>>, BaselineError> {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|err| BaselineError(format!("git cat-file: {err}")))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|err| BaselineError(format!("git cat-file: {err}")))?;
    writer
        .join()
        .map_err(|_| BaselineError("git cat-file: writer failed".into()))?
        .map_err(|err| BaselineError(format!("git cat-file: {err}")))?;
    let mut out = Vec::with_capacity(count);
    let mut rest = output.stdout.as_slice();
    for _ in 0..count {
        let newline = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| BaselineError("git cat-file: truncated output".into()))?;
        let header = String::from_utf8_lossy(&rest[..newline]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| BaselineError(format!("git cat-file: unexpected header {header:?}")))?;
        let body = rest
            .get(newline + 1..newline + 1 + size)
            .ok_or_else(|| BaselineError("git cat-file: truncated blob".into()))?;
        out.push(body.to_vec());
        rest = rest.get(newline + 1 + size + 1..).unwrap_or(&[]);
    }
    Ok(out)
}

/// Serialize a baseline file (pretty JSON, trailing newline), keeping `previous`'s unknown
/// sections.
pub fn render(
    facts: BTreeMap<String, CaddyFacts>,
    lxd: BTreeMap<String, LxdFacts>,
    previous: Option<&BaselineFile>,
) -> String {
    let file = BaselineFile {
        version: FORMAT_VERSION,
        generated_by: format!("gblint {}", env!("CARGO_PKG_VERSION")),
        facts: Facts {
            caddy: facts,
            lxd,
            other: previous.map(|p| p.facts.other.clone()).unwrap_or_default(),
        },
    };
    let mut text = serde_json::to_string_pretty(&file).expect("baseline serializes");
    text.push('\n');
    text
}

/// `path` relative to the working directory when it lies inside it, for messages.
fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok());
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match cwd
        .as_deref()
        .and_then(|cwd| canonical.strip_prefix(cwd).ok())
    {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

//! `gblint render`: a tenant's whole deployment tree from one TOML inventory.
//!
//! ```text
//! inventory.toml ──serde + validate──▶ Inventory ──minijinja templates/──▶ texts
//!     ──self-check (gblint check on a temporary tree)──▶ compare with --out ──▶ atomic write
//! ```
//!
//! Every step before the write can fail, and each failure leaves `--out` untouched: a bad
//! inventory names its TOML line, a template bug names the template line, and a rendered
//! file that gblint would flag is never written. Nothing here prints; the CLI reports.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

pub mod apply;
pub mod code_repo;
pub mod error;
mod filters;
pub mod inventory;
mod inventory_errors;
pub mod manifest;
pub mod names;
pub mod plan;
pub mod port;
pub mod selfcheck;
pub mod serial;
pub mod stamp;
pub mod templates;
pub mod validate;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use apply::{Change, ChangeKind};
pub use error::RenderError;
pub use inventory::Inventory;
pub use plan::Output;
pub use templates::TemplateSet;

/// What to do with the rendered tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write created and updated files.
    Write,
    /// Write nothing; the caller shows [`Change::diff`] of each change.
    Diff,
    /// Write nothing; the caller reports whether anything is out of date.
    Check,
}

/// A render request: [`Request::new`], then the builder methods for the options.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Request {
    /// The inventory file.
    pub inventory: PathBuf,
    /// The output folder (created when missing).
    pub out: PathBuf,
    /// `--templates`: a folder whose `*.j2` files replace the embedded ones.
    pub templates: Option<PathBuf>,
    /// Write, diff or check.
    pub mode: Mode,
    /// Allow a Caddyfile with fewer site hosts than the one it replaces.
    pub allow_shrink: bool,
    /// Keep replaced (and pruned) files as backups: `Some(false)` is `--no-backup`; `None`
    /// follows the inventory's `[write] backup`, else that of the `gblint.toml` governing
    /// `--out` (default: keep).
    pub backup: Option<bool>,
    /// `--prune`: remove the files an earlier render wrote that this one no longer produces.
    pub prune: bool,
    /// `--code-repo NAME`: render the deploy workflow of `[code_repos.NAME]` into `out` (a
    /// code repository) instead of the deployment tree.
    pub code_repo: Option<String>,
}

impl Request {
    /// Write the tree of `inventory` into `out` with the embedded templates, keeping backups
    /// as configured, refusing a shrinking Caddyfile, pruning nothing.
    pub fn new(inventory: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        Request {
            inventory: inventory.into(),
            out: out.into(),
            templates: None,
            mode: Mode::Write,
            allow_shrink: false,
            backup: None,
            prune: false,
            code_repo: None,
        }
    }

    /// Render the deploy workflow of `[code_repos.NAME]` instead of the deployment tree.
    #[must_use]
    pub fn code_repo(mut self, name: Option<String>) -> Self {
        self.code_repo = name;
        self
    }

    /// Replace embedded templates by the `*.j2` files of `dir` (`--templates`).
    #[must_use]
    pub fn templates(mut self, dir: Option<PathBuf>) -> Self {
        self.templates = dir;
        self
    }

    /// Write, diff or check.
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Write a Caddyfile that serves fewer site hosts than the one it replaces.
    #[must_use]
    pub fn allow_shrink(mut self, yes: bool) -> Self {
        self.allow_shrink = yes;
        self
    }

    /// Keep (or not) backups, whatever the configuration says.
    #[must_use]
    pub fn backup(mut self, yes: bool) -> Self {
        self.backup = Some(yes);
        self
    }

    /// Remove the files an earlier render wrote that this one no longer produces.
    #[must_use]
    pub fn prune(mut self, yes: bool) -> Self {
        self.prune = yes;
        self
    }
}

/// The result of a render.
#[derive(Debug)]
#[non_exhaustive]
pub struct Summary {
    /// Every rendered file against `--out`, in path order.
    pub changes: Vec<Change>,
    /// Backups written (write mode).
    pub backups: Vec<PathBuf>,
    /// Files an earlier render wrote that this one no longer produces, still in `--out`
    /// (under `--out`, in path order); in write mode with `--prune`, the ones removed.
    pub stale: Vec<PathBuf>,
    /// Whether `stale` files were removed (write mode with `--prune`).
    pub pruned: bool,
    /// In `--check` and `--diff` mode: why writing would be refused (a shrinking Caddyfile
    /// without `--allow-shrink`).
    pub would_refuse: Option<String>,
}

impl Summary {
    /// Files that were (or would be) created or updated.
    pub fn changed(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
    }
}

/// An inventory read from a file, with the text its spans point into.
#[derive(Debug)]
pub struct InventoryFile {
    /// The validated inventory.
    pub inventory: Inventory,
    /// How messages name the file.
    pub name: String,
    /// Its text.
    pub text: String,
}

impl InventoryFile {
    /// `name:line:col` of a byte span of the text (just `name` for a defaulted value).
    pub fn at(&self, span: Range<usize>) -> String {
        if span.is_empty() {
            return self.name.clone();
        }
        let (line, col) = validate::line_col(&self.text, span.start);
        format!("{}:{line}:{col}", self.name)
    }
}

/// The text of an inventory or template file, read under gblint's default size limit (a
/// FIFO, a device or a file growing without end is refused, never read without bound).
pub(crate) fn read_text(path: &Path) -> Result<String, RenderError> {
    let bytes = gblint_diagnostics::read::read_limited(
        path,
        gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
    )
    .map_err(|err| RenderError::Usage(format!("{}: cannot read: {err}", path.display())))?;
    String::from_utf8(bytes).map_err(|err| {
        RenderError::Usage(format!(
            "{}: cannot read: not valid UTF-8 (first invalid byte at offset {})",
            path.display(),
            err.utf8_error().valid_up_to()
        ))
    })
}

/// Read and validate an inventory file.
pub fn load_inventory(path: &Path) -> Result<InventoryFile, RenderError> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let inventory = parse_inventory(&text, &name)?;
    Ok(InventoryFile {
        inventory,
        name,
        text,
    })
}

/// Parse and validate an inventory text; `name` is how errors refer to it.
pub fn parse_inventory(text: &str, name: &str) -> Result<Inventory, RenderError> {
    let inventory: Inventory = serde_path_to_error::deserialize(toml::Deserializer::new(text))
        .map_err(|err| {
            let message = inventory_errors::describe(&err);
            match err.inner().span() {
                Some(span) => {
                    let (line, col) = validate::line_col(text, span.start);
                    RenderError::Inventory(format!("{name}:{line}:{col}: {message}"))
                }
                None => RenderError::Inventory(format!("{name}: {message}")),
            }
        })?;
    validate::validate(&inventory, name, text)?;
    Ok(inventory)
}

/// Render the inventory file with the embedded templates, or with the `*.j2` files of
/// `templates` in their place, and self-check the result; nothing is read from or written to
/// an output folder (zones get the serial of a first render).
pub fn render_in_memory(
    inventory: &Path,
    templates: Option<&Path>,
) -> Result<Vec<Output>, RenderError> {
    let file = load_inventory(inventory)?;
    let set = template_set(templates)?;
    let outputs = plan::render(&file, &set, &|_| None)?;
    selfcheck::check(&outputs, &file)?;
    Ok(outputs)
}

fn template_set(templates: Option<&Path>) -> Result<TemplateSet, RenderError> {
    match templates {
        Some(dir) => TemplateSet::with_overrides(dir),
        None => Ok(TemplateSet::embedded()),
    }
}

/// Render the tree of `request` and write, diff or check it.
pub fn run(request: &Request) -> Result<Summary, RenderError> {
    let file = load_inventory(&request.inventory)?;
    let set = template_set(request.templates.as_deref())?;
    if request.out.exists() && !request.out.is_dir() {
        return Err(RenderError::Usage(format!(
            "{}: not a folder",
            request.out.display()
        )));
    }
    let current = |relative: &Path| {
        gblint_lint::write::read_beneath(&request.out, relative)
            .ok()
            .flatten()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    };
    let outputs = match &request.code_repo {
        Some(name) => plan::render_code_repo(&file, &set, name)?,
        None => plan::render(&file, &set, &current)?,
    };
    selfcheck::check(&outputs, &file)?;
    let changes = apply::compare(&request.out, outputs)?;
    let record = apply::record(&request.out, &changes)?;
    let refusal = if request.allow_shrink {
        None
    } else {
        apply::shrink_refusal(&changes)
    };
    let stale: Vec<PathBuf> = record
        .stale
        .iter()
        .map(|s| request.out.join(&s.relative))
        .collect();
    if request.mode != Mode::Write {
        return Ok(Summary {
            changes,
            backups: Vec::new(),
            stale,
            pruned: false,
            would_refuse: refusal.map(|err| err.to_string()),
        });
    }
    if let Some(refusal) = refusal {
        return Err(refusal);
    }
    let backup = match (request.backup, &file.inventory.write) {
        (Some(backup), _) => backup,
        (None, Some(write)) => write.backup,
        (None, None) => apply::backup_setting(&request.out)?,
    };
    let mut backups = apply::write(&request.out, &changes, &record, backup)?;
    if request.prune && !record.stale.is_empty() {
        backups.extend(apply::prune(&request.out, &record, backup)?);
    }
    Ok(Summary {
        changes,
        backups,
        stale,
        pruned: request.prune,
        would_refuse: None,
    })
}

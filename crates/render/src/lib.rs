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
pub mod error;
mod filters;
pub mod inventory;
pub mod names;
pub mod plan;
pub mod selfcheck;
pub mod stamp;
pub mod templates;
pub mod validate;

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

/// A render request.
#[derive(Clone, Debug)]
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
}

/// The result of a render.
#[derive(Debug)]
pub struct Summary {
    /// Every rendered file against `--out`, in path order.
    pub changes: Vec<Change>,
    /// Backups written (write mode).
    pub backups: Vec<PathBuf>,
}

impl Summary {
    /// Files that were (or would be) created or updated.
    pub fn changed(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
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
pub fn load_inventory(path: &Path) -> Result<Inventory, RenderError> {
    let text = read_text(path)?;
    parse_inventory(&text, &path.display().to_string())
}

/// Parse and validate an inventory text; `name` is how errors refer to it.
pub fn parse_inventory(text: &str, name: &str) -> Result<Inventory, RenderError> {
    let inventory: Inventory = toml::from_str(text).map_err(|err| {
        let message = err.message().trim().replace('\n', " ");
        match err.span() {
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

/// Render the tree of `request` and write, diff or check it.
pub fn run(request: &Request) -> Result<Summary, RenderError> {
    let inventory = load_inventory(&request.inventory)?;
    let set = match &request.templates {
        Some(dir) => TemplateSet::with_overrides(dir)?,
        None => TemplateSet::embedded(),
    };
    let outputs = plan::render(&inventory, &set)?;
    selfcheck::check(&outputs)?;
    if request.out.exists() && !request.out.is_dir() {
        return Err(RenderError::Usage(format!(
            "{}: not a folder",
            request.out.display()
        )));
    }
    let changes = apply::compare(&request.out, outputs)?;
    let mut backups = Vec::new();
    if request.mode == Mode::Write {
        if !request.allow_shrink {
            apply::guard_shrink(&changes)?;
        }
        backups = apply::write(&request.out, &changes)?;
    }
    Ok(Summary { changes, backups })
}

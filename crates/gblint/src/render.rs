//! Generating a deployment tree from an inventory (`gblint render`): in memory with
//! [`render()`], or against an output folder (write, diff, check) with [`run`].

use std::path::{Path, PathBuf};

pub use gblint_render::{run, Change, ChangeKind, Mode, RenderError, Request, Summary};

use crate::Error;

/// A tree rendered in memory, and checked: it lints clean, as `gblint render` requires before
/// writing anything.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderedTree {
    /// The files, in path order.
    pub files: Vec<RenderedFile>,
}

/// One rendered file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderedFile {
    /// Path relative to the tree's root, e.g. `pragmatismo-proxy/opt/gbo/conf/config`.
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

/// Render the inventory file `inventory` with the embedded templates, or with the `*.j2`
/// files of `templates` in their place; nothing is written.
pub fn render(inventory: &Path, templates: Option<&Path>) -> Result<RenderedTree, Error> {
    let outputs = gblint_render::render_in_memory(inventory, templates)?;
    let mut files: Vec<RenderedFile> = outputs
        .into_iter()
        .map(|output| RenderedFile {
            path: output.path,
            text: output.text,
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(RenderedTree { files })
}

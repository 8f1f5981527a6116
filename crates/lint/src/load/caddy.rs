//! Caddyfiles: each input parsed with its imports (inside its fence, with the fix loop's
//! pending edits); a file another input imports is not a root of its own.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use gblint_caddyfile::ImportContext;
use gblint_diagnostics::FileId;

use super::{inputs_of, Loader};
use crate::deployment::{CaddyDoc, Deployment};
use crate::file_kind::FileKind;

/// Parse the root Caddyfiles of `deployment`.
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    // Every input read from disk, by canonical path: an import of one reuses its file.
    let known: HashMap<PathBuf, FileId> = deployment
        .disk_paths
        .iter()
        .map(|(file, disk)| (disk.clone(), *file))
        .collect();
    let mut parsed = Vec::new();
    for input in inputs_of(deployment, FileKind::Caddyfile).collect::<Vec<_>>() {
        let file = &deployment.files[input];
        let mut ctx = ImportContext::new(loader.sources, loader.env);
        ctx.max_file_bytes = loader.max_file_bytes;
        let fence = file.fence.clone();
        ctx.root = Some(fence.as_ref().map(|f| f.root.clone()).unwrap_or_default());
        ctx.absolute_base = fence.and_then(|f| f.absolute_base);
        ctx.known = Some(&known);
        ctx.overlay = loader.overlay;
        ctx.secret_scan = Some(crate::secrets::scan);
        if let Some(disk) = file.disk.clone() {
            ctx.disk_paths.insert(file.file, disk);
        }
        let caddyfile = gblint_caddyfile::parse(file.file, &mut ctx);
        for (file, disk) in ctx.disk_paths {
            if Some(file) != deployment.stdin {
                deployment.disk_paths.entry(file).or_insert(disk);
            }
        }
        parsed.push(CaddyDoc { input, caddyfile });
    }
    let imported: HashSet<FileId> = parsed
        .iter()
        .flat_map(|doc| doc.caddyfile.imported_files.iter().copied())
        .collect();
    parsed.retain(|doc| !imported.contains(&deployment.files[doc.input].file));
    deployment.caddyfiles = parsed;
}

//! The render's own lint: every output is written to a temporary copy of the tree and run
//! through `gblint check` (parsers and every default rule, cross-file rules included) before
//! anything reaches `--out`. A finding names the inventory entry behind it (its line), the
//! rendered file and line (relative to the tree, never the scratch folder) and the template;
//! the tree is then not written at all.

use std::path::{Path, PathBuf};

use gblint_diagnostics::Severity;
use gblint_lint::{settings, CheckOptions, Input, Settings};

use crate::error::RenderError;
use crate::plan::Output;
use crate::InventoryFile;

/// How the scratch folders of the self-check are named: `gblint-render-<pid>-<random>`.
const SCRATCH: &str = "gblint-render-";

/// Remove the scratch folders that killed renders left in `tmp` (their process is gone).
fn sweep_scratch(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        if !bytes.starts_with(SCRATCH.as_bytes()) {
            continue;
        }
        let pid = gblint_lint::write::owner_pid(bytes, SCRATCH.as_bytes());
        // Only folders, never through a link (a link named like ours is not ours).
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() && gblint_lint::write::is_stale(pid, meta.modified().ok()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Check `outputs`, rendered from `inventory`, as one deployment tree.
pub fn check(outputs: &[Output], inventory: &InventoryFile) -> Result<(), RenderError> {
    sweep_scratch(&std::env::temp_dir());
    // The process id in the name lets a later run tell a folder a killed run left.
    let dir = tempfile::Builder::new()
        .prefix(&format!("{SCRATCH}{}-", std::process::id()))
        .tempdir()
        .map_err(|err| RenderError::Write(format!("cannot create a temporary folder: {err}")))?;
    let root = dir.path();
    for output in outputs {
        let path = root.join(&output.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| RenderError::Write(format!("{}: {err}", parent.display())))?;
        }
        std::fs::write(&path, &output.text)
            .map_err(|err| RenderError::Write(format!("{}: {err}", path.display())))?;
    }
    let config = root.join(settings::CONFIG_FILE);
    let settings = if config.is_file() {
        Settings::load(&config).map_err(|err| {
            // The error names the scratch copy; the reader knows the file as gblint.toml.
            let message = err
                .to_string()
                .replace(&format!("{}: ", config.display()), "");
            RenderError::SelfCheck(vec![format!(
                "{}: {message} (rendered by templates/gblint/gblint.toml.j2)",
                settings::CONFIG_FILE
            )])
        })?
    } else {
        Settings::default()
    };
    let no_env = |_: &str| None;
    let options = CheckOptions::new(settings, &no_env);
    let report = gblint_lint::check(&[Input::Path(root.to_path_buf())], &options)
        .map_err(|err| RenderError::SelfCheck(vec![err.to_string()]))?;
    let findings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| {
            let source = report.sources.get(d.file);
            let at = source.line_col(d.range.start());
            let relative = relative_to(source.path(), root);
            let output = outputs.iter().find(|o| o.path == relative);
            let template = output
                .map(|o| format!(" (rendered by templates/{})", o.template))
                .unwrap_or_default();
            let origin = output
                .and_then(|o| o.origin_of(at.line))
                .map_or_else(|| inventory.name.clone(), |span| inventory.at(span.clone()));
            format!(
                "{origin}: {}:{}:{}: {} {}{template}",
                relative.display(),
                at.line,
                at.column,
                d.code,
                without_root(&d.message, root)
            )
        })
        .collect();
    if findings.is_empty() {
        Ok(())
    } else {
        Err(RenderError::SelfCheck(findings))
    }
}

/// `message` with the paths into the temporary tree it names (a cross-file rule's other file)
/// made relative to the tree, like the finding's own path: the scratch folder is gone when
/// the reader sees the message, and its name differs from run to run.
fn without_root(message: &str, root: &Path) -> String {
    let mut out = message.to_owned();
    // The canonical form first: the plain one may be a part of it (`/tmp` in `/private/tmp`).
    let canonical = std::fs::canonicalize(root).ok();
    for root in canonical.iter().map(PathBuf::as_path).chain([root]) {
        out = out.replace(&format!("{}/", root.display()), "");
    }
    out
}

/// `path` relative to the temporary tree (canonical or not).
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    if let Ok(rel) = path.strip_prefix(root) {
        return rel.to_path_buf();
    }
    if let Ok(canonical) = std::fs::canonicalize(root) {
        if let Ok(rel) = path.strip_prefix(&canonical) {
            return rel.to_path_buf();
        }
    }
    path.to_path_buf()
}

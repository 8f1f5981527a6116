//! Machine-readable renderings of a finished report. Each emitter writes to any `io::Write`;
//! only the CLI decides where that goes.

mod concise;
mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;

pub use concise::concise;
pub use github::github;
pub use gitlab::gitlab;
pub use json::json;
pub use junit::junit;
pub use sarif::{sarif, SarifTool};

use crate::{Category, Diagnostic, Severity, SourceMap};

/// What an emitter needs to know about a rule beyond the diagnostics themselves.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. `CDY001`.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// First sentence of the rule's documentation.
    pub summary: String,
    /// Full documentation in Markdown.
    pub doc: String,
    /// Severity when the configuration does not change it.
    pub default_severity: Severity,
    /// What kind of problem the rule reports.
    pub category: Category,
}

/// Path of a diagnostic's file as it should appear in reports: forward slashes, no leading `./`.
pub(crate) fn display_path(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    display_file_path(sources.get(diagnostic.file).path())
}

/// [`display_path`] for any file path.
pub(crate) fn display_file_path(path: &std::path::Path) -> String {
    crate::path_display::shown(path)
}

/// `path` relative to `anchor` when both resolve and the file is below it; the display path
/// otherwise (standard input, or a file outside the anchor).
fn anchored_path(path: &std::path::Path, anchor: Option<&std::path::Path>) -> String {
    let relative = anchor.and_then(|anchor| {
        let full = std::fs::canonicalize(path).ok()?;
        full.strip_prefix(anchor).ok().map(display_file_path)
    });
    relative.unwrap_or_else(|| display_file_path(path))
}

/// 64-bit FNV-1a: a stable, dependency-free hash for fingerprints (not for security).
pub(crate) fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// Stable fingerprints of findings: rule, path, the trimmed text of the finding's line and the
/// message, plus an occurrence number for identical ones — so a finding keeps its identity when
/// lines move (SARIF partialFingerprints, GitLab Code Quality `fingerprint`).
///
/// The path is taken relative to `anchor` (the folder the run was anchored at, canonical) when
/// the file is below it, so `cd tree; gblint check` and `gblint check /abs/tree` agree.
pub(crate) fn fingerprints(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    anchor: Option<&std::path::Path>,
) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    let mut paths: std::collections::HashMap<crate::FileId, String> =
        std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|diagnostic| {
            let file = sources.get(diagnostic.file);
            let path = paths
                .entry(diagnostic.file)
                .or_insert_with(|| anchored_path(file.path(), anchor))
                .clone();
            let line_index = file.line_index();
            let line_text = file.slice(
                line_index.line_range(line_index.line_of(diagnostic.range.start()), file.text()),
            );
            let base = fnv1a(&[
                diagnostic.code,
                &path,
                line_text.trim(),
                &diagnostic.message,
            ]);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            format!("{base:016x}:{occurrence}")
        })
        .collect()
}

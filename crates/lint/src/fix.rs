//! The fix loop behind `gblint check --fix`: apply the fixes of one round, re-parse and re-lint
//! everything with the edited texts (nothing is written yet), and repeat until a round changes
//! nothing. A file that had a syntax error is not fixed (its findings may be artefacts of the
//! error), and a file whose fixed text would have more syntax errors than before is left as it
//! was. The caller decides whether to write the changes (see [`crate::write`]) or show them.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use gblint_diagnostics::{apply_edits, Applicability, Diagnostic, Edit, FileId, Fix};

use crate::{check_with_overlay, CheckError, CheckOptions, Input, Report};

/// Rounds after which the loop stops even if fixes keep coming (they should converge in one or
/// two; a fix that keeps re-appearing would otherwise loop forever).
pub(crate) const MAX_ROUNDS: usize = 10;

/// Where a fixed text goes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A file on disk (canonical path).
    Disk(PathBuf),
    /// Standard input (printed, never written).
    Stdin,
}

/// The fixed text of one file.
///
/// Both texts are shared, not copied: `original` is the file's text as read in the round
/// that first fixed it (the first check's, or a later round's fresh read of a file only an
/// earlier fix reached), `fixed` the one the last check read.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// Where it goes.
    pub target: Target,
    /// The path as reported.
    pub display: PathBuf,
    /// Text before any fix.
    pub original: Arc<str>,
    /// Text after every round.
    pub fixed: Arc<str>,
    /// Codes of the fixes applied, one entry per applied fix.
    pub applied: Vec<&'static str>,
}

/// What the loop did.
#[derive(Debug)]
pub struct FixOutcome {
    /// The check of the fixed texts: what remains.
    pub report: Report,
    /// Files whose text changed.
    pub changes: Vec<FileChange>,
    /// Files left unchanged because their fixed text would not parse (path, reason).
    pub refused: Vec<(PathBuf, String)>,
}

impl FixOutcome {
    /// Number of fixes applied over all files.
    pub fn fixed(&self) -> usize {
        self.changes.iter().map(|c| c.applied.len()).sum()
    }
}

/// Whether `fix` may be applied at this level (`--fix` safe only, `--fix --unsafe` both).
fn applies(fix: &Fix, unsafe_fixes: bool) -> bool {
    match fix.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

fn is_syntax_error(diagnostic: &Diagnostic) -> bool {
    diagnostic.code.ends_with("000")
}

/// Run the fix loop over `inputs`.
pub fn fix(
    inputs: &[Input],
    options: &CheckOptions<'_>,
    unsafe_fixes: bool,
) -> Result<FixOutcome, CheckError> {
    let mut inputs = inputs.to_vec();
    let mut overlay: HashMap<PathBuf, Arc<str>> = HashMap::new();
    let mut changes: BTreeMap<Target, FileChange> = BTreeMap::new();
    let initial = check_with_overlay(&inputs, options, Some(&overlay))?;
    let syntax_before = syntax_counts(&initial);
    let mut report = initial;
    for _ in 0..MAX_ROUNDS {
        let broken: Vec<FileId> = report
            .diagnostics
            .iter()
            .filter(|d| is_syntax_error(d))
            .map(|d| d.file)
            .collect();
        let mut per_file: BTreeMap<FileId, Vec<(&'static str, &Fix)>> = BTreeMap::new();
        for diagnostic in &report.diagnostics {
            if let Some(fix) = &diagnostic.fix {
                if applies(fix, unsafe_fixes) && !broken.contains(&diagnostic.file) {
                    per_file
                        .entry(diagnostic.file)
                        .or_default()
                        .push((diagnostic.code, fix));
                }
            }
        }
        // The new texts of this round, set only once the report that produced them is gone.
        let mut edited: Vec<(Target, String)> = Vec::new();
        for (file, fixes) in per_file {
            let Some(target) = target_of(&report, file) else {
                continue;
            };
            let source = report.sources.get(file);
            let (text, applied) = apply_round(source.text(), &fixes);
            if applied.is_empty() || text == source.text() {
                continue;
            }
            let entry = changes.entry(target.clone()).or_insert_with(|| FileChange {
                target: target.clone(),
                display: source.path().to_path_buf(),
                // The text the check read, shared rather than copied.
                original: source.shared_text(),
                fixed: Arc::from(""),
                applied: Vec::new(),
            });
            entry.applied.extend(applied);
            edited.push((target, text));
        }
        if edited.is_empty() {
            break;
        }
        // The previous round's report (sources, parses, findings) is freed before the next
        // is built: holding both doubled the peak memory of `--fix` on a large file. Each new
        // text then becomes the one shared buffer the change, the overlay and the next
        // check's source all hold.
        drop(std::mem::replace(&mut report, Report::empty()));
        for (target, text) in edited {
            let text: Arc<str> = Arc::from(text);
            if let Some(change) = changes.get_mut(&target) {
                change.fixed = Arc::clone(&text);
            }
            set_text(&mut inputs, &mut overlay, &target, text);
        }
        report = check_with_overlay(&inputs, options, Some(&overlay))?;
    }

    // Refuse results that parse worse than the original.
    let syntax_after = syntax_counts(&report);
    let mut refused = Vec::new();
    let worse: Vec<Target> = changes
        .values()
        .filter(|change| {
            syntax_after.get(&change.display).copied().unwrap_or(0)
                > syntax_before.get(&change.display).copied().unwrap_or(0)
        })
        .map(|change| change.target.clone())
        .collect();
    if !worse.is_empty() {
        for target in &worse {
            let change = changes.remove(target).expect("listed change");
            refused.push((
                change.display.clone(),
                "the fixed text would not parse; the file is left unchanged".to_owned(),
            ));
            set_text(&mut inputs, &mut overlay, target, change.original);
        }
        drop(std::mem::replace(&mut report, Report::empty()));
        report = check_with_overlay(&inputs, options, Some(&overlay))?;
    }
    Ok(FixOutcome {
        report,
        changes: changes.into_values().collect(),
        refused,
    })
}

/// Syntax errors per reported path.
fn syntax_counts(report: &Report) -> HashMap<PathBuf, usize> {
    let mut counts = HashMap::new();
    for diagnostic in report.diagnostics.iter().filter(|d| is_syntax_error(d)) {
        *counts
            .entry(report.sources.get(diagnostic.file).path().to_path_buf())
            .or_default() += 1;
    }
    counts
}

fn target_of(report: &Report, file: FileId) -> Option<Target> {
    if report.deployment.stdin == Some(file) {
        return Some(Target::Stdin);
    }
    report
        .deployment
        .disk_paths
        .get(&file)
        .cloned()
        .map(Target::Disk)
}

fn set_text(
    inputs: &mut [Input],
    overlay: &mut HashMap<PathBuf, Arc<str>>,
    target: &Target,
    text: Arc<str>,
) {
    match target {
        Target::Disk(path) => {
            overlay.insert(path.clone(), text);
        }
        Target::Stdin => {
            for input in inputs.iter_mut() {
                if let Input::Stdin { text: stdin, .. } = input {
                    *stdin = text.to_string();
                }
            }
        }
    }
}

/// Apply the fixes of one round to `text`: each fix whole or not at all, skipping a fix whose
/// edits touch those of a fix already taken (it is retried next round, on the new text).
fn apply_round(text: &str, fixes: &[(&'static str, &Fix)]) -> (String, Vec<&'static str>) {
    let mut ordered: Vec<&(&'static str, &Fix)> = fixes.iter().collect();
    ordered.sort_by_key(|(_, fix)| fix.edits.iter().map(|e| e.range.start()).min().unwrap_or(0));
    let mut taken: Vec<Edit> = Vec::new();
    let mut applied = Vec::new();
    for (code, fix) in ordered {
        let clashes = fix
            .edits
            .iter()
            .any(|edit| taken.iter().any(|other| overlaps(edit, other)));
        if clashes {
            continue;
        }
        taken.extend(fix.edits.iter().cloned());
        applied.push(*code);
    }
    match apply_edits(text, &taken) {
        Some(fixed) => (fixed, applied),
        None => (text.to_owned(), Vec::new()),
    }
}

/// Two edits clash when their ranges intersect, or both insert at the same offset (their
/// order would be arbitrary).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.range, b.range);
    if a.start() == b.start() {
        return true;
    }
    a.start() < b.end() && b.start() < a.end()
}

/// A unified diff of one change, as `--diff` shows it.
pub fn unified_diff(change: &FileChange) -> String {
    diff_texts(&change.display, &change.original, &change.fixed)
}

/// A unified diff from `original` to `fixed` of the file reported as `display` (`a/PATH`,
/// `b/PATH`), without copying either text into a [`FileChange`].
pub fn diff_texts(display: &std::path::Path, original: &str, fixed: &str) -> String {
    let path = gblint_diagnostics::path_display::slashed(display);
    let path = path.strip_prefix("./").unwrap_or(&path).to_owned();
    similar::TextDiff::from_lines(original, fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

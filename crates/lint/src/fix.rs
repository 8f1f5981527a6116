//! The fix loop behind `gblint check --fix`: apply the fixes of one round, re-parse and re-lint
//! everything with the edited texts (nothing is written yet), and repeat until a round changes
//! nothing. A file that had a syntax error is not fixed (its findings may be artefacts of the
//! error), and a file whose fixed text would have more syntax errors than before is left as it
//! was. The caller decides whether to write the changes (see [`crate::write`]) or show them.
//!
//! Memory: a round takes its fixes out of the check that found them and frees that check
//! before it builds the new texts, and a changed file's text as first read is kept only as a
//! [`Digest`] (for the writer's lost update check) unless the caller shows a diff. So the
//! peak is one check of the fixed text, as for a plain check of it, not that check plus the
//! original text (on a 16.7 MB Caddyfile 97 MB before, 78 MB after: docs/benchmarks.md).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use gblint_diagnostics::{apply_edits, Applicability, Diagnostic, Edit, FileId, Fix};

use crate::write::Digest;
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

/// A file's text before any fix: the text itself, or only its digest.
#[derive(Clone, Debug)]
pub enum Original {
    /// The text (kept for standard input, and for every file when asked: `--diff`).
    Text(Arc<str>),
    /// Its length and keyed hash, enough for the writer to tell whether the file on disk
    /// still holds it (see [`crate::write::Expected::Digest`]).
    Digest(Digest),
}

impl Original {
    /// The text, when it was kept.
    pub fn text(&self) -> Option<&str> {
        match self {
            Original::Text(text) => Some(text),
            Original::Digest(_) => None,
        }
    }
}

/// The fixed text of one file.
///
/// `original` is the file's text as read in the round that first fixed it (the first
/// check's, or a later round's fresh read of a file only an earlier fix reached), `fixed`
/// the one the last check read (shared with it, not copied).
#[derive(Clone, Debug)]
pub struct FileChange {
    /// Where it goes.
    pub target: Target,
    /// The path as reported.
    pub display: PathBuf,
    /// Text before any fix, or its digest.
    pub original: Original,
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

/// What [`fix_with`] keeps of each changed file's first text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The text itself ([`Original::Text`]): a diff can be shown.
    Texts,
    /// Only its [`Digest`] (standard input's text is kept all the same): enough to write.
    Digests,
}

/// Run the fix loop over `inputs`, keeping each changed file's first text (as
/// [`fix_with`] with [`Keep::Texts`]).
pub fn fix(
    inputs: &[Input],
    options: &CheckOptions<'_>,
    unsafe_fixes: bool,
) -> Result<FixOutcome, CheckError> {
    fix_with(inputs, options, unsafe_fixes, Keep::Texts)
}

/// One file's fixes of a round, taken out of the check that found them.
struct RoundFile {
    target: Target,
    display: PathBuf,
    text: Arc<str>,
    fixes: Vec<(&'static str, Fix)>,
}

/// Run the fix loop over `inputs`, keeping of each changed file's first text what `keep`
/// says.
pub fn fix_with(
    inputs: &[Input],
    options: &CheckOptions<'_>,
    unsafe_fixes: bool,
    keep: Keep,
) -> Result<FixOutcome, CheckError> {
    let mut inputs = inputs.to_vec();
    let mut overlay: HashMap<PathBuf, Arc<str>> = HashMap::new();
    let mut changes: BTreeMap<Target, FileChange> = BTreeMap::new();
    let initial = check_with_overlay(&inputs, options, Some(&overlay))?;
    let syntax_before = syntax_counts(&initial);
    let mut report = initial;
    for _ in 0..MAX_ROUNDS {
        let round = take_fixes(&report, unsafe_fixes);
        if round.is_empty() {
            break;
        }
        // The report (sources, parses, findings) is freed before the new texts are built:
        // holding it beside a new text was the peak of `--fix` on a large file. Each old text
        // lives on only in `round` until its new one is built.
        drop(std::mem::replace(&mut report, Report::empty()));
        let mut edited = false;
        for RoundFile {
            target,
            display,
            text,
            fixes,
        } in round
        {
            let fixes: Vec<(&'static str, &Fix)> =
                fixes.iter().map(|(code, fix)| (*code, fix)).collect();
            let (new_text, applied) = apply_round(&text, &fixes);
            if applied.is_empty() || new_text == *text {
                continue;
            }
            let entry = changes.entry(target.clone()).or_insert_with(|| FileChange {
                target: target.clone(),
                display,
                original: original(&target, &text, keep),
                fixed: Arc::from(""),
                applied: Vec::new(),
            });
            entry.applied.extend(applied);
            drop(text);
            // The new text becomes the one shared buffer the change, the overlay and the
            // next check's source all hold.
            let new_text: Arc<str> = Arc::from(new_text);
            entry.fixed = Arc::clone(&new_text);
            set_text(&mut inputs, &mut overlay, &target, new_text);
            edited = true;
        }
        // Checked again even when no fix changed anything: the report is gone (and the
        // same texts give the same report).
        report = check_with_overlay(&inputs, options, Some(&overlay))?;
        if !edited {
            break;
        }
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
            match change.original {
                Original::Text(text) => set_text(&mut inputs, &mut overlay, target, text),
                // Only a digest was kept: the file is read again from disk, where it is
                // left as it was.
                Original::Digest(_) => {
                    if let Target::Disk(path) = target {
                        overlay.remove(path);
                    }
                }
            }
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

/// What is kept of `text`, the first text of a file being changed.
fn original(target: &Target, text: &Arc<str>, keep: Keep) -> Original {
    match (keep, target) {
        // Standard input has no file to compare with: its text is kept whole.
        (Keep::Texts, _) | (Keep::Digests, Target::Stdin) => Original::Text(Arc::clone(text)),
        (Keep::Digests, Target::Disk(_)) => Original::Digest(Digest::of(text.as_bytes())),
    }
}

/// The fixes of `report` that apply at this level, per file, copied out of it with what else
/// the round needs of it (a file with a syntax error is not fixed).
fn take_fixes(report: &Report, unsafe_fixes: bool) -> Vec<RoundFile> {
    let broken: Vec<FileId> = report
        .diagnostics
        .iter()
        .filter(|d| is_syntax_error(d))
        .map(|d| d.file)
        .collect();
    let mut per_file: BTreeMap<FileId, Vec<(&'static str, Fix)>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        if let Some(fix) = &diagnostic.fix {
            if applies(fix, unsafe_fixes) && !broken.contains(&diagnostic.file) {
                per_file
                    .entry(diagnostic.file)
                    .or_default()
                    .push((diagnostic.code, fix.clone()));
            }
        }
    }
    per_file
        .into_iter()
        .filter_map(|(file, fixes)| {
            let target = target_of(report, file)?;
            let source = report.sources.get(file);
            Some(RoundFile {
                target,
                display: source.path().to_path_buf(),
                // The text the check read, shared rather than copied.
                text: source.shared_text(),
                fixes,
            })
        })
        .collect()
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

/// A unified diff of one change, as `--diff` shows it (`None` when only the digest of its
/// original was kept: [`diff_texts`] with the text read again).
pub fn unified_diff(change: &FileChange) -> Option<String> {
    let original = change.original.text()?;
    Some(diff_texts(&change.display, original, &change.fixed))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;

    const TEXT: &str = "example.com {\n\trespond \"hi\"\n}\n";

    fn run(inputs: &[Input], keep: Keep) -> FixOutcome {
        let env = |_: &str| None;
        let options = CheckOptions::new(Settings::default(), &env);
        fix_with(inputs, &options, true, keep).expect("fix runs")
    }

    /// Keeping digests changes what is kept of a disk file's first text, and nothing else:
    /// the same fixed text, fixes and remaining findings as keeping the texts.
    #[test]
    fn digests_keep_only_a_digest_of_a_disk_file_and_fix_the_same() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Caddyfile"), TEXT).expect("write");
        let inputs = [Input::Path(dir.path().to_path_buf())];
        let texts = run(&inputs, Keep::Texts);
        let digests = run(&inputs, Keep::Digests);
        assert_eq!(texts.changes.len(), 1);
        assert_eq!(digests.changes.len(), 1);
        let (kept, digested) = (&texts.changes[0], &digests.changes[0]);
        assert_eq!(kept.original.text(), Some(TEXT));
        match &digested.original {
            Original::Digest(digest) => assert!(digest.matches(TEXT.as_bytes())),
            Original::Text(_) => panic!("the text was kept"),
        }
        assert_eq!(kept.fixed, digested.fixed);
        assert!(digested.fixed.contains("storage file_system"));
        assert_eq!(kept.applied, digested.applied);
        let codes = |outcome: &FixOutcome| -> Vec<&'static str> {
            outcome.report.diagnostics.iter().map(|d| d.code).collect()
        };
        assert_eq!(codes(&texts), codes(&digests));
        assert!(unified_diff(digested).is_none());
        assert!(unified_diff(kept).is_some_and(|diff| diff.contains("+\tstorage file_system")));
    }

    /// Standard input has no file to compare with: its text is kept whatever `keep` says.
    #[test]
    fn standard_input_keeps_its_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inputs = [Input::Stdin {
            name: dir.path().join("Caddyfile"),
            text: TEXT.to_owned(),
        }];
        let outcome = run(&inputs, Keep::Digests);
        assert_eq!(outcome.changes.len(), 1);
        assert_eq!(outcome.changes[0].target, Target::Stdin);
        assert_eq!(outcome.changes[0].original.text(), Some(TEXT));
    }
}

//! [`Linter`]: a configured check of one tree, run as often as needed (the language server
//! runs one per keystroke pause).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gblint_lint::write::Expected;
use gblint_lint::{CheckOptions, FileKind, Input};

use crate::config::{self, BaselineSource};
use crate::write::{replace_all, shown, Replacement, Written};
use crate::{Error, Report, WriteOptions};

/// Which fixes [`Linter::fix`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applicability {
    /// Only fixes that keep the file valid and restore the intended behaviour (`--fix`).
    Safe,
    /// Safe fixes and fixes that may change behaviour (`--fix --unsafe`).
    Unsafe,
}

/// A check of a file or tree, with its configuration and baseline already found.
///
/// Build one with [`Linter::discover`] (everything found as `gblint check PATH` finds it) or
/// [`Linter::builder`] (explicit configuration, selection, standard-input text).
pub struct Linter {
    options: CheckOptions<'static>,
    inputs: Vec<Input>,
    root: PathBuf,
}

impl std::fmt::Debug for Linter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linter")
            .field("root", &self.root)
            .field("inputs", &self.inputs)
            .finish_non_exhaustive()
    }
}

impl Linter {
    /// A check of `path` (a file or a folder) configured as `gblint check PATH` is: the
    /// nearest `gblint.toml`, and each deployment tree's own configuration and baseline.
    pub fn discover(path: impl AsRef<Path>) -> Result<Linter, Error> {
        Linter::builder(path).build()
    }

    /// A builder for a check of `path`.
    pub fn builder(path: impl AsRef<Path>) -> LinterBuilder {
        LinterBuilder {
            path: path.as_ref().to_path_buf(),
            stdin: None,
            inputs: None,
            config: None,
            baseline: BaselineSource::Nearest,
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            kind: None,
            no_inline_ignores: false,
            max_file_bytes: None,
            threads: None,
        }
    }

    /// The file or folder this linter checks.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Check the files as they are on disk.
    pub fn check(&self) -> Result<Report, Error> {
        Ok(Report::new(gblint_lint::check(
            &self.inputs,
            &self.options,
        )?))
    }

    /// Check with the texts of `overlay` (keyed by canonical path) in place of those files on
    /// disk: unsaved editor buffers, checked in the context of the rest of the tree.
    pub fn check_with(&self, overlay: &HashMap<PathBuf, String>) -> Result<Report, Error> {
        let overlay: HashMap<PathBuf, std::sync::Arc<str>> = overlay
            .iter()
            .map(|(path, text)| (path.clone(), std::sync::Arc::from(text.as_str())))
            .collect();
        Ok(Report::new(gblint_lint::check_with_overlay(
            &self.inputs,
            &self.options,
            Some(&overlay),
        )?))
    }

    /// Apply fixes until none applies (nothing is written): the fixed texts, and the check of
    /// them. Of each changed file only a digest of what was read is kept, for
    /// [`Fixed::write`] to tell whether it changed since: [`Fixed::diff`] reads it again
    /// (use [`Linter::fix_for_diff`] to show a diff from the text read).
    pub fn fix(&self, applicability: Applicability) -> Result<Fixed, Error> {
        self.fix_keeping(applicability, gblint_lint::fix::Keep::Digests)
    }

    /// [`Linter::fix`], keeping each changed file's text as read: [`Fixed::diff`] shows the
    /// change from exactly that text (`--diff`), at the cost of holding it to the end.
    pub fn fix_for_diff(&self, applicability: Applicability) -> Result<Fixed, Error> {
        self.fix_keeping(applicability, gblint_lint::fix::Keep::Texts)
    }

    fn fix_keeping(
        &self,
        applicability: Applicability,
        keep: gblint_lint::fix::Keep,
    ) -> Result<Fixed, Error> {
        let outcome = gblint_lint::fix::fix_with(
            &self.inputs,
            &self.options,
            applicability == Applicability::Unsafe,
            keep,
        )?;
        Ok(Fixed::new(outcome))
    }
}

/// The outcome of [`Linter::fix`]: the fixed texts (nothing is written until
/// [`Fixed::write`]) and the check of them.
#[derive(Debug)]
pub struct Fixed {
    outcome: gblint_lint::fix::FixOutcome,
    report: Report,
}

impl Fixed {
    /// The files whose text changed: (path on disk, or `None` for standard input; fixed text).
    pub fn files(&self) -> impl Iterator<Item = (Option<&Path>, &str)> {
        self.outcome.changes.iter().map(|change| {
            let path = match &change.target {
                gblint_lint::fix::Target::Disk(path) => Some(path.as_path()),
                gblint_lint::fix::Target::Stdin => None,
            };
            (path, &*change.fixed)
        })
    }

    /// How many fixes were applied.
    pub fn applied(&self) -> usize {
        self.outcome.fixed()
    }

    /// Files left unchanged because their fixed text would not parse: (path, reason).
    pub fn refused(&self) -> &[(PathBuf, String)] {
        &self.outcome.refused
    }

    /// What remains after fixing.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// How many files changed.
    pub fn changed_files(&self) -> usize {
        self.outcome.changes.len()
    }

    /// The fixed text of the [`Input::Text`](crate::Input::Text) input, when fixes changed it
    /// (the command prints it instead of writing anything).
    pub fn text_input(&self) -> Option<&str> {
        self.outcome
            .changes
            .iter()
            .find(|change| matches!(change.target, gblint_lint::fix::Target::Stdin))
            .map(|change| &*change.fixed)
    }

    /// Every change as a unified diff (`a/PATH`, `b/PATH`), file after file (`--diff`).
    ///
    /// From [`Linter::fix_for_diff`] the diffs are from the texts read. From
    /// [`Linter::fix`] each file is read again, and a file that no longer holds what was read
    /// is an error (as it would be for [`Fixed::write`]).
    pub fn diff(&self) -> Result<String, Error> {
        let mut diff = String::new();
        for change in &self.outcome.changes {
            match (&change.original, &change.target) {
                (gblint_lint::fix::Original::Text(original), _) => diff.push_str(
                    &gblint_lint::fix::diff_texts(&change.display, original, &change.fixed),
                ),
                (
                    gblint_lint::fix::Original::Digest(digest),
                    gblint_lint::fix::Target::Disk(path),
                ) => {
                    let original = reread(digest, path, &change.display)?;
                    diff.push_str(&gblint_lint::fix::diff_texts(
                        &change.display,
                        &original,
                        &change.fixed,
                    ));
                }
                // Standard input's text is always kept.
                (gblint_lint::fix::Original::Digest(_), gblint_lint::fix::Target::Stdin) => {}
            }
        }
        Ok(diff)
    }

    /// Write every changed file on disk, all or nothing, each only if it still holds what was
    /// read (`--fix`); the text input is not written.
    pub fn write(&self, options: &WriteOptions) -> Result<Vec<Written>, Error> {
        let shown: Vec<String> = self
            .outcome
            .changes
            .iter()
            .map(|change| shown(&change.display))
            .collect();
        let replacements: Vec<Replacement<'_>> = self
            .outcome
            .changes
            .iter()
            .zip(&shown)
            .filter_map(|(change, shown)| match &change.target {
                gblint_lint::fix::Target::Disk(disk) => Some(Replacement {
                    disk,
                    shown,
                    expected: match &change.original {
                        gblint_lint::fix::Original::Text(text) => {
                            Expected::Bytes(text.as_bytes().into())
                        }
                        gblint_lint::fix::Original::Digest(digest) => {
                            Expected::Digest(digest.clone())
                        }
                    },
                    text: &change.fixed,
                    fixes: &change.applied,
                }),
                gblint_lint::fix::Target::Stdin => None,
            })
            .collect();
        replace_all(&replacements, options)
    }

    fn new(mut outcome: gblint_lint::fix::FixOutcome) -> Fixed {
        let engine = std::mem::replace(&mut outcome.report, gblint_lint::Report::empty());
        Fixed {
            outcome,
            report: Report::new(engine),
        }
    }
}

/// The text of the file at `path` if it still holds what the digest was made of.
fn reread(
    digest: &gblint_lint::write::Digest,
    path: &Path,
    display: &Path,
) -> Result<String, Error> {
    let changed = || {
        Error::Discovery(format!(
            "{}: changed after gblint read it (run gblint again)",
            shown(display)
        ))
    };
    match digest.reread(path) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| changed()),
        Ok(None) => Err(changed()),
        Err(err) => Err(Error::Discovery(format!("{}: {err}", shown(display)))),
    }
}

/// Options of a [`Linter`] beyond the path.
#[derive(Debug)]
#[must_use]
pub struct LinterBuilder {
    path: PathBuf,
    stdin: Option<(PathBuf, String)>,
    inputs: Option<Vec<Input>>,
    config: Option<PathBuf>,
    baseline: BaselineSource,
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    kind: Option<String>,
    no_inline_ignores: bool,
    max_file_bytes: Option<u64>,
    threads: Option<usize>,
}

impl LinterBuilder {
    /// Use this `gblint.toml` everywhere, instead of each tree's nearest one.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// Compare against this baseline file (CDY010), instead of each tree's nearest one.
    pub fn baseline(mut self, path: impl Into<PathBuf>) -> Self {
        self.baseline = BaselineSource::File(path.into());
        self
    }

    /// Compare against the baseline as committed at git revision `rev`.
    pub fn baseline_ref(mut self, rev: impl Into<String>) -> Self {
        self.baseline = BaselineSource::GitRef(rev.into());
        self
    }

    /// Check `text` as the file `name` (whose folder anchors imports and configuration),
    /// instead of reading the path.
    pub fn text(mut self, name: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.stdin = Some((name.into(), text.into()));
        self
    }

    /// Check these inputs (several paths, text in place of a file) instead of the builder's
    /// path, which still anchors the configuration and the baseline.
    pub fn inputs(mut self, inputs: impl IntoIterator<Item = crate::Input>) -> Self {
        self.inputs = Some(inputs.into_iter().map(|i| i.to_engine()).collect());
        self
    }

    /// Run exactly these rules, codes, prefixes or categories (`--select`).
    pub fn select<S: Into<String>>(mut self, selectors: impl IntoIterator<Item = S>) -> Self {
        self.select = Some(selectors.into_iter().map(Into::into).collect());
        self
    }

    /// Run these as well (`--extend-select`).
    pub fn extend_select<S: Into<String>>(
        mut self,
        selectors: impl IntoIterator<Item = S>,
    ) -> Self {
        self.extend_select = selectors.into_iter().map(Into::into).collect();
        self
    }

    /// Do not run these (`--ignore`).
    pub fn ignore<S: Into<String>>(mut self, selectors: impl IntoIterator<Item = S>) -> Self {
        self.ignore = selectors.into_iter().map(Into::into).collect();
        self
    }

    /// Read named files as this kind of file (`--kind`, e.g. `caddyfile`, `systemd`).
    pub fn kind(mut self, name: impl Into<String>) -> Self {
        self.kind = Some(name.into());
        self
    }

    /// Disregard `# gblint: ignore[…]` comments.
    pub fn no_inline_ignores(mut self, yes: bool) -> Self {
        self.no_inline_ignores = yes;
        self
    }

    /// Refuse files larger than this many bytes.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = Some(bytes);
        self
    }

    /// Check at most `threads` deployment trees at once (default: one per core; `1` checks
    /// them one after another); a single deployment runs up to `threads` of its rules at
    /// once. The report does not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Find the configuration and baseline, and check the selectors.
    pub fn build(self) -> Result<Linter, Error> {
        let start = match &self.stdin {
            Some((name, _)) => name
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            None if self.path.as_os_str().is_empty() => PathBuf::from("."),
            None => self.path.clone(),
        };
        let mut settings = config::load_settings(self.config.as_deref(), &start)?;
        settings.no_inline_ignores = self.no_inline_ignores;
        if let Some(bytes) = self.max_file_bytes {
            settings.limits.max_file_bytes = bytes;
        }
        let forced_kind = match &self.kind {
            Some(name) => Some(FileKind::from_name(name).ok_or_else(|| {
                Error::Discovery(format!("`{name}` is not a format gblint knows"))
            })?),
            None => None,
        };
        let baseline = config::load_baseline(&self.baseline, &start, &settings)?;
        let baseline_search = matches!(self.baseline, BaselineSource::Nearest);
        let inputs = match (self.inputs, self.stdin) {
            (Some(inputs), _) => inputs,
            (None, Some((name, text))) => vec![Input::Stdin { name, text }],
            (None, None) => vec![Input::Path(self.path.clone())],
        };
        let options = CheckOptions {
            settings,
            select: self.select,
            extend_select: self.extend_select,
            ignore: self.ignore,
            forced_kind,
            env: &config::env_lookup,
            baseline,
            config_search: self.config.is_none(),
            baseline_search,
            max_file_bytes: self.max_file_bytes,
            threads: self.threads,
        };
        Ok(Linter {
            options,
            inputs,
            root: self.path,
        })
    }
}

//! Formatting files and trees (`gblint fmt`): find the files as a check does, format each one
//! gblint can, and decide per file whether the result may be written back.

use std::path::PathBuf;

use gblint_lint::discovery::{discover, DiscoverOptions};
use gblint_lint::fix::diff_texts;
use gblint_lint::write::Expected;

use crate::format::{can_format, format_as};
use crate::write::{replace_all, Replacement, Written};
use crate::{Config, Error, FormatError, FormatOptions, Formatted, Input, WriteOptions};

/// The outcome of [`format_files`]: every file found in a format gblint formats, in the
/// order a check reports them.
#[derive(Debug)]
#[non_exhaustive]
pub struct FormatRun {
    /// The files gblint formats.
    pub files: Vec<FormattedFile>,
    /// How many files were found in formats gblint checks but does not format yet.
    pub not_formattable: usize,
}

/// One file of a [`FormatRun`].
#[derive(Debug)]
#[non_exhaustive]
pub struct FormattedFile {
    /// The file as reports name it (forward slashes, no leading `./`).
    pub path: String,
    /// The file on disk (canonical); `None` for text given as an [`Input::Text`].
    pub disk: Option<PathBuf>,
    /// Whether it is the run's [`Input::Text`] (standard input).
    pub is_text_input: bool,
    /// The text read.
    pub original: String,
    /// The formatted text, or why there is none (a file that could not be read as it is
    /// counts as [`FormatError::Unreadable`]).
    pub result: Result<Formatted, FormatError>,
}

impl FormattedFile {
    /// Whether formatting changes the file.
    pub fn changed(&self) -> bool {
        self.result.as_ref().is_ok_and(|f| f.changed)
    }

    /// Whether [`FormatRun::write`] writes it: it is on disk, formatting changes it, and
    /// writing the result back cannot change what its tool reads.
    pub fn writable(&self) -> bool {
        self.disk.is_some()
            && !self.is_text_input
            && self
                .result
                .as_ref()
                .is_ok_and(|f| f.changed && f.unsafe_to_write.is_none())
    }

    /// The change as a unified diff (`a/PATH`, `b/PATH`); empty when nothing changes.
    pub fn diff(&self) -> String {
        match &self.result {
            Ok(formatted) if formatted.changed => diff_texts(
                std::path::Path::new(&self.path),
                &self.original,
                &formatted.text,
            ),
            _ => String::new(),
        }
    }
}

impl FormatRun {
    /// Write every [`writable`](FormattedFile::writable) file, all or nothing.
    pub fn write(&self, options: &WriteOptions) -> Result<Vec<Written>, Error> {
        let replacements: Vec<Replacement<'_>> = self
            .files
            .iter()
            .filter(|file| file.writable())
            .filter_map(|file| {
                let formatted = file.result.as_ref().ok()?;
                Some(Replacement {
                    disk: file.disk.as_deref()?,
                    shown: &file.path,
                    expected: Expected::Bytes(file.original.as_bytes().into()),
                    text: &formatted.text,
                    fixes: &[],
                })
            })
            .collect();
        replace_all(&replacements, options)
    }
}

/// Format the files of `inputs` (files, folders, deployment trees, text) that gblint formats,
/// with `config` deciding what is excluded and how large a file may be; nothing is written.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("Caddyfile"), "example.com {\n    respond \"hi\"\n}\n")?;
///
/// let config = gblint::Config::discover(dir.path())?;
/// let inputs = [gblint::Input::Path(dir.path().into())];
/// let run = gblint::format_files(&inputs, &config, &gblint::FormatOptions::default())?;
/// assert!(run.files[0].writable());
/// run.write(&gblint::WriteOptions::default().backup(false))?;
/// let text = std::fs::read_to_string(dir.path().join("Caddyfile"))?;
/// assert_eq!(text, "example.com {\n\trespond \"hi\"\n}\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn format_files(
    inputs: &[Input],
    config: &Config,
    options: &FormatOptions,
) -> Result<FormatRun, Error> {
    let inputs: Vec<gblint_lint::Input> = inputs.iter().map(Input::to_engine).collect();
    let mut sources = gblint_diagnostics::SourceMap::new();
    let discover_options = DiscoverOptions {
        forced_kind: options.forced_kind,
        overlay: None,
    };
    let deployment = discover(&inputs, &config.settings, discover_options, &mut sources)?;
    let mut files = Vec::new();
    for input in deployment.files.iter().filter(|f| can_format(f.kind)) {
        let source = sources.get(input.file);
        let text = source.text();
        let display = source.path().display().to_string();
        let path = display.strip_prefix("./").unwrap_or(&display).to_owned();
        // A file that was not read as it is (invalid UTF-8, a link out of the tree) would be
        // written back with what gblint put in its place.
        let problem = deployment
            .read_problems
            .iter()
            .find(|p| p.file == input.file);
        let result = match problem {
            Some(problem) => Err(FormatError::Unreadable(problem.message.clone())),
            None => {
                let machine = input
                    .machine_path
                    .clone()
                    .unwrap_or_else(|| source.path().to_string_lossy().replace('\\', "/"));
                format_as(input.kind, &machine, text, options)
            }
        };
        files.push(FormattedFile {
            path,
            disk: deployment.disk_paths.get(&input.file).cloned(),
            is_text_input: deployment.stdin == Some(input.file),
            original: text.to_owned(),
            result,
        });
    }
    Ok(FormatRun {
        files,
        not_formattable: deployment.skipped.len(),
    })
}

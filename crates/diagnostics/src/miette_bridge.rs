use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::escape::{escape_controls, EscapedText};
use crate::{Diagnostic, LineIndex, Severity, SourceFile, SourceMap, TextRange};

/// A label covering more lines than this is shown by its first line only: a snippet shows the
/// labelled line with a little context, never a whole block or the rules between two findings.
const MAX_LABEL_LINES: usize = 3;

/// Secondary labels shown as snippets; further ones are listed by position in the help.
const MAX_SNIPPET_LABELS: usize = 3;

/// Adapts one [`Diagnostic`] to `miette::Diagnostic`, so a front end can render it with any
/// miette report handler without depending on gblint's internals.
///
/// Each labelled line is shown with one line of context; labels far apart get their own
/// snippets, labels in other files become related reports with that file's snippet, and control
/// characters from the file (ESC, BEL, CR, …) are shown escaped, never sent to the terminal.
pub struct MietteView {
    code: Option<String>,
    message: String,
    severity: Severity,
    help: Option<String>,
    url: Option<String>,
    source: Snippets,
    labels: Vec<LabeledSpan>,
    related: Vec<MietteView>,
}

impl MietteView {
    /// Build the view of `diagnostic` with its file taken from `sources`; `url` links the code to
    /// its documentation.
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap, url: Option<String>) -> Self {
        let file = sources.get(diagnostic.file);
        let source = Snippets::new(file);
        let primary = source.span(file, diagnostic.range);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            diagnostic
                .label
                .as_deref()
                .filter(|l| !l.is_empty())
                .map(|l| escape_controls(l).into_owned()),
            primary,
        )];
        let mut related = Vec::new();
        let mut listed = Vec::new();
        for label in &diagnostic.labels {
            let other = sources.get(label.file);
            if labels.len() + related.len() > MAX_SNIPPET_LABELS {
                let at = other.line_col(label.range.start());
                listed.push(format!(
                    "{}:{}:{}: {}",
                    crate::emit::display_file_path(other.path()),
                    at.line,
                    at.column,
                    escape_controls(&label.message)
                ));
            } else if label.file == diagnostic.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(escape_controls(&label.message).into_owned()),
                    source.span(file, label.range),
                ));
            } else {
                // Another file: its own snippet, under the label's message.
                let other_source = Snippets::new(other);
                let span = other_source.span(other, label.range);
                related.push(MietteView {
                    code: None,
                    message: escape_controls(&label.message).into_owned(),
                    severity: Severity::Info,
                    help: None,
                    url: None,
                    labels: vec![LabeledSpan::new_primary_with_span(None, span)],
                    source: other_source,
                    related: Vec::new(),
                });
            }
        }
        let mut help_lines = Vec::new();
        if let Some(help) = &diagnostic.help {
            help_lines.push(escape_controls(help).into_owned());
        }
        if let Some(note) = &diagnostic.note {
            help_lines.push(format!("note: {}", escape_controls(note)));
        }
        help_lines.extend(listed);
        if let Some(fix) = &diagnostic.fix {
            help_lines.push(format!(
                "fix available ({}): {}",
                fix.applicability.as_str(),
                escape_controls(&fix.title)
            ));
        }
        MietteView {
            code: Some(format!("{} {}", diagnostic.code, diagnostic.name)),
            message: escape_controls(&diagnostic.message).into_owned(),
            severity: diagnostic.severity,
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
            url,
            source,
            labels,
            related,
        }
    }
}

/// A file's text as miette reads it: the snippet around a span, read through the file's line
/// index (miette's own reader rescans the file from the start for every label, and its line
/// count makes far-apart labels one snippet spanning every line between them).
#[derive(Clone)]
struct Snippets {
    name: String,
    text: Arc<str>,
    index: Arc<LineIndex>,
    /// For a file with control characters, its escaped form (whose offsets differ).
    escaped: Option<Arc<EscapedText>>,
}

impl Snippets {
    fn new(file: &SourceFile) -> Self {
        let name = escape_controls(&crate::emit::display_file_path(file.path())).into_owned();
        match file.escaped() {
            None => Snippets {
                name,
                text: file.shared_text(),
                index: file.shared_line_index(),
                escaped: None,
            },
            Some(escaped) => Snippets {
                name,
                text: Arc::clone(&escaped.text),
                index: Arc::clone(&escaped.index),
                escaped: Some(escaped),
            },
        }
    }

    /// Where a byte offset of the file is in the shown text.
    fn shifted(&self, offset: u32) -> u32 {
        let Some(escaped) = &self.escaped else {
            return offset;
        };
        let before = escaped.shifts.partition_point(|&(at, _)| at < offset);
        match before {
            0 => offset,
            n => offset + escaped.shifts[n - 1].1,
        }
    }

    /// The miette span of a file range: shifted past escapes, and cut to its first line when it
    /// covers more than [`MAX_LABEL_LINES`].
    fn span(&self, file: &SourceFile, range: TextRange) -> SourceSpan {
        let index = file.line_index();
        let first = index.line_of(range.start());
        let last = index.line_of(range.end().max(range.start()));
        let end = if last - first >= MAX_LABEL_LINES {
            index
                .line_range(first, file.text())
                .end()
                .max(range.start())
        } else {
            range.end()
        };
        let start = self.shifted(range.start()) as usize;
        let end = self.shifted(end) as usize;
        SourceSpan::new(start.into(), end.saturating_sub(start))
    }
}

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        if span.offset() + span.len() > len {
            return Err(MietteError::OutOfBounds);
        }
        let start = u32::try_from(span.offset()).map_err(|_| MietteError::OutOfBounds)?;
        let end = u32::try_from(span.offset() + span.len().saturating_sub(1))
            .map_err(|_| MietteError::OutOfBounds)?;
        let first_line = self.index.line_of(start);
        let last_line = self.index.line_of(end.max(start));
        let lines = self.index.line_count();
        let context_first = first_line.saturating_sub(context_lines_before);
        let context_last = (last_line + context_lines_after).min(lines - 1);
        // As miette's own reader: without context before, the contents start at the span and
        // carry its column; otherwise they start at the first context line.
        let (data_start, column) = if context_lines_before == 0 {
            let line_start = self.index.line_start(first_line) as usize;
            let column = self
                .text
                .get(line_start..span.offset())
                .map_or(0, |before| before.chars().count());
            (span.offset(), column)
        } else {
            (self.index.line_start(context_first) as usize, 0)
        };
        let data_end = if context_last + 1 < lines {
            self.index.line_start(context_last + 1) as usize
        } else {
            len
        };
        let data_end = data_end.max(span.offset() + span.len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            if context_lines_before == 0 {
                first_line
            } else {
                context_first
            },
            column,
            context_last - context_first + 1,
        )))
    }
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MietteView")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|url| Box::new(url) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        snippets: &Snippets,
        span: SourceSpan,
        context: usize,
    ) -> (String, usize, usize, usize) {
        let contents = snippets
            .read_span(&span, context, context)
            .expect("in bounds");
        (
            String::from_utf8_lossy(contents.data()).into_owned(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )
    }

    #[test]
    fn snippets_hold_the_labelled_lines_and_their_context_only() {
        let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        let file = SourceFile::new("f", text.as_str());
        let snippets = Snippets::new(&file);
        let at = text.find("line 50").expect("line 50");
        let (data, line, column, count) = read(&snippets, SourceSpan::new(at.into(), 7), 1);
        assert_eq!(data, "line 49\nline 50\nline 51\n");
        assert_eq!((line, column, count), (48, 0, 3));
        // Without context: from the span, with its column.
        let (data, line, column, _) = read(&snippets, SourceSpan::new((at + 5).into(), 2), 0);
        assert_eq!((data.as_str(), line, column), ("50\n", 49, 5));
        // The last line without a newline, and an empty file.
        let file = SourceFile::new("g", "a\nb");
        let (data, line, _, count) = read(&Snippets::new(&file), SourceSpan::new(2.into(), 1), 1);
        assert_eq!((data.as_str(), line, count), ("a\nb", 0, 2));
        let empty = SourceFile::new("e", "");
        let (data, _, _, count) = read(&Snippets::new(&empty), SourceSpan::new(0.into(), 0), 1);
        assert_eq!((data.as_str(), count), ("", 1));
        assert!(Snippets::new(&empty)
            .read_span(&SourceSpan::new(0.into(), 5), 1, 1)
            .is_err());
    }

    #[test]
    fn control_characters_are_escaped_and_spans_shifted() {
        let text = "a\u{1b}[2Jb = x\r\nc\rd\n";
        let file = SourceFile::new("f", text);
        let snippets = Snippets::new(&file);
        // `b` is at byte 5 in the file; in the shown text ESC became four bytes.
        let span = snippets.span(&file, TextRange::new(5, 6));
        let (data, _, _, _) = read(&snippets, span, 0);
        assert!(data.starts_with("b = x\r\n"), "{data:?}");
        let (all, _, _, _) = read(&snippets, span, 5);
        assert_eq!(all, "a\\x1b[2Jb = x\r\nc\\rd\n");
    }

    #[test]
    fn a_label_over_many_lines_shows_its_first_line() {
        let text = "block {\n a\n b\n c\n d\n}\n";
        let file = SourceFile::new("f", text);
        let snippets = Snippets::new(&file);
        let span = snippets.span(&file, TextRange::new(0, text.len() as u32 - 1));
        assert_eq!((span.offset(), span.len()), (0, "block {".len()));
        let short = snippets.span(&file, TextRange::new(0, 11));
        assert_eq!(short.len(), 11);
    }
}

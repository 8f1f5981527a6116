use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use crate::{Diagnostic, Severity, SourceMap};

/// Adapts one [`Diagnostic`] to `miette::Diagnostic`, so a front end can render it with any
/// miette report handler without depending on gblint's internals.
pub struct MietteView {
    code: String,
    message: String,
    severity: Severity,
    help: Option<String>,
    url: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
}

impl MietteView {
    /// Build the view of `diagnostic` with its file taken from `sources`; `url` links the code to
    /// its documentation.
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap, url: Option<String>) -> Self {
        let file = sources.get(diagnostic.file);
        let source = NamedSource::new(
            crate::emit::display_file_path(file.path()),
            file.shared_text(),
        )
        .with_language("caddyfile");
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(diagnostic.label.clone().unwrap_or_default()).filter(|l| !l.is_empty()),
            diagnostic.range.as_range(),
        )];
        let mut elsewhere = Vec::new();
        for label in &diagnostic.labels {
            if label.file == diagnostic.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    label.range.as_range(),
                ));
            } else {
                let other = sources.get(label.file);
                let at = other.line_col(label.range.start());
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    crate::emit::display_file_path(other.path()),
                    at.line,
                    at.column,
                    label.message
                ));
            }
        }
        let mut help_lines = Vec::new();
        if let Some(help) = &diagnostic.help {
            help_lines.push(help.clone());
        }
        if let Some(note) = &diagnostic.note {
            help_lines.push(format!("note: {note}"));
        }
        help_lines.extend(elsewhere);
        if let Some(fix) = &diagnostic.fix {
            help_lines.push(format!(
                "fix available ({}): {}",
                fix.applicability.as_str(),
                fix.title
            ));
        }
        MietteView {
            code: format!("{} {}", diagnostic.code, diagnostic.name),
            message: diagnostic.message.clone(),
            severity: diagnostic.severity,
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
            url,
            source,
            labels,
        }
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
        Some(Box::new(&self.code))
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
}

//! What a rule is: metadata declared once (code, name, severity, fix availability, the doc
//! comment as documentation) and a check over the deployment.

use gblint_diagnostics::{Category, Diagnostic, FileId, Severity, TextRange};

use crate::context::Context;
use crate::file_kind::FileKind;

/// Whether a rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// Never.
    None,
    /// For some findings.
    Sometimes,
    /// For every finding.
    Always,
}

impl FixAvailability {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            FixAvailability::None => "",
            FixAvailability::Sometimes => "fix (sometimes)",
            FixAvailability::Always => "fix",
        }
    }

    /// Stable machine-readable name (`none`, `sometimes`, `always`) for JSON output.
    pub fn key(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// Everything gblint knows about a rule besides its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused.
    pub code: &'static str,
    /// Kebab-case name of the hazard.
    pub name: &'static str,
    /// The rule's documentation (its doc comment, in Markdown).
    pub doc: &'static str,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// What kind of problem it reports (`load`: the real tool refuses the file).
    pub category: Category,
    /// Fix availability.
    pub fix: FixAvailability,
    /// Whether the rule runs without being selected.
    pub enabled_by_default: bool,
    /// Whether `# gblint: ignore[…]` may silence it.
    pub suppressible_inline: bool,
    /// Whether configuration may turn it off (syntax errors cannot be).
    pub can_disable: bool,
    /// The kind of file it reads (or `None` for deployment-wide rules).
    pub kind: Option<FileKind>,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn doc_text(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first sentence under "What it does".
    pub fn summary(&self) -> String {
        let doc = self.doc_text();
        let mut lines = doc
            .lines()
            .skip_while(|line| !line.starts_with("## What it does"))
            .skip(1);
        let mut summary = String::new();
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                if summary.is_empty() {
                    continue;
                }
                break;
            }
            if !summary.is_empty() {
                summary.push(' ');
            }
            summary.push_str(line.trim());
        }
        summary
    }

    /// A diagnostic of this rule at its default severity.
    pub fn diagnostic(
        &'static self,
        file: FileId,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(
            self.code,
            self.name,
            self.default_severity,
            self.category,
            file,
            range,
            message,
        )
    }
}

/// A lint rule.
pub trait Rule: Send + Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Report findings into `out`. A rule that cannot see what it needs reports nothing.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Declare a rule: its doc comment becomes its documentation and its fields its metadata.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct StorageNotConfigured {
///         code: "CDY001", name: "storage-not-configured", severity: Error, fix: Sometimes,
///         kind: Caddyfile,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            severity: $severity:ident,
            category: $category:ident,
            fix: $fix:ident,
            $(enabled: $enabled:literal,)?
            $(suppressible: $suppressible:literal,)?
            $(can_disable: $can_disable:literal,)?
            kind: $kind:expr,
        }
    ) => {
        $(#[doc = $doc])+
        $vis struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $kebab,
                doc: concat!($($doc, "\n"),+),
                default_severity: ::gblint_diagnostics::Severity::$severity,
                category: ::gblint_diagnostics::Category::$category,
                fix: $crate::rule::FixAvailability::$fix,
                enabled_by_default: $crate::declare_rule!(@or $($enabled)?, true),
                suppressible_inline: $crate::declare_rule!(@or $($suppressible)?, true),
                can_disable: $crate::declare_rule!(@or $($can_disable)?, true),
                kind: $kind,
            };
        }
    };
    (@or $value:literal, $default:literal) => { $value };
    (@or , $default:literal) => { $default };
}

//! Shared vocabulary of gblint: byte spans, source files, diagnostics and their categories,
//! fixes, the portable (owned, serde) form of a finding, bounded file reads ([`read`]),
//! escaping of untrusted text, how paths are printed ([`path_display`]), and the six
//! machine-readable emitters of [`emit`] (concise, JSON, SARIF, GitHub annotations, GitLab Code
//! Quality, JUnit). The seventh output format, the human one, is the CLI's, through
//! [`MietteView`].
//!
//! Spans are `u32` byte ranges into a file's text; line and column are computed only when a
//! diagnostic is rendered (see [`LineIndex`]). This crate is the only library crate that touches
//! `miette`: [`MietteView`] adapts a [`Diagnostic`] to `miette::Diagnostic` so the CLI can render
//! it with miette's graphical handler, and nothing else in the workspace depends on miette's types.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

mod category;
mod diagnostic;
pub mod emit;
mod escape;
mod fix;
mod line_index;
mod miette_bridge;
pub mod path_display;
mod portable;
mod range;
pub mod read;
mod source;

pub use category::Category;
pub use diagnostic::{Diagnostic, Label, Severity};
pub use escape::{escape_controls, is_unsafe_control};
pub use fix::{apply_edits, Applicability, Edit, Fix};
pub use line_index::{LineCol, LineIndex};
pub use miette_bridge::MietteView;
pub use portable::{PortableDiagnostic, PortableEdit, PortableFix, PortableLabel, Position, Span};
pub use range::TextRange;
pub use source::{FileId, SourceFile, SourceMap};

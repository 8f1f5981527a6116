//! Rules about gblint's own annotations; the engine emits their findings.

/// GBL901: unusable suppression comments.
pub mod invalid_suppression;
/// GBL900: suppressions that silence nothing.
pub mod unused_suppression;

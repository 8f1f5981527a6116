//! Rules about gblint's own suppression comments (`# gblint: ignore[…]`, GBL900 and GBL901);
//! the engine emits their findings while it applies the suppressions.

/// GBL901: unusable suppression comments.
pub mod invalid_suppression;
/// GBL900: suppressions that silence nothing.
pub mod unused_suppression;

//! Why a render stopped, and the exit code each cause maps to.

use std::fmt;

/// A render that did not finish. Nothing has been written when one of these is returned.
#[derive(Debug)]
pub enum RenderError {
    /// A path could not be read, or an option is unusable (exit 2).
    Usage(String),
    /// The inventory does not parse or fails validation: `file:line:col: message` (exit 2).
    Inventory(String),
    /// A template does not compile or render: `template name:line: message` (exit 2).
    Template(String),
    /// The rendered tree did not pass its own lint: one line per finding (exit 1).
    SelfCheck(Vec<String>),
    /// Writing would shrink a Caddyfile and `--allow-shrink` was not given (exit 1).
    Shrink(String),
    /// Writing failed; the message names the file and says what was (not) written (exit 2).
    Write(String),
}

impl RenderError {
    /// The process exit code for this cause.
    pub fn exit_code(&self) -> u8 {
        match self {
            RenderError::SelfCheck(_) | RenderError::Shrink(_) => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Usage(message)
            | RenderError::Inventory(message)
            | RenderError::Shrink(message)
            | RenderError::Write(message) => f.write_str(message),
            RenderError::Template(message) => write!(f, "template error: {message}"),
            RenderError::SelfCheck(findings) => write!(
                f,
                "the rendered tree does not pass gblint check ({} finding{}); nothing written",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for RenderError {}

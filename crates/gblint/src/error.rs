//! The errors of the library, one enum, each variant a cause a person can act on.

use std::fmt;
use std::path::PathBuf;

/// Why gblint could not do what was asked (the CLI's exit code 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `gblint.toml` could not be read or is not valid.
    Config {
        /// The configuration file.
        path: PathBuf,
        /// One-line cause.
        message: String,
    },
    /// The baseline could not be read, found or written.
    Baseline(String),
    /// A path could not be read or understood.
    Discovery(String),
    /// A rule selector (`--select`, `--ignore`, …) matches no rule and no category.
    UnknownSelector {
        /// The selector as given.
        selector: String,
        /// The full message, with a suggestion when one is close.
        message: String,
    },
    /// No rule has this code or name ([`lookup_rule`](crate::lookup_rule)).
    UnknownRule {
        /// The code or name as given.
        query: String,
        /// The full message, with a suggestion when one is close.
        message: String,
    },
    /// A rule name several formats share; ask by code ([`lookup_rule`](crate::lookup_rule)).
    AmbiguousRule {
        /// The name as given.
        query: String,
        /// The codes of the rules with that name.
        codes: Vec<String>,
    },
    /// A file could not be written (nothing was written).
    Write(String),
    /// A render failed.
    Render(gblint_render::RenderError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Baseline(message) | Error::Discovery(message) | Error::Write(message) => {
                f.write_str(message)
            }
            Error::UnknownSelector { message, .. } | Error::UnknownRule { message, .. } => {
                f.write_str(message)
            }
            Error::AmbiguousRule { query, codes } => write!(
                f,
                "`{query}` names {} rules ({}); ask for one by code",
                codes.len(),
                codes.join(", ")
            ),
            Error::Render(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<gblint_lint::ConfigError> for Error {
    fn from(error: gblint_lint::ConfigError) -> Self {
        Error::Config {
            path: error.path,
            message: error.message,
        }
    }
}

impl From<gblint_lint::CheckError> for Error {
    fn from(error: gblint_lint::CheckError) -> Self {
        match error {
            gblint_lint::CheckError::Config(error) => error.into(),
            gblint_lint::CheckError::Discovery(error) => Error::Discovery(error.0),
            gblint_lint::CheckError::Selector(message) => Error::UnknownSelector {
                // The engine's message starts with the selector in backquotes.
                selector: message.split('`').nth(1).unwrap_or_default().to_owned(),
                message,
            },
        }
    }
}

impl From<gblint_lint::DiscoveryError> for Error {
    fn from(error: gblint_lint::DiscoveryError) -> Self {
        Error::Discovery(error.0)
    }
}

impl From<gblint_lint::baseline::BaselineError> for Error {
    fn from(error: gblint_lint::baseline::BaselineError) -> Self {
        Error::Baseline(error.0)
    }
}

impl From<gblint_lint::write::WriteError> for Error {
    fn from(error: gblint_lint::write::WriteError) -> Self {
        Error::Write(error.to_string())
    }
}

impl From<gblint_render::RenderError> for Error {
    fn from(error: gblint_render::RenderError) -> Self {
        Error::Render(error)
    }
}

//! [`Input`]: what a check or a format run reads — a path, or text in place of a file (standard
//! input, an editor's buffer).

use std::fmt;
use std::io::Read;
use std::path::PathBuf;

/// One thing to check or format.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// A file or a folder on disk (every deployment tree below a folder is checked as one).
    Path(PathBuf),
    /// `text`, checked as the file `name`: its name tells the format, its folder anchors
    /// imports and configuration.
    Text {
        /// The name reported, e.g. `Caddyfile` or `deploy/proxy/Caddyfile`.
        name: PathBuf,
        /// The text.
        text: String,
    },
}

impl Input {
    /// Read all of `reader` (standard input, usually) as the text of the file `name`, refusing
    /// more than `limit` bytes and text that is not UTF-8.
    pub fn read(
        reader: impl Read,
        name: impl Into<PathBuf>,
        limit: u64,
    ) -> Result<Input, ReadError> {
        let bytes = match gblint_diagnostics::read::read_to_limit(reader, limit, 0) {
            Ok(bytes) => bytes,
            Err(error) if error.is_too_large() => return Err(ReadError::TooLarge { limit }),
            Err(error) => return Err(ReadError::Io(error.to_string())),
        };
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Input::Text {
                name: name.into(),
                text,
            }),
            Err(error) => Err(ReadError::NotUtf8 {
                valid_up_to: error.utf8_error().valid_up_to(),
            }),
        }
    }

    pub(crate) fn to_engine(&self) -> gblint_lint::Input {
        match self {
            Input::Path(path) => gblint_lint::Input::Path(path.clone()),
            Input::Text { name, text } => gblint_lint::Input::Stdin {
                name: name.clone(),
                text: text.clone(),
            },
        }
    }
}

/// Why [`Input::read`] refused its reader.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError {
    /// More than the limit of bytes.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Not valid UTF-8.
    NotUtf8 {
        /// The offset of the first invalid byte.
        valid_up_to: usize,
    },
    /// Reading failed; one lower-case cause.
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooLarge { limit } => {
                write!(f, "larger than gblint's limit of {limit} bytes")
            }
            ReadError::NotUtf8 { valid_up_to } => write!(
                f,
                "not valid UTF-8 (first invalid byte at offset {valid_up_to})"
            ),
            ReadError::Io(cause) => f.write_str(cause),
        }
    }
}

impl std::error::Error for ReadError {}

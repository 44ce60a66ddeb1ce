//! A failed run: the error, and the file it was found in.

use std::fmt;
use std::path::Path;

use tcrules::Error;

pub struct Failure {
    file: Option<String>,
    error: Error,
}

/// An error not tied to one file: of the rules on the merged inputs, or of an argument.
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { file: None, error }
    }
}

/// Names the file an error came from, keeping the field path inside it intact.
pub fn in_file(file: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |error| Failure {
        file: Some(file.display().to_string()),
        error,
    }
}

/// `file: error [code] message`, the line the program ends with.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        write!(f, "error [{}] {}", self.error.code(), self.error)
    }
}

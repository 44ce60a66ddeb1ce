//! A failed run: the error, the file it was found in, and the exit code it ends with.

use std::fmt;
use std::path::Path;

use serde::Serialize;
use tcrules::{Error, ErrorInfo};

/// The exit code of a run that failed: an input is missing or could not be read.
pub const EXIT_FAILED: u8 = 1;
/// The exit code of `tcrules iati` when some activities have errors (their rows carry them).
pub const EXIT_ACTIVITY_ERRORS: u8 = 3;

/// Boxed: every command returns it, and it is rare.
pub struct Failure(Box<Detail>);

#[derive(Serialize)]
struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(flatten)]
    error: ErrorInfo,
    /// Of an IATI file: how many activities it has, and how many have errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    activities: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    activities_with_errors: Option<usize>,
    #[serde(skip)]
    exit: u8,
}

impl Failure {
    fn new(file: Option<&Path>, error: ErrorInfo) -> Self {
        Failure(Box::new(Detail {
            file: file.map(|f| f.display().to_string()),
            error,
            activities: None,
            activities_with_errors: None,
            exit: EXIT_FAILED,
        }))
    }
}

/// An error not tied to one file: of the rules on the merged inputs, or of an argument.
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::new(None, error.info())
    }
}

/// Names the file an error came from, keeping the field path inside it intact.
pub fn in_file(file: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |error| Failure::new(Some(file), error.info())
}

impl Failure {
    /// An IATI file that could not be read, or whose activities have errors: the first
    /// error of the file (exit 1), or else of its activities (exit 3).
    pub fn iati(
        file: &Path,
        error: &ErrorInfo,
        whole_file: bool,
        activities: usize,
        with_errors: usize,
    ) -> Self {
        let mut f = Failure::new(Some(file), error.clone());
        f.0.activities = Some(activities);
        f.0.activities_with_errors = Some(with_errors);
        if !whole_file {
            f.0.exit = EXIT_ACTIVITY_ERRORS;
        }
        f
    }

    pub fn exit_code(&self) -> u8 {
        self.0.exit
    }

    /// `{"file", "code", "path", "message"}` (and of an IATI file `activities` and
    /// `activities_with_errors`) on one line, for `--format json`.
    pub fn json(&self) -> String {
        serde_json::to_string(&self.0)
            .unwrap_or_else(|_| format!("{{\"code\": {:?}}}", self.0.error.code))
    }
}

/// `file: error [code] message`, the line the program ends with.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        if let Some(file) = &d.file {
            write!(f, "{file}: ")?;
        }
        if let (Some(n), Some(with_errors)) = (d.activities, d.activities_with_errors) {
            if d.exit == EXIT_ACTIVITY_ERRORS {
                write!(
                    f,
                    "{with_errors} of {n} activities have errors; the first: "
                )?;
            }
        }
        write!(f, "error [{}] {}", d.error.code, d.error.message)
    }
}

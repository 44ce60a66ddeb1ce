//! A failed run: the error, and the file it was found in; and the usage errors that the
//! program finds itself, past clap.

use std::fmt;
use std::path::Path;

use serde_json::{json, Value};
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

impl Failure {
    /// `{"error": {"code", "path", "message"}}`, the shape of the core API's errors
    /// (`Error::info`), for `--format json`; the message names the file as the table
    /// form does, and `file` is added when the error came from one; `errors` and
    /// `omitted` when it stands for several bad cells.
    pub fn to_json(&self) -> Value {
        let message = match &self.file {
            Some(file) => format!("{file}: {}", self.error),
            None => self.error.to_string(),
        };
        let mut out = error_json(
            self.error.code(),
            self.error.path(),
            &message,
            self.file.as_deref(),
        );
        // Several bad cells: each listed, as the core's `ErrorInfo` lists them.
        let info = self.error.info();
        if let Some(members) = out.get_mut("error").and_then(Value::as_object_mut) {
            if !info.errors.is_empty() {
                members.insert("errors".into(), json!(info.errors));
                members.insert("omitted".into(), info.omitted.into());
            }
        }
        out
    }
}

/// `{"error": {"code", "path", "message"[, "file"]}}`, every JSON error the program writes.
fn error_json(code: &str, path: &str, message: &str, file: Option<&str>) -> Value {
    let mut info = json!({"code": code, "path": path, "message": message});
    if let (Some(file), Some(members)) = (file, info.as_object_mut()) {
        members.insert("file".into(), file.into());
    }
    json!({ "error": info })
}

/// The line that names an error found inside a file whose report is printed all the same
/// (an IATI activity in error): as [`Failure`] would print it, `lead` before the error in
/// the text form.
pub fn line(file: &Path, lead: &str, info: &tcrules::ErrorInfo, json: bool) -> String {
    let file = file.display().to_string();
    let message = format!("{file}: {lead}{}", info.message);
    if json {
        error_json(&info.code, &info.path, &message, Some(&file)).to_string()
    } else {
        format!(
            "tcrules: {file}: {lead}error [{}] {}",
            info.code, info.message
        )
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

/// A mistake in the arguments that clap cannot see (`--to` before `--from`): a usage
/// error, exit 2.
pub struct Misuse {
    /// The command's name, for its usage line.
    pub command: &'static str,
    /// The argument at fault, as typed (`--to`).
    pub argument: &'static str,
    pub message: String,
}

/// The JSON form of a usage error (exit 2): code `usage`, a code of the program rather
/// than of the rules, and the argument at fault as the path.
pub fn usage_json(argument: &str, message: &str) -> Value {
    error_json("usage", argument, message, None)
}

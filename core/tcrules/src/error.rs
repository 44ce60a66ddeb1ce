//! Typed errors with a stable code and the path of the offending field.
//!
//! Every error names where in the input it arose (`projects[12].budget.amount`) and
//! carries a code that stays the same in Rust, Python and JavaScript, so callers can
//! branch on `code` rather than parse messages.

use serde::{Deserialize, Serialize};

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong with input data or a policy edition.
///
/// ```
/// use tcrules::Error;
/// let e = Error::MissingRate { path: "budget".into(), currency: "EUR".into(), month: None };
/// assert_eq!(e.code(), "missing_rate");
/// assert_eq!(e.to_string(), "budget: no exchange rate from EUR to USD");
/// let e = e.at("projects[3]");
/// assert_eq!(e.path(), "projects[3].budget");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not valid JSON, or does not have the expected shape.
    #[error("{}{}", at(.path), .message)]
    Json { path: String, message: String },
    /// A CSV table could not be read.
    #[error("{}{}", at(.path), .message)]
    Csv { path: String, message: String },
    /// An XML file is not well-formed, or uses what the importer refuses (a DOCTYPE,
    /// entities, an encoding other than UTF-8).
    #[error("{}{}", at(.path), .message)]
    Xml { path: String, message: String },
    /// A money amount's currency has no rate in the caller's rate table.
    #[error("{}no exchange rate from {} to USD{}", at(.path), .currency, .month.as_ref().map(|m| format!(" for {m}")).unwrap_or_default())]
    MissingRate {
        path: String,
        currency: String,
        /// The month the rate was needed for (none where the amount has no date).
        month: Option<String>,
    },
    /// A currency code is not an active ISO 4217 code.
    #[error("{}unknown currency code {:?}", at(.path), .code)]
    UnknownCurrency { path: String, code: String },
    /// An end date lies before its start date.
    #[error("{}end date {} is before start date {}", at(.path), .end, .start)]
    EndBeforeStart {
        path: String,
        start: String,
        end: String,
    },
    /// A money amount, rate or count that must not be negative is.
    #[error("{}{} is negative", at(.path), .value)]
    Negative { path: String, value: String },
    /// An arithmetic result does not fit a 96-bit decimal.
    #[error("{}amount too large to compute with exactly", at(.path))]
    Overflow { path: String },
    /// Two items share an id that must be unique.
    #[error("{}duplicate id {:?}", at(.path), .id)]
    DuplicateId { path: String, id: String },
    /// A record refers to a project that is not in the portfolio.
    #[error("{}no project with id {:?}", at(.path), .id)]
    UnknownProject { path: String, id: String },
    /// A value is out of its allowed range or otherwise invalid.
    #[error("{}{}", at(.path), .message)]
    Invalid { path: String, message: String },
    /// A policy edition is malformed or inconsistent.
    #[error("{}{}", at(.path), .message)]
    Policy { path: String, message: String },
    /// An input exceeds a documented size or depth limit.
    #[error("{}{}", at(.path), .message)]
    TooLarge { path: String, message: String },
    /// A file could not be read or written.
    #[error("{}{}", at(.path), .message)]
    Io { path: String, message: String },
    /// Several bad cells of a table, reported at once (issue 17, item 5): the error is the
    /// first one's (its [`code`](Error::code) and [`path`](Error::path), so a caller that
    /// branches on the code sees what it saw when one cell was bad), and `more` lists the
    /// others in table order, up to [`Error::MAX_LISTED`] in all; `omitted` counts those
    /// beyond. Made by [`Error::gather`], never with fewer than two errors.
    #[error("{first} (and {}: {})", count(.more.len() + .omitted), listed(.more, *.omitted))]
    Several {
        first: Box<Error>,
        more: Vec<Error>,
        omitted: usize,
    },
}

/// "1 more bad cell", "3 more bad cells".
fn count(n: usize) -> String {
    format!("{n} more bad cell{}", if n == 1 { "" } else { "s" })
}

/// The listed errors joined, and how many were left out.
fn listed(errors: &[Error], omitted: usize) -> String {
    let mut text = errors
        .iter()
        .map(Error::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if omitted > 0 {
        text.push_str(&format!("; {omitted} not listed"));
    }
    text
}

/// Every variant's `path` field, by shared or mutable reference alike (`$method`: how a
/// [`Error::Several`] gives its first error's).
macro_rules! path_of {
    ($error:expr, $method:ident) => {
        match $error {
            Error::Json { path, .. }
            | Error::Csv { path, .. }
            | Error::Xml { path, .. }
            | Error::MissingRate { path, .. }
            | Error::UnknownCurrency { path, .. }
            | Error::EndBeforeStart { path, .. }
            | Error::Negative { path, .. }
            | Error::Overflow { path }
            | Error::DuplicateId { path, .. }
            | Error::UnknownProject { path, .. }
            | Error::Invalid { path, .. }
            | Error::Policy { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Io { path, .. } => path,
            Error::Several { first, .. } => first.$method(),
        }
    };
}

impl Error {
    /// Every code [`Error::code`] can return, for bindings that map codes to their own
    /// error types.
    pub const CODES: &'static [&'static str] = &[
        "invalid_json",
        "invalid_csv",
        "invalid_xml",
        "missing_rate",
        "unknown_currency",
        "end_before_start",
        "negative_amount",
        "overflow",
        "duplicate_id",
        "unknown_project",
        "invalid_value",
        "invalid_policy",
        "too_large",
        "io",
    ];

    /// The most errors an [`Error::Several`] lists; it counts the others.
    pub const MAX_LISTED: usize = 100;

    /// The errors as one: `None` for none, the error itself for one, and an
    /// [`Error::Several`] listing up to [`Error::MAX_LISTED`] (each one's own errors
    /// flattened in) for more.
    ///
    /// ```
    /// use tcrules::Error;
    /// let bad = |row: usize| Error::UnknownProject { path: format!("records[{row}].project"), id: "P9".into() };
    /// let e = Error::gather((0..150).map(bad)).unwrap();
    /// assert_eq!((e.code(), e.path()), ("unknown_project", "records[0].project"));
    /// assert_eq!((e.errors().len(), e.omitted()), (100, 50));
    /// assert!(Error::gather([]).is_none());
    /// ```
    pub fn gather(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
        let mut all = errors.into_iter().flat_map(Error::into_errors);
        let first = all.next()?;
        let mut more = Vec::new();
        let mut omitted = 0;
        for e in all {
            if more.len() + 1 < Error::MAX_LISTED {
                more.push(e);
            } else {
                omitted += 1;
            }
        }
        Some(if more.is_empty() && omitted == 0 {
            first
        } else {
            Error::Several {
                first: Box::new(first),
                more,
                omitted,
            }
        })
    }

    /// The errors this one stands for: itself, or each one an [`Error::Several`] lists.
    pub fn errors(&self) -> Vec<&Error> {
        match self {
            Error::Several { first, more, .. } => std::iter::once(&**first).chain(more).collect(),
            other => vec![other],
        }
    }

    /// How many errors beyond those [`Error::errors`] lists were found (and not listed).
    pub fn omitted(&self) -> usize {
        match self {
            Error::Several { omitted, .. } => *omitted,
            _ => 0,
        }
    }

    /// The errors this one stands for, by value (see [`Error::errors`]); the count of
    /// omitted ones is lost, so only [`Error::gather`] calls it.
    fn into_errors(self) -> Vec<Error> {
        match self {
            Error::Several {
                first, mut more, ..
            } => {
                more.insert(0, *first);
                more
            }
            other => vec![other],
        }
    }

    /// The stable, machine-readable code (`missing_rate`, `end_before_start`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Several { first, .. } => first.code(),
            Error::Json { .. } => "invalid_json",
            Error::Csv { .. } => "invalid_csv",
            Error::Xml { .. } => "invalid_xml",
            Error::MissingRate { .. } => "missing_rate",
            Error::UnknownCurrency { .. } => "unknown_currency",
            Error::EndBeforeStart { .. } => "end_before_start",
            Error::Negative { .. } => "negative_amount",
            Error::Overflow { .. } => "overflow",
            Error::DuplicateId { .. } => "duplicate_id",
            Error::UnknownProject { .. } => "unknown_project",
            Error::Invalid { .. } => "invalid_value",
            Error::Policy { .. } => "invalid_policy",
            Error::TooLarge { .. } => "too_large",
            Error::Io { .. } => "io",
        }
    }

    /// The path of the offending field, e.g. `projects[12].budget.amount`.
    pub fn path(&self) -> &str {
        path_of!(self, path)
    }

    fn path_mut(&mut self) -> &mut String {
        path_of!(self, path_mut)
    }

    /// Prefixes the path with the location of the enclosing item, so an error raised on
    /// one project reads `projects[3].budget` in a portfolio.
    #[must_use]
    pub fn at(mut self, prefix: &str) -> Self {
        if let Error::Several { first, more, .. } = &mut self {
            for e in std::iter::once(&mut **first).chain(more.iter_mut()) {
                let path = e.path_mut();
                *path = join_path(prefix, path);
            }
            return self;
        }
        let path = self.path_mut();
        *path = join_path(prefix, path);
        self
    }

    /// The error with each path (its own, or those of the errors it lists) rewritten by
    /// `f`: how a column mapping names the user's headers in errors
    /// ([`crate::io::Columns::user_error`]).
    #[must_use]
    pub fn with_paths(mut self, f: impl Fn(&str) -> String) -> Self {
        if let Error::Several { first, more, .. } = &mut self {
            for e in std::iter::once(&mut **first).chain(more.iter_mut()) {
                let path = e.path_mut();
                *path = f(path);
            }
            return self;
        }
        let path = self.path_mut();
        *path = f(path);
        self
    }

    /// Prefixes the path with the XML element it arose in, XPath-style:
    /// `iati-activity[3]` + `budget[1]/value` = `iati-activity[3]/budget[1]/value`.
    #[cfg(feature = "iati")]
    #[must_use]
    pub(crate) fn in_element(mut self, element: &str) -> Self {
        let path = self.path_mut();
        *path = match (element.is_empty(), path.is_empty()) {
            (true, _) => std::mem::take(path),
            (false, true) => element.to_owned(),
            (false, false) => format!("{element}/{path}"),
        };
        self
    }

    /// The serializable `{code, path, message}` form used by reports and bindings.
    pub fn info(&self) -> ErrorInfo {
        let listed = match self {
            Error::Several { .. } => self.errors().into_iter().map(Error::info).collect(),
            _ => Vec::new(),
        };
        ErrorInfo {
            code: self.code().to_owned(),
            path: self.path().to_owned(),
            message: self.to_string(),
            errors: listed,
            omitted: self.omitted(),
        }
    }

    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn overflow(path: impl Into<String>) -> Self {
        Error::Overflow { path: path.into() }
    }
}

/// `path: ` before a message, or nothing for an error about the whole input.
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// Joins a prefix and a relative path: `projects[3]` + `budget` = `projects[3].budget`,
/// `projects` + `[3]` = `projects[3]`.
pub(crate) fn join_path(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_owned()
    } else if rest.is_empty() {
        prefix.to_owned()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

/// An error as data: what reports, batch rows and bindings carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorInfo {
    /// Stable code, see [`Error::code`].
    #[cfg_attr(feature = "schema", schemars(with = "ErrorCode"))]
    pub code: String,
    /// Path of the offending field.
    pub path: String,
    /// Human-readable message, including the path.
    pub message: String,
    /// Where several errors were found at once (several bad cells of a table), each of
    /// them, the first being this one's code and path; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorInfo>,
    /// How many more errors were found than `errors` lists (it lists at most 100).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The schema of [`ErrorInfo::code`]: one of [`Error::CODES`], so that the bindings'
/// generated types list every code, and their tests can check their error classes against it.
#[cfg(feature = "schema")]
enum ErrorCode {}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ErrorCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ErrorCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The stable code of an error, the same in Rust, Python and JavaScript.",
            "type": "string",
            "enum": Error::CODES,
        })
    }
}

impl ErrorInfo {
    /// The error as seen from inside `prefix` (`projects[3]`): its path and message, and
    /// those of the errors it lists, without the prefix (`end: ...`).
    ///
    /// ```
    /// use tcrules::Error;
    /// let e = Error::Invalid { path: "projects[3].end".into(), message: "not a date".into() };
    /// let e = e.info().within("projects[3]");
    /// assert_eq!((e.path.as_str(), e.message.as_str()), ("end", "end: not a date"));
    /// ```
    #[must_use]
    pub fn within(mut self, prefix: &str) -> ErrorInfo {
        let strip = |s: &mut String| {
            if let Some(rest) = s.strip_prefix(prefix) {
                *s = rest.trim_start_matches('.').to_owned();
            }
        };
        strip(&mut self.path);
        strip(&mut self.message);
        self.errors = self.errors.into_iter().map(|e| e.within(prefix)).collect();
        self
    }
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        e.info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_list_every_variant() {
        let p = || String::from("p");
        let all = [
            Error::Json {
                path: p(),
                message: p(),
            },
            Error::Csv {
                path: p(),
                message: p(),
            },
            Error::Xml {
                path: p(),
                message: p(),
            },
            Error::MissingRate {
                path: p(),
                currency: p(),
                month: None,
            },
            Error::UnknownCurrency {
                path: p(),
                code: p(),
            },
            Error::EndBeforeStart {
                path: p(),
                start: p(),
                end: p(),
            },
            Error::Negative {
                path: p(),
                value: p(),
            },
            Error::Overflow { path: p() },
            Error::DuplicateId { path: p(), id: p() },
            Error::UnknownProject { path: p(), id: p() },
            Error::Invalid {
                path: p(),
                message: p(),
            },
            Error::Policy {
                path: p(),
                message: p(),
            },
            Error::TooLarge {
                path: p(),
                message: p(),
            },
            Error::Io {
                path: p(),
                message: p(),
            },
        ];
        let codes: Vec<&str> = all.iter().map(Error::code).collect();
        assert_eq!(codes, Error::CODES);
    }

    #[test]
    fn several_errors_keep_the_first_code_and_list_every_cell() {
        let bad = |path: &str| Error::invalid(path, "bad");
        let e = Error::gather([bad("a"), Error::gather([bad("b"), bad("c")]).unwrap()])
            .unwrap()
            .at("projects[1]");
        assert_eq!((e.code(), e.path()), ("invalid_value", "projects[1].a"));
        let paths: Vec<&str> = e.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["projects[1].a", "projects[1].b", "projects[1].c"]);
        assert_eq!(
            e.to_string(),
            "projects[1].a: bad (and 2 more bad cells: projects[1].b: bad; projects[1].c: bad)"
        );
        let info = e.info();
        assert_eq!(
            (info.errors.len(), info.errors[2].path.as_str()),
            (3, "projects[1].c")
        );
        assert_eq!(Error::gather([bad("a")]), Some(bad("a")));
        let many = Error::gather((0..101).map(|i| bad(&i.to_string()))).unwrap();
        assert_eq!((many.errors().len(), many.omitted()), (100, 1));
        assert!(many.to_string().ends_with("; 1 not listed)"));
        let json = serde_json::to_value(many.info()).unwrap();
        assert_eq!(json["omitted"], 1);
        assert!(serde_json::to_value(bad("a").info())
            .unwrap()
            .get("errors")
            .is_none());
    }

    #[test]
    fn whole_input_errors_have_no_path_prefix() {
        let e = Error::Json {
            path: String::new(),
            message: "EOF".into(),
        };
        assert_eq!(e.to_string(), "EOF");
        assert_eq!(e.at("project").to_string(), "project: EOF");
    }
}

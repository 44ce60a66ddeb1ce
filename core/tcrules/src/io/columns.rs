//! Column mapping: which of a user's columns is which column of the layout (issue 17,
//! item 1).
//!
//! A table as its user has it names its columns in its own way ("Project ID", "Start
//! Date", "Budget (EUR)"); the readers of the flat layout ([`crate::io::csv`], the
//! spreadsheet reader, the Arrow engine `tcrules-arrow`) find columns by the layout's
//! names (`id`, `start`, `budget_amount`). A [`Columns`] mapping says which header stands
//! for which name. It is applied where a table goes in, so every reader and every entry
//! point (the CLI's `--columns FILE`, Python's `columns={...}`, the pages) gets it alike:
//!
//! - the table's columns are found by the names the mapping gives them ([`Columns::names`]);
//! - the errors of its cells name the user's own headers ([`Columns::user_path`]): a bad
//!   start date is `projects[3].Start Date`, not `projects[3].start`;
//! - every required column the table lacks is named in one error, each with the closest
//!   header of the table suggested ([`Columns::missing`]).
//!
//! Output keeps the user's columns and names: the mapping renames nothing in the table
//! itself.

use crate::error::{Error, Result};

/// A mapping from a table's own headers to the layout's column names: `{"Project ID":
/// "id", "Start Date": "start"}`. Headers it does not name keep their own name, so an
/// empty mapping (the default) reads a table in the layout as it is. One mapping may
/// serve several tables (a projects table's "Project ID" and a records table's
/// "Project" alike).
///
/// ```
/// use tcrules::io::Columns;
/// let columns = Columns::from_json(r#"{"Project ID": "id", "Start Date": "start"}"#).unwrap();
/// assert_eq!(columns.names(["Project ID", "Start Date", "title"]), ["id", "start", "title"]);
/// assert_eq!(columns.user_path("projects[3].start"), "projects[3].Start Date");
/// let e = Columns::new([("A", "id"), ("B", "id")]).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_value", "columns.B"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// (header, name), in the order given.
    pairs: Vec<(String, String)>,
}

impl Columns {
    /// A mapping of `(header, name)` pairs. Two headers for one name, a header given
    /// twice, or an empty header or name is an `invalid_value` error at
    /// `columns.<header>`.
    pub fn new<H, N>(pairs: impl IntoIterator<Item = (H, N)>) -> Result<Self>
    where
        H: Into<String>,
        N: Into<String>,
    {
        let mut out: Vec<(String, String)> = Vec::new();
        for (header, name) in pairs {
            let (header, name) = (header.into(), name.into());
            let at = format!("columns.{header}");
            if header.trim().is_empty() || name.trim().is_empty() {
                return Err(Error::invalid(
                    at,
                    "a header and a column name may not be empty",
                ));
            }
            if out.iter().any(|(h, _)| *h == header) {
                return Err(Error::invalid(at, "this header is mapped twice"));
            }
            if let Some((other, _)) = out.iter().find(|(_, n)| *n == name) {
                return Err(Error::invalid(
                    at,
                    format!("{other:?} is already mapped to {name:?}: one header per column"),
                ));
            }
            out.push((header, name));
        }
        Ok(Columns { pairs: out })
    }

    /// A mapping from a JSON object of strings, `{"Project ID": "id", ...}`: what the
    /// command line's `--columns FILE` holds. Text that is not a JSON object of strings is
    /// an `invalid_json` error.
    ///
    /// ```
    /// use tcrules::io::Columns;
    /// assert_eq!(Columns::from_json("[1]").unwrap_err().code(), "invalid_json");
    /// assert!(Columns::from_json("{}").unwrap().is_empty());
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let value = crate::io::json::parse_value(text)?;
        let serde_json::Value::Object(map) = value else {
            return Err(Error::Json {
                path: "columns".into(),
                message:
                    "expected a JSON object of your headers and the column names they stand for, \
                          e.g. {\"Project ID\": \"id\"}"
                        .into(),
            });
        };
        let mut pairs = Vec::with_capacity(map.len());
        for (header, name) in map {
            let serde_json::Value::String(name) = name else {
                return Err(Error::Json {
                    path: format!("columns.{header}"),
                    message: "expected a column name (text)".into(),
                });
            };
            pairs.push((header, name));
        }
        Columns::new(pairs)
    }

    /// The mapping for a table with these `headers`: this one, and each header written as
    /// a column name of the layout is in other case or with spaces or hyphens ("Currency",
    /// "Budget Amount", "budget-currency") mapped to that name (`currency`,
    /// `budget_amount`), unless the mapping or another header already gives that name.
    ///
    /// ```
    /// use tcrules::io::Columns;
    /// let c = Columns::new([("Project ID", "id")]).unwrap().for_headers(["Project ID", "ID", "Budget Amount", "title"]);
    /// // "ID" would be `id`, which "Project ID" is mapped to: it keeps its own name.
    /// assert_eq!(c.names(["Project ID", "ID", "Budget Amount", "title"]), ["id", "ID", "budget_amount", "title"]);
    /// assert_eq!(c.user_path("projects[0].budget_amount"), "projects[0].Budget Amount");
    /// ```
    #[must_use]
    pub fn for_headers<'a>(&self, headers: impl IntoIterator<Item = &'a str>) -> Columns {
        let headers: Vec<&str> = headers
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}'))
            .collect();
        let mut out = self.clone();
        for header in &headers {
            let name = snake(header);
            let taken = out
                .pairs
                .iter()
                .any(|(h, n)| h.trim() == *header || *n == name)
                || headers.contains(&name.as_str());
            if name != *header && !name.is_empty() && !taken {
                out.pairs.push(((*header).to_owned(), name));
            }
        }
        out
    }

    /// Whether the mapping names no header.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The `(header, name)` pairs, in the order given.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(h, n)| (h.as_str(), n.as_str()))
    }

    /// The layout's name of each of a table's `headers` (trimmed, a byte-order mark
    /// dropped), in order: the mapped name, or the header itself. A header that is itself
    /// the name another header is mapped to is shadowed (its name is empty, matching no
    /// column), so that the mapped column is the one read.
    pub fn names<'a>(&self, headers: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        headers
            .into_iter()
            .map(|h| {
                let h = h.trim().trim_start_matches('\u{feff}');
                match self.pairs.iter().find(|(header, _)| header.trim() == h) {
                    Some((_, name)) => name.clone(),
                    None if self.pairs.iter().any(|(_, name)| name == h) => String::new(),
                    None => h.to_owned(),
                }
            })
            .collect()
    }

    /// The user's header for a column name of the layout: the header mapped to it, or the
    /// name itself.
    pub fn header<'a>(&'a self, name: &'a str) -> &'a str {
        self.pairs
            .iter()
            .find(|(_, n)| n == name)
            .map_or(name, |(h, _)| h.as_str())
    }

    /// `path` with the layout's column names in it written as the user's headers: the
    /// segments without an index (`projects[3]` is a table's row, `start` a column).
    pub fn user_path(&self, path: &str) -> String {
        if self.pairs.is_empty() {
            return path.to_owned();
        }
        path.split('.')
            .map(|segment| {
                if segment.contains('[') {
                    segment
                } else {
                    self.header(segment)
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// `error` with its paths (and those of the errors it lists) written with the user's
    /// headers ([`Columns::user_path`]).
    pub fn user_error(&self, error: Error) -> Error {
        if self.pairs.is_empty() {
            return error;
        }
        error.with_paths(|p| self.user_path(p))
    }

    /// The message for a table whose headers (as given, before mapping) lack some of the
    /// `required` columns: every missing one, each with the closest header that no
    /// required column already reads suggested; `None` when none is missing.
    ///
    /// ```
    /// use tcrules::io::Columns;
    /// let headers = ["Project ID", "title", "Start Date", "End Date", "Budget (EUR)"];
    /// let m = Columns::default().missing(&["id", "title", "start", "end"], &headers).unwrap();
    /// assert_eq!(m, "the table has no columns \"id\" (did you mean \"Project ID\"?), \"start\" \
    ///     (did you mean \"Start Date\"?), \"end\" (did you mean \"End Date\"?): say which of \
    ///     your columns is which with a column mapping, e.g. {\"Project ID\": \"id\"}");
    /// ```
    pub fn missing(&self, required: &[&str], headers: &[&str]) -> Option<String> {
        let this = self.for_headers(headers.iter().copied());
        let names = this.names(headers.iter().copied());
        let lacking: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !names.iter().any(|n| n == c))
            .collect();
        if lacking.is_empty() {
            return None;
        }
        // Headers free to suggest: not read as a required column already.
        let free: Vec<&str> = headers
            .iter()
            .zip(&names)
            .filter(|(_, n)| !required.contains(&n.as_str()))
            .map(|(h, _)| h.trim().trim_start_matches('\u{feff}'))
            .collect();
        let mut example = None;
        let listed: Vec<String> = lacking
            .iter()
            .map(|name| match closest(name, &free) {
                Some(header) => {
                    example.get_or_insert((header, *name));
                    format!("{name:?} (did you mean {header:?}?)")
                }
                None => format!("{name:?}"),
            })
            .collect();
        let (header, name) =
            example.unwrap_or(("Your Header", lacking.first().copied().unwrap_or("id")));
        let what = if listed.len() == 1 {
            "column"
        } else {
            "columns"
        };
        Some(format!(
            "the table has no {what} {}: say which of your columns is which with a column \
             mapping, e.g. {{{header:?}: {name:?}}}",
            listed.join(", ")
        ))
    }
}

/// A header written as the layout writes column names: lower case, with `_` for runs of
/// spaces and hyphens ("Budget Amount" is `budget_amount`).
fn snake(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for word in header
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Letters and digits of a name, lower-cased: "Start Date" and "start_date" alike.
fn folded(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header most like `name`, if any is like it enough: one holding the other
/// ("Project ID" holds "id", "Start Date" "start"), else by Jaro-Winkler similarity of
/// their letters and digits.
fn closest<'a>(name: &str, headers: &[&'a str]) -> Option<&'a str> {
    let want = folded(name);
    let score = |header: &str| {
        let got = folded(header);
        if got.is_empty() {
            return 0.0;
        }
        let similar = strsim::jaro_winkler(&want, &got);
        let holds = (got.contains(&want) || want.contains(&got)) && want.len().min(got.len()) >= 2;
        if holds {
            similar.max(0.9)
        } else {
            similar
        }
    };
    let mut best: Option<(&str, f64)> = None;
    for header in headers {
        let s = score(header);
        if s >= 0.8 && best.is_none_or(|(_, b)| s > b) {
            best = Some((header, s));
        }
    }
    best.map(|(h, _)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_map_to_names_and_the_mapped_one_wins() {
        let c = Columns::new([("Project ID", "id")]).unwrap();
        assert_eq!(
            c.names(["id", " Project ID ", "\u{feff}title"]),
            ["", "id", "title"]
        );
        assert_eq!(c.header("id"), "Project ID");
        assert_eq!(c.header("start"), "start");
        assert_eq!(c.user_path("projects[0].id"), "projects[0].Project ID");
        assert_eq!(c.user_path("id"), "Project ID");
        let e = c.user_error(
            Error::gather([
                Error::invalid("projects[0].id", "x"),
                Error::invalid("projects[1].id", "y"),
            ])
            .unwrap(),
        );
        let paths: Vec<&str> = e.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["projects[0].Project ID", "projects[1].Project ID"]);
    }

    #[test]
    fn a_missing_column_suggests_the_closest_header() {
        let none = Columns::default();
        let m = |required: &[&str], headers: &[&str]| none.missing(required, headers);
        assert_eq!(m(&["id"], &["id", "x"]), None);
        let one = m(&["start"], &["id", "Start Date"]).unwrap();
        assert!(
            one.starts_with("the table has no column \"start\" (did you mean \"Start Date\"?)"),
            "{one}"
        );
        let far = m(&["budget_currency"], &["Colour"]).unwrap();
        assert!(
            far.starts_with("the table has no column \"budget_currency\":"),
            "{far}"
        );
        let budget = m(&["budget_amount"], &["Budget (EUR)", "Responsible Unit"]).unwrap();
        assert!(budget.contains("did you mean \"Budget (EUR)\""), "{budget}");
        // A header read as a required column is not suggested for another.
        let used = m(&["start", "end"], &["start"]).unwrap();
        assert!(!used.contains("did you mean"), "{used}");
        // With a mapping, what it maps counts as present.
        let mapped = Columns::new([("Start Date", "start")]).unwrap();
        assert_eq!(mapped.missing(&["start"], &["Start Date"]), None);
    }

    #[test]
    fn json_mappings_are_objects_of_strings() {
        assert_eq!(
            Columns::from_json(r#"{"a": 1}"#).unwrap_err().path(),
            "columns.a"
        );
        assert_eq!(
            Columns::from_json("not json").unwrap_err().code(),
            "invalid_json"
        );
        assert_eq!(
            Columns::from_json(r#"{"": "id"}"#).unwrap_err().code(),
            "invalid_value"
        );
        let c = Columns::from_json(r#"{"B": "budget_amount", "A": "id"}"#).unwrap();
        let pairs: Vec<(&str, &str)> = c.pairs().collect();
        assert_eq!(pairs.len(), 2);
    }
}

//! Canonical JSON: errors carry the path of the offending field.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::model::Portfolio;

mod path;

/// Refuses a text over [`super::MAX_INPUT_BYTES`].
pub(crate) fn check_size(text: &str) -> Result<()> {
    let len = text.len();
    if len > super::MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: String::new(),
            message: format!(
                "input of {len} bytes is over the limit of {} bytes",
                super::MAX_INPUT_BYTES
            ),
        });
    }
    Ok(())
}

fn json_error(path: String, e: &serde_json::Error) -> Error {
    let message = if e.line() > 0 {
        format!("{} (line {}, column {})", message(e), e.line(), e.column())
    } else {
        message(e)
    };
    Error::Json { path, message }
}

/// An error's message without the position serde_json appends to it, in the words of
/// JSON rather than of the Rust types read ([`plain`]).
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    plain(text.strip_suffix(&position).unwrap_or(&text))
}

/// A serde message with the Rust type it names said as the JSON it expects: "expected
/// internally tagged enum ReportingPeriod" is "expected an object with a \"kind\" field",
/// "expected struct Project" "expected an object".
///
/// ```
/// let e = tcrules::io::json::from_str::<tcrules::period::ReportingPeriod>(r#""all""#).unwrap_err();
/// assert_eq!(e.to_string(), r#"invalid type: string "all", expected an object with a "kind" field (line 1, column 5)"#);
/// ```
fn plain(message: &str) -> String {
    const NAMED: [(&str, &str); 3] = [
        (
            "expected internally tagged enum ",
            "expected an object with a \"kind\" field",
        ),
        ("expected struct ", "expected an object"),
        ("expected enum ", "expected one of its values"),
    ];
    for (serde, json) in NAMED {
        if let Some(at) = message.find(serde) {
            let rest = message.get(at + serde.len()..).unwrap_or_default();
            // The type's name: up to the next character that cannot be in one.
            let name = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (before, after) = (
                message.get(..at).unwrap_or_default(),
                rest.get(name..).unwrap_or_default(),
            );
            return format!("{before}{json}{after}");
        }
    }
    message.to_owned()
}

/// Parses JSON text into a value (nesting deeper than 128 levels is an error).
///
/// ```
/// let deep = "[".repeat(200) + &"]".repeat(200);
/// assert_eq!(tcrules::io::json::parse_value(&deep).unwrap_err().code(), "invalid_json");
/// ```
pub fn parse_value(text: &str) -> Result<serde_json::Value> {
    check_size(text)?;
    serde_json::from_str(text).map_err(|e| json_error(String::new(), &e))
}

/// Reads any model type from JSON text; errors name the field's path.
///
/// ```
/// use tcrules::{io::json, Project};
/// let e = json::from_str::<Project>(r#"{"id":"P","title":"T","start":"2024-01-01",
///     "end":"2024-02-30","budget":{"amount":"1","currency":"USD"}}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_json", "end"));
/// let e = json::from_str::<Project>(r#"{"id":"P","title":"T","start":"2024-01-01",
///     "end":"2024-02-28","budget":{"amount":"1","currency":"USD"}} {}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_json", ""));
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T> {
    check_size(text)?;
    read_text(text, &[]).map_err(|(path, e)| json_error(clean_path(&path), &e))
}

/// Reads a model type from an already-parsed value (one row of a batch); errors name the
/// field's path, and their messages no position.
///
/// ```
/// let row = serde_json::json!({"project": "P1", "month": "2008-13", "source": "xbtc",
///     "allocation": {"amount": "1", "currency": "USD"}, "expenditure": {"amount": "1", "currency": "USD"}});
/// let e = tcrules::io::json::from_value::<tcrules::model::FinancialRecord>(row).unwrap_err();
/// assert_eq!(e.path(), "month");
/// ```
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    read_value(&value)
}

/// [`from_value`] by reference. The value is read as its JSON text, so that values and
/// texts go through one deserializer: one copy of its code per type, which the
/// WebAssembly module's size counts.
pub(crate) fn read_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T> {
    let text = value.to_string();
    read_text(&text, &[]).map_err(|(path, e)| Error::Json {
        path: clean_path(&path),
        message: message(&e),
    })
}

/// The path of the error reading `T` from the JSON text of `value` gives, written as
/// a policy's errors name paths: the keys of the maps in `enum_keyed` named too
/// (`rules.EVAL-PLAN.severity`).
pub(crate) fn error_path<T: DeserializeOwned>(
    value: &serde_json::Value,
    enum_keyed: &[&str],
) -> String {
    let text = value.to_string();
    let path = read_text::<T>(&text, enum_keyed)
        .err()
        .map(|(path, _)| path);
    path.unwrap_or_default().trim_start_matches('.').to_owned()
}

/// Reads `T` from `text` with serde_json alone (no check of what follows the value);
/// on error, the field path of the error too ([`path::locate`]).
fn read_text<T: DeserializeOwned>(
    text: &str,
    enum_keyed: &[&str],
) -> std::result::Result<T, (String, serde_json::Error)> {
    // Text after the value is an error, as `serde_json::from_str` makes it.
    let read = |text: &str| {
        let mut de = serde_json::Deserializer::from_str(text);
        T::deserialize(&mut de).and_then(|value| de.end().map(|()| value))
    };
    read(text).map_err(|e| {
        let reread = |text: &str| read(text).err().and_then(|e| path::offset(text, &e));
        (path::locate(text, &e, &reread, enum_keyed), e)
    })
}

/// The path as the crate writes paths: no leading dot, and no `?` for a map key the
/// input broke off in (`projects[0].?` is `projects[0]`).
fn clean_path(p: &str) -> String {
    let p = p.trim_end_matches(".?").trim_end_matches('?');
    p.trim_start_matches('.').to_owned()
}

/// Reads a portfolio and checks it (see [`Portfolio::validate`]).
///
/// ```
/// let e = tcrules::io::json::read_portfolio(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2024-01-01", "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"}},
///   {"id": "A", "title": "B", "start": "2024-01-01", "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"}}]}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("duplicate_id", "projects[1].id"));
/// ```
pub fn read_portfolio(text: &str) -> Result<Portfolio> {
    let p: Portfolio = from_str(text)?;
    p.validate()?;
    Ok(p)
}

//! Canonical JSON: errors carry the path of the offending field.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::model::Portfolio;

fn too_large(len: usize) -> Result<()> {
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
        let inner = e.to_string();
        let inner = inner
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned();
        format!("{inner} (line {}, column {})", e.line(), e.column())
    } else {
        e.to_string()
    };
    Error::Json { path, message }
}

/// Parses JSON text into a value (nesting deeper than 128 levels is an error).
///
/// ```
/// let deep = "[".repeat(200) + &"]".repeat(200);
/// assert_eq!(tcrules::io::json::parse_value(&deep).unwrap_err().code(), "invalid_json");
/// ```
pub fn parse_value(text: &str) -> Result<serde_json::Value> {
    too_large(text.len())?;
    serde_json::from_str(text).map_err(|e| json_error(String::new(), &e))
}

/// Reads any model type from JSON text; errors name the field's path.
///
/// ```
/// use tcrules::{io::json, Project};
/// let e = json::from_str::<Project>(r#"{"id":"P","title":"T","start":"2024-01-01",
///     "end":"2024-02-30","budget":{"amount":"1","currency":"USD"}}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_json", "end"));
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T> {
    too_large(text.len())?;
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        json_error(path, e.inner())
    })?;
    Ok(value)
}

/// Reads a model type from an already-parsed value (one row of a batch).
///
/// ```
/// let row = serde_json::json!({"project": "P1", "month": "2008-13", "source": "xbtc",
///     "allocation": {"amount": "1", "currency": "USD"}, "expenditure": {"amount": "1", "currency": "USD"}});
/// let e = tcrules::io::json::from_value::<tcrules::model::FinancialRecord>(row).unwrap_err();
/// assert_eq!(e.path(), "month");
/// ```
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| Error::Json {
        path: clean_path(&e.path().to_string()),
        message: e.inner().to_string(),
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

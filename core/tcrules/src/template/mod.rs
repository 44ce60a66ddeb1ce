//! The proposal template: a workbook an officer fills in a spreadsheet program instead of
//! the appraisal page's form, and reads back as a [`Proposal`] (issue 19, item 2).
//!
//! Its layout comes from the proposal's JSON Schema ([`Layout::proposal`]), so it cannot
//! drift from the type: the sheet "Proposal" has a row per field outside lists (Field,
//! Value, About, and a Key the reader finds the field by), each list (budget lines,
//! outcomes, their outputs and indicators, risks, assumptions, evaluations, constituents
//! whose capacity was assessed) a sheet with a header row. Yes/No and enumerations are
//! written as their labels ("Capacity building", "Mid-term evaluation") and read as
//! labels, names or aliases.
//!
//! ```
//! use tcrules::template;
//! let sheets = template::sheets(None);
//! let proposal = sheets.iter().find(|s| s.name == "Proposal").unwrap();
//! assert_eq!(proposal.rows[0], ["Field", "Value", "About", "Key"]);
//! assert!(proposal.rows.iter().any(|r| r[3] == "needs.pb_outcome"));
//! ```

mod layout;
mod order;
mod read;
#[cfg(feature = "template")]
mod xlsx;

use serde_json::Value;

pub use layout::{Choice, Field, Kind, Layout, Sheet, Vocabulary, PROPOSAL_SHEET};
pub use read::read;
#[cfg(feature = "template")]
pub use xlsx::workbook;

use crate::error::{Error, Result};
use crate::io::csv::{separator, Dialect};
use crate::model::label_key;
use crate::Proposal;

/// The header of the sheet "Proposal".
pub const PROPOSAL_HEADER: [&str; 4] = ["Field", "Value", "About", "Key"];

/// A sheet of a template as cell texts: its name and its rows, the header row first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetRows {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// The template's sheets as cell texts: blank, or filled with `proposal` (what
/// [`read`] reads back as the same proposal).
pub fn sheets(proposal: Option<&Proposal>) -> Vec<SheetRows> {
    let layout = Layout::proposal();
    let value = proposal
        .and_then(|p| serde_json::to_value(p).ok())
        .unwrap_or(Value::Null);
    // Each list's items with the number of the item they belong to, parents first.
    let mut items: Vec<Vec<(Option<usize>, &Value)>> = Vec::with_capacity(layout.sheets.len());
    for sheet in &layout.sheets {
        let found: Vec<(Option<usize>, &Value)> = match sheet.parent {
            _ if sheet.at.is_empty() => vec![(None, &value)],
            None => list_at(&value, &sheet.at).map(|v| (None, v)).collect(),
            Some(p) => items
                .get(p)
                .map(|parents| {
                    parents
                        .iter()
                        .enumerate()
                        .flat_map(|(n, (_, item))| {
                            list_at(item, &sheet.at).map(move |v| (Some(n + 1), v))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        items.push(found);
    }
    layout
        .sheets
        .iter()
        .zip(&items)
        .map(|(sheet, items)| {
            let rows = if sheet.at.is_empty() {
                let header = PROPOSAL_HEADER.iter().map(|h| (*h).to_owned()).collect();
                std::iter::once(header)
                    .chain(sheet.fields.iter().map(|f| {
                        vec![
                            f.label.clone(),
                            cell(f, at_key(&value, &f.key)),
                            about(f),
                            f.dotted(),
                        ]
                    }))
                    .collect()
            } else {
                let parent = sheet.parent_column(&layout);
                let header = parent
                    .iter()
                    .cloned()
                    .chain(sheet.fields.iter().map(|f| f.label.clone()))
                    .collect();
                std::iter::once(header)
                    .chain(items.iter().map(|(n, item)| {
                        n.iter()
                            .map(usize::to_string)
                            .chain(sheet.fields.iter().map(|f| cell(f, at_key(item, &f.key))))
                            .collect()
                    }))
                    .collect()
            };
            SheetRows {
                name: sheet.name.clone(),
                rows,
            }
        })
        .collect()
}

/// What a field's About says: its description, what it takes, whether it is required.
pub fn about(field: &Field) -> String {
    let takes = match &field.kind {
        Kind::Text => String::new(),
        Kind::Date => "A date, year-month-day (2024-12-31).".into(),
        Kind::Amount => "An amount, digits with a decimal point (248000.00).".into(),
        Kind::YesNo => "Yes or No.".into(),
        Kind::Whole { min, max } => format!("A whole number from {min} to {max}."),
        Kind::Choice(v) => {
            let labels: Vec<&str> = v.values.iter().map(|c| c.label.as_str()).collect();
            if labels.len() > 12 {
                format!("One of the {} codes in the list.", labels.len())
            } else {
                format!("One of: {}.", labels.join(", "))
            }
        }
    };
    let required = match (field.required.last(), field.required.iter().all(|r| *r)) {
        (Some(true), true) => "Required.",
        (Some(true), false) => "Required when the section is filled in.",
        _ => "",
    };
    [field.about.as_str(), takes.as_str(), required]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value at `key` in `value`.
fn at_key<'a>(value: &'a Value, key: &[String]) -> &'a Value {
    key.iter()
        .fold(value, |v, k| v.get(k).unwrap_or(&Value::Null))
}

/// The items of the list at `at` in `value`.
fn list_at<'a>(value: &'a Value, at: &[String]) -> impl Iterator<Item = &'a Value> {
    at_key(value, at).as_array().into_iter().flatten()
}

/// A value as its cell's text: Yes/No, an enumeration's label, a number's digits.
fn cell(field: &Field, value: &Value) -> String {
    match (value, &field.kind) {
        (Value::Bool(b), _) => if *b { "Yes" } else { "No" }.into(),
        (Value::String(s), Kind::Choice(v)) => v.label_of(s).to_owned(),
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), _) => n.to_string(),
        _ => String::new(),
    }
}

/// The template as CSV text, blank or filled with `proposal`: its sheets one after another,
/// each after a line holding its name alone (the sheet "Proposal" first, without one),
/// as [`read_csv`] reads them.
///
/// ```
/// let text = tcrules::template::write_csv(None).unwrap();
/// assert!(text.starts_with("Field,Value,About,Key\nID,,Required.,id\n"));
/// assert!(text.contains("\nBudget lines\nLabel,Purpose,Amount,Amount › Currency\n"));
/// ```
pub fn write_csv(proposal: Option<&Proposal>) -> Result<String> {
    let failed = |e: &dyn std::fmt::Display| Error::Io {
        path: String::new(),
        message: format!("the template could not be written as CSV: {e}"),
    };
    let mut out = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (i, sheet) in sheets(proposal).iter().enumerate() {
        if i > 0 {
            out.write_record([&sheet.name]).map_err(|e| failed(&e))?;
        }
        for row in &sheet.rows {
            // A row of one cell would read as a sheet's name line: a list of plain values
            // (assumptions) gets an empty second cell.
            let padded = row.len() == 1;
            out.write_record(row.iter().map(String::as_str).chain(padded.then_some("")))
                .map_err(|e| failed(&e))?;
        }
    }
    let bytes = out.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

/// Reads a template saved as CSV text: the sheets one after another, each after a line
/// holding its name alone, without a separator (`Budget lines`); the lines before the
/// first name are the sheet "Proposal" (so that sheet saved alone as CSV reads too). Cells are separated
/// by `,`, `;` or tabs ([`separator`]); in a `;` file amounts may use the decimal comma.
///
/// ```
/// let text = "Field,Value,About,Key\nID,PR-1,,id\nTitle,Draft,,title\n\
///             Budget lines\nLabel,Purpose,Amount,Amount › Currency\nTravel,General,\"1,200.00\",USD\n";
/// let p = tcrules::template::read_csv(text).unwrap();
/// assert_eq!(p.budget.unwrap()[0].amount.amount.to_string(), "1200.00");
/// ```
pub fn read_csv(text: &str) -> Result<Proposal> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = separator(text);
    let layout = Layout::proposal();
    let mut sheets = vec![SheetRows {
        name: PROPOSAL_SHEET.into(),
        rows: Vec::new(),
    }];
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(text.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::Csv {
            path: format!("line {}", i + 1),
            message: format!("not a CSV line: {e}"),
        })?;
        let row: Vec<String> = record.iter().map(str::to_owned).collect();
        let heading = row.first().filter(|first| {
            row.len() == 1
                && layout
                    .sheets
                    .iter()
                    .any(|s| label_key(&s.name) == label_key(first))
        });
        let first = sheets.len() == 1;
        match (heading, sheets.last_mut()) {
            (Some(name), Some(only)) if first && only.rows.is_empty() => {
                only.name = name.trim().to_owned();
            }
            (Some(name), _) => sheets.push(SheetRows {
                name: name.trim().to_owned(),
                rows: Vec::new(),
            }),
            (None, Some(sheet)) => sheet.rows.push(row),
            (None, None) => {}
        }
    }
    let dialect = Dialect {
        decimal_comma: sep == b';',
        ..Dialect::default()
    };
    read(&sheets, dialect)
}

/// Reads a filled template from a file's bytes, told from its content: an Excel (`.xlsx`)
/// or OpenDocument (`.ods`) workbook ([`read_workbook`]), or the template saved as CSV
/// (UTF-8, a byte-order mark skipped; other bytes are an `invalid_csv` error).
///
/// ```
/// let p = tcrules::template::read_file(b"\xEF\xBB\xBFField,Value,About,Key\nID,P,,id\nTitle,T,,title\n").unwrap();
/// assert_eq!((p.id.as_str(), p.title.as_str()), ("P", "T"));
/// let workbook = tcrules::template::workbook(Some(&p)).unwrap();
/// assert_eq!(tcrules::template::read_file(&workbook).unwrap(), p);
/// ```
pub fn read_file(bytes: &[u8]) -> Result<Proposal> {
    if crate::io::sheet::is_zip(bytes) {
        return read_workbook(bytes);
    }
    let text = crate::io::Format::Csv.text(bytes)?;
    read_csv(text)
}

/// Reads a filled template from a workbook: each sheet of the template as the workbook
/// reader gives it ([`crate::io::sheet::to_csv`]: cells as typed, a date cell a date, a
/// number cell its exact shortest digits, blank rows skipped); a sheet left out of the
/// workbook is an empty list. The workbook's limits are the reader's.
pub fn read_workbook(bytes: &[u8]) -> Result<Proposal> {
    let mut sheets = Vec::new();
    for sheet in &Layout::proposal().sheets {
        let text = match crate::io::sheet::to_csv(bytes, Some(&sheet.name)) {
            Ok(text) => text,
            // The reader's error for a sheet the workbook does not have.
            Err(e) if e.code() == "invalid_value" && e.path() == "sheet" => continue,
            Err(e) => return Err(e),
        };
        let mut rows = Vec::new();
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for record in reader.records() {
            let record = record.map_err(|e| Error::Csv {
                path: sheet.name.clone(),
                message: format!("the sheet could not be read: {e}"),
            })?;
            rows.push(record.iter().map(str::to_owned).collect());
        }
        sheets.push(SheetRows {
            name: sheet.name.clone(),
            rows,
        });
    }
    read(&sheets, Dialect::default())
}

#[cfg(test)]
mod tests;

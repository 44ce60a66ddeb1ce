//! A filled template read back: sheets of rows of cell texts (as a workbook or a CSV file
//! gives them) to a [`Proposal`], every bad cell reported at once by sheet, row and
//! column, in the template's words.

use serde_json::{Map, Value};

use super::layout::{singular, Field, Kind, Layout, Sheet, PROPOSAL_SHEET};
use super::{SheetRows, PROPOSAL_HEADER};
use crate::error::{Error, Result};
use crate::io::csv::Dialect;
use crate::model::label_key;
use crate::Proposal;

/// One item of a list read from a row: the row's number, the number of the item it
/// belongs to in the parent sheet, and its value.
struct Item {
    row: usize,
    parent: Option<usize>,
    value: Value,
}

/// Reads a filled template. `dialect` says how dates and amounts written as text read
/// (a `;`-separated CSV file's decimal comma); cells of a workbook are read as it gives
/// them. Sheets are found by name whatever the case; a sheet left out is an empty list.
pub fn read(sheets: &[SheetRows], dialect: Dialect) -> Result<Proposal> {
    let layout = Layout::proposal();
    let mut reader = Reader {
        dialect,
        errors: Vec::new(),
    };
    let find = |name: &str| {
        sheets
            .iter()
            .find(|s| label_key(&s.name) == label_key(name))
    };
    let mut root = Map::new();
    let mut root_rows = Vec::new();
    if let Some(first) = layout.sheets.first() {
        if let Some(rows) = find(&first.name) {
            root_rows = reader.fields(first, rows, &mut root);
        }
        reader.required(first, &root, &|f: &Field| match root_rows
            .iter()
            .find(|(k, _)| *k == f.dotted())
        {
            Some((_, row)) => format!("{PROPOSAL_SHEET}, row {row}, {}", f.label),
            None => format!("{PROPOSAL_SHEET}, {}", f.label),
        });
    }
    let mut lists: Vec<Vec<Item>> = layout
        .sheets
        .iter()
        .enumerate()
        .map(|(i, sheet)| match (i, find(&sheet.name)) {
            (1.., Some(rows)) => reader.list(&layout, sheet, rows),
            _ => Vec::new(),
        })
        .collect();
    // Children first: an indicator goes into its outcome before the outcome goes into
    // the proposal.
    for index in (1..layout.sheets.len()).rev() {
        let Some(sheet) = layout.sheets.get(index) else {
            continue;
        };
        let items = lists.get_mut(index).map(std::mem::take).unwrap_or_default();
        for item in items {
            let parent = match (sheet.parent, item.parent) {
                (Some(p), Some(n)) => {
                    let parent_sheet = layout.sheets.get(p);
                    let count = lists.get(p).map_or(0, Vec::len);
                    match lists.get_mut(p).and_then(|l| l.get_mut(n.wrapping_sub(1))) {
                        Some(target) => &mut target.value,
                        None => {
                            let name = parent_sheet.map_or("", |s| s.name.as_str());
                            reader.errors.push(Error::invalid(
                                format!(
                                    "{}, row {}, {}",
                                    sheet.name,
                                    item.row,
                                    sheet.parent_column(&layout).unwrap_or_default()
                                ),
                                format!(
                                    "there is no {} {n}: the sheet {name} has {count}",
                                    singular(name).to_lowercase()
                                ),
                            ));
                            continue;
                        }
                    }
                }
                _ => {
                    push_into(&mut root, &sheet.at, item.value);
                    continue;
                }
            };
            if let Value::Object(map) = parent {
                push_into(map, &sheet.at, item.value);
            }
        }
    }
    if let Some(e) = Error::gather(reader.errors) {
        return Err(e);
    }
    serde_json::from_value(Value::Object(root)).map_err(|e| {
        Error::invalid(
            PROPOSAL_SHEET,
            format!("the template's values do not make a proposal: {e}"),
        )
    })
}

/// The section at `keys` in `map`, made on the way where missing; `None` when a key
/// holds something else than a section.
fn section<'m>(
    map: &'m mut Map<String, Value>,
    keys: &[String],
) -> Option<&'m mut Map<String, Value>> {
    let mut here = map;
    for key in keys {
        here = here
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()?;
    }
    Some(here)
}

/// Appends `value` to the list at `at` in `map`, making the sections on the way.
fn push_into(map: &mut Map<String, Value>, at: &[String], value: Value) {
    let Some((last, sections)) = at.split_last() else {
        return;
    };
    if let Some(Value::Array(list)) = section(map, sections).map(|here| {
        here.entry(last.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
    }) {
        list.push(value);
    }
}

/// Sets the value at `key` in `map`, making the sections on the way.
fn set(map: &mut Map<String, Value>, key: &[String], value: Value) {
    if let Some((last, sections)) = key.split_last() {
        if let Some(here) = section(map, sections) {
            here.insert(last.clone(), value);
        }
    }
}

/// Whether `map` has a value at `key`.
fn has(map: &Map<String, Value>, key: &[String]) -> bool {
    let mut here = map;
    for (i, k) in key.iter().enumerate() {
        match here.get(k) {
            Some(Value::Object(inner)) if i + 1 < key.len() => here = inner,
            Some(_) if i + 1 == key.len() => return true,
            _ => return false,
        }
    }
    true
}

/// The column of `header` whose heading is `name` (as [`label_key`] compares them).
fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| label_key(h) == label_key(name))
}

/// A row's cell, or "" past its end.
fn cell(row: &[String], column: Option<usize>) -> &str {
    column.and_then(|c| row.get(c)).map_or("", |s| s.trim())
}

struct Reader {
    dialect: Dialect,
    errors: Vec<Error>,
}

impl Reader {
    /// The rows of the sheet "Proposal" into `root`: each row's field found by its Key
    /// (or, without one, by its Field label). Gives the key of each row found with its
    /// number.
    fn fields(
        &mut self,
        sheet: &Sheet,
        rows: &SheetRows,
        root: &mut Map<String, Value>,
    ) -> Vec<(String, usize)> {
        let [field_heading, value_heading, _, key_heading] = PROPOSAL_HEADER;
        let header = rows.rows.first().map(Vec::as_slice).unwrap_or_default();
        let (label_col, value_col, key_col) = match column(header, value_heading) {
            Some(v) => (
                column(header, field_heading),
                Some(v),
                column(header, key_heading),
            ),
            None => (Some(0), Some(1), Some(3)),
        };
        let mut read = Vec::new();
        for (i, row) in rows.rows.iter().enumerate().skip(1) {
            let number = i + 1;
            let (key, label, text) = (
                cell(row, key_col),
                cell(row, label_col),
                cell(row, value_col),
            );
            let field = sheet
                .fields
                .iter()
                .find(|f| !key.is_empty() && f.dotted() == key)
                .or_else(|| {
                    sheet
                        .fields
                        .iter()
                        .find(|f| key.is_empty() && label_key(&f.label) == label_key(label))
                });
            let Some(field) = field else {
                if !text.is_empty() {
                    let name = if key.is_empty() { label } else { key };
                    self.errors.push(Error::invalid(
                        format!("{PROPOSAL_SHEET}, row {number}"),
                        format!("{name:?} is not a field of the template"),
                    ));
                }
                continue;
            };
            let at = format!("{PROPOSAL_SHEET}, row {number}, {}", field.label);
            read.push((field.dotted(), number));
            if let Some(value) = self.value(field, text, &at) {
                set(root, &field.key, value);
            }
        }
        read
    }

    /// The items of a list's sheet, one per row with a value.
    fn list(&mut self, layout: &Layout, sheet: &Sheet, rows: &SheetRows) -> Vec<Item> {
        let header = rows.rows.first().map(Vec::as_slice).unwrap_or_default();
        let parent_heading = sheet.parent_column(layout);
        let parent_col = parent_heading.as_deref().and_then(|h| column(header, h));
        let mut columns: Vec<(usize, &Field)> = Vec::new();
        for (c, heading) in header.iter().enumerate() {
            if heading.trim().is_empty() || Some(c) == parent_col {
                continue;
            }
            match sheet.fields.iter().find(|f| {
                label_key(&f.label) == label_key(heading)
                    || (!f.key.is_empty() && f.dotted() == heading.trim())
            }) {
                Some(f) => columns.push((c, f)),
                None => {
                    let known: Vec<&str> = parent_heading
                        .iter()
                        .map(String::as_str)
                        .chain(sheet.fields.iter().map(|f| f.label.as_str()))
                        .collect();
                    self.errors.push(Error::invalid(
                        format!("{}, row 1, column {}", sheet.name, c + 1),
                        format!(
                            "{:?} is not a column of this sheet (its columns: {})",
                            heading.trim(),
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
        let mut items = Vec::new();
        for (i, row) in rows.rows.iter().enumerate().skip(1) {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let number = i + 1;
            let parent = match (&parent_heading, parent_col) {
                (None, _) => None,
                (Some(heading), col) => {
                    let text = cell(row, col);
                    let at = format!("{}, row {number}, {heading}", sheet.name);
                    match text.parse::<usize>() {
                        Ok(n) if n >= 1 => Some(n),
                        _ => {
                            let message = if text.is_empty() {
                                "is empty: give the number of the row's item in the sheet it belongs to".to_owned()
                            } else {
                                format!("{text:?} is not a number from 1 up")
                            };
                            self.errors.push(Error::invalid(at, message));
                            continue;
                        }
                    }
                }
            };
            let mut object = Map::new();
            let mut plain = None;
            for (c, field) in &columns {
                let at = format!("{}, row {number}, {}", sheet.name, field.label);
                if let Some(value) = self.value(field, cell(row, Some(*c)), &at) {
                    if field.key.is_empty() {
                        plain = Some(value);
                    } else {
                        set(&mut object, &field.key, value);
                    }
                }
            }
            let value = match plain {
                Some(v) => v,
                None if sheet.fields.iter().any(|f| f.key.is_empty()) => continue,
                None => {
                    self.required(sheet, &object, &|f: &Field| {
                        format!("{}, row {number}, {}", sheet.name, f.label)
                    });
                    Value::Object(object)
                }
            };
            items.push(Item {
                row: number,
                parent,
                value,
            });
        }
        items
    }

    /// An error for each required field left empty in an object that is there (a
    /// section with any value, a list's row): once per missing key, at the first of its
    /// fields.
    fn required(
        &mut self,
        sheet: &Sheet,
        object: &Map<String, Value>,
        at: &dyn Fn(&Field) -> String,
    ) {
        let mut reported: Vec<&[String]> = Vec::new();
        for field in &sheet.fields {
            for (depth, needed) in field.required.iter().enumerate() {
                let (Some(within), Some(missing)) =
                    (field.key.get(..depth), field.key.get(..=depth))
                else {
                    continue;
                };
                if *needed
                    && has(object, within)
                    && !has(object, missing)
                    && !reported.contains(&missing)
                {
                    reported.push(missing);
                    self.errors
                        .push(Error::invalid(at(field), "is required and empty"));
                }
            }
        }
    }

    /// A cell's value as the field's JSON, `None` when it is empty. A bad one's error is
    /// kept and its value is `null`, there for the required fields' check (so a bad cell
    /// is not also reported empty) and never read, since any error is the answer.
    fn value(&mut self, field: &Field, text: &str, at: &str) -> Option<Value> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let read = match &field.kind {
            Kind::Text => Ok(Value::String(text.to_owned())),
            Kind::Date => self
                .dialect
                .date(at, text)
                .map(|d| Value::String(d.to_string())),
            Kind::Amount => self
                .dialect
                .decimal(at, text)
                .map(|d| Value::String(d.to_string())),
            Kind::YesNo => match label_key(text).as_str() {
                "yes" | "y" | "true" | "1" | "x" => Ok(Value::Bool(true)),
                "no" | "n" | "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(Error::invalid(at, format!("{text:?} is not Yes or No"))),
            },
            Kind::Whole { min, max } => match text.parse::<i64>() {
                Ok(n) if (*min..=*max).contains(&n) => Ok(Value::from(n)),
                _ => Err(Error::invalid(
                    at,
                    format!("{text:?} is not a whole number from {min} to {max}"),
                )),
            },
            Kind::Choice(vocabulary) => match vocabulary.value_of(text) {
                Some(v) => Ok(Value::String(v.to_owned())),
                None => {
                    let labels: Vec<&str> =
                        vocabulary.values.iter().map(|c| c.label.as_str()).collect();
                    Err(Error::invalid(
                        at,
                        format!("{text:?} is not one of: {}", labels.join(", ")),
                    ))
                }
            },
        };
        match read {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                Some(Value::Null)
            }
        }
    }
}

//! The template as an Excel workbook, written with
//! [rust_xlsxwriter](https://docs.rs/rust_xlsxwriter): an "Instructions" sheet, the sheet
//! "Proposal", a sheet per list, and a hidden sheet "Lists" of the choices that the
//! Yes/No and enumeration cells' drop-down lists (data validation) offer. Every cell is
//! text (and the columns to fill are formatted as text), so amounts and dates stay as
//! typed, never rounded through a floating-point number, and a value starting with `=`
//! is not a formula.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, Formula, Workbook, Worksheet, XlsxError,
};

use super::layout::{Field, Kind, Layout, PROPOSAL_SHEET};
use super::{sheets, SheetRows};
use crate::error::{Error, Result};
use crate::Proposal;

/// Rows of a list's sheet that carry the drop-down lists and the text format.
const LIST_ROWS: u32 = 500;

/// The name of the hidden sheet of choices.
const LISTS: &str = "Lists";

fn failed(e: XlsxError) -> Error {
    Error::Io {
        path: String::new(),
        message: format!("the template could not be written: {e}"),
    }
}

/// The template as `.xlsx` bytes: blank, or filled with `proposal`.
///
/// ```
/// let bytes = tcrules::template::workbook(None).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn workbook(proposal: Option<&Proposal>) -> Result<Vec<u8>> {
    write(proposal).map_err(failed)
}

fn write(proposal: Option<&Proposal>) -> std::result::Result<Vec<u8>, XlsxError> {
    let layout = Layout::proposal();
    let cells = sheets(proposal);
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@").set_text_wrap();
    let note = Format::new().set_text_wrap().set_font_color("#555555");
    let mut book = Workbook::new();
    let lists = choice_lists(&layout);

    instructions(book.add_worksheet(), &layout, &bold, &note)?;
    for (sheet, rows) in layout.sheets.iter().zip(&cells) {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        write_rows(ws, rows, &bold, &text)?;
        ws.set_freeze_panes(1, 0)?;
        if sheet.name == PROPOSAL_SHEET {
            ws.set_column_width(0, 44)?;
            ws.set_column_width(1, 60)?;
            ws.set_column_width(2, 70)?;
            ws.set_column_format(2, &note)?;
            ws.set_column_hidden(3)?;
            for (i, field) in sheet.fields.iter().enumerate() {
                let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
                validate(ws, &lists, field, row, row, 1)?;
            }
        } else {
            let offset = u16::from(sheet.parent.is_some());
            if offset == 1 {
                ws.set_column_width(0, 12)?;
                let whole = DataValidation::new()
                    .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(
                        1,
                    ))
                    .set_error_message(
                        "The number of the row's item in the sheet it belongs to (1, 2, …).",
                    )?;
                ws.add_data_validation(1, 0, LIST_ROWS, 0, &whole)?;
            }
            for (i, field) in sheet.fields.iter().enumerate() {
                let col = offset + u16::try_from(i).unwrap_or(u16::MAX);
                ws.set_column_width(
                    col,
                    if matches!(field.kind, Kind::Text) {
                        40
                    } else {
                        18
                    },
                )?;
                ws.set_column_format(col, &text)?;
                validate(ws, &lists, field, 1, LIST_ROWS, col)?;
            }
            // The header keeps its bold.
            if let Some(header) = rows.rows.first() {
                for (c, h) in header.iter().enumerate() {
                    ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), h, &bold)?;
                }
            }
        }
    }
    let ws = book.add_worksheet();
    ws.set_name(LISTS)?;
    for (c, (_, labels)) in lists.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        for (r, label) in labels.iter().enumerate() {
            ws.write_string(u32::try_from(r).unwrap_or(u32::MAX), col, label)?;
        }
    }
    ws.set_hidden(true);
    book.save_to_buffer()
}

/// Every cell of `rows` as text; the header bold.
fn write_rows(
    ws: &mut Worksheet,
    rows: &SheetRows,
    bold: &Format,
    text: &Format,
) -> std::result::Result<(), XlsxError> {
    for (r, row) in rows.rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, value) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            let format = if r == 0 { bold } else { text };
            ws.write_string_with_format(r, c, value, format)?;
        }
    }
    Ok(())
}

/// The choices of each enumeration and of Yes/No, by name, in the order of the hidden
/// sheet's columns.
fn choice_lists(layout: &Layout) -> Vec<(String, Vec<String>)> {
    let mut lists: Vec<(String, Vec<String>)> =
        vec![("YesNo".into(), vec!["Yes".into(), "No".into()])];
    for field in layout.sheets.iter().flat_map(|s| &s.fields) {
        if let Kind::Choice(v) = &field.kind {
            if !lists.iter().any(|(name, _)| *name == v.name) {
                lists.push((
                    v.name.clone(),
                    v.values.iter().map(|c| c.label.clone()).collect(),
                ));
            }
        }
    }
    lists
}

/// The column letters of the hidden sheet's `index`th column (A, B, … Z, AA, …).
fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + u8::try_from(index % 26).unwrap_or(0)));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.iter().rev().collect()
}

/// The drop-down list (or whole-number check) of a field's cells.
fn validate(
    ws: &mut Worksheet,
    lists: &[(String, Vec<String>)],
    field: &Field,
    first: u32,
    last: u32,
    col: u16,
) -> std::result::Result<(), XlsxError> {
    let name = match &field.kind {
        Kind::YesNo => "YesNo",
        Kind::Choice(v) => v.name.as_str(),
        Kind::Whole { min, max } => {
            let (Ok(min), Ok(max)) = (i32::try_from(*min), i32::try_from(*max)) else {
                return Ok(());
            };
            let dv = DataValidation::new()
                .allow_whole_number(rust_xlsxwriter::DataValidationRule::Between(min, max))
                .set_error_message(format!("A whole number from {min} to {max}."))?;
            ws.add_data_validation(first, col, last, col, &dv)?;
            return Ok(());
        }
        _ => return Ok(()),
    };
    let Some((index, (_, labels))) = lists.iter().enumerate().find(|(_, (n, _))| n == name) else {
        return Ok(());
    };
    let column = letters(index);
    let range = format!("={LISTS}!${column}$1:${column}${}", labels.len().max(1));
    let dv = DataValidation::new()
        .allow_list_formula(Formula::new(range))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_message("Choose a value from the list.")?;
    ws.add_data_validation(first, col, last, col, &dv)?;
    Ok(())
}

/// The sheet "Instructions": how to fill the template, then each sheet's fields with
/// what they take.
fn instructions(
    ws: &mut Worksheet,
    layout: &Layout,
    bold: &Format,
    note: &Format,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Instructions")?;
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 100)?;
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, "Proposal template (tcrules)", &title)?;
    let lines = [
        "Fill the sheet \"Proposal\" (one row per field: write in the Value column) and one sheet per list (one row per item, under the header).",
        "Open the filled workbook on the appraisal page (Open…), or run: tcrules appraise proposal.xlsx",
        "Dates are year-month-day (2024-12-31); amounts are digits with a decimal point (248000.00); Yes/No and lists have drop-downs.",
        "A sheet inside a list (Outputs, Indicators) numbers the item it belongs to in its first column: 1 for the first row of its parent sheet, and so on.",
        "Leave a section empty when the proposal does not say: the appraisal then names it as missing. Do not rename sheets or the Key column of \"Proposal\".",
    ];
    let mut row = 2u32;
    for line in lines {
        ws.write_string_with_format(row, 0, line, note)?;
        row += 1;
    }
    row += 1;
    for sheet in &layout.sheets {
        ws.write_string_with_format(row, 0, &sheet.name, bold)?;
        ws.write_string_with_format(row, 1, &sheet.about, note)?;
        row += 1;
        if let Some(parent) = sheet.parent_column(layout) {
            ws.write_string(row, 0, &parent)?;
            ws.write_string_with_format(
                row,
                1,
                "The number of the item this row belongs to.",
                note,
            )?;
            row += 1;
        }
        for field in &sheet.fields {
            ws.write_string(row, 0, &field.label)?;
            ws.write_string_with_format(row, 1, super::about(field), note)?;
            row += 1;
        }
        row += 1;
    }
    ws.set_active(true);
    Ok(())
}

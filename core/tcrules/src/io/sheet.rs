//! Excel (`.xlsx`) and OpenDocument (`.ods`) workbooks read as the CSV tables of the
//! layout (issue 17, item 4), with [calamine](https://docs.rs/calamine).
//!
//! A sheet (the first, or the one named) becomes the CSV text the CSV readers of
//! [`crate::io::csv`] read, so a workbook means what the same table saved as CSV means:
//! the same columns (and column mapping), the same errors at the same rows. Cells are taken
//! as typed:
//!
//! | cell | read as |
//! |---|---|
//! | a date (a number formatted as a date in Excel; `office:date-value` in OpenDocument) | the date, `YYYY-MM-DD` (with its time of day when not midnight, which no date column accepts) |
//! | a number | the exact decimal its shortest round-tripping digits spell (`350000.01`, never `350000.0099999`) |
//! | text | the text, read as a CSV cell is (`03/04/2024` still needs `day_first`) |
//! | a boolean | `true` or `false` |
//! | a formula | its cached value, as saved; formulas are never evaluated |
//! | an error (`#DIV/0!`) | its text, which no column accepts |
//!
//! The table starts at the sheet's first used row (its header) and column; rows with no
//! value are skipped, as blank lines of a CSV file are.
//!
//! Limits: a workbook of more than [`MAX_ENTRIES`] files, or whose files unpack to more
//! than [`MAX_UNPACKED_BYTES`] (a zip bomb), or a sheet spanning more than [`MAX_CELLS`]
//! cells (rows × columns from its first used cell to its last), is a `too_large` error;
//! every file is measured as it unpacks, before calamine reads any.

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Ods, Reader, Xlsx};

use crate::error::{Error, Result};

/// The most files a workbook may hold.
pub const MAX_ENTRIES: usize = 10_000;

/// The most bytes a workbook's files may unpack to, all together.
pub const MAX_UNPACKED_BYTES: u64 = 256 << 20;

/// The most cells a sheet may span (rows × columns of its used area); in an OpenDocument
/// workbook, all its sheets together (calamine reads every sheet when it opens one).
pub const MAX_CELLS: u64 = 10_000_000;

/// The kinds of workbook read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML (`.xlsx`, `.xlsm`).
    Xlsx,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

/// Whether `bytes` start as a zip archive does (`PK\x03\x04`, or `PK\x05\x06` for an
/// empty one): the container of both kinds of workbook.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn not_a_workbook(detail: impl std::fmt::Display) -> Error {
    Error::Csv {
        path: String::new(),
        message: format!("not an Excel (.xlsx) or OpenDocument (.ods) workbook: {detail}"),
    }
}

fn too_large(message: String) -> Error {
    Error::TooLarge {
        path: String::new(),
        message,
    }
}

/// What the zip holds, measured: the workbook's kind and, for OpenDocument, the sheets'
/// XML (`content.xml`), read once within the limits.
struct Measured {
    kind: Kind,
    content: Option<Vec<u8>>,
}

/// Unpacks every file of the zip, counting bytes, without keeping them (except
/// `content.xml`); tells the kind of workbook from the files' names.
fn measure(bytes: &[u8]) -> Result<Measured> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    if zip.len() > MAX_ENTRIES {
        return Err(too_large(format!(
            "the workbook holds {} files, over the limit of {MAX_ENTRIES}",
            zip.len()
        )));
    }
    // What the zip says its files unpack to, first: an honest bomb is refused at once.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(not_a_workbook)?;
        declared = declared.saturating_add(file.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(too_large(format!(
            "the workbook unpacks to {declared} bytes, over the limit of {MAX_UNPACKED_BYTES}"
        )));
    }
    // Then what they do unpack to, counted as they unpack: a file that says less than it
    // holds is stopped at the limit.
    let mut left = MAX_UNPACKED_BYTES;
    let (mut xlsx, mut ods, mut content) = (false, false, None);
    let over = || {
        too_large(format!(
            "the workbook unpacks to more than {MAX_UNPACKED_BYTES} bytes"
        ))
    };
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(not_a_workbook)?;
        let name = file.name().map_err(not_a_workbook)?.into_owned();
        let keep = name == "content.xml" || name == "mimetype";
        let mut sink = Vec::new();
        let mut limited = (&mut file).take(left.saturating_add(1));
        let read = if keep {
            limited.read_to_end(&mut sink)
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map(|n| n as usize)
        }
        .map_err(|e| not_a_workbook(format!("{name}: {e}")))?;
        let read = read as u64;
        if read > left {
            return Err(over());
        }
        left -= read;
        match name.as_str() {
            "xl/workbook.xml" => xlsx = true,
            "mimetype" => {
                ods |= sink.starts_with(b"application/vnd.oasis.opendocument.spreadsheet")
            }
            "content.xml" => content = Some(sink),
            _ => {}
        }
    }
    match (xlsx, ods, content) {
        (true, _, _) => Ok(Measured {
            kind: Kind::Xlsx,
            content: None,
        }),
        (false, true, Some(content)) => Ok(Measured {
            kind: Kind::Ods,
            content: Some(content),
        }),
        _ => Err(not_a_workbook(
            "a zip file without an Excel workbook (xl/workbook.xml) or an OpenDocument spreadsheet (content.xml)",
        )),
    }
}

/// The kind of workbook `bytes` hold, measured within the limits (see the module's
/// limits); `None` when they are not a zip at all.
pub fn kind(bytes: &[u8]) -> Result<Option<Kind>> {
    if !is_zip(bytes) {
        return Ok(None);
    }
    Ok(Some(measure(bytes)?.kind))
}

/// A sheet of a workbook as CSV text (comma-separated, with the sheet's first used row as
/// its header): `sheet` names it, or the first sheet is read. A sheet that is not there is
/// an `invalid_value` error at `sheet` that lists the workbook's sheets; bytes that are not
/// a workbook, an `invalid_csv` error; one over the limits, `too_large`.
///
/// ```
/// let e = tcrules::io::sheet::to_csv(b"PK\x05\x06not a zip", None).unwrap_err();
/// assert_eq!(e.code(), "invalid_csv");
/// ```
pub fn to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<String> {
    if bytes.len() > super::MAX_INPUT_BYTES {
        return Err(too_large(format!(
            "input over {} bytes",
            super::MAX_INPUT_BYTES
        )));
    }
    let measured = measure(bytes)?;
    let cells = match measured.kind {
        Kind::Xlsx => xlsx_cells(bytes, sheet)?,
        Kind::Ods => {
            ods_span(measured.content.as_deref().unwrap_or_default())?;
            ods_cells(bytes, sheet)?
        }
    };
    write_csv(cells)
}

/// The sheet to read: the one named, or the first.
fn chosen(names: &[String], sheet: Option<&str>) -> Result<String> {
    match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
                Error::invalid(
                    "sheet",
                    format!(
                        "the workbook has no sheet {wanted:?}; its sheets: {}",
                        list.join(", ")
                    ),
                )
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| not_a_workbook("it has no sheet")),
    }
}

/// A used cell: row, column and its text.
type Cell = (u32, u32, String);

/// Counts cells against [`MAX_CELLS`] as they are read.
fn count(cells: &[Cell]) -> Result<()> {
    if cells.len() as u64 >= MAX_CELLS {
        return Err(too_large(format!(
            "the sheet has more than {MAX_CELLS} cells"
        )));
    }
    Ok(())
}

fn xlsx_cells(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<Cell>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let name = chosen(&book.sheet_names(), sheet)?;
    let mut reader = book.worksheet_cells_reader(&name).map_err(not_a_workbook)?;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(not_a_workbook)? {
        let (row, column) = cell.get_position();
        if let Some(text) = text_of_ref(cell.get_value()) {
            count(&cells)?;
            cells.push((row, column, text));
        }
    }
    Ok(cells)
}

fn ods_cells(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<Cell>> {
    let mut book = Ods::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let name = chosen(&book.sheet_names(), sheet)?;
    let range = book.worksheet_range(&name).map_err(not_a_workbook)?;
    let mut cells = Vec::new();
    for (row, column, value) in range.used_cells() {
        if let Some(text) = text_of(value) {
            count(&cells)?;
            let (r0, c0) = range.start().unwrap_or_default();
            let at =
                |base: u32, i: usize| base.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            cells.push((at(r0, row), at(c0, column), text));
        }
    }
    Ok(cells)
}

/// A number's text: the shortest digits that read back as the same `f64` (Rust's
/// `Display`, as Python's `repr`), never an exponent; infinities and NaN as words no
/// amount column accepts.
fn number(x: f64) -> String {
    format!("{x}")
}

/// An Excel date-time's text: `YYYY-MM-DD`, with `THH:MM:SS` when not at midnight.
fn date_time(dt: &calamine::ExcelDateTime) -> String {
    if dt.is_duration() {
        return number(dt.as_f64());
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    }
}

fn text_of(value: &Data) -> Option<String> {
    Some(match value {
        Data::Empty => return None,
        Data::Int(i) => i.to_string(),
        Data::Float(x) => number(*x),
        Data::String(s) if s.is_empty() => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => date_time(dt),
        Data::Error(e) => e.to_string(),
    })
}

fn text_of_ref(value: &DataRef<'_>) -> Option<String> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(x) => number(*x),
        DataRef::String(s) if s.is_empty() => return None,
        DataRef::SharedString("") => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::Error(e) => e.to_string(),
    })
}

/// The cells as CSV text, from the first used row and column to the last; rows without a
/// value left out.
fn write_csv(mut cells: Vec<Cell>) -> Result<String> {
    let Some(first_column) = cells.iter().map(|c| c.1).min() else {
        return Ok(String::new());
    };
    let last_column = cells.iter().map(|c| c.1).max().unwrap_or(first_column);
    let (first_row, last_row) = (
        cells.iter().map(|c| c.0).min().unwrap_or(0),
        cells.iter().map(|c| c.0).max().unwrap_or(0),
    );
    let width = u64::from(last_column - first_column) + 1;
    let height = u64::from(last_row - first_row) + 1;
    if width.saturating_mul(height) > MAX_CELLS {
        return Err(too_large(format!(
            "the sheet spans {height} rows by {width} columns, over the limit of {MAX_CELLS} cells"
        )));
    }
    cells.sort_by_key(|c| (c.0, c.1));
    let io = |e: ::csv::Error| Error::Io {
        path: String::new(),
        message: e.to_string(),
    };
    let mut out = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let width = usize::try_from(width).unwrap_or(usize::MAX);
    let mut row: Vec<String> = Vec::new();
    let mut at_row = None;
    let flush = |row: &mut Vec<String>, out: &mut ::csv::Writer<Vec<u8>>| -> Result<()> {
        if !row.is_empty() {
            // The header's width, so that a row's trailing empty cells are still cells.
            row.resize(row.len().max(width), String::new());
            out.write_record(row.iter()).map_err(io)?;
            row.clear();
        }
        Ok(())
    };
    for (r, c, text) in cells {
        if at_row != Some(r) {
            flush(&mut row, &mut out)?;
            at_row = Some(r);
        }
        let i = (c - first_column) as usize;
        if row.len() <= i {
            row.resize(i + 1, String::new());
        }
        if let Some(slot) = row.get_mut(i) {
            *slot = text;
        }
    }
    flush(&mut row, &mut out)?;
    let bytes = out.into_inner().map_err(|e| Error::Io {
        path: String::new(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|e| Error::Io {
        path: String::new(),
        message: e.to_string(),
    })
}

/// Measures the cells an OpenDocument workbook's sheets expand to (repeated rows and
/// columns counted as calamine expands them), so that a small file that repeats a cell a
/// billion times is a `too_large` error before calamine builds it.
fn ods_span(content: &[u8]) -> Result<()> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_reader(content);
    let attr = |e: &BytesStart<'_>, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| AsRef::<str>::as_ref(&a.key) == name)
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let has = |e: &BytesStart<'_>, name: &str| {
        e.attributes()
            .flatten()
            .any(|a| AsRef::<str>::as_ref(&a.key) == name)
    };
    // calamine's caps: 1,048,576 rows and 16,384 columns a sheet.
    const ROWS: u64 = 1 << 20;
    const COLUMNS: u64 = 1 << 14;
    let (mut total, mut rows, mut used_rows, mut width) = (0_u64, 0_u64, 0_u64, 0_u64);
    let (mut row_repeat, mut column, mut row_width) = (1_u64, 0_u64, 0_u64);
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| not_a_workbook(format!("content.xml: {e}")))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => (rows, used_rows, width) = (0, 0, 0),
                "table:table-row" => {
                    row_repeat = attr(e, "table:number-rows-repeated").min(ROWS);
                    (column, row_width) = (0, 0);
                    if matches!(event, Event::Empty(_)) {
                        rows = rows.saturating_add(row_repeat).min(ROWS);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = attr(e, "table:number-columns-repeated");
                    column = column.saturating_add(repeat).min(COLUMNS);
                    let valued = matches!(event, Event::Start(_))
                        || has(e, "office:value-type")
                        || has(e, "table:formula");
                    if valued {
                        row_width = column;
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => {
                    rows = rows.saturating_add(row_repeat).min(ROWS);
                    if row_width > 0 {
                        used_rows = rows;
                        width = width.max(row_width);
                    }
                }
                "table:table" => {
                    total = total.saturating_add(used_rows.saturating_mul(width));
                    if total > MAX_CELLS {
                        return Err(too_large(format!(
                            "the workbook's sheets span more than {MAX_CELLS} cells"
                        )));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCEL: &[u8] = include_bytes!("../../../../tests/spreadsheets/portfolio-excel.csv");
    const CALC: &[u8] = include_bytes!("../../../../tests/spreadsheets/portfolio-calc.txt");
    const BOMB: &[u8] = include_bytes!("../../../../tests/bad-inputs/csv-sheet-zip-bomb.xlsx");
    const WIDE: &[u8] = include_bytes!("../../../../tests/bad-inputs/csv-sheet-too-wide.xlsx");
    const REPEATED: &[u8] =
        include_bytes!("../../../../tests/bad-inputs/csv-sheet-repeated-cells.ods");

    #[test]
    fn excel_and_opendocument_give_the_same_text_cells_as_typed() {
        let excel = to_csv(EXCEL, None).unwrap();
        assert_eq!(to_csv(CALC, None).unwrap(), excel);
        let mut lines = excel.lines();
        assert_eq!(
            lines.next(),
            Some("Project ID,Title,Region,Responsible Unit,Start Date,End Date,Budget,Budget Currency")
        );
        assert_eq!(
            lines.next(),
            Some(
                "P-001,Skills for jobs,Asia and the Pacific,EMP,2024-04-03,2025-12-31,1250000,eur"
            )
        );
        assert_eq!(
            lines.nth(1),
            Some("P-003,Pay equity,Africa,GENDER,2024-02-01,2025-01-31,99999.5,usd")
        );
        let records = to_csv(EXCEL, Some("records")).unwrap();
        assert_eq!(to_csv(CALC, Some("Records")).unwrap(), records);
        assert!(
            records.contains("P-001,2024-05-31,XB,EUR,100000,40000\n"),
            "{records}"
        );
        assert_eq!(kind(EXCEL).unwrap(), Some(Kind::Xlsx));
        assert_eq!(kind(CALC).unwrap(), Some(Kind::Ods));
        assert_eq!(kind(b"id,title").unwrap(), None);
    }

    #[test]
    fn a_sheet_not_there_lists_the_sheets() {
        let e = to_csv(CALC, Some("Budget")).unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "sheet"));
        assert_eq!(
            e.to_string(),
            r#"sheet: the workbook has no sheet "Budget"; its sheets: "Projects", "Records""#
        );
    }

    #[test]
    fn numbers_are_their_shortest_digits() {
        assert_eq!(number(350000.01), "350000.01");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(1250000.0), "1250000");
        assert_eq!(number(1e21), "1000000000000000000000");
        let dt = |v| calamine::ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date_time(&dt(45385.0)), "2024-04-03");
        assert_eq!(date_time(&dt(45385.5)), "2024-04-03T12:00:00");
    }

    #[test]
    fn bombs_and_huge_sheets_are_too_large() {
        for (name, bytes) in [("bomb", BOMB), ("wide", WIDE), ("repeated", REPEATED)] {
            let e = to_csv(bytes, None).unwrap_err();
            assert_eq!(e.code(), "too_large", "{name}: {e}");
        }
        assert!(to_csv(WIDE, None)
            .unwrap_err()
            .to_string()
            .contains("1000 rows by 16384 columns"));
        // Not a workbook, or cut short: the table's own error.
        for bytes in [&EXCEL[..EXCEL.len() / 2], b"PK\x03\x04 and nothing"] {
            assert_eq!(to_csv(bytes, None).unwrap_err().code(), "invalid_csv");
        }
    }
}

//! The spreadsheet readers (issue 17): any bytes as a table file, told from its content
//! (an Excel or OpenDocument workbook's sheets, or CSV text in any dialect: separator
//! sniffed, byte-order mark, grouped amounts, day-first and month-first dates), read with
//! a column mapping. The first byte picks the dialect options, so one input explores them
//! all; a zip that is not a workbook, a bomb or a huge sheet must be an error, never a
//! panic or exhausted memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcrules::io::{self, csv, Columns};

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = data.split_first() else {
        return;
    };
    let day_first = match choice % 3 {
        0 => None,
        1 => Some(true),
        _ => Some(false),
    };
    let columns = if choice & 4 == 0 {
        Columns::default()
    } else {
        Columns::new([("Project ID", "id"), ("Start Date", "start"), ("Budget", "budget_amount")])
            .unwrap_or_default()
    };
    let sheet = (choice & 8 != 0).then_some("Records");
    let options = csv::Options {
        day_first,
        columns,
        ..csv::Options::default()
    };
    let Ok(text) = io::table_text(bytes, sheet) else {
        return;
    };
    let _ = csv::separator(&text);
    let _ = csv::headers(&text);
    let _ = csv::read_table_with(&text, &options);
    let _ = csv::read_records_with(&text, &options);
    let _ = csv::read_approvals_with(&text, &options);
});

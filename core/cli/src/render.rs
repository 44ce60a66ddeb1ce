//! Printing: lines, pretty JSON, tables padded to their widest cell, and the number forms
//! the tables use.

use rust_decimal::Decimal;
use serde::Serialize;
use tcrules::money::{fixed, group_thousands};
use tcrules::Error;

use crate::failure::Failure;

/// Prints a line; a closed pipe (`tcrules report | head`) ends the program quietly
/// instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}
pub(crate) use say;

/// Prints `value` as pretty JSON.
pub fn json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Io {
        path: "stdout".into(),
        message: e.to_string(),
    })?;
    say!("{text}");
    Ok(())
}

/// Whole US dollars with thousands separators: `1,250,000`.
pub fn usd(d: &Decimal) -> String {
    group_thousands(&fixed(*d, 0))
}

/// A delivery rate to one decimal, or `undefined` where nothing was allocated.
pub fn rate(r: Option<Decimal>) -> String {
    r.map_or_else(|| "undefined".to_owned(), |r| fixed(r, 1).to_string())
}

/// Prints rows under a header with columns padded to their widest cell; a row may have
/// more or fewer cells than the header.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(cell.chars().count()),
                None => widths.push(cell.chars().count()),
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        say!("{}", padded.join("  ").trim_end());
    };
    line(&mut header.iter().copied());
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut rules.iter().map(String::as_str));
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}

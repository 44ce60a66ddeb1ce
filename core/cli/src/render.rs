//! Printing: lines, pretty JSON, tables padded to their widest cell and fitted to the
//! terminal's width, and the number forms the tables use.

use std::borrow::Cow;
use std::sync::OnceLock;

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

/// The width tables are fitted to, once set by [`fit_to`]; none until then.
static WIDTH: OnceLock<Option<usize>> = OnceLock::new();

/// Fits every table of the run to `width` columns, or prints them at full width (`None`).
pub fn fit_to(width: Option<usize>) {
    // Set once, by `main`, before anything is printed.
    let _ = WIDTH.set(width);
}

/// The width to fit tables to: none with `--wide`; else the `COLUMNS` variable; else the
/// terminal's when stdout is one. Written to a pipe or a file with no `COLUMNS`, tables
/// keep their full width, as scripts have always read them.
pub fn output_width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok();
    match columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        Some(c) if c > 0 => Some(c),
        _ => terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0)),
    }
}

/// Columns are never made narrower than this, nor than the longest word of their header
/// (unless their widest cell is narrower still).
const MIN_COLUMN: usize = 8;

/// The display width of a cell (a wide character counts two).
fn width_of(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// Narrows the widest column, one character at a time, until the line (cells joined by
/// two spaces) fits `width` or every column is down to its floor; a line that still does
/// not fit runs over.
fn fit(widths: &mut [usize], floors: &[usize], width: usize) {
    let mut total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    while total > width {
        let widest = widths
            .iter_mut()
            .zip(floors)
            .filter(|(w, f)| **w > **f)
            .max_by_key(|(w, _)| **w);
        match widest {
            Some((w, _)) => *w -= 1,
            None => break,
        }
        total -= 1;
    }
}

/// Prints rows under a header with columns padded to their widest cell; a row may have
/// more or fewer cells than the header. Fitted to a width ([`fit_to`]), the widest columns
/// are narrowed and their text wrapped onto more lines.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    noted_table(header, rows, &[]);
}

/// [`table`], with a note printed under a row (`notes[i]` under `rows[i]`): a line of its
/// own, indented to the second column, wrapped to the width.
pub fn noted_table(header: &[&str], rows: &[Vec<String>], notes: &[Option<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| width_of(h)).collect();
    let mut floors: Vec<usize> = header
        .iter()
        .map(|h| {
            h.split_whitespace()
                .map(width_of)
                .fold(MIN_COLUMN, usize::max)
        })
        .collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = width_of(cell);
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => {
                    widths.push(w);
                    floors.push(MIN_COLUMN);
                }
            }
        }
    }
    for (floor, w) in floors.iter_mut().zip(&widths) {
        *floor = (*floor).min(*w);
    }
    let width = WIDTH.get().copied().flatten();
    if let Some(width) = width {
        fit(&mut widths, &floors, width);
    }
    let line = |cells: &[&str]| {
        let wrapped: Vec<Vec<Cow<'_, str>>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| match width {
                Some(_) => textwrap::wrap(c, (*w).max(1)),
                None => vec![Cow::Borrowed(*c)],
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for n in 0..height {
            let padded: Vec<String> = wrapped
                .iter()
                .zip(&widths)
                .map(|(pieces, w)| {
                    let piece = pieces.get(n).map_or("", |p| p.as_ref());
                    let pad = w.saturating_sub(width_of(piece));
                    format!("{piece}{}", " ".repeat(pad))
                })
                .collect();
            say!("{}", padded.join("  ").trim_end());
        }
    };
    line(header);
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rules.iter().map(String::as_str).collect::<Vec<_>>());
    let indent = widths.first().map_or(0, |w| w + 2);
    for (i, row) in rows.iter().enumerate() {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
        if let Some(Some(note)) = notes.get(i) {
            let lines = match width {
                Some(w) => textwrap::wrap(note, w.saturating_sub(indent).max(MIN_COLUMN)),
                None => vec![Cow::Borrowed(note.as_str())],
            };
            for l in lines {
                say!("{:indent$}{l}", "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_widest_column_gives_way_down_to_its_floor() {
        let mut widths = [6, 40, 20];
        fit(&mut widths, &[6, 14, 14], 50);
        assert_eq!(widths, [6, 20, 20]);
        assert_eq!(widths.iter().sum::<usize>() + 4, 50);
        // Too narrow for the floors: they hold, and the line runs over.
        let mut widths = [6, 40, 20];
        fit(&mut widths, &[6, 14, 14], 20);
        assert_eq!(widths, [6, 14, 14]);
        // Already fits: unchanged.
        let mut widths = [6, 40];
        fit(&mut widths, &[6, 14], 80);
        assert_eq!(widths, [6, 40]);
    }
}

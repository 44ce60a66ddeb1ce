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

/// While the table can afford it, a column keeps this many characters (or its header's
/// longest word, or its widest cell if narrower): a status or a rule id stays whole.
const COMFORTABLE: usize = 16;

/// No column is made narrower than this (nor than its header's longest word).
const NARROWEST: usize = 8;

/// The display width of a cell (a wide character counts two).
fn width_of(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// Fits the columns' `widths` (cells joined by two spaces) to `width`, given the longest
/// word of each header and of each column's cells. Each column first keeps
/// [`COMFORTABLE`] characters and the room left is shared in proportion to what each
/// lacks of its full width, so that the longest text keeps the most room. When even that
/// does not fit, the widest columns give way, one character at a time, first down to
/// their longest word (so that no word is cut), then down to [`NARROWEST`]; a line that
/// still does not fit runs over.
fn fit(widths: &mut [usize], header_words: &[usize], cell_words: &[usize], width: usize) {
    let room = width.saturating_sub(2 * widths.len().saturating_sub(1));
    if widths.iter().sum::<usize>() <= room {
        return;
    }
    let natural = widths.to_vec();
    let floor = |at_least: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(header_words)
            .map(|(n, h)| (*n).min((*h).max(at_least)))
            .collect()
    };
    let comfortable = floor(COMFORTABLE);
    let kept: usize = comfortable.iter().sum();
    widths.copy_from_slice(&comfortable);
    if kept <= room {
        let spare = room - kept;
        let lack: usize = natural.iter().sum::<usize>() - kept;
        for (w, n) in widths.iter_mut().zip(&natural) {
            *w += spare * (n - *w) / lack;
        }
        // What the rounding left goes to the column that lacks the most.
        let left = room.saturating_sub(widths.iter().sum());
        if let Some((w, n)) = widths
            .iter_mut()
            .zip(&natural)
            .max_by_key(|(w, n)| **n - **w)
        {
            *w = (*w + left).min(*n);
        }
        return;
    }
    let whole_words: Vec<usize> = floor(NARROWEST)
        .iter()
        .zip(cell_words)
        .zip(&natural)
        .map(|((f, c), n)| (*f).max((*c).min(COMFORTABLE)).min(*n))
        .collect();
    let mut total = kept;
    for floors in [whole_words, floor(NARROWEST)] {
        while total > room {
            let widest = widths
                .iter_mut()
                .zip(&floors)
                .filter(|(w, f)| **w > **f)
                .max_by_key(|(w, _)| **w);
            match widest {
                Some((w, _)) => *w -= 1,
                None => break,
            }
            total -= 1;
        }
    }
}

/// Prints rows under a header with columns padded to their widest cell; a row may have
/// more or fewer cells than the header. Fitted to a width ([`fit_to`]), the columns are
/// narrowed ([`fit`]) and their text wrapped onto more lines; a column with no text in
/// any row is left out.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    noted_table(header, rows, &[]);
}

/// [`table`], with a note printed under a row (`notes[i]` under `rows[i]`): a line of its
/// own, indented to the second column, wrapped to the width.
pub fn noted_table(header: &[&str], rows: &[Vec<String>], notes: &[Option<String>]) {
    let width = WIDTH.get().copied().flatten();
    let columns = rows.iter().map(Vec::len).fold(header.len(), usize::max);
    let shown: Vec<bool> = (0..columns)
        .map(|i| {
            width.is_none()
                || rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(|c| !c.trim().is_empty()))
        })
        .collect();
    let keep = |cells: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        cells
            .zip(&shown)
            .filter(|(_, shown)| **shown)
            .map(|(c, _)| c.to_owned())
            .collect()
    };
    let header = keep(&mut header.iter().copied());
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| keep(&mut r.iter().map(String::as_str)))
        .collect();
    let longest_word = |text: &str| text.split_whitespace().map(width_of).max().unwrap_or(0);
    let mut widths: Vec<usize> = header.iter().map(|h| width_of(h)).collect();
    let mut cell_words = vec![0; widths.len()];
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let (w, word) = (width_of(cell), longest_word(cell));
            match (widths.get_mut(i), cell_words.get_mut(i)) {
                (Some(max), Some(max_word)) => {
                    *max = (*max).max(w);
                    *max_word = (*max_word).max(word);
                }
                _ => {
                    widths.push(w);
                    cell_words.push(word);
                }
            }
        }
    }
    if let Some(width) = width {
        let header_words: Vec<usize> = (0..widths.len())
            .map(|i| header.get(i).map_or(0, |h| longest_word(h)))
            .collect();
        fit(&mut widths, &header_words, &cell_words, width);
    }
    let line = |cells: &[String]| {
        let wrapped: Vec<Vec<Cow<'_, str>>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| match width {
                Some(_) => textwrap::wrap(c, (*w).max(1)),
                None => vec![Cow::Borrowed(c.as_str())],
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
    line(&header);
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rules);
    let indent = widths.first().map_or(0, |w| w + 2);
    for (i, row) in rows.iter().enumerate() {
        line(row);
        if let Some(Some(note)) = notes.get(i) {
            let lines = match width {
                Some(w) => textwrap::wrap(note, w.saturating_sub(indent).max(NARROWEST)),
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

    fn fitted(widths: &[usize], header_words: &[usize], width: usize) -> Vec<usize> {
        let mut widths = widths.to_vec();
        let cell_words = widths.iter().map(|w| w / 2).collect::<Vec<_>>();
        fit(&mut widths, header_words, &cell_words, width);
        widths
    }

    #[test]
    fn the_room_left_goes_to_the_longest_text() {
        // 14 + 18 + 290 + 61 and three gaps of two do not fit 80: each keeps up to 16,
        // and the 12 left go mostly to the message, which lacks the most.
        let w = fitted(&[14, 18, 290, 61], &[6, 4, 7, 8], 80);
        assert_eq!(w, [14, 16, 27, 17]);
        assert_eq!(w.iter().sum::<usize>() + 6, 80);
    }

    #[test]
    fn words_are_cut_only_when_they_cannot_fit_whole() {
        // The report's evaluation table at 80: the schedule column keeps its longest
        // word (annual_review, 13) and the others theirs where they can.
        let mut widths = vec![14, 15, 6, 10, 63, 11, 15];
        fit(
            &mut widths,
            &[7, 8, 5, 6, 8, 11, 4],
            &[14, 6, 6, 9, 15, 3, 7],
            80,
        );
        assert_eq!(widths, [13, 8, 6, 9, 13, 11, 8]);
        assert_eq!(widths.iter().sum::<usize>() + 12, 80);
    }

    #[test]
    fn too_narrow_the_widest_give_way_down_to_the_narrowest() {
        let w = fitted(&[14, 15, 6, 10, 63, 11, 15], &[7, 8, 5, 6, 8, 11, 4], 80);
        assert_eq!(w.iter().sum::<usize>() + 12, 80);
        assert!(w.iter().all(|w| *w >= 6), "{w:?}");
        // Narrower than the narrowest columns: they hold, and the line runs over.
        assert_eq!(fitted(&[6, 40, 20], &[6, 4, 4], 20), [6, 8, 8]);
        // Already fits: unchanged.
        assert_eq!(fitted(&[6, 40], &[6, 4], 80), [6, 40]);
    }
}

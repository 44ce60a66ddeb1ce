//! The options every command takes (clap's global arguments).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::exit::FailOn;

#[derive(Args)]
pub struct Options {
    /// A policy edition (JSON); default: the built-in ilo-2006.
    #[arg(long, global = true, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Exchange rates (US dollars per unit), added to the input's: JSON {"EUR": "1.2"} or
    /// {"EUR": {"2024-01": "1.08"}}, or a table of currency, month, rate as CSV or a
    /// workbook's first sheet (a rate applies from its month until the next listed one).
    #[arg(long, global = true, value_name = "FILE")]
    pub rates: Option<PathBuf>,
    /// Output format; `jsonl` and `csv` write the rows of `tcrules iati` as they are read
    /// (in bounded memory, for files of any size).
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub format: Output,
    /// Exit with code 3 when the findings include one of this status or worse (for CI
    /// pipelines).
    #[arg(long, global = true, value_enum, value_name = "STATUS")]
    pub fail_on: Option<FailOn>,
    /// Print tables' long text in full instead of wrapping it to the terminal's width
    /// (the `COLUMNS` variable, else the terminal's).
    #[arg(long, global = true)]
    pub wide: bool,
    /// Read dates written with numbers in CSV tables day first (03/04/2024 is 3 April).
    #[arg(long, global = true, conflicts_with = "month_first")]
    pub day_first: bool,
    /// Read dates written with numbers in CSV tables month first (03/04/2024 is 4 March).
    #[arg(long, global = true)]
    pub month_first: bool,
    /// Which of your columns is which: a JSON object of your headers and the column names
    /// they stand for, {"Project ID": "id", "Start Date": "start"}, for CSV tables and
    /// workbooks.
    #[arg(long, global = true, value_name = "FILE")]
    pub columns: Option<PathBuf>,
    /// The sheet of an Excel (.xlsx) or OpenDocument (.ods) workbook to read; default: the
    /// first.
    #[arg(long, global = true, value_name = "NAME")]
    pub sheet: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    // The canonical JSON of the core's API; errors are JSON too, on stderr.
    Json,
    // `tcrules iati` only: one JSON object per activity, written as it is read, then a
    // summary line; errors are JSON on stderr.
    Jsonl,
    // `tcrules iati` only: one CSV row per activity, written as it is read; the summary
    // goes to stderr.
    Csv,
}

impl Options {
    /// Whether to print the canonical JSON document rather than a table.
    pub fn json(&self) -> bool {
        self.format == Output::Json
    }

    /// Whether errors go to stderr as JSON lines.
    pub fn json_errors(&self) -> bool {
        matches!(self.format, Output::Json | Output::Jsonl)
    }

    /// Whether rows are written as they are read (JSON Lines or CSV).
    pub fn streams(&self) -> bool {
        matches!(self.format, Output::Jsonl | Output::Csv)
    }

    /// What `--day-first` or `--month-first` says of CSV tables (neither: only the dates
    /// that read one way are read).
    pub fn csv(&self) -> tcrules::io::csv::Options {
        let day_first = match (self.day_first, self.month_first) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            (false, false) => None,
        };
        tcrules::io::csv::Options::day_first(day_first)
    }
}

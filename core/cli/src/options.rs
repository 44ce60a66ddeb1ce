//! The options every command takes (clap's global arguments).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::exit::FailOn;

#[derive(Args)]
pub struct Options {
    /// A policy edition (JSON); default: the built-in ilo-2006.
    #[arg(long, global = true, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Exchange rates as JSON, {"EUR": "1.2"} (US dollars per unit); added to the input's.
    #[arg(long, global = true, value_name = "FILE")]
    pub rates: Option<PathBuf>,
    /// Output format.
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
}

impl Options {
    /// Whether to print the canonical JSON rather than a table.
    pub fn json(&self) -> bool {
        self.format == Output::Json
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

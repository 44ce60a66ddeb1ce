//! `tcrules columns`: the columns of the CSV tables the portfolio commands read, from the
//! reader's own lists (`tcrules::io::csv`), and the same list at the foot of their help.

use tcrules::io::csv::{APPROVAL_COLUMNS, PROJECT_COLUMNS, RECORD_COLUMNS};

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};

/// Each table: its name, the column that tells it apart (`csv::read_table`) and its
/// columns in order.
const TABLES: [(&str, &str, &[&str]); 3] = [
    ("projects", "budget_amount", PROJECT_COLUMNS),
    ("records", "expenditure", RECORD_COLUMNS),
    ("approvals", "donor", APPROVAL_COLUMNS),
];

/// The foot of the help of every command that reads a portfolio, wrapped to a width a
/// terminal shows whole (clap prints it as it is).
pub fn help() -> String {
    let mut text = textwrap::fill(
        "Inputs: portfolio JSON files, or tables with a header row (CSV, or an Excel or \
         OpenDocument workbook's first sheet or --sheet), merged in order; with none, the \
         example portfolio. A file's format is told from its content, not its name. A table \
         is told apart by a column of its header (your own headers mapped with --columns); \
         its columns, in order:",
        HELP_WIDTH,
    );
    let indent = textwrap::Options::new(HELP_WIDTH)
        .initial_indent("    ")
        .subsequent_indent("    ");
    for (name, mark, columns) in TABLES {
        text.push_str(&format!("\n  {name} (has {mark}):\n"));
        text.push_str(&textwrap::fill(&columns.join(", "), &indent));
    }
    text.push_str("\n`tcrules columns` lists them one per line.");
    text
}

/// The width of the help's text.
const HELP_WIDTH: usize = 90;

pub fn run(options: &Options) -> Result<Outcome, Failure> {
    if options.json() {
        let tables: serde_json::Map<String, serde_json::Value> = TABLES
            .iter()
            .map(|(name, _, columns)| ((*name).to_owned(), (*columns).into()))
            .collect();
        render::json(&tables)?;
        return Ok(Outcome::default());
    }
    for (i, (name, mark, columns)) in TABLES.iter().enumerate() {
        if i > 0 {
            say!();
        }
        say!("{name} (a CSV table with a {mark} column)");
        for column in *columns {
            say!("  {column}");
        }
    }
    Ok(Outcome::default())
}

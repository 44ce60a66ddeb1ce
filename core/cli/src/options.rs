//! The options every command takes (clap's global arguments).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

impl Options {
    /// Whether to print the canonical JSON rather than a table.
    pub fn json(&self) -> bool {
        self.format == Output::Json
    }
}

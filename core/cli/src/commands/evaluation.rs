//! `tcrules evaluation`: the evaluation requirements of each project (R6 §143).

use std::path::PathBuf;

use tcrules::{evaluation, Policy};

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// Portfolio JSON files or CSV tables (see below); none: the example portfolio.
    #[arg(value_name = "FILE")]
    inputs: Vec<PathBuf>,
}

/// A project that could not be evaluated is a row with its error, and the run exits 1.
pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let rows = evaluation::evaluate_all(&p.projects, policy, &p.rates);
    let outcome = Outcome::of(rows.iter().flat_map(|r| r.findings.iter()))
        .unevaluated_if(rows.iter().any(|r| r.error.is_some()));
    if options.json() {
        render::json(&rows)?;
        return Ok(outcome);
    }
    tables::evaluations(&rows);
    say!();
    tables::findings(
        rows.iter()
            .flat_map(|r| r.findings.iter())
            .filter(|f| f.needs_action()),
    );
    Ok(outcome)
}

//! `tcrules portfolio`: portfolio balance — approvals by source and donor category
//! (R6 Table V.1), concentration, shares by region and strategic objective.

use std::path::PathBuf;

use tcrules::portfolio::{self, YearRange};
use tcrules::Policy;

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
    /// Periods, e.g. 1995-1999,2000-2004; default: five-year blocks.
    #[arg(long, value_delimiter = ',')]
    periods: Vec<YearRange>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let periods = (!args.periods.is_empty()).then_some(args.periods.as_slice());
    let r = portfolio::report(&p, periods, policy)?;
    let outcome = Outcome::of(&r.findings);
    if options.json() {
        render::json(&r)?;
        return Ok(outcome);
    }
    say!("Approvals of extra-budgetary funding by source (R6 Table V.1)");
    tables::approvals(&r.approvals_by_group);
    say!("\nBy donor category");
    tables::approvals(&r.approvals_by_category);
    say!();
    tables::findings(r.findings.iter());
    Ok(outcome)
}

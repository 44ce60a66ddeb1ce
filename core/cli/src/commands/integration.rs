//! `tcrules integration`: how RB, RBTC and extra-budgetary resources combine on each
//! P&B and DWCP outcome (R6 §59–64, §162).

use std::path::PathBuf;

use tcrules::{integration, Policy};

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say, usd};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// Portfolio JSON files or CSV tables (see below); none: the example portfolio.
    #[arg(value_name = "FILE")]
    inputs: Vec<PathBuf>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let r = integration::report(&p, policy)?;
    let outcome = Outcome::of(&r.findings);
    if options.json() {
        render::json(&r)?;
        return Ok(outcome);
    }
    let rows: Vec<Vec<String>> = r
        .pb_outcomes
        .iter()
        .chain(&r.dwcp_outcomes)
        .map(|o| {
            let parts: Vec<String> = o
                .by_source
                .iter()
                .map(|s| format!("{} {} %", s.source.as_str().to_uppercase(), s.share_percent))
                .collect();
            vec![
                format!("{:?}", o.kind).to_uppercase(),
                o.outcome.clone(),
                usd(&o.total_usd),
                parts.join(", "),
            ]
        })
        .collect();
    render::table(&["framework", "outcome", "total US$", "by source"], &rows);
    say!();
    tables::findings(r.findings.iter());
    Ok(outcome)
}

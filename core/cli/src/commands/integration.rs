//! `tcrules integration`: how RB, RBTC and extra-budgetary resources combine on each
//! P&B and DWCP outcome (R6 §59–64, §162).

use std::path::PathBuf;

use tcrules::{integration, Policy};

use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say, usd};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    inputs: Vec<PathBuf>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<(), Failure> {
    let p = inputs::portfolio(&args.inputs, options.rates.as_deref())?;
    let r = integration::report(&p, policy)?;
    if options.json() {
        return render::json(&r);
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
    Ok(())
}

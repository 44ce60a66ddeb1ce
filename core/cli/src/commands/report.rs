//! `tcrules report`: every rule family on a portfolio.

use std::path::PathBuf;

use tcrules::report::{self, ReportOptions};
use tcrules::Policy;

use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// Portfolio JSON, or CSV tables of projects, records and approvals.
    inputs: Vec<PathBuf>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<(), Failure> {
    let p = inputs::portfolio(&args.inputs, options.rates.as_deref())?;
    let r = report::report(&p, policy, &ReportOptions::default());
    if options.json() {
        return render::json(&r);
    }
    say!("{}", p.name.as_deref().unwrap_or("portfolio"));
    say!(
        "policy {} {} ({})\n",
        r.policy.name,
        r.policy.version,
        r.policy.hash
    );
    say!("== Evaluation requirements (R6 §143)");
    tables::evaluations(&r.evaluations);
    if let Some(d) = &r.delivery {
        say!(
            "\n== Delivery {} by {} (R6 §140)",
            d.period,
            d.group_by.as_str()
        );
        tables::delivery(d);
    }
    if let Some(b) = &r.balance {
        say!("\n== Approvals by source (R6 Table V.1)");
        tables::approvals(&b.approvals_by_group);
    }
    say!("\n== Findings that need action");
    tables::findings(r.findings().filter(|f| f.needs_action()));
    for e in &r.errors {
        say!("error [{}] {}", e.code, e.message);
    }
    let counts: Vec<String> = r
        .summary
        .findings
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    say!(
        "\n{} projects; findings: {}; {} errors",
        r.summary.projects,
        counts.join(", "),
        r.summary.errors
    );
    Ok(())
}

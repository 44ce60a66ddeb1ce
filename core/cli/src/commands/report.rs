//! `tcrules report`: every rule family on a portfolio.

use std::path::PathBuf;

use tcrules::report::{self, ReportOptions};
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
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let r = report::report(&p, policy, &ReportOptions::default());
    // An input problem, a project that could not be evaluated or a section that could
    // not be computed is one of the summary's errors: exit 1.
    let outcome = Outcome::of(r.findings()).unevaluated_if(r.summary.errors > 0);
    if options.json() {
        render::json(&r)?;
        return Ok(outcome);
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
    Ok(outcome)
}

//! `tcrules delivery`: delivery rates by a grouping for a year or year to date, or the
//! monthly year-to-date curve (R6 §140).

use std::path::PathBuf;

use tcrules::delivery::{self, GroupBy};
use tcrules::delivery_by::{self, KeyValue};
use tcrules::period::{ReportingPeriod, YearMonth};
use tcrules::{Error, Policy, Portfolio, Status};

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, rate, say, usd};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// Portfolio JSON files or CSV tables (see below); none: the example portfolio.
    #[arg(value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// Grouping: project, unit, field_office, country, region, donor, donor_category,
    /// strategic_objective, source_of_funds, portfolio; or several keys at once, with the
    /// time keys year, quarter, month, biennium (`--by unit,year`): one row per group
    /// over every record.
    #[arg(long, default_value = "project")]
    by: String,
    /// With several keys (or a time key): year-to-date sums along the time key.
    #[arg(long)]
    ytd: bool,
    /// Calendar year; default: the latest with records.
    #[arg(long)]
    year: Option<i32>,
    /// Year-to-date through this month (1–12).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=12))]
    through_month: Option<u32>,
    /// The monthly year-to-date curve instead of totals.
    #[arg(long)]
    series: bool,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let keys: Vec<&str> = args.by.split(',').map(str::trim).collect();
    if keys.len() > 1
        || args.ytd
        || delivery_by::time_key(&args.by, YearMonth::new(2000, 1)?).is_some()
    {
        return by_keys(&p, &keys, args.ytd, options, policy);
    }
    // Parsed here rather than by clap: a bad grouping is the rules' `invalid_value`.
    let by: GroupBy = args.by.parse()?;
    if let Some(column) = by.project_column() {
        inputs::require_project_column(&args.inputs, options, column)?;
    }
    let year = args
        .year
        .or_else(|| p.records.iter().map(|r| r.month.year()).max());
    let Some(year) = year else {
        return Err(Error::Invalid {
            path: "records".into(),
            message: "no delivery records in the input".into(),
        }
        .into());
    };
    if args.series {
        series(&p, by, year, options)?;
        return Ok(Outcome::default());
    }
    let period = match args.through_month {
        Some(m) => ReportingPeriod::YearToDate {
            year,
            through_month: m,
        },
        None => ReportingPeriod::Year { year },
    };
    let d = delivery::of_portfolio(&p, by, period, policy)?;
    let outcome = Outcome::of(&d.findings);
    if options.json() {
        render::json(&d)?;
        return Ok(outcome);
    }
    say!(
        "delivery {} by {}; policy band {}–{} %",
        d.period,
        by.as_str(),
        d.band_percent[0],
        d.band_percent[1]
    );
    tables::delivery(&d);
    say!();
    // Not only what needs action: undefined delivery comes with a not-applicable finding
    // that says why.
    tables::findings(d.findings.iter().filter(|f| f.status != Status::Pass));
    Ok(outcome)
}

/// `--by` several keys: one row per group ([`delivery_by::delivery_by`]).
fn by_keys(
    p: &Portfolio,
    keys: &[&str],
    ytd: bool,
    options: &Options,
    policy: &Policy,
) -> Result<Outcome, Failure> {
    let groups = delivery_by::delivery_by(&p.projects, &p.records, keys, ytd, policy, &p.rates)?;
    if options.json() {
        render::json(&groups)?;
        return Ok(Outcome::default());
    }
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let mut row: Vec<String> = g
                .keys
                .iter()
                .map(|k| match k {
                    KeyValue::Number(n) => n.to_string(),
                    KeyValue::Text(t) => t.clone(),
                })
                .collect();
            row.extend([
                usd(&g.totals.allocation_usd),
                usd(&g.totals.expenditure_usd),
                rate(g.totals.rate_percent()),
                g.status.as_str().to_owned(),
                g.records.to_string(),
            ]);
            row
        })
        .collect();
    let mut header: Vec<&str> = keys.to_vec();
    header.extend([
        "allocation",
        "expenditure",
        "delivery %",
        "status",
        "records",
    ]);
    render::table(&header, &rows);
    Ok(Outcome::default())
}

/// `--series`: each group's cumulative totals, month by month through `year`.
fn series(p: &Portfolio, by: GroupBy, year: i32, options: &Options) -> Result<(), Failure> {
    let s = delivery::ytd_series(&p.projects, &p.records, by, year, &p.rates)?;
    if options.json() {
        return render::json(&s);
    }
    let rows: Vec<Vec<String>> = s
        .iter()
        .flat_map(|g| {
            g.points.iter().map(move |pt| {
                vec![
                    g.group.clone(),
                    pt.month.to_string(),
                    usd(&pt.totals.allocation_usd),
                    usd(&pt.totals.expenditure_usd),
                    rate(pt.rate_percent),
                ]
            })
        })
        .collect();
    render::table(
        &[
            by.as_str(),
            "month",
            "allocation YTD",
            "expenditure YTD",
            "delivery %",
        ],
        &rows,
    );
    Ok(())
}

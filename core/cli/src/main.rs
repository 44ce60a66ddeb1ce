//! `tcrules`: the portfolio rules of technical cooperation on the command line.
//!
//! With no input file every command runs on the example portfolio shipped with the crate
//! (real ILO projects from the seeds, R6 Annex 2 approvals).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use tcrules::delivery::{self, GroupBy};
use tcrules::evaluation;
use tcrules::iati;
use tcrules::io::{csv, json, Format};
use tcrules::money::{group_thousands, Rates};
use tcrules::period::ReportingPeriod;
use tcrules::portfolio::{self, YearRange};
use tcrules::report::{self, ReportOptions};
use tcrules::{appraisal, integration, Error, Finding, Policy, Portfolio, Proposal, Status};

/// The example portfolio shipped in the repository.
const EXAMPLE: &str = include_str!("../../data/example/portfolio.json");

#[derive(Parser)]
#[command(
    name = "tcrules",
    version,
    about = "Portfolio rules of technical cooperation: evaluation, delivery, integration, portfolio balance and proposal appraisal (ILC 2006 Report VI)"
)]
struct Cli {
    /// A policy edition (JSON); default: the built-in ilo-2006.
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Exchange rates as JSON, {"EUR": "1.2"} (US dollars per unit); added to the input's.
    #[arg(long, global = true, value_name = "FILE")]
    rates: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    format: Output,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Every rule family on a portfolio.
    Report {
        /// Portfolio JSON, or CSV tables of projects, records and approvals.
        inputs: Vec<PathBuf>,
    },
    /// Evaluation requirements of each project (R6 §143).
    Evaluation { inputs: Vec<PathBuf> },
    /// Evaluations falling due, in date order.
    Schedule {
        inputs: Vec<PathBuf>,
        /// First date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Delivery rates (R6 §140).
    Delivery {
        inputs: Vec<PathBuf>,
        /// Grouping: project, unit, field_office, country, region, donor, donor_category,
        /// strategic_objective, source_of_funds, portfolio.
        #[arg(long, default_value = "project")]
        by: String,
        /// Calendar year; default: the latest with records.
        #[arg(long)]
        year: Option<i32>,
        /// Year-to-date through this month (1–12).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=12))]
        through_month: Option<u32>,
        /// The monthly year-to-date curve instead of totals.
        #[arg(long)]
        series: bool,
    },
    /// Integration of RB, RBTC and extra-budgetary resources (R6 §59–64, §162).
    Integration { inputs: Vec<PathBuf> },
    /// Portfolio balance: approvals by source (R6 Table V.1), concentration, shares.
    Portfolio {
        inputs: Vec<PathBuf>,
        /// Periods, e.g. 1995-1999,2000-2004; default: five-year blocks.
        #[arg(long, value_delimiter = ',')]
        periods: Vec<YearRange>,
    },
    /// Appraise a proposal (JSON).
    Appraise { proposal: PathBuf },
    /// Evaluation requirements, delivery by year and the gender marker of every activity
    /// of an IATI activity file (XML, version 2.03 or 1.0x).
    Iati { file: PathBuf },
    /// Show the policy edition in force.
    Policy,
}

/// Prints a line; a closed pipe (`tcrules report | head`) ends the program quietly
/// instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { file, error }) => {
            let file = file.map(|f| format!("{f}: ")).unwrap_or_default();
            eprintln!("tcrules: {file}error [{}] {error}", error.code());
            ExitCode::FAILURE
        }
    }
}

/// An error, and the file it was found in.
struct Failure {
    file: Option<String>,
    error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { file: None, error }
    }
}

/// Names the file an error came from, keeping the field path inside it intact.
fn in_file(file: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |error| Failure {
        file: Some(file.display().to_string()),
        error,
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The text of a file in `format`; bytes that are not UTF-8 are the format's error.
fn read(path: &Path, format: Format) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let text = format.text(&bytes).map_err(in_file(path))?;
    Ok(text.to_owned())
}

/// The exchange rates of `--rates`, or US dollars only.
fn rates(cli: &Cli) -> Result<Rates, Failure> {
    match &cli.rates {
        Some(path) => json::from_str(&read(path, Format::Json)?).map_err(in_file(path)),
        None => Ok(Rates::usd_only()),
    }
}

/// Reads the inputs into one portfolio: JSON portfolios merge, CSV tables are recognized
/// by their header.
fn load(cli: &Cli, inputs: &[PathBuf]) -> Result<Portfolio, Failure> {
    let mut portfolio = if inputs.is_empty() {
        json::read_portfolio(EXAMPLE)?
    } else {
        Portfolio::default()
    };
    for path in inputs {
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let text = read(path, if is_csv { Format::Csv } else { Format::Json })?;
        let p = if is_csv {
            csv::read_table(&text)
        } else {
            json::from_str::<Portfolio>(&text)
        }
        .map_err(in_file(path))?;
        portfolio.name = portfolio.name.or(p.name);
        portfolio.notes = portfolio.notes.or(p.notes);
        portfolio.projects.extend(p.projects);
        portfolio.records.extend(p.records);
        portfolio.approvals.extend(p.approvals);
        portfolio.seed_funding.extend(p.seed_funding);
        merge_rates(&mut portfolio.rates, &p.rates)?;
    }
    if let Some(path) = &cli.rates {
        let rates: Rates = json::from_str(&read(path, Format::Json)?).map_err(in_file(path))?;
        merge_rates(&mut portfolio.rates, &rates).map_err(in_file(path))?;
    }
    Ok(portfolio)
}

fn merge_rates(into: &mut Rates, from: &Rates) -> Result<(), Error> {
    let value = serde_json::to_value(from).map_err(|e| Error::Io {
        path: "rates".into(),
        message: e.to_string(),
    })?;
    if let serde_json::Value::Object(map) = value {
        for (code, rate) in map {
            let currency = code.parse().map_err(|e: Error| e.at("rates"))?;
            let rate = rate
                .as_str()
                .unwrap_or_default()
                .parse()
                .map_err(|_| Error::Invalid {
                    path: format!("rates.{code}"),
                    message: "not a decimal".into(),
                })?;
            into.insert(currency, rate)?;
        }
    }
    Ok(())
}

fn policy(cli: &Cli) -> Result<Policy, Failure> {
    match &cli.policy {
        None => Ok(Policy::default()),
        Some(path) => Policy::from_json(&read(path, Format::Policy)?).map_err(in_file(path)),
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let policy = policy(cli)?;
    match &cli.command {
        Command::Policy => {
            if cli.format == Output::Json {
                say!("{}", policy.to_json_pretty());
            } else {
                let s = policy.stamp();
                say!("{} {} ({})", s.name, s.version, s.hash);
                let e = &policy.spec().evaluation;
                say!(
                    "evaluation: final only under {} months; mid-term up to {} months; independent over US${}",
                    e.final_only_below_months,
                    e.mid_term_up_to_months,
                    group_thousands(&e.independent_threshold_usd)
                );
                let d = &policy.spec().delivery;
                say!(
                    "delivery: warning below {} %; band {}–{} %",
                    d.warning_below_percent,
                    d.band_low_percent,
                    d.band_high_percent
                );
                let rows: Vec<Vec<String>> = policy
                    .spec()
                    .rules
                    .iter()
                    .map(|(id, m)| {
                        vec![
                            id.to_string(),
                            m.severity.to_string(),
                            m.citation.clone(),
                            id.title().to_owned(),
                        ]
                    })
                    .collect();
                print_table(&["rule", "severity", "citation", "title"], &rows);
            }
        }
        Command::Report { inputs } => {
            let p = load(cli, inputs)?;
            let r = report::report(&p, &policy, &ReportOptions::default());
            if cli.format == Output::Json {
                return print_json(&r);
            }
            say!("{}", p.name.as_deref().unwrap_or("portfolio"));
            say!(
                "policy {} {} ({})\n",
                r.policy.name,
                r.policy.version,
                r.policy.hash
            );
            say!("== Evaluation requirements (R6 §143)");
            print_evaluations(&r.evaluations);
            if let Some(d) = &r.delivery {
                say!(
                    "\n== Delivery {} by {} (R6 §140)",
                    d.period,
                    d.group_by.as_str()
                );
                print_delivery(d);
            }
            if let Some(b) = &r.balance {
                say!("\n== Approvals by source (R6 Table V.1)");
                print_approvals(&b.approvals_by_group);
            }
            say!("\n== Findings that need action");
            print_findings(r.findings().filter(|f| f.needs_action()));
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
        }
        Command::Evaluation { inputs } => {
            let p = load(cli, inputs)?;
            let rows = evaluation::evaluate_all(&p.projects, &policy, &p.rates);
            if cli.format == Output::Json {
                return print_json(&rows);
            }
            print_evaluations(&rows);
            say!();
            print_findings(
                rows.iter()
                    .flat_map(|r| r.findings.iter())
                    .filter(|f| f.needs_action()),
            );
        }
        Command::Schedule { inputs, from, to } => {
            let p = load(cli, inputs)?;
            let rows = evaluation::evaluate_all(&p.projects, &policy, &p.rates);
            let due = evaluation::due_between(
                &rows,
                from.unwrap_or(NaiveDate::MIN),
                to.unwrap_or(NaiveDate::MAX),
            );
            if cli.format == Output::Json {
                let items: Vec<_> = due
                    .iter()
                    .map(|(p, d)| serde_json::json!({"project": p, "kind": d.kind, "date": d.date}))
                    .collect();
                return print_json(&items);
            }
            let table: Vec<Vec<String>> = due
                .iter()
                .map(|(p, d)| vec![d.date.to_string(), p.clone(), d.kind.label().to_owned()])
                .collect();
            print_table(&["due", "project", "evaluation"], &table);
        }
        Command::Delivery {
            inputs,
            by,
            year,
            through_month,
            series,
        } => {
            let p = load(cli, inputs)?;
            let by: GroupBy = by.parse()?;
            let year = year.or_else(|| p.records.iter().map(|r| r.month.year()).max());
            let Some(year) = year else {
                return Err(Error::Invalid {
                    path: "records".into(),
                    message: "no delivery records in the input".into(),
                }
                .into());
            };
            if *series {
                let s = delivery::ytd_series(&p.projects, &p.records, by, year, &p.rates)?;
                if cli.format == Output::Json {
                    return print_json(&s);
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
                print_table(
                    &[
                        by.as_str(),
                        "month",
                        "allocation YTD",
                        "expenditure YTD",
                        "delivery %",
                    ],
                    &rows,
                );
                return Ok(());
            }
            let period = match through_month {
                Some(m) => ReportingPeriod::YearToDate {
                    year,
                    through_month: *m,
                },
                None => ReportingPeriod::Year { year },
            };
            let d = delivery::delivery(&p.projects, &p.records, by, period, &policy, &p.rates)?;
            if cli.format == Output::Json {
                return print_json(&d);
            }
            say!(
                "delivery {} by {}; policy band {}–{} %",
                d.period,
                by.as_str(),
                d.band_percent[0],
                d.band_percent[1]
            );
            print_delivery(&d);
            say!();
            print_findings(d.findings.iter().filter(|f| f.needs_action()));
        }
        Command::Integration { inputs } => {
            let p = load(cli, inputs)?;
            let r = integration::report(&p, &policy)?;
            if cli.format == Output::Json {
                return print_json(&r);
            }
            let rows: Vec<Vec<String>> = r
                .pb_outcomes
                .iter()
                .chain(&r.dwcp_outcomes)
                .map(|o| {
                    let parts: Vec<String> = o
                        .by_source
                        .iter()
                        .map(|s| {
                            format!("{} {} %", s.source.as_str().to_uppercase(), s.share_percent)
                        })
                        .collect();
                    vec![
                        format!("{:?}", o.kind).to_uppercase(),
                        o.outcome.clone(),
                        usd(&o.total_usd),
                        parts.join(", "),
                    ]
                })
                .collect();
            print_table(&["framework", "outcome", "total US$", "by source"], &rows);
            say!();
            print_findings(r.findings.iter());
        }
        Command::Portfolio { inputs, periods } => {
            let p = load(cli, inputs)?;
            let periods = (!periods.is_empty()).then_some(periods.as_slice());
            let r = portfolio::report(&p, periods, &policy)?;
            if cli.format == Output::Json {
                return print_json(&r);
            }
            say!("Approvals of extra-budgetary funding by source (R6 Table V.1)");
            print_approvals(&r.approvals_by_group);
            say!("\nBy donor category");
            print_approvals(&r.approvals_by_category);
            say!();
            print_findings(r.findings.iter());
        }
        Command::Appraise { proposal } => {
            let text = read(proposal, Format::Json)?;
            let prop: Proposal = json::from_str(&text).map_err(in_file(proposal))?;
            let a = appraisal::appraise(&prop, &policy, &rates(cli)?)?;
            if cli.format == Output::Json {
                return print_json(&a);
            }
            say!(
                "{}: {} — verdict {}, score {}/100",
                prop.id,
                prop.title,
                a.verdict.as_str(),
                a.score
            );
            print_findings(a.findings.iter());
        }
        Command::Iati { file } => {
            let input = std::fs::File::open(file).map_err(|e| io_error(file, &e))?;
            let r = iati::read(std::io::BufReader::new(input), &rates(cli)?, &policy);
            if cli.format == Output::Json {
                return print_json(&r);
            }
            print_iati(&r);
            say!();
            print_findings(
                r.activities
                    .iter()
                    .flat_map(|a| a.findings.iter())
                    .filter(|f| f.needs_action()),
            );
            for e in &r.errors {
                say!("error [{}] {}", e.code, e.message);
            }
        }
    }
    Ok(())
}

fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Io {
        path: "stdout".into(),
        message: e.to_string(),
    })?;
    say!("{text}");
    Ok(())
}

fn usd(d: &rust_decimal::Decimal) -> String {
    group_thousands(&tcrules::money::fixed(*d, 0))
}

fn rate(r: Option<rust_decimal::Decimal>) -> String {
    r.map_or_else(
        || "undefined".to_owned(),
        |r| tcrules::money::fixed(r, 1).to_string(),
    )
}

fn print_evaluations(rows: &[evaluation::ProjectEvaluation]) {
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| match (&r.requirements, &r.error) {
            (Some(req), _) => {
                let plan_gaps = r
                    .findings
                    .iter()
                    .filter(|f| f.rule == tcrules::RuleId::EvalPlan && f.status == Status::Fail)
                    .count();
                vec![
                    r.project.clone(),
                    req.duration.to_string(),
                    req.class.as_str().to_owned(),
                    usd(&req.budget_usd),
                    r.schedule
                        .iter()
                        .map(|d| d.kind.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    if req.independent_evaluation {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_owned(),
                    if plan_gaps == 0 {
                        "ok".to_owned()
                    } else {
                        format!("{plan_gaps} missing")
                    },
                ]
            }
            (None, Some(e)) => vec![
                r.project.clone(),
                format!("error [{}] {}", e.code, e.message),
            ],
            (None, None) => vec![r.project.clone()],
        })
        .collect();
    print_table(
        &[
            "project",
            "duration",
            "class",
            "budget US$",
            "schedule",
            "independent",
            "plan",
        ],
        &table,
    );
}

fn print_iati(r: &iati::IatiReport) {
    let table: Vec<Vec<String>> = r
        .activities
        .iter()
        .map(|a| {
            let name = a.identifier.clone().unwrap_or_else(|| a.activity.clone());
            let error = a
                .error
                .as_ref()
                .map(|e| format!("error [{}] {}", e.code, e.message))
                .unwrap_or_default();
            let Some(class) = a.duration_class else {
                let mut row = vec![name];
                row.resize(7, String::new());
                row.push(error);
                return row;
            };
            let delivery: Vec<String> = a
                .delivery
                .iter()
                .map(|g| format!("{} {}", g.group, rate(g.rate_percent)))
                .collect();
            let known = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "?",
            };
            vec![
                name,
                class.as_str().to_owned(),
                a.evaluations
                    .iter()
                    .map(|d| d.kind.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                a.budget_usd.as_ref().map_or_else(|| "?".to_owned(), usd),
                known(a.independent_evaluation).to_owned(),
                delivery.join(", "),
                a.gender_marker
                    .map_or_else(|| "none".to_owned(), |m| m.to_string()),
                error,
            ]
        })
        .collect();
    say!("IATI {}", r.version.as_deref().unwrap_or("(no version)"));
    print_table(
        &[
            "activity",
            "class",
            "evaluations",
            "budget US$",
            "independent",
            "delivery % by year",
            "gender marker",
            "error",
        ],
        &table,
    );
}

fn print_delivery(d: &delivery::DeliveryReport) {
    let rows: Vec<Vec<String>> = d
        .groups
        .iter()
        .chain(std::iter::once(&d.total))
        .map(|g| {
            vec![
                g.group.clone(),
                usd(&g.totals.allocation_usd),
                usd(&g.totals.expenditure_usd),
                rate(g.rate_percent),
            ]
        })
        .collect();
    print_table(
        &[
            d.group_by.as_str(),
            "allocation US$",
            "expenditure US$",
            "delivery %",
        ],
        &rows,
    );
}

fn print_approvals(t: &portfolio::ApprovalTable) {
    let mut header = vec!["source".to_owned()];
    for p in &t.periods {
        header.push(format!("avg {p} US$'000"));
        header.push("share %".to_owned());
    }
    header.push("% change".to_owned());
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .chain(std::iter::once(&t.total))
        .map(|r| {
            let mut row = vec![r.key.clone()];
            for p in &r.periods {
                row.push(group_thousands(&tcrules::money::fixed(
                    p.average_usd / rust_decimal::Decimal::ONE_THOUSAND,
                    0,
                )));
                row.push(p.share_percent.to_string());
            }
            row.push(r.change_percent.map(|c| c.to_string()).unwrap_or_default());
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_table(&header, &rows);
}

fn print_findings<'a>(findings: impl Iterator<Item = &'a Finding>) {
    let rows: Vec<Vec<String>> = findings
        .map(|f| {
            vec![
                f.status.to_string(),
                f.rule.to_string(),
                f.subject.as_deref().unwrap_or_default().to_owned(),
                f.message.to_string(),
                f.citation.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        say!("(no findings)");
    } else {
        print_table(&["status", "rule", "subject", "message", "citation"], &rows);
    }
}

/// Prints rows under a header with columns padded to their widest cell.
fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(cell.chars().count()),
                None => widths.push(cell.chars().count()),
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        say!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

//! The core's benchmarks: every rule family at 1k, 100k and 1M projects (and records),
//! one full appraisal, policy load, and JSON, CSV and IATI ingest in MB/s.
//!
//! Reads the tables `benches/generate.py` writes into `benches/data/` (every size is a
//! prefix of the same seeded rows the Python peers read). `benches/run.sh` runs this with
//! the peers and writes `benches/RESULTS.md`; on its own: `cargo bench --bench core`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::OnceCell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use tcrules::delivery::{self, GroupBy};
use tcrules::model::{Approval, FinancialRecord};
use tcrules::money::Rates;
use tcrules::period::ReportingPeriod;
use tcrules::{api, appraisal, evaluation, iati, integration, io, portfolio, Policy, Portfolio};
use tcrules::{Project, Proposal};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];
/// Each project has 24 monthly records (2024-01 to 2025-12) in the generated tables.
const RECORDS_PER_PROJECT: usize = 24;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `python benches/generate.py` first",
            path.display()
        )
    })
}

/// The generated tables, read once through the core's CSV reader, when a benchmark first
/// needs them (a run filtered to others reads none).
fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(Data::load)
}

struct Data {
    projects: Vec<Project>,
    records: Vec<FinancialRecord>,
    approvals: Vec<Approval>,
    rates: Rates,
}

impl Data {
    fn load() -> Data {
        let dir = data_dir();
        let rates: Rates = io::json::from_str(&read(&dir.join("rates.json"))).unwrap();
        Data {
            projects: io::csv::read_projects(&read(&dir.join("projects.csv"))).unwrap(),
            records: io::csv::read_records(&read(&dir.join("records.csv"))).unwrap(),
            approvals: io::csv::read_approvals(&read(&dir.join("approvals.csv"))).unwrap(),
            rates,
        }
    }

    /// The projects the first `n` records refer to.
    fn projects_of(&self, n: usize) -> &[Project] {
        &self.projects[..n.div_ceil(RECORDS_PER_PROJECT)]
    }

    /// A portfolio of `n` projects, records and approvals.
    fn portfolio(&self, n: usize) -> Portfolio {
        Portfolio {
            rates: self.rates.clone(),
            projects: self.projects[..n].to_vec(),
            records: self.records[..n].to_vec(),
            approvals: self.approvals[..n].to_vec(),
            ..Portfolio::default()
        }
    }
}

/// Sizes from 1k to 1M: few samples of one run each for the large ones.
fn sized<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sampling_mode(SamplingMode::Flat);
    g
}

fn evaluation(c: &mut Criterion) {
    let policy = Policy::default();
    let mut g = sized(c, "eval");
    for n in SIZES {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("requirements", n), |b| {
            let (projects, rates) = (&data().projects[..n], &data().rates);
            b.iter(|| {
                projects
                    .iter()
                    .filter(|p| evaluation::requirements(p, &policy, rates).is_ok())
                    .count()
            });
        });
        // The batch fast path: dates and US-dollar budgets as columns.
        let columns = OnceCell::new();
        g.bench_function(BenchmarkId::new("classify", n), |b| {
            let columns = columns.get_or_init(|| {
                let d = data();
                d.projects[..n]
                    .iter()
                    .map(|p| (p.start, p.end, d.rates.to_usd(&p.budget, "").unwrap()))
                    .collect::<Vec<_>>()
            });
            b.iter(|| {
                columns
                    .iter()
                    .filter(|(s, e, usd)| evaluation::classify(*s, *e, *usd, &policy).is_ok())
                    .count()
            });
        });
    }
    // Every finding of every project: thousands of times the work, so smaller sizes.
    for n in [1_000, 10_000] {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("evaluate_all", n), |b| {
            let (projects, rates) = (&data().projects[..n], &data().rates);
            b.iter(|| evaluation::evaluate_all(projects, &policy, rates));
        });
    }
    g.finish();
}

fn delivery(c: &mut Criterion) {
    let policy = Policy::default();
    let mut g = sized(c, "dlv");
    for n in SIZES {
        // Copies, laid out as a program that reads only these has them (in the shared
        // tables, read one after the other, they sit in the holes the others left).
        let copies = OnceCell::new();
        g.throughput(Throughput::Elements(n as u64));
        for (name, group_by, period) in [
            (
                "unit_2025",
                GroupBy::Unit,
                ReportingPeriod::Year { year: 2025 },
            ),
            ("project_all", GroupBy::Project, ReportingPeriod::All),
        ] {
            g.bench_function(BenchmarkId::new(name, n), |b| {
                let (projects, records) = copies.get_or_init(|| {
                    let d = data();
                    (d.projects_of(n).to_vec(), d.records[..n].to_vec())
                });
                let rates = &data().rates;
                b.iter(|| {
                    delivery::delivery(projects, records, group_by, period, &policy, rates).unwrap()
                });
            });
        }
    }
    g.finish();
}

fn portfolio_reports(c: &mut Criterion) {
    let policy = Policy::default();
    let mut g = sized(c, "report");
    for n in SIZES {
        let portfolio = OnceCell::new();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("integration", n), |b| {
            let p = portfolio.get_or_init(|| data().portfolio(n));
            b.iter(|| integration::report(p, &policy).unwrap());
        });
        g.bench_function(BenchmarkId::new("portfolio", n), |b| {
            let p = portfolio.get_or_init(|| data().portfolio(n));
            b.iter(|| portfolio::report(p, None, &policy).unwrap());
        });
    }
    g.finish();
}

fn appraisal(c: &mut Criterion) {
    let policy = Policy::default();
    let rates = Rates::usd_only();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("core/data/example/proposals");
    let mut g = c.benchmark_group("apr");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for name in ["ready", "fails-tripartism", "fails-gender"] {
        let text = read(&dir.join(format!("{name}.json")));
        let proposal: Proposal = io::json::from_str(&text).unwrap();
        g.bench_with_input(BenchmarkId::new("appraise", name), &proposal, |b, p| {
            b.iter(|| appraisal::appraise(black_box(p), &policy, &rates).unwrap());
        });
        // What a binding does: JSON text in, JSON text out; through values (api::call, as
        // the Python package does) and straight (api::call_str, as the WebAssembly module).
        let input = format!(r#"{{"proposal":{text}}}"#);
        g.bench_with_input(BenchmarkId::new("json_call", name), &input, |b, t| {
            b.iter(|| {
                let v = io::json::parse_value(black_box(t)).unwrap();
                api::call("appraisal", &v, &policy).unwrap().to_string()
            });
        });
        g.bench_with_input(BenchmarkId::new("json_call_str", name), &input, |b, t| {
            b.iter(|| api::call_str("appraisal", black_box(t), &policy).unwrap());
        });
    }
    g.finish();
}

fn policy_load(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("core/policies");
    let mut g = c.benchmark_group("policy");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("default", |b| b.iter(Policy::default));
    for name in ["ilo-2006", "what-if-1m"] {
        let text = read(&dir.join(format!("{name}.json")));
        g.bench_with_input(BenchmarkId::new("from_json", name), &text, |b, t| {
            b.iter(|| Policy::from_json(black_box(t)).unwrap());
        });
    }
    g.finish();
}

/// The first `rows` data rows of a CSV file, with its header.
fn csv_head(path: &Path, rows: usize) -> String {
    let text = read(path);
    let end = text
        .match_indices('\n')
        .nth(rows)
        .map_or(text.len(), |(i, _)| i + 1);
    text[..end].to_owned()
}

fn ingest(c: &mut Criterion) {
    let dir = data_dir();
    let mut g = sized(c, "ingest");
    let json = read(&dir.join("portfolio.json"));
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_with_input("json_portfolio", &json, |b, t| {
        b.iter(|| io::json::read_portfolio(t).unwrap());
    });
    let projects = csv_head(&dir.join("projects.csv"), 100_000);
    g.throughput(Throughput::Bytes(projects.len() as u64));
    g.bench_with_input("csv_projects", &projects, |b, t| {
        b.iter(|| io::csv::read_projects(t).unwrap());
    });
    let records = csv_head(&dir.join("records.csv"), 100_000);
    g.throughput(Throughput::Bytes(records.len() as u64));
    g.bench_with_input("csv_records", &records, |b, t| {
        b.iter(|| io::csv::read_records(t).unwrap());
    });
    // Reading an IATI file applies the rules to each activity as it is read.
    let (xml, policy) = (read(&dir.join("activities.xml")), Policy::default());
    let rates: Rates = io::json::from_str(&read(&dir.join("rates.json"))).unwrap();
    let report = iati::read(xml.as_bytes(), &rates, &policy);
    assert!(report.activities.iter().all(|a| a.error.is_none()) && report.errors.is_empty());
    g.throughput(Throughput::Bytes(xml.len() as u64));
    g.bench_with_input("iati", &xml, |b, t| {
        b.iter(|| iati::read(t.as_bytes(), &rates, &policy));
    });
    g.finish();
}

/// Peak resident memory of this process, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    policy_load(&mut c);
    appraisal(&mut c);
    ingest(&mut c);
    evaluation(&mut c);
    delivery(&mut c);
    portfolio_reports(&mut c);
    c.final_summary();
    if let (Some(kib), Ok(path)) = (peak_rss_kib(), std::env::var("TCRULES_BENCH_PEAK")) {
        std::fs::write(path, format!("{kib}\n")).unwrap();
    }
}

//! Properties of `delivery_by` on generated portfolios (issue 16, item 2; RULES.md §2):
//! over any keys, the groups partition the records, each group's sums and rate are
//! Σexpenditure / Σallocation of exactly the records whose keys it has, and the columnar
//! engine answers what the core answers row by row; amounts convert at dated rates.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Float64Type, Int32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tcrules::delivery::GroupBy;
use tcrules::delivery_by::{self, KeyValue};
use tcrules::model::{FinancialRecord, SourceOfFunds};
use tcrules::money::{Currency, Money, Rates};
use tcrules::period::{ReportingPeriod, YearMonth};
use tcrules::{Policy, Project};
use tcrules_arrow::{delivery_by, Table};

const UNITS: [&str; 3] = ["GENDER", "MIGRANT", "SAP-FL"];
const REGIONS: [&str; 2] = ["africa", "europe"];
const KEYS: [&str; 7] = [
    "unit", "year", "quarter", "project", "region", "month", "biennium",
];

fn rates() -> Rates {
    let eur: Currency = "EUR".parse().unwrap();
    let m = |s: &str| Some(s.parse::<YearMonth>().unwrap());
    Rates::from_rows([
        (eur, m("2004-01"), "1.25".parse().unwrap()),
        (eur, m("2005-07"), "1.5".parse().unwrap()),
        (eur, m("2006-03"), "1.125".parse().unwrap()),
    ])
    .unwrap()
}

/// A record: project index, month (2004-01 + n), allocation and expenditure in cents,
/// and whether it is in euros.
type Row = (usize, u32, i64, i64, bool);

fn project(i: usize) -> Project {
    serde_json::from_value(serde_json::json!({
        "id": format!("P{i}"), "title": "t", "start": "2004-01-01", "end": "2007-12-31",
        "budget": {"amount": "1", "currency": "USD"},
        "unit": UNITS[i % 3], "region": REGIONS[i % 2],
    }))
    .unwrap()
}

fn month(n: u32) -> YearMonth {
    YearMonth::new(2004 + (n / 12) as i32, n % 12 + 1).unwrap()
}

fn records(rows: &[Row]) -> Vec<FinancialRecord> {
    rows.iter()
        .map(|&(p, m, a, e, eur)| {
            let currency = if eur { "EUR" } else { "USD" }.parse().unwrap();
            let money = |c: i64| Money {
                amount: Decimal::new(c, 2),
                currency,
            };
            FinancialRecord {
                project: format!("P{p}"),
                month: month(m),
                source: SourceOfFunds::Xbtc,
                allocation: money(a),
                expenditure: money(e),
                illustrative: Default::default(),
            }
        })
        .collect()
}

fn tables(rows: &[Row], projects: usize) -> (Table, Table) {
    let text = |v: Vec<String>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let cents = |v: Vec<i64>| -> ArrayRef {
        Arc::new(
            arrow_array::Decimal128Array::from(v.into_iter().map(i128::from).collect::<Vec<_>>())
                .with_precision_and_scale(18, 2)
                .unwrap(),
        )
    };
    let records = RecordBatch::try_from_iter([
        (
            "project",
            text(rows.iter().map(|r| format!("P{}", r.0)).collect()),
        ),
        (
            "month",
            text(rows.iter().map(|r| month(r.1).to_string()).collect()),
        ),
        ("allocation", cents(rows.iter().map(|r| r.2).collect())),
        ("expenditure", cents(rows.iter().map(|r| r.3).collect())),
        (
            "currency",
            text(
                rows.iter()
                    .map(|r| if r.4 { "EUR" } else { "USD" }.to_owned())
                    .collect(),
            ),
        ),
    ])
    .unwrap();
    let projects = RecordBatch::try_from_iter([
        ("id", text((0..projects).map(|i| format!("P{i}")).collect())),
        (
            "unit",
            text((0..projects).map(|i| UNITS[i % 3].to_owned()).collect()),
        ),
        (
            "region",
            text((0..projects).map(|i| REGIONS[i % 2].to_owned()).collect()),
        ),
    ])
    .unwrap();
    (Table::from(records), Table::from(projects))
}

/// Each row of the arrow output as (keys as text, allocation, expenditure, rate, status,
/// records).
type Out = (Vec<String>, Decimal, Decimal, Option<f64>, String, u64);

fn read(batch: &RecordBatch, by: &[&str]) -> Vec<Out> {
    let decimal = |name: &str, i: usize| {
        let a = batch
            .column_by_name(name)
            .unwrap()
            .as_primitive::<Decimal128Type>();
        Decimal::from_i128_with_scale(a.value(i), a.scale() as u32)
    };
    (0..batch.num_rows())
        .map(|i| {
            let keys = by
                .iter()
                .map(|k| {
                    let c = batch.column_by_name(k).unwrap();
                    match c.as_string_opt::<i32>() {
                        Some(s) => s.value(i).to_owned(),
                        None => c.as_primitive::<Int32Type>().value(i).to_string(),
                    }
                })
                .collect();
            let rate = batch
                .column_by_name("rate")
                .unwrap()
                .as_primitive::<Float64Type>();
            (
                keys,
                decimal("allocation_usd", i),
                decimal("expenditure_usd", i),
                rate.is_valid(i).then(|| rate.value(i)),
                batch
                    .column_by_name("status")
                    .unwrap()
                    .as_string::<i32>()
                    .value(i)
                    .to_owned(),
                batch
                    .column_by_name("records")
                    .unwrap()
                    .as_primitive::<UInt64Type>()
                    .value(i),
            )
        })
        .collect()
}

fn text(k: &KeyValue) -> String {
    match k {
        KeyValue::Number(n) => n.to_string(),
        KeyValue::Text(t) => t.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn groups_partition_the_records_and_rates_are_weighted(
        rows in prop::collection::vec((0usize..5, 0u32..40, 0i64..100_000, 0i64..120_000, any::<bool>()), 0..60),
        keys in prop::sample::subsequence(KEYS.to_vec(), 1..4),
    ) {
        let (policy, rates) = (Policy::default(), rates());
        let projects: Vec<Project> = (0..5).map(project).collect();
        let records = records(&rows);
        let (records_table, projects_table) = tables(&rows, 5);
        let out = delivery_by(&records_table, Some(&projects_table), &keys, false, &policy, &rates).unwrap();
        let got = read(&out, &keys);
        let core = delivery_by::delivery_by(&projects, &records, &keys, false, &policy, &rates).unwrap();
        // The columnar engine answers what the core answers, group for group.
        prop_assert_eq!(got.len(), core.len());
        for (g, c) in got.iter().zip(&core) {
            prop_assert_eq!(&g.0, &c.keys.iter().map(text).collect::<Vec<_>>());
            prop_assert_eq!((g.1, g.2), (c.totals.allocation_usd, c.totals.expenditure_usd));
            prop_assert_eq!(&g.4, c.status.as_str());
            prop_assert_eq!(g.5 as usize, c.records);
        }
        // Each record falls in exactly one group, whose sums are those of its records.
        let mut expected: BTreeMap<Vec<String>, (Decimal, Decimal, u64)> = BTreeMap::new();
        for r in &records {
            let p = &projects[r.project[1..].parse::<usize>().unwrap()];
            let key: Vec<String> = keys.iter().map(|k| match *k {
                "unit" => p.unit.clone().unwrap(),
                "region" => p.region.unwrap().as_str().to_owned(),
                "project" => r.project.clone(),
                t => text(&delivery_by::time_key(t, r.month).unwrap()),
            }).collect();
            let usd = |m: &Money| rates.to_usd_on(m, r.month, "").unwrap();
            let slot = expected.entry(key).or_default();
            slot.0 += usd(&r.allocation);
            slot.1 += usd(&r.expenditure);
            slot.2 += 1;
        }
        prop_assert_eq!(got.iter().map(|g| g.5).sum::<u64>(), rows.len() as u64);
        prop_assert_eq!(got.len(), expected.len());
        for g in &got {
            let (a, e, n) = expected[&g.0];
            prop_assert_eq!((g.1, g.2, g.5), (a, e, n));
            // Σexpenditure / Σallocation of the group's records, never a mean of rates.
            match g.3 {
                None => prop_assert!(a.is_zero()),
                Some(rate) => {
                    let exact: f64 = (e / a).to_string().parse().unwrap();
                    prop_assert!((rate - exact).abs() <= 1e-12 * exact.abs().max(1.0), "{} vs {}", rate, exact);
                }
            }
        }
    }

    #[test]
    fn year_to_date_sums_run_from_january(
        rows in prop::collection::vec((0usize..5, 0u32..40, 0i64..100_000, 0i64..120_000, any::<bool>()), 0..60),
    ) {
        let (policy, rates) = (Policy::default(), rates());
        let (records_table, projects_table) = tables(&rows, 5);
        let by = ["unit", "month"];
        let monthly = read(&delivery_by(&records_table, Some(&projects_table), &by, false, &policy, &rates).unwrap(), &by);
        let ytd = read(&delivery_by(&records_table, Some(&projects_table), &by, true, &policy, &rates).unwrap(), &by);
        prop_assert_eq!(monthly.len(), ytd.len());
        for (m, y) in monthly.iter().zip(&ytd) {
            prop_assert_eq!(&m.0, &y.0);
            let year = &m.0[1][..4];
            let through: Vec<&Out> = monthly.iter()
                .filter(|o| o.0[0] == m.0[0] && &o.0[1][..4] == year && o.0[1] <= m.0[1])
                .collect();
            prop_assert_eq!(y.1, through.iter().map(|o| o.1).sum::<Decimal>());
            prop_assert_eq!(y.2, through.iter().map(|o| o.2).sum::<Decimal>());
            prop_assert_eq!(y.5, through.iter().map(|o| o.5).sum::<u64>());
        }
    }
}

#[test]
fn a_missing_key_is_an_error_naming_it_and_the_month_may_be_two_integers() {
    let rates = rates();
    let (records, projects) = tables(&[(0, 3, 100, 50, false)], 1);
    let e = delivery_by(
        &records,
        Some(&projects),
        &["donor"],
        false,
        &Policy::default(),
        &rates,
    )
    .unwrap_err();
    assert_eq!(e.path(), "by");
    assert!(e.to_string().contains("\"donor\""), "{e}");
    let e = delivery_by(&records, None, &["unit"], false, &Policy::default(), &rates).unwrap_err();
    assert!(e.to_string().contains("no projects table"), "{e}");
    // Integer year and month columns, no currency (US dollars).
    let ints = |v: Vec<i64>| -> ArrayRef { Arc::new(Int64Array::from(v)) };
    let records = RecordBatch::try_from_iter([
        ("year", ints(vec![2005, 2005, 2006])),
        ("month", ints(vec![1, 12, 1])),
        ("allocation", ints(vec![100, 100, 50])),
        ("expenditure", ints(vec![50, 100, 0])),
    ])
    .unwrap();
    let out = delivery_by(
        &Table::from(records),
        None,
        &["year"],
        false,
        &Policy::default(),
        &rates,
    )
    .unwrap();
    let got = read(&out, &["year"]);
    assert_eq!(got[0].0, ["2005"]);
    assert_eq!(
        (got[0].1, got[0].2, got[0].3),
        (200.into(), 150.into(), Some(0.75))
    );
    assert_eq!((got[1].4.as_str(), got[1].3), ("warning", Some(0.0)));
    // A record before the first dated rate names the currency and the month.
    let (records, projects) = tables(&[(0, 0, 100, 50, true)], 1);
    let early = RecordBatch::try_from_iter([
        (
            "month",
            Arc::new(StringArray::from(vec!["2003-12"])) as ArrayRef,
        ),
        (
            "currency",
            Arc::new(StringArray::from(vec!["EUR"])) as ArrayRef,
        ),
        ("allocation", ints(vec![1])),
        ("expenditure", ints(vec![1])),
    ])
    .unwrap();
    let _ = (records, projects);
    let e = delivery_by(
        &Table::from(early),
        None,
        &["year"],
        false,
        &Policy::default(),
        &rates,
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_rate");
    assert_eq!(
        e.to_string(),
        "records[0].allocation: no exchange rate from EUR to USD for 2003-12"
    );
}

/// Only the rows of projects the records name are read, and a bad cell among them is
/// named by its row of the projects table; a project the table lacks is named too.
#[test]
fn a_projects_table_is_read_for_the_named_projects_and_errors_name_its_row() {
    let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let amounts = |v: Vec<i64>| -> ArrayRef { Arc::new(Int64Array::from(v)) };
    let records = |projects: Vec<&str>| {
        let n = projects.len();
        Table::from(
            RecordBatch::try_from_iter([
                ("project", text(projects)),
                ("month", text(vec!["2005-01"; n])),
                ("source", text(vec!["xbtc"; n])),
                ("currency", text(vec!["USD"; n])),
                ("allocation", amounts(vec![100; n])),
                ("expenditure", amounts(vec![50; n])),
            ])
            .unwrap(),
        )
    };
    // P0 and P2 have regions no one knows, P1 a known one; the records name P1 only,
    // then P2 as well.
    let projects = Table::from(
        RecordBatch::try_from_iter([
            ("id", text(vec!["P0", "P1", "P2", "P1 "])),
            (
                "region",
                text(vec!["atlantis", "africa", "lemuria", " europe"]),
            ),
        ])
        .unwrap(),
    );
    let (policy, rates) = (Policy::default(), rates());
    let by = ["region", "year"];
    let out = delivery_by(
        &records(vec!["P1"]),
        Some(&projects),
        &by,
        false,
        &policy,
        &rates,
    );
    // A project listed twice counts under its last row, as the core's reader keeps it.
    let got = read(&out.unwrap(), &by);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, ["europe", "2005"]);
    for by in [&["region"][..], &["region", "year"][..]] {
        let e = delivery_by(
            &records(vec!["P1", "P2"]),
            Some(&projects),
            by,
            false,
            &policy,
            &rates,
        )
        .unwrap_err();
        assert_eq!(e.path(), "projects[2].region", "{by:?}: {e}");
        assert!(e.to_string().contains("lemuria"), "{e}");
    }
    let e = delivery_by(
        &records(vec!["P1", "P9"]),
        Some(&projects),
        &by,
        false,
        &policy,
        &rates,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("unknown_project", "records[1].project")
    );
    // The one-key delivery report reads the projects table the same way.
    let period = ReportingPeriod::Year { year: 2005 };
    let report = tcrules_arrow::delivery(
        &records(vec!["P1"]),
        Some(&projects),
        GroupBy::Region,
        period,
        &policy,
        &rates,
    )
    .unwrap();
    assert_eq!(report.groups.len(), 1);
    assert_eq!(report.groups[0].group, "europe");
    let e = tcrules_arrow::delivery(
        &records(vec!["P1", "P2"]),
        Some(&projects),
        GroupBy::Region,
        period,
        &policy,
        &rates,
    )
    .unwrap_err();
    assert_eq!(e.path(), "projects[2].region", "{e}");
}

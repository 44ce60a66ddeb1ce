//! Every finding of a project table as one long table, one row per finding: what an
//! analyst filters, counts and joins, without parsing the project out of a subject or
//! the facts out of JSON.

use arrow_array::RecordBatch;
use rustc_hash::FxHashMap;
use tcrules::delivery::{assess_into, GroupBy};
use tcrules::evaluation;
use tcrules::io::csv;
use tcrules::money::Rates;
use tcrules::period::ReportingPeriod;
use tcrules::{Policy, Result};

use crate::batch::{read_projects, relative};
use crate::delivery::delivery;
use crate::distinct::all_distinct;
use crate::finding_columns::{batches, FindingColumns};
use crate::parallel;
use crate::requirements;
use crate::table::Table;

/// Every EVAL finding of every row of a project table (read as [`crate::project_batch`]'s
/// `Evaluation` reads it) and, given a table of monthly records and a period, every DLV
/// finding of each project's delivery over the period (R6 §140), one row per finding: the
/// EVAL findings in row order then the core's order, then the DLV ones by project (`row`
/// null for a project the records name and the table does not). The columns are
/// [`FINDINGS_COLUMNS`](crate::FINDINGS_COLUMNS) (`row` the input row, from 0; `missing` a list of the fields the rule needed)
/// and then one column per fact any finding has (a row that could not be read as a
/// project keeps its id cell in `project`, null where blank: `row` locates it), named as the fact, typed by its values:
/// boolean, int64, date32 where every value is an ISO date, decimal128(38, s) where every
/// value is an exact decimal (`undefined`, a ratio with nothing to divide by, is null),
/// else text. A row that could not be evaluated is one row with its `error_code` and
/// `error_message` and no rule: no project is lost. The table comes as record batches of
/// one schema, in row order (each part of the rows built on a core of its own, none
/// copied into one).
///
/// ```
/// use arrow_array::{RecordBatch, StringArray, Date32Array, Decimal128Array};
/// use std::sync::Arc;
/// let days = |s: &str| (s.parse::<chrono::NaiveDate>().unwrap() - chrono::NaiveDate::default()).num_days() as i32;
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["P1", "P2"])) as _),
///     ("title", Arc::new(StringArray::from(vec!["Youth", "Migration"])) as _),
///     ("start", Arc::new(Date32Array::from(vec![days("2024-01-01"), days("2024-01-01")])) as _),
///     ("end", Arc::new(Date32Array::from(vec![days("2025-06-30"), days("2023-06-30")])) as _),
///     ("budget_amount", Arc::new(Decimal128Array::from(vec![35_000_001, 100]).with_precision_and_scale(12, 2).unwrap()) as _),
///     ("budget_currency", Arc::new(StringArray::from(vec!["USD", "USD"])) as _),
/// ]).unwrap();
/// let table = tcrules_arrow::Table::from(batch);
/// let out = tcrules_arrow::findings(&table, None, &tcrules::Policy::default(), &tcrules::money::Rates::usd_only()).unwrap();
/// let schema = out[0].schema();
/// assert!(schema.index_of("budget_usd").is_ok() && schema.index_of("duration_months").is_ok());
/// assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 6); // five findings of P1, and P2's error
/// ```
pub fn findings(
    table: &Table,
    records: Option<(&Table, ReportingPeriod)>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<RecordBatch>> {
    let table = table.select(tcrules::finding_rows::reads);
    // No rows (a table of none may come without columns): no projects.
    let mut parts = if table.num_rows() == 0 {
        Vec::new()
    } else if let Some(parts) = from_columns(&table, policy, rates)? {
        parts
    } else {
        from_projects(&table, policy, rates)?
    };
    // DLV: each project's delivery over the period, its findings after the EVAL ones.
    if let Some((records, period)) = records {
        let report = delivery(records, None, GroupBy::Project, period, policy, rates)?;
        let rows = first_rows(&table)?;
        let mut out = FindingColumns::for_projects(report.groups.len() / 4);
        for g in &report.groups {
            out.project(rows.get(g.group.as_str()).copied(), &g.group);
            assess_into(g, GroupBy::Project, policy, &mut out);
        }
        parts.push(out);
    }
    batches(parts)
}

/// The findings of a table whose projects have no evaluation plan and no funding lines,
/// each row's requirements read from its columns, in parts shared among the cores: the
/// findings [`from_projects`] gives for the same table, without reading each row as a
/// whole project. `None` for any other table, and for one whose ids or titles are not all
/// there and distinct (whose rows [`from_projects`] reports).
fn from_columns(
    table: &Table,
    policy: &Policy,
    rates: &Rates,
) -> Result<Option<Vec<FindingColumns>>> {
    if table.has("funding") || csv::PLAN_COLUMNS.iter().any(|c| table.has(c)) {
        return Ok(None);
    }
    table.require("projects", csv::Table::Projects.required())?;
    let ids = table.texts("id")?;
    let titles = table.texts("title")?;
    let mut row_ids = Vec::with_capacity(table.num_rows());
    for (batch, titles) in ids.iter().zip(&titles) {
        for i in 0..batch.len() {
            match (batch.get(i), titles.get(i)) {
                (Some(id), Some(_)) => row_ids.push(id),
                _ => return Ok(None),
            }
        }
    }
    if !all_distinct(&row_ids) {
        return Ok(None);
    }
    let parts = requirements::each_part(table, policy, rates, |first, len, rows| {
        let mut out = FindingColumns::for_projects(len);
        let ids = row_ids.get(first..).unwrap_or_default();
        for ((i, requirements), id) in (first..).zip(rows).zip(ids) {
            out.project(Some(i), id);
            match requirements {
                Ok(req) => evaluation::unplanned_into(&req, id, policy, &mut out),
                Err(e) => {
                    let e = relative(e.info(), i);
                    out.error(&e.code, &e.message);
                }
            }
        }
        out
    })?;
    Ok(Some(parts))
}

/// The findings of every row read as a project (as [`crate::project_batch`]'s
/// `Evaluation` reads it), in parts shared among the cores.
fn from_projects(table: &Table, policy: &Policy, rates: &Rates) -> Result<Vec<FindingColumns>> {
    let mut rows = read_projects(table, policy)?;
    // A row in error is still named by its id cell, where it has one.
    let ids = table.texts("id")?;
    let ids: Vec<Option<&str>> = ids
        .iter()
        .flat_map(|b| (0..b.len()).map(move |i| b.get(i)))
        .collect();
    let parts = parallel::parts(
        rows.as_mut_slice(),
        || (),
        |(), first, part| {
            let mut out = FindingColumns::for_projects(part.len());
            for (i, row) in (first..).zip(part.iter()) {
                match row {
                    Ok(p) => {
                        out.project(Some(i), &p.id);
                        if let Err(e) = evaluation::evaluate_into(p, policy, rates, &mut out) {
                            let e = csv::as_table_error(e.info());
                            out.error(&e.code, &e.message);
                        }
                    }
                    Err(e) => {
                        out.project(Some(i), ids.get(i).copied().flatten().unwrap_or_default());
                        out.error(&e.code, &e.message);
                    }
                }
            }
            out
        },
    );
    Ok(parts)
}

/// The input row of each project id, the first where ids repeat.
fn first_rows(table: &Table) -> Result<FxHashMap<String, usize>> {
    let mut rows = FxHashMap::default();
    if !table.has("id") {
        return Ok(rows);
    }
    let mut at = 0;
    for batch in table.texts("id")? {
        for i in 0..batch.len() {
            if let Some(id) = batch.get(i) {
                rows.entry(id.to_owned()).or_insert(at + i);
            }
        }
        at += batch.len();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::requirements::BUDGET_RATE;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Decimal128Type, Int64Type};
    use arrow_array::ArrayRef;
    use arrow_array::{Array, StringArray};
    use arrow_schema::DataType;
    use std::sync::Arc;

    /// The batches as one, each dictionary column as its text, for reading.
    fn one(batches: Vec<RecordBatch>) -> RecordBatch {
        let batch = arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap();
        let columns: Vec<(String, ArrayRef)> = batch
            .schema()
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, c)| match c.data_type() {
                DataType::Dictionary(_, text) => {
                    (f.name().clone(), arrow_cast::cast(c, text).unwrap())
                }
                _ => (f.name().clone(), c.clone()),
            })
            .collect();
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn table(rows: &[(&str, &str, &str, &str)]) -> Table {
        let col = |i: usize| -> ArrayRef {
            Arc::new(StringArray::from(
                rows.iter()
                    .map(|r| [r.0, r.1, r.2, r.3][i])
                    .collect::<Vec<_>>(),
            ))
        };
        let batch = RecordBatch::try_from_iter([
            ("id", col(0)),
            (
                "title",
                Arc::new(StringArray::from(vec!["T"; rows.len()])) as ArrayRef,
            ),
            ("start", col(1)),
            ("end", col(2)),
            ("budget_amount", col(3)),
            (
                "budget_currency",
                Arc::new(StringArray::from(vec!["USD"; rows.len()])) as ArrayRef,
            ),
        ])
        .unwrap();
        Table::from(batch)
    }

    #[test]
    fn one_row_per_finding_with_typed_facts_and_no_project_lost() {
        let t = table(&[
            ("P1", "2024-01-01", "2025-06-30", "350000.01"),
            ("P2", "2024-01-01", "2023-06-30", "1"),
            ("P3", "2024-01-01", "2026-12-31", "1000"),
        ]);
        let out = one(findings(&t, None, &Policy::default(), &Rates::usd_only()).unwrap());
        let col = |name: &str| out.column(out.schema().index_of(name).unwrap()).clone();
        let project = col("project");
        let project = project.as_string::<i32>();
        let rule = col("rule");
        let rule = rule.as_string::<i32>();
        let p1: Vec<&str> = (0..out.num_rows())
            .filter(|&i| project.value(i) == "P1")
            .map(|i| rule.value(i))
            .collect();
        assert_eq!(
            p1,
            [
                "EVAL-DURATION",
                "EVAL-INDEPENDENT",
                "EVAL-BUDGET",
                "EVAL-CONSTITUENTS",
                "EVAL-PLAN"
            ]
        );
        // P2 could not be evaluated: one row, its error, no rule, found by its input row.
        let rows = col("row");
        let rows = rows.as_primitive::<arrow_array::types::UInt32Type>();
        let p2: Vec<usize> = (0..out.num_rows())
            .filter(|&i| rows.value(i) == 1)
            .collect();
        assert_eq!(p2.len(), 1);
        assert!(rule.is_null(p2[0]));
        assert_eq!(
            col("error_code").as_string::<i32>().value(p2[0]),
            "end_before_start"
        );
        assert_eq!(
            (0..out.num_rows()).filter(|&i| rows.value(i) == 2).count(),
            5
        );
        // Facts typed: months as integers, the budget exact, dates as dates.
        let months = col("duration_months");
        assert_eq!(months.as_primitive::<Int64Type>().value(0), 18);
        let budget = col("budget_usd");
        let i = (0..out.num_rows())
            .find(|&i| project.value(i) == "P1" && rule.value(i) == "EVAL-INDEPENDENT")
            .unwrap();
        assert_eq!(
            budget.as_primitive::<Decimal128Type>().value_as_string(i),
            "350000.01"
        );
        let start = col("start");
        assert_eq!(
            start
                .as_primitive::<Date32Type>()
                .value_as_date(0)
                .unwrap()
                .to_string(),
            "2024-01-01"
        );
        let rows = col("row");
        assert_eq!(
            rows.as_primitive::<arrow_array::types::UInt32Type>()
                .value(p2[0]),
            1
        );
    }

    /// Rows of every kind the rules answer differently, with the cells the readers
    /// report: the table read from its columns and the table read row by row as projects
    /// give the same findings table, and each row's findings are the core's for the
    /// project.
    #[test]
    fn read_from_columns_or_as_projects_the_same_table() {
        let rows: [Row; 9] = [
            ("P1", "2024-01-01", "2025-06-30", "350000.01", "USD", ""),
            ("P2", "2024-01-01", "2023-06-30", "1", "USD", ""),
            ("P3", "2024-01-01", "2027-12-31", "1000", "EUR", ""),
            ("P4", "2024-01-01", "2024-06-30", "-5", "USD", ""),
            ("P5", "2024-01-01", "2024-06-30", "5", "XYZ", ""),
            ("P6", "", "2024-06-30", "5", "USD", ""),
            ("P7", "2024-01-01", "2026-07-01", "300000", "CHF", "1.25"),
            ("P8", "2024-02-29", "2027-02-28", "abc", "USD", ""),
            ("P9", "2024-03-31", "2025-09-30", "291666.67", "EUR", ""),
        ];
        type Row = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
        );
        let col = |f: fn(&Row) -> &'static str| -> ArrayRef {
            Arc::new(StringArray::from(
                rows.iter()
                    .map(|r| Some(f(r)).filter(|s| !s.is_empty()))
                    .collect::<Vec<_>>(),
            ))
        };
        let batch = RecordBatch::try_from_iter([
            ("id", col(|r| r.0)),
            ("title", col(|_| "T")),
            ("start", col(|r| r.1)),
            ("end", col(|r| r.2)),
            ("budget_amount", col(|r| r.3)),
            ("budget_currency", col(|r| r.4)),
            (BUDGET_RATE, col(|r| r.5)),
        ])
        .unwrap();
        let table = Table::from(batch);
        let policy = Policy::default();
        let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let fast = from_columns(&table, &policy, &rates).unwrap().unwrap();
        let slow = from_projects(&table, &policy, &rates).unwrap();
        let (fast, slow) = (one(batches(fast).unwrap()), one(batches(slow).unwrap()));
        assert_eq!(fast.schema(), slow.schema());
        for (i, f) in fast.schema().fields().iter().enumerate() {
            assert_eq!(fast.column(i), slow.column(i), "column {}", f.name());
        }
        // P3 is long: annual reviews; P7 and P9 over the threshold at their rates.
        let project = fast
            .column_by_name("project")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let rule = fast
            .column_by_name("rule")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let status = fast
            .column_by_name("status")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let independent = |p: &str| {
            (0..fast.num_rows())
                .find(|&i| project.value(i) == p && rule.value(i) == "EVAL-INDEPENDENT")
                .map(|i| status.value(i).to_owned())
        };
        assert_eq!(independent("P7").as_deref(), Some("fail"));
        assert_eq!(independent("P9").as_deref(), Some("fail"));
        let errors = fast
            .column_by_name("error_code")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let in_error: Vec<usize> = (0..fast.num_rows())
            .filter(|&i| errors.is_valid(i))
            .collect();
        assert_eq!(in_error.len(), 5, "P2, P4, P5, P6 and P8 in error");
        // A repeated id is the row reader's to report: the table is read as projects.
        let twice = table.select(|c| csv::Table::Projects.required().contains(&c));
        let batch = twice.batches()[0].clone();
        let doubled = Table::try_new(batch.schema(), vec![batch.clone(), batch]).unwrap();
        assert!(from_columns(&doubled, &policy, &rates).unwrap().is_none());
    }

    /// A table of many rows, shared among the cores in parts, keeps its rows' order and
    /// numbers.
    #[test]
    fn parts_join_in_row_order() {
        let n = 70_000;
        let ids: Vec<String> = (0..n).map(|i| format!("P{i}")).collect();
        let rows: Vec<(&str, &str, &str, &str)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let end = if i % 3 == 0 {
                    "2023-01-01"
                } else {
                    "2026-01-01"
                };
                (id.as_str(), "2024-01-01", end, "400000")
            })
            .collect();
        let out = findings(&table(&rows), None, &Policy::default(), &Rates::usd_only()).unwrap();
        assert!(out.len() > 1, "the rows are shared among parts");
        let out = one(out);
        let row = out.column_by_name("row").unwrap();
        let row = row.as_primitive::<arrow_array::types::UInt32Type>();
        let project = out
            .column_by_name("project")
            .unwrap()
            .as_string::<i32>()
            .clone();
        let mut last = 0;
        for i in 0..out.num_rows() {
            let r = row.value(i) as usize;
            assert!(r >= last);
            assert_eq!(project.value(i), ids[r]);
            last = r;
        }
        // Every third row in error (one row), the others five findings each.
        assert_eq!(out.num_rows(), n / 3 + 1 + (n - n / 3 - 1) * 5);
    }
}

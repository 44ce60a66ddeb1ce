//! Every finding of a project table as one long table, one row per finding: what an
//! analyst filters, counts and joins, without parsing the project out of a subject or
//! the facts out of JSON.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, Date32Array, Decimal128Array, ListArray, RecordBatch, UInt32Array};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tcrules::delivery::{assess, GroupBy};
use tcrules::evaluation::ProjectEvaluation;
use tcrules::finding::Fact;
use tcrules::money::Rates;
use tcrules::period::ReportingPeriod;
use tcrules::{Finding, Policy, Result};

use crate::batch::{evaluate_rows, Depth};
use crate::columns;
use crate::delivery::delivery;
use crate::output::{arrow_error, strings, Out};
use crate::table::Table;

/// The columns every findings table has, before the facts.
pub const COLUMNS: [&str; 12] = [
    "row",
    "project",
    "rule",
    "status",
    "severity",
    "subject",
    "message",
    "help",
    "citation",
    "missing",
    "error_code",
    "error_message",
];

/// Every EVAL finding of every row of a project table (read as [`crate::project_batch`]'s
/// `Evaluation` reads it) and, given a table of monthly records and a period, every DLV
/// finding of each project's delivery over the period (R6 §140), one row per finding: the
/// EVAL findings in row order then the core's order, then the DLV ones by project (`row`
/// null for a project the records name and the table does not). The columns are
/// [`COLUMNS`] (`row` the input row, from 0; `missing` a list of the fields the rule needed)
/// and then one column per fact any finding has (`project` is null for a row that could
/// not be read as a project: `row` locates it), named as the fact, typed by its values:
/// boolean, int64, date32 where every value is an ISO date, decimal128(38, s) where every
/// value is an exact decimal (`undefined`, a ratio with nothing to divide by, is null),
/// else text. A row that could not be evaluated is one row with its `error_code` and
/// `error_message` and no rule: no project is lost.
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
/// let schema = out.schema();
/// assert!(schema.index_of("budget_usd").is_ok() && schema.index_of("duration_months").is_ok());
/// assert_eq!(out.num_rows(), 6); // five findings of P1, and P2's error
/// ```
pub fn findings(
    table: &Table,
    records: Option<(&Table, ReportingPeriod)>,
    policy: &Policy,
    rates: &Rates,
) -> Result<RecordBatch> {
    let evaluations = evaluate_rows(table, policy, rates, Depth::Findings)?;
    let mut rows: Vec<Row<'_>> = evaluations
        .iter()
        .enumerate()
        .flat_map(|(i, e)| Row::of(Some(i), e))
        .collect();
    // DLV: each project's delivery over the period, its findings after the EVAL ones.
    let delivered = records
        .map(|(records, period)| {
            delivery(records, None, GroupBy::Project, period, policy, rates).map(|report| {
                report
                    .groups
                    .iter()
                    .map(|g| (g.group.clone(), assess(g, GroupBy::Project, policy)))
                    .collect::<Vec<_>>()
            })
        })
        .transpose()?
        .unwrap_or_default();
    let row_of: HashMap<&str, usize> = evaluations
        .iter()
        .enumerate()
        .map(|(i, e)| (e.project.as_str(), i))
        .collect();
    for (project, found) in &delivered {
        let row = row_of.get(project.as_str()).copied();
        rows.extend(found.iter().map(|f| Row {
            row,
            project: Some(project.as_str()),
            finding: Some(f),
            error: None,
        }));
    }
    let mut out = Out::default();
    let row_index = rows
        .iter()
        .map(|r| r.row.map(|i| u32::try_from(i).unwrap_or(u32::MAX)))
        .collect::<UInt32Array>();
    out.push("row", Arc::new(row_index));
    out.push("project", strings(rows.iter().map(|r| r.project)));
    let text = |f: fn(&Finding) -> Option<&str>| -> ArrayRef {
        strings(rows.iter().map(|r| r.finding.and_then(f)))
    };
    out.push("rule", text(|f| Some(f.rule.as_str())));
    out.push("status", text(|f| Some(f.status.as_str())));
    out.push("severity", text(|f| Some(f.severity.as_str())));
    out.push("subject", text(|f| f.subject.as_deref()));
    out.push("message", text(|f| Some(f.message.as_str())));
    out.push("help", text(|f| f.help.as_deref()));
    out.push("citation", text(|f| Some(f.citation.as_str())));
    out.push("missing", missing(&rows)?);
    let error = |f: fn(&ProjectEvaluation) -> Option<&str>| -> ArrayRef {
        strings(rows.iter().map(|r| r.error.and_then(f)))
    };
    out.push(
        "error_code",
        error(|e| e.error.as_ref().map(|x| x.code.as_str())),
    );
    out.push(
        "error_message",
        error(|e| e.error.as_ref().map(|x| x.message.as_str())),
    );
    for (name, values) in fact_columns(&rows) {
        let name = if COLUMNS.contains(&name) {
            format!("fact_{name}")
        } else {
            name.to_owned()
        };
        out.push(&name, values?);
    }
    out.finish()
}

/// One output row: a finding of a project, or a project in error.
struct Row<'a> {
    row: Option<usize>,
    project: Option<&'a str>,
    finding: Option<&'a Finding>,
    error: Option<&'a ProjectEvaluation>,
}

impl<'a> Row<'a> {
    fn of(row: Option<usize>, e: &'a ProjectEvaluation) -> Vec<Row<'a>> {
        let project = Some(e.project.as_str()).filter(|p| !p.is_empty());
        if e.error.is_some() || e.findings.is_empty() {
            return vec![Row {
                row,
                project,
                finding: None,
                error: Some(e),
            }];
        }
        e.findings
            .iter()
            .map(|f| Row {
                row,
                project,
                finding: Some(f),
                error: None,
            })
            .collect()
    }
}

fn missing(rows: &[Row<'_>]) -> Result<ArrayRef> {
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    offsets.push(0_i32);
    let mut values = StringBuilder::new();
    let mut end = 0_i32;
    for r in rows {
        for m in r.finding.map(|f| f.missing.as_slice()).unwrap_or_default() {
            values.append_value(m);
            end = end.checked_add(1).ok_or_else(|| tcrules::Error::TooLarge {
                path: "missing".into(),
                message: "more than 2^31 missing fields in one table".into(),
            })?;
        }
        offsets.push(end);
    }
    let list = ListArray::try_new(
        Arc::new(Field::new("item", DataType::Utf8, true)),
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Arc::new(values.finish()),
        None,
    )
    .map_err(arrow_error)?;
    Ok(Arc::new(list))
}

/// One column per fact name, in name order, typed by its values: each finding's facts
/// read once, into the column of their name.
fn fact_columns<'a>(rows: &'a [Row<'a>]) -> BTreeMap<&'a str, Result<ArrayRef>> {
    let mut columns: HashMap<&str, Vec<Option<&Fact>>> = HashMap::new();
    for (i, f) in rows.iter().enumerate() {
        for (name, value) in f.finding.iter().flat_map(|f| f.facts.iter()) {
            let column = columns
                .entry(name.as_str())
                .or_insert_with(|| vec![None; rows.len()]);
            if let Some(slot) = column.get_mut(i) {
                *slot = Some(value);
            }
        }
    }
    columns
        .into_iter()
        .map(|(name, values)| (name, fact_column(&values)))
        .collect()
}

fn fact_column(values: &[Option<&Fact>]) -> Result<ArrayRef> {
    let present = || values.iter().flatten();
    if present().all(|v| matches!(v, Fact::Bool(_))) {
        let mut b = BooleanBuilder::with_capacity(values.len());
        for v in values {
            b.append_option(match v {
                Some(Fact::Bool(x)) => Some(*x),
                _ => None,
            });
        }
        return Ok(Arc::new(b.finish()));
    }
    if present().all(|v| matches!(v, Fact::Int(_))) {
        let mut b = Int64Builder::with_capacity(values.len());
        for v in values {
            b.append_option(match v {
                Some(Fact::Int(x)) => Some(*x),
                _ => None,
            });
        }
        return Ok(Arc::new(b.finish()));
    }
    let texts: Vec<Option<&str>> = values
        .iter()
        .map(|v| match v {
            Some(Fact::Text(s)) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let all_text = present().all(|v| matches!(v, Fact::Text(_)));
    if all_text
        && texts
            .iter()
            .flatten()
            .all(|s| s.parse::<NaiveDate>().is_ok())
    {
        let days = texts
            .iter()
            .map(|s| s.and_then(|s| s.parse().ok()).map(columns::epoch_days));
        return Ok(Arc::new(days.collect::<Date32Array>()));
    }
    let decimals: Option<Vec<Option<Decimal>>> = all_text
        .then(|| {
            texts
                .iter()
                .map(|s| match s {
                    None | Some("undefined") => Some(None),
                    Some(s) => s.parse().ok().map(Some),
                })
                .collect()
        })
        .flatten();
    if let Some(decimals) = decimals.filter(|d| d.iter().flatten().next().is_some()) {
        let scale = decimals
            .iter()
            .flatten()
            .map(Decimal::scale)
            .max()
            .unwrap_or(0);
        let array = decimals
            .iter()
            .map(|d| {
                d.map(|mut d| {
                    d.rescale(scale);
                    d.mantissa()
                })
            })
            .collect::<Decimal128Array>()
            .with_precision_and_scale(38, i8::try_from(scale).unwrap_or(i8::MAX))
            .map_err(arrow_error)?;
        return Ok(Arc::new(array));
    }
    if all_text {
        return Ok(strings(texts.iter().copied()));
    }
    // Mixed kinds (a number here, a word there): their text.
    let text: Vec<Option<String>> = values.iter().map(|v| v.map(ToString::to_string)).collect();
    Ok(strings(text.iter().map(Option::as_deref)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Decimal128Type, Int64Type};
    use arrow_array::{Array, StringArray};

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
        let out = findings(&t, None, &Policy::default(), &Rates::usd_only()).unwrap();
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

    #[test]
    fn mixed_facts_read_as_text() {
        let (a, b) = (Fact::Int(3), Fact::Text("three".into()));
        let column = fact_column(&[Some(&a), None, Some(&b)]).unwrap();
        let text = column.as_string::<i32>();
        assert_eq!(
            (text.value(0), text.is_null(1), text.value(2)),
            ("3", true, "three")
        );
        let undefined = Fact::Text("undefined".into());
        let rate = Fact::Text("62.5".into());
        let column = fact_column(&[Some(&rate), Some(&undefined)]).unwrap();
        let d = column.as_primitive::<Decimal128Type>();
        assert_eq!(
            (d.value_as_string(0), d.is_null(1)),
            ("62.5".to_owned(), true)
        );
    }
}

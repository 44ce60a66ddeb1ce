//! Properties of the columnar engine on generated tables: one output row per input row,
//! in order; a bad row's error in its row, never the batch's; every row's answer the
//! core's (`tcrules::evaluation`, `tcrules::delivery`) on the same values; the same answer
//! however the table is cut into batches; delivery groups that partition the records.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, UInt32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, RecordBatch,
    StringArray,
};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tcrules::delivery::GroupBy;
use tcrules::evaluation::{self, Requirements};
use tcrules::model::FinancialRecord;
use tcrules::money::Rates;
use tcrules::period::ReportingPeriod;
use tcrules::{Policy, Project};
use tcrules_arrow::{delivery, due_between, project_batch, ProjectBatch, Table, TextLayout};

/// What is wrong with a generated project row, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    None,
    EmptyStart,
    EndBeforeStart,
    Negative,
    NotANumber,
    UnknownCurrency,
    NoRate,
    EmptyCurrency,
}

impl Defect {
    /// The error code and field the row reports.
    fn error(self) -> Option<(&'static str, &'static str)> {
        match self {
            Defect::None => None,
            Defect::EmptyStart => Some(("invalid_value", "start")),
            Defect::EndBeforeStart => Some(("end_before_start", "end")),
            Defect::Negative => Some(("negative_amount", "budget_amount")),
            Defect::NotANumber => Some(("invalid_value", "budget_amount")),
            Defect::UnknownCurrency => Some(("unknown_currency", "budget_currency")),
            Defect::NoRate => Some(("missing_rate", "budget_currency")),
            Defect::EmptyCurrency => Some(("invalid_value", "budget_currency")),
        }
    }

    /// Whether the core itself sees the defect in a project (the others keep a row from
    /// being a project at all).
    fn in_project(self) -> bool {
        matches!(
            self,
            Defect::None | Defect::EndBeforeStart | Defect::Negative | Defect::NoRate
        )
    }
}

/// Every defect, a row without one the likeliest.
const DEFECTS: [Defect; 10] = [
    Defect::None,
    Defect::None,
    Defect::None,
    Defect::EmptyStart,
    Defect::EndBeforeStart,
    Defect::Negative,
    Defect::NotANumber,
    Defect::UnknownCurrency,
    Defect::NoRate,
    Defect::EmptyCurrency,
];

/// A generated project row.
#[derive(Debug, Clone)]
struct Row {
    start: NaiveDate,
    end: NaiveDate,
    /// Cents.
    cents: i64,
    currency: &'static str,
    defect: Defect,
}

impl Row {
    fn amount(&self) -> Decimal {
        let cents = if self.defect == Defect::Negative {
            -self.cents - 1
        } else {
            self.cents
        };
        Decimal::new(cents, 2)
    }

    fn currency(&self) -> Option<&'static str> {
        match self.defect {
            Defect::UnknownCurrency => Some("XYZ"),
            Defect::NoRate => Some("CHF"),
            Defect::EmptyCurrency => None,
            _ => Some(self.currency),
        }
    }

    /// The row as the core's project, for the defects a project can have.
    fn project(&self, i: usize) -> Project {
        serde_json::from_value(serde_json::json!({
            "id": format!("P{i}"), "title": "T",
            "start": self.start, "end": self.end,
            "budget": {"amount": self.amount().to_string(), "currency": self.currency()},
        }))
        .unwrap()
    }
}

/// How a table types its cells.
#[derive(Debug, Clone, Copy)]
struct Typing {
    dates_as_text: bool,
    /// 0: float64, 1: decimal128, 2: text.
    amounts: u8,
    currency_column: bool,
}

fn row(currency_column: bool) -> impl Strategy<Value = Row> {
    // Without a currency column, the budget is in US dollars: no currency defect.
    let defects: Vec<Defect> = DEFECTS
        .into_iter()
        .filter(|d| {
            currency_column
                || d.error()
                    .is_none_or(|(_, field)| field != "budget_currency")
        })
        .collect();
    let currencies = if currency_column {
        vec!["USD", "EUR", "GBP"]
    } else {
        vec!["USD"]
    };
    (
        0_u64..12_000,
        0_u64..3_000,
        prop_oneof![
            0_i64..10_000_000_000,
            Just(35_000_000),
            Just(35_000_001),
            Just(0)
        ],
        proptest::sample::select(currencies),
        proptest::sample::select(defects),
    )
        .prop_map(|(start, days, cents, currency, defect)| {
            let start = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap() + Days::new(start);
            let end = if defect == Defect::EndBeforeStart {
                start - Days::new(1 + days % 400)
            } else {
                start + Days::new(days)
            };
            Row {
                start,
                end,
                cents,
                currency,
                defect,
            }
        })
}

fn typing() -> impl Strategy<Value = Typing> {
    (any::<bool>(), 0_u8..3, any::<bool>()).prop_map(|(dates_as_text, amounts, currency_column)| {
        Typing {
            dates_as_text,
            amounts,
            currency_column,
        }
    })
}

fn rates() -> Rates {
    Rates::from_pairs([("EUR", "1.0842"), ("GBP", "1.2712")]).unwrap()
}

fn dates(values: Vec<Option<NaiveDate>>, as_text: bool) -> ArrayRef {
    if as_text {
        let text: Vec<Option<String>> = values.iter().map(|d| d.map(|d| d.to_string())).collect();
        Arc::new(StringArray::from(text))
    } else {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let days = values
            .iter()
            .map(|d| d.map(|d| (d - epoch).num_days() as i32));
        Arc::new(days.collect::<Date32Array>())
    }
}

/// The project table of `rows`, typed as `typing` says, cut into batches at `cuts`.
fn project_table(rows: &[Row], typing: Typing, cuts: &[usize]) -> Table {
    cut(project_rows(rows, typing), cuts)
}

/// The rows as one batch of the flat layout, typed as `typing` says.
fn project_rows(rows: &[Row], typing: Typing) -> RecordBatch {
    let start = rows
        .iter()
        .map(|r| (r.defect != Defect::EmptyStart).then_some(r.start));
    let end = rows.iter().map(|r| Some(r.end));
    let nan = |r: &Row| r.defect == Defect::NotANumber;
    let amount: ArrayRef = match typing.amounts {
        0 => Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| {
            if nan(r) {
                f64::NAN
            } else {
                r.amount().to_string().parse().unwrap()
            }
        }))),
        1 => Arc::new(
            rows.iter()
                .map(|r| (!nan(r)).then(|| r.amount().mantissa()))
                .collect::<Decimal128Array>()
                .with_precision_and_scale(38, 2)
                .unwrap(),
        ),
        _ => Arc::new(StringArray::from_iter_values(rows.iter().map(|r| {
            if nan(r) {
                "lots".to_owned()
            } else {
                r.amount().to_string()
            }
        }))),
    };
    let mut columns = vec![
        (
            "id",
            Arc::new(StringArray::from_iter_values(
                (0..rows.len()).map(|i| format!("P{i}")),
            )) as ArrayRef,
        ),
        (
            "title",
            Arc::new(StringArray::from_iter_values(rows.iter().map(|_| "T"))),
        ),
        ("start", dates(start.collect(), typing.dates_as_text)),
        ("end", dates(end.collect(), typing.dates_as_text)),
        ("budget_amount", amount),
    ];
    if typing.currency_column {
        let codes = rows.iter().map(Row::currency);
        columns.push(("budget_currency", Arc::new(codes.collect::<StringArray>())));
    }
    RecordBatch::try_from_iter(columns).unwrap()
}

/// `batch` cut at `cuts` (row numbers, any order, repeats and past-the-end ones ignored).
fn cut(batch: RecordBatch, cuts: &[usize]) -> Table {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (batch.num_rows() + 1)).collect();
    at.extend([0, batch.num_rows()]);
    at.sort_unstable();
    at.dedup();
    let batches = at
        .windows(2)
        .map(|w| batch.slice(w[0], w[1] - w[0]))
        .collect();
    Table::try_new(batch.schema(), batches).unwrap()
}

fn texts(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let column = batch.column_by_name(name).unwrap().as_string::<i32>();
    column.iter().map(|s| s.map(str::to_owned)).collect()
}

/// Row `i`'s requirement columns, `None` when null.
fn requirements_at(
    batch: &RecordBatch,
    i: usize,
) -> Option<(u32, u32, String, Decimal, [bool; 3], u32)> {
    let column = |name| batch.column_by_name(name).unwrap();
    let number = |name| column(name).as_primitive::<UInt32Type>().clone();
    let flag = |name| {
        column(name)
            .as_any()
            .downcast_ref::<BooleanArray>()
            .unwrap()
            .clone()
    };
    let budget = column("budget_usd")
        .as_primitive::<Decimal128Type>()
        .clone();
    if number("duration_months").is_null(i) {
        return None;
    }
    Some((
        number("duration_months").value(i),
        number("duration_days").value(i),
        texts(batch, "duration_class")[i].clone().unwrap(),
        Decimal::from_i128_with_scale(budget.value(i), budget.scale() as u32),
        [
            flag("mid_term_evaluation").value(i),
            flag("mid_term_review_if_agreed").value(i),
            flag("independent_evaluation").value(i),
        ],
        number("annual_reviews").value(i),
    ))
}

fn expected(r: &Requirements) -> (u32, u32, String, Decimal, [bool; 3], u32) {
    (
        r.duration.months,
        r.duration.days,
        r.class.as_str().to_owned(),
        r.budget_usd,
        [
            r.mid_term_evaluation,
            r.mid_term_review_if_agreed,
            r.independent_evaluation,
        ],
        r.annual_reviews,
    )
}

fn run(table: &Table, batch: ProjectBatch) -> RecordBatch {
    let out = project_batch(
        table,
        batch,
        &Policy::default(),
        &rates(),
        TextLayout::Strings,
    );
    out.unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn requirements_answer_every_row_in_order_as_the_core_does(
        (typing, rows) in typing().prop_flat_map(|t| (Just(t), proptest::collection::vec(row(t.currency_column), 0..40))),
        cuts in proptest::collection::vec(0_usize..40, 0..4),
    ) {
        let out = run(&project_table(&rows, typing, &cuts), ProjectBatch::Requirements);
        prop_assert_eq!(out.num_rows(), rows.len());
        let (codes, fields) = (texts(&out, "error_code"), texts(&out, "error_field"));
        for (i, r) in rows.iter().enumerate() {
            let error = codes[i].as_deref().zip(fields[i].as_deref());
            prop_assert_eq!(error, r.defect.error(), "row {}: {:?}", i, r);
            let core = r.defect.in_project().then(|| {
                evaluation::requirements(&r.project(i), &Policy::default(), &rates())
            });
            match core {
                Some(Ok(want)) => prop_assert_eq!(requirements_at(&out, i), Some(expected(&want))),
                Some(Err(e)) => {
                    prop_assert_eq!(Some(e.code()), codes[i].as_deref());
                    prop_assert_eq!(requirements_at(&out, i), None);
                }
                None => prop_assert_eq!(requirements_at(&out, i), None),
            }
        }
    }

    #[test]
    fn the_answer_does_not_depend_on_the_batches(
        (typing, rows) in typing().prop_flat_map(|t| (Just(t), proptest::collection::vec(row(t.currency_column), 1..30))),
        cuts in proptest::collection::vec(0_usize..30, 1..5),
        batch in proptest::sample::select(vec![ProjectBatch::Requirements, ProjectBatch::Evaluation, ProjectBatch::Schedule]),
    ) {
        let typing = Typing { currency_column: true, ..typing };
        let whole = run(&project_table(&rows, typing, &[]), batch);
        prop_assert_eq!(run(&project_table(&rows, typing, &cuts), batch), whole);
    }

    #[test]
    fn evaluation_rows_are_the_cores_evaluations(
        (typing, rows) in typing().prop_flat_map(|t| (Just(t), proptest::collection::vec(row(true), 0..25))),
        cuts in proptest::collection::vec(0_usize..25, 0..3),
    ) {
        let typing = Typing { currency_column: true, ..typing };
        let table = project_table(&rows, typing, &cuts);
        let out = run(&table, ProjectBatch::Evaluation);
        let fast = run(&table, ProjectBatch::Requirements);
        prop_assert_eq!(out.num_rows(), rows.len());
        let findings = out.column_by_name("findings").unwrap().as_list::<i32>().clone();
        let schedule = out.column_by_name("schedule").unwrap().as_list::<i32>().clone();
        // Every row's code is the one the fast path gives (a missing rate's field is the
        // core's, `budget.amount`).
        prop_assert_eq!(texts(&out, "error_code"), texts(&fast, "error_code"));
        for (i, r) in rows.iter().enumerate() {
            prop_assert_eq!(requirements_at(&out, i), requirements_at(&fast, i));
            if r.defect != Defect::None {
                prop_assert!(findings.is_null(i) && schedule.is_null(i));
                continue;
            }
            let want = evaluation::evaluate(&r.project(i), &Policy::default(), &rates());
            let messages = findings.value(i);
            let messages = texts(&RecordBatch::from(messages.as_struct().clone()), "message");
            let want_messages: Vec<Option<String>> = want.findings.iter().map(|f| Some(f.message.as_str().to_owned())).collect();
            prop_assert_eq!(messages, want_messages);
            prop_assert_eq!(schedule.value(i).len(), want.schedule.len());
        }
    }

    #[test]
    fn due_between_lists_what_the_core_lists(
        rows in proptest::collection::vec(row(true), 0..25),
        from in 0_u64..8_000,
        days in 0_u64..2_000,
    ) {
        let typing = Typing { dates_as_text: false, amounts: 1, currency_column: true };
        let table = project_table(&rows, typing, &[]);
        let from = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap() + Days::new(from);
        let to = from + Days::new(days);
        let out = due_between(&table, &Policy::default(), &rates(), from, to).unwrap();
        let readable: Vec<Project> = rows.iter().enumerate().filter(|(_, r)| r.defect == Defect::None).map(|(i, r)| r.project(i)).collect();
        let want = evaluation::due_between(&evaluation::evaluate_all(&readable, &Policy::default(), &rates()), from, to);
        let got: Vec<(Option<String>, Option<String>)> = texts(&out, "project").into_iter().zip(texts(&out, "kind")).collect();
        let want: Vec<(Option<String>, Option<String>)> = want.iter().map(|(p, d)| (Some(p.clone()), Some(d.kind.as_str().to_owned()))).collect();
        prop_assert_eq!(got, want);
    }
}

/// A generated monthly record: project, month (0 = 2024-01), source, currency, cents.
type Record = (usize, u32, usize, usize, i64, i64);

const SOURCES: [&str; 3] = ["xbtc", "rbtc", "rbsa"];
const CURRENCIES: [&str; 2] = ["USD", "EUR"];
const UNITS: [Option<&str>; 3] = [Some("GENDER"), Some("SKILLS"), None];

fn month(m: u32) -> String {
    format!("{}-{:02}", 2024 + m / 12, m % 12 + 1)
}

fn records_table(records: &[Record], cuts: &[usize]) -> Table {
    let text = |f: &dyn Fn(&Record) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(records.iter().map(f)))
    };
    let amount = |f: &dyn Fn(&Record) -> i64| -> ArrayRef {
        Arc::new(
            Decimal128Array::from_iter_values(records.iter().map(|r| i128::from(f(r))))
                .with_precision_and_scale(20, 2)
                .unwrap(),
        )
    };
    let batch = RecordBatch::try_from_iter([
        ("project", text(&|r| format!("P{}", r.0))),
        ("month", text(&|r| month(r.1))),
        ("source", text(&|r| SOURCES[r.2].to_owned())),
        ("currency", text(&|r| CURRENCIES[r.3].to_owned())),
        ("allocation", amount(&|r| r.4)),
        ("expenditure", amount(&|r| r.5)),
    ])
    .unwrap();
    cut(batch, cuts)
}

fn core_records(records: &[Record]) -> Vec<FinancialRecord> {
    let money = |cents: i64, r: &Record| serde_json::json!({"amount": Decimal::new(cents, 2).to_string(), "currency": CURRENCIES[r.3]});
    records
        .iter()
        .map(|r| {
            serde_json::from_value(serde_json::json!({
                "project": format!("P{}", r.0), "month": month(r.1), "source": SOURCES[r.2],
                "allocation": money(r.4, r), "expenditure": money(r.5, r),
            }))
            .unwrap()
        })
        .collect()
}

fn core_projects() -> Vec<Project> {
    (0..5)
        .map(|i| {
            let mut p: Project = serde_json::from_value(serde_json::json!({
                "id": format!("P{i}"), "title": "T", "start": "2024-01-01", "end": "2025-12-31",
                "budget": {"amount": "1", "currency": "USD"},
            }))
            .unwrap();
            p.unit = UNITS[i % 3].map(str::to_owned);
            p
        })
        .collect()
}

fn projects_table() -> Table {
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..5).map(|i| format!("P{i}")),
    ));
    let units: ArrayRef = Arc::new((0..5).map(|i| UNITS[i % 3]).collect::<StringArray>());
    Table::from(RecordBatch::try_from_iter([("id", ids), ("unit", units)]).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn delivery_is_the_cores_and_its_groups_partition_the_records(
        records in proptest::collection::vec((0_usize..5, 0_u32..24, 0_usize..3, 0_usize..2, 0_i64..10_000_000, 0_i64..10_000_000), 0..60),
        cuts in proptest::collection::vec(0_usize..60, 0..4),
        group_by in proptest::sample::select(vec![GroupBy::Project, GroupBy::Unit, GroupBy::SourceOfFunds, GroupBy::Portfolio]),
        period in proptest::sample::select(vec![ReportingPeriod::Year { year: 2024 }, ReportingPeriod::Year { year: 2025 }, ReportingPeriod::All]),
    ) {
        let rates = rates();
        let policy = Policy::default();
        let got = delivery(&records_table(&records, &cuts), Some(&projects_table()), group_by, period, &policy, &rates).unwrap();
        let want = tcrules::delivery::delivery(&core_projects(), &core_records(&records), group_by, period, &policy, &rates).unwrap();
        prop_assert_eq!(&got, &want);
        let in_period = records.iter().filter(|r| period.contains(tcrules::period::YearMonth::new(2024 + r.1 as i32 / 12, r.1 % 12 + 1).unwrap())).count();
        prop_assert_eq!(got.total.records, in_period);
        prop_assert_eq!(got.groups.iter().map(|g| g.records).sum::<usize>(), in_period);
        let sum = |f: fn(&tcrules::delivery::GroupDelivery) -> Decimal| got.groups.iter().map(f).sum::<Decimal>();
        prop_assert_eq!(sum(|g| g.totals.allocation_usd), got.total.totals.allocation_usd);
        prop_assert_eq!(sum(|g| g.totals.expenditure_usd), got.total.totals.expenditure_usd);
        prop_assert!(got.groups.windows(2).all(|w| w[0].group < w[1].group));
    }
}

#[test]
fn a_table_shared_among_the_cores_answers_as_one_pass() {
    // Past 32,768 rows the rows are cut into parts, one core each; the answers must be
    // those of each row on its own.
    let rows: Vec<Row> = (0..70_001_u64)
        .map(|i| Row {
            start: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Days::new(i % 5_000),
            end: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Days::new(i % 5_000 + i % 1_300),
            cents: (i as i64 * 7_919) % 90_000_000,
            currency: ["USD", "EUR", "GBP"][(i % 3) as usize],
            defect: if i % 1_001 == 7 {
                Defect::NoRate
            } else {
                Defect::None
            },
        })
        .collect();
    let typing = Typing {
        dates_as_text: false,
        amounts: 0,
        currency_column: true,
    };
    let out = run(
        &project_table(&rows, typing, &[10_000, 40_000]),
        ProjectBatch::Requirements,
    );
    assert_eq!(out.num_rows(), rows.len());
    let codes = texts(&out, "error_code");
    for (i, r) in rows
        .iter()
        .enumerate()
        .step_by(97)
        .chain(rows.iter().enumerate().skip(69_990))
    {
        match evaluation::requirements(&r.project(i), &Policy::default(), &rates()) {
            Ok(want) => assert_eq!(requirements_at(&out, i), Some(expected(&want)), "row {i}"),
            Err(e) => assert_eq!(codes[i].as_deref(), Some(e.code()), "row {i}"),
        }
    }
    assert_eq!(
        codes.iter().flatten().count(),
        rows.iter().filter(|r| r.defect != Defect::None).count()
    );
    assert!(rows.iter().any(|r| r.start.year() != r.end.year()));
}

/// The findings table of `table` as one batch, each dictionary column as its text (the
/// parts' dictionaries may differ).
fn findings_of(table: &Table) -> RecordBatch {
    let batches = tcrules_arrow::findings(table, None, &Policy::default(), &rates()).unwrap();
    // Each part's dictionaries hold each text once (pandas reads them as categories).
    for batch in &batches {
        for column in batch.columns() {
            if let Some(dict) = column.as_any_dictionary_opt() {
                let values =
                    arrow_cast::cast(dict.values(), &arrow_schema::DataType::Utf8).unwrap();
                let values: Vec<_> = values.as_string::<i32>().iter().collect();
                let distinct: std::collections::BTreeSet<_> = values.iter().collect();
                assert_eq!(distinct.len(), values.len(), "{values:?}");
            }
        }
    }
    let batch = arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap();
    let schema = batch.schema();
    let columns = schema.fields().iter().zip(batch.columns()).map(|(f, c)| {
        let c = match c.data_type() {
            arrow_schema::DataType::Dictionary(_, text) => arrow_cast::cast(c, text).unwrap(),
            _ => c.clone(),
        };
        (f.name().clone(), c)
    });
    RecordBatch::try_from_iter(columns).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A table without plan columns is classified from its columns; the same table with an
    /// empty `evaluations` column is read row by row as projects: the same findings table,
    /// whatever the rows' defects and however the table is cut into batches (issue 16,
    /// item 3).
    #[test]
    fn the_findings_table_read_from_columns_is_the_one_read_as_projects(
        (typing, rows) in typing().prop_flat_map(|t| (Just(t), proptest::collection::vec(row(true), 0..30))),
        cuts in proptest::collection::vec(0_usize..30, 0..3),
    ) {
        let typing = Typing { currency_column: true, ..typing };
        let table = project_table(&rows, typing, &cuts);
        let fast = findings_of(&table);
        let batch = project_rows(&rows, typing);
        let empty: ArrayRef = Arc::new(StringArray::from(vec![None::<&str>; rows.len()]));
        let schema = batch.schema();
        let mut columns: Vec<(&str, ArrayRef)> = schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .zip(batch.columns().iter().cloned())
            .collect();
        columns.push(("evaluations", empty));
        let planned = Table::from(RecordBatch::try_from_iter(columns).unwrap());
        prop_assert_eq!(findings_of(&planned), fast);
    }
}

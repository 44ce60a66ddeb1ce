//! Batches over Arrow tables: one output row per input row, in order, with a bad row's
//! error (code, message, field) in its row. Columns are read and written in Rust with the
//! GIL released; no Python object is made per row.
//!
//! Input columns are the project table of the core's CSV layout (`tcrules::io::csv`):
//! `id`, `title`, `start`, `end`, `budget_amount`, `budget_currency`, and the optional
//! ones. The requirements fast path needs only `start`, `end` and `budget_amount`
//! (`budget_currency` defaults to USD when the column is absent) and calls
//! [`tcrules::evaluation::classify`] on each row.

use std::sync::Arc;

use arrow_array::{
    new_null_array, Array, ArrayRef, Date32Array, ListArray, RecordBatch, StringArray, StructArray,
    UInt32Array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields, Schema};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PyTable};
use tcrules::evaluation::{self, Due, ProjectEvaluation};
use tcrules::io::csv::PROJECT_COLUMNS;
use tcrules::money::Rates;
use tcrules::{Error, ErrorInfo, Finding, Policy, Project};

use crate::columns::{self, Dates, Decimals, Texts};
use crate::error::detached;
use crate::requirements;
use crate::PyPolicy;

/// A table's column names and its batches.
pub(crate) struct Input {
    names: Vec<String>,
    pub(crate) batches: Vec<RecordBatch>,
}

impl Input {
    fn new(table: PyTable) -> Self {
        let (batches, schema) = table.into_inner();
        Input {
            names: schema.fields().iter().map(|f| f.name().clone()).collect(),
            batches,
        }
    }

    pub(crate) fn column<'a>(&self, batch: &'a RecordBatch, name: &str) -> Option<&'a ArrayRef> {
        columns::find(&self.names, batch.columns(), name)
    }

    pub(crate) fn required<'a>(
        &self,
        batch: &'a RecordBatch,
        name: &str,
    ) -> tcrules::Result<&'a ArrayRef> {
        self.column(batch, name).ok_or_else(|| Error::Invalid {
            path: name.to_owned(),
            message: format!("the table has no column {name:?}"),
        })
    }
}

/// Each batch's columns as a reader resolves them, and where the batch starts.
pub(crate) struct Batches<T> {
    parts: Vec<(usize, usize, T)>,
    /// Rows in all.
    pub(crate) rows: usize,
}

impl<T> Batches<T> {
    pub(crate) fn new(
        input: &Input,
        read: impl Fn(&Input, &RecordBatch) -> tcrules::Result<T>,
    ) -> tcrules::Result<Self> {
        let mut parts = Vec::with_capacity(input.batches.len());
        let mut rows = 0;
        for batch in &input.batches {
            parts.push((rows, batch.num_rows(), read(input, batch)?));
            rows += batch.num_rows();
        }
        Ok(Batches { parts, rows })
    }

    /// From table row `first` on: each row's batch columns and its index in the batch.
    pub(crate) fn rows_from(&self, first: usize) -> impl Iterator<Item = (&T, usize)> {
        let start = self.parts.partition_point(|(at, n, _)| at + n <= first);
        self.parts
            .get(start..)
            .unwrap_or_default()
            .iter()
            .flat_map(move |(at, n, cells)| {
                (first.saturating_sub(*at)..*n).map(move |i| (cells, i))
            })
    }
}

fn read_rates(rates: &str) -> tcrules::Result<Rates> {
    let rates: Rates = tcrules::io::json::from_str(rates).map_err(|e| e.at("rates"))?;
    rates.validate("rates")?;
    Ok(rates)
}

/// One cell of the project table as the core's CSV reader reads it.
enum Cell {
    Date(Dates),
    Amount(Decimals),
    Text(Texts),
}

impl Cell {
    fn new(name: &str, array: &ArrayRef) -> tcrules::Result<Self> {
        Ok(match name {
            "start" | "end" => Cell::Date(Dates::new(name, array)?),
            "budget_amount" => Cell::Amount(Decimals::new(name, array)?),
            _ => Cell::Text(Texts::new(name, array)?),
        })
    }

    fn get(&self, i: usize, name: &str) -> tcrules::Result<String> {
        Ok(match self {
            Cell::Date(d) => d.get(i, name)?.map(|d| d.to_string()),
            Cell::Amount(d) => d.get(i, name)?.map(|d| d.to_string()),
            Cell::Text(t) => t.get(i).map(str::to_owned),
        }
        .unwrap_or_default())
    }
}

/// Every row as a project, through the core's CSV reader so a table means what the same
/// CSV file means to the `tcrules` command.
fn project_rows(input: &Input) -> tcrules::Result<Vec<tcrules::Result<Project>>> {
    let present: Vec<&str> = PROJECT_COLUMNS
        .iter()
        .copied()
        .filter(|c| input.names.iter().any(|n| n == c))
        .collect();
    let csv_error = |e: csv::Error| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&present).map_err(csv_error)?;
    let mut cell_errors: Vec<Option<Error>> = Vec::new();
    for batch in &input.batches {
        let cells = present
            .iter()
            .map(|name| Ok((*name, Cell::new(name, input.required(batch, name)?)?)))
            .collect::<tcrules::Result<Vec<_>>>()?;
        for i in 0..batch.num_rows() {
            let mut first_error = None;
            let record: Vec<String> = cells
                .iter()
                .map(|(name, c)| {
                    c.get(i, name).unwrap_or_else(|e| {
                        first_error.get_or_insert(e);
                        String::new()
                    })
                })
                .collect();
            w.write_record(&record).map_err(csv_error)?;
            cell_errors.push(first_error);
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    })?;
    let rows = tcrules::io::csv::read_project_rows(&text)?;
    Ok(rows
        .into_iter()
        .zip(cell_errors)
        .map(|(row, cell_error)| cell_error.map_or(row, Err))
        .collect())
}

/// The core's evaluation of every row (a row that is not a project keeps its error);
/// with `findings` false, only the schedule ([`evaluation::schedule`]), which is much
/// cheaper than every finding.
fn evaluate_rows(
    input: &Input,
    policy: &Policy,
    rates: &Rates,
    findings: bool,
) -> tcrules::Result<Vec<ProjectEvaluation>> {
    let empty = |project: String, error: Option<ErrorInfo>| ProjectEvaluation {
        project,
        requirements: None,
        schedule: Vec::new(),
        findings: Vec::new(),
        error,
    };
    Ok(project_rows(input)?
        .into_iter()
        .enumerate()
        .map(|(i, row)| match row {
            Ok(p) if findings => evaluation::evaluate(&p, policy, rates),
            Ok(p) => match evaluation::schedule(&p, policy, rates) {
                Ok(schedule) => ProjectEvaluation {
                    schedule,
                    ..empty(p.id, None)
                },
                Err(e) => empty(p.id, Some(e.info())),
            },
            Err(e) => empty(String::new(), Some(relative(e.info(), i))),
        })
        .collect())
}

/// The error with its path relative to the row: `projects[3].start` becomes `start`.
fn relative(mut info: ErrorInfo, i: usize) -> ErrorInfo {
    let prefix = format!("projects[{i}]");
    if let Some(rest) = info.path.strip_prefix(&prefix) {
        info.path = rest.trim_start_matches('.').to_owned();
    }
    info
}

/// The output rows, column by column: the requirement columns, each bad row's error
/// (sparse, in row order) and, for a full evaluation, each row's findings and schedule.
struct Rows {
    len: usize,
    requirements: requirements::Columns,
    errors: Vec<(usize, ErrorInfo)>,
    evaluated: Vec<Option<Evaluated>>,
}

/// What a full evaluation adds to a row.
struct Evaluated {
    findings: Vec<Finding>,
    schedule: Vec<Due>,
}

impl Rows {
    fn evaluated(evaluations: Vec<ProjectEvaluation>) -> Self {
        let len = evaluations.len();
        let mut requirements = requirements::Columns::new(len);
        let mut slots = requirements.slots();
        let mut errors = Vec::new();
        let mut evaluated = Vec::with_capacity(len);
        for ((i, e), slot) in evaluations.into_iter().enumerate().zip(slots.each()) {
            if let Some(r) = &e.requirements {
                slot.set(r);
            }
            evaluated.push(e.error.is_none().then_some(Evaluated {
                findings: e.findings,
                schedule: e.schedule,
            }));
            errors.extend(e.error.map(|info| (i, info)));
        }
        Rows {
            len,
            requirements,
            errors,
            evaluated,
        }
    }

    fn findings(&self) -> Vec<Option<&[Finding]>> {
        let all = self.evaluated.iter();
        all.map(|e| e.as_ref().map(|e| e.findings.as_slice()))
            .collect()
    }

    fn schedules(&self) -> Vec<Option<&[Due]>> {
        let all = self.evaluated.iter();
        all.map(|e| e.as_ref().map(|e| e.schedule.as_slice()))
            .collect()
    }
}

/// The output columns.
#[derive(Default)]
pub(crate) struct Out {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
}

impl Out {
    #[cfg(test)]
    pub(crate) fn column(&self, name: &str) -> Option<&ArrayRef> {
        columns::find(
            &self
                .fields
                .iter()
                .map(|f| f.name().clone())
                .collect::<Vec<_>>(),
            &self.columns,
            name,
        )
    }

    pub(crate) fn push(&mut self, name: &str, column: ArrayRef) {
        self.fields
            .push(Field::new(name, column.data_type().clone(), true));
        self.columns.push(column);
    }

    fn finish(self) -> tcrules::Result<RecordBatch> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.columns).map_err(arrow_error)
    }
}

pub(crate) fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    Error::Invalid {
        path: String::new(),
        message: e.to_string(),
    }
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

/// A struct field of a list<struct> column: name, type, and the array of the items' values.
type Child<'a, T> = (&'a str, DataType, &'a dyn Fn(&[&T]) -> ArrayRef);

/// A list<struct> column from each row's items (null for a row without a list).
fn list_of_structs<T>(
    rows: &[Option<&[T]>],
    children: Vec<Child<'_, T>>,
) -> tcrules::Result<ArrayRef> {
    let items: Vec<&T> = rows.iter().flatten().flat_map(|r| r.iter()).collect();
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    offsets.push(0_i32);
    let mut end = 0_i32;
    for r in rows {
        let n = i32::try_from(r.map_or(0, <[T]>::len)).unwrap_or(i32::MAX);
        end = end.checked_add(n).ok_or_else(|| Error::TooLarge {
            path: String::new(),
            message: "more than 2^31 items in one column".into(),
        })?;
        offsets.push(end);
    }
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = children
        .into_iter()
        .map(|(name, t, f)| (Field::new(name, t, true), f(&items)))
        .unzip();
    let structs = StructArray::try_new(Fields::from(fields), arrays, None).map_err(arrow_error)?;
    let item = Arc::new(Field::new("item", structs.data_type().clone(), true));
    let valid = NullBuffer::from(rows.iter().map(Option::is_some).collect::<Vec<_>>());
    let list = ListArray::try_new(
        item,
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Arc::new(structs),
        Some(valid),
    )
    .map_err(arrow_error)?;
    Ok(Arc::new(list))
}

fn dates<'a>(values: impl Iterator<Item = Option<&'a NaiveDate>>) -> ArrayRef {
    Arc::new(
        values
            .map(|d| d.copied().map(columns::epoch_days))
            .collect::<Date32Array>(),
    )
}

/// Requirement columns (and `budget_usd` overflow moved into the error columns).
fn requirement_columns(rows: &mut Rows, out: &mut Out, views: bool) -> tcrules::Result<()> {
    let columns = std::mem::replace(&mut rows.requirements, requirements::Columns::new(0));
    let overflowed = columns.finish(out, views)?;
    if !overflowed.is_empty() {
        let info = Error::Overflow {
            path: "budget_usd".into(),
        }
        .info();
        rows.errors
            .extend(overflowed.into_iter().map(|i| (i, info.clone())));
        // A row keeps its first error.
        rows.errors.sort_by_key(|(i, _)| *i);
        rows.errors.dedup_by_key(|(i, _)| *i);
    }
    Ok(())
}

fn finding_columns(rows: &Rows, out: &mut Out) -> tcrules::Result<()> {
    let lists = rows.findings();
    out.push(
        "actions",
        Arc::new(
            lists
                .iter()
                .map(|f| {
                    f.map(|f| {
                        u32::try_from(f.iter().filter(|x| x.needs_action()).count())
                            .unwrap_or(u32::MAX)
                    })
                })
                .collect::<UInt32Array>(),
        ),
    );
    let text = |f: fn(&Finding) -> Option<&str>| {
        move |items: &[&Finding]| strings(items.iter().map(|x| f(x)))
    };
    let rule = text(|f| Some(f.rule.as_str()));
    let status = text(|f| Some(f.status.as_str()));
    let severity = text(|f| Some(f.severity.as_str()));
    let subject = text(|f| f.subject.as_deref());
    let message = text(|f| Some(f.message.as_str()));
    let help = text(|f| f.help.as_deref());
    let citation = text(|f| Some(f.citation.as_str()));
    out.push(
        "findings",
        list_of_structs(
            &lists,
            vec![
                ("rule", DataType::Utf8, &rule),
                ("status", DataType::Utf8, &status),
                ("severity", DataType::Utf8, &severity),
                ("subject", DataType::Utf8, &subject),
                ("message", DataType::Utf8, &message),
                ("help", DataType::Utf8, &help),
                ("citation", DataType::Utf8, &citation),
            ],
        )?,
    );
    Ok(())
}

fn schedule_column(rows: &Rows, out: &mut Out) -> tcrules::Result<()> {
    let lists = rows.schedules();
    let kind = |items: &[&Due]| strings(items.iter().map(|d| Some(d.kind.as_str())));
    let date = |items: &[&Due]| dates(items.iter().map(|d| Some(&d.date)));
    out.push(
        "schedule",
        list_of_structs(
            &lists,
            vec![
                ("kind", DataType::Utf8, &kind),
                ("date", DataType::Date32, &date),
            ],
        )?,
    );
    Ok(())
}

fn error_columns(rows: &Rows, out: &mut Out) {
    let names = ["error_code", "error_message", "error_field"];
    if rows.errors.is_empty() {
        for name in names {
            out.push(name, new_null_array(&DataType::Utf8, rows.len));
        }
        return;
    }
    let mut by_row: Vec<Option<&ErrorInfo>> = vec![None; rows.len];
    for (i, info) in &rows.errors {
        if let Some(slot) = by_row.get_mut(*i) {
            *slot = Some(info);
        }
    }
    let fields: [fn(&ErrorInfo) -> &str; 3] = [|e| &e.code, |e| &e.message, |e| &e.path];
    for (name, field) in names.into_iter().zip(fields) {
        out.push(name, strings(by_row.iter().map(|e| e.map(field))));
    }
}

/// What a project batch returns.
#[derive(Clone, Copy)]
enum Kind {
    Requirements,
    Evaluation,
    Schedule,
}

/// Runs a project batch; with `views`, its text columns are string views.
fn run(
    input: &Input,
    kind: Kind,
    policy: &Policy,
    rates: &str,
    views: bool,
) -> tcrules::Result<RecordBatch> {
    let rates = read_rates(rates)?;
    let mut rows = match kind {
        Kind::Requirements => {
            let (requirements, errors) = requirements::classify(input, policy, &rates)?;
            Rows {
                len: requirements.len(),
                requirements,
                errors,
                evaluated: Vec::new(),
            }
        }
        Kind::Evaluation | Kind::Schedule => Rows::evaluated(evaluate_rows(
            input,
            policy,
            &rates,
            matches!(kind, Kind::Evaluation),
        )?),
    };
    let mut out = Out::default();
    match kind {
        Kind::Requirements => requirement_columns(&mut rows, &mut out, views)?,
        Kind::Evaluation => {
            requirement_columns(&mut rows, &mut out, views)?;
            finding_columns(&rows, &mut out)?;
            schedule_column(&rows, &mut out)?;
        }
        Kind::Schedule => schedule_column(&rows, &mut out)?,
    }
    error_columns(&rows, &mut out);
    out.finish()
}

/// Runs a project batch; with `views`, text columns come back as string views (what
/// polars holds, so they cross without a copy).
fn batch<'py>(
    py: Python<'py>,
    table: PyTable,
    kind: Kind,
    policy: &PyPolicy,
    rates: &str,
    views: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let input = Input::new(table);
    let policy = &policy.0;
    let batch = detached(py, || {
        let batch = run(&input, kind, policy, rates, views)?;
        if views {
            as_views(batch)
        } else {
            Ok(batch)
        }
    })?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

/// The batch with its text columns as string views.
fn as_views(batch: RecordBatch) -> tcrules::Result<RecordBatch> {
    let mut out = Out::default();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let column = match column.data_type() {
            DataType::Utf8 if column.null_count() == column.len() => {
                new_null_array(&DataType::Utf8View, column.len())
            }
            DataType::Utf8 => arrow_cast::cast(column, &DataType::Utf8View).map_err(arrow_error)?,
            _ => Arc::clone(column),
        };
        out.push(field.name(), column);
    }
    out.finish()
}

/// A project batch as a pyarrow RecordBatch of result columns, one row per input row:
/// `requirements` (the `classify` fast path), `evaluation` (requirements, findings and
/// schedule) or `schedule`.
#[pyfunction]
#[pyo3(signature = (table, kind, policy, rates, views = false))]
pub(crate) fn project_table<'py>(
    py: Python<'py>,
    table: PyTable,
    kind: &str,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    views: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = match kind {
        "requirements" => Kind::Requirements,
        "evaluation" => Kind::Evaluation,
        "schedule" => Kind::Schedule,
        other => {
            let e = Error::Invalid {
                path: "kind".into(),
                message: format!("{other:?} is not a project batch"),
            };
            return Err(crate::error::to_py(py, &e));
        }
    };
    batch(py, table, kind, &policy, rates, views)
}

/// Evaluations falling due from `start` to `end` (inclusive) across the table's projects,
/// in date order: a long table of `project`, `kind`, `date`.
#[pyfunction]
pub(crate) fn due_table<'py>(
    py: Python<'py>,
    table: PyTable,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> PyResult<Bound<'py, PyAny>> {
    let input = Input::new(table);
    let policy = &policy.0;
    let batch = detached(py, || {
        let rows = evaluate_rows(&input, policy, &read_rates(rates)?, false)?;
        let due = evaluation::due_between(&rows, start, end);
        let mut out = Out::default();
        out.push(
            "project",
            strings(due.iter().map(|(p, _)| Some(p.as_str()))),
        );
        out.push(
            "kind",
            strings(due.iter().map(|(_, d)| Some(d.kind.as_str()))),
        );
        out.push("date", dates(due.iter().map(|(_, d)| Some(&d.date))));
        out.finish()
    })?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

/// Delivery by `group_by` (a [`tcrules::delivery::GroupBy`] name) over `period` (JSON, as
/// the core reads a reporting period) from a records table and, for the groupings that
/// read a project's attributes, a projects table; the canonical JSON of the report.
#[pyfunction]
#[pyo3(signature = (records, projects, group_by, period, policy, rates))]
pub(crate) fn delivery_table(
    py: Python<'_>,
    records: PyTable,
    projects: Option<PyTable>,
    group_by: &str,
    period: &str,
    policy: PyRef<'_, PyPolicy>,
    rates: &str,
) -> PyResult<String> {
    let (records, projects) = (Input::new(records), projects.map(Input::new));
    let policy = &policy.0;
    detached(py, || {
        let period = tcrules::io::json::from_str(period).map_err(|e| e.at("period"))?;
        let report = crate::delivery::delivery(
            &records,
            projects.as_ref(),
            group_by.parse()?,
            period,
            policy,
            &read_rates(rates)?,
        )?;
        serde_json::to_string(&report).map_err(|e| Error::Io {
            path: String::new(),
            message: e.to_string(),
        })
    })
}

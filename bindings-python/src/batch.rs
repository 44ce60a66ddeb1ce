//! Batches over Arrow tables, run by the columnar engine ([`tcrules_arrow`]) with the GIL
//! released: tables cross through the Arrow PyCapsule interface, without a Python object
//! per row, and results come back as a pyarrow RecordBatch (or, for delivery, the
//! report's JSON).

use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PyTable};
use tcrules::io::csv;
use tcrules::io::Columns;
use tcrules::money::Rates;
use tcrules::Error;
use tcrules_arrow::{ProjectBatch, Table, TextLayout};

use crate::error::{detached, to_py};
use crate::PyPolicy;

/// The table, read with the column mapping `columns` (a JSON object, or none).
fn table(py: Python<'_>, table: PyTable, columns: Option<&str>) -> PyResult<Table> {
    let (batches, schema) = table.into_inner();
    let table = Table::try_new(schema, batches).map_err(|e| to_py(py, &e))?;
    Ok(table.with_columns(mapping(columns).map_err(|e| to_py(py, &e))?))
}

/// A column mapping from its JSON text (none: the empty mapping).
pub(crate) fn mapping(columns: Option<&str>) -> tcrules::Result<Columns> {
    columns.map_or_else(|| Ok(Columns::default()), Columns::from_json)
}

/// The rates' JSON, each rate checked to be positive.
fn read_rates(rates: &str) -> tcrules::Result<Rates> {
    let rates: Rates = tcrules::io::json::from_str(rates).map_err(|e| e.at("rates"))?;
    rates.validate("rates")?;
    Ok(rates)
}

/// A project batch as a pyarrow RecordBatch of result columns, one row per input row:
/// `requirements` (the fast path), `evaluation` (requirements, findings and schedule) or
/// `schedule`; with `views`, text columns come back as string views (what polars holds,
/// so they cross without a copy).
#[pyfunction]
#[pyo3(signature = (table, kind, policy, rates, views = false, columns = None))]
pub(crate) fn project_table<'py>(
    py: Python<'py>,
    table: PyTable,
    kind: &str,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    views: bool,
    columns: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let kind: ProjectBatch = kind.parse().map_err(|e| to_py(py, &e))?;
    let table = self::table(py, table, columns)?;
    let text = if views {
        TextLayout::Views
    } else {
        TextLayout::Strings
    };
    let policy = &policy.0;
    let batch = detached(py, || {
        tcrules_arrow::project_batch(&table, kind, policy, &read_rates(rates)?, text)
    })?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

/// Evaluations falling due from `start` to `end` (inclusive) across the table's projects,
/// in date order: a long table of `project`, `kind`, `date`. `start` and `end` are ISO
/// dates (`YYYY-MM-DD`), read as a date cell is.
#[pyfunction]
#[pyo3(signature = (table, policy, rates, start, end, columns = None))]
pub(crate) fn due_table<'py>(
    py: Python<'py>,
    table: PyTable,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    start: &str,
    end: &str,
    columns: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let table = self::table(py, table, columns)?;
    let policy = &policy.0;
    let batch = detached(py, || {
        let (start, end) = (csv::date("start", start)?, csv::date("end", end)?);
        tcrules_arrow::due_between(&table, policy, &read_rates(rates)?, start, end)
    })?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

/// Every EVAL finding of every row of a project table and, given records and a period
/// (JSON, as the core reads a reporting period), every DLV finding of each project's
/// delivery; one row per finding, the facts as typed columns ([`tcrules_arrow::findings`]).
#[pyfunction]
#[pyo3(signature = (table, records, period, policy, rates, columns = None))]
pub(crate) fn findings_table<'py>(
    py: Python<'py>,
    table: PyTable,
    records: Option<PyTable>,
    period: &str,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    columns: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let table = self::table(py, table, columns)?;
    let records = records.map(|r| self::table(py, r, columns)).transpose()?;
    let policy = &policy.0;
    let batches = detached(py, || {
        let period = tcrules::io::json::from_str(period).map_err(|e| e.at("period"))?;
        let records = records.as_ref().map(|r| (r, period));
        tcrules_arrow::findings(&table, records, policy, &read_rates(rates)?)
    })?;
    // The core always gives one batch at least, of the table's schema.
    let schema = batches
        .first()
        .map(|b| b.schema())
        .unwrap_or_else(|| std::sync::Arc::new(arrow_schema::Schema::empty()));
    PyTable::try_new(batches, schema)?.into_pyarrow(py)
}

/// Delivery by `group_by` (a [`tcrules::delivery::GroupBy`] name) over `period` (JSON, as
/// the core reads a reporting period) from a records table and, for the groupings that
/// read a project's attributes, a projects table; the canonical JSON of the report.
#[pyfunction]
#[pyo3(signature = (records, projects, group_by, period, policy, rates, columns = None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
pub(crate) fn delivery_table(
    py: Python<'_>,
    records: PyTable,
    projects: Option<PyTable>,
    group_by: &str,
    period: &str,
    policy: PyRef<'_, PyPolicy>,
    rates: &str,
    columns: Option<&str>,
) -> PyResult<String> {
    let records = table(py, records, columns)?;
    let projects = projects.map(|p| table(py, p, columns)).transpose()?;
    let policy = &policy.0;
    detached(py, || {
        let period = tcrules::io::json::from_str(period).map_err(|e| e.at("period"))?;
        let group_by = group_by.parse()?;
        let report = tcrules_arrow::delivery(
            &records,
            projects.as_ref(),
            group_by,
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

/// Delivery by any keys ([`tcrules_arrow::delivery_by`]): one row per group, as a pyarrow
/// RecordBatch.
#[pyfunction]
#[pyo3(signature = (records, projects, by, ytd, policy, rates, columns = None))]
#[allow(clippy::too_many_arguments)] // each by name from Python
pub(crate) fn delivery_by<'py>(
    py: Python<'py>,
    records: PyTable,
    projects: Option<PyTable>,
    by: Vec<String>,
    ytd: bool,
    policy: PyRef<'py, PyPolicy>,
    rates: &str,
    columns: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let records = table(py, records, columns)?;
    let projects = projects.map(|p| table(py, p, columns)).transpose()?;
    let policy = &policy.0;
    let by: Vec<&str> = by.iter().map(String::as_str).collect();
    let batch = detached(py, || {
        tcrules_arrow::delivery_by(
            &records,
            projects.as_ref(),
            &by,
            ytd,
            policy,
            &read_rates(rates)?,
        )
    })?;
    PyRecordBatch::new(batch).into_pyarrow(py)
}

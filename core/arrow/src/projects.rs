//! A project table's rows as the core's projects, read by the core's reader of the flat
//! layout ([`csv::read_project_cells`]): a table means what the same CSV file means to
//! the `tcrules` command, cell for cell, without going through CSV text.

use arrow_array::{ArrayRef, RecordBatch};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tcrules::io::csv::{self, Cells, PROJECT_COLUMNS};
use tcrules::policy::Labels;
use tcrules::{Project, Result};

use crate::columns::{Dates, Decimals, Texts};
use crate::table::{Batches, Table};

/// A column of the layout, read as the layout has it.
enum Column {
    Date(Dates),
    Amount(Decimals),
    Text(Texts),
}

impl Column {
    fn new(name: &str, array: &ArrayRef) -> Result<Self> {
        Ok(match name {
            "start" | "end" => Column::Date(Dates::new(name, array)?),
            "budget_amount" | csv::BUDGET_RATE => Column::Amount(Decimals::new(name, array)?),
            _ => Column::Text(Texts::new(name, array)?),
        })
    }
}

/// The layout's columns that a batch has, in the layout's order.
struct Columns(Vec<(&'static str, Column)>);

impl Columns {
    fn new(table: &Table, batch: &RecordBatch) -> Result<Self> {
        let present = PROJECT_COLUMNS.iter().filter(|c| table.has(c));
        let columns =
            present.map(|name| Ok((*name, Column::new(name, table.required(batch, name)?)?)));
        Ok(Columns(columns.collect::<Result<_>>()?))
    }

    fn get(&self, name: &str) -> Option<&Column> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, c)| c)
    }

    /// Row `i`, its dates and amount read first: a cell that is not one is the row's
    /// error, whatever else is wrong with the row.
    fn row(&self, i: usize) -> Result<Row<'_>> {
        let values = self.0.iter().filter_map(|(name, column)| match column {
            Column::Date(d) => Some(d.get(i, name).map(|d| (*name, Value::Date(d)))),
            Column::Amount(a) => Some(a.get(i, name).map(|a| (*name, Value::Amount(a)))),
            Column::Text(_) => None,
        });
        Ok(Row {
            columns: self,
            i,
            values: values.collect::<Result<_>>()?,
        })
    }
}

/// A date or amount cell, read.
#[derive(Clone, Copy)]
enum Value {
    Date(Option<NaiveDate>),
    Amount(Option<Decimal>),
}

/// One row's cells: text read in place, dates and amounts already read.
struct Row<'a> {
    columns: &'a Columns,
    i: usize,
    values: Vec<(&'static str, Value)>,
}

impl Row<'_> {
    fn value(&self, column: &str) -> Option<Value> {
        self.values
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, v)| *v)
    }
}

impl Cells for Row<'_> {
    fn text(&self, column: &str) -> Option<&str> {
        match self.columns.get(column)? {
            Column::Text(t) => t.get(self.i),
            Column::Date(_) | Column::Amount(_) => None,
        }
    }

    fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
        Ok(match self.value(column) {
            Some(Value::Date(d)) => d,
            _ => None,
        })
    }

    fn amount(&self, column: &str) -> Result<Option<Decimal>> {
        Ok(match self.value(column) {
            Some(Value::Amount(a)) => a,
            _ => None,
        })
    }
}

/// Every row as a project, or the error that keeps it from being one (its path
/// `projects[i]...`, or the column of a cell that is not a date or an amount), in order.
/// The outer error is the table's: a column of the wrong type, or a required one missing.
pub(crate) fn projects(table: &Table, labels: &Labels) -> Result<Vec<Result<Project>>> {
    table.require("projects", csv::Table::Projects.required())?;
    let batches = Batches::new(table, Columns::new)?;
    let rows = batches.rows_from(0).map(|(columns, i)| columns.row(i));
    csv::read_project_cells_with(|c| table.has(c), rows, labels)
}

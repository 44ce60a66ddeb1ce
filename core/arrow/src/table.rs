//! A table as Arrow record batches read as one: columns found by name, rows numbered
//! across batches.

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use tcrules::io::Columns;
use tcrules::{Error, Result};

/// A table: record batches of one schema, read as one table of rows in order (a pyarrow
/// or polars table comes as several batches; none is copied into one).
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use tcrules_arrow::Table;
/// let ids: ArrayRef = Arc::new(StringArray::from(vec!["P1", "P2"]));
/// let batch = RecordBatch::try_from_iter([("id", ids)]).unwrap();
/// let table = Table::try_new(batch.schema(), vec![batch.clone(), batch.clone()]).unwrap();
/// assert_eq!(table.num_rows(), 4);
/// assert_eq!(Table::from(batch).num_rows(), 2);
/// ```
///
/// Its columns are found by the layout's names: the table's own, or those a column mapping
/// gives its headers ([`Table::with_columns`]).
#[derive(Debug, Clone)]
pub struct Table {
    /// The layout's name of each column (its header, or what the mapping makes it).
    names: Vec<String>,
    /// Each column's header, as the table has it.
    headers: Vec<String>,
    /// The user's mapping from headers to the layout's names.
    columns: Columns,
    batches: Vec<RecordBatch>,
}

impl Table {
    /// A table of `batches` with `schema`; every batch must have the schema's column names,
    /// in order (an `invalid_value` error otherwise).
    pub fn try_new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<Self> {
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        for (k, batch) in batches.iter().enumerate() {
            let fields = batch.schema_ref().fields();
            if !fields.iter().map(|f| f.name()).eq(names.iter()) {
                return Err(Error::Invalid {
                    path: String::new(),
                    message: format!("batch {k} does not have the table's columns"),
                });
            }
        }
        Ok(Table {
            headers: names.clone(),
            names,
            columns: Columns::default(),
            batches,
        }
        .with_columns(Columns::default()))
    }

    /// The table with its columns found by the names `columns` maps its headers to
    /// ([`Columns`]): `{"Start Date": "start"}` reads the column "Start Date" as `start`.
    /// The table itself is not changed, and errors name its own headers.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    /// use tcrules::{io::Columns, money::Rates, Policy};
    /// use tcrules_arrow::{due_between, Table};
    /// let text = |v: &str| -> ArrayRef { Arc::new(StringArray::from(vec![v])) };
    /// let batch = RecordBatch::try_from_iter([
    ///     ("Project ID", text("P1")), ("title", text("Pay equity")),
    ///     ("Start Date", text("2024-01-01")), ("End Date", text("2025-06-30")),
    ///     ("Budget", text("100000")), ("budget_currency", text("USD")),
    /// ]).unwrap();
    /// let d = |s: &str| s.parse().unwrap();
    /// let e = due_between(&Table::from(batch.clone()), &Policy::default(), &Rates::usd_only(),
    ///     d("2024-07-01"), d("2024-12-31")).unwrap_err();
    /// assert!(e.to_string().contains(r#""start" (did you mean "Start Date"?)"#), "{e}");
    /// let columns = Columns::new([("Project ID", "id"), ("Start Date", "start"),
    ///     ("End Date", "end"), ("Budget", "budget_amount")]).unwrap();
    /// let table = Table::from(batch).with_columns(columns);
    /// let due = due_between(&table, &Policy::default(), &Rates::usd_only(),
    ///     d("2024-07-01"), d("2024-12-31")).unwrap();
    /// assert_eq!(due.num_rows(), 1);
    /// ```
    #[must_use]
    pub fn with_columns(mut self, columns: Columns) -> Self {
        self.columns = columns.for_headers(self.headers.iter().map(String::as_str));
        self.names = self.columns.names(self.headers.iter().map(String::as_str));
        self
    }

    /// The mapping the table is read with.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// A table that lacks some of the `required` columns is an `invalid_value` error at
    /// `table` (`projects`, `records`) naming every missing one, each with the closest
    /// header suggested ([`Columns::missing`]).
    pub fn require(&self, table: &str, required: &[&str]) -> Result<()> {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        match self.columns.missing(required, &headers) {
            Some(message) => Err(Error::Invalid {
                path: table.to_owned(),
                message,
            }),
            None => Ok(()),
        }
    }

    /// `error` with the layout's column names in its paths written as the table's headers.
    pub fn user_error(&self, error: Error) -> Error {
        self.columns.user_error(error)
    }

    /// Rows in all.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The table's batches.
    #[cfg(test)]
    pub(crate) fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// Each batch's column `name` as text.
    pub(crate) fn texts(&self, name: &str) -> Result<Vec<crate::columns::Texts>> {
        self.batches
            .iter()
            .map(|batch| crate::columns::Texts::new(name, self.required(batch, name)?))
            .collect()
    }

    /// The table with only the columns whose layout names `keep` accepts, read with the
    /// same mapping.
    pub(crate) fn select(&self, keep: impl Fn(&str) -> bool) -> Table {
        let at: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.names.get(i).is_some_and(|n| keep(n)))
            .collect();
        let pick = |v: &[String]| -> Vec<String> {
            at.iter().filter_map(|&i| v.get(i).cloned()).collect()
        };
        Table {
            names: pick(&self.names),
            headers: pick(&self.headers),
            columns: self.columns.clone(),
            // Every batch has the table's columns, so each projection exists.
            batches: self
                .batches
                .iter()
                .filter_map(|b| b.project(&at).ok())
                .collect(),
        }
    }

    /// Whether the table has a column called `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// `batch`'s column called `name`, if the table has one.
    pub(crate) fn column<'a>(&self, batch: &'a RecordBatch, name: &str) -> Option<&'a ArrayRef> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| batch.columns().get(i))
    }

    /// `batch`'s column called `name`; a table without one is an error naming it.
    pub(crate) fn required<'a>(&self, batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
        self.column(batch, name).ok_or_else(|| Error::Invalid {
            path: name.to_owned(),
            message: format!("the table has no column {name:?}"),
        })
    }
}

impl From<RecordBatch> for Table {
    fn from(batch: RecordBatch) -> Self {
        let names: Vec<String> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        Table {
            headers: names.clone(),
            names,
            columns: Columns::default(),
            batches: vec![batch],
        }
        .with_columns(Columns::default())
    }
}

/// Each batch's columns as a reader resolves them, and where the batch starts.
pub(crate) struct Batches<T> {
    parts: Vec<(usize, usize, T)>,
    /// Rows in all.
    pub(crate) rows: usize,
}

impl<T> Batches<T> {
    /// `read` of every batch of `table`; its first error is the table's.
    pub(crate) fn new(
        table: &Table,
        read: impl Fn(&Table, &RecordBatch) -> Result<T>,
    ) -> Result<Self> {
        let mut parts = Vec::with_capacity(table.batches.len());
        let mut rows = 0;
        for batch in &table.batches {
            parts.push((rows, batch.num_rows(), read(table, batch)?));
            rows += batch.num_rows();
        }
        Ok(Batches { parts, rows })
    }

    /// `f(cells, i, row)` of every row (its batch's columns, its index in the batch and in
    /// the table), read on every core: the rows it keeps, in order, or the first error in
    /// row order.
    pub(crate) fn filter_map<'a, R: Send>(
        &'a self,
        f: impl Fn(&'a T, usize, usize) -> Result<Option<R>> + Sync + Send,
    ) -> Result<Vec<R>>
    where
        T: Sync,
    {
        let parts = crate::parallel::ranges(
            self.rows,
            || (),
            |_, range: std::ops::Range<usize>| {
                let mut kept = Vec::new();
                for (row, (cells, i)) in range.clone().zip(self.rows_from(range.start)) {
                    kept.extend(f(cells, i, row)?);
                }
                Ok(kept)
            },
        );
        Ok(parts
            .into_iter()
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Int32Array;
    use std::sync::Arc;

    fn batch(name: &str, values: Vec<i32>) -> RecordBatch {
        let column: ArrayRef = Arc::new(Int32Array::from(values));
        RecordBatch::try_from_iter([(name, column)]).unwrap()
    }

    #[test]
    fn rows_are_numbered_across_batches() {
        let parts = [vec![0, 1, 2], vec![], vec![3], vec![4, 5]];
        let batches: Vec<RecordBatch> = parts.iter().map(|v| batch("n", v.clone())).collect();
        let table = Table::try_new(batches[0].schema(), batches).unwrap();
        let read = Batches::new(&table, |t, b| {
            let column = t.required(b, "n")?;
            Ok(column
                .as_any()
                .downcast_ref::<Int32Array>()
                .unwrap()
                .clone())
        })
        .unwrap();
        assert_eq!(read.rows, 6);
        for first in 0..=6 {
            let values: Vec<i32> = read.rows_from(first).map(|(a, i)| a.value(i)).collect();
            assert_eq!(values, (first as i32..6).collect::<Vec<_>>());
        }
        let e = table.required(&table.batches[0], "m").unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "m"));
    }

    #[test]
    fn batches_must_have_the_tables_columns() {
        let (a, b) = (batch("n", vec![1]), batch("m", vec![1]));
        let e = Table::try_new(a.schema(), vec![a.clone(), b]).unwrap_err();
        assert_eq!(e.to_string(), "batch 1 does not have the table's columns");
        assert!(Table::try_new(a.schema(), vec![]).unwrap().has("n"));
    }
}

//! Result columns: built column by column into a record batch, text as strings or as
//! string views.

use std::sync::Arc;

use arrow_array::{
    new_null_array, Array, ArrayRef, Date32Array, ListArray, RecordBatch, StringArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields, Schema};
use chrono::NaiveDate;
use tcrules::{Error, Result};

use crate::columns;

/// The output columns.
#[derive(Default)]
pub(crate) struct Out {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
}

impl Out {
    #[cfg(test)]
    pub(crate) fn column(&self, name: &str) -> Option<&ArrayRef> {
        let at = self.fields.iter().position(|f| f.name() == name)?;
        self.columns.get(at)
    }

    pub(crate) fn push(&mut self, name: &str, column: ArrayRef) {
        self.fields
            .push(Field::new(name, column.data_type().clone(), true));
        self.columns.push(column);
    }

    pub(crate) fn finish(self) -> Result<RecordBatch> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.columns).map_err(arrow_error)
    }
}

/// An Arrow error (a column that does not fit its type) as the core's error.
pub(crate) fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    Error::Invalid {
        path: String::new(),
        message: e.to_string(),
    }
}

/// A string column.
pub(crate) fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

/// A date32 column.
pub(crate) fn dates<'a>(values: impl Iterator<Item = Option<&'a NaiveDate>>) -> ArrayRef {
    Arc::new(
        values
            .map(|d| d.copied().map(columns::epoch_days))
            .collect::<Date32Array>(),
    )
}

/// A struct field of a list<struct> column: name, type, and the array of the items' values.
pub(crate) type Child<'a, T> = (&'a str, DataType, &'a dyn Fn(&[&T]) -> ArrayRef);

/// A list<struct> column from each row's items (null for a row without a list).
pub(crate) fn list_of_structs<T>(
    rows: &[Option<&[T]>],
    children: Vec<Child<'_, T>>,
) -> Result<ArrayRef> {
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

/// The batch with its text columns as string views.
pub(crate) fn as_views(batch: RecordBatch) -> Result<RecordBatch> {
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

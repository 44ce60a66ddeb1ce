//! The findings table of the columnar engine against the conformance vectors of kind
//! `findings` (tests/vectors/findings-*.json), whose expected rows the core builds row by
//! row: the same rows, in the same order, with the same facts (issue 16, item 3).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int64Type, UInt32Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::DataType;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use tcrules::model::FinancialRecord;
use tcrules::money::Rates;
use tcrules::period::ReportingPeriod;
use tcrules::Policy;
use tcrules_arrow::{findings, Table, FINDINGS_COLUMNS};

/// A table of text columns from JSON rows of text cells (a cell a row lacks is null).
fn text_table(rows: &[Value]) -> Table {
    if rows.is_empty() {
        let none = Arc::new(arrow_schema::Schema::empty());
        return Table::from(RecordBatch::new_empty(none));
    }
    let names: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.as_object().unwrap().keys().map(String::as_str))
        .collect();
    let columns = names.into_iter().map(|name| {
        let cells: Vec<Option<&str>> = rows.iter().map(|r| r[name].as_str()).collect();
        (name, Arc::new(StringArray::from(cells)) as ArrayRef)
    });
    Table::from(RecordBatch::try_from_iter(columns).unwrap())
}

/// Monthly records as a table of the flat layout (`currency` the allocation's).
fn records_table(records: &[FinancialRecord]) -> Table {
    let text = |f: &dyn Fn(&FinancialRecord) -> String| -> ArrayRef {
        Arc::new(StringArray::from(records.iter().map(f).collect::<Vec<_>>()))
    };
    let batch = RecordBatch::try_from_iter([
        ("project", text(&|r| r.project.clone())),
        ("month", text(&|r| r.month.to_string())),
        ("source", text(&|r| r.source.as_str().to_owned())),
        ("currency", text(&|r| r.allocation.currency.to_string())),
        ("allocation", text(&|r| r.allocation.amount.to_string())),
        ("expenditure", text(&|r| r.expenditure.amount.to_string())),
    ])
    .unwrap();
    Table::from(batch)
}

/// Row `i` of the findings table as the core's JSON row: the fixed columns, and the
/// facts the row has, as a finding's facts read (decimals and dates as text).
fn json_row(batch: &RecordBatch, i: usize) -> Value {
    let mut row = Map::new();
    let mut facts = Map::new();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let name = field.name().as_str();
        let value = if column.is_null(i) {
            Value::Null
        } else {
            match column.data_type() {
                DataType::UInt32 => json!(column.as_primitive::<UInt32Type>().value(i)),
                DataType::Int64 => json!(column.as_primitive::<Int64Type>().value(i)),
                DataType::Boolean => json!(column.as_boolean().value(i)),
                DataType::Utf8 => json!(column.as_string::<i32>().value(i)),
                DataType::Dictionary(..) => {
                    let text = arrow_cast::cast(column, &DataType::Utf8).unwrap();
                    json!(text.as_string::<i32>().value(i))
                }
                DataType::Date32 => {
                    json!(column
                        .as_primitive::<Date32Type>()
                        .value_as_date(i)
                        .unwrap()
                        .to_string())
                }
                DataType::Decimal128(_, scale) => {
                    let m = column.as_primitive::<Decimal128Type>().value(i);
                    let d = Decimal::from_i128_with_scale(m, u32::try_from(*scale).unwrap());
                    json!(d.normalize().to_string())
                }
                DataType::List(_) => {
                    let list = column.as_list::<i32>().value(i);
                    let items = list.as_string::<i32>();
                    json!((0..items.len()).map(|j| items.value(j)).collect::<Vec<_>>())
                }
                other => panic!("{name}: unexpected type {other}"),
            }
        };
        if FINDINGS_COLUMNS.contains(&name) {
            let value = if name == "missing" && value.is_null() {
                json!([])
            } else {
                value
            };
            row.insert(name.to_owned(), value);
        } else if !value.is_null() {
            facts.insert(name.strip_prefix("fact_").unwrap_or(name).to_owned(), value);
        }
    }
    row.insert("facts".into(), Value::Object(facts));
    Value::Object(row)
}

#[test]
fn the_columnar_table_gives_the_vectors_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if v["kind"] != "findings" {
            continue;
        }
        seen += 1;
        let input = &v["input"];
        let projects = text_table(input["projects"].as_array().unwrap());
        let rates: Rates = serde_json::from_value(input["rates"].clone()).unwrap_or_default();
        let records: Option<Vec<FinancialRecord>> =
            serde_json::from_value(input["records"].clone()).unwrap();
        let period: ReportingPeriod =
            serde_json::from_value(input["period"].clone()).unwrap_or(ReportingPeriod::All);
        let records = records.as_deref().map(records_table);
        let batches = findings(
            &projects,
            records.as_ref().map(|r| (r, period)),
            &Policy::default(),
            &rates,
        )
        .unwrap();
        let rows: Vec<Value> = batches
            .iter()
            .flat_map(|b| (0..b.num_rows()).map(move |i| json_row(b, i)))
            .collect();
        let expected = v["expected"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{}", path.display());
        for (got, want) in rows.iter().zip(expected) {
            // An undefined ratio is a null in its decimal column: the table has no value.
            let mut want = want.clone();
            want["facts"]
                .as_object_mut()
                .unwrap()
                .retain(|_, v| v != "undefined");
            assert_eq!(got, &want, "{}", path.display());
        }
    }
    assert!(seen >= 2, "no findings vectors in {}", dir.display());
}

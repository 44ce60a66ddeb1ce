//! Rows of an IATI file as a record batch, one row per activity: what a binding's
//! streaming reader gives a notebook, batch by batch, without holding the file.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, RecordBatch, UInt32Array, UInt8Array};
use tcrules::iati::{IatiRow, COLUMNS};
use tcrules::rule::Status;
use tcrules::Result;

use crate::output::{arrow_error, dates, strings, Out};

/// Decimal places of `budget_usd`: exact for every amount a rate of up to 8 decimals
/// converts from cents (IATI values and the UN rates of exchange carry fewer).
pub const BUDGET_SCALE: u32 = 10;

/// The rows as a record batch under [`COLUMNS`]' names, typed: `start` and `end` date32,
/// `duration_months`, `fails` and `warnings` uint32, `budget_usd` decimal128(38, 10),
/// `independent_evaluation` boolean, `gender_marker` uint8; an activity in error has its
/// identifier and `error` only. The nested parts are text as [`IatiRow::cells`] gives
/// them (`mid_term 2024-09-30; final 2025-06-30`).
///
/// ```
/// use tcrules::{iati, money::Rates, Policy};
/// let xml = r#"<iati-activities><iati-activity default-currency="USD">
///   <iati-identifier>A-1</iati-identifier>
///   <activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
///   <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>350000.004</value></budget>
/// </iati-activity></iati-activities>"#;
/// let report = iati::read(xml.as_bytes(), &Rates::usd_only(), &Policy::default());
/// let batch = tcrules_arrow::iati_batch(&report.activities).unwrap();
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema().field(8).name(), "budget_usd");
/// ```
pub fn iati_batch(rows: &[IatiRow]) -> Result<RecordBatch> {
    let cells: Vec<[String; COLUMNS.len()]> = rows.iter().map(IatiRow::cells).collect();
    let text = |i: usize| -> ArrayRef {
        strings(
            cells
                .iter()
                .map(|c| c.get(i).map(String::as_str).filter(|s| !s.is_empty())),
        )
    };
    let count = |status: Status| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| {
                    let n = r.findings.iter().filter(|f| f.status == status).count();
                    u32::try_from(n).unwrap_or(u32::MAX)
                })
                .collect::<UInt32Array>(),
        )
    };
    let budget = rows
        .iter()
        .map(|r| {
            r.budget_usd.map(|b| {
                let mut b = b.round_dp(BUDGET_SCALE);
                b.rescale(BUDGET_SCALE);
                b.mantissa()
            })
        })
        .collect::<Decimal128Array>()
        .with_precision_and_scale(38, BUDGET_SCALE as i8)
        .map_err(arrow_error)?;
    let mut out = Out::default();
    for (i, name) in COLUMNS.iter().enumerate() {
        let column: ArrayRef = match *name {
            "start" => dates(rows.iter().map(|r| r.start.as_ref())),
            "end" => dates(rows.iter().map(|r| r.end.as_ref())),
            "duration_months" => Arc::new(
                rows.iter()
                    .map(|r| r.duration.map(|d| d.months))
                    .collect::<UInt32Array>(),
            ),
            "budget_usd" => Arc::new(budget.clone()),
            "independent_evaluation" => Arc::new(
                rows.iter()
                    .map(|r| r.independent_evaluation)
                    .collect::<BooleanArray>(),
            ),
            "gender_marker" => {
                Arc::new(rows.iter().map(|r| r.gender_marker).collect::<UInt8Array>())
            }
            "fails" => count(Status::Fail),
            "warnings" => count(Status::Warning),
            _ => text(i),
        };
        out.push(name, column);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Decimal128Type};
    use arrow_array::Array;
    use tcrules::{iati, money::Rates, Policy};

    #[test]
    fn columns_are_typed_and_an_activity_in_error_keeps_its_row() {
        let xml = r#"<iati-activities><iati-activity default-currency="EUR">
          <iati-identifier>A-1</iati-identifier>
          <activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
          <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>291666.67</value></budget>
        </iati-activity><iati-activity><iati-identifier>A-2</iati-identifier>
          <budget><value>1.2.3</value></budget></iati-activity></iati-activities>"#;
        let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let report = iati::read(xml.as_bytes(), &rates, &Policy::default());
        let batch = iati_batch(&report.activities).unwrap();
        let column = |name: &str| batch.column(batch.schema().index_of(name).unwrap()).clone();
        let budget = column("budget_usd");
        let budget = budget.as_primitive::<Decimal128Type>();
        assert_eq!(budget.value_as_string(0), "350000.0040000000");
        assert!(budget.is_null(1));
        let start = column("start");
        assert_eq!(
            start
                .as_primitive::<Date32Type>()
                .value_as_date(0)
                .unwrap()
                .to_string(),
            "2024-01-01"
        );
        let independent = column("independent_evaluation");
        assert!(independent.as_boolean().value(0));
        let error = column("error");
        let error = error.as_string::<i32>();
        assert!(error.is_null(0));
        assert!(error
            .value(1)
            .starts_with("[invalid_value] iati-activity[2]/budget[1]/value"));
        assert_eq!(column("identifier").as_string::<i32>().value(1), "A-2");
        assert_eq!(batch.num_columns(), COLUMNS.len());
    }
}

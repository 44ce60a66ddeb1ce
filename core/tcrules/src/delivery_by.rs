//! Delivery by any keys in one call (issue 16, item 2), row by row over a portfolio's
//! records: the same answer the columnar engine (`tcrules_arrow::delivery_by`) gives on
//! tables, for the command line, the JSON API and the web module.
//!
//! Each key is a time key (`year`, `quarter`, `month`, `biennium` of the record's month),
//! a record's own field (`project`, `source` or `source_of_funds`), or a project attribute
//! ([`GroupBy`]: `unit`, `region`, `donor`, ...). A group's rate is Σexpenditure /
//! Σallocation (R6 §140; RULES.md §2); each amount is converted at its month's rate.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::delivery::{GroupBy, Groups, Totals};
use crate::error::{Error, Result};
use crate::model::{FinancialRecord, Project};
use crate::money::Rates;
use crate::period::{Biennium, YearMonth};
use crate::policy::Policy;

/// One key's value: a number for `year`, text for every other key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum KeyValue {
    Number(i32),
    Text(String),
}

/// The DLV status of a group (as the delivery findings decide it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// At or above the policy's threshold.
    Pass,
    /// Below the policy's threshold (DLV-RATE warning).
    Warning,
    /// Expenditure above allocation (DLV-OVERSPEND).
    Overspend,
    /// Nothing allocated: no rate (DLV-NO-ALLOCATION).
    Undefined,
}

impl DeliveryStatus {
    /// The status of `totals` under `policy`.
    pub fn of(totals: &Totals, policy: &Policy) -> DeliveryStatus {
        let d = &policy.spec().delivery;
        match totals.cmp_percent(d.warning_below_percent) {
            None => DeliveryStatus::Undefined,
            Some(_) if totals.expenditure_usd > totals.allocation_usd => DeliveryStatus::Overspend,
            Some(Ordering::Less) => DeliveryStatus::Warning,
            Some(_) => DeliveryStatus::Pass,
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pass => "pass",
            DeliveryStatus::Warning => "warning",
            DeliveryStatus::Overspend => "overspend",
            DeliveryStatus::Undefined => "undefined",
        }
    }
}

/// Delivery of one group of [`delivery_by`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KeyedDelivery {
    /// The group's key values, in the order of the keys.
    pub keys: Vec<KeyValue>,
    #[serde(flatten)]
    pub totals: Totals,
    /// Σexpenditure / Σallocation as a fraction, for plotting; `null` when nothing was
    /// allocated.
    pub rate: Option<f64>,
    pub status: DeliveryStatus,
    /// Records summed.
    pub records: usize,
}

/// A key's source.
enum Key<'a> {
    Time(&'static str),
    Project,
    Source,
    Attribute(Groups<'a>),
}

/// The value of a time key for month `m`.
pub fn time_key(name: &str, m: YearMonth) -> Option<KeyValue> {
    let (y, mo) = (m.year(), m.month());
    Some(match name {
        "year" => KeyValue::Number(y),
        "quarter" => KeyValue::Text(format!("{y}-Q{}", (mo - 1) / 3 + 1)),
        "month" => KeyValue::Text(m.to_string()),
        "biennium" => KeyValue::Text(Biennium::of_year(y).to_string()),
        _ => return None,
    })
}

const TIME_KEYS: [&str; 4] = ["year", "quarter", "month", "biennium"];

/// Delivery by `by` over every record, one row per group in key order; with `ytd`, each
/// group's sums run from January of its year through its period (along the last time
/// key). A key that is none of the known ones is an error naming it.
///
/// ```
/// use tcrules::{delivery_by::{delivery_by, DeliveryStatus, KeyValue}, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "unit": "GENDER", "start": "2005-01-01", "end": "2006-12-31",
///    "budget": {"amount": "1000", "currency": "USD"}}], "records": [
///   {"project": "A", "month": "2005-01", "source": "xbtc",
///    "allocation": {"amount": "100", "currency": "USD"}, "expenditure": {"amount": "50", "currency": "USD"}},
///   {"project": "A", "month": "2005-02", "source": "xbtc",
///    "allocation": {"amount": "300", "currency": "USD"}, "expenditure": {"amount": "250", "currency": "USD"}}]}"#).unwrap();
/// let d = delivery_by(&p.projects, &p.records, &["unit", "year"], false, &Policy::default(), &p.rates).unwrap();
/// assert_eq!(d[0].keys, [KeyValue::Text("GENDER".into()), KeyValue::Number(2005)]);
/// assert_eq!((d[0].rate, d[0].status), (Some(0.75), DeliveryStatus::Pass));
/// assert_eq!(delivery_by(&p.projects, &p.records, &["colour"], false, &Policy::default(), &p.rates)
///     .unwrap_err().to_string(), "by: cannot group by \"colour\": it is not a time key, a record's field or a project attribute");
/// ```
pub fn delivery_by(
    projects: &[Project],
    records: &[FinancialRecord],
    by: &[&str],
    ytd: bool,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<KeyedDelivery>> {
    if by.is_empty() {
        return Err(Error::invalid("by", "name at least one key to group by"));
    }
    let keys = by
        .iter()
        .map(|name| {
            if let Some(t) = TIME_KEYS.iter().find(|t| *t == name) {
                return Ok(Key::Time(t));
            }
            match *name {
                "project" => return Ok(Key::Project),
                "source" | "source_of_funds" => return Ok(Key::Source),
                _ => {}
            }
            match name.parse::<GroupBy>().ok().filter(|g| g.project_column().is_some()) {
                Some(g) => Ok(Key::Attribute(Groups::of_projects(projects, g))),
                None => Err(Error::invalid(
                    "by",
                    format!("cannot group by {name:?}: it is not a time key, a record's field or a project attribute"),
                )),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let mut groups: BTreeMap<Vec<KeyValue>, (Totals, usize)> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let at = |e: Error| e.at(&format!("records[{i}]"));
        let mut key = Vec::with_capacity(keys.len());
        for k in &keys {
            key.push(match k {
                Key::Time(t) => time_key(t, r.month).unwrap_or(KeyValue::Number(0)),
                Key::Project => KeyValue::Text(r.project.clone()),
                Key::Source => KeyValue::Text(r.source.as_str().to_owned()),
                Key::Attribute(g) => KeyValue::Text(
                    g.of_project(&r.project)
                        .ok_or_else(|| Error::UnknownProject {
                            path: format!("records[{i}].project"),
                            id: r.project.clone(),
                        })?
                        .to_owned(),
                ),
            });
        }
        for (name, m) in [
            ("allocation", &r.allocation),
            ("expenditure", &r.expenditure),
        ] {
            m.non_negative(name).map_err(at)?;
        }
        let allocation = rates
            .to_usd_on(&r.allocation, r.month, "allocation.amount")
            .map_err(at)?;
        let expenditure = rates
            .to_usd_on(&r.expenditure, r.month, "expenditure.amount")
            .map_err(at)?;
        let slot = groups.entry(key).or_default();
        slot.0
            .add(allocation, expenditure, &format!("records[{i}]"))?;
        slot.1 += 1;
    }
    let mut rows: Vec<(Vec<KeyValue>, (Totals, usize))> = groups.into_iter().collect();
    if ytd {
        year_to_date(&mut rows, by)?;
    }
    Ok(rows
        .into_iter()
        .map(|(keys, (totals, records))| KeyedDelivery {
            keys,
            rate: fraction(&totals),
            status: DeliveryStatus::of(&totals, policy),
            totals,
            records,
        })
        .collect())
}

/// Σexpenditure / Σallocation as a float, `None` when nothing was allocated.
fn fraction(t: &Totals) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    if t.allocation_usd.is_zero() {
        return None;
    }
    t.expenditure_usd
        .checked_div(t.allocation_usd)
        .and_then(|r| r.to_f64())
        .or_else(|| Some(t.expenditure_usd.to_f64()? / t.allocation_usd.to_f64()?))
}

/// Year-to-date sums along the last time key: rows that differ only in that key's period
/// within one year are cumulated in period order.
fn year_to_date(rows: &mut [(Vec<KeyValue>, (Totals, usize))], by: &[&str]) -> Result<()> {
    let Some(k) = by.iter().rposition(|n| TIME_KEYS.contains(n)) else {
        return Err(Error::invalid(
            "ytd",
            "year-to-date sums need a time key (month, quarter or year)",
        ));
    };
    let year_of = |v: &KeyValue| -> i32 {
        match v {
            KeyValue::Number(y) => *y,
            KeyValue::Text(t) => t.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default(),
        }
    };
    let series = |key: &[KeyValue]| -> Vec<KeyValue> {
        key.iter()
            .enumerate()
            .map(|(j, v)| {
                if j == k {
                    KeyValue::Number(year_of(v))
                } else {
                    v.clone()
                }
            })
            .collect()
    };
    rows.sort_by(|a, b| series(&a.0).cmp(&series(&b.0)).then(a.0.cmp(&b.0)));
    let mut running: Option<(Vec<KeyValue>, Totals, usize)> = None;
    for (key, (totals, records)) in rows.iter_mut() {
        let s = series(key);
        if let Some((_, cum, n)) = running.take().filter(|(prev, ..)| *prev == s) {
            let mut sum = cum;
            sum.add(totals.allocation_usd, totals.expenditure_usd, "records")?;
            *totals = sum;
            *records += n;
        }
        running = Some((s, *totals, *records));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(())
}

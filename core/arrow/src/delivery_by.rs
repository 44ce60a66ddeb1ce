//! Delivery by any keys in one call (issue 16, item 2): a records table summed by one or
//! several keys at once — records columns, project attributes looked up through a
//! projects table, and time keys derived from each record's month — into one row per
//! group with the weighted rate Σexpenditure / Σallocation (R6 §140; RULES.md §2).
//!
//! Each row's key is a tuple of small parts (a text borrowed from the tables, or a
//! number for a time key); the rows are shared among the cores, each part summing into
//! its own map of key tuples, and the parts' maps are joined. A run of records of one
//! project in one period reuses the previous row's group without hashing anything.
//! Sums are exact: integers at the largest scale met, as `Decimal` would add them.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Decimal128Array, Float64Array, Int32Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::DataType;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use tcrules::delivery::{GroupBy, Groups, Totals};
use tcrules::io::csv;
use tcrules::money::{Currency, Money, Rates, UsdRate};
use tcrules::period::{Biennium, YearMonth};
use tcrules::{Error, Policy, Result};

use crate::codes::{Codes, Currencies, RateOf};
use crate::columns::{Dates, DayCache, Decimals, Texts};
use crate::distinct::Distinct;
use crate::output::Out;
use crate::parallel;
use crate::table::{Batches, Table};

/// A key derived from a record's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeKey {
    Year,
    Quarter,
    Month,
    Biennium,
}

impl TimeKey {
    fn of(name: &str) -> Option<TimeKey> {
        Some(match name {
            "year" => TimeKey::Year,
            "quarter" => TimeKey::Quarter,
            "month" => TimeKey::Month,
            "biennium" => TimeKey::Biennium,
            _ => return None,
        })
    }

    /// The key of month `m` as a number that sorts as the periods do.
    fn code(self, m: YearMonth) -> i32 {
        let (y, mo) = (m.year(), m.month() as i32);
        match self {
            TimeKey::Year => y,
            TimeKey::Quarter => y * 4 + (mo - 1) / 3,
            TimeKey::Month => y * 12 + mo - 1,
            TimeKey::Biennium => Biennium::of_year(y).first_year(),
        }
    }

    /// The year a key's period falls in (for year-to-date sums).
    fn year(self, code: i32) -> i32 {
        match self {
            TimeKey::Year | TimeKey::Biennium => code,
            TimeKey::Quarter => code.div_euclid(4),
            TimeKey::Month => code.div_euclid(12),
        }
    }

    /// The key as the output shows it: the year as a number, the others as text.
    fn label(self, code: i32) -> String {
        match self {
            TimeKey::Year => code.to_string(),
            TimeKey::Quarter => format!("{}-Q{}", code.div_euclid(4), code.rem_euclid(4) + 1),
            TimeKey::Month => format!("{:04}-{:02}", code.div_euclid(12), code.rem_euclid(12) + 1),
            TimeKey::Biennium => Biennium::of_year(code).to_string(),
        }
    }
}

/// Where a key's value comes from.
enum Source<'a> {
    Time(TimeKey),
    /// A records column of that name.
    Column(&'a str),
    /// A project attribute, by the record's project.
    Project(ProjectKeys<'a>),
}

/// Each project's value of one attribute, by the project's number among those the
/// records name (`None` for a project the projects table does not have).
struct ProjectKeys<'a> {
    named: &'a Distinct<'a>,
    keys: Vec<Option<Cow<'a, str>>>,
}

impl ProjectKeys<'_> {
    fn get(&self, project: &str) -> Option<&str> {
        let number = self.named.number(project)?;
        self.keys.get(number)?.as_deref()
    }
}

/// One part of a row's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part<'a> {
    Text(&'a str),
    Number(i32),
}

impl Ord for Part<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Part::Number(a), Part::Number(b)) => a.cmp(b),
            (Part::Text(a), Part::Text(b)) => a.cmp(b),
            (Part::Number(_), Part::Text(_)) => Ordering::Less,
            (Part::Text(_), Part::Number(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Part<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An exact sum of non-negative amounts: `mantissa·10^-scale`.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    mantissa: i128,
    scale: u32,
}

impl Sum {
    fn add(&mut self, (m, s): (i128, u32)) -> Option<()> {
        if s == self.scale {
            self.mantissa = self.mantissa.checked_add(m)?;
            return Some(());
        }
        if s > self.scale {
            self.mantissa = self.mantissa.checked_mul(pow10(s - self.scale)?)?;
            self.scale = s;
        }
        let m = m.checked_mul(pow10(self.scale - s)?)?;
        self.mantissa = self.mantissa.checked_add(m)?;
        Some(())
    }

    fn join(&mut self, other: Sum) -> Option<()> {
        self.add((other.mantissa, other.scale))
    }

    fn at_scale(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(pow10(scale.checked_sub(self.scale)?)?)
    }

    fn decimal(self) -> Option<Decimal> {
        let mut s = self;
        // Decimal holds 28 places and 96 bits: drop zeros that end the fraction first.
        while s.scale > 0 && s.mantissa % 10 == 0 && (s.scale > 28 || s.mantissa >= 1 << 96) {
            s.mantissa /= 10;
            s.scale -= 1;
        }
        Decimal::try_from_i128_with_scale(s.mantissa, s.scale).ok()
    }
}

/// 10^0 to 10^38, every power of ten an `i128` holds.
#[allow(clippy::indexing_slicing)] // `i` stays below the length, and this runs at compile time
const POW10: [i128; 39] = {
    let mut p = [1_i128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// 10^n, if an `i128` holds it: looked up, as sums rescale row after row.
#[inline]
fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// One group's sums.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    allocation: Sum,
    expenditure: Sum,
    records: u64,
}

impl Acc {
    fn join(&mut self, other: &Acc) -> Option<()> {
        self.allocation.join(other.allocation)?;
        self.expenditure.join(other.expenditure)?;
        self.records += other.records;
        Some(())
    }
}

/// A records table's month: `YYYY-MM` text or dates in `month`, or integer `year` and
/// `month` columns.
enum Months {
    Text(Texts),
    Dates(Dates),
    Numbers(Decimals, Decimals),
}

/// The columns of one records batch.
struct Records {
    month: Months,
    currency: Option<Texts>,
    allocation: Decimals,
    expenditure: Decimals,
    project: Option<Texts>,
    /// The records columns the keys read, in key order (`None` for other keys).
    columns: Vec<Option<Texts>>,
}

/// What a run of rows keeps from row to row.
#[derive(Default)]
struct Cache<'r> {
    months: Codes<YearMonth>,
    days: DayCache,
    currencies: Currencies<'r>,
}

impl Records {
    fn new(table: &Table, batch: &RecordBatch, sources: &[Source<'_>]) -> Result<Self> {
        let column = |name| table.required(batch, name).map_err(|e| e.at("records"));
        let month = column("month")?;
        let month = if month.data_type().is_integer() && table.has("year") {
            Months::Numbers(
                Decimals::new("year", column("year")?)?,
                Decimals::new("month", month)?,
            )
        } else {
            match Dates::new("month", month)? {
                Dates::Text(t) => Months::Text(t),
                d => Months::Dates(d),
            }
        };
        let optional = |name: &str| {
            table
                .column(batch, name)
                .map(|a| Texts::new(name, a))
                .transpose()
        };
        let needs_project = sources.iter().any(|s| matches!(s, Source::Project(_)));
        Ok(Records {
            month,
            currency: optional("currency")?,
            allocation: Decimals::new("allocation", column("allocation")?)?,
            expenditure: Decimals::new("expenditure", column("expenditure")?)?,
            project: if needs_project {
                Some(Texts::new("project", column("project")?)?)
            } else {
                None
            },
            columns: sources
                .iter()
                .map(|s| match s {
                    Source::Column(name) => Texts::new(name, column(name)?).map(Some),
                    _ => Ok(None),
                })
                .collect::<Result<_>>()?,
        })
    }

    fn month(&self, i: usize, cache: &mut Cache<'_>) -> Result<YearMonth> {
        match &self.month {
            Months::Text(t) => cache
                .months
                .read(t.get(i).ok_or_else(|| csv::empty_cell("month"))?)
                .map_err(|e| e.at("month")),
            Months::Dates(d) => d
                .get_cached(i, "month", &mut cache.days)?
                .map(YearMonth::of)
                .ok_or_else(|| csv::empty_cell("month")),
            Months::Numbers(y, m) => {
                let number = |d: &Decimals, name| -> Result<i64> {
                    let v = d.get(i, name)?.ok_or_else(|| csv::empty_cell(name))?;
                    i64::try_from(v).map_err(|_| Error::Invalid {
                        path: name.to_owned(),
                        message: format!("{v} is not a whole number"),
                    })
                };
                let (year, month) = (number(y, "year")?, number(m, "month")?);
                let bad = || Error::Invalid {
                    path: "month".into(),
                    message: format!("{year}-{month} is not a month"),
                };
                YearMonth::new(
                    i32::try_from(year).map_err(|_| bad())?,
                    u32::try_from(month).map_err(|_| bad())?,
                )
                .map_err(|_| bad())
            }
        }
    }

    /// Row `i`'s currency and its rates (US dollars where the table has no currency).
    fn currency<'r>(
        &self,
        i: usize,
        cache: &mut Cache<'r>,
        rates: &'r Rates,
    ) -> Result<(Currency, RateOf<'r>)> {
        match &self.currency {
            None => Ok((Currency::USD, RateOf::of(Currency::USD, rates))),
            Some(c) => {
                let code = c.get(i).ok_or_else(|| csv::empty_cell("currency"))?;
                cache
                    .currencies
                    .read(code, rates)
                    .map_err(|e| e.at("currency"))
            }
        }
    }

    /// Row `i`'s amount of `name` in US dollars at `rate` (the currency's in `month`), as
    /// a mantissa and scale: the usual cell converted exactly in integers, any other read
    /// as the core reads a table's cell (and reported if wrong).
    fn usd(
        &self,
        i: usize,
        name: &str,
        (currency, rate): (Currency, Option<UsdRate>),
        month: YearMonth,
        rates: &Rates,
    ) -> Result<(i128, u32)> {
        let column = if name == "allocation" {
            &self.allocation
        } else {
            &self.expenditure
        };
        let exact = column.parts(i).and_then(|(m, s)| rate?.exact(m, s));
        if let Some(usd) = exact {
            let (m, s) = usd.parts();
            return Ok((m as i128, s));
        }
        let amount = column.get(i, name)?.ok_or_else(|| csv::empty_cell(name))?;
        let money = Money { amount, currency };
        money.non_negative(name)?;
        let usd = rates.to_usd_on(&money, month, name)?;
        Ok((usd.mantissa(), usd.scale()))
    }
}

/// The value of key `k` for row `i`.
fn key_part<'a>(
    source: &'a Source<'a>,
    column: Option<&'a Texts>,
    records: &'a Records,
    i: usize,
    month: YearMonth,
) -> Result<Part<'a>> {
    Ok(match source {
        Source::Time(t) => Part::Number(t.code(month)),
        // An empty cell is a group of its own, as a project without the attribute is.
        Source::Column(_) => Part::Text(
            column
                .and_then(|c| c.get(i))
                .unwrap_or(tcrules::delivery::UNASSIGNED),
        ),
        Source::Project(keys) => {
            let project = records
                .project
                .as_ref()
                .and_then(|p| p.get(i))
                .ok_or_else(|| csv::empty_cell("project"))?;
            Part::Text(keys.get(project).ok_or_else(|| Error::UnknownProject {
                path: "project".into(),
                id: project.to_owned(),
            })?)
        }
    })
}

/// Sums of one run of rows, by key tuple.
struct Run<'a> {
    slots: FxHashMap<Box<[Part<'a>]>, usize>,
    groups: Vec<(Box<[Part<'a>]>, Acc)>,
}

/// Delivery by `by` (one or several keys) from a records table and, for keys that are
/// project attributes, a projects table: one row per group, in key order, with the keys,
/// `allocation_usd` and `expenditure_usd` (exact, decimal128), `rate` (the fraction
/// Σexpenditure / Σallocation as float64, null when nothing was allocated), `status`
/// (the DLV finding's: `pass`, `warning` below the policy's threshold, `overspend`,
/// `undefined` when nothing was allocated) and `records`.
///
/// Each key is a time key (`year`, `quarter`, `month`, `biennium`, from the record's
/// month), a records column, or a projects column (`unit`, `region`, `donor`, ... read
/// as [`tcrules::delivery::GroupBy`] reads them, or any other column as text) looked up
/// by the record's `project`. A key that is none of these is an error naming it. With
/// `ytd` and a time key, the sums are year-to-date: each group's from January of its year
/// through its period.
///
/// Records: `month` (`YYYY-MM` text, dates, or integers with a `year` column),
/// `allocation`, `expenditure`, `currency` (US dollars when absent), and `project` where
/// a key reads the projects table. Amounts are converted at the rate of their month.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
/// use tcrules::{money::Rates, Policy};
/// use tcrules_arrow::{delivery_by, Table};
/// let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
/// let amounts = |v: Vec<i64>| -> ArrayRef { Arc::new(Int64Array::from(v)) };
/// let records = RecordBatch::try_from_iter([
///     ("project", text(vec!["P1", "P1", "P2"])),
///     ("month", text(vec!["2005-01", "2006-02", "2005-03"])),
///     ("allocation", amounts(vec![100, 300, 100])),
///     ("expenditure", amounts(vec![50, 250, 70])),
/// ]).unwrap();
/// let projects = RecordBatch::try_from_iter([("id", text(vec!["P1", "P2"])), ("unit", text(vec!["GENDER", "GENDER"]))]).unwrap();
/// let out = delivery_by(&Table::from(records), Some(&Table::from(projects)), &["unit", "year"], false,
///     &Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(out.num_rows(), 2);
/// let rate = out.column_by_name("rate").unwrap();
/// let rate = rate.as_any().downcast_ref::<arrow_array::Float64Array>().unwrap();
/// assert_eq!(rate.value(0), 0.6); // 2005: 120 / 200, not the mean of 50 % and 70 %
/// ```
pub fn delivery_by<'r>(
    records: &Table,
    projects: Option<&Table>,
    by: &[&str],
    ytd: bool,
    policy: &Policy,
    rates: &'r Rates,
) -> Result<RecordBatch> {
    if by.is_empty() {
        return Err(Error::Invalid {
            path: "by".into(),
            message: "name at least one key to group by".into(),
        });
    }
    let project_cells = projects
        .map(|p| {
            Batches::new(p, |t, b| {
                let id = Texts::new("id", t.required(b, "id").map_err(|e| e.at("projects"))?)?;
                let keys = by
                    .iter()
                    .map(|name| {
                        let column: &str = name
                            .parse::<GroupBy>()
                            .ok()
                            .and_then(|g| g.project_column())
                            .unwrap_or(name);
                        t.column(b, column)
                            .map(|a| Texts::new(column, a))
                            .transpose()
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((id, keys))
            })
        })
        .transpose()?;
    // The projects the records name: only their rows of the projects table are looked up
    // (a table of every project the organisation has, for the records of a few).
    let record_projects = match &project_cells {
        Some(_) if records.has("project") => Some(records.texts("project")?),
        _ => None,
    };
    let named = Distinct::of(record_projects.as_deref().unwrap_or_default());
    let mut sources = Vec::with_capacity(by.len());
    for (k, name) in by.iter().enumerate() {
        if let Some(t) = TimeKey::of(name) {
            sources.push(Source::Time(t));
            continue;
        }
        let column = match *name {
            "source_of_funds" => "source",
            other => other,
        };
        if records.has(column) {
            sources.push(Source::Column(column));
            continue;
        }
        let group_by = name.parse::<GroupBy>().ok();
        let projects_column = group_by.and_then(|g| g.project_column()).unwrap_or(name);
        let Some((cells, p)) = project_cells
            .as_ref()
            .zip(projects)
            .filter(|(_, p)| p.has(projects_column))
        else {
            return Err(Error::Invalid {
                path: "by".into(),
                message: format!(
                    "cannot group by {name:?}: the records have no column {name:?}{}",
                    match projects {
                        Some(_) => format!(", nor do the projects have {projects_column:?}"),
                        None => " and no projects table was given to look it up".into(),
                    }
                ),
            });
        };
        let _ = p;
        let known = group_by.filter(|g| g.project_column().is_some());
        // The key of each project row the records name, by the project's number.
        let rows = named.rows_of(
            cells,
            |(ids, _), i| ids.get(i),
            |(_, keys), i, row| {
                let cell = keys.get(k).and_then(|c| c.as_ref()).and_then(|c| c.get(i));
                Ok(match known {
                    Some(g) => Groups::key_of_cell(g, cell)
                        .map_err(|e| e.at(&format!("projects[{row}].{projects_column}")))?,
                    None => Cow::Borrowed(cell.unwrap_or(tcrules::delivery::UNASSIGNED)),
                })
            },
        )?;
        let mut keys = vec![None; named.len()];
        // A project listed twice: its last row, as the core's reader keeps.
        for (number, _, key) in rows {
            if let Some(slot) = keys.get_mut(number) {
                *slot = Some(key);
            }
        }
        sources.push(Source::Project(ProjectKeys {
            named: &named,
            keys,
        }));
    }
    let batches = Batches::new(records, |t, b| Records::new(t, b, &sources))?;
    let time_keys: Vec<usize> = (0..sources.len())
        .filter(|k| matches!(sources.get(*k), Some(Source::Time(_))))
        .collect();
    let run = |cache: &mut Cache<'r>, rows: Range<usize>| -> Result<Run<'_>> {
        let mut run = Run {
            slots: FxHashMap::default(),
            groups: Vec::new(),
        };
        let mut key: Vec<Part<'_>> = Vec::with_capacity(sources.len());
        // The last row's project, key and group: a run of one project's records in one
        // period finds its group without hashing, and in the next period its attributes
        // without looking them up again.
        let mut last: Option<(Option<&str>, usize)> = None;
        let mut last_key: Vec<Part<'_>> = Vec::with_capacity(sources.len());
        let only_project_and_time = sources.iter().all(|s| !matches!(s, Source::Column(_)));
        let cells = batches.rows_from(rows.start).take(rows.len());
        for (row, (columns, i)) in rows.zip(cells) {
            let at = |e: Error| e.at(&format!("records[{row}]"));
            let month = columns.month(i, cache).map_err(at)?;
            let (currency, rate) = columns.currency(i, cache, rates).map_err(at)?;
            let rate = (currency, rate.at(Some(month)));
            let allocation = columns
                .usd(i, "allocation", rate, month, rates)
                .map_err(at)?;
            let expenditure = columns
                .usd(i, "expenditure", rate, month, rates)
                .map_err(at)?;
            let project = columns.project.as_ref().and_then(|p| p.get(i));
            let same_project = only_project_and_time && last.is_some_and(|(p, _)| p == project);
            let reused = match last {
                Some((_, slot))
                    if same_project
                        && time_keys.iter().all(|k| {
                            match (sources.get(*k), last_key.get(*k)) {
                                (Some(Source::Time(tk)), Some(part)) => {
                                    Part::Number(tk.code(month)) == *part
                                }
                                _ => false,
                            }
                        }) =>
                {
                    Some(slot)
                }
                _ => None,
            };
            let slot = match reused {
                Some(slot) => slot,
                None => {
                    key.clear();
                    for (k, source) in sources.iter().enumerate() {
                        let part = match (source, last_key.get(k)) {
                            (Source::Project(_), Some(part)) if same_project => *part,
                            _ => {
                                let column = columns.columns.get(k).and_then(|c| c.as_ref());
                                key_part(source, column, columns, i, month).map_err(at)?
                            }
                        };
                        key.push(part);
                    }
                    let next = run.groups.len();
                    let slot = match run.slots.get(key.as_slice()) {
                        Some(slot) => *slot,
                        None => {
                            let boxed: Box<[Part<'_>]> = key.clone().into_boxed_slice();
                            run.slots.insert(boxed.clone(), next);
                            run.groups.push((boxed, Acc::default()));
                            next
                        }
                    };
                    last = Some((project, slot));
                    last_key.clone_from(&key);
                    slot
                }
            };
            let overflow = || Error::Overflow {
                path: format!("records[{row}]"),
            };
            let acc = run.groups.get_mut(slot).ok_or_else(overflow)?;
            acc.1.allocation.add(allocation).ok_or_else(overflow)?;
            acc.1.expenditure.add(expenditure).ok_or_else(overflow)?;
            acc.1.records += 1;
        }
        Ok(run)
    };
    // Runs summed on every core, joined by key.
    let mut all: FxHashMap<Box<[Part<'_>]>, Acc> = FxHashMap::default();
    for part in parallel::ranges(batches.rows, Cache::default, run) {
        for (key, acc) in part?.groups {
            let overflow = || Error::Overflow {
                path: "records".into(),
            };
            all.entry(key)
                .or_default()
                .join(&acc)
                .ok_or_else(overflow)?;
        }
    }
    let mut groups: Vec<(Box<[Part<'_>]>, Acc)> = all.into_iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if ytd {
        year_to_date(&mut groups, &sources)?;
    }
    output(&groups, by, &sources, policy)
}

/// Year-to-date sums: each group's sums from January of its year through its period
/// (groups in key order, so a group's earlier periods come before it).
fn year_to_date<'a>(groups: &mut [(Box<[Part<'a>]>, Acc)], sources: &[Source<'_>]) -> Result<()> {
    let Some((k, time)) = sources.iter().enumerate().rev().find_map(|(k, s)| match s {
        Source::Time(t) => Some((k, *t)),
        _ => None,
    }) else {
        return Err(Error::Invalid {
            path: "ytd".into(),
            message: "year-to-date sums need a time key (month, quarter or year)".into(),
        });
    };
    // The other parts of the key, with the time key's year in its place.
    let series = |key: &[Part<'a>]| -> Vec<Part<'a>> {
        key.iter()
            .enumerate()
            .map(|(j, p)| match (j == k, p) {
                (true, Part::Number(code)) => Part::Number(time.year(*code)),
                _ => *p,
            })
            .collect()
    };
    // Groups sorted by the key with the year in the time key's place keep each series
    // contiguous and in period order.
    groups.sort_by(|a, b| series(&a.0).cmp(&series(&b.0)).then(a.0.cmp(&b.0)));
    let mut running: Option<(Vec<Part<'a>>, Acc)> = None;
    for (key, acc) in groups.iter_mut() {
        let s = series(key);
        let cum = match running.take() {
            Some((prev, mut cum)) if prev == s => {
                cum.join(acc).ok_or_else(|| Error::Overflow {
                    path: "records".into(),
                })?;
                cum
            }
            _ => *acc,
        };
        *acc = cum;
        running = Some((s, cum));
    }
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(())
}

/// The DLV status of a group's totals: as the delivery finding decides it.
fn status(t: &Totals, policy: &Policy) -> &'static str {
    let d = &policy.spec().delivery;
    match t.cmp_percent(d.warning_below_percent) {
        None => "undefined",
        Some(_) if t.expenditure_usd > t.allocation_usd => "overspend",
        Some(Ordering::Less) => "warning",
        Some(_) => "pass",
    }
}

fn output<'a>(
    groups: &[(Box<[Part<'a>]>, Acc)],
    by: &[&str],
    sources: &[Source<'_>],
    policy: &Policy,
) -> Result<RecordBatch> {
    let mut out = Out::default();
    for (k, (name, source)) in by.iter().zip(sources).enumerate() {
        let part = |g: &(Box<[Part<'a>]>, Acc)| g.0.get(k).copied();
        let column: ArrayRef = match source {
            Source::Time(TimeKey::Year) => Arc::new(
                groups
                    .iter()
                    .map(|g| match part(g) {
                        Some(Part::Number(n)) => Some(n),
                        _ => None,
                    })
                    .collect::<Int32Array>(),
            ),
            Source::Time(t) => Arc::new(
                groups
                    .iter()
                    .map(|g| match part(g) {
                        Some(Part::Number(n)) => Some(t.label(n)),
                        _ => None,
                    })
                    .collect::<StringArray>(),
            ),
            _ => Arc::new(
                groups
                    .iter()
                    .map(|g| match part(g) {
                        Some(Part::Text(s)) => Some(s),
                        _ => None,
                    })
                    .collect::<StringArray>(),
            ),
        };
        out.push(name, column);
    }
    let overflow = || Error::Overflow {
        path: "records".into(),
    };
    let scale = groups
        .iter()
        .map(|(_, a)| a.allocation.scale.max(a.expenditure.scale))
        .max()
        .unwrap_or(0)
        .min(38);
    let decimals = |sums: Vec<Option<i128>>| -> Result<ArrayRef> {
        let values = sums
            .into_iter()
            .collect::<Option<Vec<i128>>>()
            .ok_or_else(overflow)?;
        Ok(Arc::new(
            Decimal128Array::from(values).with_data_type(DataType::Decimal128(38, scale as i8)),
        ))
    };
    out.push(
        "allocation_usd",
        decimals(
            groups
                .iter()
                .map(|(_, a)| a.allocation.at_scale(scale))
                .collect(),
        )?,
    );
    out.push(
        "expenditure_usd",
        decimals(
            groups
                .iter()
                .map(|(_, a)| a.expenditure.at_scale(scale))
                .collect(),
        )?,
    );
    let mut rates = Vec::with_capacity(groups.len());
    let mut statuses = Vec::with_capacity(groups.len());
    for (_, a) in groups {
        let totals = Totals {
            allocation_usd: a.allocation.decimal().ok_or_else(overflow)?,
            expenditure_usd: a.expenditure.decimal().ok_or_else(overflow)?,
        };
        let (al, ex) = (a.allocation.at_scale(scale), a.expenditure.at_scale(scale));
        rates.push(match (al, ex) {
            (Some(al), Some(ex)) if al != 0 => Some(ex as f64 / al as f64),
            _ => None,
        });
        statuses.push(status(&totals, policy));
    }
    out.push("rate", Arc::new(Float64Array::from(rates)));
    out.push("status", Arc::new(StringArray::from(statuses)));
    out.push(
        "records",
        Arc::new(
            groups
                .iter()
                .map(|(_, a)| a.records)
                .collect::<UInt64Array>(),
        ),
    );
    out.finish()
}

//! Delivery from tables: a records table (and, for the groupings that read a project's
//! attributes, a projects table) summed by [`tcrules::delivery::DeliverySums`] straight
//! from their columns, the records shared among the cores.
//!
//! Records: `project`, `month` (`YYYY-MM` text, or a date), `source`, `currency`,
//! `allocation`, `expenditure`, as the core's CSV layout has them. Only the rows in the
//! period are read past their month.

use std::ops::Range;

use arrow_array::RecordBatch;
use tcrules::delivery::{
    ConvertedRecord, DeliveryReport, DeliverySums, GroupBy, Groups, RecordRef,
};
use tcrules::io::csv;
use tcrules::model::SourceOfFunds;
use tcrules::money::{Money, Rates};
use tcrules::period::{ReportingPeriod, YearMonth};
use tcrules::policy::Labels;
use tcrules::{Error, Policy};

use crate::codes::{Codes, Currencies};
use crate::columns::{Dates, DayCache, Decimals, Texts};
use crate::distinct::Distinct;
use crate::parallel;
use crate::table::{Batches, Table};

/// A `month` column: `YYYY-MM` text, or dates (their month).
enum Months {
    Text(Texts),
    Dates(Dates),
}

impl Months {
    fn get(&self, i: usize, cache: &mut Cache) -> tcrules::Result<YearMonth> {
        match self {
            Months::Text(t) => {
                let text = t.get(i).ok_or_else(|| csv::empty_cell("month"))?;
                cache
                    .months
                    .read_with(text, |s| csv::Dialect::default().month("month", s))
            }
            Months::Dates(d) => {
                let date = d
                    .get_cached(i, "month", &mut cache.days)?
                    .ok_or_else(|| csv::empty_cell("month"))?;
                Ok(YearMonth::of(date))
            }
        }
    }
}

/// The record columns of one batch.
struct Records {
    project: Texts,
    month: Months,
    source: Texts,
    currency: Texts,
    allocation: Decimals,
    expenditure: Decimals,
    /// The edition's own spellings of sources of funds.
    labels: Labels,
}

impl Records {
    fn new(table: &Table, batch: &RecordBatch, labels: &Labels) -> tcrules::Result<Self> {
        let column = |name| table.required(batch, name).map_err(|e| e.at("records"));
        Ok(Records {
            project: Texts::new("project", column("project")?)?,
            month: match Dates::new("month", column("month")?)? {
                Dates::Text(texts) => Months::Text(texts),
                dates => Months::Dates(dates),
            },
            source: Texts::new("source", column("source")?)?,
            currency: Texts::new("currency", column("currency")?)?,
            allocation: Decimals::new("allocation", column("allocation")?)?,
            expenditure: Decimals::new("expenditure", column("expenditure")?)?,
            labels: labels.clone(),
        })
    }

    /// Adds row `i` (record `row` of the table) to `sums`.
    fn add<'a, 'r>(
        &'a self,
        i: usize,
        row: usize,
        sums: &mut DeliverySums<'_, 'a>,
        cache: &mut Cache<'r>,
        rates: &'r Rates,
    ) -> tcrules::Result<()> {
        let at = |e: Error| e.at(&format!("records[{row}]"));
        let month = self.month.get(i, cache).map_err(at)?;
        if !sums.period().contains(month) {
            return Ok(());
        }
        if let Some(record) = self.converted(i, month, cache, rates) {
            return sums.add_converted(row, &record);
        }
        let mut record = || -> tcrules::Result<RecordRef<'a>> {
            let text = |t: &'a Texts, name| t.get(i).ok_or_else(|| csv::empty_cell(name));
            let (currency, _) = cache
                .currencies
                .read(text(&self.currency, "currency")?, rates)
                .map_err(|e| e.at("currency"))?;
            let money = |d: &Decimals, name| -> tcrules::Result<Money> {
                let amount = d.get(i, name)?.ok_or_else(|| csv::empty_cell(name))?;
                Ok(Money { amount, currency })
            };
            Ok(RecordRef {
                project: text(&self.project, "project")?,
                month,
                source: cache
                    .sources
                    .read_with(text(&self.source, "source")?, |s| {
                        self.labels.source_of_funds(s)
                    })
                    .map_err(|e| e.at("source"))?,
                allocation: money(&self.allocation, "allocation")?,
                expenditure: money(&self.expenditure, "expenditure")?,
            })
        };
        let record = record().map_err(at)?;
        sums.add(row, &record, rates)
    }

    /// Row `i` of `month` with its amounts in US dollars, for the usual record: every cell
    /// well formed, a currency with a rate, amounts above zero converted without rounding
    /// ([`tcrules::money::UsdRate::exact`]). `None` for any other record, which
    /// [`Records::add`] then reads as a [`RecordRef`] (and reports, if it is wrong).
    fn converted<'a, 'r>(
        &'a self,
        i: usize,
        month: YearMonth,
        cache: &mut Cache<'r>,
        rates: &'r Rates,
    ) -> Option<ConvertedRecord<'a>> {
        let (_, rate) = cache.currencies.read(self.currency.get(i)?, rates).ok()?;
        let rate = rate.at(Some(month));
        let usd = |d: &Decimals| d.parts(i).and_then(|(m, s)| rate?.exact(m, s));
        Some(ConvertedRecord {
            project: self.project.get(i)?,
            month,
            source: cache
                .sources
                .read_with(self.source.get(i)?, |s| self.labels.source_of_funds(s))
                .ok()?,
            allocation: usd(&self.allocation)?,
            expenditure: usd(&self.expenditure)?,
        })
    }
}

/// Months, dates and codes already read in a run of records.
#[derive(Default)]
struct Cache<'r> {
    months: Codes<YearMonth>,
    days: DayCache,
    currencies: Currencies<'r>,
    sources: Codes<SourceOfFunds>,
}

/// A projects table's `id` and the grouping's column, in one batch.
struct ProjectCells {
    id: Texts,
    key: Option<Texts>,
}

/// The projects' group keys, for the groupings that read a project's attributes: the
/// group of each project the records name (`named`).
fn groups<'a>(
    group_by: GroupBy,
    projects: Option<&'a Batches<ProjectCells>>,
    named: &Distinct<'_>,
) -> tcrules::Result<Groups<'a>> {
    let Some(column) = group_by.project_column() else {
        return Groups::of_cells(group_by, []);
    };
    let projects = projects.ok_or_else(|| Error::Invalid {
        path: "projects".into(),
        message: format!("delivery by {} reads the projects table", group_by.as_str()),
    })?;
    let rows = named.rows_of(
        projects,
        |p, i| p.id.get(i),
        |p, i, row| {
            let cell = p.key.as_ref().and_then(|k| k.get(i));
            Groups::key_of_cell(group_by, cell)
                .map_err(|e| e.at(&format!("projects[{row}].{column}")))
        },
    )?;
    Groups::of_keys(group_by, rows.into_iter().map(|(_, id, key)| Ok((id, key))))
}

/// Delivery by `group_by` over `period` from a records table and, for the groupings that
/// read a project's attributes ([`GroupBy::project_column`]), a projects table with `id`
/// and that column: the report [`tcrules::delivery::delivery`] gives for the same rows,
/// the records summed on every core.
///
/// Records: `project`, `month` (`YYYY-MM` text, or dates), `source`, `currency`,
/// `allocation`, `expenditure`. Only the rows in the period are read past their month;
/// the first bad one is the error, naming `records[i].<column>`.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
/// use tcrules::{delivery::GroupBy, money::Rates, period::ReportingPeriod, Policy};
/// use tcrules_arrow::{delivery, Table};
/// let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
/// let amounts = |v: Vec<i64>| -> ArrayRef { Arc::new(Int64Array::from(v)) };
/// let records = RecordBatch::try_from_iter([
///     ("project", text(vec!["P1", "P1"])),
///     ("month", text(vec!["2005-01", "2005-02"])),
///     ("source", text(vec!["xbtc", "xbtc"])),
///     ("currency", text(vec!["USD", "USD"])),
///     ("allocation", amounts(vec![100, 300])),
///     ("expenditure", amounts(vec![50, 250])),
/// ]).unwrap();
/// let projects = RecordBatch::try_from_iter([("id", text(vec!["P1"])), ("unit", text(vec!["GENDER"]))]).unwrap();
/// let report = delivery(&Table::from(records), Some(&Table::from(projects)), GroupBy::Unit,
///     ReportingPeriod::Year { year: 2005 }, &Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(report.groups[0].group, "GENDER");
/// assert_eq!(report.groups[0].rate_percent, Some(75.into()));
/// ```
pub fn delivery(
    records: &Table,
    projects: Option<&Table>,
    group_by: GroupBy,
    period: ReportingPeriod,
    policy: &Policy,
    rates: &Rates,
) -> tcrules::Result<DeliveryReport> {
    // The errors name the tables' own headers.
    let user_error = |e: Error| match projects {
        Some(p) if e.path().starts_with("projects") => p.user_error(e),
        _ => records.user_error(e),
    };
    records
        .require("records", csv::RECORD_COLUMNS)
        .map_err(user_error)?;
    let projects = match (projects, group_by.project_column()) {
        (Some(p), Some(column)) => {
            // A grouping column the table lacks is an error: never every record
            // "(unassigned)".
            p.require("projects", &["id", column])?;
            Some(Batches::new(p, |p, b| {
                Ok(ProjectCells {
                    id: Texts::new("id", p.required(b, "id").map_err(|e| e.at("projects"))?)?,
                    key: p
                        .column(b, column)
                        .map(|a| Texts::new(column, a))
                        .transpose()?,
                })
            })?)
        }
        _ => None,
    };
    summed(records, projects.as_ref(), group_by, period, policy, rates).map_err(user_error)
}

/// [`delivery`] once the tables' columns are known to be there.
fn summed<'r>(
    records: &Table,
    projects: Option<&Batches<ProjectCells>>,
    group_by: GroupBy,
    period: ReportingPeriod,
    policy: &Policy,
    rates: &'r Rates,
) -> tcrules::Result<DeliveryReport> {
    // Only the projects the records name are looked up (a table of every project the
    // organisation has, for the records of a few).
    let record_projects = match projects {
        Some(_) => records.texts("project")?,
        None => Vec::new(),
    };
    let named = Distinct::of(&record_projects);
    let groups = groups(group_by, projects, &named)?;
    let labels = &policy.spec().labels;
    let batches = Batches::new(records, |t, b| Records::new(t, b, labels))?;
    let run =
        |cache: &mut Cache<'r>, rows: Range<usize>| -> tcrules::Result<DeliverySums<'_, '_>> {
            let mut run = DeliverySums::new(&groups, period);
            let cells = batches.rows_from(rows.start).take(rows.len());
            for (row, (columns, i)) in rows.zip(cells) {
                columns.add(i, row, &mut run, cache, rates)?;
            }
            Ok(run)
        };
    // Runs of records summed on every core (across batch boundaries), joined in order;
    // where joining would round differently from one pass (sums past 96 bits), one pass.
    let mut sums = DeliverySums::new(&groups, period);
    let mut exact = true;
    for part in parallel::ranges(batches.rows, Cache::default, run) {
        exact &= sums.join(part?);
    }
    if !exact {
        sums = run(&mut Cache::default(), 0..batches.rows)?;
    }
    Ok(sums.report(policy))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use tcrules::io::Columns;

    use super::*;

    fn text(v: Vec<&str>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    fn records(month: &str) -> Table {
        Table::from(
            RecordBatch::try_from_iter([
                ("Project", text(vec!["P1"])),
                ("Month", text(vec![month])),
                ("Fund", text(vec!["XB"])),
                ("Currency", text(vec!["usd"])),
                ("Allocated", text(vec!["100"])),
                ("Spent", text(vec!["75"])),
            ])
            .unwrap(),
        )
    }

    fn columns() -> Columns {
        Columns::new([
            ("Project", "project"),
            ("Month", "month"),
            ("Fund", "source"),
            ("Allocated", "allocation"),
            ("Spent", "expenditure"),
            ("Project ID", "id"),
            ("Responsible Unit", "unit"),
        ])
        .unwrap()
    }

    #[test]
    fn a_mapped_table_is_read_and_a_missing_grouping_column_is_an_error() {
        let projects = Table::from(
            RecordBatch::try_from_iter([
                ("Project ID", text(vec!["P1"])),
                ("Responsible Unit", text(vec!["GENDER"])),
            ])
            .unwrap(),
        );
        let year = ReportingPeriod::Year { year: 2024 };
        let (policy, rates) = (Policy::default(), Rates::usd_only());
        let run = |records: &Table, projects: &Table, by| {
            delivery(records, Some(projects), by, year, &policy, &rates)
        };
        let mapped = records("2024-05-31").with_columns(columns());
        let by_unit = run(
            &mapped,
            &projects.clone().with_columns(columns()),
            GroupBy::Unit,
        )
        .unwrap();
        assert_eq!(by_unit.groups[0].group, "GENDER");
        assert_eq!(by_unit.groups[0].rate_percent, Some(75.into()));
        // Unmapped: every missing column of the records, with the closest headers.
        let e = run(&records("2024-05"), &projects, GroupBy::Unit).unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "records"));
        assert!(
            e.to_string().contains(r#""source" (did you mean"#)
                || e.to_string()
                    .contains(r#""allocation" (did you mean "Allocated"?)"#),
            "{e}"
        );
        // The grouping's column missing: an error, never every record unassigned.
        let e = run(
            &mapped,
            &projects.clone().with_columns(Columns::default()),
            GroupBy::Unit,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "projects"));
        assert!(e.to_string().contains(r#"no columns "id" (did you mean "Project ID"?), "unit" (did you mean "Responsible Unit"?)"#), "{e}");
        let e = run(
            &mapped,
            &projects.with_columns(columns()),
            GroupBy::FieldOffice,
        )
        .unwrap_err();
        assert!(e.to_string().contains(r#"no column "field_office""#), "{e}");
        // A bad cell names the user's header.
        let e = run(
            &records("someday").with_columns(columns()),
            &projects_unit(),
            GroupBy::Project,
        )
        .unwrap_err();
        assert_eq!(e.path(), "records[0].Month");
    }

    fn projects_unit() -> Table {
        Table::from(RecordBatch::try_from_iter([("id", text(vec!["P1"]))]).unwrap())
    }

    /// Only the projects the records name are looked up: a bad cell of another project is
    /// not this report's error, and one of a project the records name still is.
    #[test]
    fn only_the_projects_the_records_name_are_read() {
        let projects = Table::from(
            RecordBatch::try_from_iter([
                ("Project ID", text(vec!["P1", "P2"])),
                ("region", text(vec!["Africa", "Atlantis"])),
            ])
            .unwrap(),
        )
        .with_columns(columns());
        let report = |records: &Table| {
            delivery(
                &records.clone().with_columns(columns()),
                Some(&projects),
                GroupBy::Region,
                ReportingPeriod::Year { year: 2024 },
                &Policy::default(),
                &Rates::usd_only(),
            )
        };
        let ok = report(&records("2024-03")).unwrap();
        assert_eq!(ok.groups[0].group, "africa");
        let p2 = Table::from(
            RecordBatch::try_from_iter([
                ("Project", text(vec!["P2"])),
                ("Month", text(vec!["2024-03"])),
                ("Fund", text(vec!["XB"])),
                ("Currency", text(vec!["usd"])),
                ("Allocated", text(vec!["100"])),
                ("Spent", text(vec!["75"])),
            ])
            .unwrap(),
        );
        let e = report(&p2).unwrap_err();
        assert!(e.path().ends_with("region"), "{}", e.path());
    }
}

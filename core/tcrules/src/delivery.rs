//! Delivery (DLV): how much of the resources made available to a programme were spent
//! (R6 §140).
//!
//! `delivery rate = expenditure / allocations` for the same period and scope: the ILO's
//! own definition (GB.267/TC/1, Appendix I, table C: "Alloc. / Expend. / %"). The rate of a
//! group is Σexpenditure / Σallocation, never the mean of its members' rates. No
//! allocation means no rate ("undefined", with a finding), never a division by zero.
//! Over 100 % is a legitimate value and is flagged. Thresholds are compared exactly, by
//! cross-multiplication; `rate_percent` is rounded to four decimal places for reporting.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::{Finding, Sink, Value};
use crate::model::{joint, FinancialRecord, Project, SourceOfFunds};
use crate::money::{checked_add, scale_up, ExactUsd, Money, Rates};
use crate::period::{ReportingPeriod, YearMonth};
use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Status};

/// Decimal places of `rate_percent` in reports.
pub const RATE_DECIMALS: u32 = 4;

/// The scope delivery is aggregated over (R6 §140: units and field offices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Project,
    Unit,
    FieldOffice,
    Country,
    Region,
    /// The project's donors: a sole donor, or several jointly (`Italy + United Kingdom`).
    Donor,
    /// The donors' categories, jointly where they differ.
    DonorCategory,
    StrategicObjective,
    SourceOfFunds,
    /// The whole portfolio as one group.
    Portfolio,
}

impl GroupBy {
    /// Every grouping.
    pub const ALL: &'static [GroupBy] = &[
        GroupBy::Project,
        GroupBy::Unit,
        GroupBy::FieldOffice,
        GroupBy::Country,
        GroupBy::Region,
        GroupBy::Donor,
        GroupBy::DonorCategory,
        GroupBy::StrategicObjective,
        GroupBy::SourceOfFunds,
        GroupBy::Portfolio,
    ];

    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            GroupBy::Project => "project",
            GroupBy::Unit => "unit",
            GroupBy::FieldOffice => "field_office",
            GroupBy::Country => "country",
            GroupBy::Region => "region",
            GroupBy::Donor => "donor",
            GroupBy::DonorCategory => "donor_category",
            GroupBy::StrategicObjective => "strategic_objective",
            GroupBy::SourceOfFunds => "source_of_funds",
            GroupBy::Portfolio => "portfolio",
        }
    }
}

impl std::str::FromStr for GroupBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        GroupBy::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = GroupBy::ALL.iter().map(GroupBy::as_str).collect();
                Error::invalid(
                    "group_by",
                    format!("{s:?} is not one of {}", names.join(", ")),
                )
            })
    }
}

/// Label of records whose project lacks the grouping attribute.
pub const UNASSIGNED: &str = "(unassigned)";

/// Allocation and expenditure summed in US dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Totals {
    pub allocation_usd: Decimal,
    pub expenditure_usd: Decimal,
}

impl Totals {
    /// Adds one record's amounts (in US dollars); `path` locates overflow.
    pub fn add(&mut self, allocation: Decimal, expenditure: Decimal, path: &str) -> Result<()> {
        self.allocation_usd = checked_add(self.allocation_usd, allocation, path)?;
        self.expenditure_usd = checked_add(self.expenditure_usd, expenditure, path)?;
        Ok(())
    }

    /// Σexpenditure / Σallocation in per cent, rounded to [`RATE_DECIMALS`]; `None`
    /// (undefined) when nothing was allocated.
    ///
    /// ```
    /// use tcrules::delivery::Totals;
    /// let t = Totals { allocation_usd: 300.into(), expenditure_usd: 200.into() };
    /// assert_eq!(t.rate_percent().unwrap().to_string(), "66.6667");
    /// assert_eq!(Totals::default().rate_percent(), None);
    /// ```
    pub fn rate_percent(&self) -> Option<Decimal> {
        crate::money::percent(self.expenditure_usd, self.allocation_usd).map(|r| {
            r.round_dp_with_strategy(RATE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// The rate compared with `percent`, exactly (`None` when undefined).
    pub fn cmp_percent(&self, percent: Decimal) -> Option<std::cmp::Ordering> {
        crate::money::cmp_percent(self.expenditure_usd, self.allocation_usd, percent)
    }
}

/// Delivery of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupDelivery {
    /// The group's key (project id, unit, region, ...).
    pub group: String,
    #[serde(flatten)]
    pub totals: Totals,
    /// Delivery rate in per cent; `null` when nothing was allocated.
    pub rate_percent: Option<Decimal>,
    /// Number of records summed.
    pub records: usize,
}

/// Delivery by group over a reporting period, with findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeliveryReport {
    pub period: ReportingPeriod,
    pub group_by: GroupBy,
    /// Groups in key order.
    pub groups: Vec<GroupDelivery>,
    /// All records in the period (weighted, like every group).
    pub total: GroupDelivery,
    /// The band delivery usually falls in (R6 §140), in per cent.
    pub band_percent: [Decimal; 2],
    pub findings: Vec<Finding>,
    pub policy: Arc<PolicyStamp>,
}

impl GroupBy {
    /// The project-table column (the core's CSV layout, [`crate::io::csv`]) that holds a
    /// project's key for this grouping; `None` for the groupings a record decides
    /// (project, source of funds, portfolio).
    pub fn project_column(&self) -> Option<&'static str> {
        match self {
            GroupBy::Project | GroupBy::SourceOfFunds | GroupBy::Portfolio => None,
            GroupBy::Donor | GroupBy::DonorCategory => Some("donors"),
            other => Some(other.as_str()),
        }
    }
}

/// A financial record read in place, its project named by reference: what a reader of
/// record columns hands to [`DeliverySums::add`] without building a [`FinancialRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub project: &'a str,
    pub month: YearMonth,
    pub source: SourceOfFunds,
    pub allocation: Money,
    pub expenditure: Money,
}

impl<'a> From<&'a FinancialRecord> for RecordRef<'a> {
    fn from(r: &'a FinancialRecord) -> Self {
        RecordRef {
            project: &r.project,
            month: r.month,
            source: r.source,
            allocation: r.allocation,
            expenditure: r.expenditure,
        }
    }
}

/// A record read in place with its amounts already in US dollars, converted exactly by
/// [`crate::money::UsdRate::exact`]: what a reader of record columns hands to
/// [`DeliverySums::add_converted`] for the usual record, keeping [`RecordRef`] for the rest
/// (zero amounts, and any a conversion would round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvertedRecord<'a> {
    pub project: &'a str,
    pub month: YearMonth,
    pub source: SourceOfFunds,
    pub allocation: ExactUsd,
    pub expenditure: ExactUsd,
}

/// Each project's group key, by project id, for the groupings that read a project's
/// attributes (unit, field office, country, region, donor, donor category, strategic
/// objective); a project without the attribute is [`UNASSIGNED`].
#[derive(Debug, Clone)]
pub struct Groups<'a> {
    group_by: GroupBy,
    by_id: FxHashMap<&'a str, Cow<'a, str>>,
}

impl<'a> Groups<'a> {
    /// The keys of `projects`.
    pub fn of_projects(projects: &'a [Project], group_by: GroupBy) -> Self {
        let key = |p: &'a Project| -> Option<Cow<'a, str>> {
            match group_by {
                GroupBy::Unit => p.unit.as_deref().map(Cow::Borrowed),
                GroupBy::FieldOffice => p.field_office.as_deref().map(Cow::Borrowed),
                GroupBy::Country => p.country.as_deref().map(Cow::Borrowed),
                GroupBy::Region => p.region.map(|r| Cow::Borrowed(r.as_str())),
                GroupBy::Donor => joint(p.donors.iter().map(|d| d.name.as_str())),
                GroupBy::DonorCategory => joint(p.donors.iter().map(|d| category_key(d.category))),
                GroupBy::StrategicObjective => {
                    p.strategic_objective.map(|s| Cow::Borrowed(s.as_str()))
                }
                GroupBy::Project | GroupBy::SourceOfFunds | GroupBy::Portfolio => None,
            }
        };
        Groups {
            group_by,
            by_id: projects
                .iter()
                .map(|p| (p.id.as_str(), key(p).unwrap_or(Cow::Borrowed(UNASSIGNED))))
                .collect(),
        }
    }

    /// The keys of a project table's rows: each row's `id` and its cell in the grouping's
    /// [`GroupBy::project_column`] (empty or blank: unassigned), read as the core's CSV
    /// reader reads them. A bad cell is an error naming `projects[i].<column>`.
    ///
    /// ```
    /// use tcrules::delivery::{GroupBy, Groups};
    /// let rows = [("P1", Some("GENDER")), ("P2", None)];
    /// assert!(Groups::of_cells(GroupBy::Unit, rows).is_ok());
    /// let rows = [("P1", Some("USDOL|multi_bilateral;UNDP|united_nations"))];
    /// assert!(Groups::of_cells(GroupBy::DonorCategory, rows).is_ok());
    /// let e = Groups::of_cells(GroupBy::Region, [("P1", Some("atlantis"))]).unwrap_err();
    /// assert_eq!(e.path(), "projects[0].region");
    /// ```
    pub fn of_cells(
        group_by: GroupBy,
        rows: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Result<Self> {
        let column = group_by.project_column().unwrap_or_default();
        let keys = rows.into_iter().enumerate().map(|(i, (id, cell))| {
            let key = Groups::key_of_cell(group_by, cell)
                .map_err(|e| e.at(&format!("projects[{i}].{column}")))?;
            Ok((id, key))
        });
        Groups::of_keys(group_by, keys)
    }

    /// The keys of a project table's rows already read ([`Groups::key_of_cell`]), by
    /// trimmed id, a later row of an id winning; the first error stops it.
    pub fn of_keys(
        group_by: GroupBy,
        rows: impl IntoIterator<Item = Result<(&'a str, Cow<'a, str>)>>,
    ) -> Result<Self> {
        let rows = rows.into_iter();
        let mut by_id = FxHashMap::default();
        by_id.reserve(rows.size_hint().0);
        for row in rows {
            let (id, key) = row?;
            by_id.insert(id.trim(), key);
        }
        Ok(Groups { group_by, by_id })
    }

    /// The key of a project table's cell in the grouping's [`GroupBy::project_column`]
    /// (trimmed; empty or blank: [`UNASSIGNED`]), read as the core's CSV reader reads it:
    /// what [`Groups::of_cells`] keeps for each row.
    ///
    /// ```
    /// use tcrules::delivery::{GroupBy, Groups, UNASSIGNED};
    /// assert_eq!(Groups::key_of_cell(GroupBy::Region, Some(" africa ")).unwrap(), "africa");
    /// assert_eq!(Groups::key_of_cell(GroupBy::Unit, Some("  ")).unwrap(), UNASSIGNED);
    /// assert!(Groups::key_of_cell(GroupBy::Region, Some("atlantis")).is_err());
    /// ```
    pub fn key_of_cell(group_by: GroupBy, cell: Option<&str>) -> Result<Cow<'_, str>> {
        let cell = cell.map(str::trim).filter(|c| !c.is_empty());
        Ok(cell_key(group_by, cell)?.unwrap_or(Cow::Borrowed(UNASSIGNED)))
    }

    /// The key of `project` (a project of the table, [`UNASSIGNED`] where it lacks the
    /// attribute), for the groupings that read a project's attributes; `None` for a
    /// project the table does not have.
    pub fn of_project(&self, project: &str) -> Option<&str> {
        self.by_id.get(project).map(|k| k.as_ref())
    }

    /// The group of record `i`, of `project` and from `source`.
    fn key<'r>(&'r self, i: usize, project: &'r str, source: SourceOfFunds) -> Result<&'r str> {
        Ok(match self.group_by {
            GroupBy::Project => project,
            GroupBy::SourceOfFunds => source.as_str(),
            GroupBy::Portfolio => "portfolio",
            _ => self.by_id.get(project).map(|k| k.as_ref()).ok_or_else(|| {
                Error::UnknownProject {
                    path: format!("records[{i}].project"),
                    id: project.to_owned(),
                }
            })?,
        })
    }
}

/// A project's key read from its cell, as [`crate::io::csv`] reads the column; several
/// donors are their [`joint`] key.
fn cell_key(group_by: GroupBy, cell: Option<&str>) -> Result<Option<Cow<'_, str>>> {
    let Some(cell) = cell else { return Ok(None) };
    Ok(match group_by {
        GroupBy::Region => Some(Cow::Borrowed(
            cell.parse::<crate::model::Region>()?.as_str(),
        )),
        GroupBy::StrategicObjective => Some(Cow::Borrowed(
            cell.parse::<crate::model::StrategicObjective>()?.as_str(),
        )),
        GroupBy::Donor | GroupBy::DonorCategory => {
            let donors = crate::model::Donor::cell_entries(cell)?;
            match group_by {
                GroupBy::Donor => joint(donors.iter().map(|(name, _)| *name)),
                _ => joint(donors.iter().map(|(_, category)| category_key(*category))),
            }
        }
        _ => Some(Cow::Borrowed(cell)),
    })
}

/// A donor's category as a group key: a donor named without one counts under
/// [`UNASSIGNED`], beside its co-donors' categories, so its share is never credited to them.
fn category_key(category: Option<crate::model::DonorCategory>) -> &'static str {
    category.map_or(UNASSIGNED, |c| c.as_str())
}

/// `a == b` for project ids, compared byte by byte in place: ids are short, and a call
/// to `memcmp` per record was a quarter of the delivery loop.
#[inline]
fn same_id(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// A record's amount in US dollars: an exact integer and scale where `Decimal` would hold
/// that product unrounded, else what [`Rates::to_usd`] gives.
#[derive(Clone, Copy)]
enum Usd {
    Exact(ExactUsd),
    Decimal(Decimal),
}

impl Usd {
    fn of(money: &Money, month: YearMonth, rates: &Rates, path: &str) -> Result<Usd> {
        match rates.to_usd_exact(money, Some(month)) {
            Some(e) => Ok(Usd::Exact(e)),
            None => rates.to_usd_on(money, month, path).map(Usd::Decimal),
        }
    }

    fn decimal(self) -> Decimal {
        match self {
            Usd::Exact(e) => e.decimal(),
            Usd::Decimal(d) => d,
        }
    }
}

/// One record's amounts in US dollars at the rates of its month, checked; error paths are
/// relative to the record.
fn record_usd(r: &RecordRef<'_>, rates: &Rates) -> Result<(Usd, Usd)> {
    r.allocation.non_negative("allocation")?;
    r.expenditure.non_negative("expenditure")?;
    Ok((
        Usd::of(&r.allocation, r.month, rates, "allocation.amount")?,
        Usd::of(&r.expenditure, r.month, rates, "expenditure.amount")?,
    ))
}

/// The path of record `i`, built only for an error.
fn record_path(i: usize) -> impl Fn() -> String {
    move || format!("records[{i}]")
}

/// A running sum of non-negative amounts equal, digit for digit and scale for scale, to
/// adding them one by one with `Decimal`. While it can be, it is exact in an integer:
/// `mantissa·10^-scale` at the largest scale of its non-zero terms (before the first of
/// them, the last zero term). Past `Decimal`'s 96 bits, where `Decimal` would round, or
/// after a negative term, it goes on in `Decimal`.
#[derive(Clone, Copy)]
struct Sum {
    mantissa: u128,
    /// The exact sum's scale (0 to 28), or [`Sum::NONE`], [`Sum::ZEROS`], [`Sum::ROUNDED`].
    scale: u32,
    /// The last zero term while [`Sum::ZEROS`]; the sum once [`Sum::ROUNDED`].
    decimal: Decimal,
}

impl Default for Sum {
    fn default() -> Self {
        Sum {
            mantissa: 0,
            scale: Sum::NONE,
            decimal: Decimal::ZERO,
        }
    }
}

impl Sum {
    /// No term yet.
    const NONE: u32 = 64;
    /// Only zero terms.
    const ZEROS: u32 = 65;
    /// A `Decimal` sum.
    const ROUNDED: u32 = 66;

    /// Adds `usd`; `path` names the record if the sum overflows `Decimal`.
    fn add(&mut self, usd: Usd, path: &dyn Fn() -> String) -> Result<()> {
        // The usual term: exact, at no larger a scale than the sum's. The states beyond
        // every scale (and a larger scale, wrapping) leave `by` past 28, where no term
        // scales to under 2^96 (nor at all past 10^38), so they go on to `add_other`.
        if let Usd::Exact(u) = usd {
            let by = self.scale.wrapping_sub(u.scale);
            if let Some(sum) = scale_up(u.mantissa, by)
                .and_then(|m| m.checked_add(self.mantissa))
                .filter(|sum| *sum < ExactUsd::LIMIT)
            {
                self.mantissa = sum;
                return Ok(());
            }
        }
        self.add_other(usd, path)
    }

    /// [`Sum::add`] of every other term.
    fn add_other(&mut self, usd: Usd, path: &dyn Fn() -> String) -> Result<()> {
        if self.scale != Sum::ROUNDED {
            let exact = match usd {
                Usd::Exact(u) => Some((u.mantissa, u.scale)),
                Usd::Decimal(d) if d.is_zero() => {
                    if matches!(self.scale, Sum::NONE | Sum::ZEROS) {
                        (self.scale, self.decimal) = (Sum::ZEROS, d);
                    }
                    return Ok(());
                }
                Usd::Decimal(d) if d.is_sign_negative() => None,
                Usd::Decimal(d) => Some((d.mantissa().unsigned_abs(), d.scale())),
            };
            if exact.is_some_and(|(m, s)| self.add_exact(m, s)) {
                return Ok(());
            }
            (self.scale, self.decimal) = (Sum::ROUNDED, self.decimal());
        }
        self.decimal = checked_add(self.decimal, usd.decimal(), &path())?;
        Ok(())
    }

    /// Adds the non-zero `m·10^-s` exactly; `false` (and the sum as it was) when the sum
    /// is rounded or would pass 96 bits.
    fn add_exact(&mut self, m: u128, s: u32) -> bool {
        if matches!(self.scale, Sum::NONE | Sum::ZEROS) {
            (self.mantissa, self.scale) = (m, s);
            return true;
        }
        if self.scale == Sum::ROUNDED {
            return false;
        }
        let scale = self.scale.max(s);
        let sum = scale_up(self.mantissa, scale - self.scale)
            .zip(scale_up(m, scale - s))
            .and_then(|(a, b)| a.checked_add(b));
        match sum {
            Some(sum) if sum < ExactUsd::LIMIT => {
                (self.mantissa, self.scale) = (sum, scale);
                true
            }
            _ => false,
        }
    }

    /// Adds the sum of later terms; `false` when the whole would differ from adding every
    /// term one by one (it rounds).
    fn join(&mut self, later: &Sum) -> bool {
        match later.scale {
            Sum::NONE => true,
            Sum::ZEROS => {
                if matches!(self.scale, Sum::NONE | Sum::ZEROS) {
                    *self = *later;
                }
                true
            }
            Sum::ROUNDED => false,
            s => self.add_exact(later.mantissa, s),
        }
    }

    fn decimal(&self) -> Decimal {
        match self.scale {
            Sum::NONE => Decimal::ZERO,
            Sum::ZEROS | Sum::ROUNDED => self.decimal,
            s => ExactUsd {
                mantissa: self.mantissa,
                scale: s,
            }
            .decimal(),
        }
    }
}

/// One group's running sums.
#[derive(Clone, Copy, Default)]
struct GroupSums {
    allocation: Sum,
    expenditure: Sum,
    records: usize,
}

impl GroupSums {
    fn add(&mut self, (a, e): (Usd, Usd), path: &dyn Fn() -> String) -> Result<()> {
        self.records += 1;
        self.allocation.add(a, path)?;
        self.expenditure.add(e, path)
    }

    fn join(&mut self, later: &GroupSums) -> bool {
        self.records += later.records;
        self.allocation.join(&later.allocation) && self.expenditure.join(&later.expenditure)
    }

    fn delivery(&self, group: String) -> GroupDelivery {
        let totals = Totals {
            allocation_usd: self.allocation.decimal(),
            expenditure_usd: self.expenditure.decimal(),
        };
        GroupDelivery {
            group,
            rate_percent: totals.rate_percent(),
            totals,
            records: self.records,
        }
    }
}

/// Delivery sums record by record, by group, over a reporting period: the engine of
/// [`delivery`], open to readers that hold records as table columns ([`RecordRef`]).
/// Consecutive runs of records may be summed apart and joined in order.
///
/// ```
/// use tcrules::delivery::{DeliverySums, GroupBy, Groups, RecordRef};
/// use tcrules::{model::SourceOfFunds, money::{Money, Rates}, period::ReportingPeriod, Policy};
/// let groups = Groups::of_cells(GroupBy::Unit, [("P1", Some("GENDER"))]).unwrap();
/// let mut sums = DeliverySums::new(&groups, ReportingPeriod::Year { year: 2005 });
/// let usd = |s: &str| Money::usd(s.parse().unwrap());
/// let r = RecordRef { project: "P1", month: "2005-03".parse().unwrap(), source: SourceOfFunds::Xbtc,
///                     allocation: usd("400"), expenditure: usd("300") };
/// sums.add(0, &r, &Rates::usd_only()).unwrap();
/// let report = sums.report(&Policy::default());
/// assert_eq!(report.groups[0].group, "GENDER");
/// assert_eq!(report.groups[0].rate_percent.unwrap().to_string(), "75");
/// ```
pub struct DeliverySums<'g, 'a> {
    groups: &'g Groups<'a>,
    period: ReportingPeriod,
    slots: FxHashMap<&'g str, usize>,
    sums: Vec<GroupSums>,
    total: GroupSums,
    /// The last record's project and its slot: records come project by project.
    last: Option<(&'a str, usize)>,
}

impl<'g, 'a> DeliverySums<'g, 'a> {
    /// No records yet.
    pub fn new(groups: &'g Groups<'a>, period: ReportingPeriod) -> Self {
        DeliverySums {
            groups,
            period,
            slots: FxHashMap::default(),
            sums: Vec::new(),
            total: GroupSums::default(),
            last: None,
        }
    }

    /// The reporting period summed over.
    pub fn period(&self) -> ReportingPeriod {
        self.period
    }

    /// Adds record `i` (its index names it in errors) when it falls in the period.
    pub fn add(&mut self, i: usize, r: &RecordRef<'a>, rates: &Rates) -> Result<()> {
        if !self.period.contains(r.month) {
            return Ok(());
        }
        let usd = record_usd(r, rates).map_err(|e| e.at(&record_path(i)()))?;
        self.add_usd(i, r.project, r.source, usd)
    }

    /// [`DeliverySums::add`] for a record whose amounts are already in US dollars: the
    /// same sums as adding it with the amounts and rates they were converted from.
    ///
    /// ```
    /// use tcrules::delivery::{ConvertedRecord, DeliverySums, GroupBy, Groups, RecordRef};
    /// use tcrules::{model::SourceOfFunds, money::{Money, Rates}, period::ReportingPeriod, Policy};
    /// let groups = Groups::of_cells(GroupBy::Project, []).unwrap();
    /// let rates = Rates::from_pairs([("EUR", "1.0842")]).unwrap();
    /// let eur = rates.usd_rate("EUR".parse().unwrap()).unwrap();
    /// let (month, source) = ("2005-03".parse().unwrap(), SourceOfFunds::Xbtc);
    /// let mut sums = DeliverySums::new(&groups, ReportingPeriod::Year { year: 2005 });
    /// let r = ConvertedRecord { project: "P1", month, source,
    ///     allocation: eur.exact(40_000, 2).unwrap(), expenditure: eur.exact(30_000, 2).unwrap() };
    /// sums.add_converted(0, &r).unwrap();
    /// let mut plain = DeliverySums::new(&groups, ReportingPeriod::Year { year: 2005 });
    /// let money = |s: &str| Money { amount: s.parse().unwrap(), currency: "EUR".parse().unwrap() };
    /// let r = RecordRef { project: "P1", month, source, allocation: money("400.00"), expenditure: money("300.00") };
    /// plain.add(0, &r, &rates).unwrap();
    /// assert_eq!(sums.report(&Policy::default()), plain.report(&Policy::default()));
    /// ```
    pub fn add_converted(&mut self, i: usize, r: &ConvertedRecord<'a>) -> Result<()> {
        if !self.period.contains(r.month) {
            return Ok(());
        }
        let usd = (Usd::Exact(r.allocation), Usd::Exact(r.expenditure));
        self.add_usd(i, r.project, r.source, usd)
    }

    /// Adds record `i`'s amounts in US dollars to its group's sums and the total.
    fn add_usd(
        &mut self,
        i: usize,
        project: &'a str,
        source: SourceOfFunds,
        usd: (Usd, Usd),
    ) -> Result<()> {
        let path = record_path(i);
        // The group of the last project is reused, except by source of funds, which is
        // not a project's attribute.
        // (The guard is a shortcut: `false` for it looks the same key up again.)
        let slot = match self.last {
            Some((id, slot))
                if same_id(id, project) && self.groups.group_by != GroupBy::SourceOfFunds =>
            {
                slot
            }
            _ => {
                let next = self.sums.len();
                let slot = *self
                    .slots
                    .entry(self.groups.key(i, project, source)?)
                    .or_insert(next);
                if slot == next {
                    self.sums.push(GroupSums::default());
                }
                self.last = Some((project, slot));
                slot
            }
        };
        if let Some(g) = self.sums.get_mut(slot) {
            g.add(usd, &path)?;
        }
        self.total.add(usd, &path)
    }

    /// Adds the sums of the records that follow this run's; `false` (and these sums
    /// unusable) when the joined sums would differ from adding every record one by one,
    /// which can happen only past `Decimal`'s 96 bits: sum those records in one run.
    pub fn join(&mut self, later: DeliverySums<'g, 'a>) -> bool {
        let mut exact = self.total.join(&later.total);
        let mut order: Vec<(&'g str, usize)> = later.slots.into_iter().collect();
        order.sort_unstable_by_key(|(_, slot)| *slot);
        for (key, slot) in order {
            let Some(theirs) = later.sums.get(slot) else {
                continue;
            };
            let next = self.sums.len();
            let mine = *self.slots.entry(key).or_insert(next);
            if mine == next {
                self.sums.push(GroupSums::default());
            }
            exact &= self.sums.get_mut(mine).is_some_and(|g| g.join(theirs));
        }
        self.last = None;
        exact
    }

    /// The report: groups in key order, the total, and the DLV findings of every group
    /// and of the total.
    pub fn report(self, policy: &Policy) -> DeliveryReport {
        let group_by = self.groups.group_by;
        let mut keys: Vec<(&str, usize)> = self.slots.into_iter().collect();
        keys.sort_unstable();
        let groups: Vec<GroupDelivery> = keys
            .into_iter()
            .map(|(k, slot)| {
                let sums = self.sums.get(slot).copied().unwrap_or_default();
                sums.delivery(k.to_owned())
            })
            .collect();
        let total = self.total.delivery("total".to_owned());
        let mut findings = Vec::new();
        for g in &groups {
            findings.extend(assess(g, group_by, policy));
        }
        if group_by != GroupBy::Portfolio {
            findings.extend(assess(&total, GroupBy::Portfolio, policy));
        }
        let d = &policy.spec().delivery;
        DeliveryReport {
            period: self.period,
            group_by,
            groups,
            total,
            band_percent: [d.band_low_percent, d.band_high_percent],
            findings,
            policy: policy.stamp_arc(),
        }
    }
}

/// Delivery by `group_by` over `period`, with DLV findings for every group and the total.
///
/// Records refer to projects by id; groupings other than project, source of funds and
/// portfolio read the project's attributes (a record of an unknown project is an error
/// naming `records[i].project`).
///
/// ```
/// use tcrules::{delivery::{self, GroupBy}, period::ReportingPeriod, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{
///   "projects": [{"id": "A", "title": "A", "unit": "GENDER", "start": "2005-01-01", "end": "2006-12-31",
///                 "budget": {"amount": "1000", "currency": "USD"}}],
///   "records": [
///     {"project": "A", "month": "2005-01", "source": "xbtc",
///      "allocation": {"amount": "100", "currency": "USD"}, "expenditure": {"amount": "50", "currency": "USD"}},
///     {"project": "A", "month": "2005-02", "source": "xbtc",
///      "allocation": {"amount": "300", "currency": "USD"}, "expenditure": {"amount": "250", "currency": "USD"}}
///   ]}"#).unwrap();
/// let r = delivery::delivery(&p.projects, &p.records, GroupBy::Unit,
///     ReportingPeriod::Year { year: 2005 }, &Policy::default(), &p.rates).unwrap();
/// assert_eq!(r.groups[0].group, "GENDER");
/// assert_eq!(r.groups[0].rate_percent.unwrap().to_string(), "75"); // 300 / 400, not the mean of 50 % and 83 %
/// ```
pub fn delivery(
    projects: &[Project],
    records: &[FinancialRecord],
    group_by: GroupBy,
    period: ReportingPeriod,
    policy: &Policy,
    rates: &Rates,
) -> Result<DeliveryReport> {
    let groups = Groups::of_projects(projects, group_by);
    let mut sums = DeliverySums::new(&groups, period);
    for (i, r) in records.iter().enumerate() {
        sums.add(i, &r.into(), rates)?;
    }
    Ok(sums.report(policy))
}

/// [`delivery`] of a whole portfolio, whose projects come with their dates: its findings
/// also flag the records outside their project's months ([`outside_dates`]). What the full
/// report and the `tcrules delivery` command give.
pub fn of_portfolio(
    portfolio: &crate::Portfolio,
    group_by: GroupBy,
    period: ReportingPeriod,
    policy: &Policy,
) -> Result<DeliveryReport> {
    let (projects, records, rates) = (&portfolio.projects, &portfolio.records, &portfolio.rates);
    let mut d = delivery(projects, records, group_by, period, policy, rates)?;
    d.findings
        .extend(outside_dates(projects, records, period, policy, rates)?);
    Ok(d)
}

/// DLV-OUTSIDE-DATES: records of the period dated outside their project's own months.
/// They are counted, as the money was spent, and flagged, so that a reader sees why a
/// project's year looks odd (RULES.md §2): one warning per project, in project order.
/// [`of_portfolio`] adds these to the delivery findings; [`delivery`] itself does not, so
/// that it answers as the columnar engine does on tables, whose projects may come without
/// their dates.
///
/// ```
/// use tcrules::{delivery, period::ReportingPeriod, Policy, Portfolio, RuleId};
/// let p: Portfolio = serde_json::from_str(r#"{
///   "projects": [{"id": "A", "title": "A", "start": "2008-01-01", "end": "2008-06-30",
///                 "budget": {"amount": "1000", "currency": "USD"}}],
///   "records": [{"project": "A", "month": "2008-07", "source": "xbtc",
///      "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "50", "currency": "USD"}}]}"#).unwrap();
/// let f = delivery::outside_dates(&p.projects, &p.records, ReportingPeriod::All, &Policy::default(), &p.rates).unwrap();
/// assert_eq!((f[0].rule, f[0].facts["records_outside"].to_string().as_str()), (RuleId::DlvOutsideDates, "1"));
/// ```
pub fn outside_dates(
    projects: &[Project],
    records: &[FinancialRecord],
    period: ReportingPeriod,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<Finding>> {
    let months: FxHashMap<&str, (usize, YearMonth, YearMonth)> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.id.as_str(),
                (i, YearMonth::of(p.start), YearMonth::of(p.end)),
            )
        })
        .collect();
    // Per project: records outside, first and last such month, amounts.
    let mut outside: BTreeMap<usize, (usize, YearMonth, YearMonth, Totals)> = BTreeMap::new();
    // Records come project by project: the last project's months are reused.
    let mut last: Option<(&str, (usize, YearMonth, YearMonth))> = None;
    for (i, r) in records.iter().enumerate() {
        if !period.contains(r.month) {
            continue;
        }
        // (The guard is a shortcut: `false` for it looks the same months up again.)
        let found = match last {
            Some((id, found)) if same_id(id, &r.project) => Some(found),
            _ => months.get(r.project.as_str()).copied(),
        };
        let Some((p, start, end)) = found else {
            continue;
        };
        last = Some((&r.project, (p, start, end)));
        if start <= r.month && r.month <= end {
            continue;
        }
        let (a, e) = record_usd(&r.into(), rates).map_err(|e| e.at(&format!("records[{i}]")))?;
        let slot = outside
            .entry(p)
            .or_insert((0, r.month, r.month, Totals::default()));
        slot.0 += 1;
        slot.1 = slot.1.min(r.month);
        slot.2 = slot.2.max(r.month);
        slot.3
            .add(a.decimal(), e.decimal(), &format!("records[{i}]"))?;
    }
    Ok(outside
        .into_iter()
        .filter_map(|(p, (n, first, last, t))| {
            let p = projects.get(p)?;
            let (start, end) = (YearMonth::of(p.start), YearMonth::of(p.end));
            // (`last <= start` and `first >= end` would answer the same: a month outside
            // the project's is never its first or its last.)
            let when = if last < start {
                format!("before its start {}", p.start)
            } else if first > end {
                format!("after its end {}", p.end)
            } else {
                format!("outside {} to {}", p.start, p.end)
            };
            let months = if first == last {
                first.to_string()
            } else {
                format!("{first} to {last}")
            };
            Some(
                Finding::new(
                    policy,
                    RuleId::DlvOutsideDates,
                    Status::Warning,
                    format!(
                        "{n} record{} dated {months}, {when}, counted: US${} spent, US${} allocated",
                        if n == 1 { "" } else { "s" },
                        crate::money::display_amount(t.expenditure_usd),
                        crate::money::display_amount(t.allocation_usd),
                    ),
                )
                .subject(format!("project {}", p.id))
                .fact("records_outside", n)
                .fact("first_month", first.to_string())
                .fact("last_month", last.to_string())
                .fact("start", p.start)
                .fact("end", p.end)
                .fact("allocation_usd", t.allocation_usd)
                .fact("expenditure_usd", t.expenditure_usd)
                .help("check the records' months against the project's dates; an extension needs the new end date"),
            )
        })
        .collect())
}

/// The DLV findings for one group's delivery: DLV-NO-ALLOCATION when nothing was
/// allocated; otherwise DLV-RATE against the policy's threshold and band, and
/// DLV-OVERSPEND when expenditure exceeds allocation.
///
/// ```
/// use tcrules::{delivery::{self, GroupBy, GroupDelivery, Totals}, Policy, RuleId, Status};
/// let t = Totals { allocation_usd: 100.into(), expenditure_usd: 59.into() };
/// let g = GroupDelivery { group: "P1".into(), rate_percent: t.rate_percent(), totals: t, records: 1 };
/// let f = delivery::assess(&g, GroupBy::Project, &Policy::default());
/// assert_eq!((f[0].rule, f[0].status), (RuleId::DlvRate, Status::Warning));
/// ```
pub fn assess(g: &GroupDelivery, group_by: GroupBy, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::with_capacity(2);
    assess_into(g, group_by, policy, &mut out);
    out
}

/// [`assess`] into `sink`, a part at a time (a columnar sink builds no [`Finding`]).
pub fn assess_into<S: Sink>(g: &GroupDelivery, group_by: GroupBy, policy: &Policy, sink: &mut S) {
    let d = &policy.spec().delivery;
    let t = &g.totals;
    let start = |sink: &mut S, rule, status, message: std::fmt::Arguments<'_>| {
        sink.finding(policy, rule, status, message);
        sink.subject(group_by.as_str(), &g.group);
        sink.fact("allocation_usd", t.allocation_usd.into());
        sink.fact("expenditure_usd", t.expenditure_usd.into());
    };
    let Some(rate) = g.rate_percent else {
        if t.expenditure_usd.is_zero() {
            start(
                sink,
                RuleId::DlvNoAllocation,
                Status::NotApplicable,
                format_args!("nothing allocated and nothing spent: delivery is undefined"),
            );
        } else {
            let spent = crate::money::display_amount(t.expenditure_usd);
            start(
                sink,
                RuleId::DlvNoAllocation,
                Status::Warning,
                format_args!("US${spent} spent with nothing allocated: delivery is undefined"),
            );
        }
        sink.fact("rate_percent", Value::Ratio(None));
        sink.help(format_args!(
            "record the allocations made available for the period"
        ));
        return;
    };
    let (low, high) = (d.band_low_percent, d.band_high_percent);
    use std::cmp::Ordering::{Greater, Less};
    let below = t.cmp_percent(d.warning_below_percent) == Some(Less);
    // Messages show one decimal; the fact keeps the reported precision.
    let shown = shown_rate(t, rate, below.then_some(d.warning_below_percent));
    let within_band = t.cmp_percent(low) != Some(Less) && t.cmp_percent(high) != Some(Greater);
    if below {
        let message = format_args!(
            "delivery {shown} % is below {} % (usual band {low}–{high} %)",
            d.warning_below_percent
        );
        start(sink, RuleId::DlvRate, Status::Warning, message);
        sink.help(format_args!(
            "review the work plan and the delivery control reports with the unit"
        ));
    } else {
        let message = format_args!("delivery {shown} % (usual band {low}–{high} %)");
        start(sink, RuleId::DlvRate, Status::Pass, message);
    }
    sink.fact("rate_percent", rate.into());
    sink.fact("warning_below_percent", d.warning_below_percent.into());
    sink.fact("band_low_percent", low.into());
    sink.fact("band_high_percent", high.into());
    sink.fact("within_band", within_band.into());
    if t.expenditure_usd > t.allocation_usd {
        let message = format_args!("expenditure exceeds allocation: delivery {shown} %");
        start(sink, RuleId::DlvOverspend, Status::Warning, message);
        sink.fact("rate_percent", rate.into());
        sink.help(format_args!(
            "check for unrecorded allocations or expenditure charged to the wrong project"
        ));
    }
}

/// The rate as a message shows it: one decimal, half away from zero, or as many more
/// decimals of the exact rate as it takes for a rate under `below` not to read as `below`
/// itself (59.9997 % is not "60.0 % is below 60 %": a displayed value never contradicts
/// its verdict, RULES.md §0).
fn shown_rate(t: &Totals, rate: Decimal, below: Option<Decimal>) -> Decimal {
    let (Some(threshold), Some(exact)) = (
        below,
        crate::money::percent(t.expenditure_usd, t.allocation_usd),
    ) else {
        return crate::money::fixed(rate, 1);
    };
    (1..=exact.scale().max(1))
        .map(|decimals| crate::money::fixed(exact, decimals))
        .find(|shown| *shown < threshold)
        .unwrap_or(exact)
}

/// One point of a year-to-date delivery curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesPoint {
    pub month: YearMonth,
    /// Cumulative since January.
    #[serde(flatten)]
    pub totals: Totals,
    pub rate_percent: Option<Decimal>,
}

/// A group's year-to-date delivery curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupSeries {
    pub group: String,
    pub points: Vec<SeriesPoint>,
}

/// Monthly year-to-date delivery by group for `year`: cumulative within the year, the
/// curve the delivery control system of R6 §140 watches. Each group has a point for every
/// month from January through the last month of `year` that has a record.
///
/// ```
/// use tcrules::{delivery::{self, GroupBy}, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [], "records": [
///   {"project": "A", "month": "2005-01", "source": "rbtc",
///    "allocation": {"amount": "100", "currency": "USD"}, "expenditure": {"amount": "10", "currency": "USD"}},
///   {"project": "A", "month": "2005-03", "source": "rbtc",
///    "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "50", "currency": "USD"}}]}"#).unwrap();
/// let s = delivery::ytd_series(&p.projects, &p.records, GroupBy::Project, 2005, &p.rates).unwrap();
/// let rates: Vec<String> = s[0].points.iter().map(|x| x.rate_percent.unwrap().to_string()).collect();
/// assert_eq!(rates, ["10", "10", "60"]);
/// ```
pub fn ytd_series(
    projects: &[Project],
    records: &[FinancialRecord],
    group_by: GroupBy,
    year: i32,
    rates: &Rates,
) -> Result<Vec<GroupSeries>> {
    let groups = Groups::of_projects(projects, group_by);
    let mut monthly: BTreeMap<String, [Totals; 12]> = BTreeMap::new();
    let mut last_month = 0u32;
    for (i, r) in records.iter().enumerate() {
        if r.month.year() != year {
            continue;
        }
        let path = record_path(i);
        let r = RecordRef::from(r);
        let (alloc, exp) = record_usd(&r, rates).map_err(|e| e.at(&path()))?;
        let months = monthly
            .entry(groups.key(i, r.project, r.source)?.to_owned())
            .or_default();
        let idx = r.month.month().saturating_sub(1) as usize;
        if let Some(t) = months.get_mut(idx) {
            t.add(alloc.decimal(), exp.decimal(), "")
                .map_err(|e| e.at(&path()))?;
        }
        last_month = last_month.max(r.month.month());
    }
    let mut out = Vec::with_capacity(monthly.len());
    for (group, months) in monthly {
        let mut cum = Totals::default();
        let mut points = Vec::with_capacity(last_month as usize);
        for (m, t) in (1..=last_month).zip(months.iter()) {
            cum.add(t.allocation_usd, t.expenditure_usd, &group)?;
            points.push(SeriesPoint {
                month: YearMonth::new(year, m)?,
                totals: cum,
                rate_percent: cum.rate_percent(),
            });
        }
        out.push(GroupSeries { group, points });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(a: i64, e: i64) -> Totals {
        Totals {
            allocation_usd: a.into(),
            expenditure_usd: e.into(),
        }
    }

    fn statuses(t: Totals) -> Vec<(RuleId, Status)> {
        let g = GroupDelivery {
            group: "g".into(),
            rate_percent: t.rate_percent(),
            totals: t,
            records: 1,
        };
        assess(&g, GroupBy::Project, &Policy::default())
            .iter()
            .map(|f| (f.rule, f.status))
            .collect()
    }

    #[test]
    fn zero_allocation_is_undefined_not_a_division() {
        assert_eq!(
            statuses(totals(0, 0)),
            [(RuleId::DlvNoAllocation, Status::NotApplicable)]
        );
        assert_eq!(
            statuses(totals(0, 5)),
            [(RuleId::DlvNoAllocation, Status::Warning)]
        );
    }

    #[test]
    fn threshold_edge_is_exact() {
        assert_eq!(statuses(totals(100, 60)), [(RuleId::DlvRate, Status::Pass)]);
        let just_below = Totals {
            allocation_usd: 100.into(),
            expenditure_usd: "59.9999999".parse().unwrap(),
        };
        assert_eq!(statuses(just_below), [(RuleId::DlvRate, Status::Warning)]);
        // 2/3 of 90: exactly 60 %, though the quotient is not a finite decimal
        assert_eq!(statuses(totals(90, 54)), [(RuleId::DlvRate, Status::Pass)]);
    }

    #[test]
    fn a_rate_just_below_the_threshold_never_reads_as_the_threshold() {
        let message = |a: &str, e: &str| {
            let t = Totals {
                allocation_usd: a.parse().unwrap(),
                expenditure_usd: e.parse().unwrap(),
            };
            let g = GroupDelivery {
                group: "P".into(),
                totals: t,
                rate_percent: t.rate_percent(),
                records: 1,
            };
            let f = assess(&g, GroupBy::Project, &Policy::default());
            (f[0].status, f[0].message.to_string())
        };
        let warning = Status::Warning;
        assert_eq!(
            message("5", "2.9999999"),
            (
                warning,
                "delivery 59.999998 % is below 60 % (usual band 60–70 %)".into()
            )
        );
        assert_eq!(
            message("10000", "5999.97"),
            (
                warning,
                "delivery 59.9997 % is below 60 % (usual band 60–70 %)".into()
            )
        );
        assert_eq!(
            message("1000", "599"),
            (
                warning,
                "delivery 59.9 % is below 60 % (usual band 60–70 %)".into()
            )
        );
        // Half away from zero where no verdict is at stake: 60.05 % shows as 60.1 %.
        assert_eq!(
            message("2000", "1201"),
            (Status::Pass, "delivery 60.1 % (usual band 60–70 %)".into())
        );
    }

    #[test]
    fn overspend_is_a_value_and_a_flag() {
        assert_eq!(
            statuses(totals(100, 120)),
            [
                (RuleId::DlvRate, Status::Pass),
                (RuleId::DlvOverspend, Status::Warning)
            ]
        );
        assert_eq!(totals(100, 120).rate_percent().unwrap(), Decimal::from(120));
    }

    #[test]
    fn band_membership_includes_both_ends() {
        let within = |t: Totals| {
            let g = GroupDelivery {
                group: "g".into(),
                rate_percent: t.rate_percent(),
                totals: t,
                records: 1,
            };
            assess(&g, GroupBy::Project, &Policy::default())[0].facts["within_band"].clone()
        };
        assert_eq!(within(totals(100, 60)), true.into());
        assert_eq!(within(totals(100, 70)), true.into());
        assert_eq!(within(totals(100, 71)), false.into());
        assert_eq!(within(totals(100, 59)), false.into());
    }

    #[test]
    fn huge_amounts_do_not_panic() {
        let t = Totals {
            allocation_usd: Decimal::MAX,
            expenditure_usd: Decimal::MAX,
        };
        assert_eq!(t.cmp_percent(60.into()), Some(std::cmp::Ordering::Greater));
        let mut t = Totals::default();
        t.add(Decimal::MAX, Decimal::ZERO, "x").unwrap();
        assert_eq!(
            t.add(Decimal::MAX, Decimal::ZERO, "x").unwrap_err().code(),
            "overflow"
        );
    }

    #[test]
    fn group_by_names_round_trip() {
        for g in GroupBy::ALL {
            assert_eq!(g.as_str().parse::<GroupBy>().unwrap(), *g);
            assert_eq!(
                serde_json::to_string(g).unwrap(),
                format!("\"{}\"", g.as_str())
            );
        }
    }

    #[test]
    fn project_cells_give_the_key_of_each_grouping() {
        let key = |by, cell| {
            let groups = Groups::of_cells(by, [("P1", Some(cell))]).unwrap();
            groups.key(0, "P1", SourceOfFunds::Xbtc).unwrap().to_owned()
        };
        assert_eq!(key(GroupBy::StrategicObjective, "employment"), "employment");
        let donors = "Italy|multi_bilateral;UNDP|united_nations";
        // Several donors are the group jointly, never the first one alone.
        assert_eq!(key(GroupBy::Donor, donors), "Italy + UNDP");
        assert_eq!(
            key(GroupBy::DonorCategory, donors),
            "multi_bilateral + united_nations"
        );
        assert_eq!(key(GroupBy::Donor, "Norway|multi_bilateral"), "Norway");
        assert_eq!(key(GroupBy::Region, "arab_states"), "arab_states");
        assert_eq!(key(GroupBy::Unit, "GENDER"), "GENDER");
        // A bad cell is the grouping's error, not its text.
        assert!(Groups::of_cells(GroupBy::StrategicObjective, [("P1", Some("jobs"))]).is_err());
        assert!(Groups::of_cells(GroupBy::DonorCategory, [("P1", Some("Italy|nowhere"))]).is_err());
    }

    #[test]
    fn project_ids_match_whole() {
        assert!(same_id("P10", "P10") && same_id("", ""));
        assert!(!same_id("P1", "P10") && !same_id("P10", "P1") && !same_id("P1", "P2"));
    }

    #[test]
    fn by_source_of_funds_one_project_s_records_split_by_source() {
        let p: crate::Portfolio = serde_json::from_value(serde_json::json!({
            "projects": [{"id": "P1", "title": "P1", "start": "2005-01-01", "end": "2005-12-31",
                          "budget": {"amount": "1", "currency": "USD"}}],
            "records": [
                {"project": "P1", "month": "2005-01", "source": "xbtc",
                 "allocation": {"amount": "100", "currency": "USD"}, "expenditure": {"amount": "60", "currency": "USD"}},
                {"project": "P1", "month": "2005-02", "source": "rbtc",
                 "allocation": {"amount": "10", "currency": "USD"}, "expenditure": {"amount": "9", "currency": "USD"}}]
        })).unwrap();
        let d = delivery(
            &p.projects,
            &p.records,
            GroupBy::SourceOfFunds,
            ReportingPeriod::All,
            &Policy::default(),
            &p.rates,
        )
        .unwrap();
        let groups: Vec<(&str, String)> = d
            .groups
            .iter()
            .map(|g| (g.group.as_str(), g.totals.expenditure_usd.to_string()))
            .collect();
        assert_eq!(
            groups,
            [("rbtc", "9".to_owned()), ("xbtc", "60".to_owned())]
        );
    }

    #[test]
    fn sums_match_adding_one_by_one_at_the_edges_of_96_bits_and_28_places() {
        let limit = ExactUsd::LIMIT;
        let max = u128::try_from(Decimal::MAX.mantissa()).unwrap();
        let cases: [&[(u128, u32)]; 9] = [
            &[(limit - 2, 0), (1, 0)],
            &[(limit - 1, 0), (1, 0)],
            &[(max, 0), (0, 0)],
            &[(1, 28), (1, 0)],
            &[(8, 0), (1, 28)],
            &[(1, 0), (1, 28), (limit - 1, 28)],
            &[(max / 10, 1), (max / 10, 1)],
            &[(0, 3), (5, 1), (0, 5)],
            &[(limit / 2, 0), (limit / 2 - 1, 0), (1, 0)],
        ];
        for terms in cases {
            let mut sum = Sum::default();
            let mut reference = Some(Decimal::ZERO);
            let mut failed = false;
            for &(m, s) in terms {
                let usd = if m > 0 && m < limit {
                    Usd::Exact(ExactUsd {
                        mantissa: m,
                        scale: s,
                    })
                } else {
                    Usd::Decimal(Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), s))
                };
                reference = reference.and_then(|r| r.checked_add(usd.decimal()));
                failed |= sum.add(usd, &|| String::new()).is_err();
            }
            let got = (!failed).then(|| sum.decimal().to_string());
            assert_eq!(got, reference.map(|r| r.to_string()), "{terms:?}");
        }
    }

    #[test]
    fn each_grouping_reads_its_own_project_column() {
        // The column a projects table must have (the CLI and the columnar engine ask for
        // it, and a bad cell's error names it); none for the groupings a record decides.
        let columns = [
            (GroupBy::Project, None),
            (GroupBy::Unit, Some("unit")),
            (GroupBy::FieldOffice, Some("field_office")),
            (GroupBy::Country, Some("country")),
            (GroupBy::Region, Some("region")),
            (GroupBy::Donor, Some("donors")),
            (GroupBy::DonorCategory, Some("donors")),
            (GroupBy::StrategicObjective, Some("strategic_objective")),
            (GroupBy::SourceOfFunds, None),
            (GroupBy::Portfolio, None),
        ];
        assert_eq!(columns.len(), GroupBy::ALL.len());
        for (g, column) in columns {
            assert_eq!(g.project_column(), column, "{}", g.as_str());
        }
        let e = Groups::of_cells(GroupBy::StrategicObjective, [("P1", Some("jobs"))]).unwrap_err();
        assert_eq!(e.path(), "projects[0].strategic_objective");
    }

    #[test]
    fn a_region_cell_groups_under_the_region_s_code() {
        // A region written by its label groups with the same region written by its code.
        let groups = Groups::of_cells(GroupBy::Region, [("P1", Some("Arab States"))]).unwrap();
        assert_eq!(groups.of_project("P1"), Some("arab_states"));
        assert!(Groups::of_cells(GroupBy::Region, [("P1", Some("atlantis"))]).is_err());
    }

    #[test]
    fn a_term_scaled_past_96_bits_is_summed_without_overflow() {
        // 1 US$ at ten places, then a term whose ten-place scaling lies within 2^96 of
        // 2^128: it must leave the shortcut before that scaling is added to the sum.
        let ten = 10_000_000_000_u128;
        let terms = [(ten, 10), (u128::MAX / ten, 0)];
        let mut sum = Sum::default();
        let mut reference = Decimal::ZERO;
        for (m, s) in terms {
            let usd = Usd::Exact(ExactUsd {
                mantissa: m,
                scale: s,
            });
            reference = reference.checked_add(usd.decimal()).unwrap();
            sum.add(usd, &|| String::new()).unwrap();
        }
        assert_eq!(sum.decimal(), reference);
        assert_eq!(reference.to_string(), "34028236692093846346337460744");
    }

    #[test]
    fn a_negative_term_goes_on_in_decimal() {
        // Records are checked non-negative before they are summed, but the sum itself
        // must not add a negative term's magnitude.
        let mut sum = Sum::default();
        let terms = [
            Usd::Exact(ExactUsd {
                mantissa: 1,
                scale: 0,
            }),
            Usd::Decimal(Decimal::new(-5, 1)),
        ];
        for usd in terms {
            sum.add(usd, &|| String::new()).unwrap();
        }
        assert_eq!(sum.decimal().to_string(), "0.5");
    }

    /// Records of two projects and two months, as a portfolio reads them.
    fn two_projects() -> crate::Portfolio {
        let record = |project: &str, month: &str, allocation: &str, expenditure: &str| {
            serde_json::json!({"project": project, "month": month, "source": "xbtc",
                "allocation": {"amount": allocation, "currency": "USD"},
                "expenditure": {"amount": expenditure, "currency": "USD"}})
        };
        serde_json::from_value(serde_json::json!({
            "projects": [
                {"id": "P1", "title": "P1", "start": "2008-01-01", "end": "2008-06-30",
                 "budget": {"amount": "1", "currency": "USD"}},
                {"id": "P2", "title": "P2", "start": "2009-01-01", "end": "2009-12-31",
                 "budget": {"amount": "1", "currency": "USD"}}],
            "records": [
                record("P1", "2008-03", "100.5", "60.25"),
                record("P2", "2009-05", "10", "9.125"),
                record("P2", "2008-11", "7", "3"),
            ]
        }))
        .unwrap()
    }

    #[test]
    fn runs_summed_apart_join_exactly() {
        // Exact sums join exactly (`true`): only a sum past 96 bits makes a caller
        // re-sum the records in one run.
        let p = two_projects();
        let groups = Groups::of_projects(&p.projects, GroupBy::Project);
        fn summed<'g, 'a>(
            groups: &'g Groups<'a>,
            records: &'a [FinancialRecord],
            rates: &Rates,
        ) -> DeliverySums<'g, 'a> {
            let mut sums = DeliverySums::new(groups, ReportingPeriod::All);
            for (i, r) in records.iter().enumerate() {
                sums.add(i, &r.into(), rates).unwrap();
            }
            sums
        }
        let run = |records| summed(&groups, records, &p.rates);
        let (first, later) = p.records.split_at(2);
        let mut joined = run(first);
        assert!(joined.join(run(later)));
        let policy = Policy::default();
        assert_eq!(joined.report(&policy), run(&p.records).report(&policy));
    }

    #[test]
    fn records_outside_are_judged_by_their_own_project_s_dates() {
        let p = two_projects();
        let f = outside_dates(
            &p.projects,
            &p.records,
            ReportingPeriod::All,
            &Policy::default(),
            &p.rates,
        )
        .unwrap();
        // Only P2's record of 2008-11, before P2's start; P2's 2009 record is inside its
        // own dates though outside P1's, which the record before it belongs to.
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject.as_deref(), Some("project P2"));
        assert_eq!(f[0].facts["records_outside"].to_string(), "1");
        assert!(
            f[0].message
                .to_string()
                .contains("before its start 2009-01-01"),
            "{}",
            f[0].message
        );
    }
}

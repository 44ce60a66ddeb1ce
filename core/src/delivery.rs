//! Delivery (DLV): how much of the resources made available to a programme were spent
//! (R6 §140, §170–172).
//!
//! `delivery rate = expenditure / allocations` for the same period and scope: the ILO's
//! own definition (GB.267/TC/1, Appendix I, table C: "Alloc. / Expend. / %"). The rate of a
//! group is Σexpenditure / Σallocation, never the mean of its members' rates. No
//! allocation means no rate ("undefined", with a finding), never a division by zero.
//! Over 100 % is a legitimate value and is flagged. Thresholds are compared exactly, by
//! cross-multiplication; `rate_percent` is rounded to four decimal places for reporting.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::{Finding, RuleId, Status};
use crate::model::{FinancialRecord, Project};
use crate::money::{checked_add, Rates};
use crate::period::{ReportingPeriod, YearMonth};
use crate::policy::{Policy, PolicyStamp};

/// Decimal places of `rate_percent` in reports.
pub const RATE_DECIMALS: u32 = 4;

/// The scope delivery is aggregated over (R6 §140: units and field offices; R6 §170–172).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Project,
    Unit,
    FieldOffice,
    Country,
    Region,
    /// The project's lead (first) donor.
    Donor,
    /// The lead donor's category.
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

/// Finds each record's project and its group key.
struct Grouper<'a> {
    by_id: HashMap<&'a str, &'a Project>,
    group_by: GroupBy,
}

impl<'a> Grouper<'a> {
    fn new(projects: &'a [Project], group_by: GroupBy) -> Self {
        Grouper {
            by_id: projects.iter().map(|p| (p.id.as_str(), p)).collect(),
            group_by,
        }
    }

    /// The group of a record; `path` locates it for errors. Keys borrow from the inputs.
    fn key<'r>(&'r self, r: &'r FinancialRecord, path: impl Fn() -> String) -> Result<&'r str> {
        let project = || {
            self.by_id
                .get(r.project.as_str())
                .copied()
                .ok_or_else(|| Error::UnknownProject {
                    path: format!("{}.project", path()),
                    id: r.project.clone(),
                })
        };
        let or_unassigned = |s: Option<&'r str>| s.unwrap_or(UNASSIGNED);
        Ok(match self.group_by {
            GroupBy::Project => &r.project,
            GroupBy::SourceOfFunds => r.source.as_str(),
            GroupBy::Portfolio => "portfolio",
            GroupBy::Unit => or_unassigned(project()?.unit.as_deref()),
            GroupBy::FieldOffice => or_unassigned(project()?.field_office.as_deref()),
            GroupBy::Country => or_unassigned(project()?.country.as_deref()),
            GroupBy::Region => or_unassigned(project()?.region.map(|r| r.as_str())),
            GroupBy::Donor => or_unassigned(project()?.lead_donor().map(|d| d.name.as_str())),
            GroupBy::DonorCategory => {
                or_unassigned(project()?.lead_donor().map(|d| d.category.as_str()))
            }
            GroupBy::StrategicObjective => {
                or_unassigned(project()?.strategic_objective.map(|s| s.as_str()))
            }
        })
    }
}

/// One record's amounts in US dollars, checked; error paths are relative to the record.
fn record_usd(r: &FinancialRecord, rates: &Rates) -> Result<(Decimal, Decimal)> {
    r.allocation.non_negative("allocation")?;
    r.expenditure.non_negative("expenditure")?;
    Ok((
        rates.to_usd(&r.allocation, "allocation.amount")?,
        rates.to_usd(&r.expenditure, "expenditure.amount")?,
    ))
}

/// The path of record `i`, built only for an error.
fn record_path(i: usize) -> impl Fn() -> String {
    move || format!("records[{i}]")
}

/// Allocation and expenditure summed record by record.
trait Sums: Default + Copy {
    /// Adds one record's US-dollar amounts; `Ok(false)` when these sums cannot hold them
    /// exactly.
    fn add(&mut self, allocation: Decimal, expenditure: Decimal) -> Result<bool>;
    fn totals(&self) -> Totals;
}

impl Sums for Totals {
    fn add(&mut self, allocation: Decimal, expenditure: Decimal) -> Result<bool> {
        Totals::add(self, allocation, expenditure, "").map(|()| true)
    }

    fn totals(&self) -> Totals {
        *self
    }
}

/// A sum of non-negative decimals equal, digit for digit and scale for scale, to adding
/// them one by one with `Decimal`: the exact sum at the largest scale of its non-zero
/// terms, or the last zero term while there is no other. Kept as an integer; it gives up
/// on a negative term or a sum past `Decimal`'s 96 bits, where `Decimal` would round.
#[derive(Clone, Copy, Default)]
struct ExactSum {
    mantissa: u128,
    scale: u32,
    zero: Decimal,
}

impl ExactSum {
    const LIMIT: u128 = 1 << 96;

    fn add(&mut self, d: Decimal) -> bool {
        if d.is_zero() {
            if self.mantissa == 0 {
                self.zero = d;
            }
            return true;
        }
        if d.is_sign_negative() {
            return false;
        }
        let (m, s) = (d.mantissa().unsigned_abs(), d.scale());
        if self.mantissa == 0 {
            (self.mantissa, self.scale) = (m, s);
            return true;
        }
        let up = |m: u128, by: u32| match by {
            0 => Some(m),
            _ => 10u128.checked_pow(by).and_then(|p| m.checked_mul(p)),
        };
        if s > self.scale {
            match up(self.mantissa, s - self.scale) {
                Some(m) => (self.mantissa, self.scale) = (m, s),
                None => return false,
            }
        }
        match up(m, self.scale - s).and_then(|m| m.checked_add(self.mantissa)) {
            Some(sum) if sum < Self::LIMIT => {
                self.mantissa = sum;
                true
            }
            _ => false,
        }
    }

    fn decimal(&self) -> Decimal {
        if self.mantissa == 0 {
            return self.zero;
        }
        i128::try_from(self.mantissa)
            .ok()
            .and_then(|m| Decimal::try_from_i128_with_scale(m, self.scale).ok())
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy, Default)]
struct ExactTotals(ExactSum, ExactSum);

impl Sums for ExactTotals {
    fn add(&mut self, allocation: Decimal, expenditure: Decimal) -> Result<bool> {
        Ok(self.0.add(allocation) && self.1.add(expenditure))
    }

    fn totals(&self) -> Totals {
        Totals {
            allocation_usd: self.0.decimal(),
            expenditure_usd: self.1.decimal(),
        }
    }
}

/// Each group's totals and record count in key order, and the whole's, over the records in
/// `period`; `None` when `S` cannot hold the sums exactly.
#[allow(clippy::type_complexity)]
fn sum_groups<'a, S: Sums>(
    records: &'a [FinancialRecord],
    grouper: &'a Grouper<'a>,
    period: ReportingPeriod,
    rates: &Rates,
) -> Result<Option<(Vec<(&'a str, (Totals, usize))>, (Totals, usize))>> {
    // Each group's sums sit in a slot; groups are put in key order at the end.
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut sums: Vec<(S, usize)> = Vec::new();
    let mut total = (S::default(), 0usize);
    // Records come project by project: the slot of the last project is reused, except
    // by source of funds, which is not a project's attribute.
    let by_project = grouper.group_by != GroupBy::SourceOfFunds;
    let mut last: Option<(&str, usize)> = None;
    for (i, r) in records.iter().enumerate() {
        if !period.contains(r.month) {
            continue;
        }
        let path = record_path(i);
        let (alloc, exp) = record_usd(r, rates).map_err(|e| e.at(&path()))?;
        let slot = match last {
            Some((id, slot)) if by_project && id == r.project => slot,
            _ => {
                let next = sums.len();
                let slot = *slots.entry(grouper.key(r, &path)?).or_insert(next);
                if slot == next {
                    sums.push(Default::default());
                }
                last = Some((&r.project, slot));
                slot
            }
        };
        let mut add = |(s, n): &mut (S, usize)| {
            *n += 1;
            s.add(alloc, exp).map_err(|e| e.at(&path()))
        };
        let in_group = sums.get_mut(slot).map_or(Ok(true), &mut add)?;
        if !(in_group && add(&mut total)?) {
            return Ok(None);
        }
    }
    let mut keys: Vec<(&str, usize)> = slots.into_iter().collect();
    keys.sort_unstable();
    let groups = keys
        .into_iter()
        .map(|(k, slot)| {
            let (s, n) = sums.get(slot).copied().unwrap_or_default();
            (k, (s.totals(), n))
        })
        .collect();
    Ok(Some((groups, (total.0.totals(), total.1))))
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
    let grouper = Grouper::new(projects, group_by);
    // Integer sums give the same totals faster; where they cannot, `Decimal` adds again.
    let (groups, total) = match sum_groups::<ExactTotals>(records, &grouper, period, rates)? {
        Some(sums) => sums,
        None => sum_groups::<Totals>(records, &grouper, period, rates)?.unwrap_or_default(),
    };
    let row = |group: String, (totals, n): (Totals, usize)| GroupDelivery {
        group,
        rate_percent: totals.rate_percent(),
        totals,
        records: n,
    };
    let groups: Vec<GroupDelivery> = groups
        .into_iter()
        .map(|(k, sums)| row(k.to_owned(), sums))
        .collect();
    let total = row("total".to_owned(), total);
    let mut findings = Vec::new();
    for g in &groups {
        findings.extend(assess(g, group_by, policy));
    }
    if group_by != GroupBy::Portfolio {
        findings.extend(assess(&total, GroupBy::Portfolio, policy));
    }
    let d = &policy.spec().delivery;
    Ok(DeliveryReport {
        period,
        group_by,
        groups,
        total,
        band_percent: [d.band_low_percent, d.band_high_percent],
        findings,
        policy: policy.stamp_arc(),
    })
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
    let d = &policy.spec().delivery;
    let subject = format!("{} {}", group_by.as_str(), g.group);
    let t = &g.totals;
    let base = |f: Finding| {
        f.subject(subject.clone())
            .fact("allocation_usd", t.allocation_usd)
            .fact("expenditure_usd", t.expenditure_usd)
    };
    let Some(rate) = g.rate_percent else {
        let status = if t.expenditure_usd.is_zero() {
            Status::NotApplicable
        } else {
            Status::Warning
        };
        return vec![base(Finding::new(
            policy,
            RuleId::DlvNoAllocation,
            status,
            if t.expenditure_usd.is_zero() {
                "nothing allocated and nothing spent: delivery is undefined".to_owned()
            } else {
                format!(
                    "US${} spent with nothing allocated: delivery is undefined",
                    crate::money::group_thousands(&t.expenditure_usd.round_dp(2))
                )
            },
        ))
        .fact("rate_percent", "undefined")
        .help("record the allocations made available for the period")];
    };
    let band = format!("{}–{} %", d.band_low_percent, d.band_high_percent);
    // Messages show one decimal; the fact keeps the reported precision.
    let shown = crate::money::fixed(rate, 1);
    use std::cmp::Ordering::{Greater, Less};
    let below = t.cmp_percent(d.warning_below_percent) == Some(Less);
    let within_band = t.cmp_percent(d.band_low_percent) != Some(Less)
        && t.cmp_percent(d.band_high_percent) != Some(Greater);
    let mut out = vec![base(if below {
        Finding::new(
            policy,
            RuleId::DlvRate,
            Status::Warning,
            format!(
                "delivery {shown} % is below {} % (usual band {band})",
                d.warning_below_percent
            ),
        )
        .help("review the work plan and the delivery control reports with the unit")
    } else {
        Finding::new(
            policy,
            RuleId::DlvRate,
            Status::Pass,
            format!("delivery {shown} % (usual band {band})"),
        )
    })
    .fact("rate_percent", rate)
    .fact("warning_below_percent", d.warning_below_percent)
    .fact("band_low_percent", d.band_low_percent)
    .fact("band_high_percent", d.band_high_percent)
    .fact("within_band", within_band)];
    if t.expenditure_usd > t.allocation_usd {
        out.push(
            base(Finding::new(
                policy,
                RuleId::DlvOverspend,
                Status::Warning,
                format!("expenditure exceeds allocation: delivery {shown} %"),
            ))
            .fact("rate_percent", rate)
            .help("check for unrecorded allocations or expenditure charged to the wrong project"),
        );
    }
    out
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
    let grouper = Grouper::new(projects, group_by);
    let mut monthly: BTreeMap<String, [Totals; 12]> = BTreeMap::new();
    let mut last_month = 0u32;
    for (i, r) in records.iter().enumerate() {
        if r.month.year() != year {
            continue;
        }
        let path = record_path(i);
        let (alloc, exp) = record_usd(r, rates).map_err(|e| e.at(&path()))?;
        let months = monthly
            .entry(grouper.key(r, &path)?.to_owned())
            .or_default();
        let idx = r.month.month().saturating_sub(1) as usize;
        if let Some(t) = months.get_mut(idx) {
            t.add(alloc, exp, "").map_err(|e| e.at(&path()))?;
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
}

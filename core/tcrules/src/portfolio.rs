//! Portfolio balance (PF): approvals by donor and donor category with period averages,
//! shares and change (R6 Table V.1 from Annex 2), donor concentration (R6 §158, with a
//! Herfindahl index), expenditure by region and by strategic objective (Table V.2,
//! Figure V.3), and locally mobilized resources (R6 §159, Annex 1).
//!
//! Shares are exact decimals rounded to the policy's `share_decimals` by the
//! largest-remainder rule ([`round_shares`]), so every set of shares sums to exactly 100.
//! Averages and changes are computed from exact totals and rounded half away from zero
//! only for display.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::delivery::{self, GroupBy};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::model::{Approval, DonorCategory, FinancialRecord, Portfolio};
use crate::money::{checked_add, cmp_percent, fixed, percent, round_shares, Rates};
use crate::period::ReportingPeriod;
use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Status};

/// An inclusive range of years, such as 2000-04. Serialized as `"2000-2004"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

impl YearRange {
    /// A range; `from` must not be after `to`.
    pub fn new(from: i32, to: i32) -> Result<YearRange> {
        if from > to {
            return Err(Error::invalid(
                "periods",
                format!("{from}-{to}: the first year is after the last"),
            ));
        }
        Ok(YearRange { from, to })
    }

    /// Number of years.
    pub fn years(&self) -> i64 {
        i64::from(self.to) - i64::from(self.from) + 1
    }

    fn contains(&self, year: i32) -> bool {
        (self.from..=self.to).contains(&year)
    }

    /// Five-year blocks aligned on years ending in 0 and 5 (1995-99, 2000-04, as in R6)
    /// that cover `years`.
    pub fn quinquennia(years: impl IntoIterator<Item = i32>) -> Vec<YearRange> {
        let mut starts: Vec<i32> = years.into_iter().map(|y| y - y.rem_euclid(5)).collect();
        starts.sort_unstable();
        starts.dedup();
        starts
            .into_iter()
            .map(|s| YearRange {
                from: s,
                to: s.saturating_add(4),
            })
            .collect()
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

impl std::str::FromStr for YearRange {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "periods",
                format!("{s:?} is not a year range like 2000-2004"),
            )
        };
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let from: i32 = a.trim().parse().map_err(|_| bad())?;
        let to: i32 = b.trim().parse().map_err(|_| bad())?;
        YearRange::new(from, to)
    }
}

impl Serialize for YearRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}-{}", self.from, self.to))
    }
}

impl<'de> Deserialize<'de> for YearRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse()
            .map_err(|e: Error| serde::de::Error::custom(e.to_string()))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for YearRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YearRange".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^-?[0-9]+-(-?[0-9]+)$"})
    }
}

/// What the rows of an approvals table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKey {
    Donor,
    DonorCategory,
    /// The policy's reporting groups of categories (R6 Table V.1).
    CategoryGroup,
}

/// One row's figures in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PeriodFigures {
    pub total_usd: Decimal,
    /// Yearly average, exact.
    pub average_usd: Decimal,
    /// Share of the period's total, rounded to the policy's decimals (sums to 100).
    pub share_percent: Decimal,
}

/// One row of an approvals table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalRow {
    pub key: String,
    /// One entry per period, in the table's period order.
    pub periods: Vec<PeriodFigures>,
    /// Change of the yearly average from the first to the last period, in per cent,
    /// rounded to the policy's decimals; `null` when the first average is zero.
    pub change_percent: Option<Decimal>,
}

/// Approvals by donor, category or group over periods (R6 Table V.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalTable {
    pub key: ApprovalKey,
    pub periods: Vec<YearRange>,
    pub rows: Vec<ApprovalRow>,
    pub total: ApprovalRow,
}

fn group_label(a: &Approval, key: ApprovalKey, policy: &Policy) -> (u8, String) {
    let rank = DonorCategory::ALL
        .iter()
        .position(|c| *c == a.category)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(u8::MAX);
    match key {
        ApprovalKey::Donor => (0, a.donor.clone()),
        ApprovalKey::DonorCategory => (rank, a.category.label().to_owned()),
        ApprovalKey::CategoryGroup => {
            match policy.spec().portfolio.category_groups.get(&a.category) {
                Some(g) => {
                    // A group ranks by its first member category.
                    let first = policy
                        .spec()
                        .portfolio
                        .category_groups
                        .iter()
                        .filter(|(_, name)| *name == g)
                        .filter_map(|(c, _)| DonorCategory::ALL.iter().position(|x| x == c))
                        .min()
                        .and_then(|p| u8::try_from(p).ok())
                        .unwrap_or(rank);
                    (first, g.clone())
                }
                None => (rank, a.category.label().to_owned()),
            }
        }
    }
}

/// Approvals by `key` for each period: totals, yearly averages, shares and the change of
/// the average from the first to the last period.
///
/// ```
/// use tcrules::{portfolio::{self, ApprovalKey, YearRange}, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"approvals": [
///   {"donor": "UNDP", "category": "united_nations", "year": 1995, "amount": {"amount": "100", "currency": "USD"}},
///   {"donor": "Norway", "category": "multi_bilateral", "year": 2000, "amount": {"amount": "300", "currency": "USD"}},
///   {"donor": "UNDP", "category": "united_nations", "year": 2000, "amount": {"amount": "100", "currency": "USD"}}]}"#).unwrap();
/// let periods = [YearRange::new(1995, 1999).unwrap(), YearRange::new(2000, 2004).unwrap()];
/// let t = portfolio::approvals_table(&p.approvals, ApprovalKey::DonorCategory, &periods, &Policy::default(), &p.rates).unwrap();
/// assert_eq!(t.total.periods[1].average_usd.to_string(), "80");
/// assert_eq!(t.total.change_percent.unwrap().to_string(), "300.0");
/// ```
pub fn approvals_table(
    approvals: &[Approval],
    key: ApprovalKey,
    periods: &[YearRange],
    policy: &Policy,
    rates: &Rates,
) -> Result<ApprovalTable> {
    let decimals = policy.spec().portfolio.share_decimals;
    let n = periods.len();
    let mut rows: BTreeMap<(u8, String), Vec<Decimal>> = BTreeMap::new();
    let mut total = vec![Decimal::ZERO; n];
    for (i, a) in approvals.iter().enumerate() {
        let at = format!("approvals[{i}].amount");
        let Some(pi) = periods.iter().position(|p| p.contains(a.year)) else {
            continue;
        };
        a.amount.non_negative(&at)?;
        let usd = rates.to_usd_in_year(&a.amount, a.year, &format!("{at}.amount"))?;
        let row = rows
            .entry(group_label(a, key, policy))
            .or_insert_with(|| vec![Decimal::ZERO; n]);
        if let (Some(r), Some(t)) = (row.get_mut(pi), total.get_mut(pi)) {
            *r = checked_add(*r, usd, &at)?;
            *t = checked_add(*t, usd, &at)?;
        }
    }
    let mut ordered: Vec<(String, Vec<Decimal>)> =
        rows.into_iter().map(|((_, k), v)| (k, v)).collect();
    if key == ApprovalKey::Donor {
        // Largest donors first in the last period, as R6 Annex 2 lists them.
        ordered.sort_by(|a, b| b.1.last().cmp(&a.1.last()).then_with(|| a.0.cmp(&b.0)));
    }
    // Shares per period, by the largest-remainder rule across the rows.
    let shares: Vec<Vec<Decimal>> = (0..n)
        .map(|pi| {
            let col: Vec<Decimal> = ordered
                .iter()
                .map(|(_, v)| v.get(pi).copied().unwrap_or_default())
                .collect();
            round_shares(&col, decimals)
        })
        .collect();
    let make_row =
        |key: String, totals: &[Decimal], share_of: &dyn Fn(usize) -> Decimal| -> ApprovalRow {
            let figures: Vec<PeriodFigures> = periods
                .iter()
                .zip(totals)
                .enumerate()
                .map(|(pi, (p, t))| PeriodFigures {
                    total_usd: *t,
                    average_usd: t
                        .checked_div(Decimal::from(p.years()))
                        .unwrap_or_default()
                        .normalize(),
                    share_percent: share_of(pi),
                })
                .collect();
            let change_percent = match (figures.first(), figures.last()) {
                (Some(first), Some(last)) if figures.len() > 1 => last
                    .average_usd
                    .checked_sub(first.average_usd)
                    .and_then(|diff| percent(diff, first.average_usd))
                    .map(|c| fixed(c, decimals)),
                _ => None,
            };
            ApprovalRow {
                key,
                periods: figures,
                change_percent,
            }
        };
    let rows = ordered
        .iter()
        .enumerate()
        .map(|(ri, (k, v))| {
            make_row(k.clone(), v, &|pi| {
                shares
                    .get(pi)
                    .and_then(|s| s.get(ri))
                    .copied()
                    .unwrap_or_default()
            })
        })
        .collect();
    let hundred = |pi: usize| {
        if total.get(pi).is_some_and(|t| !t.is_zero()) {
            fixed(Decimal::ONE_HUNDRED, decimals)
        } else {
            Decimal::ZERO
        }
    };
    let total_row = make_row("Total".to_owned(), &total, &hundred);
    Ok(ApprovalTable {
        key,
        periods: periods.to_vec(),
        rows,
        total: total_row,
    })
}

/// A donor's part of total approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DonorShare {
    pub donor: String,
    pub amount_usd: Decimal,
    pub share_percent: Decimal,
}

/// Donor concentration over a period (R6 §158).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Concentration {
    pub period: YearRange,
    /// The policy's top N donors, largest first.
    pub top: Vec<DonorShare>,
    /// Their combined share, exact then rounded to the policy's decimals.
    pub top_share_percent: Decimal,
    /// Herfindahl–Hirschman index: Σ (share in per cent)², 0–10,000, two decimals.
    pub herfindahl: Decimal,
    pub donors: usize,
    /// The top N donors' approvals.
    pub top_amount_usd: Decimal,
    /// All approvals in the period.
    pub total_usd: Decimal,
}

/// Concentration of approvals among donors in `period`: the top-N share and the
/// Herfindahl index.
///
/// ```
/// use tcrules::{portfolio::{self, YearRange}, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"approvals": [
///   {"donor": "A", "category": "multi_bilateral", "year": 2000, "amount": {"amount": "50", "currency": "USD"}},
///   {"donor": "B", "category": "multi_bilateral", "year": 2001, "amount": {"amount": "50", "currency": "USD"}}]}"#).unwrap();
/// let c = portfolio::concentration(&p.approvals, YearRange::new(2000, 2004).unwrap(), &Policy::default(), &p.rates).unwrap();
/// assert_eq!(c.herfindahl.to_string(), "5000.00");
/// ```
pub fn concentration(
    approvals: &[Approval],
    period: YearRange,
    policy: &Policy,
    rates: &Rates,
) -> Result<Concentration> {
    let decimals = policy.spec().portfolio.share_decimals;
    let mut by_donor: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for (i, a) in approvals.iter().enumerate() {
        if !period.contains(a.year) {
            continue;
        }
        let at = format!("approvals[{i}].amount");
        a.amount.non_negative(&at)?;
        let usd = rates.to_usd_in_year(&a.amount, a.year, &format!("{at}.amount"))?;
        let slot = by_donor.entry(a.donor.as_str()).or_default();
        *slot = checked_add(*slot, usd, &at)?;
        total = checked_add(total, usd, &at)?;
    }
    let mut donors: Vec<(&str, Decimal)> = by_donor.into_iter().collect();
    donors.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let top_n = usize::try_from(policy.spec().portfolio.top_n).unwrap_or(usize::MAX);
    let exact: Vec<Decimal> = donors
        .iter()
        .map(|(_, v)| percent(*v, total).unwrap_or_default())
        .collect();
    let mut hhi = Decimal::ZERO;
    for s in &exact {
        hhi = checked_add(hhi, s.checked_mul(*s).unwrap_or_default(), "approvals")?;
    }
    let top_amount = donors
        .iter()
        .take(top_n)
        .try_fold(Decimal::ZERO, |a, (_, v)| checked_add(a, *v, "approvals"))?;
    Ok(Concentration {
        period,
        top: donors
            .iter()
            .zip(&exact)
            .take(top_n)
            .map(|((d, v), s)| DonorShare {
                donor: (*d).to_owned(),
                amount_usd: *v,
                share_percent: fixed(*s, decimals),
            })
            .collect(),
        top_share_percent: fixed(percent(top_amount, total).unwrap_or_default(), decimals),
        herfindahl: fixed(hhi, 2),
        donors: donors.len(),
        top_amount_usd: top_amount,
        total_usd: total,
    })
}

/// The PF-CONCENTRATION finding: a warning when the top-N share is above the policy's
/// threshold (R6 §158: three donors with 53 per cent "clearly points to the need ... to
/// diversify").
///
/// ```
/// use tcrules::{portfolio::{self, YearRange}, Policy, Portfolio, Status};
/// let p: Portfolio = serde_json::from_str(r#"{"approvals": [
///   {"donor": "A", "category": "multi_bilateral", "year": 2000, "amount": {"amount": "60", "currency": "USD"}},
///   {"donor": "B", "category": "multi_bilateral", "year": 2000, "amount": {"amount": "40", "currency": "USD"}}]}"#).unwrap();
/// let mut policy = Policy::default().spec().clone();
/// policy.portfolio.top_n = 1;
/// let policy = Policy::from_spec(policy).unwrap();
/// let c = portfolio::concentration(&p.approvals, YearRange::new(2000, 2004).unwrap(), &policy, &p.rates).unwrap();
/// assert_eq!(portfolio::concentration_finding(&c, &policy).status, Status::Warning); // 60 % > 50 %
/// ```
pub fn concentration_finding(c: &Concentration, policy: &Policy) -> Finding {
    let p = &policy.spec().portfolio;
    let names: Vec<&str> = c.top.iter().map(|d| d.donor.as_str()).collect();
    let above = cmp_percent(
        c.top_amount_usd,
        c.total_usd,
        p.concentration_warning_above_percent,
    ) == Some(std::cmp::Ordering::Greater);
    let status = if c.donors == 0 {
        Status::NotApplicable
    } else if above {
        Status::Warning
    } else {
        Status::Pass
    };
    let message = if c.donors == 0 {
        format!("no approvals in {}", c.period)
    } else {
        format!(
            "the top {} donors ({}) gave {} % of approvals in {}; Herfindahl index {}",
            c.top.len(),
            names.join(", "),
            c.top_share_percent,
            c.period,
            c.herfindahl
        )
    };
    let mut f = Finding::new(policy, RuleId::PfConcentration, status, message)
        .subject(format!("approvals {}", c.period))
        .fact("top_share_percent", c.top_share_percent)
        .fact(
            "warning_above_percent",
            p.concentration_warning_above_percent,
        )
        .fact("herfindahl", c.herfindahl)
        .fact("donors", c.donors);
    if above {
        f = f.help("diversify the donor base (R6 §158)");
    }
    f
}

/// One key's share of a total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Share {
    pub key: String,
    pub amount_usd: Decimal,
    pub share_percent: Decimal,
}

/// Shares of technical cooperation expenditure by region or by strategic objective (or any
/// delivery grouping) over a period (R6 Table V.2, Figure V.3). Only records of XBTC, RBTC
/// and RBSA count ([`crate::model::SourceOfFunds::is_technical_cooperation`]): the table and the figure
/// share out technical cooperation expenditure, not regular-budget (RB) spending, programme
/// support income or other sources (RULES.md §4).
///
/// ```
/// use tcrules::{delivery::GroupBy, period::ReportingPeriod, portfolio, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{
///   "projects": [{"id": "A", "title": "A", "region": "africa", "start": "2005-01-01", "end": "2005-12-31", "budget": {"amount": "1", "currency": "USD"}},
///                {"id": "B", "title": "B", "region": "asia_pacific", "start": "2005-01-01", "end": "2005-12-31", "budget": {"amount": "1", "currency": "USD"}}],
///   "records": [{"project": "A", "month": "2005-01", "source": "xbtc", "allocation": {"amount": "1", "currency": "USD"}, "expenditure": {"amount": "1", "currency": "USD"}},
///               {"project": "B", "month": "2005-01", "source": "xbtc", "allocation": {"amount": "2", "currency": "USD"}, "expenditure": {"amount": "2", "currency": "USD"}}]}"#).unwrap();
/// let s = portfolio::expenditure_shares(&p, GroupBy::Region, ReportingPeriod::All, &Policy::default()).unwrap();
/// assert_eq!(s.iter().map(|x| x.share_percent.to_string()).collect::<Vec<_>>(), ["33.3", "66.7"]);
/// ```
pub fn expenditure_shares(
    portfolio: &Portfolio,
    by: GroupBy,
    period: ReportingPeriod,
    policy: &Policy,
) -> Result<Vec<Share>> {
    let technical_cooperation: Vec<FinancialRecord> = portfolio
        .records
        .iter()
        .filter(|r| r.source.is_technical_cooperation())
        .cloned()
        .collect();
    let d = delivery::delivery(
        &portfolio.projects,
        &technical_cooperation,
        by,
        period,
        policy,
        &portfolio.rates,
    )?;
    let amounts: Vec<Decimal> = d.groups.iter().map(|g| g.totals.expenditure_usd).collect();
    let shares = round_shares(&amounts, policy.spec().portfolio.share_decimals);
    Ok(d.groups
        .into_iter()
        .zip(shares)
        .map(|(g, s)| Share {
            key: g.group,
            amount_usd: g.totals.expenditure_usd,
            share_percent: s,
        })
        .collect())
}

/// Locally mobilized approvals of one category (R6 Annex 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LocalMobilization {
    /// Category label, or `Total`.
    pub key: String,
    /// Every approval of the category in the period.
    pub total_usd: Decimal,
    /// The approvals whose local or non-local status is known: what the share is of.
    pub known_usd: Decimal,
    pub local_usd: Decimal,
    /// Locally mobilized ÷ known, rounded to the policy's decimals; `null` when no
    /// approval's status is known.
    pub local_percent: Option<Decimal>,
    /// Known ÷ total, rounded the same way: how much of the approvals the share covers;
    /// `null` when there are no approvals.
    pub coverage_percent: Option<Decimal>,
}

/// Locally mobilized share of approvals by donor category and in total (R6 §159,
/// Annex 1), over the approvals whose status is known: an approval that does not say
/// whether it was mobilized locally is never counted as not local (RULES.md §4), and
/// `coverage_percent` says how much of the approvals the share speaks for.
///
/// ```
/// use tcrules::{portfolio::{self, YearRange}, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"approvals": [
///   {"donor": "UNDP", "category": "united_nations", "year": 2003, "locally_mobilized": true, "amount": {"amount": "68", "currency": "USD"}},
///   {"donor": "UNAIDS", "category": "united_nations", "year": 2003, "locally_mobilized": false, "amount": {"amount": "32", "currency": "USD"}},
///   {"donor": "ILO", "category": "united_nations", "year": 2003, "amount": {"amount": "100", "currency": "USD"}}]}"#).unwrap();
/// let l = portfolio::local_mobilization(&p.approvals, YearRange::new(2002, 2004).unwrap(), &Policy::default(), &p.rates).unwrap();
/// let total = l.last().unwrap();
/// assert_eq!(total.local_percent.unwrap().to_string(), "68.0");
/// assert_eq!(total.coverage_percent.unwrap().to_string(), "50.0");
/// ```
pub fn local_mobilization(
    approvals: &[Approval],
    period: YearRange,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<LocalMobilization>> {
    let decimals = policy.spec().portfolio.share_decimals;
    // Total, known and local, by category and in all.
    let mut by: BTreeMap<DonorCategory, [Decimal; 3]> = BTreeMap::new();
    let mut all = [Decimal::ZERO; 3];
    for (i, a) in approvals.iter().enumerate() {
        if !period.contains(a.year) {
            continue;
        }
        let at = format!("approvals[{i}].amount");
        a.amount.non_negative(&at)?;
        let usd = rates.to_usd_in_year(&a.amount, a.year, &format!("{at}.amount"))?;
        let known = if a.locally_mobilized.is_some() {
            usd
        } else {
            Decimal::ZERO
        };
        let local = if a.locally_mobilized == Some(true) {
            usd
        } else {
            Decimal::ZERO
        };
        for sums in [by.entry(a.category).or_default(), &mut all] {
            for (sum, add) in sums.iter_mut().zip([usd, known, local]) {
                *sum = checked_add(*sum, add, &at)?;
            }
        }
    }
    let row = |key: String, [total, known, local]: [Decimal; 3]| LocalMobilization {
        key,
        total_usd: total,
        known_usd: known,
        local_usd: local,
        local_percent: percent(local, known).map(|p| fixed(p, decimals)),
        coverage_percent: percent(known, total).map(|p| fixed(p, decimals)),
    };
    let mut out: Vec<LocalMobilization> = by
        .into_iter()
        .map(|(c, v)| row(c.label().to_owned(), v))
        .collect();
    out.push(row("Total".to_owned(), all));
    Ok(out)
}

/// PF-LOCAL on the total row: the share over the approvals whose status is known, with
/// its coverage when some do not say; `not_applicable`, naming the missing field, when
/// none does (RULES.md §4).
fn local_finding(total: &LocalMobilization, policy: &Policy) -> Finding {
    let f = match (total.local_percent, total.coverage_percent) {
        (_, None) => Finding::new(
            policy,
            RuleId::PfLocal,
            Status::NotApplicable,
            "no approvals recorded",
        ),
        (None, Some(_)) => Finding::new(
            policy,
            RuleId::PfLocal,
            Status::NotApplicable,
            "not evaluated: field locally_mobilized missing on every approval",
        )
        .missing("approvals.locally_mobilized")
        .help("record for each approval whether it was mobilized locally (true or false)"),
        (Some(p), Some(c)) if total.known_usd == total.total_usd => Finding::new(
            policy,
            RuleId::PfLocal,
            Status::Pass,
            format!("{p} % of approvals were mobilized locally"),
        )
        .fact("local_percent", p)
        .fact("coverage_percent", c),
        (Some(p), Some(c)) => Finding::new(
            policy,
            RuleId::PfLocal,
            Status::Pass,
            format!("{p} % of the approvals whose status is known were mobilized locally; the status is known for {c} % of approvals"),
        )
        .fact("local_percent", p)
        .fact("coverage_percent", c)
        .help("record for the other approvals whether they were mobilized locally"),
    };
    f.fact("local_usd", total.local_usd)
        .fact("known_usd", total.known_usd)
        .fact("total_usd", total.total_usd)
}

/// Every PF result for a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PortfolioReport {
    /// Approvals by the policy's category groups (R6 Table V.1).
    pub approvals_by_group: ApprovalTable,
    /// Approvals by donor category.
    pub approvals_by_category: ApprovalTable,
    /// Approvals by donor (R6 Annex 2).
    pub approvals_by_donor: ApprovalTable,
    /// Concentration in the last period.
    pub concentration: Option<Concentration>,
    pub expenditure_by_region: Vec<Share>,
    pub expenditure_by_objective: Vec<Share>,
    /// Local mobilization over all periods.
    pub local_mobilization: Vec<LocalMobilization>,
    pub findings: Vec<Finding>,
    pub policy: Arc<PolicyStamp>,
}

/// The PF report: approvals tables for `periods` (default: the five-year blocks the
/// approvals fall in, as in R6), concentration in the last period, expenditure shares
/// over all records, and local mobilization.
///
/// ```
/// use tcrules::{portfolio, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"approvals": [
///   {"donor": "Norway", "category": "multi_bilateral", "year": 2001, "amount": {"amount": "8437000", "currency": "USD"}}]}"#).unwrap();
/// let r = portfolio::report(&p, None, &Policy::default()).unwrap();
/// assert_eq!(r.approvals_by_group.periods[0].to_string(), "2000-2004");
/// ```
pub fn report(
    portfolio: &Portfolio,
    periods: Option<&[YearRange]>,
    policy: &Policy,
) -> Result<PortfolioReport> {
    let rates = &portfolio.rates;
    let periods: Vec<YearRange> = match periods {
        Some(p) => p.to_vec(),
        None => YearRange::quinquennia(portfolio.approvals.iter().map(|a| a.year)),
    };
    let table = |key| approvals_table(&portfolio.approvals, key, &periods, policy, rates);
    let by_group = table(ApprovalKey::CategoryGroup)?;
    let by_category = table(ApprovalKey::DonorCategory)?;
    let by_donor = table(ApprovalKey::Donor)?;
    let mut findings = Vec::new();
    if !periods.is_empty() {
        let labels: Vec<String> = periods.iter().map(ToString::to_string).collect();
        let rows: Vec<String> = by_group
            .rows
            .iter()
            .map(|r| {
                let shares: Vec<String> = r
                    .periods
                    .iter()
                    .map(|p| format!("{} %", p.share_percent))
                    .collect();
                format!("{} {}", r.key, shares.join(" → "))
            })
            .collect();
        let mut f = Finding::new(
            policy,
            RuleId::PfApprovals,
            Status::Pass,
            format!(
                "approvals by source over {}: {}",
                labels.join(", "),
                rows.join("; ")
            ),
        )
        .fact("periods", labels.join(","));
        for (p, fig) in periods.iter().zip(&by_group.total.periods) {
            f = f.fact(format!("average_usd_{p}"), fixed(fig.average_usd, 0));
        }
        if let Some(c) = by_group.total.change_percent {
            f = f.fact("change_percent", c);
        }
        findings.push(f);
    }
    let concentration = match periods.last() {
        Some(last) => {
            let c = concentration(&portfolio.approvals, *last, policy, rates)?;
            findings.push(concentration_finding(&c, policy));
            Some(c)
        }
        None => None,
    };
    let region = expenditure_shares(portfolio, GroupBy::Region, ReportingPeriod::All, policy)?;
    let objective = expenditure_shares(
        portfolio,
        GroupBy::StrategicObjective,
        ReportingPeriod::All,
        policy,
    )?;
    for (rule, what, shares) in [
        (RuleId::PfRegion, "region", &region),
        (RuleId::PfObjective, "strategic objective", &objective),
    ] {
        let parts: Vec<String> = shares
            .iter()
            .map(|s| format!("{} {} %", s.key, s.share_percent))
            .collect();
        let status = if shares.is_empty() {
            Status::NotApplicable
        } else {
            Status::Pass
        };
        findings.push(Finding::new(
            policy,
            rule,
            status,
            if shares.is_empty() {
                format!("no expenditure recorded by {what}")
            } else {
                format!("expenditure by {what}: {}", parts.join(", "))
            },
        ));
    }
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) => YearRange {
            from: a.from,
            to: b.to,
        },
        _ => YearRange {
            from: i32::MIN,
            to: i32::MAX,
        },
    };
    let local = local_mobilization(&portfolio.approvals, span, policy, rates)?;
    if let Some(total) = local.last() {
        findings.push(local_finding(total, policy));
    }
    Ok(PortfolioReport {
        approvals_by_group: by_group,
        approvals_by_category: by_category,
        approvals_by_donor: by_donor,
        concentration,
        expenditure_by_region: region,
        expenditure_by_objective: objective,
        local_mobilization: local,
        findings,
        policy: policy.stamp_arc(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(
            "1995-1999".parse::<YearRange>().unwrap(),
            YearRange {
                from: 1995,
                to: 1999
            }
        );
        assert_eq!("2005".parse::<YearRange>().unwrap().years(), 1);
        assert!("2004-2000".parse::<YearRange>().is_err());
        assert!("x-y".parse::<YearRange>().is_err());
        assert_eq!(
            YearRange::quinquennia([1996, 2003, 2000, 1995]),
            [
                YearRange {
                    from: 1995,
                    to: 1999
                },
                YearRange {
                    from: 2000,
                    to: 2004
                }
            ]
        );
    }

    #[test]
    fn the_report_measures_local_mobilization_over_its_periods_only() {
        // An approval after the last period is no part of the report's local share.
        let p: Portfolio = serde_json::from_value(serde_json::json!({"approvals": [
            {"donor": "UNDP", "category": "united_nations", "year": 2003,
             "locally_mobilized": true, "amount": {"amount": "68", "currency": "USD"}},
            {"donor": "UNAIDS", "category": "united_nations", "year": 2010,
             "locally_mobilized": false, "amount": {"amount": "32", "currency": "USD"}}]}))
        .unwrap();
        let periods = [YearRange::new(2002, 2004).unwrap()];
        let r = report(&p, Some(&periods), &Policy::default()).unwrap();
        let total = r.local_mobilization.last().unwrap();
        assert_eq!(total.local_percent.unwrap().to_string(), "100.0");
    }
}

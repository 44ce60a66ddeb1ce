//! Integration of RBTC, RB and extra-budgetary resources (INT): R6 §26, §59–64, §72–75,
//! §162.
//!
//! R6 §62: "Each outcome's budget is a composite of different sources." R6 §64: "The
//! difficulty in ensuring the adequate integration of, and a balance between, regular
//! budget and extra-budgetary resources should not be underestimated."

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::finding::Finding;
use crate::model::{FinancialRecord, Portfolio, Project, SeedFunding, SourceOfFunds};
use crate::rule::{RuleId, Status, Text};
use std::cmp::Ordering::Greater;

use crate::money::{checked_add, cmp_percent, percent, round_shares, Rates};
use crate::period::{Biennium, ReportingPeriod};
use crate::policy::{Policy, PolicyStamp};

/// Which programming framework an outcome belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Programme and Budget outcome.
    Pb,
    /// Decent Work Country Programme outcome.
    Dwcp,
}

/// One source's part of an outcome budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SourceShare {
    pub source: SourceOfFunds,
    pub amount_usd: Decimal,
    /// Share of the outcome's total, rounded by [`round_shares`] so shares sum to 100.
    pub share_percent: Decimal,
}

/// An outcome's budget as a composite of sources (R6 §59–62).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutcomeBudget {
    pub outcome: String,
    pub kind: OutcomeKind,
    pub total_usd: Decimal,
    /// Sources in catalogue order, those with a non-zero amount only.
    pub by_source: Vec<SourceShare>,
    /// Projects contributing.
    pub projects: Vec<String>,
}

impl OutcomeBudget {
    fn sum_where(&self, keep: impl Fn(&SourceOfFunds) -> bool) -> Decimal {
        self.by_source
            .iter()
            .filter(|s| keep(&s.source))
            .fold(Decimal::ZERO, |a, s| {
                a.checked_add(s.amount_usd).unwrap_or(Decimal::MAX)
            })
    }

    /// Extra-budgetary (XBTC, RBSA) part.
    pub fn extra_budgetary_usd(&self) -> Decimal {
        self.sum_where(SourceOfFunds::is_extra_budgetary)
    }

    /// Regular-budget (RB, RBTC) part.
    pub fn regular_budget_usd(&self) -> Decimal {
        self.sum_where(SourceOfFunds::is_regular_budget)
    }
}

/// A project's budget by source: its funding lines, or — without any — its whole budget
/// as XBTC when it is donor-funded and as "other" when not; where rates are dated, at the
/// rates of the month the policy converts budgets at ([`crate::policy::RatesPolicy`]: the
/// start's by default).
fn funding_usd(
    p: &Project,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<(SourceOfFunds, Decimal)>> {
    let month = crate::evaluation::budget_month(p, policy);
    if p.funding.is_empty() {
        p.budget.non_negative("budget")?;
        let source = if p.is_extra_budgetary() {
            SourceOfFunds::Xbtc
        } else {
            SourceOfFunds::Other
        };
        return Ok(vec![(
            source,
            rates.to_usd_on(&p.budget, month, "budget.amount")?,
        )]);
    }
    p.funding
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.amount.non_negative(&format!("funding[{i}]"))?;
            Ok((
                f.source,
                rates.to_usd_on(&f.amount, month, &format!("funding[{i}].amount"))?,
            ))
        })
        .collect()
}

/// Outcome budgets by source of funds for the P&B or DWCP outcomes the projects link to
/// (INT-COMPOSITE). Projects without a link of that kind are left out.
///
/// ```
/// use tcrules::{integration::{self, OutcomeKind}, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2006-01-01", "end": "2007-12-31",
///    "budget": {"amount": "400", "currency": "USD"}, "links": {"pb_outcome": "1a"},
///    "funding": [{"source": "rb", "amount": {"amount": "100", "currency": "USD"}},
///                {"source": "xbtc", "amount": {"amount": "300", "currency": "USD"}}]}]}"#).unwrap();
/// let o = integration::composite(&p.projects, OutcomeKind::Pb, &tcrules::Policy::default(), &p.rates).unwrap();
/// assert_eq!(o[0].by_source[1].share_percent.to_string(), "75.0");
/// ```
pub fn composite(
    projects: &[Project],
    kind: OutcomeKind,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<OutcomeBudget>> {
    let share_decimals = policy.spec().portfolio.share_decimals;
    let mut outcomes: BTreeMap<&str, (BTreeMap<SourceOfFunds, Decimal>, Vec<String>)> =
        BTreeMap::new();
    for (i, p) in projects.iter().enumerate() {
        let link = match kind {
            OutcomeKind::Pb => p.links.pb_outcome.as_deref(),
            OutcomeKind::Dwcp => p.links.dwcp_outcome.as_deref(),
        };
        let Some(outcome) = link.filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let at = format!("projects[{i}]");
        let entry = outcomes.entry(outcome).or_default();
        for (source, usd) in funding_usd(p, policy, rates).map_err(|e| e.at(&at))? {
            let slot = entry.0.entry(source).or_default();
            *slot = checked_add(*slot, usd, &at)?;
        }
        entry.1.push(p.id.clone());
    }
    outcomes
        .into_iter()
        .map(|(outcome, (sources, projects))| {
            let amounts: Vec<Decimal> = sources.values().copied().collect();
            let total = amounts
                .iter()
                .try_fold(Decimal::ZERO, |a, b| checked_add(a, *b, outcome))?;
            let shares = round_shares(&amounts, share_decimals);
            Ok(OutcomeBudget {
                outcome: outcome.to_owned(),
                kind,
                total_usd: total,
                by_source: sources
                    .into_iter()
                    .zip(shares)
                    .filter(|((_, amount), _)| !amount.is_zero())
                    .map(|((source, amount_usd), share_percent)| SourceShare {
                        source,
                        amount_usd,
                        share_percent,
                    })
                    .collect(),
                projects,
            })
        })
        .collect()
}

/// Balance between regular-budget and extra-budgetary resources of an outcome
/// (INT-BALANCE, R6 §64): extra-budgetary funds with no RB or RBTC contribution are not
/// integrated; an XB share above the policy's threshold is donor-dependent.
///
/// ```
/// use tcrules::{integration::{self, OutcomeKind}, Policy, Portfolio, Status};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2006-01-01", "end": "2007-12-31",
///    "budget": {"amount": "900", "currency": "USD"}, "links": {"pb_outcome": "2b"},
///    "funding": [{"source": "rbtc", "amount": {"amount": "100", "currency": "USD"}},
///                {"source": "xbtc", "amount": {"amount": "800", "currency": "USD"}}]}]}"#).unwrap();
/// let o = integration::composite(&p.projects, OutcomeKind::Pb, &tcrules::Policy::default(), &p.rates).unwrap();
/// let f = integration::balance(&o[0], &Policy::default());
/// assert_eq!(f.status, Status::Warning); // 88.89 % extra-budgetary, above 80 %
/// ```
pub fn balance(outcome: &OutcomeBudget, policy: &Policy) -> Finding {
    let limit = policy.spec().integration.donor_dependence_above_percent;
    let xb = outcome.extra_budgetary_usd();
    let rb = outcome.regular_budget_usd();
    let subject = format!("{} outcome {}", kind_label(outcome.kind), outcome.outcome);
    let share = percent(xb, outcome.total_usd);
    let f = match share {
        None => Finding::new(policy, RuleId::IntBalance, Status::NotApplicable, "the outcome has no budget"),
        Some(_) if !xb.is_zero() && rb.is_zero() => Finding::new(
            policy,
            RuleId::IntBalance,
            Status::Fail,
            "extra-budgetary resources with no regular budget or RBTC contribution: not integrated",
        )
        .help("link regular-budget or RBTC work to this outcome, or explain why there is none"),
        Some(s) if cmp_percent(xb, outcome.total_usd, limit) == Some(Greater) => Finding::new(
            policy,
            RuleId::IntBalance,
            Status::Warning,
            format!("{} % of the outcome budget is extra-budgetary (above {limit} %): donor-dependent", round2(s)),
        )
        .help("consider regular-budget resources for the outcome so priorities hold when donors' preferences shift (R6 §64)"),
        Some(s) => Finding::new(
            policy,
            RuleId::IntBalance,
            Status::Pass,
            format!("{} % of the outcome budget is extra-budgetary", round2(s)),
        ),
    };
    f.subject(subject)
        .fact("extra_budgetary_usd", xb)
        .fact("regular_budget_usd", rb)
        .fact("total_usd", outcome.total_usd)
        .fact("extra_budgetary_percent", share.map(round2))
        .fact("donor_dependence_above_percent", limit)
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

fn kind_label(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Pb => "P&B",
        OutcomeKind::Dwcp => "DWCP",
    }
}

/// Whether extra-budgetary work is linked to the programming framework (INT-LINK, R6 §63,
/// §72–75, DC): every XB project (XBTC, and RBSA, which is extra-budgetary too and
/// allocated to outcomes) names a P&B outcome, and a country-level project names a
/// DWCP outcome where its country has a DWCP.
///
/// ```
/// use tcrules::{integration, Policy, Project, Status};
/// let p: Project = serde_json::from_str(r#"{"id": "A", "title": "A", "country": "Jordan",
///   "start": "2010-03-01", "end": "2012-02-29", "budget": {"amount": "1", "currency": "USD"},
///   "donors": [{"name": "Norway", "category": "multi_bilateral"}],
///   "links": {"pb_outcome": "5", "country_has_dwcp": true}}"#).unwrap();
/// let f = integration::link(&p, &Policy::default());
/// assert_eq!(f.status, Status::Fail);
/// assert_eq!(f.missing, ["links.dwcp_outcome"]);
/// ```
pub fn link(p: &Project, policy: &Policy) -> Finding {
    let f = |status, msg: Text| {
        Finding::new(policy, RuleId::IntLink, status, msg).subject(format!("project {}", p.id))
    };
    if !p.is_extra_budgetary() {
        return f(
            Status::NotApplicable,
            "not an extra-budgetary project".into(),
        );
    }
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    if blank(&p.links.pb_outcome) {
        missing.push("links.pb_outcome");
    }
    let country_level = p.country.is_some();
    let needs_dwcp = country_level && p.links.country_has_dwcp == Some(true);
    if needs_dwcp && blank(&p.links.dwcp_outcome) {
        missing.push("links.dwcp_outcome");
    }
    let unknown_dwcp =
        country_level && p.links.country_has_dwcp.is_none() && blank(&p.links.dwcp_outcome);
    let mut out = if !missing.is_empty() {
        f(
            Status::Fail,
            format!(
                "extra-budgetary project not linked to the programming framework: {} missing",
                missing.join(", ")
            )
            .into(),
        )
        .help("name the P&B outcome and, where the country has one, the DWCP outcome the project serves")
    } else if unknown_dwcp {
        f(
            Status::Warning,
            "linked to a P&B outcome; whether the country has a DWCP is not recorded, and no DWCP outcome is named".into(),
        )
        .missing("links.country_has_dwcp")
        .help("record whether the country has a DWCP (and if so, the outcome)")
    } else {
        f(Status::Pass, "linked to the programming framework".into())
    };
    for m in missing {
        out = out.missing(m);
    }
    out.fact("pb_outcome", p.links.pb_outcome.clone().unwrap_or_default())
        .fact(
            "dwcp_outcome",
            p.links.dwcp_outcome.clone().unwrap_or_default(),
        )
}

/// RBTC seed money and what it leveraged (INT-SEED, R6 §74, §162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeedLeverage {
    pub seed: String,
    pub rbtc_usd: Decimal,
    /// Extra-budgetary budget of the projects it prepared.
    pub xb_approved_usd: Decimal,
    /// XB approved ÷ RBTC seed, two decimals; `null` when no RBTC was spent.
    pub leverage: Option<Decimal>,
}

/// Leverage of each seed allocation: XB approved ÷ RBTC seed.
///
/// ```
/// use tcrules::{integration, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{
///   "projects": [{"id": "A", "title": "A", "start": "2006-01-01", "end": "2007-12-31",
///     "budget": {"amount": "500000", "currency": "USD"}, "donors": [{"name": "Italy", "category": "multi_bilateral"}]}],
///   "seed_funding": [{"id": "S1", "rbtc": {"amount": "20000", "currency": "USD"}, "prepared": ["A"]}]}"#).unwrap();
/// let s = integration::seed_leverage(&p.seed_funding, &p.projects, &tcrules::Policy::default(), &p.rates).unwrap();
/// assert_eq!(s[0].leverage.unwrap().to_string(), "25.00");
/// ```
pub fn seed_leverage(
    seeds: &[SeedFunding],
    projects: &[Project],
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<SeedLeverage>> {
    let by_id: BTreeMap<&str, (usize, &Project)> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), (i, p)))
        .collect();
    seeds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = format!("seed_funding[{i}]");
            s.rbtc.non_negative(&format!("{at}.rbtc"))?;
            let rbtc = rates.to_usd(&s.rbtc, &format!("{at}.rbtc.amount"))?;
            let mut xb = Decimal::ZERO;
            for (j, id) in s.prepared.iter().enumerate() {
                let (pi, p) = by_id.get(id.as_str()).copied().ok_or_else(|| {
                    crate::Error::UnknownProject {
                        path: format!("{at}.prepared[{j}]"),
                        id: id.clone(),
                    }
                })?;
                for (source, usd) in
                    funding_usd(p, policy, rates).map_err(|e| e.at(&format!("projects[{pi}]")))?
                {
                    if source.is_extra_budgetary() {
                        xb = checked_add(xb, usd, &at)?;
                    }
                }
            }
            let leverage = if rbtc.is_zero() {
                None
            } else {
                xb.checked_div(rbtc)
                    .map(|l| l.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
            };
            Ok(SeedLeverage {
                seed: s.id.clone(),
                rbtc_usd: rbtc,
                xb_approved_usd: xb,
                // (At scale 2 the rescale changes nothing, so `<=` would do the same.)
                leverage: leverage.map(|l| if l.scale() < 2 { with_scale(l, 2) } else { l }),
            })
        })
        .collect()
}

fn with_scale(mut d: Decimal, scale: u32) -> Decimal {
    d.rescale(scale);
    d
}

/// The INT-SEED finding for one seed allocation.
///
/// ```
/// use tcrules::{integration::{self, SeedLeverage}, Policy};
/// let s = SeedLeverage { seed: "S1".into(), rbtc_usd: 0.into(), xb_approved_usd: 1000.into(), leverage: None };
/// assert_eq!(integration::seed_finding(&s, &Policy::default()).facts["leverage"].to_string(), "undefined");
/// ```
pub fn seed_finding(s: &SeedLeverage, policy: &Policy) -> Finding {
    let f = match s.leverage {
        None => Finding::new(
            policy,
            RuleId::IntSeed,
            Status::NotApplicable,
            "no RBTC recorded for this seed allocation: leverage undefined",
        ),
        Some(l) => Finding::new(
            policy,
            RuleId::IntSeed,
            Status::Pass,
            format!("each RBTC dollar of seed money prepared US${l} of extra-budgetary approvals"),
        ),
    };
    f.subject(format!("seed {}", s.seed))
        .fact("rbtc_usd", s.rbtc_usd)
        .fact("xb_approved_usd", s.xb_approved_usd)
        .fact("leverage", s.leverage)
}

/// RBTC expenditure in one biennium by year (INT-PHASING, R6 §162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Phasing {
    pub biennium: String,
    pub first_year_usd: Decimal,
    pub second_year_usd: Decimal,
    /// Second year's share, two decimals; `null` when nothing was spent.
    pub second_year_percent: Option<Decimal>,
    /// How many of the biennium's 24 months have at least one record (of any source): a
    /// biennium still in progress, or with months missing from the data, is not judged.
    pub months_with_records: u32,
}

/// The months of a biennium, for [`Phasing::months_with_records`].
const BIENNIUM_MONTHS: u32 = 24;

/// RBTC expenditure by biennium and year, from the monthly records, with how many of each
/// biennium's months the records (of any source) cover.
///
/// ```
/// use tcrules::{integration, Policy, Portfolio, Status};
/// let p: Portfolio = serde_json::from_str(r#"{"records": [
///   {"project": "A", "month": "2004-05", "source": "rbtc",
///    "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "40", "currency": "USD"}},
///   {"project": "A", "month": "2005-05", "source": "rbtc",
///    "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "60", "currency": "USD"}}]}"#).unwrap();
/// let ph = integration::phasing(&p.records, &p.rates).unwrap();
/// assert_eq!((ph[0].biennium.as_str(), ph[0].second_year_percent.unwrap().to_string().as_str()), ("2004-05", "60"));
/// // Records for 2 of the biennium's 24 months: reported, not judged.
/// assert_eq!(ph[0].months_with_records, 2);
/// assert_eq!(integration::phasing_finding(&ph[0], &Policy::default()).status, Status::NotApplicable);
/// ```
pub fn phasing(records: &[FinancialRecord], rates: &Rates) -> Result<Vec<Phasing>> {
    let mut by: BTreeMap<Biennium, [Decimal; 2]> = BTreeMap::new();
    // One bit per month of the biennium that has a record. Only the number of bits set is
    // read, so any one-to-one numbering of the 24 months counts the same: the mutants that
    // swap the years' offsets or write `month + 1` or `month / 1` for `month - 1` are
    // equivalent (the count is tested in `phasing_counts_the_months_each_biennium_has_records_for`).
    let mut covered: BTreeMap<Biennium, u32> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let b = Biennium::of_year(r.month.year());
        let year_offset = if r.month.year() == b.first_year() {
            0
        } else {
            12
        };
        let month = year_offset + r.month.month() - 1;
        *covered.entry(b).or_default() |= 1 << month;
        if r.source != SourceOfFunds::Rbtc {
            continue;
        }
        let at = format!("records[{i}].expenditure");
        r.expenditure.non_negative(&at)?;
        let usd = rates.to_usd_on(&r.expenditure, r.month, &format!("{at}.amount"))?;
        let years = by.entry(b).or_default();
        let slot = if r.month.year() == b.first_year() {
            &mut years[0]
        } else {
            &mut years[1]
        };
        *slot = checked_add(*slot, usd, &at)?;
    }
    Ok(by
        .into_iter()
        .map(|(b, [first, second])| Phasing {
            biennium: b.to_string(),
            first_year_usd: first,
            second_year_usd: second,
            second_year_percent: first
                .checked_add(second)
                .and_then(|total| percent(second, total))
                .map(round2),
            months_with_records: covered.get(&b).map_or(0, |bits| bits.count_ones()),
        })
        .collect())
}

/// The INT-PHASING finding for one biennium: informative, with the policy's expectation.
/// R6 §162 expects RBTC expenditure to be "normally greater ... in the second year": the
/// second year's share must be strictly over the policy's figure (50 %). A biennium whose
/// records do not cover all 24 months (still in progress, or months missing from the data)
/// is reported as incomplete, never warned about: half a year of data is not a phasing.
pub fn phasing_finding(p: &Phasing, policy: &Policy) -> Finding {
    let over = policy.spec().integration.rbtc_second_year_over_percent;
    let total = p
        .first_year_usd
        .checked_add(p.second_year_usd)
        .unwrap_or(Decimal::MAX);
    let (status, message) = match p.second_year_percent {
        None => (
            Status::NotApplicable,
            "no RBTC expenditure in the biennium".to_owned(),
        ),
        Some(_) if p.months_with_records < BIENNIUM_MONTHS => (
            Status::NotApplicable,
            format!(
                "not judged: the biennium is incomplete, its records cover {} of its {BIENNIUM_MONTHS} months",
                p.months_with_records
            ),
        ),
        Some(s) if cmp_percent(p.second_year_usd, total, over) == Some(Greater) => (
            Status::Pass,
            format!("{s} % of the biennium's RBTC expenditure fell in its second year (expected over {over} %)"),
        ),
        Some(s) => (
            Status::Warning,
            format!("only {s} % of the biennium's RBTC expenditure fell in its second year (expected over {over} %)"),
        ),
    };
    Finding::new(policy, RuleId::IntPhasing, status, message)
        .subject(format!("biennium {}", p.biennium))
        .fact("first_year_usd", p.first_year_usd)
        .fact("second_year_usd", p.second_year_usd)
        .fact("second_year_percent", p.second_year_percent)
        .fact("months_with_records", p.months_with_records)
        .fact("expected_over_percent", over)
}

/// Programme support income on extra-budgetary expenditure over a period (INT-PSI):
/// PSI = policy rate × XB expenditure.
///
/// ```
/// use tcrules::{integration, period::ReportingPeriod, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"records": [
///   {"project": "A", "month": "2005-06", "source": "xbtc",
///    "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "1000", "currency": "USD"}}]}"#).unwrap();
/// let f = integration::psi(&p.records, ReportingPeriod::Year { year: 2005 }, &Policy::default(), &p.rates).unwrap();
/// assert_eq!(f.facts["psi_usd"].to_string(), "130");
/// ```
pub fn psi(
    records: &[FinancialRecord],
    period: ReportingPeriod,
    policy: &Policy,
    rates: &Rates,
) -> Result<Finding> {
    let rate = policy.spec().integration.psi_rate_percent;
    let mut xb = Decimal::ZERO;
    for (i, r) in records.iter().enumerate() {
        if !r.source.is_extra_budgetary() || !period.contains(r.month) {
            continue;
        }
        let at = format!("records[{i}].expenditure");
        r.expenditure.non_negative(&at)?;
        xb = checked_add(
            xb,
            rates.to_usd_on(&r.expenditure, r.month, &format!("{at}.amount"))?,
            &at,
        )?;
    }
    let psi = xb
        .checked_mul(rate)
        .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(|| crate::Error::overflow("records"))?;
    Ok(Finding::new(
        policy,
        RuleId::IntPsi,
        Status::Pass,
        format!(
            "programme support income of US${} at {rate} % of US${} extra-budgetary expenditure",
            crate::money::display_amount(psi),
            crate::money::display_amount(xb),
        ),
    )
    .subject(format!("period {period}"))
    .fact("xb_expenditure_usd", xb)
    .fact("psi_rate_percent", rate)
    .fact("psi_usd", psi))
}

/// Every INT result for a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntegrationReport {
    pub pb_outcomes: Vec<OutcomeBudget>,
    pub dwcp_outcomes: Vec<OutcomeBudget>,
    pub seed: Vec<SeedLeverage>,
    pub phasing: Vec<Phasing>,
    pub findings: Vec<Finding>,
    pub policy: Arc<PolicyStamp>,
}

/// INT-COMPOSITE, INT-BALANCE and INT-LINK on the projects, INT-SEED on the seed money,
/// INT-PHASING and INT-PSI (all records) on the monthly records.
///
/// ```
/// use tcrules::{integration, Policy, Portfolio, RuleId, Status};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [{"id": "A", "title": "A",
///   "start": "2010-03-01", "end": "2012-02-29", "budget": {"amount": "350000", "currency": "USD"},
///   "donors": [{"name": "Norway", "category": "multi_bilateral"}], "links": {"pb_outcome": "18"}}]}"#).unwrap();
/// let r = integration::report(&p, &Policy::default()).unwrap();
/// let balance = r.findings.iter().find(|f| f.rule == RuleId::IntBalance).unwrap();
/// assert_eq!(balance.status, Status::Fail); // all XB, no RB or RBTC: not integrated
/// ```
pub fn report(portfolio: &Portfolio, policy: &Policy) -> Result<IntegrationReport> {
    let rates = &portfolio.rates;
    let pb = composite(&portfolio.projects, OutcomeKind::Pb, policy, rates)?;
    let dwcp = composite(&portfolio.projects, OutcomeKind::Dwcp, policy, rates)?;
    let mut findings = Vec::new();
    for o in pb.iter().chain(&dwcp) {
        findings.push(
            Finding::new(
                policy,
                RuleId::IntComposite,
                Status::Pass,
                format!(
                    "US${} from {}",
                    crate::money::display_amount(o.total_usd),
                    o.by_source
                        .iter()
                        .map(|s| format!(
                            "{} {} %",
                            s.source.as_str().to_ascii_uppercase(),
                            s.share_percent
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .subject(format!("{} outcome {}", kind_label(o.kind), o.outcome))
            .fact("total_usd", o.total_usd)
            .fact("projects", o.projects.len()),
        );
        findings.push(balance(o, policy));
    }
    findings.extend(portfolio.projects.iter().map(|p| link(p, policy)));
    let seed = seed_leverage(&portfolio.seed_funding, &portfolio.projects, policy, rates)?;
    findings.extend(seed.iter().map(|s| seed_finding(s, policy)));
    let phasing = phasing(&portfolio.records, rates)?;
    findings.extend(phasing.iter().map(|p| phasing_finding(p, policy)));
    findings.push(psi(
        &portfolio.records,
        ReportingPeriod::All,
        policy,
        rates,
    )?);
    Ok(IntegrationReport {
        pb_outcomes: pb,
        dwcp_outcomes: dwcp,
        seed,
        phasing,
        findings,
        policy: policy.stamp_arc(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(sources: &[(SourceOfFunds, i64)]) -> OutcomeBudget {
        let amounts: Vec<Decimal> = sources.iter().map(|(_, a)| Decimal::from(*a)).collect();
        let shares = round_shares(&amounts, 1);
        OutcomeBudget {
            outcome: "1a".into(),
            kind: OutcomeKind::Pb,
            total_usd: amounts.iter().copied().sum(),
            by_source: sources
                .iter()
                .zip(shares)
                .map(|((s, a), sh)| SourceShare {
                    source: *s,
                    amount_usd: (*a).into(),
                    share_percent: sh,
                })
                .collect(),
            projects: vec![],
        }
    }

    #[test]
    fn balance_edges() {
        use SourceOfFunds::*;
        let p = Policy::default();
        assert_eq!(balance(&outcome(&[(Xbtc, 100)]), &p).status, Status::Fail);
        assert_eq!(
            balance(&outcome(&[(Rb, 20), (Xbtc, 80)]), &p).status,
            Status::Pass
        ); // exactly 80 %
        assert_eq!(
            balance(&outcome(&[(Rb, 19), (Xbtc, 81)]), &p).status,
            Status::Warning
        );
        assert_eq!(balance(&outcome(&[(Rb, 100)]), &p).status, Status::Pass);
        assert_eq!(balance(&outcome(&[]), &p).status, Status::NotApplicable);
    }

    #[test]
    fn phasing_expects_strictly_over_half_of_a_whole_biennium() {
        let p = Policy::default();
        let ph = |a: i64, b: i64, months| Phasing {
            biennium: "2004-05".into(),
            first_year_usd: a.into(),
            second_year_usd: b.into(),
            second_year_percent: percent(b.into(), (a + b).into()),
            months_with_records: months,
        };
        let status = |a, b, months| phasing_finding(&ph(a, b, months), &p).status;
        assert_eq!(status(4999, 5001, 24), Status::Pass);
        assert_eq!(status(50, 50, 24), Status::Warning);
        assert_eq!(status(51, 49, 24), Status::Warning);
        assert_eq!(status(0, 0, 24), Status::NotApplicable);
        // Incomplete: not judged, whatever the split.
        assert_eq!(status(51, 49, 23), Status::NotApplicable);
        assert_eq!(status(40, 60, 18), Status::NotApplicable);
    }

    #[test]
    fn phasing_counts_the_months_each_biennium_has_records_for() {
        let record = |month: &str, source| {
            FinancialRecord {
            project: "A".into(),
            month: month.parse().unwrap(),
            source,
            ..serde_json::from_value(serde_json::json!({"project": "A", "month": "2004-01", "source": "rbtc",
                "allocation": {"amount": "0", "currency": "USD"}, "expenditure": {"amount": "1", "currency": "USD"}})).unwrap()
        }
        };
        // Every month of 2004-05 (some only XBTC), and the first half of 2006.
        let mut records: Vec<_> = (1..=12)
            .flat_map(|m| [format!("2004-{m:02}"), format!("2005-{m:02}")])
            .map(|m| {
                record(
                    &m,
                    if m.ends_with("-03") {
                        SourceOfFunds::Xbtc
                    } else {
                        SourceOfFunds::Rbtc
                    },
                )
            })
            .collect();
        records.extend((1..=6).map(|m| record(&format!("2006-{m:02}"), SourceOfFunds::Rbtc)));
        records.push(record("2004-07", SourceOfFunds::Rbtc));
        let ph = phasing(&records, &Rates::usd_only()).unwrap();
        let months: Vec<_> = ph
            .iter()
            .map(|p| (p.biennium.as_str(), p.months_with_records))
            .collect();
        assert_eq!(months, [("2004-05", 24), ("2006-07", 6)]);
        assert_eq!(ph[0].second_year_usd, Decimal::from(11));
    }

    /// Outcome budgets convert each project's budget at the month the policy names, as
    /// the evaluation threshold does (issue 16, item 1).
    #[test]
    fn outcome_budgets_convert_at_the_policys_budget_month() {
        let p: Portfolio = serde_json::from_str(
            r#"{"projects": [{"id": "A", "title": "A", "start": "2024-03-01", "end": "2025-06-30",
                "budget": {"amount": "100", "currency": "EUR"}, "links": {"pb_outcome": "1a"}}],
                "rates": {"EUR": {"2024-01": "1.0", "2025-01": "2.0"}}}"#,
        )
        .unwrap_or_default();
        let total = |policy: &Policy| {
            composite(&p.projects, OutcomeKind::Pb, policy, &p.rates)
                .ok()
                .and_then(|o| o.first().map(|o| o.total_usd))
        };
        assert_eq!(total(&Policy::default()), Some(Decimal::from(100)));
        let at_end = Policy::from_json(
            r#"{"extends": "ilo-2006", "name": "at-end", "version": "1", "rates": {"budget_rate_date": "end"}}"#,
        )
        .ok();
        assert_eq!(at_end.as_ref().and_then(total), Some(Decimal::from(200)));
    }
}

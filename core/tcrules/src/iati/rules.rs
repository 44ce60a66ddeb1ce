//! The rules on published activities: one row per activity.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::delivery::{self, GroupBy, GroupDelivery, Totals};
use crate::error::{Error, ErrorInfo, Result};
use crate::evaluation::{self, Due, DurationClass};
use crate::finding::Finding;
use crate::money::Rates;
use crate::period::Duration;
use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Status};

use super::model::{
    IatiActivity, IatiError, MISSING_BUDGET, MISSING_END, MISSING_SPENDING, MISSING_START,
};
use super::periods::{Periods, Year};
use super::reader::{Activities, EVALUATION_CATEGORY};

/// An as-of date as a person writes it, `YYYY-MM-DD`; the error names `as_of`.
///
/// ```
/// let e = tcrules::iati::as_of("2026-13-01").unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_value", "as_of"));
/// assert_eq!(tcrules::iati::as_of(" 2026-12-01 ").unwrap().to_string(), "2026-12-01");
/// ```
pub fn as_of(text: &str) -> Result<NaiveDate> {
    text.trim().parse().map_err(|_| {
        Error::invalid(
            "as_of",
            format!(
                "{:?} is not a date in the form YYYY-MM-DD",
                text.chars().take(40).collect::<String>()
            ),
        )
    })
}

/// How [`read_with`] judges a file's activities, beyond the policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    /// The date at which to ask whether a finished activity's evaluation is published
    /// (IATI-EVAL-DOC); none: the question is not asked.
    pub as_of: Option<NaiveDate>,
    /// The years delivery is grouped by.
    pub periods: Periods,
}

/// What the rules say of one published activity; or, for an activity that could not be
/// read, its identifier (when known) and the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IatiRow {
    /// Where the activity is in the file: `iati-activity[3]`.
    pub activity: String,
    /// `iati-identifier`.
    pub identifier: Option<String>,
    /// The first title narrative.
    pub title: Option<String>,
    /// Start (actual, else planned).
    pub start: Option<NaiveDate>,
    /// End (actual, else planned).
    pub end: Option<NaiveDate>,
    /// Duration, both days included.
    pub duration: Option<Duration>,
    /// Duration band of R6 §143.
    pub duration_class: Option<DurationClass>,
    /// The evaluations and reviews R6 §143 requires, with their due dates (IATI files
    /// carry no evaluation plan, so no mid-term review of a long activity is scheduled).
    pub evaluations: Vec<Due>,
    /// Total of the effective budgets in US dollars, exact.
    pub budget_usd: Option<Decimal>,
    /// The budget is over the policy's threshold: an independent evaluation is required.
    pub independent_evaluation: Option<bool>,
    /// Delivery by year (`group` is the year: `2011` for a calendar year, `2011-04/2012-03`
    /// for one from April; see [`Periods`]).
    pub delivery: Vec<GroupDelivery>,
    /// Names of the funding organisations.
    pub donors: Vec<String>,
    /// Gender equality marker: 0 not targeted, 1 significant, 2 principal.
    pub gender_marker: Option<u8>,
    /// IATI-GEN-MARKER, IATI-BUDGET-PERIOD, IATI-DATA (what the activity publishes that a
    /// rule cannot use), IATI-EVAL-DOC (when an as-of date is given) and the DLV findings
    /// of each year.
    pub findings: Vec<Finding>,
    /// XPath-style paths of what the rules needed and the file does not publish.
    pub missing: Vec<String>,
    /// Why the activity, or part of it, could not be read or evaluated.
    pub error: Option<ErrorInfo>,
}

/// Every activity of an IATI file with the rules applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IatiReport {
    /// The file's IATI version (`@version` of `iati-activities`).
    pub version: Option<String>,
    /// One row per `iati-activity`, in file order.
    pub activities: Vec<IatiRow>,
    /// A problem outside any activity, after which the file was not read further.
    pub errors: Vec<ErrorInfo>,
    pub policy: Arc<PolicyStamp>,
}

impl IatiRow {
    /// Applies the rules to one activity: EVAL requirements from its dates and budget,
    /// delivery by year, the gender marker and the budget periods. Amounts are summed as
    /// published, negative ones included; a negative budget total leaves the independent
    /// evaluation unknown, and a year whose totals are negative has no delivery rate, each
    /// with an IATI-DATA finding, as has every note the reader made. A missing rate or an
    /// amount too large leaves the columns it touches empty and is the row's `error`.
    ///
    /// ```
    /// use tcrules::{iati::{Activities, IatiRow}, money::Rates, Policy};
    /// let xml = r#"<iati-activities><iati-activity default-currency="EUR">
    ///   <iati-identifier>XM-DAC-41302-2</iati-identifier>
    ///   <activity-date type="1" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
    ///   <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>291666.67</value></budget>
    ///   <policy-marker vocabulary="1" code="1" significance="1"/>
    /// </iati-activity></iati-activities>"#;
    /// let activity = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
    /// let row = IatiRow::of(&activity, &rates, &Policy::default(), &Default::default());
    /// assert_eq!(row.duration_class.unwrap().as_str(), "medium");
    /// assert_eq!(row.independent_evaluation, Some(true)); // EUR 291,666.67 × 1.2 = US$350,000.004
    /// assert_eq!(row.gender_marker, Some(1));
    /// ```
    pub fn of(
        activity: &IatiActivity,
        rates: &Rates,
        policy: &Policy,
        options: &ReadOptions,
    ) -> IatiRow {
        let at = activity.path();
        let mut row = IatiRow {
            activity: at.clone(),
            identifier: Some(activity.identifier.clone()),
            title: activity.title.clone(),
            start: activity.start(),
            end: activity.end(),
            duration: None,
            duration_class: None,
            evaluations: Vec::new(),
            budget_usd: None,
            independent_evaluation: None,
            delivery: Vec::new(),
            donors: activity.donors.iter().map(|d| d.name.clone()).collect(),
            gender_marker: activity.gender_marker,
            findings: Vec::new(),
            missing: Vec::new(),
            error: None,
        };
        let subject = format!("activity {}", activity.identifier);
        let mut problems = Vec::new();

        let budget = activity
            .allocations_usd(rates)
            .and_then(|a| activity.budget_usd(&a));
        let budget = budget.unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        row.budget_usd = budget;
        // A negative total is published, and shown, but no threshold can be applied to it.
        let comparable = budget.filter(|b| !negative(*b));
        match (row.start, row.end) {
            (Some(start), Some(end)) => {
                match evaluation::classify(start, end, comparable.unwrap_or_default(), policy) {
                    Ok(req) => {
                        row.duration = Some(req.duration);
                        row.duration_class = Some(req.class);
                        row.evaluations = req.schedule(false);
                        row.independent_evaluation = comparable.map(|_| req.independent_evaluation);
                    }
                    Err(e) => problems.push(e.in_element(&at)),
                }
            }
            (start, end) => {
                for (value, what) in [(start, MISSING_START), (end, MISSING_END)] {
                    if value.is_none() {
                        row.missing.push(format!("{at}/{what}"));
                    }
                }
            }
        }
        if activity.budgets.is_empty() {
            row.missing.push(format!("{at}/{MISSING_BUDGET}"));
        }

        row.findings
            .push(gender_marker(activity, policy).subject(subject.clone()));
        row.findings.extend(
            budget_periods(activity, policy)
                .into_iter()
                .map(|f| f.subject(subject.clone())),
        );
        row.findings.extend(
            data_findings(activity, budget, policy)
                .into_iter()
                .map(|f| f.subject(subject.clone())),
        );
        if let Some(as_of) = options.as_of {
            row.findings
                .push(evaluation_published(activity, &row, as_of, policy).subject(subject.clone()));
        }
        let month = options.periods.start_month(activity);
        match delivery_by_year(activity, rates, policy, month) {
            Ok((years, findings)) => {
                if years.is_empty() {
                    row.missing.push(format!("{at}/{MISSING_SPENDING}"));
                }
                row.delivery = years;
                row.findings.extend(findings);
            }
            Err(e) => problems.push(e),
        }
        row.error = problems.first().map(Error::info);
        row
    }

    fn failed(error: &IatiError) -> IatiRow {
        IatiRow {
            activity: format!("iati-activity[{}]", error.activity.unwrap_or_default()),
            identifier: error.identifier.clone(),
            title: None,
            start: None,
            end: None,
            duration: None,
            duration_class: None,
            evaluations: Vec::new(),
            budget_usd: None,
            independent_evaluation: None,
            delivery: Vec::new(),
            donors: Vec::new(),
            gender_marker: None,
            findings: Vec::new(),
            missing: Vec::new(),
            error: Some(error.error.info()),
        }
    }
}

fn negative(d: Decimal) -> bool {
    d.is_sign_negative() && !d.is_zero()
}

/// IATI-GEN-MARKER: the OECD DAC gender equality marker, as published.
fn gender_marker(a: &IatiActivity, policy: &Policy) -> Finding {
    let rule = RuleId::IatiGenMarker;
    let unknown = a
        .notes
        .iter()
        .find(|n| n.affects == Some(RuleId::IatiGenMarker));
    match a.gender_marker {
        None if unknown.is_some() => Finding::new(
            policy,
            rule,
            Status::Warning,
            "the gender equality policy marker is published without a known significance: gender mainstreaming cannot be checked",
        )
        .missing(unknown.map(|n| n.path.clone()).unwrap_or_default())
        .help("publish the marker's significance: 0 not targeted, 1 significant, 2 principal"),
        None => Finding::new(
            policy,
            rule,
            Status::Warning,
            "no gender equality policy marker is published: gender mainstreaming cannot be checked",
        )
        .missing(format!("{}/policy-marker[@code='1']", a.path()))
        .help("publish the OECD DAC gender equality marker (policy-marker code 1) with its significance 0, 1 or 2"),
        Some(0) => Finding::new(
            policy,
            rule,
            Status::Warning,
            "gender equality marker 0: gender equality is not targeted",
        )
        .fact("marker", 0u32)
        .help("make gender equality an explicit objective with a gender-specific indicator, or record why it is not targeted"),
        Some(m) => Finding::new(
            policy,
            rule,
            Status::Pass,
            format!(
                "gender equality marker {m}: gender equality is {} objective",
                if m == 1 { "a significant" } else { "the principal" }
            ),
        )
        .fact("marker", u32::from(m)),
    }
}

/// IATI-BUDGET-PERIOD: each budget covers at most one year.
fn budget_periods(a: &IatiActivity, policy: &Policy) -> Vec<Finding> {
    let rule = RuleId::IatiBudgetPeriod;
    if a.budgets.is_empty() {
        return vec![Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "no budget is published",
        )
        .missing(format!("{}/budget", a.path()))];
    }
    let long: Vec<Finding> = a
        .budgets
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let d = Duration::between(b.period_start, b.period_end).ok()?;
            d.exceeds_months(12).then(|| {
                Finding::new(
                    policy,
                    rule,
                    Status::Fail,
                    format!(
                        "budget[{}] covers {d} ({} to {}): a budget period is at most one year",
                        i + 1,
                        b.period_start,
                        b.period_end
                    ),
                )
                .fact("budget", format!("{}/budget[{}]", a.path(), i + 1))
                .fact("period_start", b.period_start)
                .fact("period_end", b.period_end)
                .fact("duration_months", d.months)
                .fact("duration_days", d.days)
                .help("publish one budget per year, or per quarter, of the activity")
            })
        })
        .collect();
    if long.is_empty() {
        vec![Finding::new(
            policy,
            rule,
            Status::Pass,
            format!(
                "every budget period is at most one year ({} budgets)",
                a.budgets.len()
            ),
        )
        .fact("budgets", a.budgets.len())]
    } else {
        long
    }
}

/// IATI-DATA: what the activity publishes that a rule cannot use, each naming the rule it
/// affects: the reader's notes (an empty or unknown code, a funder with no name), and a
/// negative budget total, which no threshold can be applied to.
fn data_findings(a: &IatiActivity, budget_usd: Option<Decimal>, policy: &Policy) -> Vec<Finding> {
    let rule = RuleId::IatiData;
    let mut out: Vec<Finding> = a
        .notes
        .iter()
        .map(|n| {
            let f = Finding::new(policy, rule, Status::Warning, n.message.clone())
                .fact("element", n.path.clone());
            match n.affects {
                Some(affected) => f.fact("affects", affected.as_str()),
                None => f,
            }
        })
        .collect();
    if let Some(total) = budget_usd.filter(|b| negative(*b)) {
        out.push(
            Finding::new(
                policy,
                rule,
                Status::Warning,
                format!(
                    "the budgets total US${}: a negative total cannot be compared with the independent evaluation's threshold",
                    crate::money::display_amount(total)
                ),
            )
            .fact("element", format!("{}/budget", a.path()))
            .fact("budget_usd", total)
            .fact("affects", RuleId::EvalIndependent.as_str())
            .help("check the budgets' signs: a reversal larger than the budgets it corrects leaves a negative total"),
        );
    }
    out
}

/// IATI-EVAL-DOC: whether an activity that ended more than the policy's months before
/// `as_of` publishes its evaluation. R6 §143 requires every project to end with a final
/// evaluation (independent above the budget threshold); a published `document-link` of
/// category A07, "Review of project performance and evaluation", is the evidence an
/// evaluation office can find in a donor's published portfolio. Its absence is a warning,
/// not a failure: the evaluation may exist unpublished.
fn evaluation_published(
    a: &IatiActivity,
    row: &IatiRow,
    as_of: NaiveDate,
    policy: &Policy,
) -> Finding {
    let rule = RuleId::IatiEvalDoc;
    let within = policy.spec().evaluation.published_within_months;
    let documents = a.evaluation_documents.len();
    let (Some(end), Some(_)) = (row.end, row.duration_class) else {
        return Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "the activity's dates are not published: the evaluation it needs is not known",
        )
        .fact("documents", documents);
    };
    let months = whole_months(end, as_of);
    let f = |status, message: String| {
        Finding::new(policy, rule, status, message)
            .fact("end", end)
            .fact("as_of", as_of)
            .fact("months_since_end", months)
            .fact("documents", documents)
    };
    if end
        .checked_add_months(Months::new(within))
        .is_none_or(|due| as_of <= due)
    {
        return f(
            Status::NotApplicable,
            format!("the activity ended on {end}, not more than {within} months before {as_of}: its evaluation may not be published yet"),
        );
    }
    let needed = if row.independent_evaluation == Some(true) {
        "independent final evaluation"
    } else {
        "final evaluation"
    };
    match a.evaluation_documents.first() {
        Some(url) => f(
            Status::Pass,
            format!("the activity ended on {end} and publishes its evaluation ({documents} document-link of category {EVALUATION_CATEGORY})"),
        )
        .fact("url", url.clone()),
        None => f(
            Status::Warning,
            format!("the activity ended on {end}, {months} months before {as_of}, and publishes no evaluation: its {needed} is not in the file"),
        )
        .missing(format!("{}/document-link[category/@code='{EVALUATION_CATEGORY}']", a.path()))
        .help("publish the evaluation report as a document-link of category A07 (Review of project performance and evaluation)"),
    }
}

/// Whole months from `from` to `to` (0 when `to` is not later).
fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    let short = to.day() < from.day();
    (months - i64::from(short)).max(0)
}

/// Delivery of each year (starting in `month`) up to the latest disbursement or
/// expenditure, with the DLV findings of each: the disbursements and expenditure dated in
/// the year over the budgets whose period starts in it. A year whose allocations or
/// spending total negative (reversals larger than what they reverse) has no rate and an
/// IATI-DATA finding instead.
fn delivery_by_year(
    a: &IatiActivity,
    rates: &Rates,
    policy: &Policy,
    month: u32,
) -> Result<(Vec<GroupDelivery>, Vec<Finding>)> {
    let spending = a.spending_usd(rates)?;
    let Some(last) = spending.iter().map(|s| Year::of(s.date, month)).max() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut years: BTreeMap<Year, (Totals, usize)> = BTreeMap::new();
    let allocations = a.allocations_usd(rates)?;
    let amounts = allocations
        .iter()
        .map(|x| (x, "budget", true))
        .chain(spending.iter().map(|x| (x, "transaction", false)));
    for (x, element, allocated) in amounts {
        let year = Year::of(x.date, month);
        if year > last {
            continue;
        }
        let (totals, n) = years.entry(year).or_default();
        let (allocation, expenditure) = if allocated {
            (x.usd, Decimal::ZERO)
        } else {
            (Decimal::ZERO, x.usd)
        };
        totals.add(
            allocation,
            expenditure,
            &format!("{}/{element}[{}]/value", a.path(), x.index),
        )?;
        *n += 1;
    }
    let mut findings = Vec::new();
    let groups: Vec<GroupDelivery> = years
        .into_iter()
        .map(|(year, (totals, records))| {
            let subject = format!("activity {}, {year}", a.identifier);
            let negatives = [
                ("allocations", "budget", totals.allocation_usd),
                ("disbursements and expenditure", "transaction", totals.expenditure_usd),
            ];
            let negatives: Vec<_> = negatives
                .into_iter()
                .filter(|(_, _, total)| negative(*total))
                .collect();
            let g = GroupDelivery {
                group: year.to_string(),
                rate_percent: negatives
                    .is_empty()
                    .then(|| totals.rate_percent())
                    .flatten(),
                totals,
                records,
            };
            if negatives.is_empty() {
                findings.extend(
                    delivery::assess(&g, GroupBy::Project, policy)
                        .into_iter()
                        .map(|f| f.subject(subject.clone())),
                );
            }
            for (what, element, total) in negatives {
                findings.push(
                    Finding::new(
                        policy,
                        RuleId::IatiData,
                        Status::Warning,
                        format!(
                            "the {what} of {year} total US${}: the year's delivery cannot be judged",
                            crate::money::display_amount(total)
                        ),
                    )
                    .subject(subject.clone())
                    .fact("element", format!("{}/{element}", a.path()))
                    .fact("year", i64::from(year.start))
                    .fact("total_usd", total)
                    .fact("affects", RuleId::DlvRate.as_str())
                    .help("check the signs of the year's values: reversals larger than what they reverse leave a negative total"),
                );
            }
            g
        })
        .collect();
    Ok((groups, findings))
}

/// Reads an IATI activity file and applies the rules to every activity: one row per
/// `iati-activity`, in file order, each with its findings or its error. A problem outside
/// any activity ends the reading and is in the report's `errors`.
///
/// ```
/// use tcrules::{iati, money::Rates, Policy};
/// let xml = r#"<iati-activities version="1.05">
///   <iati-activity default-currency="USD">
///     <iati-identifier>XM-DAC-41302-3</iati-identifier>
///     <activity-date type="start-actual" iso-date="2006-01-01"/>
///     <activity-date type="end-planned" iso-date="2009-04-30"/>
///     <budget><period-start iso-date="2006-01-01"/><period-end iso-date="2006-12-31"/><value>800000</value></budget>
///     <transaction><transaction-type code="E"/><transaction-date iso-date="2006-06-30"/><value>440000</value></transaction>
///   </iati-activity>
///   <iati-activity default-currency="USD"><iati-identifier>XM-DAC-41302-4</iati-identifier>
///     <budget><period-start iso-date="2006-01-01"/><period-end iso-date="2006-12-31"/><value>1.2.3</value></budget>
///   </iati-activity>
/// </iati-activities>"#;
/// let report = iati::read(xml.as_bytes(), &Rates::usd_only(), &Policy::default());
/// let [ok, bad] = &report.activities[..] else { panic!() };
/// assert_eq!(ok.duration_class.unwrap().as_str(), "long");
/// assert_eq!(ok.delivery[0].rate_percent.unwrap().to_string(), "55");
/// let e = bad.error.as_ref().unwrap();
/// assert_eq!((e.code.as_str(), e.path.as_str()), ("invalid_value", "iati-activity[2]/budget[1]/value"));
/// ```
pub fn read<R: BufRead>(input: R, rates: &Rates, policy: &Policy) -> IatiReport {
    read_with(input, rates, policy, &ReadOptions::default())
}

/// [`read`], with the options: the as-of date of IATI-EVAL-DOC and the years of delivery.
pub fn read_with<R: BufRead>(
    input: R,
    rates: &Rates,
    policy: &Policy,
    options: &ReadOptions,
) -> IatiReport {
    let mut rows = Rows::new(input, rates, policy, options);
    let mut activities = Vec::new();
    let mut errors = Vec::new();
    for row in rows.by_ref() {
        match row {
            Ok(row) => activities.push(row),
            Err(e) => errors.push(e.info()),
        }
    }
    IatiReport {
        version: rows.version().map(str::to_owned),
        activities,
        errors,
        policy: policy.stamp_arc(),
    }
}

/// The rows of an IATI file as they are read, one activity at a time, so that a caller
/// writing them out holds one activity, not the file: each item is an activity's row (an
/// activity that could not be read is a row with its error), or a problem outside any
/// activity, after which the file is not read further.
///
/// ```
/// use tcrules::{iati::{ReadOptions, Rows}, money::Rates, Policy};
/// let xml = r#"<iati-activities version="2.03">
///   <iati-activity><iati-identifier>A-1</iati-identifier></iati-activity>
///   <iati-activity><iati-identifier>A-2</iati-identifier>"#;
/// let (rates, policy) = (Rates::usd_only(), Policy::default());
/// let mut rows = Rows::new(xml.as_bytes(), &rates, &policy, &ReadOptions::default());
/// assert_eq!(rows.next().unwrap().unwrap().identifier.as_deref(), Some("A-1"));
/// let broken = rows.next().unwrap().unwrap(); // the file ends inside A-2
/// assert_eq!(broken.error.unwrap().code, "invalid_xml");
/// assert!(rows.next().is_none());
/// assert_eq!(rows.version(), Some("2.03"));
/// ```
pub struct Rows<'a, R> {
    activities: Activities<R>,
    rates: Cow<'a, Rates>,
    policy: Cow<'a, Policy>,
    options: ReadOptions,
}

impl<'a, R: BufRead> Rows<'a, R> {
    pub fn new(input: R, rates: &'a Rates, policy: &'a Policy, options: &ReadOptions) -> Self {
        Rows {
            activities: Activities::new(input),
            rates: Cow::Borrowed(rates),
            policy: Cow::Borrowed(policy),
            options: *options,
        }
    }

    /// Rows that own their rates and policy, for a reader kept past the caller's scope (a
    /// binding's iterator).
    pub fn owned(
        input: R,
        rates: Rates,
        policy: Policy,
        options: &ReadOptions,
    ) -> Rows<'static, R> {
        Rows {
            activities: Activities::new(input),
            rates: Cow::Owned(rates),
            policy: Cow::Owned(policy),
            options: *options,
        }
    }

    /// The file's IATI version, once its root element is read.
    pub fn version(&self) -> Option<&str> {
        self.activities.version()
    }

    /// The policy the rows are judged by.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl<R: BufRead> Iterator for Rows<'_, R> {
    type Item = Result<IatiRow>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(match self.activities.next()? {
            Ok(activity) => Ok(IatiRow::of(
                &activity,
                &self.rates,
                &self.policy,
                &self.options,
            )),
            Err(e) if e.activity.is_some() => Ok(IatiRow::failed(&e)),
            Err(e) => Err(e.error),
        })
    }
}

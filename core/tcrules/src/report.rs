//! The full report on a portfolio: every rule family at once, with nothing lost. A
//! section that cannot be computed records its error; a project that cannot be evaluated
//! keeps its row with the error in it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::delivery::{self, DeliveryReport, GroupBy};
use crate::error::ErrorInfo;
use crate::evaluation::{self, ProjectEvaluation};
use crate::finding::Finding;
use crate::integration::{self, IntegrationReport};
use crate::model::Portfolio;
use crate::period::ReportingPeriod;
use crate::policy::{Policy, PolicyStamp};
use crate::portfolio::{self, PortfolioReport, YearRange};
use crate::rule::Status;

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportOptions {
    /// Delivery period; default: the latest calendar year with records.
    #[serde(default)]
    pub delivery_period: Option<ReportingPeriod>,
    /// Delivery grouping; default: by project.
    #[serde(default = "default_group_by")]
    pub delivery_group_by: GroupBy,
    /// Approval periods; default: the five-year blocks the approvals fall in.
    #[serde(default)]
    pub approval_periods: Option<Vec<YearRange>>,
}

fn default_group_by() -> GroupBy {
    GroupBy::Project
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            delivery_period: None,
            delivery_group_by: default_group_by(),
            approval_periods: None,
        }
    }
}

/// Counts for dashboards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    pub projects: usize,
    /// Findings by status across every section.
    pub findings: BTreeMap<Status, usize>,
    /// Findings that need action (fail or warning) by rule id.
    pub action_by_rule: BTreeMap<String, usize>,
    pub errors: usize,
}

/// Every rule family's results for a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<String>,
    pub policy: Arc<PolicyStamp>,
    pub summary: Summary,
    pub evaluations: Vec<ProjectEvaluation>,
    pub delivery: Option<DeliveryReport>,
    pub integration: Option<IntegrationReport>,
    pub balance: Option<PortfolioReport>,
    /// Input problems and sections that could not be computed.
    pub errors: Vec<ErrorInfo>,
}

impl Report {
    /// Every finding of every section, evaluation first.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.evaluations
            .iter()
            .flat_map(|e| e.findings.iter())
            .chain(self.delivery.iter().flat_map(|d| d.findings.iter()))
            .chain(self.integration.iter().flat_map(|d| d.findings.iter()))
            .chain(self.balance.iter().flat_map(|d| d.findings.iter()))
    }
}

/// The section's value, or its error recorded.
fn keep<T>(errors: &mut Vec<ErrorInfo>, r: crate::Result<T>) -> Option<T> {
    r.map_err(|e| errors.push(e.info())).ok()
}

/// Runs every rule family on a portfolio.
///
/// ```
/// use tcrules::{report, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2024-01-01", "end": "2025-06-30",
///    "budget": {"amount": "412000", "currency": "USD"}}]}"#).unwrap();
/// let r = report::report(&p, &Policy::default(), &report::ReportOptions::default());
/// assert_eq!(r.summary.projects, 1);
/// assert!(r.errors.is_empty());
/// ```
pub fn report(portfolio: &Portfolio, policy: &Policy, options: &ReportOptions) -> Report {
    let mut errors: Vec<ErrorInfo> = portfolio.problems().iter().map(ErrorInfo::from).collect();
    let evaluations = evaluation::evaluate_all(&portfolio.projects, policy, &portfolio.rates);
    let period = options.delivery_period.or_else(|| {
        portfolio
            .records
            .iter()
            .map(|r| r.month.year())
            .max()
            .map(|year| ReportingPeriod::Year { year })
    });
    let delivery = period.and_then(|period| {
        keep(
            &mut errors,
            delivery::of_portfolio(portfolio, options.delivery_group_by, period, policy),
        )
    });
    let integration = keep(&mut errors, integration::report(portfolio, policy));
    let balance = keep(
        &mut errors,
        portfolio::report(portfolio, options.approval_periods.as_deref(), policy),
    );
    let mut report = Report {
        portfolio: portfolio.name.clone(),
        policy: policy.stamp_arc(),
        summary: Summary::default(),
        evaluations,
        delivery,
        integration,
        balance,
        errors,
    };
    let mut summary = Summary {
        projects: portfolio.projects.len(),
        errors: report.errors.len()
            + report
                .evaluations
                .iter()
                .filter(|e| e.error.is_some())
                .count(),
        ..Summary::default()
    };
    for f in report.findings() {
        *summary.findings.entry(f.status).or_default() += 1;
        if f.needs_action() {
            *summary
                .action_by_rule
                .entry(f.rule.as_str().to_owned())
                .or_default() += 1;
        }
    }
    report.summary = summary;
    report
}
